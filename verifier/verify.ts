/**
 * Off-chain verification of a proof file: the Groth16 proof against the instance's verification key
 * (the project's own build, or a key file the auditor supplies), after checking that the file's
 * readable part matches its public signals. Whether the setup is a development one is told by the
 * key that verified the proof, never by the proof file's readable `setup` field.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as snarkjs from "snarkjs";
import { artifacts, instance as instanceSpec } from "../prover/artifacts.ts";
import { InputError, readText } from "../prover/files.ts";
import { loadProofFile, publicSignalList, type ProofRecord } from "../prover/proof-file.ts";
import { poseidonReady } from "../prover/poseidon.ts";
import { readSetupInfo } from "../prover/setup-info.ts";

/**
 * What is known of the trusted setup behind a verification key: `development` from the setup record
 * (setup.json) whose key it is, or null when the key is not one this project set up.
 */
export interface KeySetup { development: boolean | null; basis: string }

export interface Verification {
  valid: boolean;
  record: ProofRecord;
  verificationKey: string;
  setup: KeySetup;
}

const canonical = (x: unknown): string => JSON.stringify(x);

/** The setup record of `instance` when `key` (read from `file`) is the key that setup produced. */
export function setupOfKey(instanceName: string, key: object, file: string): KeySetup {
  let record;
  try {
    record = readSetupInfo(instanceName);
  } catch {
    return { development: null, basis: `no trusted setup of ${instanceName} is recorded in this project` };
  }
  const built = artifacts(instanceName).vkey;
  const sha = (f: string): string => createHash("sha256").update(readFileSync(f)).digest("hex");
  if (!existsSync(built) || sha(built) !== record.vkey.sha256) {
    return { development: null, basis: `${built} is not the key setup.json records: redo the setup (npm run setup -- --force ${instanceName})` };
  }
  const same = sha(file) === record.vkey.sha256 || canonical(key) === canonical(JSON.parse(readFileSync(built, "utf8")));
  if (!same) return { development: null, basis: `${file} is not the key of this project's ${instanceName} setup: its setup is unknown here` };
  return { development: record.development, basis: `the ${record.development ? "development" : "production"} setup recorded in build/setup/${instanceName}/setup.json` };
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
  return { valid, record, verificationKey: vk.file, setup: setupOfKey(record.instance, vk.key, vk.file) };
}

/** Loads and verifies a proof file. A proof that fails verification returns `valid: false`. */
export async function verifyProofFile(file: string, vkeyFile?: string): Promise<Verification> {
  await poseidonReady();
  return verifyProofRecord(loadProofFile(file), vkeyFile);
}

