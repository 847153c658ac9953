// BullMQ's sandboxed processor: each job runs in a child process BullMQ forks and keeps warm, so a
// CPU-bound proof never blocks the worker's lock renewal. Registers tsx, then runs the shared job code.
import { register } from "tsx/esm/api";

register();
const { processJob, failureOf } = await import("./processor.ts");

export default async function prove(job) {
  try {
    return await processJob(job.data);
  } catch (err) {
    const f = failureOf(err);
    const e = new Error(f.permanent ? `permanent: ${f.error}` : f.error);
    // BullMQ does not retry an UnrecoverableError: the claim does not hold, or the instance is not built.
    if (f.permanent) e.name = "UnrecoverableError";
    throw e;
  }
}
