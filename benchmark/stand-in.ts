/**
 * Verification gas of Groth16, PLONK and FFLONK side by side when the solvency instances are too large
 * for the development powers of tau under PLONK or FFLONK (snarkjs turns every linear combination of the
 * R1CS into PLONK addition gates, so their domains are many times the Groth16 one). The verifiers'
 * gas depends on the number of public signals, not on the circuit's size (the circuit enters them only
 * as constants), so a small stand-in circuit with the solvency circuit's four public signals gives the
 * verification cost each system would have on chain. Its keys are throwaway: no contribution, no
 * beacon; they serve this measurement only and live in a temporary folder.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import * as snarkjs from "snarkjs";
import { PUBLIC_SIGNAL_NAMES } from "../prover/spec.ts";
import { PROOF_SYSTEMS, type ProofSystem } from "../prover/setup-info.ts";
import { readR1csHeader } from "../pipeline/binfile.ts";
import { devPtau } from "../pipeline/ptau.ts";
import { snark, recordingLogger } from "../verifier/snarkjs-api.ts";
import { compileStandalone } from "./circom.ts";
import { verifierGas, type SystemProof, type VerifierGas } from "./verifier-gas.ts";

const require = createRequire(import.meta.url);
const TEMPLATES = path.resolve(path.dirname(require.resolve("snarkjs")), "..", "templates");
const CONTRACT: Record<ProofSystem, string> = { groth16: "Groth16Verifier", plonk: "PlonkVerifier", fflonk: "FflonkVerifier" };
/** Squarings in the stand-in: enough to be a circuit, few enough for FFLONK's 9× domain on a 2^16 ptau. */
const ROUNDS = 64;

export interface StandInResult {
  circuit: string;
  constraints: number;
  publicSignals: number;
  ptau: string;
  gas: VerifierGas[];
  errors: Array<{ system: ProofSystem; error: string }>;
}

function standInSource(): string {
  const n = PUBLIC_SIGNAL_NAMES.length;
  return [
    "pragma circom 2.1.9;",
    `template StandIn(rounds) {`,
    `    signal input pub[${n}];`,
    "    signal input secret;",
    "    signal acc[rounds + 1];",
    "    acc[0] <== secret;",
    `    for (var i = 0; i < rounds; i++) { acc[i + 1] <== acc[i] * acc[i] + pub[i % ${n}]; }`,
    "}",
    `component main {public [pub]} = StandIn(${ROUNDS});`,
    "",
  ].join("\n");
}

export async function standInVerifierGas(log: (line: string) => void): Promise<StandInResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "zks-standin-"));
  try {
    const built = compileStandalone(standInSource(), dir, true);
    const ptau = await devPtau(10, log);
    const templates = Object.fromEntries(PROOF_SYSTEMS.map((s) => [s, readFileSync(path.join(TEMPLATES, `verifier_${s}.sol.ejs`), "utf8")]));
    const input = { pub: PUBLIC_SIGNAL_NAMES.map((_, i) => String(i + 1)), secret: "5" };
    const proofs: SystemProof[] = [];
    const errors: StandInResult["errors"] = [];
    for (const system of PROOF_SYSTEMS) {
      const zkey = path.join(dir, `${system}.zkey`);
      const logger = recordingLogger();
      const made = system === "groth16"
        ? await snark.zKey.newZKey(built.r1cs, ptau.path, zkey, logger)
        : await snark[system].setup(built.r1cs, ptau.path, zkey, logger);
      if (made === -1 || logger.errors.length > 0) {
        errors.push({ system, error: logger.lastError() ?? `${system} setup failed` });
        continue;
      }
      const file = path.join(dir, `${CONTRACT[system]}.sol`);
      writeFileSync(file, await snark.zKey.exportSolidityVerifier(zkey, templates, logger));
      const { proof, publicSignals } = (await snarkjs[system].fullProve(input, built.wasm, zkey)) as { proof: unknown; publicSignals: string[] };
      proofs.push({ system, proof, publicSignals, verifier: { file, contract: CONTRACT[system] } });
    }
    return {
      circuit: `StandIn(${ROUNDS}): ${PUBLIC_SIGNAL_NAMES.length} public inputs, ${ROUNDS} squarings`,
      constraints: readR1csHeader(built.r1cs).constraints,
      publicSignals: PUBLIC_SIGNAL_NAMES.length,
      ptau: ptau.path,
      gas: await verifierGas(proofs),
      errors,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
