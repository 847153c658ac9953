/**
 * The differential property of a Solvency(N, M) instance: on random portfolios, prices, factors,
 * liabilities, ratios and claims, the circuit accepts exactly when the reference model's `claimHolds`
 * does. Cases are biased toward the threshold so that both outcomes are frequent: the public liability
 * is sized to put the portfolio's ratio near a random target, and the required ratio is set within a few
 * basis points of the exact ratio.
 */
import { expect } from "chai";
import fc from "fast-check";
import { attest } from "../../prover/attestation.ts";
import { portfolioCommitment } from "../../prover/commitments.ts";
import {
  AMOUNT_LIMIT, FACTOR_LIMIT, LIABILITY_LIMIT, PRICE_LIMIT, RATIO_LIMIT, riskFactors,
  type EncodedPortfolio, type RiskFactors,
} from "../../prover/model.ts";
import { claimHolds, ratioBpsOf, valuate } from "../../prover/ratio.ts";
import { BPS, FIELD } from "../../prover/spec.ts";
import type { ProofRequest } from "../../prover/witness.ts";
import type { ConstraintChecker } from "../../verifier/constraints.ts";
import { accepts, attackerFailures, inComparison, inputFor } from "./circuit.ts";
import { ATTESTER_SECRET, DOMAIN } from "./fixtures.ts";

const vec = <T>(n: number, arb: fc.Arbitrary<T>) => fc.array(arb, { minLength: n, maxLength: n });
const amount = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0n) },
  { weight: 5, arbitrary: fc.bigInt(1n, 10n ** 24n) },
  { weight: 2, arbitrary: fc.bigInt(0n, AMOUNT_LIMIT - 1n) },
);
const price = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0n) },
  { weight: 5, arbitrary: fc.bigInt(1n, 10n ** 14n) },
  { weight: 2, arbitrary: fc.bigInt(0n, PRICE_LIMIT - 1n) },
);
const size = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0n) },
  { weight: 5, arbitrary: fc.bigInt(-(10n ** 24n), 10n ** 24n) },
  { weight: 2, arbitrary: fc.bigInt(-(AMOUNT_LIMIT - 1n), AMOUNT_LIMIT - 1n) },
);
const decimals = fc.integer({ min: 0, max: 18 });
const factor = fc.bigInt(0n, FACTOR_LIMIT - 1n);

/** Factors as governance derives them, or anywhere below the circuit's factor bound. */
function factors(n: number, m: number): fc.Arbitrary<RiskFactors> {
  const governed = fc.tuple(
    vec(n, fc.record({ decimals, collateralWeightBps: fc.integer({ min: 0, max: 10000 }), liabilityWeightBps: fc.integer({ min: 0, max: 16384 }) })),
    vec(m, fc.record({ decimals, profitWeightBps: fc.integer({ min: 0, max: 10000 }), lossWeightBps: fc.integer({ min: 0, max: 16384 }), maintenanceMarginBps: fc.integer({ min: 0, max: 10000 }) })),
  ).map(([a, k]) => riskFactors(a, k));
  const any: fc.Arbitrary<RiskFactors> = fc.record({
    collateralFactor: vec(n, factor), debtFactor: vec(n, factor), profitFactor: vec(m, factor), lossFactor: vec(m, factor), marginFactor: vec(m, factor),
  });
  return fc.oneof(governed, any);
}

export interface DifferentialCase { req: ProofRequest; expected: boolean }

/** A random proof request for Solvency(n, m) and whether the model says its claim holds. */
export function differentialCase(n: number, m: number): fc.Arbitrary<DifferentialCase> {
  return fc.record({
    collateral: vec(n, amount),
    debt: vec(n, amount),
    positions: vec(m, fc.record({ size, entryPrice: price })),
    salt: fc.bigInt(0n, FIELD - 1n),
    roundId: fc.bigInt(0n, 2n ** 64n - 1n),
    timestamp: fc.bigInt(0n, 2n ** 40n - 1n),
    prices: vec(n, price),
    marks: vec(m, price),
    risk: factors(n, m),
    target: fc.integer({ min: 1, max: 65535 }),
    freeLiability: fc.option(fc.bigInt(0n, LIABILITY_LIMIT - 1n), { freq: 4 }),
    delta: fc.integer({ min: -1, max: 2 }),
    freeRatio: fc.bigInt(0n, RATIO_LIMIT - 1n),
    claim: fc.constantFrom(0n as const, 1n as const),
    account: fc.bigInt(0n, 2n ** 160n - 1n),
    nonce: fc.bigInt(0n, 2n ** 32n - 1n),
    // the signed expiry, a day later, must fit its 40 bits too
    attestedAt: fc.bigInt(0n, 2n ** 40n - 1n - 86400n),
  }).map((c) => {
    const portfolio: EncodedPortfolio = { collateral: c.collateral, debt: c.debt, positions: c.positions, salt: c.salt };
    const round = { roundId: c.roundId, timestamp: c.timestamp, prices: c.prices, marks: c.marks };
    // Size the public liability so that BPS·C ≈ target·L.
    const v0 = valuate(portfolio, round, c.risk, 0n);
    const t = BigInt(c.target);
    const sized = (BPS * v0.collateralSide - t * v0.liabilitySide) / (t * BPS);
    const publicLiability = c.freeLiability ?? (sized < 0n ? 0n : sized >= LIABILITY_LIMIT ? LIABILITY_LIMIT - 1n : sized);
    const v = valuate(portfolio, round, c.risk, publicLiability);
    const exact = ratioBpsOf(v);
    const near = exact === null ? -1n : exact + BigInt(c.delta);
    const ratioBps = near >= 0n && near < RATIO_LIMIT ? near : c.freeRatio;
    const req: ProofRequest = {
      portfolio, round, risk: c.risk, publicLiability, nonce: c.nonce, ratioBps, claim: c.claim,
      attestation: attest(ATTESTER_SECRET, c.account, DOMAIN, c.attestedAt, c.attestedAt < 2n ** 40n - 86400n ? c.attestedAt + 86400n : 2n ** 40n - 1n, portfolioCommitment(portfolio)),
    };
    return { req, expected: claimHolds(v, ratioBps, c.claim) };
  });
}

/**
 * Asserts the differential property over `numRuns` cases, and that each outcome occurred in more than
 * `minEach` of them. A refused claim must also be refused at the constraint level: the witness computed
 * with the generated checks skipped fails in the final comparison, and nowhere else.
 */
export async function assertAgreesWithModel(checker: ConstraintChecker, n: number, m: number, numRuns: number, minEach: number): Promise<void> {
  const seen = { accepted: 0, rejected: 0 };
  await fc.assert(fc.asyncProperty(differentialCase(n, m), async ({ req, expected }) => {
    const input = inputFor(req);
    expect(accepts(checker, input), `model says ${expected}`).to.equal(expected);
    if (expected) {
      seen.accepted++;
      return;
    }
    seen.rejected++;
    const failures = await attackerFailures(checker, input);
    expect(failures).to.not.deep.equal([]);
    expect(failures.every(inComparison), JSON.stringify(failures.map((f) => f.signals.slice(0, 4)))).to.equal(true);
  }), {
    numRuns,
    // a case costs a witness computation or two (~0.3 s): report the first counterexample, unshrunk
    endOnFailure: true,
  });
  expect(seen.accepted, JSON.stringify(seen)).to.be.greaterThan(minEach);
  expect(seen.rejected, JSON.stringify(seen)).to.be.greaterThan(minEach);
}
