/**
 * MarginVenue with real proofs: borrowing needs an initial-tier proof that counts the new debt;
 * keepers liquidate when the maintenance proof lapsed past the grace period or an insolvency proof was
 * posted; a liquidated account stays frozen until a fresh initial-tier proof.
 */
import { expect } from "chai";
import {
  CREDIT, INITIAL_RATIO_BPS, LIABILITY_FACTOR, MAINTENANCE_RATIO_BPS, MARKS, POOR, PRICES, deployTestSystem, now, proveStatement,
  publishPrices, releaseProver, type ProofBundle, type TestSystem,
} from "../helpers/system.ts";

const INITIAL = 2;
const BORROW = 5000n * CREDIT;
const DEPOSIT = 100n * CREDIT;
const LAPSED = 1;
const INSOLVENT = 2;

/** The arguments after the proof that the gate and venue take, read from the proof's own statement. */
function claimArgs(p: ProofBundle, roundId: bigint): [bigint, bigint, bigint, bigint] {
  const s = p.result.signals.statement;
  return [roundId, 1n, (s >> 192n) & (2n ** 40n - 1n), (s >> 160n) & (2n ** 32n - 1n)];
}

describe("contracts: MarginVenue with real proofs", function () {
  after(releaseProver);

  describe("borrowing, lapse, liquidation and unfreezing", function () {
    let sys: TestSystem;
    let borrowProof: ProofBundle; // alice, round 1, nonce 1, initial ratio, liability = BORROW
    let validUntil: bigint;

    before(async function () {
      sys = await deployTestSystem();
      await (await sys.venue.connect(sys.alice).getFunction("deposit")(DEPOSIT)).wait();
      borrowProof = await proveStatement(sys, {
        account: sys.alice.address, roundId: 1n, claim: 1n, nonce: 1n, ratioBps: INITIAL_RATIO_BPS,
        publicLiability: BORROW * LIABILITY_FACTOR, attestedAt: await now(sys),
      });
    });

    it("values debt at $1 per credit token in value units", async function () {
      expect(await sys.venue.getFunction("liabilityFactor")()).to.equal(LIABILITY_FACTOR);
    });

    it("refuses a borrow whose amount differs from the liability the proof counted", async function () {
      await expect(sys.venue.connect(sys.alice).getFunction("borrow")(BORROW - 1n, borrowProof.proof, ...claimArgs(borrowProof, 1n)))
        .to.be.revertedWithCustomError(sys.gate, "InvalidProof");
    });

    it("refuses a liability of 2^128 value units or more before verifying", async function () {
      const amount = 2n ** 128n / LIABILITY_FACTOR + 1n;
      await expect(sys.venue.connect(sys.alice).getFunction("borrow")(amount, borrowProof.proof, ...claimArgs(borrowProof, 1n)))
        .to.be.revertedWithCustomError(sys.gate, "LiabilityOutOfRange").withArgs(amount * LIABILITY_FACTOR);
    });

    it("lends against a fresh initial-tier proof that counts the new debt", async function () {
      await expect(sys.venue.connect(sys.alice).getFunction("borrow")(BORROW, borrowProof.proof, ...claimArgs(borrowProof, 1n)))
        .to.emit(sys.venue, "Borrowed").withArgs(sys.alice.address, BORROW, BORROW)
        .and.to.emit(sys.gate, "SolvencyProven");
      expect(await sys.credit.getFunction("balanceOf")(sys.alice.address)).to.equal(BORROW);
      expect(await sys.venue.getFunction("liabilityOf")(sys.alice.address)).to.equal(BORROW * LIABILITY_FACTOR);
      validUntil = (await sys.gate.getFunction("accountState")(sys.alice.address)).validUntil;
    });

    it("lets a solvent account withdraw escrow and repay", async function () {
      await expect(sys.venue.connect(sys.alice).getFunction("withdraw")(10n * CREDIT)).to.emit(sys.venue, "Withdrawn");
      await expect(sys.venue.connect(sys.alice).getFunction("repay")(sys.alice.address, 1000n * CREDIT))
        .to.emit(sys.venue, "Repaid").withArgs(sys.alice.address, sys.alice.address, 1000n * CREDIT, BORROW - 1000n * CREDIT);
      await expect(sys.venue.connect(sys.alice).getFunction("repay")(sys.alice.address, BORROW)).to.be.revertedWithCustomError(sys.venue, "RepayExceedsDebt");
    });

    it("refuses withdrawal with debt once the proof lapsed, and liquidation within the grace period", async function () {
      await sys.helpers.time.setNextBlockTimestamp(validUntil + 1n);
      await expect(sys.venue.connect(sys.alice).getFunction("withdraw")(CREDIT)).to.be.revertedWithCustomError(sys.venue, "NotSolvent");
      await sys.helpers.time.setNextBlockTimestamp(validUntil + 3600n);
      await expect(sys.venue.connect(sys.keeper).getFunction("liquidate")(sys.alice.address)).to.be.revertedWithCustomError(sys.venue, "NotLiquidatable");
    });

    it("lets a keeper liquidate after the grace period: bonus to the keeper, the rest to the venue, debt written off", async function () {
      await sys.helpers.time.setNextBlockTimestamp(validUntil + 3601n);
      const escrow = DEPOSIT - 10n * CREDIT;
      const bonus = (escrow * 500n) / 10000n;
      await expect(sys.venue.connect(sys.keeper).getFunction("liquidate")(sys.alice.address))
        .to.emit(sys.venue, "Liquidated").withArgs(sys.alice.address, sys.keeper.address, LAPSED, escrow, bonus, BORROW - 1000n * CREDIT);
      expect(await sys.collateral.getFunction("balanceOf")(sys.keeper.address)).to.equal(bonus);
      expect(await sys.venue.getFunction("seizedCollateral")()).to.equal(escrow - bonus);
      expect(await sys.venue.getFunction("positionOf")(sys.alice.address)).to.deep.equal([0n, 0n]);
      expect(await sys.venue.getFunction("totalDebt")()).to.equal(0n);
      expect(await sys.venue.getFunction("isFrozen")(sys.alice.address)).to.equal(true);
    });

    it("keeps the account frozen until a fresh initial-tier proof", async function () {
      await (await sys.venue.connect(sys.alice).getFunction("deposit")(DEPOSIT)).wait();
      await expect(sys.venue.connect(sys.alice).getFunction("withdraw")(CREDIT)).to.be.revertedWithCustomError(sys.venue, "AccountFrozen");
      const r2 = await publishPrices(sys.oracle, await now(sys));
      const fresh = await proveStatement(sys, {
        account: sys.alice.address, roundId: r2.round.roundId, claim: 1n, nonce: 2n, ratioBps: INITIAL_RATIO_BPS, publicLiability: 0n, attestedAt: await now(sys),
      });
      await expect(sys.venue.connect(sys.alice).getFunction("borrow")(CREDIT, borrowProof.proof, ...claimArgs(borrowProof, 1n)))
        .to.be.revertedWithCustomError(sys.venue, "AccountFrozen");
      await (await sys.gate.connect(sys.alice).getFunction("proveSolvency")(fresh.proof, ...claimArgs(fresh, r2.round.roundId), INITIAL)).wait();
      expect(await sys.venue.getFunction("isFrozen")(sys.alice.address)).to.equal(false);
      await expect(sys.venue.connect(sys.alice).getFunction("withdraw")(DEPOSIT)).to.emit(sys.venue, "Withdrawn");
    });

    it("only governors set liquidation terms and sweep seized collateral", async function () {
      const v = sys.venue;
      await expect(v.connect(sys.alice).getFunction("sweepSeized")(sys.alice.address, 1n)).to.be.revertedWithCustomError(v, "AccessControlUnauthorizedAccount");
      await expect(v.getFunction("setLiquidationTerms")(60, 10001)).to.be.revertedWithCustomError(v, "BonusOutOfRange").withArgs(10001);
      const seized = await v.getFunction("seizedCollateral")();
      await expect(v.getFunction("sweepSeized")(sys.admin.address, seized + 1n)).to.be.revertedWithCustomError(v, "SweepExceedsSeized");
      await expect(v.getFunction("sweepSeized")(sys.admin.address, seized)).to.emit(v, "SeizedCollateralSwept").withArgs(sys.admin.address, seized);
    });
  });

  describe("liquidation by an insolvency proof", function () {
    let sys: TestSystem;
    let borrowProof: ProofBundle; // bob, solvent portfolio, nonce 1, initial ratio, liability = BORROW
    let insolvency: ProofBundle; // bob, the portfolio he now holds, claim 0 at the maintenance ratio

    before(async function () {
      sys = await deployTestSystem();
      await (await sys.venue.connect(sys.bob).getFunction("deposit")(DEPOSIT)).wait();
      const t = await now(sys);
      const base = { account: sys.bob.address, roundId: 1n, publicLiability: BORROW * LIABILITY_FACTOR, attestedAt: t };
      borrowProof = await proveStatement(sys, { ...base, claim: 1n, nonce: 1n, ratioBps: INITIAL_RATIO_BPS });
      insolvency = await proveStatement(sys, { ...base, claim: 0n, nonce: 1n, ratioBps: MAINTENANCE_RATIO_BPS, portfolio: POOR });
      await (await sys.venue.connect(sys.bob).getFunction("borrow")(BORROW, borrowProof.proof, ...claimArgs(borrowProof, 1n))).wait();
    });

    it("does not let a keeper liquidate a current, solvent account", async function () {
      expect(await sys.venue.getFunction("liquidationReason")(sys.bob.address)).to.equal(0n);
      await expect(sys.venue.connect(sys.keeper).getFunction("liquidate")(sys.bob.address)).to.be.revertedWithCustomError(sys.venue, "NotLiquidatable");
    });

    it("refuses an insolvency proof posted for another account", async function () {
      await expect(sys.gate.connect(sys.keeper).getFunction("proveInsolvency")(sys.alice.address, insolvency.proof, ...claimArgs(insolvency, 1n)))
        .to.be.revertedWithCustomError(sys.gate, "InvalidProof");
    });

    it("accepts an insolvency proof from anyone and marks the account insolvent", async function () {
      await expect(sys.gate.connect(sys.keeper).getFunction("proveInsolvency")(sys.bob.address, insolvency.proof, ...claimArgs(insolvency, 1n)))
        .to.emit(sys.gate, "InsolvencyProven")
        .withArgs(sys.bob.address, 1n, 1n, sys.keeper.address, MAINTENANCE_RATIO_BPS, 1n, BORROW * LIABILITY_FACTOR);
      expect(await sys.gate.getFunction("isInsolvent")(sys.bob.address)).to.equal(true);
      expect(await sys.gate.getFunction("isSolvent")(sys.bob.address, 1)).to.equal(false);
      await expect(sys.gate.connect(sys.keeper).getFunction("proveInsolvency")(sys.bob.address, insolvency.proof, ...claimArgs(insolvency, 1n)))
        .to.be.revertedWithCustomError(sys.gate, "NonceNotIncreasing").withArgs(1n, 1n);
    });

    it("lets a keeper liquidate the insolvent account at once", async function () {
      expect(await sys.venue.getFunction("liquidationReason")(sys.bob.address)).to.equal(BigInt(INSOLVENT));
      await expect(sys.venue.connect(sys.keeper).getFunction("liquidate")(sys.bob.address))
        .to.emit(sys.venue, "Liquidated").withArgs(sys.bob.address, sys.keeper.address, INSOLVENT, DEPOSIT, DEPOSIT / 20n, BORROW);
      expect(await sys.venue.getFunction("isFrozen")(sys.bob.address)).to.equal(true);
      await expect(sys.venue.connect(sys.keeper).getFunction("liquidate")(sys.bob.address)).to.be.revertedWithCustomError(sys.venue, "NotLiquidatable");
    });
  });
});
