/**
 * The trusted-setup part of the audit: what build/setup/<name>/setup.json (scripts/setup.ts) says was
 * done, whether the files on disk are those files, and snarkjs' own verification of the zkey against the
 * r1cs and the powers of tau, with every phase-2 contribution's hash and name and the beacon as the
 * verifier recomputes them from the key.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../../prover/artifacts.ts";
import { setupInfoSchema, type SetupInfo } from "../../prover/setup-info.ts";
import { snark, recordingLogger } from "../snarkjs-api.ts";
import { check, displayPath, sha256File, type Check } from "./check.ts";

export interface SetupAuditOptions {
  r1cs: string;
  zkey: string;
  vkey: string;
  setupInfo: string;
  /** a copy of the powers of tau to verify against, instead of the path setup.json records */
  ptau?: string;
  /** run snarkjs' zkey verification (tens of seconds for the small instance) */
  verifyZkey: boolean;
  /** a development setup fails the audit */
  production: boolean;
  log?: (line: string) => void;
}

export interface VerifiedContribution { index: number; name: string; hash: string; beacon?: { generator: string; iterationsExp: number } }

export interface SetupAudit {
  record: SetupInfo | null;
  ptau: { path: string; sha256: string | null } | null;
  verification: { ok: boolean; seconds: number; circuitHash: string | null; contributions: VerifiedContribution[]; errors: string[] } | null;
  checks: Check[];
}

/** How often the zkey verification reports progress. */
export const PROGRESS_MS = 5000;

const compact = (s: string): string => s.replace(/\s+/g, "");

/**
 * Reads what snarkjs' zkey verification prints: `Circuit Hash:` and `contribution #i name:` each followed
 * by the hash as four lines of hex, and for a beacon its generator and iteration exponent.
 */
export function parseVerificationLog(lines: readonly string[]): { circuitHash: string | null; contributions: VerifiedContribution[] } {
  let circuitHash: string | null = null;
  const contributions: VerifiedContribution[] = [];
  let current: VerifiedContribution | undefined;
  let generator: string | undefined;
  for (const line of lines) {
    const hash = /^Circuit Hash:\s*\n([\s\S]*)$/.exec(line);
    if (hash) {
      circuitHash = compact(hash[1]!);
      continue;
    }
    const c = /^contribution #(\d+) ?(.*?):\s*\n([\s\S]*)$/.exec(line);
    if (c) {
      current = { index: Number(c[1]), name: c[2]!.trim(), hash: compact(c[3]!) };
      contributions.push(current);
      continue;
    }
    const g = /^Beacon generator: ([0-9a-f]+)/.exec(line);
    if (g) generator = g[1]!;
    const e = /^Beacon iterations Exp: (\d+)/.exec(line);
    if (e && current && generator !== undefined) {
      current.beacon = { generator, iterationsExp: Number(e[1]) };
      generator = undefined;
    }
  }
  contributions.sort((x, y) => x.index - y.index);
  return { circuitHash, contributions };
}

function readRecord(file: string): { record: SetupInfo | null; problem?: string } {
  if (!existsSync(file)) return { record: null, problem: `${displayPath(file)} is missing: there is no trusted setup (run 'npm run setup')` };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    return { record: null, problem: `${displayPath(file)} is not valid JSON (${(err as Error).message})` };
  }
  const parsed = setupInfoSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { record: null, problem: `${displayPath(file)}: ${issue.path.join(".")}: ${issue.message}` };
  }
  return { record: parsed.data };
}

export async function auditSetup(opts: SetupAuditOptions): Promise<SetupAudit> {
  const checks: Check[] = [];
  const { record, problem } = readRecord(opts.setupInfo);
  if (!record) {
    checks.push(check("setup-record", "The trusted setup is recorded", "fail", problem!));
    return { record: null, ptau: null, verification: null, checks };
  }
  if (record.system !== "groth16") {
    checks.push(check("setup-record", "The trusted setup is recorded", "fail", `setup.json describes a ${record.system} setup; the audit covers Groth16`));
    return { record, ptau: null, verification: null, checks };
  }

  // ---- the files are the recorded ones -------------------------------------------------------------
  const recorded: Array<[string, string, string]> = [
    ["r1cs", opts.r1cs, record.circuit.r1csSha256],
    ["zkey", opts.zkey, record.zkey.sha256],
    ["verification key", opts.vkey, record.vkey.sha256],
  ];
  const differ = recorded.flatMap(([what, file, sha]) => {
    if (!existsSync(file)) return [`${what}: ${displayPath(file)} is missing`];
    const actual = sha256File(file);
    return actual === sha ? [] : [`${what}: ${displayPath(file)} has sha256 ${actual}, setup.json records ${sha}`];
  });
  checks.push(check("setup-files", "The r1cs, zkey and verification key are the ones the setup recorded", differ.length === 0 ? "pass" : "fail",
    differ.length === 0 ? `sha256 of r1cs, zkey and verification key as recorded in ${displayPath(opts.setupInfo)}` : "files changed since the setup: redo it (npm run setup -- --force)",
    differ));

  // ---- the powers of tau ---------------------------------------------------------------------------
  const ptauPath = opts.ptau ? path.resolve(opts.ptau) : path.resolve(ROOT, record.ptau.path);
  const ptauSha = existsSync(ptauPath) ? sha256File(ptauPath) : null;
  const ptauOk = ptauSha === record.ptau.sha256;
  checks.push(check("ptau", "The powers of tau are the recorded file", ptauOk ? "pass" : "fail",
    ptauSha === null ? `${displayPath(ptauPath)} is missing; pass --ptau with a copy whose sha256 is ${record.ptau.sha256}`
      : ptauOk ? `${displayPath(ptauPath)}: sha256 ${ptauSha} (${record.ptau.origin}; power ${record.ptau.power})`
        : `${displayPath(ptauPath)} has sha256 ${ptauSha}, setup.json records ${record.ptau.sha256}`));

  // ---- snarkjs verifies the key --------------------------------------------------------------------
  let verification: SetupAudit["verification"] = null;
  if (!opts.verifyZkey) {
    checks.push(check("zkey-verify", "zkey verifies against the r1cs and the powers of tau", "skipped", "skipped with --skip-zkey-verify: the zkey was not checked against the r1cs and the powers of tau", undefined, "high"));
  } else if (!ptauOk || differ.length > 0) {
    checks.push(check("zkey-verify", "zkey verifies against the r1cs and the powers of tau", "fail", "not run: the files are not the recorded ones (above)"));
  } else {
    opts.log?.("verifying the zkey against the r1cs and the powers of tau (snarkjs zkey verify; tens of seconds)");
    // Progress: every few seconds, the time so far and what snarkjs is doing.
    let stage = "starting";
    const logger = recordingLogger((m) => (stage = m.replace(/\s+/g, " ").trim()));
    const t0 = performance.now();
    const ticker = opts.log && setInterval(() => {
      const last = logger.infos.at(-1)?.split("\n")[0] ?? stage;
      opts.log!(`verifying the zkey: ${Math.round((performance.now() - t0) / 1000)}s so far (${(stage.length > last.length ? stage : last).slice(0, 80)})`);
    }, PROGRESS_MS);
    let ok = false;
    try {
      ok = await snark.zKey.verifyFromR1cs(opts.r1cs, ptauPath, opts.zkey, logger);
    } catch (err) {
      logger.errors.push((err as Error).message);
    } finally {
      if (ticker) clearInterval(ticker);
    }
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    const parsed = parseVerificationLog(logger.infos);
    verification = { ok, seconds, ...parsed, errors: [...logger.errors] };
    const mismatches = compareContributions(record, parsed);
    const pass = ok && mismatches.length === 0;
    checks.push(check("zkey-verify", "zkey verifies against the r1cs and the powers of tau", pass ? "pass" : "fail",
      !ok ? `snarkjs refuses the zkey: ${logger.lastError() ?? "verification returned false"}`
        : pass ? `snarkjs zkey verify: ok in ${seconds}s; circuit hash and ${parsed.contributions.length} contributions as recorded`
          : "the zkey verifies, but not with the contributions setup.json records",
      mismatches));
  }

  // ---- development or production -------------------------------------------------------------------
  if (record.development) {
    const why = [record.ptau.development ? `development powers of tau (${record.ptau.origin})` : "", record.beacon?.source === "fixed development beacon" ? "fixed development beacon" : ""]
      .filter(Boolean).join(" and ") || "setup.json marks it development";
    checks.push(check("production", "The setup may hold value", opts.production ? "fail" : "warn",
      `development setup, not for value: ${why}; one party could know the toxic waste and forge proofs`, undefined, "critical"));
  } else {
    checks.push(check("production", "The setup may hold value", "pass", `ceremony powers of tau (${record.ptau.origin}) and beacon (${record.beacon?.source ?? "none"})`));
  }

  return { record, ptau: { path: displayPath(ptauPath), sha256: ptauSha }, verification, checks };
}

/** The verified circuit hash, contribution hashes and names and the beacon against setup.json. */
function compareContributions(record: SetupInfo, verified: ReturnType<typeof parseVerificationLog>): string[] {
  const out: string[] = [];
  if (record.circuitHash && verified.circuitHash !== record.circuitHash) {
    out.push(`circuit hash: verified ${verified.circuitHash ?? "(none)"}, recorded ${record.circuitHash}`);
  }
  if (verified.contributions.length !== record.contributions.length) {
    out.push(`the zkey holds ${verified.contributions.length} contributions, setup.json records ${record.contributions.length}`);
  }
  record.contributions.forEach((c, i) => {
    const v = verified.contributions[i];
    if (!v) return;
    if (v.hash !== c.hash) out.push(`contribution #${i + 1}: verified hash ${v.hash}, recorded ${c.hash}`);
    if (v.name !== c.name) out.push(`contribution #${i + 1}: named '${v.name}' in the zkey, '${c.name}' in setup.json`);
    if ((c.kind === "beacon") !== (v.beacon !== undefined)) out.push(`contribution #${i + 1}: recorded as ${c.kind}, the zkey says ${v.beacon ? "beacon" : "contribution"}`);
  });
  const beacon = verified.contributions.find((c) => c.beacon)?.beacon;
  if (record.beacon && beacon && (beacon.generator !== record.beacon.hash || beacon.iterationsExp !== record.beacon.iterationsExp)) {
    out.push(`beacon: the zkey's is ${beacon.generator} with 2^${beacon.iterationsExp} iterations, setup.json records ${record.beacon.hash} with 2^${record.beacon.iterationsExp}`);
  }
  return out;
}
