/**
 * Groth16 proving for one circuit instance. A Prover loads the instance's wasm, zkey and verification
 * key once and keeps them in memory across proofs; each proof is built from the reference model's
 * witness (which refuses a claim that does not hold) and verified locally before it is returned, so
 * a proof that leaves this module is one the on-chain verifier will accept for these public signals.
 */
import { readFileSync, existsSync } from "node:fs";
import { createHash } from "node:crypto";
import * as snarkjs from "snarkjs";
import type { Groth16Proof } from "snarkjs";
import { artifacts, buildCommand, instance as instanceSpec, type InstanceSpec } from "./artifacts.ts";
import { InputError } from "./files.ts";
import { readSetupInfo, type SetupInfo } from "./setup-info.ts";
import { buildInput, publicSignalArray, type CircuitInput, type ProofRequest, type PublicSignals } from "./witness.ts";
import type { Valuation } from "./ratio.ts";

/** What a proof carries about the trusted setup it was made with. */
export interface ProofSetup {
  /** true when the setup's randomness is not from a real ceremony: such proofs convince nobody */
  development: boolean;
  zkeySha256: string;
}

export interface ProofResult {
  instance: string;
  proof: Groth16Proof;
  /** public signals as snarkjs returns them, decimal strings in the spec's order */
  publicSignals: string[];
  signals: PublicSignals;
  /** the model's valuation: private, never written to a proof file */
  valuation: Valuation;
  setup: ProofSetup;
  milliseconds: number;
}

export class ProofFailed extends Error {}

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

function missing(name: string, file: string): InputError {
  return new InputError(`circuit instance ${name} is not built (${file} is missing)`, file, `build it: ${buildCommand(name)}`);
}

/** The setup's own description, checked against the zkey actually loaded. */
function proofSetup(name: string, zkey: Uint8Array): ProofSetup {
  let info: SetupInfo;
  try {
    info = readSetupInfo(name);
  } catch (err) {
    throw new InputError((err as Error).message.replace(/; run .*$/, ""), artifacts(name).setupInfo, `build it: ${buildCommand(name)}`);
  }
  const digest = sha256(zkey);
  if (digest !== info.zkey.sha256) {
    throw new InputError(`${name}'s zkey is not the one its setup.json describes`, artifacts(name).zkey, `run \`npm run setup -- --force ${name}\``);
  }
  return { development: info.development, zkeySha256: digest };
}

export class Prover {
  private constructor(
    readonly instance: InstanceSpec,
    private readonly wasm: Uint8Array,
    private readonly zkey: Uint8Array,
    readonly verificationKey: object,
    readonly setup: ProofSetup,
  ) {}

  /** Loads an instance's artifacts into memory. */
  static load(name: string): Prover {
    let inst: InstanceSpec;
    try {
      inst = instanceSpec(name);
    } catch (err) {
      throw new InputError((err as Error).message, "--instance", "choose one of the instances in circuits/manifest.json");
    }
    const a = artifacts(name);
    for (const f of [a.wasm, a.zkey, a.vkey]) if (!existsSync(f)) throw missing(name, f);
    const zkey = new Uint8Array(readFileSync(a.zkey));
    return new Prover(inst, new Uint8Array(readFileSync(a.wasm)), zkey, JSON.parse(readFileSync(a.vkey, "utf8")) as object, proofSetup(name, zkey));
  }

  /**
   * Proves the request. Throws ClaimDoesNotHold (prover/witness.ts) before any proving when the model
   * says the claim is false, and ProofFailed if the proof does not verify locally.
   */
  async prove(req: ProofRequest): Promise<ProofResult> {
    const { instance: inst } = this;
    if (req.round.prices.length !== inst.assets || req.round.marks.length !== inst.positions) {
      throw new InputError(`the price round has ${req.round.prices.length} × ${req.round.marks.length} slots but ${inst.name} takes ${inst.assets} × ${inst.positions}`,
        "--instance", "prove with the instance the venue was deployed for");
    }
    const { input, publicSignals: signals, valuation } = buildInput(req);
    return { ...(await this.proveInput(input, signals)), valuation };
  }

  /**
   * Proves a circuit input the caller built from a reference model (buildInput, or buildStressInput for a
   * stress instance) and checks the proof locally against the public signals the model expects.
   */
  async proveInput(input: CircuitInput, signals: PublicSignals): Promise<Omit<ProofResult, "valuation">> {
    const inst = this.instance;
    const t0 = performance.now();
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(input, this.wasm, this.zkey);
    const expected = publicSignalArray(signals).map(String);
    if (JSON.stringify(publicSignals) !== JSON.stringify(expected)) {
      throw new ProofFailed(`the circuit's public signals differ from the model's: the ${inst.name} build does not match circuits/spec.json; rebuild it with \`npm run build\``);
    }
    if (!(await snarkjs.groth16.verify(this.verificationKey, publicSignals, proof))) {
      throw new ProofFailed(`the proof does not verify against ${inst.name}'s verification key: the zkey and verification key disagree; rebuild with \`npm run setup\``);
    }
    return { instance: inst.name, proof, publicSignals, signals, setup: this.setup, milliseconds: Math.round(performance.now() - t0) };
  }
}

/** Ends snarkjs's worker threads so the process can exit. */
export async function releaseProvingResources(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } };
  if (g.curve_bn128) {
    await g.curve_bn128.terminate();
    delete g.curve_bn128;
  }
}
