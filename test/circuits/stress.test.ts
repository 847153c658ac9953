/**
 * Stress_4x2x4 against the reference model of the stress claim (prover/stress.ts), and its soundness at
 * the constraint level: a witness a prover computes with circom's generated checks skipped, or an honest
 * witness edited, must violate named constraints.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { artifacts } from "../../prover/artifacts.ts";
import type { EncodedPortfolio } from "../../prover/model.ts";
import { claimHolds, valuate } from "../../prover/ratio.ts";
import { BPS } from "../../prover/spec.ts";
import { buildStressInput, packScenarios, scenarioCommitment, stressValuate, unchanged, StressClaimDoesNotHold, type ScenarioMatrix, type StressRequest } from "../../prover/stress.ts";
import type { CircuitInput } from "../../prover/witness.ts";
import type { ConstraintChecker, ConstraintFailure } from "../../verifier/constraints.ts";
import { WitnessError } from "../../verifier/witness_calculator.ts";
import { accepts as acceptsInput, attackerFailures as failuresOf, checkerFor, EXPECTED_UNUSED, expectWarningsJustified, unusedSignals } from "../helpers/circuit.ts";
import { assertStressAgreesWithModel, inExposure, inStressClaim, stressInputFor, stressInputUnchecked } from "../helpers/stress.ts";
import { ATTESTER_SECRET, ready, request } from "../helpers/fixtures.ts";
import { attest } from "../../prover/attestation.ts";
import { portfolioCommitment } from "../../prover/commitments.ts";

const NAME = "Stress_4x2x4";
const N = 4;
const M = 2;
const S = 4;

/** WETH and WBTC (slots 0 and 2) and the perpetual marks move by `eth`, `btc` and `mark` bps; the rest stay. */
const scenario = (eth: bigint, btc: bigint, mark: bigint): bigint[] => [eth, BPS, btc, BPS, mark, mark];

describe("Stress_4x2x4 circuit: witnesses and constraints", function () {
  let checker: ConstraintChecker;
  const accepts = (input: CircuitInput): boolean => acceptsInput(checker, input);
  const attackerFailures = (input: CircuitInput): Promise<ConstraintFailure[]> => failuresOf(checker, input);

  // A portfolio long WETH and WBTC against a stated liability of $500,000: its plain ratio is ~134%, so it
  // meets a 120% maintenance ratio, survives 10% drops at a 100% stress ratio, but not WETH and WBTC
  // falling 35% together.
  const SCENARIOS: ScenarioMatrix = [unchanged(N, M), scenario(9000n, 10000n, 9000n), scenario(10000n, 9000n, 10000n), scenario(6500n, 6500n, 6500n)];
  let req: StressRequest;

  before(async () => {
    await ready();
    checker = await checkerFor(NAME);
    const base = request(N, M, { publicLiability: 500_000n * 10n ** 26n });
    req = { ...base, scenarios: SCENARIOS, ratioBps: 10000n, scenarioNames: ["unchanged", "WETH −10%", "WBTC −10%", "WETH and WBTC −35%"] };
  });

  it("fits the power-14 development ptau (fewer than 16384 constraints), with only the known unused wires", () => {
    const info = JSON.parse(readFileSync(artifacts(NAME).circuitInfo, "utf8")) as { constraints: { total: number }; publicSignals: string[] };
    expect(info.constraints.total).to.be.below(16384);
    expect(info.publicSignals).to.deep.equal(["context", "attesterBinding", "statement", "terms"]);
    expect(unusedSignals(checker)).to.have.members(EXPECTED_UNUSED);
    expectWarningsJustified(NAME);
  });

  it("the base claim holds but the correlated crash fails: the model names it, the circuit refuses the stress claim", async () => {
    expect(claimHolds(valuate(req.portfolio, req.round, req.risk, req.publicLiability), 12000n, 1n), "meets 120% unstressed").to.equal(true);
    const res = stressValuate(req.portfolio, req.round, req.risk, req.publicLiability, req.scenarios, req.ratioBps);
    expect(res.failing).to.deep.equal([3]);
    expect(() => buildStressInput(req)).to.throw(StressClaimDoesNotHold, /fails 1 stress scenario\(s\) at 10000 bps: WETH and WBTC −35%/);

    const solvent = stressInputFor(req);
    expect(() => checker.witness(solvent)).to.throw(WitnessError, /assert failed/);
    const failures = await attackerFailures(solvent);
    expect(failures.length).to.be.greaterThan(0);
    expect(failures.every(inStressClaim), JSON.stringify(failures.map((f) => f.signals.slice(0, 4)))).to.equal(true);

    // the reverse claim (insolvent under some scenario) is accepted
    expect(accepts(buildStressInput({ ...req, claim: 0n }).input)).to.equal(true);
  });

  it("accepts the stress claim when every scenario holds, and refuses the reverse claim", async () => {
    const mild: StressRequest = { ...req, scenarios: [SCENARIOS[0]!, SCENARIOS[1]!, SCENARIOS[2]!, scenario(9000n, 9000n, 9000n)] };
    expect(accepts(buildStressInput(mild).input)).to.equal(true);
    const reverse = stressInputFor({ ...mild, claim: 0n });
    expect(accepts(reverse)).to.equal(false);
    const failures = await attackerFailures(reverse);
    expect(failures.length).to.equal(1);
    expect(inStressClaim(failures[0]!)).to.equal(true);
  });

  it("recomputes a perpetual's profit and loss at the shocked mark: a short gains in the crash and can carry it", () => {
    // a large short on the first market (entry $3000, mark $2900) profits when the mark falls 35%
    const hedged: EncodedPortfolio = { ...req.portfolio, positions: [{ size: -200n * 10n ** 18n, entryPrice: 3000n * 10n ** 8n }, req.portfolio.positions[1]!] };
    const base = request(N, M, { portfolio: hedged, publicLiability: req.publicLiability });
    const h: StressRequest = { ...base, scenarios: SCENARIOS, ratioBps: 10000n };
    const res = stressValuate(h.portfolio, h.round, h.risk, h.publicLiability, h.scenarios, h.ratioBps);
    expect(res.failing).to.deep.equal([]);
    expect(accepts(buildStressInput(h).input)).to.equal(true);
    // the same short at an unshocked mark adds only margin: without the crash's profit the hedge is gone
    const unhedgedCrash = stressValuate(h.portfolio, h.round, h.risk, h.publicLiability, [scenario(6500n, 6500n, 10000n)], h.ratioBps);
    expect(unhedgedCrash.failing).to.deep.equal([0]);
  });

  describe("differential: accepts exactly the claims the reference model accepts", () => {
    it("on random portfolios, factors, liabilities, scenarios, stress ratios and claims", async () => {
      await assertStressAgreesWithModel(checker, N, M, S, 80, 15);
    });
  });

  describe("soundness: tampered witnesses are refused by the constraints", () => {
    it("refuses multipliers that pack to the committed element but are out of range (2^15 carried into the next)", async () => {
      const honest = buildStressInput({ ...req, claim: 0n }).input;
      // raise WETH's crash multiplier by 2^15 and take one from the next multiplier: the packed element,
      // hence the scenario commitment and the context, are unchanged
      const flat = (honest.multipliers as string[]).map(BigInt);
      const k = 3 * (N + M);
      const tampered = [...flat];
      tampered[k] = flat[k]! + 2n ** 15n;
      tampered[k + 1] = flat[k + 1]! - 1n;
      const rows = Array.from({ length: S }, (_, s) => tampered.slice(s * (N + M), (s + 1) * (N + M)));
      expect(packScenarios(rows)).to.deep.equal(packScenarios(SCENARIOS));
      expect(scenarioCommitment(rows)).to.equal(scenarioCommitment(SCENARIOS));
      // with it the crash scenario would hold: claim 1 at the same context
      const attack = stressInputUnchecked({ ...req, scenarios: rows as ScenarioMatrix, claim: 1n });
      expect(attack.context).to.equal(honest.context);
      expect(() => checker.witness(attack)).to.throw(WitnessError);
      const failures = await attackerFailures(attack);
      expect(failures.length).to.equal(1);
      expect(failures[0]!.signals).to.include(`main.multipliers[3][0]`);
      // its 15-bit range check alone (the optimizer substitutes one bit, so 14 bit wires remain named)
      const others = failures[0]!.signals.filter((s) => s !== "main.multipliers[3][0]");
      expect(others.length).to.be.within(14, 15);
      expect(others.every((s) => /^main\.ScenarioSet_\d+_\d+\.Num2Bits_\d+_\d+\[18\]\.out\[\d+\]$/.test(s)), others.join(",")).to.equal(true);
    });

    it("refuses a multiplier changed in an honest witness (the scenario commitment no longer matches)", () => {
      const w = checker.witness(buildStressInput({ ...req, claim: 0n }).input);
      expect(checker.check(w)).to.deep.equal([]);
      const edited = checker.override(w, { "main.multipliers[3][0]": 10000n, "main.multipliers[3][2]": 10000n });
      expect(checker.check(edited).length).to.be.greaterThan(0);
    });

    it("refuses an honest witness whose failing scenario's comparator bit is flipped to claim survival", () => {
      const w = checker.witness(buildStressInput({ ...req, claim: 0n }).input);
      const shortWire = checker.symbols.matching(/^main\.short\[3\]$/)[0];
      const name = shortWire ? "main.short[3]" : checker.symbols.matching(/^main\.LessThan_\d+_\d+\.out$/)[3]!.name;
      expect(checker.value(w, name)).to.equal(1n);
      const edited = checker.override(w, { [name]: 0n });
      expect(checker.check(edited).length).to.be.greaterThan(0);
    });

    it("refuses an exposure of 2^221 or more at its range check, even where the claim would hold", async () => {
      // 2^95 WETH wei at $2^55/10^8 with a factor near 2^73: one collateral term near 2^223
      const base = request(N, M);
      const huge: StressRequest = {
        ...base, scenarios: SCENARIOS, ratioBps: 10000n, publicLiability: 0n,
        portfolio: { ...base.portfolio, collateral: [2n ** 95n, 0n, 0n, 0n], debt: [0n, 0n, 0n, 0n] },
        round: { ...base.round, prices: [2n ** 55n, ...base.round.prices.slice(1)] },
        risk: { ...base.risk, collateralFactor: [2n ** 73n, ...base.risk.collateralFactor.slice(1)] },
      };
      const a = huge.attestation;
      huge.attestation = attest(ATTESTER_SECRET, a.account, a.domain, a.attestedAt, a.expiresAt, portfolioCommitment(huge.portfolio));
      expect(() => buildStressInput(huge)).to.throw(/exposure .* is not below 2\^221/);
      const input = stressInputUnchecked(huge);
      expect(accepts(input)).to.equal(false);
      const failures = await attackerFailures(input);
      expect(failures.length).to.equal(1);
      expect(inExposure(failures[0]!)).to.equal(true);
    });
  });
});
