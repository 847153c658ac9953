/**
 * The institutions' stress instance, Stress_16x4x16: built on demand, within its budget of 2^15
 * constraints, honest witnesses accepted, the differential property on a light sample, and the
 * multiplier range check repeated on the last scenario's last slot.
 */
import { expect } from "chai";
import { compile } from "../../pipeline/compile.ts";
import { instance } from "../../prover/artifacts.ts";
import { PUBLIC_SIGNAL_NAMES, BPS } from "../../prover/spec.ts";
import { buildStressInput, scenarioCommitment, type ScenarioMatrix, type StressRequest } from "../../prover/stress.ts";
import type { ConstraintChecker } from "../../verifier/constraints.ts";
import { accepts, attackerFailures, checkerFor, EXPECTED_UNUSED, expectWarningsJustified, unusedSignals } from "../helpers/circuit.ts";
import { assertStressAgreesWithModel, stressInputUnchecked } from "../helpers/stress.ts";
import { ready, request } from "../helpers/fixtures.ts";

const NAME = "Stress_16x4x16";
const N = 16;
const M = 4;
const S = 16;

describe(`${NAME} (stress instance, built on demand) @slow`, function () {
  let checker: ConstraintChecker;
  let req: StressRequest;

  before(async () => {
    await ready();
    const info = compile(instance(NAME)); // compiles only when a source changed
    expect(info.publicSignals).to.deep.equal([...PUBLIC_SIGNAL_NAMES]);
    expect(info.constraints.total, "budget: 2^15 constraints").to.be.below(2 ** 15);
    checker = await checkerFor(NAME);
    // every price and mark 0%, 1%, ..., 15% lower, at a 100% stress ratio
    const scenarios: ScenarioMatrix = Array.from({ length: S }, (_, s) => Array.from({ length: N + M }, () => BPS - 100n * BigInt(s)));
    req = { ...request(N, M), scenarios, ratioBps: 10000n };
  });

  it("compiles with every `circom --inspect` warning justified and only EdDSA's dead inverses unused", () => {
    expectWarningsJustified(NAME);
    expect(unusedSignals(checker)).to.have.members(EXPECTED_UNUSED);
  });

  it("accepts the honest fixture witness (16 assets, 4 markets, 16 scenarios)", () => {
    expect(checker.check(checker.witness(buildStressInput(req).input))).to.deep.equal([]);
  });

  it("accepts exactly the claims the reference model accepts (light sample)", async () => {
    await assertStressAgreesWithModel(checker, N, M, S, 30, 4);
  });

  it("refuses an out-of-range multiplier in the last scenario's last slot at its range check", async () => {
    const rows = req.scenarios.map((r) => [...r]);
    const k = N + M - 1;
    rows[S - 1]![k] = rows[S - 1]![k]! + 2n ** 15n; // 15 bits of room no more: the range check's job
    // an attacker whose scenario set were this one recomputes a consistent context: only the range check is left to refuse it
    expect(scenarioCommitment(rows)).to.not.equal(scenarioCommitment(req.scenarios));
    const attack = stressInputUnchecked({ ...req, scenarios: rows });
    expect(accepts(checker, attack)).to.equal(false);
    const failures = await attackerFailures(checker, attack);
    expect(failures.length).to.equal(1);
    expect(failures[0]!.signals).to.include(`main.multipliers[${S - 1}][${k}]`);
  });
});
