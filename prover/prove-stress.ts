/**
 * Groth16 proving of the stress claim on a Stress(N, M, S) instance: the reference model builds the
 * input (and refuses, naming the scenarios, a claim that does not hold), the instance's Prover proves it
 * and checks the proof locally.
 */
import type { Prover, ProofResult } from "./prove.ts";
import { buildStressInput, checkStressShape, type StressRequest, type StressResult } from "./stress.ts";

export interface StressProofResult extends Omit<ProofResult, "valuation"> {
  /** the model's valuation at every scenario: private, never written to a proof file */
  stress: StressResult;
}

export async function proveStress(prover: Prover, req: StressRequest): Promise<StressProofResult> {
  checkStressShape(prover.instance, req);
  const { input, publicSignals, result } = buildStressInput(req);
  return { ...(await prover.proveInput(input, publicSignals)), stress: result };
}
