/**
 * Solvency_4x2 against the reference model, and its soundness at the constraint level.
 *
 * "Accepted" means a witness is generated AND every R1CS constraint holds. Rejections are shown twice:
 * circom's generated checks refuse the witness, and — what soundness rests on — the witness a prover gets
 * by skipping those checks (or by editing an honest witness) violates constraints, which are named.
 */
import { expect } from "chai";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { artifacts, manifest } from "../../prover/artifacts.ts";
import { attest } from "../../prover/attestation.ts";
import { portfolioCommitment } from "../../prover/commitments.ts";
import {
  AMOUNT_LIMIT, FACTOR_LIMIT, LIABILITY_LIMIT, PRICE_LIMIT, RATIO_LIMIT, riskFactors,
  type EncodedPortfolio, type RiskFactors,
} from "../../prover/model.ts";
import { claimHolds, ratioBpsOf, valuate } from "../../prover/ratio.ts";
import { BPS, FIELD } from "../../prover/spec.ts";
import { buildInput, type CircuitInput, type ProofRequest } from "../../prover/witness.ts";
import type { ConstraintChecker, ConstraintFailure } from "../../verifier/constraints.ts";
import { WitnessError } from "../../verifier/witness_calculator.ts";
import { checkerFor, inputFor, modelPortfolio, rawCase, rawInput, type RawCase } from "../helpers/circuit.ts";
import { ACCOUNT, ATTESTER_SECRET, DOMAIN, OTHER_SECRET, ready, request } from "../helpers/fixtures.ts";

const NAME = "Solvency_4x2";
const N = 4;
const M = 2;
const p = FIELD;

/** A failure in the final comparison BPS·C vs ratio·L (and its link to the claim bit). */
const inComparison = (f: ConstraintFailure): boolean =>
  f.signals.includes("main.weightedCollateral") && f.signals.includes("main.requiredCollateral");

/** The range check of `signal`: the constraint tying it to its k-bit decomposition under `bits`. */
const rangeCheck = (signal: string, bits: RegExp, k: number) => (f: ConstraintFailure): boolean =>
  f.signals.length === k && f.signals.includes(signal) && f.signals.every((s) => s === signal || bits.test(s));

const bitsUnder = (component: string): RegExp =>
  new RegExp(`^${component.replace(/[.[\]]/g, "\\$&")}\\.Num2Bits_\\d+_\\d+\\.out\\[\\d+\\]$`);
const STATEMENT_BITS = /^main\.Statement_\d+_\d+\.Num2Bits_\d+_\d+\.out\[\d+\]$/;
const SIGNATURE = /^main\.Attestation_\d+_\d+\.verifier\./;

describe("Solvency_4x2 circuit: witnesses and constraints", function () {
  let checker: ConstraintChecker;
  let base: ProofRequest;
  let honestInput: CircuitInput;
  let honest: bigint[];

  /** Does the circuit accept the input: a witness is generated and every constraint holds. */
  const accepts = (input: CircuitInput): boolean => {
    try {
      return checker.check(checker.witness(input)).length === 0;
    } catch (err) {
      if (err instanceof WitnessError) return false;
      throw err;
    }
  };
  /** The constraints violated by the witness a prover computes with every generated check skipped. */
  const attackerFailures = async (input: CircuitInput): Promise<ConstraintFailure[]> =>
    checker.check((await checker.uncheckedWitness(input)).witness);
  /** The attacker's best attempt over both claims (whichever violates fewer constraints). */
  const bestAttempt = async (c: RawCase): Promise<ConstraintFailure[]> => {
    const tries = await Promise.all([0n, 1n].map((claim) => attackerFailures(rawInput({ ...c, claim }))));
    return tries[0]!.length <= tries[1]!.length ? tries[0]! : tries[1]!;
  };
  const expectGenerationRefuses = (input: CircuitInput): void => {
    expect(() => checker.witness(input)).to.throw(WitnessError, /assert failed/);
  };

  before(async () => {
    await ready();
    checker = await checkerFor(NAME);
    base = request(N, M);
    honestInput = buildInput(base).input;
    honest = checker.witness(honestInput);
  });

  it("accepts the honest fixture request", () => {
    expect(checker.check(honest)).to.deep.equal([]);
  });

  describe("differential: accepts exactly the claims the reference model accepts", () => {
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
    const governed = fc.tuple(
      vec(N, fc.record({ decimals, collateralWeightBps: fc.integer({ min: 0, max: 10000 }), liabilityWeightBps: fc.integer({ min: 0, max: 16384 }) })),
      vec(M, fc.record({ decimals, profitWeightBps: fc.integer({ min: 0, max: 10000 }), lossWeightBps: fc.integer({ min: 0, max: 16384 }), maintenanceMarginBps: fc.integer({ min: 0, max: 10000 }) })),
    ).map(([a, m]) => riskFactors(a, m));
    const factor = fc.bigInt(0n, FACTOR_LIMIT - 1n);
    const anyFactors: fc.Arbitrary<RiskFactors> = fc.record({
      collateralFactor: vec(N, factor), debtFactor: vec(N, factor), profitFactor: vec(M, factor), lossFactor: vec(M, factor), marginFactor: vec(M, factor),
    });
    const caseArb = fc.record({
      collateral: vec(N, amount),
      debt: vec(N, amount),
      positions: vec(M, fc.record({ size, entryPrice: price })),
      salt: fc.bigInt(0n, p - 1n),
      roundId: fc.bigInt(0n, 2n ** 64n),
      timestamp: fc.bigInt(0n, 2n ** 40n),
      prices: vec(N, price),
      marks: vec(M, price),
      risk: fc.oneof(governed, anyFactors),
      // The public liability is sized so the portfolio's ratio lands near `target` bps, then the
      // required ratio is set within a few bps of the exact ratio, so both outcomes are frequent.
      target: fc.integer({ min: 1, max: 65535 }),
      freeLiability: fc.option(fc.bigInt(0n, LIABILITY_LIMIT - 1n), { freq: 4 }),
      delta: fc.integer({ min: -1, max: 2 }),
      freeRatio: fc.bigInt(0n, RATIO_LIMIT - 1n),
      claim: fc.constantFrom(0n as const, 1n as const),
      account: fc.bigInt(0n, 2n ** 160n - 1n),
      nonce: fc.bigInt(0n, 2n ** 32n - 1n),
      attestedAt: fc.bigInt(0n, 2n ** 40n - 1n),
    });

    it("on random portfolios, prices, factors, liabilities, ratios and claims", async () => {
      const seen = { accepted: 0, rejected: 0 };
      await fc.assert(fc.asyncProperty(caseArb, async (c) => {
        const portfolio: EncodedPortfolio = { collateral: c.collateral, debt: c.debt, positions: c.positions, salt: c.salt };
        const rnd = { roundId: c.roundId, timestamp: c.timestamp, prices: c.prices, marks: c.marks };
        const v0 = valuate(portfolio, rnd, c.risk, 0n);
        const t = BigInt(c.target);
        const sized = (BPS * v0.collateralSide - t * v0.liabilitySide) / (t * BPS);
        const liability = c.freeLiability ?? (sized < 0n ? 0n : sized >= LIABILITY_LIMIT ? LIABILITY_LIMIT - 1n : sized);
        const v = valuate(portfolio, rnd, c.risk, liability);
        const exact = ratioBpsOf(v);
        const near = exact === null ? -1n : exact + BigInt(c.delta);
        const ratioBps = near >= 0n && near < RATIO_LIMIT ? near : c.freeRatio;
        const req: ProofRequest = {
          portfolio, round: rnd, risk: c.risk, publicLiability: liability, nonce: c.nonce, ratioBps, claim: c.claim,
          attestation: attest(ATTESTER_SECRET, c.account, DOMAIN, c.attestedAt, portfolioCommitment(portfolio)),
        };
        const expected = claimHolds(v, ratioBps, c.claim);
        const input = inputFor(req);
        expect(accepts(input), `model says ${expected}`).to.equal(expected);
        if (expected) {
          seen.accepted++;
        } else {
          seen.rejected++;
          // Skipping the generated checks does not help: the comparison's constraints refuse the claim.
          const failures = await attackerFailures(input);
          expect(failures).to.not.deep.equal([]);
          expect(failures.every(inComparison), JSON.stringify(failures.map((f) => f.signals.slice(0, 4)))).to.equal(true);
        }
      }), { numRuns: 200, endOnFailure: true });
      expect(seen.accepted, JSON.stringify(seen)).to.be.greaterThan(50);
      expect(seen.rejected, JSON.stringify(seen)).to.be.greaterThan(50);
    });

    it("agrees at the exact threshold: a solvency claim holds with equality, an insolvency claim does not", async () => {
      // 3 tokens (18 decimals) at $3000 with weight 80%: C = 3e18 · 3000e8 · 8000 = 7.2e33.
      // Public liability 4.8e29 gives L = BPS · 4.8e29 = 4.8e33, so BPS·C = 15000·L exactly.
      const portfolio: EncodedPortfolio = {
        collateral: [3n * 10n ** 18n, 0n, 0n, 0n], debt: [0n, 0n, 0n, 0n],
        positions: [{ size: 0n, entryPrice: 0n }, { size: 0n, entryPrice: 0n }], salt: 5n,
      };
      const publicLiability = 48n * 10n ** 28n;
      const req = request(N, M, { portfolio, publicLiability });
      const v = valuate(portfolio, req.round, req.risk, publicLiability);
      expect(BPS * v.collateralSide).to.equal(15000n * v.liabilitySide);
      const at = (ratioBps: bigint, claim: 0n | 1n) => inputFor({ ...req, ratioBps, claim });
      expect(accepts(at(15000n, 1n))).to.equal(true);
      expect(accepts(at(15001n, 0n))).to.equal(true);
      for (const [ratio, claim] of [[15000n, 0n], [15001n, 1n]] as const) {
        expectGenerationRefuses(at(ratio, claim));
        const failures = await attackerFailures(at(ratio, claim));
        expect(failures.length).to.equal(1);
        expect(inComparison(failures[0]!)).to.equal(true);
      }
    });
  });

  describe("boundary values of every private value", () => {
    interface Bounded { name: string; signal: string; k: number; bits: RegExp; set(c: RawCase, v: bigint): RawCase }
    const first = (xs: bigint[], v: bigint): bigint[] => [v, ...xs.slice(1)];
    const bounded: Bounded[] = [
      { name: "collateral", signal: "main.collateral[0]", k: 96, bits: bitsUnder("main.assets[0]"), set: (c, v) => ({ ...c, collateral: first(c.collateral, v) }) },
      { name: "debt", signal: "main.debt[0]", k: 96, bits: bitsUnder("main.assets[0]"), set: (c, v) => ({ ...c, debt: first(c.debt, v) }) },
      { name: "position size", signal: "main.positionSize[0]", k: 96, bits: bitsUnder("main.positions[0]"), set: (c, v) => ({ ...c, positionSize: first(c.positionSize, v) }) },
      { name: "entry price", signal: "main.positionEntry[0]", k: 56, bits: bitsUnder("main.positions[0]"), set: (c, v) => ({ ...c, positionEntry: first(c.positionEntry, v) }) },
      { name: "public liability", signal: "main.publicLiability", k: 128, bits: bitsUnder("main"), set: (c, v) => ({ ...c, publicLiability: v }) },
      { name: "ratio", signal: "main.ratioBps", k: 16, bits: STATEMENT_BITS, set: (c, v) => ({ ...c, ratioBps: v }) },
      { name: "nonce", signal: "main.nonce", k: 32, bits: STATEMENT_BITS, set: (c, v) => ({ ...c, nonce: v }) },
      { name: "attestation time", signal: "main.attestedAt", k: 40, bits: STATEMENT_BITS, set: (c, v) => ({ ...c, attestedAt: v }) },
      { name: "account", signal: "main.account", k: 160, bits: STATEMENT_BITS, set: (c, v) => ({ ...c, account: v }) },
    ];
    /** The raw case with the claim the model says holds (all values in range). */
    const truthful = (c: RawCase): RawCase => {
      const v = valuate(modelPortfolio(c), c.round, c.risk, c.publicLiability);
      return { ...c, claim: claimHolds(v, c.ratioBps, 1n) ? 1n : 0n };
    };

    for (const b of bounded) {
      it(`${b.name} (${b.k} bits): 0 and 2^${b.k} − 1 are accepted`, () => {
        for (const v of [0n, 2n ** BigInt(b.k) - 1n]) {
          expect(accepts(rawInput(truthful(b.set(rawCase(base), v)))), `${b.name} = ${v}`).to.equal(true);
        }
      });

      it(`${b.name} (${b.k} bits): 2^${b.k} and p − 1 are refused by its range check alone`, async () => {
        for (const v of [2n ** BigInt(b.k), p - 1n]) {
          const c = b.set(rawCase(base), v);
          expectGenerationRefuses(rawInput(c));
          const failures = await bestAttempt(c);
          expect(failures.length, `${b.name} = ${v}: ${JSON.stringify(failures.map((f) => f.signals.slice(0, 3)))}`).to.equal(1);
          expect(rangeCheck(b.signal, b.bits, b.k)(failures[0]!), `${b.name} = ${v}`).to.equal(true);
        }
      });
    }

    it("the direction and the claim are bits: 0 and 1 accepted, 2 and p − 1 refused", async () => {
      for (const v of [0n, 1n]) {
        const c = rawCase(base);
        expect(accepts(rawInput(truthful({ ...c, positionShort: first(c.positionShort, v) }))), `short = ${v}`).to.equal(true);
        expect(accepts(rawInput({ ...c, claim: v })), `claim = ${v}`).to.equal(v === 1n); // the fixture is solvent
      }
      for (const v of [2n, p - 1n]) {
        const c = rawCase(base);
        const short = rawInput({ ...c, positionShort: first(c.positionShort, v) });
        expectGenerationRefuses(short);
        // isShort·(isShort − 1) = 0 is the only constraint refusing it
        expect((await attackerFailures(short)).map((f) => f.signals)).to.deep.equal([["main.positionShort[0]"]]);
        const claim = rawInput({ ...c, claim: v });
        expectGenerationRefuses(claim);
        // claim·(claim − 1) = 0, with claim read back from the statement's other fields
        const statementOnly = ["main.statement", "main.account", "main.nonce", "main.attestedAt", "main.ratioBps"];
        expect((await attackerFailures(claim)).some((f) => JSON.stringify(f.signals) === JSON.stringify(statementOnly))).to.equal(true);
      }
    });
  });

  describe("soundness: tampered witnesses fail at the constraint level", () => {
    const debtBits = bitsUnder("main.assets[1]");

    it("field-negative debt (debt = p − k to cancel real debt) fails the debt's range check, whatever bits the prover writes", async () => {
      const c = rawCase(base);
      const k = 10n ** 6n;
      const attack = rawInput({ ...c, debt: [c.debt[0]!, p - k, c.debt[2]!, c.debt[3]!] }); // an attester signing anything
      expectGenerationRefuses(attack);
      const run = await checker.uncheckedWitness(attack);
      // it would pay: the liability side shrinks
      expect(checker.value(run.witness, "main.requiredCollateral") < checker.value(honest, "main.requiredCollateral")).to.equal(true);
      const failures = checker.check(run.witness);
      expect(failures.length).to.equal(1);
      expect(rangeCheck("main.debt[1]", debtBits, 96)(failures[0]!)).to.equal(true);
      // No bit decomposition of p − k into 96 bits exists: every choice leaves that constraint failing.
      const prefix = checker.symbols.matching(/^main\.assets\[1\]\.Num2Bits_\d+_\d+\.out\[0\]$/)
        .map((e) => e.name.replace(/\[0\]$/, ""))
        .find((pre) => checker.check(run.witness).some((f) => f.signals.includes(`${pre}[0]`)))!;
      await fc.assert(fc.asyncProperty(fc.bigInt(0n, 2n ** 96n - 1n), async (bits) => {
        const rewritten = checker.check(checker.setBits(run.witness, prefix, bits, 96));
        expect(rewritten.some(rangeCheck("main.debt[1]", debtBits, 96))).to.equal(true);
      }), { numRuns: 10 });
    });

    it("wrap-around balance (collateral + 2^96, debt − 1: same packed value, same genuine signature) fails the collateral's range check", async () => {
      const col = honestInput.collateral as string[];
      const debt = honestInput.debt as string[];
      const attack = {
        ...honestInput,
        collateral: col.map((x, i) => (i === 1 ? (BigInt(x) + 2n ** 96n).toString() : x)),
        debt: debt.map((x, i) => (i === 1 ? (BigInt(x) - 1n).toString() : x)),
      };
      expectGenerationRefuses(attack);
      const run = await checker.uncheckedWitness(attack);
      expect(checker.value(run.witness, "main.portfolioCommitment")).to.equal(checker.value(honest, "main.portfolioCommitment"));
      const failures = checker.check(run.witness);
      expect(failures.length).to.equal(1);
      expect(rangeCheck("main.collateral[1]", bitsUnder("main.assets[1]"), 96)(failures[0]!)).to.equal(true);
    });

    it("oversized price (2^60, not the committed one) fails the context commitment", async () => {
      const attack = { ...honestInput, prices: (honestInput.prices as string[]).map((x, i) => (i === 0 ? (2n ** 60n).toString() : x)) };
      expectGenerationRefuses(attack);
      const run = await checker.uncheckedWitness(attack);
      expect(checker.value(run.witness, "main.weightedCollateral") > checker.value(honest, "main.weightedCollateral")).to.equal(true);
      const failures = checker.check(run.witness);
      expect(failures.length).to.equal(1);
      expect(failures[0]!.signals).to.include("main.context");
    });

    it("a changed risk factor (collateral weight raised) fails the context commitment", async () => {
      const attack = { ...honestInput, collateralFactor: (honestInput.collateralFactor as string[]).map((x) => (BigInt(x) * 2n).toString()) };
      const failures = await attackerFailures(attack);
      expect(failures.length).to.equal(1);
      expect(failures[0]!.signals).to.include("main.context");
    });

    it("a valid signature by an unregistered key (other Ax, Ay) fails the attester binding", async () => {
      const attack = { ...rawInput(rawCase(base), { secret: OTHER_SECRET }), attesterBinding: honestInput.attesterBinding };
      expectGenerationRefuses(attack);
      const failures = await attackerFailures(attack);
      expect(failures.length).to.equal(1);
      expect(failures[0]!.signals).to.include("main.attesterBinding");
    });

    it("a signature over another account fails the EdDSA verification", async () => {
      const attack = rawInput(rawCase(base), { signed: { account: ACCOUNT + 1n } });
      expectGenerationRefuses(attack);
      const failures = await attackerFailures(attack);
      expect(failures.length).to.be.greaterThan(0);
      expect(failures.every((f) => f.signals.some((s) => SIGNATURE.test(s)))).to.equal(true);
    });

    for (const [what, other] of [["chain", { chainId: 1n, gate: DOMAIN.gate }], ["gate", { chainId: DOMAIN.chainId, gate: DOMAIN.gate + 1n }]] as const) {
      it(`a signature for another ${what} fails the EdDSA verification under this domain, and the binding under the signed one`, async () => {
        const c = rawCase(base);
        const here = rawInput(c, { signed: { domain: other } });
        expectGenerationRefuses(here);
        const failuresHere = await attackerFailures(here);
        expect(failuresHere.length).to.be.greaterThan(0);
        expect(failuresHere.every((f) => f.signals.some((s) => SIGNATURE.test(s)))).to.equal(true);
        // The prover takes the signed domain inside the witness, keeping this gate's public binding.
        const there = { ...rawInput({ ...c, domain: other }), attesterBinding: honestInput.attesterBinding };
        const failuresThere = await attackerFailures(there);
        expect(failuresThere.length).to.equal(1);
        expect(failuresThere[0]!.signals).to.include("main.attesterBinding");
      });
    }

    it("a portfolio other than the attested one (collateral doubled after the attestation) fails the EdDSA verification", async () => {
      const c = rawCase(base);
      const attested = portfolioCommitment(base.portfolio);
      const attack = rawInput({ ...c, collateral: c.collateral.map((x) => 2n * x) }, { signed: { portfolioCommitment: attested } });
      expectGenerationRefuses(attack);
      const run = await checker.uncheckedWitness(attack);
      expect(checker.value(run.witness, "main.portfolioCommitment")).to.not.equal(attested);
      const failures = checker.check(run.witness);
      expect(failures.length).to.be.greaterThan(0);
      expect(failures.every((f) => f.signals.some((s) => SIGNATURE.test(s)))).to.equal(true);
    });

    it("flipping the claim of an honest insolvency witness to solvent (statement + 2^248) fails the comparison", async () => {
      const insolvent = buildInput({ ...base, publicLiability: 10n ** 33n, claim: 0n }).input;
      const w = checker.witness(insolvent);
      const flipped = checker.override(w, { "main.statement": checker.value(w, "main.statement") + 2n ** 248n });
      const failures = checker.check(flipped);
      expect(failures.length).to.equal(1);
      expect(inComparison(failures[0]!)).to.equal(true);
      expect(failures[0]!.signals).to.include("main.statement");
      // the same claim made through the inputs, with the generated checks skipped
      const viaInput = { ...insolvent, claim: "1", statement: (BigInt(insolvent.statement as string) + 2n ** 248n).toString() };
      expectGenerationRefuses(viaInput);
      expect((await attackerFailures(viaInput)).map((f) => f.index)).to.deep.equal(failures.map((f) => f.index));
    });

    it("flipping the comparator's output (its bit decomposition rewritten to say 'not short') fails the comparator", () => {
      const insolvent = buildInput({ ...base, publicLiability: 10n ** 33n, claim: 0n }).input;
      const w = checker.witness(insolvent);
      const prefix = checker.symbols.matching(/^main\.LessThan_\d+_\d+\.n2b\.out\[0\]$/)[0]!.name.replace(/\[0\]$/, "");
      const diff = checker.value(w, "main.weightedCollateral") + 2n ** 251n - checker.value(w, "main.requiredCollateral");
      expect(diff < 2n ** 251n).to.equal(true); // honestly short: the top bit is 0
      const claimed = checker.override(w, { "main.statement": checker.value(w, "main.statement") + 2n ** 248n });
      // the prover's choices for the other 251 bits: the honest ones, or those of diff − 2^251 (mod p)
      for (const bits of [diff, (diff - 2n ** 251n + p) % p]) {
        const failures = checker.check(checker.setBits(claimed, prefix, bits, 252));
        expect(failures.length).to.be.greaterThan(0);
        expect(failures.every((f) => inComparison(f) || f.signals.some((s) => s.startsWith(`${prefix}[`))), JSON.stringify(failures.map((f) => f.index))).to.equal(true);
      }
    });

    it("a negative move in a perpetual (|mark − entry| replaced by its field negative, turning a loss into a credit) fails the move's constraint", () => {
      const P = "main.positions[0].";
      expect(checker.value(honest, `${P}markBelow`)).to.equal(1n); // the long is at a loss
      let w = checker.override(honest, { [`${P}move`]: p - checker.value(honest, `${P}move`) });
      // the prover re-derives everything downstream of the move, and the comparator's bits
      w = checker.solve(w, [`${P}notional`, `${P}profit`, `${P}profitTerm`, `${P}lossTerm`, "main.weightedCollateral", "main.requiredCollateral"]);
      const prefix = checker.symbols.matching(/^main\.LessThan_\d+_\d+\.n2b\.out\[0\]$/)[0]!.name.replace(/\[0\]$/, "");
      w = checker.setBits(w, prefix, checker.value(w, "main.weightedCollateral") + 2n ** 251n - checker.value(w, "main.requiredCollateral"), 252);
      expect(checker.value(w, "main.requiredCollateral") < checker.value(honest, "main.requiredCollateral")).to.equal(true);
      const failures = checker.check(w);
      expect(failures.length).to.equal(1);
      expect(failures[0]!.signals).to.have.members(["main.positionEntry[0]", "main.marks[0]", `${P}markBelow`, `${P}move`]);
    });

    it("flipping a perpetual's direction comparator (mark below entry said false) fails that comparator", () => {
      const P = "main.positions[0].";
      let w = checker.override(honest, { [`${P}markBelow`]: 0n });
      w = checker.solve(w, [`${P}move`, `${P}shortAndBelow`, `${P}notional`, `${P}profit`, `${P}profitTerm`, `${P}lossTerm`, "main.weightedCollateral", "main.requiredCollateral"]);
      const prefix = checker.symbols.matching(/^main\.LessThan_\d+_\d+\.n2b\.out\[0\]$/)[0]!.name.replace(/\[0\]$/, "");
      w = checker.setBits(w, prefix, checker.value(w, "main.weightedCollateral") + 2n ** 251n - checker.value(w, "main.requiredCollateral"), 252);
      const failures = checker.check(w);
      expect(failures.length).to.be.greaterThan(0);
      expect(failures.every((f) => f.signals.some((s) => /^main\.positions\[0\]\.LessThan_\d+_\d+\./.test(s))), JSON.stringify(failures.map((f) => f.signals.slice(0, 4)))).to.equal(true);
    });
  });

  describe("the constraint system's shape", () => {
    it("leaves no wire out of every constraint but the two dead IsZero inverses of EdDSA's equality checks", () => {
      // circomlib's ForceEqualIfEnabled(enabled = 1): the optimizer turns (1 − isz.out)·1 = 0 and
      // in·isz.out = 0 into the linear equality in = 0 and drops in·inv = 0, leaving isz.inv in no
      // constraint. It feeds nothing, so it is free and harmless; the equality itself is enforced (the
      // signature attacks above fail there).
      const used = new Set<number>();
      for (const c of checker.r1cs.constraints) for (const [w] of [...c.a, ...c.b, ...c.c]) used.add(w);
      const unused: number[] = [];
      for (let w = 1; w < checker.r1cs.nVars; w++) if (!used.has(w)) unused.push(w);
      expect(unused.flatMap((w) => checker.symbols.namesOf(w)).map((n) => n.replace(/Attestation_\d+_\d+/, "Attestation"))).to.deep.equal([
        "main.Attestation.verifier.eqCheckX.isz.inv",
        "main.Attestation.verifier.eqCheckY.isz.inv",
      ]);
      expect(checker.check(checker.override(honest, unused.map((w) => [w, 12345n] as const)))).to.deep.equal([]);
    });

    it("every `circom --inspect` warning of the build is a justified unused output of a constrained sub-component", () => {
      const info = JSON.parse(readFileSync(artifacts(NAME).circuitInfo, "utf8")) as { inspect: Array<{ code: string; template: string; message: string; justification: string }> };
      expect(info.inspect.length).to.be.greaterThan(0);
      for (const w of info.inspect) {
        const accepted = manifest.acceptedWarnings.find((a) => a.code === w.code && a.template === w.template);
        expect(accepted, `${w.code} in ${w.template}`).to.not.equal(undefined);
        expect(w.justification).to.equal(accepted!.justification);
        expect(w.code).to.equal("CA02");
        expect(w.message).to.match(/signals? that do(es)? not appear in any constraint of the father component/);
      }
    });
  });
});
