/**
 * `solvency watch` (the long-running watcher: institution, attester and keeper roles, proving through the
 * embedded pool or BullMQ), `solvency watch status` (what it last saw and will do next) and
 * `solvency worker` (a BullMQ proving worker for one machine).
 */
import type { Command } from "commander";
import { action, common, type CommonOptions } from "../command.ts";
import { parseUint } from "../options.ts";
import { InputError, readText } from "../../prover/files.ts";

interface WatchOptions extends CommonOptions {
  config: string;
  deployment: string;
  rpc: string;
  queue?: string;
  workers?: string;
  poll: string;
  statusFile: string;
  statusPort?: string;
  once?: boolean;
  exitOnAlert?: boolean;
  logLevel: string;
}

const seconds = (text: string, flag: string): number => {
  const m = /^([0-9]+)(ms|s|m)?$/.exec(text.trim());
  if (!m || Number(m[1]) === 0) throw new InputError(`'${text}' is not a positive duration`, flag, "write e.g. 500ms, 15s or 1m");
  return Number(m[1]) * (m[2] === "ms" ? 1 : m[2] === "m" ? 60_000 : 1000);
};

function redisUrl(url: string): string {
  if (!/^rediss?:\/\/[^/]+/.test(url)) throw new InputError(`'${url}' is not a Redis URL`, "--queue", "write redis://HOST:PORT");
  return url;
}

async function logger(level: string) {
  const { pino } = await import("pino");
  return pino({ level, base: { pid: process.pid }, timestamp: () => `,"time":"${new Date().toISOString()}"` });
}

/** Resolves when SIGINT or SIGTERM arrives, through `controller`. */
function onSignals(controller: AbortController, log: { info(o: object, m: string): void }): void {
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      log.info({ signal: sig }, "shutting down: finishing the current step");
      controller.abort();
    });
  }
}

export function registerWatch(program: Command): void {
  // `watch` runs the watcher; `watch status` is its subcommand. Its flags are checked in the action rather
  // than declared required, so that commander dispatches `watch status` without asking for them.
  const watch = common(program.command("watch"))
    .description("keep proofs alive round after round: re-prove managed accounts, post insolvency for attested clients, liquidate")
    .option("--config <file>", "watch configuration (roles and accounts; docs/operations.md) (required)")
    .option("--deployment <file>", "deployment file (written by solvency deploy) (required)")
    .option("--rpc <url>", "JSON-RPC endpoint of the deployment's chain (required)")
    .option("--queue <url>", "prove on BullMQ workers through this Redis (redis://HOST:PORT) instead of the embedded pool")
    .option("--workers <n>", "embedded pool size (default: one per core)")
    .option("--poll <duration>", "poll the chain this often when no event arrives", "15s")
    .option("--status-file <file>", "where the status is written after each pass", "watch-status.json")
    .option("--status-port <port>", "also serve the status as JSON over HTTP on 127.0.0.1:PORT")
    .option("--once", "one pass, then exit (with an alert's exit code if any)")
    .option("--exit-on-alert", "stop at the first alert, with its exit code, for a supervisor to act on")
    .option("--log-level <level>", "pino log level", "info")
    .addHelpText("after", [
      "",
      "Logs are JSON lines on stdout (pino). SIGINT or SIGTERM stops it cleanly after the current step.",
      "Exit codes: 0 stopped; 1 bad input; 3 chain error at start; 4 margin under the buffer; 5 a proof cannot be made (with --once or --exit-on-alert).",
      "Example:",
      "  solvency watch --config watch.yaml --deployment deployment.json --rpc http://127.0.0.1:8545 --queue redis://127.0.0.1:6379",
      "",
    ].join("\n"))
    .action(action<[], WatchOptions>(async (_out, o) => {
      for (const [flag, v] of [["--config", o.config], ["--deployment", o.deployment], ["--rpc", o.rpc]] as const) {
        if (!v) throw new InputError(`${flag} is missing`, "solvency watch", `pass ${flag} (see solvency watch --help)`);
      }
      const pollMs = seconds(o.poll, "--poll");
      const workers = o.workers ? Number(parseUint(o.workers, "--workers", 256n)) : undefined;
      const queue = o.queue ? redisUrl(o.queue) : undefined;
      const { loadDeployment } = await import("../../verifier/deployment.ts");
      const deployment = loadDeployment(o.deployment);
      const { connect } = await import("../../verifier/chain.ts");
      const chain = await connect(o.rpc, deployment);
      const { ready } = await import("../../watch/ready.ts");
      await ready();
      const { loadWatchConfig } = await import("../../watch/config.ts");
      const roles = await loadWatchConfig(o.config, deployment.venue, chain.provider);
      const log = await logger(o.logLevel);
      const { ChainView } = await import("../../watch/chain-view.ts");
      const { openEngine } = await import("../../jobs/engine.ts");
      const { Watcher } = await import("../../watch/service.ts");
      const { serveStatus } = await import("../../watch/status.ts");
      const engine = await openEngine({ queue, workers });
      const watcher = new Watcher({ chain: ChainView.fromDeployment(chain.provider, deployment), engine, roles, instance: deployment.instance, log, pollMs, statusFile: o.statusFile });
      const controller = new AbortController();
      onSignals(controller, log);
      const server = o.statusPort ? await serveStatus(Number(parseUint(o.statusPort, "--status-port", 65535n)), () => watcher.status) : undefined;
      log.info({ engine: engine.kind, instance: deployment.instance, roles: Object.keys(roles), pollMs }, "watching");
      let code = 0;
      try {
        if (o.once) {
          const t = await watcher.tick(controller.signal);
          const { WATCH_EXIT } = await import("../../watch/service.ts");
          if (t.alerts.length > 0) code = t.alerts.some((a) => a.kind !== "margin") ? WATCH_EXIT.cannotProve : WATCH_EXIT.margin;
        } else {
          code = await watcher.run(controller.signal, !!o.exitOnAlert);
        }
      } finally {
        server?.close();
        await engine.close();
        chain.close();
        log.info({ exitCode: code }, "stopped");
        log.flush();
      }
      if (code !== 0) process.exit(code);
    }));

  common(watch.command("status"))
    .description("show what the watcher last saw: each account's record, expiry, next action and alerts")
    .option("--status-file <file>", "the watcher's status file", "watch-status.json")
    .action(action<[], CommonOptions & { statusFile: string }>(async (out, o) => {
      const { parseStatus, statusLines } = await import("../../watch/status.ts");
      // commander may hand `--status-file` and `--json` to `watch` itself, which takes the same flags
      if ((watch.opts() as CommonOptions).json) (out.opts as CommonOptions).json = true;
      const file = watch.getOptionValueSource("statusFile") === "cli" ? (watch.opts() as { statusFile: string }).statusFile : o.statusFile;
      const status = parseStatus(readText(file, "watch status file"), file);
      out.result({ ...status }, statusLines(status));
    }));

  common(program.command("worker"))
    .description("a proving worker: takes proving jobs from the BullMQ queue in Redis and proves them on this machine")
    .requiredOption("--queue <url>", "the Redis the watcher enqueues to (redis://HOST:PORT)")
    .option("--concurrency <n>", "proofs at once on this machine, each in its own process", "1")
    .option("--lock-duration <ms>", "how long a job's lock lasts unrenewed: a dead worker's job is taken back after this", "30000")
    .option("--stalled-interval <ms>", "how often this worker checks for stalled jobs", "30000")
    .option("--log-level <level>", "pino log level", "info")
    .addHelpText("after", "\nLogs are JSON lines on stdout. SIGINT or SIGTERM finishes the running proofs, then exits.\n")
    .action(action<[], CommonOptions & { queue: string; concurrency: string; lockDuration: string; stalledInterval: string; logLevel: string }>(async (_out, o) => {
      const url = redisUrl(o.queue);
      const concurrency = Number(parseUint(o.concurrency, "--concurrency", 64n));
      const lockDuration = Number(parseUint(o.lockDuration, "--lock-duration", 3_600_000n));
      const stalledInterval = Number(parseUint(o.stalledInterval, "--stalled-interval", 3_600_000n));
      const log = await logger(o.logLevel);
      const { startWorker } = await import("../../jobs/bullmq.ts");
      const { worker, redis } = startWorker(url, { concurrency, lockDuration, stalledInterval });
      worker.on("active", (job) => log.info({ job: job.id, attempt: job.attemptsMade + 1 }, "proving"));
      worker.on("completed", (job) => log.info({ job: job.id, ms: (job.returnvalue as { milliseconds?: number })?.milliseconds }, "proved"));
      worker.on("failed", (job, err) => log.warn({ job: job?.id, attempt: job?.attemptsMade, err: err.message }, "proving failed"));
      worker.on("error", (err) => log.warn({ err: err.message }, "queue connection problem; reconnecting"));
      log.info({ queue: url.replace(/\/\/[^@]*@/, "//***@"), concurrency }, "worker ready");
      await new Promise<void>((resolve) => {
        for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => resolve());
      });
      log.info({}, "shutting down: finishing the running proofs");
      await worker.close();
      redis.disconnect();
      log.info({}, "stopped");
      log.flush();
    }));
}
