/**
 * `solvency risk calibrate`: haircuts, margins and joint stress scenarios from a daily price history
 * (risk/), written as the risk section of a venue file and drawn as an SVG chart.
 */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { action, common, type CommonOptions } from "../command.ts";
import { InputError, writeFileAtomic } from "../../prover/files.ts";
import { loadVenue } from "../../prover/venue.ts";
import { loadHistory } from "../../risk/history.ts";
import { DEFAULT_OPTIONS, minRows } from "../../risk/haircuts.ts";
import { calibrate, guessRoles, riskSectionYaml, type SymbolRole } from "../../risk/calibrate.ts";
import { calibrationChart } from "../../risk/chart.ts";

interface CalibrateFlags extends CommonOptions {
  history: string; confidence: string; horizonDays: string; stepBps: string; scenarios?: string;
  venue?: string; out?: string; chart?: string; force?: boolean;
}

function parseConfidence(text: string): number {
  const t = text.trim();
  const v = Number(t);
  if (!/^0?\.[0-9]+$/.test(t) || !(v >= 0.5 && v < 1)) throw new InputError(`'${text}' is not a confidence level in [0.5, 1)`, "--confidence", "write a fraction such as 0.99");
  return v;
}

function parseCount(text: string, flag: string, min: number, max: number): number {
  const t = text.trim();
  if (!/^[0-9]+$/.test(t) || Number(t) < min || Number(t) > max) throw new InputError(`'${text}' is not a whole number in [${min}, ${max}]`, flag, `give a whole number from ${min} to ${max}`);
  return Number(t);
}

/** With a venue, each history column must be one of its assets or markets, and each of them must have a column. */
function rolesFromVenue(file: string, symbols: readonly string[], historyFile: string): SymbolRole[] {
  const venue = loadVenue(file);
  const known = new Map<string, SymbolRole>();
  for (const a of venue.assets) known.set(a.symbol, { symbol: a.symbol, market: false, decimals: a.decimals });
  for (const m of venue.markets) known.set(m.symbol, { symbol: m.symbol, market: true, decimals: m.decimals, profitWeightBps: m.profitWeightBps, lossWeightBps: m.lossWeightBps });
  for (const s of symbols) {
    if (!known.has(s)) throw new InputError(`unknown symbol '${s}': ${venue.name} lists ${[...known.keys()].join(", ")}`, `${historyFile} header`, "rename the column to the venue's symbol or remove it");
  }
  const missing = [...known.keys()].filter((s) => !symbols.includes(s));
  if (missing.length > 0) throw new InputError(`the history has no column for ${missing.join(", ")}`, `${historyFile} header`, `add a column per venue symbol (${[...known.keys()].join(", ")})`);
  return [...known.values()];
}

export function registerRisk(program: Command): void {
  const risk = program.command("risk").description("risk parameters: calibrate haircuts and stress scenarios from price history");
  common(risk.command("calibrate"))
    .description("haircuts, margins and joint stress scenarios from a daily price history (CSV: date,SYMBOL,...)")
    .requiredOption("--history <file>", "CSV of daily closing prices: header date,SYMBOL,SYMBOL,... then one row per date")
    .option("--confidence <level>", "one-sided confidence level", String(DEFAULT_OPTIONS.confidence))
    .option("--horizon-days <days>", "holding period T in days", String(DEFAULT_OPTIONS.horizonDays))
    .option("--step-bps <bps>", "the venue's weight step: haircuts are rounded up to it", String(DEFAULT_OPTIONS.stepBps))
    .option("--scenarios <count>", "keep the most severe scenarios only (a stress circuit has a fixed number of slots)")
    .option("--venue <file>", "venue file: check the history's symbols against it and write complete entries")
    .option("-o, --out <file>", "write the risk section of a venue file (YAML)")
    .option("--chart <file>", "draw the calibration as an SVG chart")
    .option("-f, --force", "replace existing output files")
    .addHelpText("after", "\nExample:\n  solvency risk calibrate --history examples/history.csv --confidence 0.99 --horizon-days 1 --out risk.yaml --chart risk.svg\n")
    .action(action<[], CalibrateFlags>(async (out, o) => {
      const confidence = parseConfidence(o.confidence);
      const horizonDays = parseCount(o.horizonDays, "--horizon-days", 1, 250);
      const stepBps = parseCount(o.stepBps, "--step-bps", 1, 1000);
      const maxScenarios = o.scenarios === undefined ? undefined : parseCount(o.scenarios, "--scenarios", 1, 256);
      for (const f of [o.out, o.chart]) {
        if (f && !o.force && existsSync(f)) throw new InputError("the output file already exists", f, "choose another path, or pass --force to replace it");
      }
      if (o.out && o.chart && o.out === o.chart) throw new InputError("--out and --chart name the same file", o.out, "give each output its own file");
      const history = loadHistory(o.history, { minRows: minRows(horizonDays) });
      const roles = o.venue ? rolesFromVenue(o.venue, history.symbols, o.history) : guessRoles(history.symbols);
      const c = calibrate(history, { confidence, horizonDays, stepBps, maxScenarios });
      // Both outputs are made before either is written, so a failure leaves neither behind.
      const section = o.out ? riskSectionYaml(c, roles) : undefined;
      const chart = o.chart ? calibrationChart(c) : undefined;
      if (o.out && section) writeFileAtomic(o.out, section, { overwrite: !!o.force });
      if (o.chart && chart) writeFileAtomic(o.chart, chart, { overwrite: !!o.force });
      const p = (x: number): string => `${(x * 100).toFixed(2)}%`;
      out.result({
        history: o.history, observations: c.observations, from: c.from, to: c.to, confidence, horizonDays, stepBps,
        assets: c.assets.map((a) => ({ ...a, market: roles.find((r) => r.symbol === a.symbol)?.market ?? false })),
        correlations: { symbols: history.symbols, matrix: c.correlations },
        scenarios: c.scenarios, out: o.out, chart: o.chart,
      }, [
        `${o.history}: ${c.observations} daily closes, ${c.from} to ${c.to}; confidence ${confidence}, horizon ${horizonDays} day(s), step ${stepBps} bps`,
        "symbol          σ/day    EWMA σ   param.  hist.   haircut  uplift  weights (collateral/liability, margin)",
        ...c.assets.map((a) => {
          const r = roles.find((x) => x.symbol === a.symbol);
          const w = r?.market ? `margin ${a.maintenanceMarginBps}` : `${a.collateralWeightBps}/${a.liabilityWeightBps}`;
          return `${a.symbol.padEnd(14)} ${p(a.volatility).padStart(7)} ${p(a.ewmaVolatility).padStart(8)} ${p(a.parametricHaircut).padStart(7)} ${p(a.historicalHaircut).padStart(7)} ${String(a.haircutBps).padStart(7)}  ${String(a.upliftBps).padStart(6)}  ${w}`;
        }),
        `${c.scenarios.length} stress scenarios (multipliers in bps; reference portfolio = equal value long in every symbol):`,
        ...c.scenarios.map((s) => `  ${s.name.padEnd(42)} ${`${(s.referenceMove * 100).toFixed(1)}%`.padStart(7)}  ${Object.entries(s.multipliersBps).map(([k, v]) => `${k} ${v}`).join(", ")}`),
        ...(o.out ? [`wrote the risk section to ${o.out}`] : []),
        ...(o.chart ? [`drew the chart in ${o.chart}`] : []),
      ]);
    }));
}
