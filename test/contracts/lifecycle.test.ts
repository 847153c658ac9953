/**
 * The proof lifecycle over time, with real Solvency_4x2 proofs: attestation ordering, liens (signed
 * expiry and attester floors), nonces that cannot be burned, liabilities that are not a griefing lever,
 * and records that stop counting when what they rest on is withdrawn (risk parameters, attester, floor).
 * Each test names the attack or finding it refuses.
 */
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { attesterPublicKey } from "../../prover/attestation.ts";
import { FIELD } from "../../prover/spec.ts";
import { OTHER_SECRET } from "../helpers/fixtures.ts";
import {
  CONFIG, CREDIT, INITIAL_RATIO_BPS, LIABILITY_FACTOR, MAINTENANCE_RATIO_BPS, POOR, RICH,
  deployTestSystem, now, proveStatement, publishPrices, releaseProver, type ProofBundle, type TestSystem,
} from "../helpers/system.ts";

const MAINTENANCE = 1;
const INITIAL = 2;
const BORROW = 5000n * CREDIT;
const DEBT = BORROW * LIABILITY_FACTOR;

describe("contracts: the proof lifecycle over time (real proofs)", function () {
  let sys: TestSystem;

  const solvency = (p: ProofBundle, from: HardhatEthersSigner, tier = INITIAL, over: Partial<ProofBundle["basis"]> = {}) =>
    sys.gate.connect(from).getFunction("proveSolvency")(p.proof, { ...p.basis, ...over }, tier);
  const insolvency = (p: ProofBundle, account: string, from: HardhatEthersSigner = sys.keeper, over: Partial<ProofBundle["basis"]> = {}) =>
    sys.gate.connect(from).getFunction("proveInsolvency")(account, p.proof, { ...p.basis, ...over });
  const borrow = (p: ProofBundle, from: HardhatEthersSigner, amount = BORROW) =>
    sys.venue.connect(from).getFunction("borrow")(amount, p.proof, p.basis);
  const state = (who: string) => sys.gate.getFunction("accountState")(who);
  const solvent = (who: string, tier = INITIAL) => sys.gate.getFunction("isSolvent")(who, tier) as Promise<boolean>;
  const roundId = () => sys.oracle.getFunction("lastRoundId")() as Promise<bigint>;

  /** An account that borrowed BORROW against RICH attested at `attestedAt` (its solvency nonce is then 1). */
  async function borrower(who: HardhatEthersSigner, attestedAt: bigint): Promise<void> {
    const p = await proveStatement(sys, {
      account: who.address, roundId: await roundId(), nonce: 1n, claim: 1n, ratioBps: INITIAL_RATIO_BPS,
      publicLiability: DEBT, attestedAt, portfolio: RICH,
    });
    await (await borrow(p, who)).wait();
  }

  const insolvencyProof = async (who: string, attestedAt: bigint, nonce = 1n, publicLiability = DEBT) =>
    proveStatement(sys, {
      account: who, roundId: await roundId(), nonce, claim: 0n, ratioBps: MAINTENANCE_RATIO_BPS, publicLiability, attestedAt, portfolio: POOR,
    });
  const solvencyProof = async (who: string, attestedAt: bigint, nonce: bigint, extra: { expiresAt?: bigint; ratioBps?: bigint } = {}) =>
    proveStatement(sys, {
      account: who, roundId: await roundId(), nonce, claim: 1n, ratioBps: extra.ratioBps ?? INITIAL_RATIO_BPS,
      publicLiability: DEBT, attestedAt, portfolio: RICH, expiresAt: extra.expiresAt,
    });

  beforeEach(async function () {
    sys = await deployTestSystem();
  });
  after(releaseProver);

  it("attack 1: an older, richer attestation cannot clear an insolvency; only a strictly newer one can", async function () {
    const t1 = await now(sys);
    await borrower(sys.alice, t1);
    await sys.helpers.time.increase(60);
    const t2 = await now(sys);
    // The custodian attests the poorer portfolio at t2 and posts the insolvency proof.
    await expect(insolvency(await insolvencyProof(sys.alice.address, t2), sys.alice.address)).to.emit(sys.gate, "InsolvencyProven");
    expect((await state(sys.alice.address)).attestedAt).to.equal(t2);
    // The account answers with its richer attestation from t1: refused.
    const stale = await solvencyProof(sys.alice.address, t1, 2n);
    await expect(solvency(stale, sys.alice)).to.be.revertedWithCustomError(sys.gate, "AttestationOlderThanRecorded").withArgs(t1, t2);
    expect(await sys.venue.getFunction("liquidationReason")(sys.alice.address)).to.equal(2n);
    // A rich attestation of the same instant as the insolvency's does not clear it either.
    const same = await solvencyProof(sys.alice.address, t2, 2n);
    await expect(solvency(same, sys.alice)).to.be.revertedWithCustomError(sys.gate, "InsolvencyNeedsNewerAttestation").withArgs(t2, t2);
    // A strictly newer attestation does.
    await sys.helpers.time.increase(60);
    const fresh = await solvencyProof(sys.alice.address, (await now(sys)) + 1n, 2n);
    await sys.helpers.time.increase(1);
    await expect(solvency(fresh, sys.alice)).to.emit(sys.gate, "SolvencyProven");
    expect(await sys.gate.getFunction("isInsolvent")(sys.alice.address)).to.equal(false);
  });

  it("attack 2: an insolvency proof resting on an attestation older than the record's is refused", async function () {
    const t1 = await now(sys);
    const old = await insolvencyProof(sys.bob.address, t1);
    await sys.helpers.time.increase(60);
    await borrower(sys.bob, await now(sys));
    const recorded = (await state(sys.bob.address)).attestedAt as bigint;
    await expect(insolvency(old, sys.bob.address)).to.be.revertedWithCustomError(sys.gate, "AttestationOlderThanRecorded").withArgs(t1, recorded);
    expect(await sys.gate.getFunction("isInsolvent")(sys.bob.address)).to.equal(false);
  });

  it("attack 3: the insolvency nonce cannot be burned: only the next nonce is accepted", async function () {
    const t = await now(sys);
    await borrower(sys.alice, t);
    const burn = await insolvencyProof(sys.alice.address, t, 2n ** 32n - 1n);
    await expect(insolvency(burn, sys.alice.address, sys.alice)).to.be.revertedWithCustomError(sys.gate, "NonceNotNext").withArgs(2n ** 32n - 1n, 1n);
    await expect(insolvency(burn, sys.alice.address, sys.alice, { nonce: 1n })).to.be.revertedWithCustomError(sys.gate, "InvalidProof");
    // The attester's proof with the next nonce still lands.
    await expect(insolvency(await insolvencyProof(sys.alice.address, t), sys.alice.address)).to.emit(sys.gate, "InsolvencyProven");
  });

  it("attack 4: repaying one wei voids neither an honest renewal nor the attester's insolvency proof", async function () {
    const t = await now(sys);
    await borrower(sys.alice, t);
    await borrower(sys.bob, t);
    // An honest renewal states the debt it saw; a griefer then repays one wei of it.
    const renewal = await solvencyProof(sys.alice.address, t, 2n, { ratioBps: MAINTENANCE_RATIO_BPS });
    await (await sys.credit.connect(sys.keeper).getFunction("approve")(await sys.venue.getAddress(), 1n)).wait();
    await (await sys.credit.getFunction("mint")(sys.keeper.address, 1n)).wait();
    await (await sys.venue.connect(sys.keeper).getFunction("repay")(sys.alice.address, 1n)).wait();
    await expect(solvency(renewal, sys.alice, MAINTENANCE)).to.emit(sys.gate, "SolvencyProven");
    // The attester states a liability a margin below the debt; the account repays one wei to dodge it.
    const margin = 1000n * CREDIT * LIABILITY_FACTOR;
    const proof = await insolvencyProof(sys.bob.address, t, 1n, DEBT - margin);
    await (await sys.venue.connect(sys.bob).getFunction("repay")(sys.bob.address, 1n)).wait();
    await expect(insolvency(proof, sys.bob.address)).to.emit(sys.gate, "InsolvencyProven");
    // A solvency proof understating the debt, or an insolvency proof overstating it, is refused before verification.
    const under = await proveStatement(sys, {
      account: sys.alice.address, roundId: await roundId(), nonce: 3n, claim: 1n, ratioBps: INITIAL_RATIO_BPS,
      publicLiability: DEBT - 2n * LIABILITY_FACTOR, attestedAt: t, portfolio: RICH,
    });
    await expect(solvency(under, sys.alice)).to.be.revertedWithCustomError(sys.gate, "LiabilityBelowDebt");
    const over = await insolvencyProof(sys.alice.address, t, 1n, DEBT);
    await expect(insolvency(over, sys.alice.address)).to.be.revertedWithCustomError(sys.gate, "LiabilityAboveDebt");
  });

  it("a record never outlives its attestation's signed expiry, and an expired attestation backs no proof", async function () {
    const t = await now(sys);
    const p = await solvencyProof(sys.alice.address, t, 1n, { expiresAt: t + 600n });
    await expect(solvency(p, sys.alice)).to.emit(sys.gate, "SolvencyProven");
    expect((await state(sys.alice.address)).validUntil).to.equal(t + 600n);
    await sys.helpers.time.increaseTo(t + 601n);
    expect(await solvent(sys.alice.address)).to.equal(false);
    const late = await solvencyProof(sys.alice.address, t, 2n, { expiresAt: t + 600n });
    await expect(solvency(late, sys.alice)).to.be.revertedWithCustomError(sys.gate, "AttestationExpired");
    await expect(solvency(late, sys.alice, INITIAL, { expiresAt: 2n ** 40n })).to.be.revertedWithCustomError(sys.gate, "ExpiryOutOfRange");
  });

  it("the attester's operator raises an account's floor: older attestations back nothing, and the record stops counting", async function () {
    const t = await now(sys);
    await expect(solvency(await solvencyProof(sys.alice.address, t, 1n), sys.alice)).to.emit(sys.gate, "SolvencyProven");
    expect(await solvent(sys.alice.address)).to.equal(true);
    const next = await solvencyProof(sys.alice.address, t, 2n);
    await sys.helpers.time.increase(30);
    const floor = t + 10n;
    const gate = sys.gate.connect(sys.bob);
    await expect(gate.getFunction("raiseAttestationFloor")(sys.attesterId, sys.alice.address, floor))
      .to.be.revertedWithCustomError(sys.gate, "NotAttesterOperator").withArgs(sys.attesterId, sys.bob.address);
    await expect(sys.gate.getFunction("raiseAttestationFloor")(sys.attesterId, sys.alice.address, (await now(sys)) + 100n))
      .to.be.revertedWithCustomError(sys.gate, "FloorInFuture");
    await expect(sys.gate.getFunction("raiseAttestationFloor")(sys.attesterId, sys.alice.address, floor))
      .to.emit(sys.gate, "AttestationFloorRaised").withArgs(sys.attesterId, sys.alice.address, floor);
    await expect(sys.gate.getFunction("raiseAttestationFloor")(sys.attesterId, sys.alice.address, floor))
      .to.be.revertedWithCustomError(sys.gate, "FloorNotRaised").withArgs(floor, floor);
    expect(await solvent(sys.alice.address)).to.equal(false);
    expect((await state(sys.alice.address)).validUntil).to.equal(await now(sys));
    await expect(solvency(next, sys.alice)).to.be.revertedWithCustomError(sys.gate, "AttestationBelowFloor").withArgs(t, floor);
  });

  it("a risk-parameter update ends records made under the old parameters; the newest round is re-bound for insolvency proofs", async function () {
    const t = await now(sys);
    await borrower(sys.alice, t);
    expect(await solvent(sys.alice.address)).to.equal(true);
    await (await sys.registry.getFunction("setAsset")(0, { ...CONFIG.assets[0], collateralWeightBps: 0 })).wait();
    expect(await solvent(sys.alice.address)).to.equal(false);
    const id = await roundId();
    const [, , , version] = await sys.oracle.getFunction("round")(id);
    expect(version).to.equal(1n);
    await expect(sys.oracle.getFunction("refreshContext")()).to.emit(sys.oracle, "ContextRefreshed");
    await expect(sys.oracle.getFunction("refreshContext")()).to.be.revertedWithCustomError(sys.oracle, "ContextCurrent");
    // Proven against the refreshed context (the helper reads the registry's current factors).
    await expect(insolvency(await insolvencyProof(sys.alice.address, t), sys.alice.address)).to.emit(sys.gate, "InsolvencyProven");
  });

  it("a revoked attester's records stop counting at once, solvent and insolvent alike", async function () {
    const t = await now(sys);
    await borrower(sys.alice, t);
    await borrower(sys.bob, t);
    await expect(insolvency(await insolvencyProof(sys.bob.address, t), sys.bob.address)).to.emit(sys.gate, "InsolvencyProven");
    expect(await sys.gate.getFunction("isInsolvent")(sys.bob.address)).to.equal(true);
    await (await sys.gate.getFunction("revokeAttester")(sys.attesterId)).wait();
    expect(await solvent(sys.alice.address, MAINTENANCE)).to.equal(false);
    expect(await sys.gate.getFunction("isInsolvent")(sys.bob.address)).to.equal(false);
  });

  it("a proof rests on the newest round, or the previous one only within the round grace", async function () {
    const t = await now(sys);
    const onFirst = await solvencyProof(sys.alice.address, t, 1n);
    await publishPrices(sys.oracle, await now(sys));
    const published = await now(sys);
    // Within the grace the previous round is still good.
    const snap = await sys.helpers.takeSnapshot();
    await expect(solvency(onFirst, sys.alice)).to.emit(sys.gate, "SolvencyProven");
    await snap.restore();
    await sys.helpers.time.increaseTo(published + 301n);
    await expect(solvency(onFirst, sys.alice)).to.be.revertedWithCustomError(sys.gate, "RoundSuperseded").withArgs(1n, published, 300);
    // The round after next ends the grace at once.
    await snap.restore();
    await publishPrices(sys.oracle, await now(sys));
    await expect(solvency(onFirst, sys.alice)).to.be.revertedWithCustomError(sys.gate, "RoundSuperseded").withArgs(1n, 1n, 300);
  });

  it("refuses an attester key outside the prime-order subgroup, and a key registered twice", async function () {
    const key = attesterPublicKey(OTHER_SECRET);
    // The same secret's key plus the point of order two: on the curve, outside the subgroup.
    const twisted = { Ax: FIELD - key.Ax, Ay: FIELD - key.Ay };
    await expect(sys.gate.getFunction("registerAttester")(twisted.Ax, twisted.Ay, sys.admin.address))
      .to.be.revertedWithCustomError(sys.gate, "InvalidAttesterKey").withArgs(twisted.Ax, twisted.Ay);
    await expect(sys.gate.getFunction("registerAttester")(0n, 1n, sys.admin.address)).to.be.revertedWithCustomError(sys.gate, "InvalidAttesterKey");
    await expect(sys.gate.getFunction("registerAttester")(key.Ax, key.Ay + 1n, sys.admin.address)).to.be.revertedWithCustomError(sys.gate, "InvalidAttesterKey");
    // Keys of fresh secrets are in the subgroup; each plus the order-two point is not.
    for (let i = 0; i < 4; i++) {
      const fresh = attesterPublicKey(new Uint8Array(randomBytes(32)));
      await expect(sys.gate.getFunction("registerAttester")(FIELD - fresh.Ax, FIELD - fresh.Ay, sys.admin.address))
        .to.be.revertedWithCustomError(sys.gate, "InvalidAttesterKey");
      await expect(sys.gate.getFunction("registerAttester")(fresh.Ax, fresh.Ay, sys.admin.address)).to.emit(sys.gate, "AttesterRegistered");
    }
    await expect(sys.gate.getFunction("registerAttester")(key.Ax, key.Ay, sys.admin.address)).to.emit(sys.gate, "AttesterRegistered");
    await expect(sys.gate.getFunction("registerAttester")(key.Ax, key.Ay, sys.admin.address))
      .to.be.revertedWithCustomError(sys.gate, "AttesterKeyRegistered").withArgs(sys.attesterId + 5n);
  });
});
