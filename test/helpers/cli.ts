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

/** Hardhat's accounts #3, #4 and #5 (public test keys): the oracle's three reporters in CLI tests. */
export const CLI_REPORTERS = [
  { address: "0x90F79bf6EB2c4f870365E785982E1f101E93b906", key: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6" },
  { address: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", key: "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a" },
  { address: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc", key: "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba" },
] as const;

type Runner = (args: string[], env?: Record<string, string>) => Promise<Run>;

/** Governance adds the three CLI reporters to a fresh deployment's oracle (`run` appends --deployment and --rpc). */
export async function addCliReporters(run: Runner): Promise<void> {
  for (const r of CLI_REPORTERS) expectSuccess(await run(["oracle", "reporters", "add", r.address], { SOLVENCY_PRIVATE_KEY: KEYS.admin }));
}

/**
 * Each CLI reporter signs `prices` observed at `at` (unix seconds: the chain's latest block time, so the
 * oracle never sees an observation from its future) into `<prefix><i>.json` in `dir`; returns the files.
 */
export async function signAsReporters(dir: string, prices: string, at: bigint, prefix: string): Promise<string[]> {
  const files: string[] = [];
  for (const [i, r] of CLI_REPORTERS.entries()) {
    const file = `${prefix}${i}.json`;
    expectSuccess(await solvency(dir, ["oracle", "sign", "--deployment", "deployment.json", "--prices", prices, "--at", at.toString(), "-o", file], { SOLVENCY_PRIVATE_KEY: r.key }));
    files.push(file);
  }
  return files;
}
