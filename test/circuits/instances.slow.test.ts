/**
 * The institutions' default instance, Solvency_16x4: compiled from the manifest, honest witnesses accepted,
 * the differential property on a light sample, and the soundness checks that depend on slot indexing
 * repeated on its last slots.
 */
import { expect } from "chai";
import { compile } from "../../pipeline/compile.ts";
import { instance } from "../../prover/artifacts.ts";
import { PUBLIC_SIGNAL_NAMES, FIELD } from "../../prover/spec.ts";
import { buildInput, type CircuitInput } from "../../prover/witness.ts";
import type { ConstraintChecker, ConstraintFailure } from "../../verifier/constraints.ts";
import {
  accepts, attackerFailures, checkerFor, EXPECTED_UNUSED, expectWarningsJustified, inComparison, rawCase, rawInput, unusedSignals, wrapAround,
} from "../helpers/circuit.ts";
import { assertAgreesWithModel } from "../helpers/differential.ts";
import { ready, request } from "../helpers/fixtures.ts";

const NAME = "Solvency_16x4";
const N = 16;
const M = 4;

describe(`${NAME} (default instance) @slow`, function () {
  let checker: ConstraintChecker;
  let honestInput: CircuitInput;

  before(async () => {
    await ready();
    const info = compile(instance(NAME)); // compiles only when a source changed
    expect(info.publicSignals).to.deep.equal([...PUBLIC_SIGNAL_NAMES]);
    checker = await checkerFor(NAME);
    expect(checker.r1cs.constraints.length).to.equal(info.constraints.total);
    honestInput = buildInput(request(N, M)).input;
  });

  it("compiles with every `circom --inspect` warning justified", () => {
    expectWarningsJustified(NAME);
  });

  it("accepts the honest fixture witness (16 assets, 4 markets)", () => {
    expect(checker.check(checker.witness(honestInput))).to.deep.equal([]);
  });

  it("accepts exactly the claims the reference model accepts (light sample)", async () => {
    await assertAgreesWithModel(checker, N, M, 60, 8);
  });

  it("leaves no wire out of every constraint but the two dead IsZero inverses of EdDSA's equality checks", () => {
    expect(unusedSignals(checker)).to.deep.equal(EXPECTED_UNUSED);
  });

  it("refuses a wrap-around balance in the last asset slot at its range check", async () => {
    const last = N - 1;
    const attack = wrapAround(honestInput, last);
    expect(accepts(checker, attack)).to.equal(false);
    const failures = await attackerFailures(checker, attack);
    expect(failures.length).to.equal(1);
    expect(failures[0]!.signals).to.include(`main.collateral[${last}]`);
    expect(failures[0]!.signals.filter((s) => s.startsWith(`main.assets[${last}].Num2Bits_`)).length).to.equal(95);
  });

  it("refuses a field-negative size in the last perpetual slot at its range check", async () => {
    const c = rawCase(request(N, M));
    const attack = rawInput({ ...c, positionSize: c.positionSize.map((s, j) => (j === M - 1 ? FIELD - s : s)) });
    expect(accepts(checker, attack)).to.equal(false);
    const failures = await attackerFailures(checker, attack);
    const rangeCheck = (f: ConstraintFailure): boolean =>
      f.signals.includes(`main.positionSize[${M - 1}]`) && f.signals.filter((s) => s.startsWith(`main.positions[${M - 1}].Num2Bits_`)).length === 95;
    // the range check fails; anything else that fails is the comparison the wrapped sums upset
    expect(failures.filter(rangeCheck).length).to.equal(1);
    expect(failures.every((f) => rangeCheck(f) || inComparison(f))).to.equal(true);
  });
});
