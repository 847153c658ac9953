/**
 * The trusted setup of every circuit instance: a powers-of-tau file (a ceremony file the user supplies,
 * or a development one from the cache, ../shared or made here), then the circuit-specific phase 2
 * (a fresh random contribution and a beacon), verified against the r1cs and the ptau before anything
 * is kept; then the verification key and the Solidity verifier, and build/setup/<name>/setup.json that
 * records what was used and whether the result is only good for development.
 *
 *   tsx scripts/setup.ts [--all] [NAME...] [--system groth16|plonk|fflonk] [--ptau FILE]
 *                        [--beacon HEX] [--beacon-iterations N] [--force]
 *
 * Nothing is redone when the r1cs, the ptau and the outputs are those setup.json records.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import { ROOT, manifest, instance, defaultInstances, GENERATED_CONTRACTS_DIR, type InstanceSpec } from "../prover/artifacts.ts";
import { writeFileAtomic, toJson } from "../prover/files.ts";
import { PROOF_SYSTEMS, readSetupInfo, setupArtifacts, verifierContractName, type ProofSystem, type SetupInfo } from "../prover/setup-info.ts";
import { compile } from "./compile.ts";
import { readR1csHeader } from "./binfile.ts";
import { ceremonyPtau, devPtau, type PtauRecord } from "./ptau.ts";
import { snark, recordingLogger, hashHex, releaseCurve, type RecordingLogger } from "../verifier/snarkjs-api.ts";
import { timed, atomicOutput, withLock, type Log } from "./steps.ts";
import { verifierSource } from "../verifier/verifier-source.ts";

const require = createRequire(import.meta.url);
const SNARKJS_DIR = path.resolve(path.dirname(require.resolve("snarkjs")), "..");
const SNARKJS_VERSION = (JSON.parse(readFileSync(path.join(SNARKJS_DIR, "package.json"), "utf8")) as { version: string }).version;

/**
 * The phase-2 beacon of a development setup: public and fixed, so it adds no unpredictability. A setup
 * meant to hold value passes --beacon with a value nobody could know before the contributions were
 * made (for example a future block hash), which makes it a non-development setup when the ptau is one.
 */
export const DEV_BEACON = createHash("sha256").update("zk-solvency development phase-2 beacon").digest("hex");
export const DEFAULT_BEACON_ITERATIONS = 10;

export interface SetupOptions {
  system: ProofSystem;
  /** a ceremony ptau file; without it a development file is used */
  ptau?: string;
  beacon?: string;
  beaconIterations: number;
  force: boolean;
}

const sha256Of = (file: string): string => createHash("sha256").update(readFileSync(file)).digest("hex");
const rel = (p: string): string => path.relative(ROOT, p);
const ceilLog2 = (n: number): number => Math.ceil(Math.log2(n));

/** Runs a snarkjs call that reports failure by a return value; turns it into one clear error. */
async function checked<T>(what: string, logger: RecordingLogger, run: () => Promise<T | -1 | false>): Promise<T> {
  const value = await run();
  if (value === -1 || value === false) throw new Error(`${what} failed: ${logger.lastError() ?? "snarkjs reported an error"}`);
  return value;
}

async function exportVerifier(name: string, system: ProofSystem, log: Log): Promise<{ path: string; sha256: string; contract: string; seconds: number }> {
  const out = setupArtifacts(name, system);
  const logger = recordingLogger();
  const { value: adapted, seconds } = await timed(log, "export Solidity verifier", () =>
    verifierSource(out.zkey, name, system, logger));
  mkdirSync(GENERATED_CONTRACTS_DIR, { recursive: true });
  writeFileAtomic(out.verifierSol, adapted, { overwrite: true });
  return { path: rel(out.verifierSol), sha256: sha256Of(out.verifierSol), contract: verifierContractName(name, system), seconds };
}

/** The previous setup if it was made from the same inputs and its key files are intact. */
function reusable(name: string, opts: SetupOptions, r1csSha256: string, ptau: PtauRecord, beacon: SetupInfo["beacon"]): SetupInfo | undefined {
  if (opts.force) return undefined;
  let prev: SetupInfo;
  try {
    prev = readSetupInfo(name, opts.system);
  } catch {
    return undefined;
  }
  const same = prev.circuit.r1csSha256 === r1csSha256 && prev.ptau.sha256 === ptau.sha256 && prev.snarkjs === SNARKJS_VERSION &&
    JSON.stringify(prev.beacon) === JSON.stringify(beacon);
  const intact = (o: { path: string; sha256: string }) => existsSync(path.join(ROOT, o.path)) && sha256Of(path.join(ROOT, o.path)) === o.sha256;
  return same && intact(prev.zkey) && intact(prev.vkey) ? prev : undefined;
}

/** Groth16 phase 2: initial key, one random contribution, the beacon, verification against r1cs and ptau. */
async function groth16Phase2(name: string, ptau: PtauRecord, beacon: NonNullable<SetupInfo["beacon"]>, log: Log, seconds: Record<string, number>) {
  const out = setupArtifacts(name, "groth16");
  const logger = recordingLogger();
  const tmp = (n: number) => path.join(out.dir, `.${name}.${process.pid}.${n}.zkey`);
  try {
    const init = await timed(log, "phase 2 1/4: initial key (zkey new)", () =>
      checked("zkey new", logger, () => snark.zKey.newZKey(out.r1cs, ptau.path, tmp(0), logger)));
    seconds.zkeyNew = init.seconds;
    const contributionName = "zk-solvency phase-2 contribution";
    const contribution = await timed(log, "phase 2 2/4: contribution (fresh random entropy)", () =>
      snark.zKey.contribute(tmp(0), tmp(1), contributionName, randomBytes(64).toString("hex"), logger));
    seconds.contribute = contribution.seconds;
    const beaconName = `zk-solvency phase-2 beacon (${beacon.source})`;
    return await atomicOutput(out.zkey, async (finalZkey) => {
      const closing = await timed(log, "phase 2 3/4: beacon", () =>
        checked("zkey beacon", logger, () => snark.zKey.beacon(tmp(1), finalZkey, beaconName, beacon.hash, beacon.iterationsExp, logger)));
      seconds.beacon = closing.seconds;
      logger.infos.length = 0;
      const verified = await timed(log, "phase 2 4/4: verify zkey against r1cs and ptau", () =>
        checked("zkey verification", logger, () => snark.zKey.verifyFromR1cs(out.r1cs, ptau.path, finalZkey, logger)));
      seconds.verify = verified.seconds;
      const contributions = [
        { name: contributionName, kind: "contribution" as const, hash: hashHex(contribution.value) },
        { name: beaconName, kind: "beacon" as const, hash: hashHex(closing.value) },
      ];
      // The verifier recomputes each contribution's hash from the key itself; ours must be the ones it found.
      const verifiedText = logger.infos.join("\n").replace(/\s+/g, "");
      for (const c of contributions) {
        if (!verifiedText.includes(c.hash)) throw new Error(`zkey verification did not report the ${c.kind} hash ${c.hash.slice(0, 16)}…`);
      }
      return { circuitHash: hashHex(init.value), contributions };
    });
  } finally {
    for (const n of [0, 1]) rmSync(tmp(n), { force: true });
  }
}

/** PLONK and FFLONK need no circuit-specific ceremony: the key is derived from the ptau alone. */
async function universalSetup(name: string, system: "plonk" | "fflonk", ptau: PtauRecord, log: Log, seconds: Record<string, number>) {
  const out = setupArtifacts(name, system);
  const logger = recordingLogger();
  try {
    await atomicOutput(out.zkey, async (zkey) => {
      const run = await timed(log, `${system} setup`, () => checked(`${system} setup`, logger, () => snark[system].setup(out.r1cs, ptau.path, zkey, logger)));
      seconds.setup = run.seconds;
    });
  } catch (err) {
    const m = /(\d+) > 2\*\*(\d+)/.exec((err as Error).message);
    if (m) {
      const k = ceilLog2(Number(m[1]));
      throw new Error(`${system} needs a ptau of power ${k} for ${name} (${m[1]} gates) but ${ptau.path} has ${m[2]}; pass --ptau with a larger prepared file, e.g. powersOfTau28_hez_final_${k}.ptau`);
    }
    if (/not big enough|too small/.test((err as Error).message)) {
      throw new Error(`${system} needs a larger prepared ptau for ${name} than ${ptau.path} (power ${ptau.power}); pass --ptau with a larger file, e.g. powersOfTau28_hez_final_${ptau.power + 4}.ptau`);
    }
    throw err;
  }
  return { circuitHash: null, contributions: [] };
}

/**
 * Sets up one instance for one proof system; returns what setup.json records. Two builds sharing the
 * work tree take turns, so the second finds the first's result up to date.
 */
export async function setup(inst: InstanceSpec, opts: SetupOptions, log: Log = console.log): Promise<SetupInfo> {
  compile(inst);
  const out = setupArtifacts(inst.name, opts.system);
  return withLock(path.join(out.dir, ".setup.lock"), `the ${opts.system} setup of ${inst.name}`, log, () => setupLocked(inst, opts, log));
}

async function setupLocked(inst: InstanceSpec, opts: SetupOptions, log: Log): Promise<SetupInfo> {
  const { name } = inst;
  const { system } = opts;
  const out = setupArtifacts(name, system);
  const r1cs = readR1csHeader(out.r1cs);
  // snarkjs' domain: the smallest 2^k above constraints + public inputs + outputs (one row each for the public values).
  const power = Math.max(1, ceilLog2(r1cs.constraints + r1cs.publicInputs + r1cs.outputs + 1));
  log(`${name} (${system}): ${r1cs.constraints} constraints, ${r1cs.publicInputs + r1cs.outputs} public signals; needs 2^${power} powers of tau`);

  const seconds: Record<string, number> = {};
  const t0 = performance.now();
  const ptau = opts.ptau
    ? await ceremonyPtau(opts.ptau, power, log)
    : await devPtau(system === "groth16" ? power : power + 1, log, system !== "groth16");
  seconds.ptau = Math.round(performance.now() - t0) / 1000;
  log(`  ptau: ${ptau.path} (power ${ptau.power}; ${ptau.origin}; ${ptau.verification})`);

  const beacon = system === "groth16"
    ? { hash: opts.beacon ?? DEV_BEACON, iterationsExp: opts.beaconIterations, source: opts.beacon ? "supplied with --beacon" : "fixed development beacon" }
    : null;
  const r1csSha256 = sha256Of(out.r1cs);
  const prev = reusable(name, opts, r1csSha256, ptau, beacon);
  if (prev) {
    // The verifier is cheap to render: compare it with what this version of the generator makes from the key.
    const verifierOk = existsSync(out.verifierSol) && sha256Of(out.verifierSol) === prev.verifier.sha256 &&
      readFileSync(out.verifierSol, "utf8") === (await verifierSource(out.zkey, name, system));
    if (verifierOk) {
      log(`${name} (${system}): up to date${prev.development ? " (DEVELOPMENT SETUP — not for value)" : ""}`);
      return prev;
    }
    log(`${name} (${system}): keys up to date; regenerating the Solidity verifier`);
    const { seconds: s, ...verifier } = await exportVerifier(name, system, log);
    const info = { ...prev, verifier, seconds: { ...prev.seconds, verifier: s } };
    writeFileAtomic(out.setupInfo, toJson(info), { overwrite: true });
    return info;
  }

  mkdirSync(out.dir, { recursive: true });
  // The old record must not describe keys that are about to be replaced.
  rmSync(out.setupInfo, { force: true });
  const phase2 = system === "groth16"
    ? await groth16Phase2(name, ptau, beacon!, log, seconds)
    : await universalSetup(name, system, ptau, log, seconds);

  const vkeyRun = await timed(log, "export verification key", () => snark.zKey.exportVerificationKey(out.zkey, recordingLogger()));
  seconds.vkey = vkeyRun.seconds;
  writeFileAtomic(out.vkey, JSON.stringify(vkeyRun.value, null, 1) + "\n", { overwrite: true });
  const { seconds: verifierSeconds, ...verifier } = await exportVerifier(name, system, log);
  seconds.verifier = verifierSeconds;

  const development = ptau.development || (system === "groth16" && !opts.beacon);
  const info: SetupInfo = {
    instance: name,
    system,
    development,
    snarkjs: SNARKJS_VERSION,
    circuit: {
      r1cs: rel(out.r1cs),
      r1csSha256,
      constraints: r1cs.constraints,
      publicInputs: r1cs.publicInputs,
      outputs: r1cs.outputs,
      wires: r1cs.wires,
      power,
    },
    ptau: { path: ptau.path, origin: ptau.origin, development: ptau.development, power: ptau.power, sha256: ptau.sha256, blake2b: ptau.blake2b, verification: ptau.verification },
    circuitHash: phase2.circuitHash,
    contributions: phase2.contributions,
    beacon,
    zkey: { path: rel(out.zkey), sha256: sha256Of(out.zkey) },
    vkey: { path: rel(out.vkey), sha256: sha256Of(out.vkey) },
    verifier,
    seconds,
    createdAt: new Date().toISOString(),
  };
  writeFileAtomic(out.setupInfo, toJson(info), { overwrite: true });
  const total = Object.values(seconds).reduce((a, b) => a + b, 0);
  log(`${name} (${system}): set up in ${Math.round(total * 10) / 10}s → ${rel(out.dir)}, ${verifier.path}`);
  if (development) {
    log(`${name} (${system}): DEVELOPMENT SETUP — not for value (${ptau.development ? "development powers of tau" : "fixed development beacon"})`);
  }
  return info;
}

function parseOptions(argv: string[]): { names: string[]; all: boolean; opts: SetupOptions } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      all: { type: "boolean", default: false },
      system: { type: "string", default: "groth16" },
      ptau: { type: "string" },
      beacon: { type: "string" },
      "beacon-iterations": { type: "string", default: String(DEFAULT_BEACON_ITERATIONS) },
      force: { type: "boolean", default: false },
    },
  });
  const system = values.system as ProofSystem;
  if (!PROOF_SYSTEMS.includes(system)) throw new Error(`--system must be one of ${PROOF_SYSTEMS.join(", ")}, not '${values.system}'`);
  if (values.beacon !== undefined && !/^([0-9a-fA-F]{2}){16,}$/.test(values.beacon)) {
    throw new Error("--beacon must be hex of at least 16 bytes (e.g. a block hash without 0x)");
  }
  const iterations = Number(values["beacon-iterations"]);
  if (!Number.isInteger(iterations) || iterations < 0 || iterations > 63) throw new Error("--beacon-iterations must be an integer from 0 to 63 (log2 of the hash iterations)");
  return {
    names: positionals,
    all: values.all!,
    opts: { system, ptau: values.ptau, beacon: values.beacon?.toLowerCase(), beaconIterations: iterations, force: values.force! },
  };
}

async function main(): Promise<void> {
  const { names, all, opts } = parseOptions(process.argv.slice(2));
  const selected = all ? manifest.instances : names.length > 0 ? names.map(instance) : defaultInstances();
  for (const inst of selected) await setup(inst, opts);
}

/** The command-line entry point (scripts/setup.ts): exits with its status. */
export async function runCommand(): Promise<void> {
  let code = 0;
  try {
    await main();
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    code = 1;
  }
  await releaseCurve();
  process.exit(code);
}
