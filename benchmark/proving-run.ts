/**
 * One measured proving process, started by scripts/bench.ts as a child so that each measurement owns
 * its process: its start-up, its memory peak and nothing left over from another instance.
 *
 *   tsx benchmark/proving-run.ts cold NAME              load the key and prove once (a first proof)
 *   tsx benchmark/proving-run.ts warm NAME K [SYSTEM]   load once, prove once to warm up, then K proofs
 *
 * Groth16 proofs come from the project's Prover (prover/prove.ts) on the honest fixture request(N, M).
 * A warm run also splits each proof into its steps (witness, proof, verification) with snarkjs, because
 * the Prover reports only the whole; PLONK and FFLONK, which the Prover does not make, are measured by
 * the steps alone. The report is one JSON line on stdout after RESULT_MARKER.
 */
import { readFileSync } from "node:fs";
import * as snarkjs from "snarkjs";
import { artifacts, instance } from "../prover/artifacts.ts";
import { Prover, releaseProvingResources } from "../prover/prove.ts";
import { PROOF_SYSTEMS, setupArtifacts, type ProofSystem } from "../prover/setup-info.ts";
import { buildInput, type CircuitInput } from "../prover/witness.ts";
import { buildStressInput, type StressRequest } from "../prover/stress.ts";
import { ready, request } from "../test/helpers/fixtures.ts";
import type { InstanceSpec } from "../prover/artifacts.ts";

export const RESULT_MARKER = "BENCH-RESULT ";

export interface ColdRun {
  mode: "cold";
  instance: string;
  /** from process start to the first line of the measurement: runtime, TypeScript loader and imports */
  startupMs: number;
  /** building the honest request (Poseidon commitments and the attester's signature) */
  fixtureMs: number;
  /** reading the wasm, zkey and verification key */
  loadMs: number;
  /** Prover.prove: witness, proof and local verification, including snarkjs' one-time curve set-up */
  proveMs: number;
  /** from process start to the proof in hand */
  totalMs: number;
  maxRssMiB: number;
}

export interface WarmRun {
  mode: "warm";
  instance: string;
  system: ProofSystem;
  /** Groth16 only: Prover.prove per measured proof (witness + proof + local verification) */
  proveMs: number[];
  /** the circuit input from the model and the witness from the wasm */
  witnessMs: number[];
  proofMs: number[];
  verifyMs: number[];
  maxRssMiB: number;
  /** the last proof made, for measuring its verification on chain */
  last: { proof: unknown; publicSignals: string[] };
}

const since = (t: number): number => Math.round((performance.now() - t) * 10) / 10;
const maxRssMiB = (): number => Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;

/**
 * The honest fixture for an instance and how to prove it: request(N, M) for Solvency instances; for a
 * Stress(N, M, S) instance the same request with S scenarios (unchanged, then every price and mark
 * 1%, 2%, ... lower), at a stress ratio the fixture meets.
 */
function workload(inst: InstanceSpec): { input(): CircuitInput; prove(prover: Prover): Promise<unknown> } {
  const req = request(inst.assets, inst.positions);
  if (inst.scenarios === undefined) return { input: () => buildInput(req).input, prove: (p) => p.prove(req) };
  const scenarios = Array.from({ length: inst.scenarios }, (_, s) => Array.from({ length: inst.assets + inst.positions }, () => 10000n - 100n * BigInt(s)));
  const stress: StressRequest = { ...req, scenarios, ratioBps: 10000n };
  return {
    input: () => buildStressInput(stress).input,
    prove: (p) => {
      const { input, publicSignals } = buildStressInput(stress);
      return p.proveInput(input, publicSignals);
    },
  };
}

async function cold(name: string): Promise<ColdRun> {
  const startupMs = Math.round(performance.now());
  const inst = instance(name);
  let t = performance.now();
  await ready();
  const work = workload(inst);
  work.input();
  const fixtureMs = since(t);
  t = performance.now();
  const prover = Prover.load(name);
  const loadMs = since(t);
  t = performance.now();
  await work.prove(prover);
  const proveMs = since(t);
  return { mode: "cold", instance: name, startupMs, fixtureMs, loadMs, proveMs, totalMs: Math.round(performance.now()), maxRssMiB: maxRssMiB() };
}

async function warm(name: string, runs: number, system: ProofSystem): Promise<WarmRun> {
  const inst = instance(name);
  await ready();
  const work = workload(inst);
  const keys = setupArtifacts(name, system);
  const wasm = new Uint8Array(readFileSync(artifacts(name).wasm));
  const zkey = new Uint8Array(readFileSync(keys.zkey));
  const vkey = JSON.parse(readFileSync(keys.vkey, "utf8")) as object;
  const prover = system === "groth16" ? Prover.load(name) : undefined;
  const out: WarmRun = { mode: "warm", instance: name, system, proveMs: [], witnessMs: [], proofMs: [], verifyMs: [], maxRssMiB: 0, last: { proof: null, publicSignals: [] } };

  const steps = async (): Promise<void> => {
    let t = performance.now();
    const wtns = { type: "mem" } as const;
    await snarkjs.wtns.calculate(work.input(), wasm, wtns);
    const witnessMs = since(t);
    t = performance.now();
    const { proof, publicSignals } = (await snarkjs[system].prove(zkey, wtns)) as { proof: unknown; publicSignals: string[] };
    const proofMs = since(t);
    t = performance.now();
    const valid = (await snarkjs[system].verify(vkey, publicSignals, proof as never)) as boolean;
    const verifyMs = since(t);
    if (!valid) throw new Error(`${name}: a benchmark ${system} proof did not verify`);
    out.witnessMs.push(witnessMs);
    out.proofMs.push(proofMs);
    out.verifyMs.push(verifyMs);
    out.last = { proof, publicSignals };
  };

  // The first proof pays for compiling the wasm and starting snarkjs' worker threads: not measured.
  if (prover) await work.prove(prover);
  else await steps();
  out.witnessMs.length = out.proofMs.length = out.verifyMs.length = 0;
  for (let i = 0; i < runs; i++) {
    if (prover) {
      const t = performance.now();
      await work.prove(prover);
      out.proveMs.push(since(t));
    }
    await steps();
  }
  out.maxRssMiB = maxRssMiB();
  return out;
}

async function main(): Promise<void> {
  const [mode, name, runs = "1", system = "groth16"] = process.argv.slice(2);
  if (!name || (mode !== "cold" && mode !== "warm") || !PROOF_SYSTEMS.includes(system as ProofSystem)) {
    throw new Error(`usage: proving-run.ts cold NAME | warm NAME RUNS [${PROOF_SYSTEMS.join("|")}]`);
  }
  const result = mode === "cold" ? await cold(name) : await warm(name, Number(runs), system as ProofSystem);
  await releaseProvingResources();
  process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    console.error(`error: ${(err as Error).message}`);
    process.exit(1);
  });
}
