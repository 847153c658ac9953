/**
 * Stress-instance helpers: honest and false-claim inputs for Stress(N, M, S), and the differential
 * property against the reference model in prover/stress.ts. Cases are biased toward the threshold of
 * the worst scenario so that both outcomes are frequent.
 */
import { expect } from "chai";
import fc from "fast-check";
import { buildStressInput, stressClaimHolds, stressPublicSignals, stressValuate, StressClaimDoesNotHold, MULTIPLIER_LIMIT, type ScenarioMatrix, type StressRequest } from "../../prover/stress.ts";
import { circuitSignals } from "../../prover/witness.ts";
import { ratioBpsOf } from "../../prover/ratio.ts";
import { BoundError, BPS, RATIO_LIMIT } from "../../prover/model.ts";
import type { CircuitInput } from "../../prover/witness.ts";
import type { ConstraintChecker, ConstraintFailure } from "../../verifier/constraints.ts";
import { accepts, attackerFailures } from "./circuit.ts";
import { differentialCase } from "./differential.ts";
import { ATTESTER_SECRET } from "./fixtures.ts";
import { attest } from "../../prover/attestation.ts";

/** The stress input whether or not its claim holds (the builder refuses false claims). */
export function stressInputFor(req: StressRequest): CircuitInput {
  try {
    return buildStressInput(req).input;
  } catch (err) {
    if (!(err instanceof StressClaimDoesNotHold)) throw err;
    const other = buildStressInput({ ...req, claim: req.claim === 1n ? 0n : 1n });
    return restate(other.input, req);
  }
}

/** The input with its claim bit (in the private claim and the packed statement) changed to the request's. */
function restate(input: CircuitInput, req: StressRequest): CircuitInput {
  const statement = BigInt(input.statement as string);
  const bit = 1n << 248n;
  const packed = req.claim === 1n ? statement | bit : statement & ~bit;
  return { ...input, claim: req.claim.toString(), statement: packed.toString() };
}

/** A failure in a scenario's comparison or in the claim's link to the scenarios' outcomes (Check 8). */
export const inStressClaim = (f: ConstraintFailure): boolean =>
  f.signals.some((s) => /^main\.(failing|none|short\[\d+\])$/.test(s) || /^main\.IsZero_\d+_\d+\./.test(s) || /^main\.LessThan_\d+_\d+\.out$/.test(s));
/** A failure in the exposure range check (Check 6). */
export const inExposure = (f: ConstraintFailure): boolean => f.signals.includes("main.exposure") || f.signals.some((s) => /^main\.Num2Bits_\d+_\d+\.out\[220\]$/.test(s));

const multiplier = fc.oneof(
  { weight: 3, arbitrary: fc.constant(BPS) },
  { weight: 5, arbitrary: fc.bigInt(5000n, 15000n) },
  { weight: 2, arbitrary: fc.bigInt(0n, MULTIPLIER_LIMIT - 1n) },
);

export interface StressCase { req: StressRequest; expected: boolean; bounded: boolean }

export function stressCase(n: number, m: number, s: number): fc.Arbitrary<StressCase> {
  return fc.record({
    base: differentialCase(n, m),
    scenarios: fc.array(fc.array(multiplier, { minLength: n + m, maxLength: n + m }), { minLength: s, maxLength: s }),
    delta: fc.integer({ min: -1, max: 2 }),
    claim: fc.constantFrom(0n as const, 1n as const),
  }).map(({ base, scenarios, delta, claim }) => {
    const req: StressRequest = { ...base.req, scenarios: scenarios as ScenarioMatrix, claim };
    const a = req.attestation;
    // keep the signed expiry within its 40 bits (the base case draws the attestation time up to 2^40 − 1)
    if (a.expiresAt >= 2n ** 40n) req.attestation = attest(ATTESTER_SECRET, a.account, a.domain, a.attestedAt - 86400n, a.attestedAt, a.portfolioCommitment);
    try {
      // the stress ratio near the worst scenario's exact ratio, so that one scenario decides
      const probe = stressValuate(req.portfolio, req.round, req.risk, req.publicLiability, req.scenarios, 0n);
      const ratios = probe.valuations.map(ratioBpsOf).filter((r): r is bigint => r !== null);
      const worst = ratios.length ? ratios.reduce((a, b) => (a < b ? a : b)) : -1n;
      const near = worst + BigInt(delta);
      if (near >= 0n && near < RATIO_LIMIT) req.ratioBps = near;
      const res = stressValuate(req.portfolio, req.round, req.risk, req.publicLiability, req.scenarios, req.ratioBps);
      return { req, expected: stressClaimHolds(res, claim), bounded: true };
    } catch (err) {
      if (!(err instanceof BoundError)) throw err;
      return { req, expected: false, bounded: false };
    }
  });
}

/**
 * The input of a request assembled without the model's checks (its claim, its bounds): every commitment
 * and signature agrees with the values, so only the circuit's own constraints can refuse it.
 */
export function stressInputUnchecked(req: StressRequest): CircuitInput {
  return { ...circuitSignals(req, stressPublicSignals(req)), multipliers: req.scenarios.flat().map(String) };
}

/**
 * The differential property over `numRuns` cases; each outcome must occur more than `minEach` times.
 * A refused case must also be refused by the constraints: the witness computed with the generated
 * checks skipped fails in the claim's link to the scenarios, or (exposure too large) in the exposure bound.
 */
export async function assertStressAgreesWithModel(checker: ConstraintChecker, n: number, m: number, s: number, numRuns: number, minEach: number): Promise<void> {
  const seen = { accepted: 0, rejected: 0, unbounded: 0 };
  await fc.assert(fc.asyncProperty(stressCase(n, m, s), async ({ req, expected, bounded }) => {
    const input = bounded ? stressInputFor(req) : stressInputUnchecked(req);
    expect(accepts(checker, input), `model says ${expected}`).to.equal(expected);
    if (expected) {
      seen.accepted++;
      return;
    }
    seen.rejected++;
    if (!bounded) seen.unbounded++;
    const failures = await attackerFailures(checker, input);
    expect(failures).to.not.deep.equal([]);
    const where = bounded ? inStressClaim : (f: ConstraintFailure) => inExposure(f) || inStressClaim(f);
    expect(failures.every(where), JSON.stringify(failures.map((f) => f.signals.slice(0, 4)))).to.equal(true);
    if (!bounded) expect(failures.some(inExposure)).to.equal(true);
  }), { numRuns, endOnFailure: true });
  expect(seen.accepted, JSON.stringify(seen)).to.be.greaterThan(minEach);
  expect(seen.rejected - seen.unbounded, JSON.stringify(seen)).to.be.greaterThan(minEach);
}
