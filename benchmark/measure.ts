/**
 * Runs the measured proving processes (benchmark/proving-run.ts) and reduces their reports to
 * medians. Each cold run is a new Node process; a warm run is one process that proves several times.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ROOT } from "../prover/artifacts.ts";
import type { ProofSystem } from "../prover/setup-info.ts";
import { RESULT_MARKER, type ColdRun, type WarmRun } from "./proving-run.ts";
import type { ColdMedians, WarmMedians } from "./results.ts";
import { median } from "./stats.ts";

const RUNNER = fileURLToPath(new URL("./proving-run.ts", import.meta.url));

/** Runs a TypeScript entry point in a new Node process (tsx as the loader) and returns its stdout. */
export function runTs(script: string, args: string[], what: string): string {
  const run = spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: process.env,
  });
  if (run.status !== 0) {
    const detail = `${run.stderr ?? ""}`.trim().split("\n").slice(-12).join("\n");
    throw new Error(`${what} failed (exit ${run.status ?? run.signal}):\n${detail}`);
  }
  return run.stdout;
}

function report<T>(stdout: string, what: string): T {
  const line = stdout.split("\n").find((l) => l.startsWith(RESULT_MARKER));
  if (!line) throw new Error(`${what} printed no result`);
  return JSON.parse(line.slice(RESULT_MARKER.length)) as T;
}

export function coldRuns(name: string, runs: number): ColdRun[] {
  return Array.from({ length: runs }, (_, i) => {
    const what = `cold proving run ${i + 1}/${runs} of ${name}`;
    return report<ColdRun>(runTs(RUNNER, ["cold", name], what), what);
  });
}

export function warmRun(name: string, runs: number, system: ProofSystem): WarmRun {
  const what = `warm ${system} proving of ${name}`;
  return report<WarmRun>(runTs(RUNNER, ["warm", name, String(runs), system], what), what);
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

export function coldMedians(runs: ColdRun[]): ColdMedians {
  const m = (k: "totalMs" | "startupMs" | "loadMs" | "proveMs"): number => round1(median(runs.map((r) => r[k])));
  return { totalMs: m("totalMs"), startupMs: m("startupMs"), loadMs: m("loadMs"), proveMs: m("proveMs"), peakMemoryMiB: Math.max(...runs.map((r) => r.maxRssMiB)) };
}

export function warmMedians(run: WarmRun): WarmMedians {
  return {
    witnessMs: round1(median(run.witnessMs)),
    proofMs: round1(median(run.proofMs)),
    verifyMs: round1(median(run.verifyMs)),
    proveMs: run.proveMs.length > 0 ? round1(median(run.proveMs)) : null,
    peakMemoryMiB: run.maxRssMiB,
  };
}
