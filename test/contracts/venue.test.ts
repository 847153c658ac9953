/**
 * MarginVenue with real proofs: borrowing needs an initial-tier proof whose stated liability covers the
 * new debt; keepers liquidate when the maintenance proof lapsed past the grace period or an insolvency
 * proof was posted; a liquidated account may draw no credit until an initial-tier proof unfreezes it, but
 * an account without debt always withdraws its own escrow.
 */
import { expect } from "chai";
import {
  CREDIT, INITIAL_RATIO_BPS, LIABILITY_FACTOR, MAINTENANCE_RATIO_BPS, MARKS, POOR, PRICES, deployTestSystem, now, proveStatement,
  publishPrices, releaseProver, type ProofBundle, type TestSystem,
} from "../helpers/system.ts";

const INITIAL = 2;
const MAINTENANCE = 1;
const BORROW = 5000n * CREDIT;
const DEPOSIT = 100n * CREDIT;
const LAPSED = 1;
const INSOLVENT = 2;

describe("contracts: MarginVenue with real proofs", function () {
  after(releaseProver);

  describe("borrowing, lapse, liquidation and unfreezing", function () {
    let sys: TestSystem;
    let borrowProof: ProofBundle; // alice, round 1, nonce 1, initial ratio, liability = BORROW
    let validUntil: bigint;
    let round2: bigint;

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

    it("refuses a borrow of more than the proof's stated liability covers (LiabilityBelowDebt)", async function () {
      await expect(sys.venue.connect(sys.alice).getFunction("borrow")(BORROW + 1n, borrowProof.proof, borrowProof.basis))
        .to.be.revertedWithCustomError(sys.gate, "LiabilityBelowDebt").withArgs(BORROW * LIABILITY_FACTOR, (BORROW + 1n) * LIABILITY_FACTOR);
    });

    it("refuses a basis that states another liability than the proof was made for", async function () {
      const basis = { ...borrowProof.basis, liability: BORROW * LIABILITY_FACTOR + 1n };
      await expect(sys.venue.connect(sys.alice).getFunction("borrow")(BORROW, borrowProof.proof, basis))
        .to.be.revertedWithCustomError(sys.gate, "InvalidProof");
    });

    it("refuses a stated liability of 2^128 value units or more before verifying", async function () {
      const basis = { ...borrowProof.basis, liability: 2n ** 128n };
      await expect(sys.venue.connect(sys.alice).getFunction("borrow")(BORROW, borrowProof.proof, basis))
        .to.be.revertedWithCustomError(sys.gate, "LiabilityOutOfRange").withArgs(2n ** 128n);
    });

    it("lends against a fresh initial-tier proof that counts the new debt", async function () {
      await expect(sys.venue.connect(sys.alice).getFunction("borrow")(BORROW, borrowProof.proof, borrowProof.basis))
        .to.emit(sys.venue, "Borrowed").withArgs(sys.alice.address, BORROW, BORROW)
        .and.to.emit(sys.gate, "SolvencyProven")
        .and.not.to.emit(sys.venue, "Unfrozen");
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

    it("lets a frozen account without debt withdraw its own escrow", async function () {
      const before = (await sys.collateral.getFunction("balanceOf")(sys.alice.address)) as bigint;
      await (await sys.venue.connect(sys.alice).getFunction("deposit")(DEPOSIT)).wait();
      expect(await sys.venue.getFunction("isFrozen")(sys.alice.address)).to.equal(true);
      expect(await sys.gate.getFunction("isSolvent")(sys.alice.address, INITIAL)).to.equal(false);
      await expect(sys.venue.connect(sys.alice).getFunction("withdraw")(DEPOSIT))
        .to.emit(sys.venue, "Withdrawn").withArgs(sys.alice.address, DEPOSIT, 0n);
      expect(await sys.collateral.getFunction("balanceOf")(sys.alice.address)).to.equal(before);
      expect(await sys.venue.getFunction("isFrozen")(sys.alice.address)).to.equal(true);
      await expect(sys.venue.connect(sys.alice).getFunction("withdraw")(1n)).to.be.revertedWithCustomError(sys.venue, "InsufficientEscrow").withArgs(1n, 0n);
      await (await sys.venue.connect(sys.alice).getFunction("deposit")(DEPOSIT)).wait();
    });

    it("unfreezes only with a current initial-tier record: neither a lapsed nor a maintenance-tier one counts", async function () {
      await expect(sys.venue.connect(sys.keeper).getFunction("unfreeze")(sys.alice.address))
        .to.be.revertedWithCustomError(sys.venue, "NotSolvent").withArgs(sys.alice.address);
      round2 = (await publishPrices(sys.oracle, await now(sys))).round.roundId;
      const maintenance = await proveStatement(sys, {
        account: sys.alice.address, roundId: round2, claim: 1n, nonce: 2n, ratioBps: MAINTENANCE_RATIO_BPS, publicLiability: 0n, attestedAt: await now(sys),
      });
      await (await sys.gate.connect(sys.alice).getFunction("proveSolvency")(maintenance.proof, maintenance.basis, MAINTENANCE)).wait();
      expect(await sys.gate.getFunction("isSolvent")(sys.alice.address, MAINTENANCE)).to.equal(true);
      expect(await sys.venue.getFunction("isFrozen")(sys.alice.address)).to.equal(true);
      await expect(sys.venue.connect(sys.keeper).getFunction("unfreeze")(sys.alice.address))
        .to.be.revertedWithCustomError(sys.venue, "NotSolvent").withArgs(sys.alice.address);

      const initial = await proveStatement(sys, {
        account: sys.alice.address, roundId: round2, claim: 1n, nonce: 3n, ratioBps: INITIAL_RATIO_BPS, publicLiability: 0n, attestedAt: await now(sys),
      });
      await (await sys.gate.connect(sys.alice).getFunction("proveSolvency")(initial.proof, initial.basis, INITIAL)).wait();
      await expect(sys.venue.connect(sys.keeper).getFunction("unfreeze")(sys.alice.address))
        .to.emit(sys.venue, "Unfrozen").withArgs(sys.alice.address);
      expect(await sys.venue.getFunction("isFrozen")(sys.alice.address)).to.equal(false);
      expect(await sys.venue.getFunction("frozenAt")(sys.alice.address)).to.equal(0n);
      await expect(sys.venue.connect(sys.keeper).getFunction("unfreeze")(sys.alice.address)).not.to.emit(sys.venue, "Unfrozen");
    });

    it("does not freeze the account again when it renews at the maintenance tier, and lends to it", async function () {
      const renewal = await proveStatement(sys, {
        account: sys.alice.address, roundId: round2, claim: 1n, nonce: 4n, ratioBps: MAINTENANCE_RATIO_BPS, publicLiability: 0n, attestedAt: await now(sys),
      });
      await (await sys.gate.connect(sys.alice).getFunction("proveSolvency")(renewal.proof, renewal.basis, MAINTENANCE)).wait();
      expect((await sys.gate.getFunction("accountState")(sys.alice.address)).tier).to.equal(BigInt(MAINTENANCE));
      expect(await sys.venue.getFunction("isFrozen")(sys.alice.address)).to.equal(false);
      const borrow = await proveStatement(sys, {
        account: sys.alice.address, roundId: round2, claim: 1n, nonce: 5n, ratioBps: INITIAL_RATIO_BPS, publicLiability: CREDIT * LIABILITY_FACTOR, attestedAt: await now(sys),
      });
      await expect(sys.venue.connect(sys.alice).getFunction("borrow")(CREDIT, borrow.proof, borrow.basis))
        .to.emit(sys.venue, "Borrowed").withArgs(sys.alice.address, CREDIT, CREDIT);
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

  describe("a borrow unfreezes a liquidated account", function () {
    it("accepts a frozen account's borrow with a fresh initial-tier proof and unfreezes it", async function () {
      const sys = await deployTestSystem();
      await (await sys.venue.connect(sys.bob).getFunction("deposit")(DEPOSIT)).wait();
      const t = await now(sys);
      const base = { account: sys.bob.address, roundId: 1n, publicLiability: BORROW * LIABILITY_FACTOR, attestedAt: t };
      const first = await proveStatement(sys, { ...base, claim: 1n, nonce: 1n, ratioBps: INITIAL_RATIO_BPS });
      const insolvency = await proveStatement(sys, { ...base, claim: 0n, nonce: 1n, ratioBps: MAINTENANCE_RATIO_BPS, portfolio: POOR });
      await (await sys.venue.connect(sys.bob).getFunction("borrow")(BORROW, first.proof, first.basis)).wait();
      await (await sys.gate.connect(sys.keeper).getFunction("proveInsolvency")(sys.bob.address, insolvency.proof, insolvency.basis)).wait();
      await (await sys.venue.connect(sys.keeper).getFunction("liquidate")(sys.bob.address)).wait();
      expect(await sys.venue.getFunction("isFrozen")(sys.bob.address)).to.equal(true);

      // Clearing the insolvency needs a strictly newer attestation: a later one, on the same round.
      await sys.helpers.time.increase(10);
      const again = await proveStatement(sys, {
        ...base, attestedAt: await now(sys), claim: 1n, nonce: 2n, ratioBps: INITIAL_RATIO_BPS,
      });
      await expect(sys.venue.connect(sys.bob).getFunction("borrow")(BORROW, again.proof, again.basis))
        .to.emit(sys.venue, "Unfrozen").withArgs(sys.bob.address)
        .and.to.emit(sys.venue, "Borrowed").withArgs(sys.bob.address, BORROW, BORROW);
      expect(await sys.venue.getFunction("isFrozen")(sys.bob.address)).to.equal(false);
      expect(await sys.gate.getFunction("isInsolvent")(sys.bob.address)).to.equal(false);
    });
  });

  describe("third-party repayments do not void proofs in flight", function () {
    let sys: TestSystem;

    before(async function () {
      sys = await deployTestSystem();
      await (await sys.credit.getFunction("mint")(sys.keeper.address, 10n * CREDIT)).wait();
      await (await sys.credit.connect(sys.keeper).getFunction("approve")(await sys.venue.getAddress(), 2n ** 255n)).wait();
      const first = await proveStatement(sys, {
        account: sys.bob.address, roundId: 1n, claim: 1n, nonce: 1n, ratioBps: INITIAL_RATIO_BPS, publicLiability: BORROW * LIABILITY_FACTOR, attestedAt: await now(sys),
      });
      await (await sys.venue.connect(sys.bob).getFunction("borrow")(BORROW, first.proof, first.basis)).wait();
    });

    it("accepts an honest renewal stating the debt after anyone repaid 1 wei of it", async function () {
      const renewal = await proveStatement(sys, {
        account: sys.bob.address, roundId: 1n, claim: 1n, nonce: 2n, ratioBps: MAINTENANCE_RATIO_BPS, publicLiability: BORROW * LIABILITY_FACTOR, attestedAt: await now(sys),
      });
      await expect(sys.venue.connect(sys.keeper).getFunction("repay")(sys.bob.address, 1n))
        .to.emit(sys.venue, "Repaid").withArgs(sys.bob.address, sys.keeper.address, 1n, BORROW - 1n);
      expect(await sys.venue.getFunction("liabilityOf")(sys.bob.address)).to.equal((BORROW - 1n) * LIABILITY_FACTOR);
      await expect(sys.gate.connect(sys.bob).getFunction("proveSolvency")(renewal.proof, renewal.basis, MAINTENANCE))
        .to.emit(sys.gate, "SolvencyProven");
      expect(await sys.gate.getFunction("isSolvent")(sys.bob.address, MAINTENANCE)).to.equal(true);
    });

    it("accepts an honest borrow stating debt + amount after anyone repaid 1 wei of the debt", async function () {
      const debt = (BORROW - 1n) * LIABILITY_FACTOR;
      const borrow = await proveStatement(sys, {
        account: sys.bob.address, roundId: 1n, claim: 1n, nonce: 3n, ratioBps: INITIAL_RATIO_BPS, publicLiability: debt + CREDIT * LIABILITY_FACTOR, attestedAt: await now(sys),
      });
      await (await sys.venue.connect(sys.keeper).getFunction("repay")(sys.bob.address, 1n)).wait();
      await expect(sys.venue.connect(sys.bob).getFunction("borrow")(CREDIT, borrow.proof, borrow.basis))
        .to.emit(sys.venue, "Borrowed").withArgs(sys.bob.address, CREDIT, BORROW - 2n + CREDIT);
    });

    it("still refuses a solvency proof stating less than the debt", async function () {
      const debt = (BORROW - 2n + CREDIT) * LIABILITY_FACTOR;
      const under = await proveStatement(sys, {
        account: sys.bob.address, roundId: 1n, claim: 1n, nonce: 4n, ratioBps: MAINTENANCE_RATIO_BPS, publicLiability: debt - 1n, attestedAt: await now(sys),
      });
      await expect(sys.gate.connect(sys.bob).getFunction("proveSolvency")(under.proof, under.basis, MAINTENANCE))
        .to.be.revertedWithCustomError(sys.gate, "LiabilityBelowDebt").withArgs(debt - 1n, debt);
    });
  });

  describe("liquidation by an insolvency proof", function () {
    let sys: TestSystem;
    let insolvency: ProofBundle; // bob, the portfolio he now holds, claim 0 at the maintenance ratio
    let aliceInsolvency: ProofBundle; // the same for alice, who owes nothing
    let t: bigint;

    before(async function () {
      sys = await deployTestSystem();
      await (await sys.venue.connect(sys.bob).getFunction("deposit")(DEPOSIT)).wait();
      t = await now(sys);
      const base = { account: sys.bob.address, roundId: 1n, publicLiability: BORROW * LIABILITY_FACTOR, attestedAt: t };
      const borrowProof = await proveStatement(sys, { ...base, claim: 1n, nonce: 1n, ratioBps: INITIAL_RATIO_BPS });
      insolvency = await proveStatement(sys, { ...base, claim: 0n, nonce: 1n, ratioBps: MAINTENANCE_RATIO_BPS, portfolio: POOR });
      aliceInsolvency = await proveStatement(sys, { ...base, account: sys.alice.address, claim: 0n, nonce: 1n, ratioBps: MAINTENANCE_RATIO_BPS, portfolio: POOR });
      await (await sys.venue.connect(sys.bob).getFunction("borrow")(BORROW, borrowProof.proof, borrowProof.basis)).wait();
    });

    it("does not let a keeper liquidate a current, solvent account", async function () {
      expect(await sys.venue.getFunction("liquidationReason")(sys.bob.address)).to.equal(0n);
      await expect(sys.venue.connect(sys.keeper).getFunction("liquidate")(sys.bob.address)).to.be.revertedWithCustomError(sys.venue, "NotLiquidatable");
    });

    it("refuses an insolvency proof posted for another account, and one stating more than the account's debt", async function () {
      await expect(sys.gate.connect(sys.keeper).getFunction("proveInsolvency")(sys.bob.address, aliceInsolvency.proof, aliceInsolvency.basis))
        .to.be.revertedWithCustomError(sys.gate, "InvalidProof");
      await expect(sys.gate.connect(sys.keeper).getFunction("proveInsolvency")(sys.alice.address, aliceInsolvency.proof, aliceInsolvency.basis))
        .to.be.revertedWithCustomError(sys.gate, "LiabilityAboveDebt").withArgs(BORROW * LIABILITY_FACTOR, 0n);
    });

    it("refuses a nonce other than the next one", async function () {
      await expect(sys.gate.connect(sys.keeper).getFunction("proveInsolvency")(sys.bob.address, insolvency.proof, { ...insolvency.basis, nonce: 2n }))
        .to.be.revertedWithCustomError(sys.gate, "NonceNotNext").withArgs(2n, 1n);
    });

    it("accepts an insolvency proof from anyone and marks the account insolvent", async function () {
      await expect(sys.gate.connect(sys.keeper).getFunction("proveInsolvency")(sys.bob.address, insolvency.proof, insolvency.basis))
        .to.emit(sys.gate, "InsolvencyProven")
        .withArgs(sys.bob.address, 1n, 1n, sys.keeper.address, MAINTENANCE_RATIO_BPS, 1n, t, BORROW * LIABILITY_FACTOR);
      expect(await sys.gate.getFunction("isInsolvent")(sys.bob.address)).to.equal(true);
      expect(await sys.gate.getFunction("isSolvent")(sys.bob.address, 1)).to.equal(false);
      await expect(sys.gate.connect(sys.keeper).getFunction("proveInsolvency")(sys.bob.address, insolvency.proof, insolvency.basis))
        .to.be.revertedWithCustomError(sys.gate, "NonceNotNext").withArgs(1n, 2n);
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
