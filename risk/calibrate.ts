/**
 * `solvency risk calibrate`'s library: a price history in, the venue's risk section out (haircut-based
 * weights per asset, maintenance margins per perpetual market, joint stress scenarios), with the
 * estimates behind them.
 */
import { stringify } from "yaml";
import { horizonReturns } from "./statistics.ts";
import { correlation } from "./statistics.ts";
import { column, estimateAll, type AssetRiskEstimate, type CalibrationOptions } from "./haircuts.ts";
import { gridScenarios, historicalScenarios, mostSevere, type Scenario } from "./scenarios.ts";
import type { PriceHistory } from "./history.ts";

export interface Calibration {
  file: string;
  options: CalibrationOptions;
  observations: number;
  from: string;
  to: string;
  assets: AssetRiskEstimate[];
  /** correlations of T-day log returns, in the order of `assets` */
  correlations: number[][];
  scenarios: Scenario[];
}

export interface CalibrateOptions extends CalibrationOptions { maxScenarios?: number }

export function calibrate(h: PriceHistory, o: CalibrateOptions): Calibration {
  const assets = estimateAll(h, o);
  const returns = h.symbols.map((_, i) => horizonReturns(column(h, i), o.horizonDays));
  const correlations = returns.map((x) => returns.map((y) => correlation(x, y)));
  const all = [...historicalScenarios(h, { horizonDays: o.horizonDays }), ...gridScenarios(assets)];
  const scenarios = o.maxScenarios === undefined ? all : mostSevere(all, o.maxScenarios);
  return {
    file: h.file, options: { confidence: o.confidence, horizonDays: o.horizonDays, stepBps: o.stepBps },
    observations: h.prices.length, from: h.dates[0]!, to: h.dates[h.dates.length - 1]!,
    assets, correlations, scenarios,
  };
}

/** How the risk section treats a symbol: an asset (weights) or a perpetual market (margin). */
export interface SymbolRole { symbol: string; market: boolean; decimals?: number; profitWeightBps?: number; lossWeightBps?: number }

/** Without a venue, a symbol ending in -PERP is taken for a perpetual market. */
export const guessRoles = (symbols: readonly string[]): SymbolRole[] => symbols.map((symbol) => ({ symbol, market: /-PERP$/i.test(symbol) }));

/**
 * The risk section of a venue file (docs/files.md): `assets` with calibrated weights, `markets` with
 * calibrated maintenance margins, `stress.scenarios`. With a venue's roles the entries carry the
 * venue's decimals and other weights, so they can replace the venue's own lists as they are.
 */
export function riskSection(c: Calibration, roles: readonly SymbolRole[], stressRatioBps?: number): Record<string, unknown> {
  const est = new Map(c.assets.map((a) => [a.symbol, a]));
  const keep = <T extends object>(x: T): T => Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)) as T;
  return {
    assets: roles.filter((r) => !r.market).map((r) => keep({ symbol: r.symbol, decimals: r.decimals, collateralWeightBps: est.get(r.symbol)!.collateralWeightBps, liabilityWeightBps: est.get(r.symbol)!.liabilityWeightBps })),
    markets: roles.filter((r) => r.market).map((r) => keep({ symbol: r.symbol, decimals: r.decimals, profitWeightBps: r.profitWeightBps, lossWeightBps: r.lossWeightBps, maintenanceMarginBps: est.get(r.symbol)!.maintenanceMarginBps })),
    stress: keep({
      ratioBps: stressRatioBps,
      scenarios: c.scenarios.map((s) => ({ name: s.name, multipliersBps: Object.fromEntries(roles.map((r) => [r.symbol, s.multipliersBps[r.symbol]!])) })),
    }),
  };
}

export function riskSectionYaml(c: Calibration, roles: readonly SymbolRole[], stressRatioBps?: number): string {
  const head = [
    `# Risk section calibrated by \`solvency risk calibrate\` from ${c.file} (${c.observations} daily closes, ${c.from} to ${c.to}),`,
    `# confidence ${c.options.confidence}, horizon ${c.options.horizonDays} day(s), weights rounded up to ${c.options.stepBps} bps.`,
    "# Weights: collateral = 10000 − haircut, liability = 10000 + uplift; margins: the larger of the two moves.",
  ];
  return head.join("\n") + "\n" + stringify(riskSection(c, roles, stressRatioBps), { flowCollectionPadding: true, collectionStyle: "block" });
}
