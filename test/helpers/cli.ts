/**
 * Driving the `solvency` CLI as a user would: a child process per command, in a temporary working
 * directory with real files; results are the exit code and what was printed.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ROOT } from "../../prover/artifacts.ts";
import { poseidonReady } from "../../prover/poseidon.ts";
import { loadVenue, venueRiskFactors } from "../../prover/venue.ts";
import { loadPrices, roundOf, roundJson } from "../../prover/prices.ts";
import { contextHash, priceCommitment, riskCommitment } from "../../prover/commitments.ts";

export const CLI = path.join(ROOT, "cli", "solvency.mjs");
export const EXAMPLES = path.join(ROOT, "examples");
/** Hardhat's first accounts (public test keys). */
export const KEYS = {
  admin: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  alice: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  keeper: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
};
export const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

export interface Run { code: number | null; stdout: string; stderr: string }

/** Runs `solvency ...args` in `cwd`; the environment has no signing key unless `env` gives one. */
export function solvency(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("SOLVENCY_")));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...clean, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A fresh working directory with the example venue, prices and portfolio. */
export function workdir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "solvency-cli-"));
  for (const f of ["venue.yaml", "prices.yaml", "prices-crash.yaml", "portfolio.yaml"]) copyFileSync(path.join(EXAMPLES, f), path.join(dir, f));
  return dir;
}

/** Requires a failure with `code` told in exactly one `error:` line, without a stack trace. */
export function expectFailure(r: Run, code: number, pattern: RegExp): void {
  const errors = r.stderr.split("\n").filter((l) => l.startsWith("error:"));
  expect(r.code, `exit code; stderr: ${r.stderr}`).to.equal(code);
  expect(errors, r.stderr).to.have.length(1);
  expect(errors[0]).to.match(pattern);
  expect(errors[0]!.split(" — "), "what — where — how to fix").to.have.length.greaterThanOrEqual(3);
  expect(r.stderr, "no stack trace").not.to.match(/^\s+at /m);
}

export function expectSuccess(r: Run): void {
  expect(r.code, `stderr: ${r.stderr}\nstdout: ${r.stdout}`).to.equal(0);
}

/**
 * Writes a round file for the example venue as if its oracle had published `pricesFile` as round
 * `roundId` at `timestamp` (the offline commands need a published round).
 */
export async function writeRound(dir: string, pricesFile: string, roundId: bigint, timestamp: bigint, out = "round.json"): Promise<void> {
  await poseidonReady();
  const venue = loadVenue(path.join(dir, "venue.yaml"));
  const round = roundOf(loadPrices(path.join(dir, pricesFile), venue), roundId, timestamp);
  const context = contextHash(priceCommitment(round), riskCommitment(venueRiskFactors(venue)));
  writeFileSync(path.join(dir, out), roundJson({ venue: venue.name, instance: venue.instance.name, round, context }));
}
