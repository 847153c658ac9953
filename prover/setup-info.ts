/**
 * What a trusted setup produced and how it was made: the typed reading of build/setup/<name>/setup.json,
 * written by scripts/setup.ts and read by the prover, the audit and the deploy scripts. A development
 * setup (a powers-of-tau file or a phase-2 beacon made on one machine) says so here, so it is never
 * mistaken for one that may hold value.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { artifacts, GENERATED_CONTRACTS_DIR } from "./artifacts.ts";

export const PROOF_SYSTEMS = ["groth16", "plonk", "fflonk"] as const;
export type ProofSystem = (typeof PROOF_SYSTEMS)[number];

/** The Solidity contract name of an instance's verifier for a proof system. */
export function verifierContractName(name: string, system: ProofSystem): string {
  const prefix = { groth16: "Groth16Verifier", plonk: "PlonkVerifier", fflonk: "FflonkVerifier" }[system];
  return `${prefix}_${name}`;
}

/**
 * Paths of one instance's setup outputs for a proof system. Groth16 keeps the paths of
 * prover/artifacts.ts; the universal-setup systems live in a subfolder of the same setup folder.
 */
export function setupArtifacts(name: string, system: ProofSystem = "groth16") {
  const a = artifacts(name);
  const dir = system === "groth16" ? a.setupDir : path.join(a.setupDir, system);
  return {
    dir,
    r1cs: a.r1cs,
    zkey: path.join(dir, `${name}.zkey`),
    vkey: path.join(dir, "verification_key.json"),
    setupInfo: path.join(dir, "setup.json"),
    verifierSol: path.join(GENERATED_CONTRACTS_DIR, `${verifierContractName(name, system)}.sol`),
  };
}

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `expected ${bytes * 2} lowercase hex digits`);
const sha256 = hex(32);
const blake2b = hex(64);
const output = z.object({ path: z.string(), sha256 });

export const setupInfoSchema = z.object({
  instance: z.string(),
  system: z.enum(PROOF_SYSTEMS),
  /** true unless the powers of tau come from a public ceremony and phase 2 ended with a public beacon */
  development: z.boolean(),
  snarkjs: z.string(),
  circuit: z.object({
    r1cs: z.string(),
    r1csSha256: sha256,
    constraints: z.number().int().nonnegative(),
    publicInputs: z.number().int().nonnegative(),
    outputs: z.number().int().nonnegative(),
    wires: z.number().int().positive(),
    /** log2 of the evaluation domain the setup needs */
    power: z.number().int().positive(),
  }),
  ptau: z.object({
    path: z.string(),
    origin: z.string(),
    development: z.boolean(),
    power: z.number().int().positive(),
    sha256,
    blake2b,
    verification: z.string(),
  }),
  /** snarkjs' hash of the circuit-specific initial parameters (Groth16 only) */
  circuitHash: blake2b.nullable(),
  /** phase-2 contributions in order, each with the hash snarkjs prints when it verifies the zkey */
  contributions: z.array(z.object({ name: z.string(), kind: z.enum(["contribution", "beacon"]), hash: blake2b })),
  beacon: z.object({ hash: z.string().regex(/^[0-9a-f]+$/), iterationsExp: z.number().int(), source: z.string() }).nullable(),
  zkey: output,
  vkey: output,
  verifier: output.extend({ contract: z.string() }),
  seconds: z.record(z.string(), z.number()),
  createdAt: z.string(),
});
export type SetupInfo = z.infer<typeof setupInfoSchema>;

/** Reads and checks an instance's setup.json; one-line errors that say how to produce it. */
export function readSetupInfo(name: string, system: ProofSystem = "groth16"): SetupInfo {
  const file = setupArtifacts(name, system).setupInfo;
  if (!existsSync(file)) {
    const cmd = system === "groth16" ? `npm run setup -- ${name}` : `npm run setup -- --system ${system} ${name}`;
    throw new Error(`no ${system} trusted setup for ${name} (${file} is missing); run '${cmd}'`);
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); run 'npm run setup -- --force ${name}'`);
  }
  const parsed = setupInfoSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join(".") || "(top level)"}: ${issue.message}; run 'npm run setup -- --force ${name}'`);
  }
  if (parsed.data.instance !== name || parsed.data.system !== system) {
    throw new Error(`${file} describes ${parsed.data.system} ${parsed.data.instance}, not ${system} ${name}; run 'npm run setup -- --force ${name}'`);
  }
  return parsed.data;
}
