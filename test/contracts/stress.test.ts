/**
 * The stress tier on chain with real Stress_4x2x4 proofs: StressGate governs the scenario set and the
 * stress ratio, verifies stress proofs against the oracle's round, the registry's parameters and its own
 * scenario commitment, and MarginVenue refuses a borrow that requires the stress tier without a current
 * stress record covering the new debt, even when the plain initial ratio is met.
 */
import { expect } from "chai";
import type { Contract } from "ethers";
import { packScenarios, scenarioCommitment, StressClaimDoesNotHold } from "../../prover/stress.ts";
import { CREDIT, INITIAL_RATIO_BPS, LIABILITY_FACTOR, RICH, deployTestSystem, now, proveStatement, releaseProver, type TestSystem } from "../helpers/system.ts";
import { SCENARIOS, deployStressGate, proveStressStatement } from "../helpers/stress-system.ts";

const DEPOSIT = 100n * CREDIT;
const SMALL = 5000n * CREDIT;
/** ~$440k against ~$672k of weighted collateral: 153% (meets 150%), but only ~$437k after a joint −35% crash. */
const LARGE = 440_000n * CREDIT;

describe("contracts: StressGate and the venue's stress tier, with real proofs", function () {
  let sys: TestSystem;
  let stressGate: Contract;

  after(releaseProver);

  before(async function () {
    sys = await deployTestSystem();
    ({ stressGate } = await deployStressGate(sys));
    await (await sys.venue.getFunction("setStressRequirement")(await stressGate.getAddress(), true, false)).wait();
    for (const who of [sys.alice, sys.bob]) await (await sys.venue.connect(who).getFunction("deposit")(DEPOSIT)).wait();
  });

  it("commits the scenario set on chain exactly as the circuit and the model do", async () => {
    expect(((await stressGate.getFunction("scenarioElements")()) as bigint[]).map(BigInt)).to.deep.equal(packScenarios(SCENARIOS));
    expect(BigInt(await stressGate.getFunction("scenarioCommitment")())).to.equal(scenarioCommitment(SCENARIOS));
    expect(await stressGate.getFunction("scenarioCount")()).to.equal(4n);
    expect(await stressGate.getFunction("slotCount")()).to.equal(6n);
  });

  it("accepts a stress proof, records it for the stated liability, and lets the account borrow under it", async () => {
    const s = await proveStressStatement(sys, stressGate, { account: sys.alice.address, roundId: 1n, nonce: 1n, publicLiability: SMALL * LIABILITY_FACTOR, attestedAt: await now(sys) });
    await expect(stressGate.connect(sys.alice).getFunction("proveStress")(s.proof, s.basis)).to.emit(stressGate, "StressProven");
    expect(await stressGate.getFunction("isStressed")(sys.alice.address, SMALL * LIABILITY_FACTOR)).to.equal(true);
    expect(await stressGate.getFunction("isStressed")(sys.alice.address, (SMALL + 1n) * LIABILITY_FACTOR)).to.equal(false);

    // replaying it is refused (the nonce), and so is another account submitting it (the statement's account)
    await expect(stressGate.connect(sys.alice).getFunction("proveStress")(s.proof, s.basis)).to.be.revertedWithCustomError(stressGate, "NonceNotNext");
    await expect(stressGate.connect(sys.bob).getFunction("proveStress")(s.proof, s.basis)).to.be.revertedWithCustomError(stressGate, "InvalidProof");

    const b = await proveStatement(sys, { account: sys.alice.address, roundId: 1n, claim: 1n, nonce: 1n, ratioBps: INITIAL_RATIO_BPS, publicLiability: SMALL * LIABILITY_FACTOR, attestedAt: await now(sys) });
    await expect(sys.venue.connect(sys.alice).getFunction("borrow")(SMALL, b.proof, b.basis)).to.emit(sys.venue, "Borrowed");
  });

  it("refuses a stated liability below the venue's debt", async () => {
    const s = await proveStressStatement(sys, stressGate, { account: sys.alice.address, roundId: 1n, nonce: 2n, publicLiability: 1000n * CREDIT * LIABILITY_FACTOR, attestedAt: await now(sys) });
    await expect(stressGate.connect(sys.alice).getFunction("proveStress")(s.proof, s.basis)).to.be.revertedWithCustomError(stressGate, "LiabilityBelowDebt");
  });

  it("a portfolio that meets the plain initial ratio but fails the correlated crash cannot borrow where the stress tier is required", async () => {
    const liability = LARGE * LIABILITY_FACTOR;
    // the prover refuses the stress claim and names the scenario that fails
    let refused: unknown;
    try {
      await proveStressStatement(sys, stressGate, { account: sys.bob.address, roundId: 1n, nonce: 1n, publicLiability: liability, attestedAt: await now(sys), portfolio: RICH });
    } catch (err) {
      refused = err;
    }
    expect(refused).to.be.instanceOf(StressClaimDoesNotHold);
    expect((refused as StressClaimDoesNotHold).result.failing).to.deep.equal([3]);
    expect((refused as Error).message).to.match(/fails 1 stress scenario\(s\) at 10000 bps: WETH and WBTC −35% together/);

    // the plain initial-tier proof exists, but the venue refuses the borrow without a stress record
    const b = await proveStatement(sys, { account: sys.bob.address, roundId: 1n, claim: 1n, nonce: 1n, ratioBps: INITIAL_RATIO_BPS, publicLiability: liability, attestedAt: await now(sys) });
    await expect(sys.venue.connect(sys.bob).getFunction("borrow")(LARGE, b.proof, b.basis)).to.be.revertedWithCustomError(sys.venue, "NotStressed");
    // where governance does not require the stress tier, the same proof borrows
    await (await sys.venue.getFunction("setStressRequirement")(await stressGate.getAddress(), false, false)).wait();
    await expect(sys.venue.connect(sys.bob).getFunction("borrow")(LARGE, b.proof, b.basis)).to.emit(sys.venue, "Borrowed");
    await (await sys.venue.getFunction("setStressRequirement")(await stressGate.getAddress(), true, true)).wait();
    // and with the stress tier required to withdraw, bob's escrow stays until he proves it
    await expect(sys.venue.connect(sys.bob).getFunction("withdraw")(1n)).to.be.revertedWithCustomError(sys.venue, "NotStressed");
  });

  it("a new scenario set voids current records and proofs made under the old set", async () => {
    const old = await proveStressStatement(sys, stressGate, { account: sys.alice.address, roundId: 1n, nonce: 2n, publicLiability: SMALL * LIABILITY_FACTOR, attestedAt: await now(sys), scenarios: SCENARIOS });
    const harsher = SCENARIOS.map((row, s) => (s === 3 ? row.map((m, k) => (k === 1 || k === 3 ? m : 5000n)) : row));
    await expect(stressGate.getFunction("setScenarios")(harsher)).to.emit(stressGate, "ScenariosSet");
    expect(await stressGate.getFunction("isStressed")(sys.alice.address, SMALL * LIABILITY_FACTOR)).to.equal(false);
    await expect(stressGate.connect(sys.alice).getFunction("proveStress")(old.proof, old.basis)).to.be.revertedWithCustomError(stressGate, "InvalidProof");
    const fresh = await proveStressStatement(sys, stressGate, { account: sys.alice.address, roundId: 1n, nonce: 2n, publicLiability: SMALL * LIABILITY_FACTOR, attestedAt: await now(sys) });
    await expect(stressGate.connect(sys.alice).getFunction("proveStress")(fresh.proof, fresh.basis)).to.emit(stressGate, "StressProven");
    expect(await stressGate.getFunction("isStressed")(sys.alice.address, SMALL * LIABILITY_FACTOR)).to.equal(true);
  });

  it("governance only: multipliers must fit 15 bits and the circuit's shape, the stress ratio at least 100%", async () => {
    await expect(stressGate.connect(sys.alice).getFunction("setStressRatio")(12000)).to.be.revertedWithCustomError(stressGate, "AccessControlUnauthorizedAccount");
    await expect(stressGate.getFunction("setStressRatio")(9999)).to.be.revertedWithCustomError(stressGate, "StressRatioOutOfRange");
    const tooBig = SCENARIOS.map((row, s) => (s === 0 ? [32768n, ...row.slice(1)] : row));
    await expect(stressGate.getFunction("setScenarios")(tooBig)).to.be.revertedWithCustomError(stressGate, "MultiplierOutOfRange");
    await expect(stressGate.getFunction("setScenarios")(SCENARIOS.slice(0, 3))).to.be.revertedWithCustomError(stressGate, "WrongShape");
    await expect(stressGate.getFunction("setScenarios")(SCENARIOS.map((r) => r.slice(0, 5)))).to.be.revertedWithCustomError(stressGate, "WrongShape");
  });
});
