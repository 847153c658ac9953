/**
 * The job code every worker runs, whatever carries the job (the embedded pool's child processes or a
 * BullMQ sandbox): one warm Prover per circuit instance, kept for the life of the process.
 */
import { hostname } from "node:os";
import { Prover } from "../prover/prove.ts";
import { poseidonReady } from "../prover/poseidon.ts";
import { fromWire, isPermanent, toWire, type ProveJob, type ProveResult, type Wire } from "./job.ts";

const provers = new Map<string, Prover>();

/** Proves a job (given as wire data) and returns the result as wire data. */
export async function processJob(wire: Wire): Promise<Wire> {
  await poseidonReady(); // the witness recomputes the commitments
  const job = fromWire<ProveJob>(wire);
  let prover = provers.get(job.instance);
  if (!prover) {
    prover = Prover.load(job.instance);
    provers.set(job.instance, prover);
  }
  const delay = Number(process.env.SOLVENCY_TEST_PROVE_DELAY_MS ?? 0);
  if (delay > 0) await new Promise((r) => setTimeout(r, delay)); // tests widen the window in which a worker dies mid-proof
  const r = await prover.prove(job.request);
  const result: ProveResult = { id: job.id, proof: r.proof, publicSignals: r.publicSignals, milliseconds: r.milliseconds, worker: `${hostname()}:${process.pid}` };
  return toWire(result);
}

/** A failure as data: message, and whether retrying is pointless. */
export function failureOf(err: unknown): { error: string; permanent: boolean } {
  return { error: err instanceof Error ? err.message : String(err), permanent: isPermanent(err) };
}
