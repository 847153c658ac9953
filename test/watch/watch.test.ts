/**
 * The watch story on a local chain, across several rounds, with all three roles in one watcher and the
 * embedded pool proving: the institution keeps alice's record current round after round; a price crash
 * puts bob (who borrowed against one ETH) under maintenance, so the attester posts his insolvency and the
 * keeper liquidates him; alerts say when a margin is thin and when a proof cannot be made.
 */
import { expect } from "chai";
import { PoolEngine } from "../../jobs/pool.ts";
import { Watcher, WATCH_EXIT } from "../../watch/service.ts";
import type { Roles } from "../../watch/types.ts";
import { CREDIT, INITIAL_RATIO_BPS, INSTANCE, LIABILITY_FACTOR, MARKS, POOR, PRICES, deployTestSystem, now, proveStatement, releaseProver, type TestSystem } from "../helpers/system.ts";
import { ATTESTER_SECRET } from "../helpers/fixtures.ts";
import { accepted, chainView, institutionAccount, memoryLog, publisher, type Publish } from "../helpers/watch.ts";

const BORROW = 1000n * CREDIT;

describe("solvency watch: institution, attester and keeper over several rounds", function () {
  let sys: TestSystem;
  let publish: Publish;
  let engine: PoolEngine;
  let roles: Roles;
  let watcher: Watcher;
  const log = memoryLog();

  before(async () => {
    sys = await deployTestSystem();
    publish = publisher(sys);
    engine = new PoolEngine({ workers: 1 });
    // bob deposits one ETH-like token and borrows against it with an initial-tier proof.
    const bob = sys.bob;
    await (await sys.venue.connect(bob).getFunction("deposit")(CREDIT)).wait();
    const p = await proveStatement(sys, {
      account: bob.address, roundId: 1n, claim: 1n, nonce: 1n, ratioBps: INITIAL_RATIO_BPS,
      publicLiability: BORROW * LIABILITY_FACTOR, attestedAt: await now(sys), portfolio: POOR,
    });
    await (await sys.venue.connect(bob).getFunction("borrow")(BORROW, p.proof, p.basis)).wait();
    roles = {
      institution: { tier: "maintenance", bufferBps: 1000n, renewBeforeSeconds: 3600n, accounts: [await institutionAccount(sys, sys.alice)] },
      attester: { secret: ATTESTER_SECRET, attestationTtlSeconds: 86400n, primeKeys: false, clients: [{ account: bob.address, portfolio: POOR }], signer: sys.admin },
      keeper: { accounts: [sys.alice.address, bob.address], signer: sys.keeper },
    };
    watcher = new Watcher({ chain: chainView(sys), engine, roles, instance: INSTANCE, log, pollMs: 100 });
  });
  after(async () => {
    await engine?.close();
    await releaseProver();
  });

  it("proves alice at the first round and leaves bob, who is above maintenance, alone", async () => {
    const t = await watcher.tick();
    expect(t.alerts).to.deep.equal([]);
    expect(t.actions.map((a) => [a.role, a.outcome.split(" ")[0]])).to.deep.equal([["institution", "submitted"]]);
    expect((await accepted(sys, 1n)).get(sys.alice.address)).to.deep.equal({ solvency: 1, insolvency: 0 });
    expect(watcher.status.accounts.find((a) => a.role === "attester")!.next).to.match(/at or above maintenance/);
  });

  it("re-proves alice at every new round, once, and does nothing between rounds", async () => {
    for (let i = 0; i < 2; i++) {
      const roundId = await publish();
      const t = await watcher.tick();
      expect(t.actions.map((a) => a.role)).to.deep.equal(["institution"]);
      expect((await accepted(sys, roundId)).get(sys.alice.address)).to.deep.equal({ solvency: 1, insolvency: 0 });
      const idle = await watcher.tick();
      expect(idle.actions).to.deep.equal([]);
    }
  });

  it("after a crash, posts bob's insolvency as his attester, then liquidates him as keeper", async () => {
    const crash = [PRICES[0]! / 4n, ...PRICES.slice(1)];
    const roundId = await publish(crash, MARKS);
    const t = await watcher.tick();
    expect(t.actions.map((a) => a.role).sort()).to.deep.equal(["attester", "institution"]);
    expect((await accepted(sys, roundId)).get(sys.bob.address)).to.deep.equal({ solvency: 0, insolvency: 1 });
    const next = await watcher.tick();
    expect(next.actions.map((a) => [a.role, a.account, a.outcome.split(" ")[0]])).to.deep.equal([["keeper", sys.bob.address, "liquidated"]]);
    expect(await sys.venue.getFunction("isFrozen")(sys.bob.address)).to.equal(true);
    const after = await watcher.tick();
    expect(after.actions).to.deep.equal([]);
  });

  it("alerts when the margin is under the buffer and when no proof can be made, with the exit code a supervisor reads", async () => {
    const thin = { ...roles, institution: { ...roles.institution!, bufferBps: 10n ** 30n } }; // RICH has almost no debt: only an absurd buffer puts it under
    const w = new Watcher({ chain: chainView(sys), engine, roles: thin, instance: INSTANCE, log: memoryLog(), pollMs: 50 });
    await publish();
    expect(await w.run(new AbortController().signal, true)).to.equal(WATCH_EXIT.margin);
    // An expired attestation: no proof can be made, and the watcher says so instead of proving in vain.
    const a = roles.institution!.accounts[0]!;
    const expired = { ...roles, institution: { ...roles.institution!, accounts: [{ ...a, attestation: { ...a.attestation, expiresAt: (await now(sys)) - 1n } }] } };
    await publish();
    const w2 = new Watcher({ chain: chainView(sys), engine, roles: expired, instance: INSTANCE, log: memoryLog(), pollMs: 50 });
    const t = await w2.tick();
    expect(t.alerts.map((x) => x.kind)).to.include("cannot-prove");
    expect(t.alerts.map((x) => x.message).join("\n")).to.match(/attestation expired/);
    expect(t.actions).to.deep.equal([]);
    expect(await w2.run(new AbortController().signal, true)).to.equal(WATCH_EXIT.cannotProve);
  });

  it("repairs a reorg that drops its submission, and one that drops the round", async () => {
    await watcher.tick(); // alice current at the newest round
    const before = await sys.helpers.takeSnapshot();
    const roundId = await publish();
    const afterRound = await sys.helpers.takeSnapshot();
    expect((await watcher.tick()).actions.map((a) => a.role)).to.deep.equal(["institution"]);
    // The block with alice's proof is reorged away: the next pass sees the older record and sends it again.
    await afterRound.restore();
    expect((await accepted(sys, roundId)).get(sys.alice.address)).to.equal(undefined);
    const again = await watcher.tick();
    expect(again.actions.map((a) => [a.role, a.outcome.split(" ")[0]])).to.deep.equal([["institution", "submitted"]]);
    expect((await accepted(sys, roundId)).get(sys.alice.address)).to.deep.equal({ solvency: 1, insolvency: 0 });
    // The round itself is reorged away: alice's record is current for the newest round left, nothing is sent.
    await before.restore();
    const quiet = await watcher.tick();
    expect(quiet.actions).to.deep.equal([]);
    expect(quiet.alerts).to.deep.equal([]);
  });

  it("as an attester told to, primes each new round's verifying key once; proofs on it still verify", async () => {
    const w = new Watcher({ chain: chainView(sys), engine, roles: { ...roles, attester: { ...roles.attester!, primeKeys: true } }, instance: INSTANCE, log: memoryLog(), pollMs: 50 });
    const roundId = await publish();
    expect((await sys.gate.getFunction("partialKeyOf")(roundId, sys.attesterId))[0]).to.equal(0n);
    const t = await w.tick();
    expect(t.alerts).to.deep.equal([]);
    expect(t.actions.map((a) => [a.role, a.outcome.split(" ")[0]]).sort()).to.deep.equal([["attester", "primed"], ["institution", "submitted"]]);
    expect((await sys.gate.getFunction("partialKeyOf")(roundId, sys.attesterId))[0]).to.not.equal(0n);
    expect((await accepted(sys, roundId)).get(sys.alice.address)).to.deep.equal({ solvency: 1, insolvency: 0 });
    expect((await w.tick()).actions).to.deep.equal([]);
  });

  it("follows new rounds while running and stops cleanly when told to", async () => {
    const controller = new AbortController();
    const running = watcher.run(controller.signal);
    const roundId = await publish();
    for (let i = 0; i < 600 && !(await accepted(sys, roundId)).get(sys.alice.address); i++) await new Promise((r) => setTimeout(r, 100));
    expect((await accepted(sys, roundId)).get(sys.alice.address)).to.deep.equal({ solvency: 1, insolvency: 0 });
    controller.abort();
    expect(await running).to.equal(0);
  });
});
