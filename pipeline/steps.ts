/**
 * Step lines for the slow build steps, outputs made atomically (a step writes to a temporary file
 * beside its target, and the target appears only once the step succeeded, so an interrupted or failed
 * build never leaves a half-written key or ptau that a later run would trust), and a lock so that two
 * builds sharing a work tree or a cache do the same slow work once, one after the other.
 */
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export type Log = (line: string) => void;

/**
 * Runs one slow step between a start line and a line with its duration; returns its result and seconds.
 * With `expectSeconds`, a line every `everySeconds` says how long the step has run against the estimate,
 * so that a step of several minutes never looks hung.
 */
export async function timed<T>(
  log: Log,
  label: string,
  run: () => Promise<T>,
  progress?: { expectSeconds: number; everySeconds?: number },
): Promise<{ value: T; seconds: number }> {
  log(`  ${label} ...${progress ? ` (about ${clock(progress.expectSeconds)} on two cores)` : ""}`);
  const t0 = performance.now();
  const ticker = progress
    ? setInterval(() => {
        const elapsed = (performance.now() - t0) / 1000;
        log(elapsed <= progress.expectSeconds
          ? `  ${label}: ${clock(elapsed)} elapsed of about ${clock(progress.expectSeconds)}`
          : `  ${label}: ${clock(elapsed)} elapsed, past the ${clock(progress.expectSeconds)} estimate (a slower or busier machine); still working`);
      }, (progress.everySeconds ?? 30) * 1000)
    : undefined;
  ticker?.unref();
  let value: T;
  try {
    value = await run();
  } finally {
    if (ticker) clearInterval(ticker);
  }
  const seconds = Math.round((performance.now() - t0) / 10) / 100;
  log(`  ${label}: done in ${seconds}s`);
  return { value, seconds };
}

/** Seconds as "4m30s" or "45s". */
export function clock(seconds: number): string {
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
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

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * Runs `work` holding the lock file `lockFile` (created exclusively, holding the owner's pid). A lock
 * held by a live process is waited for; one left by a process that died is taken over.
 */
export async function withLock<T>(lockFile: string, what: string, log: Log, work: () => Promise<T>): Promise<T> {
  mkdirSync(path.dirname(lockFile), { recursive: true });
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(lockFile, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    let owner = NaN;
    try {
      owner = Number(readFileSync(lockFile, "utf8"));
    } catch {
      continue; // released between our attempt and the read
    }
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      if (!announced) log(`  waiting for another process (pid ${owner}) working on ${what}`);
      announced = true;
      await sleep(2000);
    } else {
      rmSync(lockFile, { force: true });
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lockFile, { force: true });
  }
}
