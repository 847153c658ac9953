/**
 * What a proof of an instance proves, stated for the auditor: the inequality, the bound analysis that
 * keeps it sound in a prime field (recomputed from circuits/spec.json and checked, not copied), and what
 * the system trusts the attester, the oracle reporters, governance and the trusted setup for.
 */
import { spec } from "../../prover/spec.ts";
import type { InstanceSpec } from "../../prover/artifacts.ts";
import { check, type Check } from "./check.ts";

export interface Statement {
  inequality: string[];
  claims: string[];
  bounds: string[];
  trust: Array<{ who: string; trustedFor: string }>;
  checks: Check[];
}

const log2ceil = (n: number): number => Math.ceil(Math.log2(n));

export function statementOf(inst: InstanceSpec): Statement {
  const b = spec.bounds;
  const terms = b.amountBits + b.priceBits + b.factorBits;
  const perSide = inst.assets + 2 * inst.positions + 1;
  const maxPerSide = b.maxAssets + 2 * b.maxPositions + 1;
  const side = terms + log2ceil(maxPerSide);
  const product = Math.max(side + log2ceil(b.bpsDenominator), side + b.ratioBits);
  const fieldBits = BigInt(spec.field).toString(2).length - 1;
  const checks: Check[] = [];
  const ok = side <= b.sideBits && product <= b.comparatorBits && b.comparatorBits < fieldBits;
  checks.push(check("bounds", "The bound analysis leaves no sum or product to wrap the field", ok ? "pass" : "fail",
    ok ? `every term < 2^${terms}, each side < 2^${side} (≤ 2^${b.sideBits}), both products < 2^${product} ≤ 2^${b.comparatorBits} < p ≈ 2^${fieldBits}`
      : `the bounds in circuits/spec.json do not close: each side < 2^${side} (limit 2^${b.sideBits}), products < 2^${product} (comparator 2^${b.comparatorBits}, field 2^${fieldBits})`,
    undefined, "critical"));
  return {
    inequality: [
      `BPS · ( Σ_i collateral_i · price_i · collateralFactor_i + Σ_j profit_j · profitFactor_j )`,
      `  ≥ ratioBps · ( Σ_i debt_i · price_i · debtFactor_i + Σ_j loss_j · lossFactor_j + Σ_j |size_j| · mark_j · marginFactor_j + BPS · publicLiability )`,
      `for a solvency claim (claim = 1); an insolvency claim (claim = 0) proves the strict opposite (<). BPS = ${b.bpsDenominator}; i over ${inst.assets} asset slots, j over ${inst.positions} perpetual slots; integers, nothing divided.`,
    ],
    claims: [
      "the hidden portfolio (balances, debts, positions, salt) hashes to the commitment the attester signed, and the signature verifies under the attester key bound by `attesterBinding`",
      "the prices and risk factors used are exactly those committed in `context` (the oracle's round and the registry's parameters)",
      "the statement (account, nonce, attestation time, ratio, claim) is the one packed in `statement`, and `publicLiability` is the venue's debt the gate reads",
      "nothing else about the portfolio is revealed: the public signals are the four above",
    ],
    bounds: [
      `collateral, debt, |size| < 2^${b.amountBits} and entry prices < 2^${b.priceBits}: range-checked in the circuit`,
      `prices and marks < 2^${b.priceBits}: pinned by context; PriceOracle refuses larger prices`,
      `risk factors < 2^${b.factorBits}: pinned by context; RiskRegistry derives them from weights ≤ ${b.maxLiabilityWeightBps} bps and decimals ≤ ${b.maxDecimals}`,
      `publicLiability < 2^${b.liabilityBits}, ratioBps < 2^${b.ratioBits}: range-checked in the circuit`,
      `⇒ every term < 2^${terms}; at most ${maxPerSide} terms per side (this instance: ${perSide}) ⇒ each side < 2^${side}; times BPS or ratioBps < 2^${product} ≤ 2^${b.comparatorBits} < p: the comparator's inputs fit and nothing wraps`,
    ],
    trust: [
      { who: "attester (custodian, prime broker or auditor)", trustedFor: "that the portfolio it signs is the account's whole position at the attestation time, debts included, and that the attested assets stay under lien until the attestation expires; the circuit proves arithmetic over what was attested, not that it is true" },
      { who: "oracle reporters", trustedFor: "the prices of each round; the gate only checks that the round is fresh and published under the risk parameters in force" },
      { who: "governance (GOVERNOR_ROLE, DEFAULT_ADMIN_ROLE)", trustedFor: "risk weights, ratios, ages, the attester registry and role grants; a governor can register an attester that signs anything" },
      { who: "trusted setup", trustedFor: "Groth16 soundness: whoever knows the toxic waste of the phase-2 contributions and the powers of tau can forge proofs; a development setup is known to be forgeable" },
    ],
    checks,
  };
}
