/**
 * Step lines for the slow build steps, and outputs made atomically: a step writes to a temporary
 * file beside its target and the target appears only once the step succeeded, so an interrupted or
 * failed build never leaves a half-written key or ptau that a later run would trust.
 */
import { randomBytes } from "node:crypto";
import { existsSync, renameSync, rmSync } from "node:fs";
import path from "node:path";

export type Log = (line: string) => void;

/** Runs one slow step between a start line and a line with its duration; returns its result and seconds. */
export async function timed<T>(log: Log, label: string, run: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  log(`  ${label} ...`);
  const t0 = performance.now();
  const value = await run();
  const seconds = Math.round((performance.now() - t0) / 10) / 100;
  log(`  ${label}: done in ${seconds}s`);
  return { value, seconds };
}

/** Lets `produce` write a temporary file, then renames it onto `target`; removes the temporary file on failure. */
export async function atomicOutput<T>(target: string, produce: (tmp: string) => Promise<T>): Promise<T> {
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const result = await produce(tmp);
    if (!existsSync(tmp)) throw new Error(`${path.basename(target)} was not written`);
    renameSync(tmp, target);
    return result;
  } finally {
    rmSync(tmp, { force: true });
  }
}
