/**
 * The watcher: one long-running loop that, on every new round (a RoundPublished event wakes it; a poll
 * every `pollMs` is the fallback), asks each role what is due for each account, proves the round's jobs
 * through the job engine in one flow, and submits the proofs itself, one at a time: this process is the
 * only writer for its accounts, so nonces never race.
 *
 * Each tick reads the chain afresh and decides from what it sees, never from what it remembers, so a
 * restart (after a crash, mid-round) does exactly what is still missing, and a reorg of a few blocks that
 * drops a round or a submission is repaired on the next tick. Proofs already made for the same statement
 * are reused by id (jobs/job.ts), and a submission re-reads the account's nonce before it is sent.
 */
import { writeFileAtomic } from "../prover/files.ts";
import type { JobEngine } from "../jobs/engine.ts";
import type { Settled } from "../jobs/job.ts";
import type { ChainView, Head } from "./chain-view.ts";
import { planInstitution } from "./roles/institution.ts";
import { planAttester } from "./roles/attester.ts";
import { planKeeper } from "./roles/keeper.ts";
import type { AccountStatus, Alert, Logger, Plan, Roles } from "./types.ts";

/** Exit codes of `solvency watch` beyond the CLI's own (0 ok, 1 input, 3 chain). */
export const WATCH_EXIT = { margin: 4, cannotProve: 5 } as const;

export interface WatchStatus {
  kind: "zk-solvency/watch-status";
  updatedAt: string;
  pid: number;
  engine: string;
  head?: { block: number; now: string; roundId: string; roundTime: string };
  accounts: AccountStatus[];
  alerts: Alert[];
  ticks: number;
}

export interface WatchOptions {
  chain: ChainView;
  engine: JobEngine;
  roles: Roles;
  instance: string;
  log: Logger;
  /** ms between polls of the chain when no event arrives */
  pollMs?: number;
  statusFile?: string;
}

export interface TickReport { head: Head; plans: Plan[]; alerts: Alert[]; actions: { role: string; account: string; outcome: string }[] }

const str = (x: bigint): string => x.toString();

export class Watcher {
  status: WatchStatus;
  private wake?: () => void;

  constructor(private readonly o: WatchOptions) {
    this.status = { kind: "zk-solvency/watch-status", updatedAt: new Date().toISOString(), pid: process.pid, engine: o.engine.kind, accounts: [], alerts: [], ticks: 0 };
  }

  /** One pass: plan every role, prove the due jobs, submit and liquidate. */
  async tick(signal?: AbortSignal): Promise<TickReport> {
    const { chain, log, roles, instance } = this.o;
    const head = await chain.head();
    const ctx = { chain, head, log };
    const plans: Plan[] = [];
    const alerts: Alert[] = [];
    const planned = async (role: string, fn: () => Promise<Plan[]>): Promise<void> => {
      try {
        plans.push(...(await fn()));
      } catch (err) {
        log.error({ role, err: (err as Error).message }, "planning failed; retrying next tick");
      }
    };
    if (roles.institution) await planned("institution", () => planInstitution(ctx, roles.institution!, instance));
    if (roles.attester) await planned("attester", () => planAttester(ctx, roles.attester!, instance));
    if (roles.keeper) await planned("keeper", () => planKeeper(ctx, roles.keeper!));

    const due = plans.filter((p) => p.job);
    const unique = [...new Map(due.map((p) => [p.job!.id, p.job!])).values()];
    let settled = new Map<string, Settled>();
    if (unique.length > 0) {
      log.info({ round: str(head.roundId), jobs: unique.length, engine: this.o.engine.kind }, "proving round");
      settled = await this.o.engine.prove(unique, signal);
    }
    const actions: TickReport["actions"] = [];
    for (const p of plans) {
      if (signal?.aborted) break;
      try {
        let outcome: string | undefined;
        if (p.job && p.submit) {
          const s = settled.get(p.job.id);
          if (!s) continue;
          if (!s.ok) {
            if (s.error !== "aborted") p.alerts.push({ kind: "cannot-prove", role: p.role, account: p.account, message: `proving failed${s.permanent ? "" : " after retries"}: ${s.error}` });
            continue;
          }
          log.info({ role: p.role, account: p.account, job: p.job.id, worker: s.result.worker, ms: s.result.milliseconds }, "proof made");
          outcome = await p.submit(s.result);
        } else if (p.act) {
          outcome = await p.act();
        }
        if (outcome) {
          p.last = outcome;
          actions.push({ role: p.role, account: p.account, outcome });
          log.info({ role: p.role, account: p.account, round: str(head.roundId) }, outcome);
        }
      } catch (err) {
        p.alerts.push({ kind: "submit", role: p.role, account: p.account, message: (err as Error).message });
      }
    }
    for (const p of plans) alerts.push(...p.alerts);
    for (const a of alerts) (a.kind === "margin" ? log.warn : log.error).call(log, { alert: a.kind, role: a.role, account: a.account }, a.message);
    this.report(head, plans, alerts);
    return { head, plans, alerts, actions };
  }

  private report(head: Head, plans: Plan[], alerts: Alert[]): void {
    const r = (p: Plan): AccountStatus["record"] => p.record && {
      round: str(p.record.round), tier: p.record.tier, validUntil: str(p.record.validUntil), insolvent: p.record.insolvent,
      solvencyNonce: str(p.record.solvencyNonce), insolvencyNonce: str(p.record.insolvencyNonce),
    };
    this.status = {
      ...this.status,
      updatedAt: new Date().toISOString(),
      head: { block: head.block, now: str(head.now), roundId: str(head.roundId), roundTime: str(head.roundTime) },
      accounts: plans.map((p) => ({
        role: p.role, account: p.account, record: r(p), ratioBps: p.ratioBps === undefined ? undefined : p.ratioBps === null ? null : str(p.ratioBps),
        next: p.last ? "none: done this tick" : p.next, last: p.last, alerts: p.alerts.map((a) => `${a.kind}: ${a.message}`),
      })),
      alerts,
      ticks: this.status.ticks + 1,
    };
    if (this.o.statusFile) writeFileAtomic(this.o.statusFile, `${JSON.stringify(this.status, null, 2)}\n`, { overwrite: true });
  }

  /**
   * Runs until `signal` aborts, or until an alert when `exitOnAlert`; returns the exit code. A failing tick
   * (RPC down, Redis down) is logged and retried at the next poll.
   */
  async run(signal: AbortSignal, exitOnAlert = false): Promise<number> {
    const { chain, log } = this.o;
    const pollMs = this.o.pollMs ?? 15_000;
    const oracle = chain.contracts.oracle;
    const onRound = (): void => this.wake?.();
    try {
      await oracle.on("RoundPublished", onRound);
    } catch (err) {
      log.warn({ err: (err as Error).message }, "cannot subscribe to RoundPublished; polling only");
    }
    try {
      while (!signal.aborted) {
        try {
          const t = await this.tick(signal);
          if (exitOnAlert && t.alerts.length > 0) return t.alerts.some((a) => a.kind !== "margin") ? WATCH_EXIT.cannotProve : WATCH_EXIT.margin;
        } catch (err) {
          if (signal.aborted) break;
          log.error({ err: (err as Error).message }, "tick failed; retrying at the next poll");
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, pollMs);
          function done(): void {
            clearTimeout(timer);
            signal.removeEventListener("abort", done);
            resolve();
          }
          this.wake = done;
          signal.addEventListener("abort", done, { once: true });
        });
      }
      return 0;
    } finally {
      await oracle.off("RoundPublished", onRound).catch(() => undefined);
    }
  }
}
