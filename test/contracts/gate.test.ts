/**
 * SolvencyGate with real Groth16 proofs of Solvency_4x2: what it accepts and records, and every way a
 * proof that verifies for some statement is refused for another (account, chain, gate, round, parameters,
 * attester, attestation time and expiry, ratio, nonce). Each distinct statement is proved once, in `before`.
 */
import { expect } from "chai";
import { attesterPublicKey } from "../../prover/attestation.ts";
import { attesterBinding } from "../../prover/commitments.ts";
import { deploy, registerAttester } from "../../verifier/contracts.ts";
import { ATTESTER_SECRET, OTHER_SECRET } from "../helpers/fixtures.ts";
import {
  CONFIG, INITIAL_RATIO_BPS, MAINTENANCE_RATIO_BPS, MARKS, PRICES, deployTestSystem, now, proveStatement, publishPrices, releaseProver,
  type Basis, type ProofBundle, type TestSystem,
} from "../helpers/system.ts";

const MAINTENANCE = 1;
const INITIAL = 2;

describe("contracts: SolvencyGate with real proofs", function () {
  let sys: TestSystem;
  let t0: bigint;
  let future: ProofBundle; // alice, round 1, nonce 1, initial ratio, attested 30 s ahead of t0
  let second: ProofBundle; // alice, round 1, nonce 2, initial ratio, same attestation time
  let otherChain: ProofBundle; // alice, round 1, nonce 2, attested for chain id 1
  let round2: ProofBundle; // alice, round 2, nonce 4, maintenance ratio

  const submit = (p: ProofBundle, from = sys.alice, opts: Partial<Basis> & { tier?: number } = {}) => {
    const ratio = (p.signals.statement >> 232n) & 0xffffn;
    const { tier = ratio === INITIAL_RATIO_BPS ? INITIAL : MAINTENANCE, ...basis } = opts;
    return sys.gate.connect(from).getFunction("proveSolvency")(p.proof, { ...p.basis, ...basis }, tier);
  };

  before(async function () {
    sys = await deployTestSystem();
    t0 = await now(sys);
    const base = { account: sys.alice.address, roundId: 1n, claim: 1n as const, publicLiability: 0n };
    future = await proveStatement(sys, { ...base, nonce: 1n, ratioBps: INITIAL_RATIO_BPS, attestedAt: t0 + 30n });
    second = await proveStatement(sys, { ...base, nonce: 2n, ratioBps: INITIAL_RATIO_BPS, attestedAt: t0 + 30n });
    otherChain = await proveStatement(sys, { ...base, nonce: 2n, ratioBps: INITIAL_RATIO_BPS, attestedAt: t0 + 30n, domain: { ...sys.domain, chainId: 1n } });
  });

  after(releaseProver);

  it("the circuit's context and binding are the ones the oracle and the gate stored", async function () {
    expect(future.signals.context).to.equal(sys.round.context);
    const [context] = await sys.oracle.getFunction("round")(1n);
    expect(future.signals.context).to.equal(context);
    expect(future.signals.attesterBinding).to.equal(await sys.gate.getFunction("attesterBinding")(sys.attesterId));
  });

  it("refuses an attestation dated in the future", async function () {
    await expect(submit(future)).to.be.revertedWithCustomError(sys.gate, "AttestationFromFuture");
  });

  it("accepts a solvency proof and records nonce, round, risk version, attester, attestation and validity in the account's slot", async function () {
    await sys.helpers.time.setNextBlockTimestamp(t0 + 31n);
    await expect(submit(future))
      .to.emit(sys.gate, "SolvencyProven")
      .withArgs(sys.alice.address, 1n, sys.attesterId, INITIAL, INITIAL_RATIO_BPS, 1n, t0 + 30n, 0n, sys.round.round.timestamp + 3600n);
    const st = await sys.gate.getFunction("accountState")(sys.alice.address);
    expect(st.solvencyNonce).to.equal(1n);
    expect(st.round).to.equal(1n);
    expect(st.riskVersion).to.equal(1n);
    expect(st.attesterId).to.equal(sys.attesterId);
    expect(st.attestedAt).to.equal(t0 + 30n);
    expect(st.tier).to.equal(BigInt(INITIAL));
    expect(st.validUntil).to.equal(sys.round.round.timestamp + 3600n);
    expect(st.insolvent).to.equal(false);
    expect(await sys.gate.getFunction("isSolvent")(sys.alice.address, INITIAL)).to.equal(true);
    expect(await sys.gate.getFunction("isSolvent")(sys.bob.address, MAINTENANCE)).to.equal(false);
  });

  it("rejects the same proof replayed with the same nonce", async function () {
    await expect(submit(future)).to.be.revertedWithCustomError(sys.gate, "NonceNotNext").withArgs(1n, 2n);
  });

  it("rejects alice's proof submitted by bob (front-running): the statement names alice", async function () {
    await expect(submit(second, sys.bob, { nonce: 1n })).to.be.revertedWithCustomError(sys.gate, "InvalidProof");
  });

  it("rejects a proof at the other tier's ratio", async function () {
    await expect(submit(second, sys.alice, { tier: MAINTENANCE })).to.be.revertedWithCustomError(sys.gate, "InvalidProof");
    await expect(submit(second, sys.alice, { tier: 0 })).to.be.revertedWithCustomError(sys.gate, "InvalidTier").withArgs(0);
  });

  it("rejects a tampered proof and a proof with an out-of-range coordinate", async function () {
    const negated = { ...second.proof, a: [second.proof.a[0], FIELD_Q - second.proof.a[1]] };
    await expect(sys.gate.connect(sys.alice).getFunction("proveSolvency")(negated, second.basis, INITIAL))
      .to.be.revertedWithCustomError(sys.gate, "InvalidProof");
    const outside = { ...second.proof, c: [second.proof.c[0] + FIELD_Q, second.proof.c[1]] };
    await expect(sys.gate.connect(sys.alice).getFunction("proveSolvency")(outside, second.basis, INITIAL))
      .to.be.revertedWithCustomError(sys.gate, "InvalidProof");
  });

  it("rejects a proof made for another chain", async function () {
    await expect(submit(otherChain)).to.be.revertedWithCustomError(sys.gate, "InvalidProof");
  });

  it("rejects a proof made for another gate (same chain, oracle and attester key)", async function () {
    const gate2 = await deploy("SolvencyGate", sys.admin, [
      sys.admin.address, await sys.verifier.getAddress(), await sys.oracle.getAddress(), await sys.poseidon5.getAddress(), 3600, 86400, 300,
    ]);
    await (await gate2.getFunction("setVenue")(await sys.venue.getAddress())).wait();
    const key = attesterPublicKey(ATTESTER_SECRET);
    const { attesterId, binding } = await registerAttester(gate2, key);
    expect(binding).to.equal(attesterBinding(key, { chainId: sys.domain.chainId, gate: BigInt(await gate2.getAddress()) }));
    expect(binding).to.not.equal(second.signals.attesterBinding);
    await expect(gate2.connect(sys.alice).getFunction("proveSolvency")(second.proof, { ...second.basis, attesterId, nonce: 1n }, INITIAL))
      .to.be.revertedWithCustomError(gate2, "InvalidProof");
  });

  it("rejects an unknown round", async function () {
    await expect(submit(second, sys.alice, { roundId: 99n })).to.be.revertedWithCustomError(sys.gate, "UnknownRound").withArgs(99n);
  });

  it("rejects a stale round", async function () {
    const snap = await sys.helpers.takeSnapshot();
    await sys.helpers.time.setNextBlockTimestamp(sys.round.round.timestamp + 3601n);
    await expect(submit(second)).to.be.revertedWithCustomError(sys.gate, "StaleRound").withArgs(1n, sys.round.round.timestamp, 3600);
    await snap.restore();
  });

  it("rejects a round published under risk parameters that were updated since", async function () {
    const snap = await sys.helpers.takeSnapshot();
    await (await sys.registry.getFunction("setAsset")(0, { ...CONFIG.assets[0], collateralWeightBps: 7000 })).wait();
    await expect(submit(second)).to.be.revertedWithCustomError(sys.gate, "StaleRiskParameters").withArgs(1n, 1n, 2n);
    await snap.restore();
  });

  it("rejects an unknown attester, a revoked one and a rotated-out one", async function () {
    await expect(submit(second, sys.alice, { attesterId: 7n })).to.be.revertedWithCustomError(sys.gate, "UnknownAttester").withArgs(7n);
    const snap = await sys.helpers.takeSnapshot();
    await expect(sys.gate.getFunction("revokeAttester")(sys.attesterId)).to.emit(sys.gate, "AttesterRevoked").withArgs(sys.attesterId);
    await expect(submit(second)).to.be.revertedWithCustomError(sys.gate, "AttesterIsRevoked").withArgs(sys.attesterId);
    await snap.restore();
    const other = attesterPublicKey(OTHER_SECRET);
    await (await sys.gate.getFunction("rotateAttester")(sys.attesterId, other.Ax, other.Ay, sys.admin.address)).wait();
    await expect(submit(second)).to.be.revertedWithCustomError(sys.gate, "AttesterIsRevoked").withArgs(sys.attesterId);
    await expect(submit(second, sys.alice, { attesterId: sys.attesterId + 1n })).to.be.revertedWithCustomError(sys.gate, "InvalidProof");
    await snap.restore();
  });

  it("rejects an attestation older than maxAttestationAge", async function () {
    const snap = await sys.helpers.takeSnapshot();
    await (await sys.gate.getFunction("setMaxAges")(3600, 10, 300)).wait();
    await sys.helpers.time.increase(60);
    await expect(submit(second)).to.be.revertedWithCustomError(sys.gate, "AttestationTooOld").withArgs(t0 + 30n, 10);
    await snap.restore();
  });

  it("refuses any nonce but the next one: none can be skipped, so none can be burned", async function () {
    for (const nonce of [0n, 1n, 3n, 2n ** 32n - 1n, 2n ** 32n]) {
      await expect(submit(second, sys.alice, { nonce })).to.be.revertedWithCustomError(sys.gate, "NonceNotNext").withArgs(nonce, 2n);
    }
  });

  it("accepts a later nonce, then refuses any proof for a round older than the one recorded", async function () {
    await expect(submit(second)).to.emit(sys.gate, "SolvencyProven");
    const r2 = await publishPrices(sys.oracle, await now(sys));
    const attestedAt = await now(sys);
    round2 = await proveStatement(sys, {
      account: sys.alice.address, roundId: r2.round.roundId, claim: 1n, publicLiability: 0n, nonce: 3n,
      ratioBps: MAINTENANCE_RATIO_BPS, attestedAt,
    });
    await expect(submit(round2))
      .to.emit(sys.gate, "SolvencyProven")
      .withArgs(sys.alice.address, r2.round.roundId, sys.attesterId, MAINTENANCE, MAINTENANCE_RATIO_BPS, 3n, attestedAt, 0n, r2.round.timestamp + 3600n);
    expect(await sys.gate.getFunction("isSolvent")(sys.alice.address, INITIAL)).to.equal(false);
    expect(await sys.gate.getFunction("isSolvent")(sys.alice.address, MAINTENANCE)).to.equal(true);
    await expect(submit(otherChain, sys.alice, { nonce: 4n, attestedAt })).to.be.revertedWithCustomError(sys.gate, "RoundOlderThanRecorded").withArgs(1n, 2n);
  });

  it("only the venue may verify with extra liability, and only governors govern", async function () {
    const g = sys.gate;
    await expect(g.connect(sys.alice).getFunction("proveSolvencyFor")(sys.alice.address, 0n, second.proof, second.basis, INITIAL))
      .to.be.revertedWithCustomError(g, "NotVenue").withArgs(sys.alice.address);
    await expect(g.getFunction("setVenue")(sys.alice.address)).to.be.revertedWithCustomError(g, "VenueAlreadySet");
    for (const call of [
      g.connect(sys.alice).getFunction("registerAttester")(1n, 1n, sys.alice.address),
      g.connect(sys.alice).getFunction("revokeAttester")(1n),
      g.connect(sys.alice).getFunction("setMaxAges")(1, 1, 0),
    ]) {
      await expect(call).to.be.revertedWithCustomError(g, "AccessControlUnauthorizedAccount");
    }
  });

  it("bounds the governed ages so that no expiry is truncated", async function () {
    const g = sys.gate;
    const limit = (await g.getFunction("MAX_AGE_LIMIT")()) as bigint;
    expect(limit).to.equal(180n * 86400n);
    await expect(g.getFunction("setMaxAges")(0, 1, 0)).to.be.revertedWithCustomError(g, "AgeOutOfRange").withArgs(0, 1, 0);
    await expect(g.getFunction("setMaxAges")(3600, 0, 0)).to.be.revertedWithCustomError(g, "AgeOutOfRange");
    await expect(g.getFunction("setMaxAges")(limit + 1n, 86400, 0)).to.be.revertedWithCustomError(g, "AgeOutOfRange");
    await expect(g.getFunction("setMaxAges")(3600, 2n ** 32n - 1n, 0)).to.be.revertedWithCustomError(g, "AgeOutOfRange");
    await expect(g.getFunction("setMaxAges")(3600, 86400, 3601)).to.be.revertedWithCustomError(g, "AgeOutOfRange");
    const snap = await sys.helpers.takeSnapshot();
    await expect(g.getFunction("setMaxAges")(limit, limit, 300)).to.emit(g, "MaxAgesSet").withArgs(limit, limit, 300);
    await snap.restore();
  });
});

/** BN254 base field modulus (proof coordinates live here, not in the scalar field of the signals). */
const FIELD_Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
