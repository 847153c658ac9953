/**
 * The BullMQ engine end to end, with a real Redis and real worker processes: the watcher's institution
 * role proves a round for several accounts on two `solvency worker` processes and submits each proof once;
 * a worker killed mid-proof, Redis restarted (losing everything) mid-round and a watcher restarted between
 * proving and submitting each still end with exactly one accepted proof per account per round.
 */
import { expect } from "chai";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { Queue, Job } from "bullmq";
import { BullEngine, QUEUE_NAME, redisConnection } from "../../jobs/bullmq.ts";
import { Watcher } from "../../watch/service.ts";
import { planInstitution } from "../../watch/roles/institution.ts";
import type { InstitutionConfig } from "../../watch/types.ts";
import { deployTestSystem, INSTANCE, releaseProver, type TestSystem } from "../helpers/system.ts";
import { RedisServer, redisAvailable } from "../helpers/redis.ts";
import { WorkerProcess } from "../helpers/workers.ts";
import { accepted, chainView, institutionAccount, memoryLog, publisher, type Publish } from "../helpers/watch.ts";

const ACCOUNTS = 3;
const RETRY = { attempts: 3, backoffMs: 200 };

describe("BullMQ proving with a real Redis", function () {
  let redis: RedisServer;
  let sys: TestSystem;
  let publish: Publish;
  let institution: InstitutionConfig;
  const workers: WorkerProcess[] = [];
  const engines: BullEngine[] = [];

  const engine = async (): Promise<BullEngine> => {
    const e = await BullEngine.open(redis.url, { retry: RETRY });
    engines.push(e);
    return e;
  };
  const worker = async (env: Record<string, string> = {}): Promise<WorkerProcess> => {
    const w = WorkerProcess.start(redis.url, env);
    workers.push(w);
    await w.ready();
    return w;
  };
  const watcher = async (log = memoryLog()) => ({ log, w: new Watcher({ chain: chainView(sys), engine: await engine(), roles: { institution }, instance: INSTANCE, log, pollMs: 200 }) });
  const provenBy = (log: ReturnType<typeof memoryLog>): Set<string> => new Set(log.lines.filter((l) => l.msg === "proof made").map((l) => String(l.worker)));
  async function expectOnePerAccount(roundId: bigint): Promise<void> {
    const got = await accepted(sys, roundId);
    for (const a of institution.accounts) expect(got.get(a.account), `${a.account} at round ${roundId}`).to.deep.equal({ solvency: 1, insolvency: 0 });
  }

  before(async function () {
    if (!redisAvailable()) {
      if (process.env.SOLVENCY_REQUIRE_REDIS) throw new Error("redis-server is not installed: apt-get install redis-server");
      this.skip();
    }
    redis = await RedisServer.start();
    sys = await deployTestSystem();
    publish = publisher(sys);
    const signers = (await sys.ethers.getSigners()).slice(5, 5 + ACCOUNTS) as HardhatEthersSigner[];
    institution = { tier: "maintenance", bufferBps: 0n, renewBeforeSeconds: 3600n, accounts: await Promise.all(signers.map((s) => institutionAccount(sys, s))) };
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await Promise.all(engines.map((e) => e.close()));
    await redis?.stop();
    await releaseProver();
  });

  it("proves a round of several accounts on two worker processes and submits each proof once", async () => {
    const [a, b] = [await worker(), await worker()];
    const roundId = await publish();
    const { w, log } = await watcher();
    const t = await w.tick();
    expect(t.alerts).to.deep.equal([]);
    expect(t.actions.filter((x) => /^submitted/.test(x.outcome))).to.have.length(ACCOUNTS);
    expect(provenBy(log).size, "proofs came from both workers").to.equal(2);
    await expectOnePerAccount(roundId);
    // A second pass finds every record current: nothing is proven or sent again.
    const again = await w.tick();
    expect(again.plans.filter((p) => p.job)).to.have.length(0);
    await Promise.all([a.stop(), b.stop()]);
  });

  it("runs a job again on another worker when its worker is killed mid-proof, and submits once", async () => {
    const roundId = await publish();
    const doomed = await worker({ SOLVENCY_TEST_PROVE_DELAY_MS: "600000" });
    const { w, log } = await watcher();
    const ticking = w.tick();
    const started = await doomed.waitFor((l) => l.msg === "proving");
    await doomed.kill();
    const rescuer = await worker();
    const t = await ticking;
    expect(t.alerts).to.deep.equal([]);
    await expectOnePerAccount(roundId);
    const connection = redisConnection(redis.url);
    const queue = new Queue(QUEUE_NAME, { connection });
    const job = await Job.fromId(queue, String(started.job));
    expect(await job!.getState()).to.equal("completed");
    expect(job!.attemptsStarted, "the killed job was started again").to.be.greaterThan(1);
    await queue.close();
    connection.disconnect();
    expect(provenBy(log).size).to.equal(1);
    await rescuer.stop();
  });

  it("recovers when Redis restarts mid-round and loses its queue", async () => {
    const roundId = await publish();
    const w1 = await worker();
    const { w } = await watcher();
    const ticking = w.tick();
    await w1.waitFor((l) => l.msg === "proved" && String(l.job).includes(`.r${roundId}t`));
    await redis.stop();
    await new Promise((r) => setTimeout(r, 500));
    await redis.start();
    const t = await ticking;
    expect(t.alerts).to.deep.equal([]);
    await expectOnePerAccount(roundId);
    await w1.stop();
  });

  it("a watcher restarted between proving and submitting reuses the proofs and sends each once", async () => {
    const roundId = await publish();
    const w1 = await worker();
    // The first watcher plans and proves the round, submits one proof, and dies.
    const first = await watcher();
    const head = await chainView(sys).head();
    const plans = await planInstitution({ chain: chainView(sys), head, log: first.log }, institution, INSTANCE);
    const e1 = await engine();
    const settled = await e1.prove(plans.map((p) => p.job!));
    const s0 = settled.get(plans[0]!.job!.id)!;
    expect(s0.ok).to.equal(true);
    if (s0.ok) expect(await plans[0]!.submit!(s0.result)).to.match(/^submitted/);
    await e1.close();
    const provedBefore = w1.lines.filter((l) => l.msg === "proved").length;
    // The second watcher finds the first account current and the others' proofs already made.
    const second = await watcher();
    const t = await second.w.tick();
    expect(t.alerts).to.deep.equal([]);
    expect(t.actions.filter((x) => /^submitted/.test(x.outcome))).to.have.length(ACCOUNTS - 1);
    expect(w1.lines.filter((l) => l.msg === "proved").length, "nothing proven twice").to.equal(provedBefore);
    await expectOnePerAccount(roundId);
    await w1.stop();
  });
});
