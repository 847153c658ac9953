/**
 * The benchmark's targets and its Markdown report: the tables that scripts/bench.ts prints and writes
 * into README.md between the bench markers, leaving every other line of the README as it was.
 */
import { actionTable, goalLines, publishTable } from "./gas-table.ts";
import { existsSync, readFileSync } from "node:fs";
import { writeFileAtomic } from "../prover/files.ts";
import type { BenchResults, InstanceResult, TargetResult } from "./results.ts";

export const README_START = "<!-- bench:start -->";
export const README_END = "<!-- bench:end -->";

/** The project's targets on the benchmark machine. */
export const TARGETS = {
  defaultConstraints: 2 ** 14,
  constraintsPerAsset: 250,
  warmProvingMs: 3000,
  submissionGas: 260_000,
} as const;

const int = (n: number): string => Math.round(n).toLocaleString("en-US");
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const orDash = <T>(v: T | null | undefined, f: (x: T) => string): string => (v === null || v === undefined ? "—" : f(v));

/** Whether a measured value is under its limit, and by how much it misses or clears it. */
export function verdict(t: TargetResult): string {
  if (t.value === null || t.met === null) return "not measured";
  const diff = Math.abs(t.limit - t.value);
  const pct = ((diff / t.limit) * 100).toFixed(1);
  const amount = t.unit === "ms" ? secs(diff) : `${int(diff)} ${t.unit}`;
  return t.met ? `met (${amount} under, ${pct}%)` : `**missed** by ${amount} (${pct}% over)`;
}

/** The proof submissions in bench/gas.json: the gate's solvency proofs, first and later. */
export const SUBMISSION_ACTIONS = /^prove solvency/;

export function targets(r: Omit<BenchResults, "targets">): TargetResult[] {
  const def = r.instances.find((i) => i.name === r.defaultInstance);
  const under = (value: number | null, limit: number): boolean | null => (value === null ? null : value < limit);
  const perAsset = r.constraintCost.perAsset;
  const warm = def?.warm?.proveMs ?? null;
  return [
    {
      name: `constraints of the institutions' instance (${r.defaultInstance})`,
      limit: TARGETS.defaultConstraints, unit: "constraints",
      value: def ? def.constraints.total : null,
      source: def ? "circom --O2, build/circuits/<name>/info.json" : `${r.defaultInstance} not in this run`,
      met: under(def ? def.constraints.total : null, TARGETS.defaultConstraints),
    },
    {
      name: "constraints per extra asset",
      limit: TARGETS.constraintsPerAsset, unit: "constraints",
      value: perAsset ? Math.round(perAsset.constraints) : null,
      source: perAsset ? perAsset.from : "needs two instances that differ in assets",
      met: under(perAsset?.constraints ?? null, TARGETS.constraintsPerAsset),
    },
    {
      name: `warm proving of the institutions' instance (${r.defaultInstance})`,
      limit: TARGETS.warmProvingMs, unit: "ms",
      value: warm,
      source: warm !== null ? "median Prover.prove: witness, proof and local verification, key loaded" : `${r.defaultInstance} not proved in this run`,
      met: under(warm, TARGETS.warmProvingMs),
    },
    ...submissions(r).map((s) => ({
      name: `gas of a proof submission: ${s.action}`,
      limit: TARGETS.submissionGas, unit: "gas",
      value: s.gas,
      source: s.source,
      met: under(s.gas, TARGETS.submissionGas),
    })),
  ];
}

function submissions(r: Omit<BenchResults, "targets">): Array<{ action: string; gas: number | null; source: string }> {
  const rows = r.gas?.report?.actions.filter((a) => SUBMISSION_ACTIONS.test(a.action) && a.instance === r.defaultInstance) ?? [];
  if (rows.length > 0) return rows.map((a) => ({ action: a.action, gas: a.gas, source: "bench/gas.json (transaction receipt)" }));
  return [{ action: "prove solvency", gas: null, source: r.gas?.error ?? "scripts/gas.ts not run" }];
}

function instanceRow(i: InstanceResult): string {
  const cells = [
    `\`${i.name}\``,
    `${i.assets} × ${i.positions}`,
    int(i.constraints.total),
    `2^${i.power}`,
    `${i.compileSeconds.toFixed(1)} s`,
    orDash(i.setup, (s) => `${s.seconds.toFixed(0)} s`),
    orDash(i.warm, (w) => `${int(w.witnessMs)} ms`),
    orDash(i.warm, (w) => secs(w.proofMs)),
    orDash(i.warm?.proveMs, secs),
    orDash(i.cold, (c) => `${secs(c.totalMs)} (${secs(c.proveMs)})`),
    orDash(i.cold?.peakMemoryMiB, (m) => `${int(m)} MiB`),
    orDash(i.warm, (w) => `${int(w.verifyMs)} ms`),
    orDash(i.verifierGas, (g) => int(g.verifyGas)),
  ];
  return `| ${cells.join(" | ")} |`;
}

/** The report; `resultsFile` is where the raw numbers were written, relative to the project. */
export function markdown(r: BenchResults, resultsFile = "bench/results.json"): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(`Measured ${r.date.slice(0, 10)} with \`${r.command}\` (${r.runs} runs each, medians${r.quick ? "; quick run: small instance only" : ""}) on ` +
    `${m.cores} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, snarkjs ${m.snarkjs}${m.circom ? `, ${m.circom}` : ""}; ` +
    `load average ${m.loadAverage} at the start (the machine was shared, so timings are upper bounds).` +
    ` Raw numbers: \`${resultsFile}\`.`);
  out.push("");
  out.push("| instance | assets × positions | constraints | domain | compile | setup | witness | proof (warm) | Prover.prove (warm) | cold: process → proof (first prove) | peak memory (cold) | verify off chain | `verifyProof` gas |");
  out.push("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const i of r.instances) out.push(instanceRow(i));
  const loads = r.instances.filter((i) => i.loadAverage).map((i) => `\`${i.name}\` ${i.loadAverage!.before} → ${i.loadAverage!.after}`);
  if (loads.length > 0) out.push("", `1-minute load average before → after each instance's proving runs (${m.cores} cores): ${loads.join(", ")}.`);
  const skipped = r.instances.filter((i) => i.skipped);
  for (const i of skipped) out.push("", `\`${i.name}\` was compiled but not proved: ${i.skipped}`);

  out.push("", "**Targets**", "", "| target | limit | measured | result |", "|---|---:|---:|---|");
  for (const t of r.targets) {
    const fmt = (v: number): string => (t.unit === "ms" ? secs(v) : `${int(v)}`);
    out.push(`| ${t.name} | < ${fmt(t.limit)} | ${orDash(t.value, fmt)} | ${verdict(t)} |`);
  }

  const c = r.constraintCost;
  out.push("", "**Cost of an extra asset or position**", "");
  out.push(`- Loop bodies alone: ${Object.entries(c.loopBodies).map(([k, v]) => `\`${k}\` ${int(v)} constraints`).join(", ")}. ` +
    "An extra slot costs more than its loop body: its price, risk factors and balances also enter the Poseidon chain hashes of the price, risk and portfolio commitments.");
  if (c.perAsset) out.push(`- Marginal constraints per asset: ${c.perAsset.constraints.toFixed(1)} (${c.perAsset.from}).`);
  if (c.perPosition) out.push(`- Marginal constraints per position: ${c.perPosition.constraints.toFixed(1)} (${c.perPosition.from}).`);
  for (const f of r.growth.formulas) out.push(`- ${f}`);

  if (r.proofSystems.length > 0 || r.standIn) {
    const inst = r.proofSystems[0]?.instance ?? r.defaultInstance;
    const stand = (system: string) => r.standIn?.gas.find((g) => g.system === system) ?? null;
    out.push("", `**Proof systems on \`${inst}\`**`, "");
    out.push(`| system | setup | proving key | proof (warm) | verify off chain | \`verifyProof\` gas, \`${inst}\` | \`verifyProof\` gas, stand-in | calldata | verifier deployment | note |`);
    out.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    const systems = r.proofSystems.length > 0 ? r.proofSystems.map((s) => s.system) : (r.standIn?.gas.map((g) => g.system) ?? []);
    for (const system of systems) {
      const s = r.proofSystems.find((x) => x.system === system);
      const g = s?.verifierGas ?? stand(system);
      out.push(`| ${system} | ${orDash(s?.setupSeconds, (x) => `${x.toFixed(0)} s`)} | ${orDash(s?.zkeyMiB, (x) => `${x.toFixed(1)} MiB`)} | ` +
        `${orDash(s?.warm, (w) => secs(w.proofMs))} | ${orDash(s?.warm, (w) => `${int(w.verifyMs)} ms`)} | ` +
        `${orDash(s?.verifierGas, (x) => int(x.verifyGas))} | ${orDash(stand(system), (x) => int(x.verifyGas))} | ` +
        `${orDash(g, (x) => `${x.calldataBytes} B`)} | ${orDash(g, (x) => int(x.deployGas))} | ${s?.error ?? ""} |`);
    }
    if (r.standIn) {
      out.push("", `Stand-in: \`${r.standIn.circuit}\` (${r.standIn.constraints} constraints), throwaway keys. A verifier's gas depends on the number of public signals, ` +
        "not on the circuit (which enters it only as constants), so the stand-in gives each system's on-chain verification cost where the instance itself does not fit the powers of tau." +
        r.standIn.errors.map((e) => ` ${e.system} on the stand-in failed: ${e.error}.`).join(""));
    }
  }

  if (r.gas) {
    out.push("", "**Gas per on-chain action** (`scripts/gas.ts`, `bench/gas.json`)", "");
    if (!r.gas.report) out.push(`Not measured: ${r.gas.error}`);
    else {
      const g = r.gas.report;
      out.push(`Receipts on a local Hardhat chain with real proofs of ${g.instances.map((i) => `\`${i.name}\` (${i.assets} × ${i.markets})`).join(", ")}. ` +
        "A submission's ratio is to the bare Groth16 verification of the same instance (every instance has the same four public signals).", "");
      out.push(actionTable(g.actions), "", publishTable(g.actions), "", ...goalLines(g.actions).map((l) => `- ${l}`));
    }
  }
  return out.join("\n");
}

/**
 * Replaces what lies between the bench markers in the README. Returns false, touching nothing, when the
 * README or either marker is missing.
 */
export function updateReadme(readme: string, table: string): boolean {
  if (!existsSync(readme)) return false;
  const text = readFileSync(readme, "utf8");
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END, start + README_START.length);
  if (start < 0 || end < 0) return false;
  const next = `${text.slice(0, start + README_START.length)}\n${table}\n${text.slice(end)}`;
  if (next !== text) writeFileAtomic(readme, next, { overwrite: true });
  return true;
}
