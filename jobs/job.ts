/**
 * A proving job: one account's proof for one round, as a plain JSON value that crosses process and
 * machine boundaries (bigints as decimal strings), and the deterministic id that makes every retry,
 * restart and duplicate enqueue land on the same job. Nothing here proves; prover/ decides how.
 */
import type { Groth16Proof } from "snarkjs";
import type { ProofRequest } from "../prover/witness.ts";

/** What a worker is asked to prove. */
export interface ProveJob {
  /** deterministic: see jobId() */
  id: string;
  instance: string;
  request: ProofRequest;
}

/** A proof a worker made and verified locally, with who made it. */
export interface ProveResult {
  id: string;
  proof: Groth16Proof;
  /** decimal strings in circuits/spec.json order */
  publicSignals: string[];
  milliseconds: number;
  /** host:pid of the process that proved it */
  worker: string;
}

/** How one job ended: a proof, or a failure that retrying will not fix (`permanent`) or that retries did not fix. */
export type Settled =
  | { ok: true; result: ProveResult }
  | { ok: false; id: string; error: string; permanent: boolean };

/**
 * The job id: the circuit instance, the account, the round (its id and time: a reorg can publish another
 * round under the same id), the claim, the attestation time, the nonce, the stated liability and the ratio:
 * everything that changes the proof's public signals. The same id always means the
 * same statement, so a queue that already holds it (waiting, running or done) is never asked twice.
 * BullMQ refuses ':' in custom ids, hence the dots.
 */
export function jobId(instance: string, r: ProofRequest): string {
  const account = `0x${r.attestation.account.toString(16).padStart(40, "0")}`;
  const claim = r.claim === 1n ? "solvent" : "insolvent";
  return [instance, account, `r${r.round.roundId}t${r.round.timestamp}`, claim, `a${r.attestation.attestedAt}`, `n${r.nonce}`, `l${r.publicLiability}`, `b${r.ratioBps}`].join(".");
}

export function proveJob(instance: string, request: ProofRequest): ProveJob {
  return { id: jobId(instance, request), instance, request };
}

/** The job as JSON-safe data: every bigint becomes {"$n": "decimal"}. */
export type Wire = unknown;

export function toWire(value: unknown): Wire {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? { $n: v.toString() } : v)));
}

export function fromWire<T>(wire: Wire): T {
  return JSON.parse(JSON.stringify(wire), (_k, v: unknown) => {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === "$n" && typeof (v as { $n: unknown }).$n === "string") return BigInt((v as { $n: string }).$n);
    }
    return v;
  }) as T;
}

/** Failures a retry cannot fix: the claim does not hold, or the instance is not built. */
export function isPermanent(err: unknown): boolean {
  const name = err instanceof Error ? err.constructor.name : "";
  return name === "ClaimDoesNotHold" || name === "InputError" || name === "BoundError" || (err instanceof Error && err.name === "UnrecoverableError");
}
