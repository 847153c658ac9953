/**
 * The job engine's one interface. The watcher hands it a round's jobs and gets each job's outcome back;
 * whether the proofs were made by the embedded pool (child processes on this machine, no server) or by
 * BullMQ workers on other machines is the adapter's business. Both adapters retry a job that failed for a
 * reason a retry can fix, with backoff, and hand back a permanent failure at once.
 */
import type { ProveJob, Settled } from "./job.ts";

export interface RetryPolicy {
  /** attempts in all, the first included */
  attempts: number;
  /** first backoff in ms; doubles on each further attempt */
  backoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, backoffMs: 1000 };

export interface JobEngine {
  readonly kind: "pool" | "bullmq";
  /**
   * Proves one round's jobs (one flow per round) and resolves when every job has settled. A job whose id
   * the engine already holds is not proven again: its stored result is returned.
   */
  prove(jobs: readonly ProveJob[], signal?: AbortSignal): Promise<Map<string, Settled>>;
  close(): Promise<void>;
}

export interface EngineOptions {
  /** redis://host:port for BullMQ; absent for the embedded pool */
  queue?: string;
  /** embedded pool size; defaults to one per core */
  workers?: number;
  retry?: RetryPolicy;
  /** BullMQ queue name */
  queueName?: string;
}

/** The engine for `--queue`: BullMQ when a Redis URL is given, otherwise the embedded pool. */
export async function openEngine(o: EngineOptions = {}): Promise<JobEngine> {
  if (o.queue) {
    const { BullEngine } = await import("./bullmq.ts");
    return BullEngine.open(o.queue, { retry: o.retry, queueName: o.queueName });
  }
  const { PoolEngine } = await import("./pool.ts");
  return new PoolEngine({ workers: o.workers, retry: o.retry });
}
