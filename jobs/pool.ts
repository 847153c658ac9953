/**
 * The embedded engine: a pool of child processes on this machine, one per core by default. Proving is
 * CPU-bound, so each job runs in its own process (a warm Prover each) and never blocks the watcher's event
 * loop. A child that dies mid-proof is replaced and its job runs again; jobs already proven in this process's
 * life are answered from memory, so a repeated id is never proven twice.
 */
import { fork, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { DEFAULT_RETRY, type JobEngine, type RetryPolicy } from "./engine.ts";
import { fromWire, toWire, type ProveJob, type ProveResult, type Settled } from "./job.ts";

const CHILD = fileURLToPath(new URL("./pool-child.mjs", import.meta.url));

interface Task { job: ProveJob; attempt: number; resolve: (s: Settled) => void }
interface Slot { child: ChildProcess; ready: Promise<void>; task?: Task }
type Reply = { id: string; ok: true; result: unknown } | { id: string; ok: false; error: string; permanent: boolean } | { ready: true } | { started: string };

export interface PoolOptions {
  workers?: number;
  retry?: RetryPolicy;
  /** told when a process starts a job (logs; tests kill a process mid-proof) */
  onStart?: (jobId: string, pid: number) => void;
}

export class PoolEngine implements JobEngine {
  readonly kind = "pool" as const;
  private readonly size: number;
  private readonly retry: RetryPolicy;
  private readonly slots: Slot[] = [];
  private readonly waiting: Task[] = [];
  private readonly done = new Map<string, Settled>();
  private readonly running = new Map<string, Promise<Settled>>();
  private closed = false;

  constructor(private readonly o: PoolOptions = {}) {
    this.size = Math.max(1, o.workers ?? availableParallelism());
    this.retry = o.retry ?? DEFAULT_RETRY;
  }

  /** The pids of the pool's child processes (tests kill one mid-proof). */
  pids(): number[] {
    return this.slots.map((s) => s.child.pid!).filter(Boolean);
  }

  async prove(jobs: readonly ProveJob[], signal?: AbortSignal): Promise<Map<string, Settled>> {
    const out = new Map<string, Settled>();
    await Promise.all(jobs.map(async (job) => out.set(job.id, await this.one(job, signal))));
    return out;
  }

  private one(job: ProveJob, signal?: AbortSignal): Promise<Settled> {
    const known = this.done.get(job.id);
    if (known?.ok) return Promise.resolve(known);
    let p = this.running.get(job.id);
    if (!p) {
      p = new Promise<Settled>((resolve) => {
        const task: Task = { job, attempt: 1, resolve };
        signal?.addEventListener("abort", () => resolve({ ok: false, id: job.id, error: "aborted", permanent: false }), { once: true });
        this.enqueue(task);
      }).then((s) => {
        this.running.delete(job.id);
        this.done.set(job.id, s);
        return s;
      });
      this.running.set(job.id, p);
    }
    return p;
  }

  private enqueue(task: Task): void {
    this.waiting.push(task);
    this.pump();
  }

  private pump(): void {
    if (this.closed) return;
    while (this.slots.length < this.size && this.slots.length < this.busy() + this.waiting.length) this.slots.push(this.spawn());
    for (const slot of this.slots) {
      if (slot.task || this.waiting.length === 0) continue;
      const task = this.waiting.shift()!;
      slot.task = task;
      void slot.ready.then(() => slot.child.send({ id: task.job.id, job: toWire(task.job) }));
    }
  }

  private busy(): number {
    return this.slots.filter((s) => s.task).length;
  }

  private spawn(): Slot {
    const child = fork(CHILD, [], { stdio: ["ignore", "inherit", "inherit", "ipc"], serialization: "advanced" });
    let ready!: () => void;
    const slot: Slot = { child, ready: new Promise<void>((r) => (ready = r)) };
    child.on("message", (m: Reply) => {
      if ("ready" in m) return ready();
      if ("started" in m) return this.o.onStart?.(m.started, child.pid!);
      const task = slot.task;
      if (!task || task.job.id !== m.id) return;
      slot.task = undefined;
      if (m.ok) task.resolve({ ok: true, result: fromWire<ProveResult>(m.result) });
      else this.failed(task, m.error, m.permanent);
      this.pump();
    });
    child.on("exit", (code, sig) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      const task = slot.task;
      slot.task = undefined;
      if (task) this.failed(task, `the proving process ${child.pid} exited (${sig ?? code}) mid-proof`, false);
      this.pump();
    });
    return slot;
  }

  private failed(task: Task, error: string, permanent: boolean): void {
    if (permanent || task.attempt >= this.retry.attempts || this.closed) {
      task.resolve({ ok: false, id: task.job.id, error, permanent });
      return;
    }
    const wait = this.retry.backoffMs * 2 ** (task.attempt - 1);
    task.attempt++;
    setTimeout(() => this.enqueue(task), wait).unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.waiting.splice(0)) t.resolve({ ok: false, id: t.job.id, error: "the engine was closed", permanent: false });
    await Promise.all(this.slots.map((s) => new Promise<void>((resolve) => {
      if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
      s.child.once("exit", () => resolve());
      s.child.kill("SIGTERM");
    })));
  }
}
