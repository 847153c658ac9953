/**
 * What every command shares: the --json, --quiet and --debug flags, and the wrapper that runs an
 * action, prints its failure as one line and exits with the code the failure means.
 */
import type { Command } from "commander";
import { Output, classify, EXIT } from "./output.ts";

export interface CommonOptions { json?: boolean; quiet?: boolean; debug?: boolean }

/** Adds the flags every command takes. */
export function common(cmd: Command): Command {
  return cmd
    .option("--json", "print the result as one JSON document on stdout")
    .option("-q, --quiet", "no progress or notes on stderr")
    .option("--debug", "show the stack trace of a failure");
}

/**
 * Wraps a command's action: commander passes (...positionals, options, command); the action gets
 * (output, ...positionals, options). The process exits with 0 or the failure's exit code.
 */
export function action<P extends unknown[], O extends CommonOptions>(fn: (out: Output, ...args: [...P, O]) => Promise<void>) {
  return async (...args: unknown[]): Promise<void> => {
    const cmd = args[args.length - 1] as Command;
    const opts = cmd.opts<O>();
    const out = new Output(opts);
    let code: number = EXIT.ok;
    try {
      await fn(out, ...(args.slice(0, -2) as P), opts);
    } catch (err) {
      const failure = classify(err);
      out.failure(failure, err);
      code = failure.exitCode;
    } finally {
      out.finish();
      // snarkjs's worker threads keep the process alive; they exist only if a proof was made or checked.
      if ((globalThis as { curve_bn128?: unknown }).curve_bn128) await (await import("../prover/prove.ts")).releaseProvingResources();
    }
    process.exit(code);
  };
}
