/**
 * SolvencyGate with real Groth16 proofs of Solvency_4x2: what it accepts and records, and every way a
 * proof that verifies for some statement is refused for another (account, chain, gate, round, parameters,
 * attester, attestation time, ratio, nonce). Each distinct statement is proved once, in `before`.
 */
import { expect } from "chai";
import { attesterPublicKey } from "../../prover/attestation.ts";
import { attesterBinding } from "../../prover/commitments.ts";
import { deploy, registerAttester } from "../../verifier/contracts.ts";
import { ATTESTER_SECRET, OTHER_SECRET } from "../helpers/fixtures.ts";
import {
  CONFIG, INITIAL_RATIO_BPS, MAINTENANCE_RATIO_BPS, MARKS, PRICES, deployTestSystem, now, proveStatement, publishPrices, releaseProver,
  type ProofBundle, type TestSystem,
} from "../helpers/system.ts";

const MAINTENANCE = 1;
const INITIAL = 2;

describe("contracts: SolvencyGate with real proofs", function () {
  let sys: TestSystem;
  let t0: bigint;
  let future: ProofBundle; // alice, round 1, nonce 1, initial ratio, attested 30 s ahead of t0
  let second: ProofBundle; // alice, round 1, nonce 2, initial ratio
  let otherChain: ProofBundle; // alice, round 1, nonce 3, attested for chain id 1
  let round2: ProofBundle; // alice, round 2, nonce 4, maintenance ratio

  const submit = (p: ProofBundle, from = sys.alice, opts: { roundId?: bigint; attesterId?: bigint; tier?: number; nonce?: bigint } = {}) => {
    const st = p.result.signals;
    const attestedAt = (st.statement >> 192n) & (2n ** 40n - 1n);
    const nonce = opts.nonce ?? (st.statement >> 160n) & (2n ** 32n - 1n);
    const ratio = (st.statement >> 232n) & 0xffffn;
    const tier = opts.tier ?? (ratio === INITIAL_RATIO_BPS ? INITIAL : MAINTENANCE);
    return sys.gate.connect(from).getFunction("proveSolvency")(p.proof, opts.roundId ?? 1n, opts.attesterId ?? sys.attesterId, attestedAt, nonce, tier);
  };

  before(async function () {
    sys = await deployTestSystem();
    t0 = await now(sys);
    const base = { account: sys.alice.address, roundId: 1n, claim: 1n as const, publicLiability: 0n };
    future = await proveStatement(sys, { ...base, nonce: 1n, ratioBps: INITIAL_RATIO_BPS, attestedAt: t0 + 30n });
    second = await proveStatement(sys, { ...base, nonce: 2n, ratioBps: INITIAL_RATIO_BPS, attestedAt: t0 });
    otherChain = await proveStatement(sys, { ...base, nonce: 3n, ratioBps: INITIAL_RATIO_BPS, attestedAt: t0, domain: { ...sys.domain, chainId: 1n } });
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

  it("accepts a solvency proof and records nonce, round, tier and validity in the account's slot", async function () {
    await sys.helpers.time.setNextBlockTimestamp(t0 + 31n);
    await expect(submit(future))
      .to.emit(sys.gate, "SolvencyProven")
      .withArgs(sys.alice.address, 1n, sys.attesterId, INITIAL, INITIAL_RATIO_BPS, 1n, 0n, sys.round.round.timestamp + 3600n);
    const st = await sys.gate.getFunction("accountState")(sys.alice.address);
    expect(st.solvencyNonce).to.equal(1n);
    expect(st.round).to.equal(1n);
    expect(st.tier).to.equal(BigInt(INITIAL));
    expect(st.validUntil).to.equal(sys.round.round.timestamp + 3600n);
    expect(st.provenAt).to.equal(t0 + 31n);
    expect(st.insolvent).to.equal(false);
    expect(await sys.gate.getFunction("isSolvent")(sys.alice.address, INITIAL)).to.equal(true);
    expect(await sys.gate.getFunction("isSolvent")(sys.bob.address, MAINTENANCE)).to.equal(false);
  });

  it("rejects the same proof replayed with the same nonce", async function () {
    await expect(submit(future)).to.be.revertedWithCustomError(sys.gate, "NonceNotIncreasing").withArgs(1n, 1n);
  });

  it("rejects alice's proof submitted by bob (front-running): the statement names alice", async function () {
    await expect(submit(second, sys.bob)).to.be.revertedWithCustomError(sys.gate, "InvalidProof");
  });

  it("rejects a proof at the other tier's ratio", async function () {
    await expect(submit(second, sys.alice, { tier: MAINTENANCE })).to.be.revertedWithCustomError(sys.gate, "InvalidProof");
    await expect(submit(second, sys.alice, { tier: 0 })).to.be.revertedWithCustomError(sys.gate, "InvalidTier").withArgs(0);
  });

  it("rejects a tampered proof and a proof with an out-of-range coordinate", async function () {
    const negated = { ...second.proof, a: [second.proof.a[0], FIELD_Q - second.proof.a[1]] };
    await expect(sys.gate.connect(sys.alice).getFunction("proveSolvency")(negated, 1n, sys.attesterId, t0, 2n, INITIAL))
      .to.be.revertedWithCustomError(sys.gate, "InvalidProof");
    const outside = { ...second.proof, c: [second.proof.c[0] + FIELD_Q, second.proof.c[1]] };
    await expect(sys.gate.connect(sys.alice).getFunction("proveSolvency")(outside, 1n, sys.attesterId, t0, 2n, INITIAL))
      .to.be.revertedWithCustomError(sys.gate, "InvalidProof");
  });

  it("rejects a proof made for another chain", async function () {
    await expect(submit(otherChain)).to.be.revertedWithCustomError(sys.gate, "InvalidProof");
  });

  it("rejects a proof made for another gate (same chain, oracle and attester key)", async function () {
    const gate2 = await deploy("SolvencyGate", sys.admin, [
      sys.admin.address, await sys.verifier.getAddress(), await sys.oracle.getAddress(), await sys.poseidon5.getAddress(), 3600, 86400,
    ]);
    await (await gate2.getFunction("setVenue")(await sys.venue.getAddress())).wait();
    const key = attesterPublicKey(ATTESTER_SECRET);
    const { attesterId, binding } = await registerAttester(gate2, key);
    expect(binding).to.equal(attesterBinding(key, { chainId: sys.domain.chainId, gate: BigInt(await gate2.getAddress()) }));
    expect(binding).to.not.equal(second.signals.attesterBinding);
    await expect(gate2.connect(sys.alice).getFunction("proveSolvency")(second.proof, 1n, attesterId, t0, 2n, INITIAL))
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
    await (await sys.gate.getFunction("rotateAttester")(sys.attesterId, other.Ax, other.Ay)).wait();
    await expect(submit(second)).to.be.revertedWithCustomError(sys.gate, "AttesterIsRevoked").withArgs(sys.attesterId);
    await expect(submit(second, sys.alice, { attesterId: sys.attesterId + 1n })).to.be.revertedWithCustomError(sys.gate, "InvalidProof");
    await snap.restore();
  });

  it("rejects an attestation older than maxAttestationAge", async function () {
    const snap = await sys.helpers.takeSnapshot();
    await (await sys.gate.getFunction("setMaxAges")(3600, 10)).wait();
    await expect(submit(second)).to.be.revertedWithCustomError(sys.gate, "AttestationTooOld").withArgs(t0, 10);
    await snap.restore();
  });

  it("rejects a nonce outside 32 bits before verifying", async function () {
    await expect(submit(second, sys.alice, { nonce: 2n ** 32n })).to.be.revertedWithCustomError(sys.gate, "NonceOutOfRange").withArgs(2n ** 32n);
  });

  it("accepts a later nonce, then refuses any proof for a round older than the one recorded", async function () {
    await expect(submit(second)).to.emit(sys.gate, "SolvencyProven");
    const r2 = await publishPrices(sys.oracle, await now(sys));
    round2 = await proveStatement(sys, {
      account: sys.alice.address, roundId: r2.round.roundId, claim: 1n, publicLiability: 0n, nonce: 4n,
      ratioBps: MAINTENANCE_RATIO_BPS, attestedAt: await now(sys),
    });
    await expect(submit(round2, sys.alice, { roundId: r2.round.roundId }))
      .to.emit(sys.gate, "SolvencyProven")
      .withArgs(sys.alice.address, r2.round.roundId, sys.attesterId, MAINTENANCE, MAINTENANCE_RATIO_BPS, 4n, 0n, r2.round.timestamp + 3600n);
    expect(await sys.gate.getFunction("isSolvent")(sys.alice.address, INITIAL)).to.equal(false);
    expect(await sys.gate.getFunction("isSolvent")(sys.alice.address, MAINTENANCE)).to.equal(true);
    await expect(submit(otherChain, sys.alice, { nonce: 5n })).to.be.revertedWithCustomError(sys.gate, "RoundOlderThanRecorded").withArgs(1n, 2n);
  });

  it("only the venue may verify with extra liability, and only governors govern", async function () {
    const g = sys.gate;
    await expect(g.connect(sys.alice).getFunction("proveSolvencyFor")(sys.alice.address, 0n, second.proof, 1n, 1n, t0, 9n, INITIAL))
      .to.be.revertedWithCustomError(g, "NotVenue").withArgs(sys.alice.address);
    await expect(g.getFunction("setVenue")(sys.alice.address)).to.be.revertedWithCustomError(g, "VenueAlreadySet");
    for (const call of [g.connect(sys.alice).getFunction("registerAttester")(1n, 1n), g.connect(sys.alice).getFunction("revokeAttester")(1n), g.connect(sys.alice).getFunction("setMaxAges")(1, 1)]) {
      await expect(call).to.be.revertedWithCustomError(g, "AccessControlUnauthorizedAccount");
    }
    await expect(g.getFunction("setMaxAges")(0, 1)).to.be.revertedWithCustomError(g, "ZeroAge");
  });
});

/** BN254 base field modulus (proof coordinates live here, not in the scalar field of the signals). */
const FIELD_Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
