/**
 * The stress tier on a deployed test system: a StressGate with the small stress instance's verifier, and
 * real Groth16 proofs of Stress_4x2x4 for statements about it (scenarios read back from the contract).
 */
import type { Contract } from "ethers";
import { Prover } from "../../prover/prove.ts";
import { proveStress, type StressProofResult } from "../../prover/prove-stress.ts";
import { attest } from "../../prover/attestation.ts";
import { portfolioCommitment } from "../../prover/commitments.ts";
import type { EncodedPortfolio } from "../../prover/model.ts";
import type { ScenarioMatrix } from "../../prover/stress.ts";
import { deploy, readRiskFactors, readRound } from "../../verifier/contracts.ts";
import { proofCalldata, type SolidityProof } from "../../verifier/calldata.ts";
import { ATTESTER_SECRET } from "./fixtures.ts";
import { RICH, type Basis, type TestSystem } from "./system.ts";

export const STRESS_INSTANCE = "Stress_4x2x4";
export const STRESS_RATIO_BPS = 10000n;

/** Slots: WETH-like, USDC-like, WBTC-like, a fourth asset, then the two perpetual marks. */
const move = (eth: bigint, btc: bigint, marks: bigint): bigint[] => [eth, 10000n, btc, 10000n, marks, marks];
export const SCENARIO_NAMES = ["unchanged", "WETH −10%", "WBTC −10%", "WETH and WBTC −35% together"];
export const SCENARIOS: ScenarioMatrix = [move(10000n, 10000n, 10000n), move(9000n, 10000n, 9000n), move(10000n, 9000n, 10000n), move(6500n, 6500n, 6500n)];

export async function deployStressGate(sys: TestSystem, scenarios: ScenarioMatrix = SCENARIOS, ratioBps = STRESS_RATIO_BPS): Promise<{ stressGate: Contract; verifier: Contract }> {
  const verifier = await deploy(`Groth16Verifier_${STRESS_INSTANCE}`, sys.admin);
  const setup = { admin: sys.admin.address, verifier: await verifier.getAddress(), gate: await sys.gate.getAddress(), poseidon8: await sys.poseidon8.getAddress(), stressRatioBps: ratioBps };
  const stressGate = await deploy("StressGate", sys.admin, [setup, scenarios]);
  return { stressGate, verifier };
}

export async function readScenarios(stressGate: Contract): Promise<ScenarioMatrix> {
  return ((await stressGate.getFunction("multipliers")()) as bigint[][]).map((row) => row.map(BigInt));
}

export interface StressStatement {
  account: string;
  roundId: bigint;
  nonce: bigint;
  publicLiability: bigint;
  attestedAt: bigint;
  expiresAt?: bigint;
  portfolio?: EncodedPortfolio;
  /** defaults to the scenario set in force on chain */
  scenarios?: ScenarioMatrix;
  ratioBps?: bigint;
}

export interface StressBundle { proof: SolidityProof; result: StressProofResult; basis: Basis }

let prover: Prover | undefined;

/** Proves a stress statement about the deployed system with the stress instance's real zkey. */
export async function proveStressStatement(sys: TestSystem, stressGate: Contract, s: StressStatement): Promise<StressBundle> {
  prover ??= Prover.load(STRESS_INSTANCE);
  const p = s.portfolio ?? RICH;
  const { round } = await readRound(sys.oracle, s.roundId);
  const risk = await readRiskFactors(sys.registry);
  const scenarios = s.scenarios ?? (await readScenarios(stressGate));
  const ratioBps = s.ratioBps ?? BigInt(await stressGate.getFunction("stressRatioBps")());
  const expiresAt = s.expiresAt ?? s.attestedAt + 86400n;
  const attestation = attest(ATTESTER_SECRET, BigInt(s.account), sys.domain, s.attestedAt, expiresAt, portfolioCommitment(p));
  const result = await proveStress(prover, {
    portfolio: p, round, risk, attestation, publicLiability: s.publicLiability, nonce: s.nonce, ratioBps, claim: 1n,
    scenarios, scenarioNames: SCENARIO_NAMES,
  });
  const basis = { roundId: s.roundId, attesterId: sys.attesterId, attestedAt: s.attestedAt, expiresAt, liability: s.publicLiability, nonce: s.nonce };
  return { proof: proofCalldata(result.proof), result, basis };
}
