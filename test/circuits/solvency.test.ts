/**
 * Solvency_4x2 against the reference model, and its soundness at the constraint level.
 *
 * "Accepted" means a witness is generated AND every R1CS constraint holds. Rejections are shown twice:
 * circom's generated checks refuse the witness, and — what soundness rests on — the witness a prover gets
 * by skipping those checks (or by editing an honest witness) violates constraints, which are named.
 */
import { expect } from "chai";
import fc from "fast-check";
import { portfolioCommitment } from "../../prover/commitments.ts";
import type { EncodedPortfolio } from "../../prover/model.ts";
import { claimHolds, valuate } from "../../prover/ratio.ts";
import { BPS, FIELD } from "../../prover/spec.ts";
import { buildInput, type CircuitInput, type ProofRequest } from "../../prover/witness.ts";
import type { ConstraintChecker, ConstraintFailure } from "../../verifier/constraints.ts";
import { WitnessError } from "../../verifier/witness_calculator.ts";
import {
  accepts as acceptsInput, attackerFailures as failuresOf, checkerFor, EXPECTED_UNUSED, expectWarningsJustified, inComparison,
  inputFor, modelPortfolio, priceWrapAround, rawCase, rawInput, unusedSignals, wrapAround, type RawCase,
} from "../helpers/circuit.ts";
import { assertAgreesWithModel } from "../helpers/differential.ts";
import { ACCOUNT, DOMAIN, OTHER_SECRET, ready, request } from "../helpers/fixtures.ts";

const NAME = "Solvency_4x2";
const N = 4;
const M = 2;
const p = FIELD;

/** The range check of `signal`: the constraint tying it to its k-bit decomposition under `bits`. */
const rangeCheck = (signal: string, bits: RegExp, k: number, also: readonly string[] = []) => (f: ConstraintFailure): boolean =>
  f.signals.length === k + also.length && f.signals.includes(signal) && also.every((s) => f.signals.includes(s)) &&
  f.signals.every((s) => s === signal || also.includes(s) || bits.test(s));

const bitsUnder = (component: string): RegExp =>
  new RegExp(`^${component.replace(/[.[\]]/g, "\\$&")}\\.Num2Bits_\\d+_\\d+\\.out\\[\\d+\\]$`);
const STATEMENT_BITS = /^main\.Statement_\d+_\d+\.Num2Bits_\d+_\d+\.out\[\d+\]$/;
const TERMS_BITS = /^main\.Terms_\d+_\d+\.Num2Bits_\d+_\d+\.out\[\d+\]$/;
const SIGNATURE = /^main\.Attestation_\d+_\d+\.verifier\./;

describe("Solvency_4x2 circuit: witnesses and constraints", function () {
  let checker: ConstraintChecker;
  let base: ProofRequest;
  let honestInput: CircuitInput;
  let honest: bigint[];

  const accepts = (input: CircuitInput): boolean => acceptsInput(checker, input);
  const attackerFailures = (input: CircuitInput): Promise<ConstraintFailure[]> => failuresOf(checker, input);
  /** The attacker's best attempt over both claims (whichever violates fewer constraints). */
  const bestAttempt = async (c: RawCase): Promise<ConstraintFailure[]> => {
    const tries = await Promise.all([0n, 1n].map((claim) => attackerFailures(rawInput({ ...c, claim }))));
    return tries[0]!.length <= tries[1]!.length ? tries[0]! : tries[1]!;
  };
  /** The bit signals of the final comparison's decomposition of BPS·C + 2^251 − ratio·L. */
  const comparatorBits = (): string => checker.symbols.matching(/^main\.LessThan_\d+_\d+\.n2b\.out\[0\]$/)[0]!.name.replace(/\[0\]$/, "");
  /** The comparator's bits recomputed for the witness's two sides, as a prover re-derives them. */
  const rewriteComparatorBits = (w: bigint[]): bigint[] =>
    checker.setBits(w, comparatorBits(), checker.value(w, "main.weightedCollateral") + 2n ** 251n - checker.value(w, "main.requiredCollateral"), 252);
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
    it("on random portfolios, prices, factors, liabilities, ratios and claims", async () => {
      await assertAgreesWithModel(checker, N, M, 200, 50);
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
    /** `also`: signals the range check's constraint holds besides the bits, where the optimiser substituted the value by them */
    interface Bounded { name: string; signal: string; k: number; bits: RegExp; also?: string[]; set(c: RawCase, v: bigint): RawCase }
    const first = (xs: bigint[], v: bigint): bigint[] => [v, ...xs.slice(1)];
    const bounded: Bounded[] = [
      { name: "collateral", signal: "main.collateral[0]", k: 96, bits: bitsUnder("main.assets[0]"), set: (c, v) => ({ ...c, collateral: first(c.collateral, v) }) },
      { name: "debt", signal: "main.debt[0]", k: 96, bits: bitsUnder("main.assets[0]"), set: (c, v) => ({ ...c, debt: first(c.debt, v) }) },
      { name: "position size", signal: "main.positionSize[0]", k: 96, bits: bitsUnder("main.positions[0]"), set: (c, v) => ({ ...c, positionSize: first(c.positionSize, v) }) },
      { name: "entry price", signal: "main.positionEntry[0]", k: 56, bits: bitsUnder("main.positions[0]"), set: (c, v) => ({ ...c, positionEntry: first(c.positionEntry, v) }) },
      // publicLiability = terms − expiresAt·2^128 is linear, so --O2 substitutes it: its range check holds terms and expiresAt.
      { name: "public liability", signal: "main.terms", k: 128, bits: TERMS_BITS, also: ["main.expiresAt"], set: (c, v) => ({ ...c, publicLiability: v }) },
      { name: "attestation expiry", signal: "main.expiresAt", k: 40, bits: TERMS_BITS, set: (c, v) => ({ ...c, expiresAt: v }) },
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
          expect(rangeCheck(b.signal, b.bits, b.k, b.also)(failures[0]!), `${b.name} = ${v}: ${JSON.stringify(failures[0]!.signals.filter((x) => !b.bits.test(x)))}`).to.equal(true);
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
      const prefix = failures[0]!.signals.find((s) => debtBits.test(s))!.replace(/\[\d+\]$/, "");
      fc.assert(fc.property(fc.bigInt(0n, 2n ** 96n - 1n), (bits) => {
        const rewritten = checker.check(checker.setBits(run.witness, prefix, bits, 96));
        expect(rewritten.some(rangeCheck("main.debt[1]", debtBits, 96))).to.equal(true);
      }), { numRuns: 10 });
    });

    it("wrap-around balance (collateral + 2^96, debt − 1: same packed value, same genuine signature) fails the collateral's range check", async () => {
      const attack = wrapAround(honestInput, 1);
      expectGenerationRefuses(attack);
      const run = await checker.uncheckedWitness(attack);
      expect(checker.value(run.witness, "main.portfolioCommitment")).to.equal(checker.value(honest, "main.portfolioCommitment"));
      const failures = checker.check(run.witness);
      expect(failures.length).to.equal(1);
      expect(rangeCheck("main.collateral[1]", bitsUnder("main.assets[1]"), 96)(failures[0]!)).to.equal(true);
    });

    it("oversized price (2^60, not the committed one) fails its range check and the context commitment", async () => {
      const attack = { ...honestInput, prices: (honestInput.prices as string[]).map((x, i) => (i === 0 ? (2n ** 60n).toString() : x)) };
      expectGenerationRefuses(attack);
      const run = await checker.uncheckedWitness(attack);
      expect(checker.value(run.witness, "main.weightedCollateral") > checker.value(honest, "main.weightedCollateral")).to.equal(true);
      const failures = checker.check(run.witness);
      expect(failures.some((f) => f.signals.includes("main.context"))).to.equal(true);
      expect(failures.some((f) => f.signals.includes("main.prices[0]"))).to.equal(true);
    });

    it("wrap-around prices (price + 2^56, next price − 1: same packed element, same context) fail the price's range check", async () => {
      const attack = priceWrapAround(honestInput, 0);
      expectGenerationRefuses(attack);
      const run = await checker.uncheckedWitness(attack);
      expect(checker.value(run.witness, "main.context")).to.equal(checker.value(honest, "main.context"));
      expect(checker.value(run.witness, "main.weightedCollateral") > checker.value(honest, "main.weightedCollateral")).to.equal(true);
      const failures = checker.check(run.witness);
      expect(failures.length).to.equal(1);
      expect(failures[0]!.signals).to.include("main.prices[0]");
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
      const prefix = comparatorBits();
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
      w = rewriteComparatorBits(w);
      expect(checker.value(w, "main.requiredCollateral") < checker.value(honest, "main.requiredCollateral")).to.equal(true);
      const failures = checker.check(w);
      expect(failures.length).to.equal(1);
      expect(failures[0]!.signals).to.have.members(["main.positionEntry[0]", "main.marks[0]", `${P}markBelow`, `${P}move`]);
    });

    it("flipping a perpetual's direction comparator (mark below entry said false) fails that comparator", () => {
      const P = "main.positions[0].";
      let w = checker.override(honest, { [`${P}markBelow`]: 0n });
      w = checker.solve(w, [`${P}move`, `${P}shortAndBelow`, `${P}notional`, `${P}profit`, `${P}profitTerm`, `${P}lossTerm`, "main.weightedCollateral", "main.requiredCollateral"]);
      w = rewriteComparatorBits(w);
      const failures = checker.check(w);
      expect(failures.length).to.be.greaterThan(0);
      expect(failures.every((f) => f.signals.some((s) => /^main\.positions\[0\]\.LessThan_\d+_\d+\./.test(s))), JSON.stringify(failures.map((f) => f.signals.slice(0, 4)))).to.equal(true);
    });
  });

  describe("the constraint system's shape", () => {
    it("leaves no wire out of every constraint but the two dead IsZero inverses of EdDSA's equality checks", () => {
      // They feed nothing: any value keeps every constraint satisfied. The equality they belonged to is
      // enforced (the signature attacks above fail there).
      expect(unusedSignals(checker)).to.deep.equal(EXPECTED_UNUSED);
      expect(checker.check(checker.override(honest, checker.unusedWires().map((w) => [w, 12345n] as const)))).to.deep.equal([]);
    });

    it("every `circom --inspect` warning of the build is a justified unused output of a constrained sub-component", () => {
      expectWarningsJustified(NAME);
    });
  });
});
