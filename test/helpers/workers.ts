/**
 * Proving workers as separate processes (`solvency worker --queue ...`), each in its own process group so
 * a test can kill one with everything it forked, as a machine dying would.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { CLI } from "./cli.ts";

export interface LogLine { msg?: string; job?: string; [k: string]: unknown }

export class WorkerProcess {
  readonly lines: LogLine[] = [];
  private waiters: { pred: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  private exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    let buf = "";
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf("\n")) >= 0) {
        const text = buf.slice(0, i);
        buf = buf.slice(i + 1);
        let line: LogLine;
        try {
          line = JSON.parse(text) as LogLine;
        } catch {
          continue;
        }
        this.lines.push(line);
        this.waiters = this.waiters.filter((w) => (w.pred(line) ? (w.resolve(line), false) : true));
      }
    });
    child.stderr!.on("data", (d: Buffer) => process.env.DEBUG_WORKERS && process.stderr.write(d));
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }

  static start(queue: string, env: Record<string, string> = {}, args: string[] = []): WorkerProcess {
    const child = spawn(process.execPath, [CLI, "worker", "--queue", queue, "--lock-duration", "2000", "--stalled-interval", "1000", ...args], {
      env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true,
    });
    return new WorkerProcess(child);
  }

  /** The first log line (already seen or to come) that matches. */
  waitFor(pred: (l: LogLine) => boolean, timeoutMs = 120_000): Promise<LogLine> {
    const seen = this.lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching log line within ${timeoutMs} ms; saw ${JSON.stringify(this.lines.slice(-5))}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (l) => (clearTimeout(timer), resolve(l)) });
    });
  }

  ready(): Promise<LogLine> {
    return this.waitFor((l) => l.msg === "worker ready");
  }

  /** Kills the worker and everything it forked, without warning. */
  async kill(): Promise<void> {
    try {
      process.kill(-this.child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
    await this.exited;
  }

  /** Asks the worker to stop (SIGTERM) and waits for it. */
  async stop(): Promise<number | null> {
    try {
      process.kill(this.child.pid!, "SIGTERM");
    } catch {
      // already gone
    }
    const code = await this.exited;
    try {
      process.kill(-this.child.pid!, "SIGKILL"); // sandboxed children left behind, if any
    } catch {
      // none
    }
    return code;
  }
}
