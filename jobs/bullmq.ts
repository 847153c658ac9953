/**
 * The BullMQ engine: the same jobs as the embedded pool, on a Redis queue that proving workers on any
 * number of machines consume (`solvency worker --queue redis://...`).
 *
 * - Deterministic job ids (jobs/job.ts): adding a job the queue already holds is a no-op, so a restarted
 *   watcher picks up the proofs already made or in flight instead of making them again.
 * - Sandboxed processors (jobs/sandbox.mjs): proving runs in a child process, so lock renewal never starves.
 * - Retries with exponential backoff; a failure a retry cannot fix is an UnrecoverableError, not retried.
 * - Stalled-job recovery: a worker that dies mid-proof stops renewing its lock; another worker's stalled
 *   check moves the job back to waiting and it runs again.
 * - Results are the job's return value, written by BullMQ's completion script in one Redis transaction
 *   together with the state change: a job is either done with its result or not done.
 * - If Redis loses its data (restarted without persistence), the watcher notices the job is gone and adds
 *   it again: nothing is recovered by hand.
 */
import { Queue, Worker, Job } from "bullmq";
import { Redis } from "ioredis";
import { fileURLToPath } from "node:url";
import { DEFAULT_RETRY, type JobEngine, type RetryPolicy } from "./engine.ts";
import { fromWire, toWire, type ProveJob, type ProveResult, type Settled } from "./job.ts";

export const QUEUE_NAME = "solvency-proofs";
const SANDBOX = fileURLToPath(new URL("./sandbox.mjs", import.meta.url));

/** A Redis connection that waits out outages instead of failing commands (BullMQ's requirement for workers). */
export function redisConnection(url: string): Redis {
  const r = new Redis(url, { maxRetriesPerRequest: null, enableOfflineQueue: true, retryStrategy: (n) => Math.min(200 * n, 2000) });
  r.on("error", () => undefined); // reconnection is automatic; the callers log what they could not do
  return r;
}

export function checkRedisUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`'${url}' is not a URL: give redis://HOST:PORT`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") throw new Error(`'${url}' is not a redis:// URL`);
}

interface BullOptions { retry?: RetryPolicy; queueName?: string; pollMs?: number }

export class BullEngine implements JobEngine {
  readonly kind = "bullmq" as const;

  private constructor(private readonly queue: Queue, private readonly redis: Redis, private readonly retry: RetryPolicy, private readonly pollMs: number) {}

  static async open(url: string, o: BullOptions = {}): Promise<BullEngine> {
    checkRedisUrl(url);
    const redis = redisConnection(url);
    const queue = new Queue(o.queueName ?? QUEUE_NAME, { connection: redis });
    queue.on("error", () => undefined);
    return new BullEngine(queue, redis, o.retry ?? DEFAULT_RETRY, o.pollMs ?? 250);
  }

  private add(job: ProveJob): Promise<Job> {
    return this.queue.add("prove", toWire(job), {
      jobId: job.id,
      attempts: this.retry.attempts,
      backoff: { type: "exponential", delay: this.retry.backoffMs },
      // Kept a day so a restarted watcher finds the round's results; then Redis forgets them.
      removeOnComplete: { age: 86400 },
      removeOnFail: { age: 86400 },
    });
  }

  /** Where a job stands now; `lost` when Redis no longer has it. */
  private async check(job: ProveJob, first: boolean): Promise<Settled | "pending"> {
    const found = await Job.fromId(this.queue, job.id);
    if (!found) {
      await this.add(job);
      return "pending";
    }
    const state = await found.getState();
    if (state === "completed") {
      const result = found.returnvalue ? fromWire<ProveResult>(found.returnvalue) : undefined;
      if (result?.id === job.id && result.proof && Array.isArray(result.publicSignals)) return { ok: true, result };
      // Completed without its result: seen when Redis lost its data while a worker was proving and that
      // worker's late completion marked the re-added job done. Not a result: prove it again.
      await found.remove().catch(() => undefined);
      if (!(await Job.fromId(this.queue, job.id))) await this.add(job);
      return "pending";
    }
    if (state === "failed") {
      const permanent = (found.failedReason ?? "").startsWith("permanent: ");
      if (first && !permanent) {
        // a new call (a new tick or a restart) gets fresh attempts for a job whose retries ran out earlier
        await found.retry("failed");
        return "pending";
      }
      return { ok: false, id: job.id, error: (found.failedReason ?? "failed").replace(/^permanent: /, ""), permanent };
    }
    return "pending";
  }

  async prove(jobs: readonly ProveJob[], signal?: AbortSignal): Promise<Map<string, Settled>> {
    const out = new Map<string, Settled>();
    let pending = [...jobs];
    let first = true;
    while (pending.length > 0) {
      if (signal?.aborted) {
        for (const j of pending) out.set(j.id, { ok: false, id: j.id, error: "aborted", permanent: false });
        break;
      }
      const still: ProveJob[] = [];
      for (const job of pending) {
        try {
          const s = await this.check(job, first);
          if (s === "pending") still.push(job);
          else out.set(job.id, s);
        } catch {
          still.push(job); // Redis is unreachable: ioredis reconnects, and the next pass asks again
        }
      }
      first = false;
      pending = still;
      if (pending.length > 0) await new Promise((r) => setTimeout(r, this.pollMs));
    }
    return out;
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    this.redis.disconnect();
  }
}

export interface WorkerOptions {
  queueName?: string;
  /** jobs proven at once by this process (each in its own sandboxed child) */
  concurrency?: number;
  /** ms a job's lock lasts without renewal: how soon a dead worker's job is taken back */
  lockDuration?: number;
  /** ms between stalled-job checks */
  stalledInterval?: number;
  /** times a job may stall before it fails */
  maxStalledCount?: number;
}

/** A proving worker on this machine: consumes the queue with the sandboxed processor. */
export function startWorker(url: string, o: WorkerOptions = {}): { worker: Worker; redis: Redis } {
  checkRedisUrl(url);
  const redis = redisConnection(url);
  const worker = new Worker(o.queueName ?? QUEUE_NAME, SANDBOX, {
    connection: redis,
    concurrency: o.concurrency ?? 1,
    lockDuration: o.lockDuration ?? 30_000,
    stalledInterval: o.stalledInterval ?? 30_000,
    maxStalledCount: o.maxStalledCount ?? 2,
    useWorkerThreads: false,
  });
  return { worker, redis };
}
