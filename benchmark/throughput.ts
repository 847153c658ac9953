/**
 * Throughput of the job engine: proofs per minute through the embedded pool (the same job code and child
 * processes a BullMQ worker runs) with 1 and 2 worker processes, each worker's peak memory, and the same
 * instance's bare warm Prover proving back to back in one process as the yardstick the engine is held to
 * (it should lose no more than 10%). Every worker is warmed with one proof before the clock starts, as a
 * long-running worker would be.
 */
import { existsSync, readFileSync } from "node:fs";
import { writeFileAtomic, toJson } from "../prover/files.ts";
import { PoolEngine } from "../jobs/pool.ts";
import { proveJob } from "../jobs/job.ts";
import { instance as instanceSpec } from "../prover/artifacts.ts";
import { ready, request } from "../test/helpers/fixtures.ts";
import { warmRun } from "./measure.ts";
import { median } from "./stats.ts";

export interface ThroughputResult {
  instance: string;
  /** worker processes; 0 = the bare warm Prover in one process, no engine */
  workers: number;
  proofsPerMinute: number;
  /** highest resident memory of any one worker process */
  peakMemoryMiB: number;
  proofs: number;
  seconds: number;
}

/** A process's peak resident memory (VmHWM), MiB; 0 where /proc is not available. */
function peakMiB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.round(Number(m[1]) / 102.4) / 10 : 0;
  } catch {
    return 0;
  }
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** The bare warm Prover: K proofs back to back in a fresh process, after one warm-up proof. */
export function bareProver(name: string, proofs: number): ThroughputResult {
  const run = warmRun(name, proofs, "groth16");
  const ms = median(run.proveMs);
  return { instance: name, workers: 0, proofsPerMinute: round1(60_000 / ms), peakMemoryMiB: run.maxRssMiB, proofs, seconds: round1((ms * proofs) / 1000) };
}

/** `proofs` distinct jobs through the embedded pool of `workers` processes. */
export async function throughEngine(name: string, workers: number, proofs: number): Promise<ThroughputResult> {
  await ready();
  const inst = instanceSpec(name);
  const jobs = (from: number, n: number) => Array.from({ length: n }, (_, i) => proveJob(name, request(inst.assets, inst.positions, { nonce: BigInt(from + i) })));
  const engine = new PoolEngine({ workers, retry: { attempts: 1, backoffMs: 0 } });
  try {
    const warm = await engine.prove(jobs(1_000_000, workers));
    for (const s of warm.values()) if (!s.ok) throw new Error(`warm-up proof failed: ${s.error}`);
    const t0 = performance.now();
    const out = await engine.prove(jobs(1, proofs));
    const seconds = (performance.now() - t0) / 1000;
    for (const s of out.values()) if (!s.ok) throw new Error(`proof failed: ${s.error}`);
    const peak = Math.max(...engine.pids().map(peakMiB));
    return { instance: name, workers, proofsPerMinute: round1((proofs / seconds) * 60), peakMemoryMiB: peak, proofs, seconds: round1(seconds) };
  } finally {
    await engine.close();
  }
}

/** Machines of this kind (with `perMachine` proofs a minute) needed to prove `accounts` within `minutes`. */
export const machinesFor = (accounts: number, minutes: number, perMachine: number): number => Math.ceil(accounts / (perMachine * minutes));

export function throughputMarkdown(rows: ThroughputResult[], accounts = 10_000, roundMinutes = 60): string {
  const lines = [
    "| instance | worker processes | proofs / minute | peak memory per worker (MiB) | vs bare warm Prover |",
    "|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const bare = rows.find((b) => b.instance === r.instance && b.workers === 0);
    const vs = r.workers === 0 || !bare ? "—" : `${Math.round((r.proofsPerMinute / bare.proofsPerMinute) * 100)}%`;
    lines.push(`| ${r.instance} | ${r.workers === 0 ? "bare warm Prover, no engine" : r.workers} | ${r.proofsPerMinute} | ${r.peakMemoryMiB} | ${vs} |`);
  }
  lines.push("");
  for (const name of [...new Set(rows.map((r) => r.instance))]) {
    const best = Math.max(...rows.filter((r) => r.instance === name && r.workers > 0).map((r) => r.proofsPerMinute));
    lines.push(`${name}: ${accounts.toLocaleString("en")} accounts per ${roundMinutes}-minute round need ${machinesFor(accounts, roundMinutes, best)} machine(s) like this one at ${best} proofs/minute each (linear scale-out: workers share nothing but the queue).`);
  }
  return lines.join("\n");
}

/** For each instance: the bare warm Prover, then the engine with 1 and 2 worker processes (`proofs` per worker). */
export async function measureThroughput(names: string[], proofs: number, log: (line: string) => void = () => undefined): Promise<ThroughputResult[]> {
  const rows: ThroughputResult[] = [];
  for (const name of names) {
    log(`${name}: bare warm Prover, ${proofs} proofs ...`);
    rows.push(bareProver(name, proofs));
    for (const workers of [1, 2]) {
      log(`${name}: engine with ${workers} worker process(es), ${proofs * workers} proofs ...`);
      rows.push(await throughEngine(name, workers, proofs * workers));
    }
  }
  return rows;
}

const START = "<!-- throughput:start -->";
const END = "<!-- throughput:end -->";

/**
 * Writes `throughput` (engine rows) and `throughputBaseline` (bare Prover rows) into the results file,
 * keeping the rest of it, and the table into the README between the throughput markers.
 */
export function writeThroughput(resultsFile: string, readme: string | null, rows: ThroughputResult[]): string {
  const results = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, "utf8")) as Record<string, unknown>) : {};
  results.throughput = rows.filter((r) => r.workers > 0).map(({ instance, workers, proofsPerMinute, peakMemoryMiB }) => ({ instance, workers, proofsPerMinute, peakMemoryMiB }));
  results.throughputBaseline = rows.filter((r) => r.workers === 0).map(({ instance, proofsPerMinute, peakMemoryMiB }) => ({ instance, proofsPerMinute, peakMemoryMiB }));
  writeFileAtomic(resultsFile, toJson(results), { overwrite: true });
  const table = throughputMarkdown(rows);
  if (readme && existsSync(readme)) {
    const text = readFileSync(readme, "utf8");
    const s = text.indexOf(START);
    const e = text.indexOf(END);
    if (s >= 0 && e > s) writeFileAtomic(readme, `${text.slice(0, s + START.length)}\n${table}\n${text.slice(e)}`, { overwrite: true });
  }
  return table;
}
