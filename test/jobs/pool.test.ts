/**
 * The embedded engine: proving jobs on child processes of this machine, with the same job code as the
 * BullMQ workers. Jobs carry real Solvency_4x2 requests; no chain is needed to prove.
 */
import { expect } from "chai";
import { PoolEngine } from "../../jobs/pool.ts";
import { jobId, proveJob, toWire, fromWire } from "../../jobs/job.ts";
import * as snarkjs from "snarkjs";
import { readFileSync } from "node:fs";
import { artifacts } from "../../prover/artifacts.ts";
import { ready, request } from "../helpers/fixtures.ts";

const INSTANCE = "Solvency_4x2";

describe("job engine: the embedded pool", function () {
  const pools: PoolEngine[] = [];
  const pool = (o: ConstructorParameters<typeof PoolEngine>[0] = {}): PoolEngine => {
    const p = new PoolEngine({ workers: 2, retry: { attempts: 3, backoffMs: 100 }, ...o });
    pools.push(p);
    return p;
  };
  before(ready);
  afterEach(async () => {
    delete process.env.SOLVENCY_TEST_PROVE_DELAY_MS;
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });

  it("gives the same id to the same statement and another to any change of its public terms", () => {
    const r = request(4, 2);
    expect(jobId(INSTANCE, r)).to.equal(jobId(INSTANCE, request(4, 2)));
    expect(jobId(INSTANCE, r)).not.to.include(":");
    for (const other of [request(4, 2, { nonce: 2n }), request(4, 2, { round: { ...r.round, timestamp: r.round.timestamp + 1n } }), request(4, 2, { publicLiability: 1n }), request(4, 2, { ratioBps: 11000n }), request(4, 2, { claim: 0n })]) {
      expect(jobId(INSTANCE, other)).not.to.equal(jobId(INSTANCE, r));
    }
    expect(fromWire(toWire(r))).to.deep.equal(r);
  });

  it("proves jobs on child processes, each proof valid, and never proves one id twice", async () => {
    const started: string[] = [];
    const engine = pool({ onStart: (id) => started.push(id) });
    const jobs = [request(4, 2), request(4, 2, { nonce: 2n }), request(4, 2, { nonce: 3n })].map((r) => proveJob(INSTANCE, r));
    const out = await engine.prove([...jobs, jobs[0]!]);
    expect(out.size).to.equal(3);
    const vkey = JSON.parse(readFileSync(artifacts(INSTANCE).vkey, "utf8")) as object;
    for (const s of out.values()) {
      expect(s.ok).to.equal(true);
      if (s.ok) expect(await snarkjs.groth16.verify(vkey, s.result.publicSignals, s.result.proof)).to.equal(true);
    }
    const again = await engine.prove([jobs[1]!]);
    expect(again.get(jobs[1]!.id)!.ok).to.equal(true);
    expect(started.filter((id) => id === jobs[0]!.id)).to.have.length(1);
    expect(started).to.have.length(3);
  });

  it("runs a job again in a new process when its process dies mid-proof", async () => {
    process.env.SOLVENCY_TEST_PROVE_DELAY_MS = "1500";
    let killed = false;
    const engine: PoolEngine = pool({
      workers: 1,
      onStart: (_id, pid) => {
        if (!killed) {
          killed = true;
          process.kill(pid, "SIGKILL");
        }
      },
    });
    const job = proveJob(INSTANCE, request(4, 2, { nonce: 9n }));
    const out = await engine.prove([job]);
    expect(killed).to.equal(true);
    expect(out.get(job.id)!.ok).to.equal(true);
  });

  it("does not retry a claim that does not hold, and says why", async () => {
    const started: string[] = [];
    const engine = pool({ workers: 1, onStart: (id) => started.push(id) });
    const job = proveJob(INSTANCE, request(4, 2, { claim: 0n }));
    const s = (await engine.prove([job])).get(job.id)!;
    expect(s.ok).to.equal(false);
    if (!s.ok) {
      expect(s.permanent).to.equal(true);
      expect(s.error).to.match(/insolvency claim at 15000 bps does not hold/);
    }
    expect(started).to.have.length(1);
  });
});
