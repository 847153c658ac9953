/**
 * Off-chain verification of a proof file: the Groth16 proof against the instance's verification key
 * (the project's own build, or a key file the auditor supplies), after checking that the file's
 * readable part matches its public signals.
 */
import { existsSync } from "node:fs";
import * as snarkjs from "snarkjs";
import { artifacts, instance as instanceSpec } from "../prover/artifacts.ts";
import { InputError, readText } from "../prover/files.ts";
import { loadProofFile, publicSignalList, type ProofRecord } from "../prover/proof-file.ts";
import { poseidonReady } from "../prover/poseidon.ts";

export interface Verification {
  valid: boolean;
  record: ProofRecord;
  verificationKey: string;
}

/** The verification key of an instance, from `vkeyFile` or the project's build. */
export function loadVerificationKey(instanceName: string, vkeyFile?: string): { key: object; file: string } {
  let file = vkeyFile;
  if (!file) {
    try {
      instanceSpec(instanceName);
    } catch (err) {
      throw new InputError((err as Error).message, "the proof file's 'instance'", "verify with --vkey FILE, the verification key of the circuit it was made with");
    }
    file = artifacts(instanceName).vkey;
    if (!existsSync(file)) {
      throw new InputError(`no verification key for ${instanceName}`, file, `run \`npm run build\`, or pass --vkey FILE`);
    }
  }
  let key: object;
  try {
    key = JSON.parse(readText(file, "verification key")) as object;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError("the verification key is not valid JSON", file, "give the verification_key.json of the trusted setup");
  }
  return { key, file };
}

export async function verifyProofRecord(record: ProofRecord, vkeyFile?: string): Promise<Verification> {
  const vk = loadVerificationKey(record.instance, vkeyFile);
  const signals = publicSignalList(record.publicSignals).map(String);
  const valid = await snarkjs.groth16.verify(vk.key, signals, record.proof);
  return { valid, record, verificationKey: vk.file };
}

/** Loads and verifies a proof file. A proof that fails verification returns `valid: false`. */
export async function verifyProofFile(file: string, vkeyFile?: string): Promise<Verification> {
  await poseidonReady();
  return verifyProofRecord(loadProofFile(file), vkeyFile);
}

