/**
 * How the CLI talks to its user: results as text or, with --json, one JSON document on stdout;
 * progress on stderr; every failure as one line `error: what — where — how to fix` and a meaningful
 * exit code (docs/cli.md):
 *
 *   0  success
 *   1  usage or input error (bad flag, bad file, missing key)
 *   2  the claim does not hold, or a proof does not verify
 *   3  chain or RPC error (unreachable endpoint, wrong chain, transaction refused)
 */
import { InputError } from "../prover/files.ts";
import { BoundError } from "../prover/model.ts";
import { ratioBpsOf, type Valuation } from "../prover/ratio.ts";
import type { ChainFailure } from "../verifier/chain.ts";

/**
 * The proving and chain modules load circomlibjs, snarkjs and ethers, which takes seconds; their
 * errors are recognised by class name so that `--help` and input errors never load them.
 */
const isNamed = (err: unknown, name: string): boolean => err instanceof Error && err.constructor.name === name;
interface ClaimFailure { valuation: Valuation; ratioBps: bigint; claim: 0n | 1n }

export const EXIT = { ok: 0, input: 1, claim: 2, chain: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure with its exit code and the three parts of the one-line message. */
export class CliError extends Error {
  constructor(readonly problem: string, readonly where: string, readonly fix: string, readonly exitCode: ExitCode) {
    super(`${problem} — ${where} — ${fix}`);
  }
}

/** A verification that came out false (exit code 2). */
export class NotVerified extends CliError {
  constructor(problem: string, where: string, fix: string) {
    super(problem, where, fix, EXIT.claim);
  }
}

/** A chain or RPC failure (exit code 3). */
export class ChainError extends CliError {
  constructor(problem: string, where: string, fix: string) {
    super(problem, where, fix, EXIT.chain);
  }
}

/**
 * Turns anything thrown into a CliError with one line of text. The portfolio's ratio is private: a
 * failed claim names it only when `revealRatio` (the user's own terminal, or --show-ratio).
 */
export function classify(err: unknown, context: { where?: string; revealRatio?: boolean } = {}): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof InputError) return new CliError(err.problem, err.where, err.fix, EXIT.input);
  if (isNamed(err, "ChainFailure")) {
    const c = err as ChainFailure;
    return new CliError(c.problem, c.where, c.fix, c.verification ? EXIT.claim : EXIT.chain);
  }
  if (isNamed(err, "ClaimDoesNotHold")) {
    const c = err as Error & ClaimFailure;
    const r = ratioBpsOf(c.valuation);
    const fix = c.claim === 1n
      ? "add collateral or repay debt, or prove against a lower required ratio"
      : "the portfolio is solvent at this ratio: an insolvency proof cannot be made";
    const ratio = context.revealRatio
      ? `the portfolio's ratio is ${r === null ? "unbounded (no liabilities)" : `${r} bps`}`
      : "the portfolio's ratio is private (prove --show-ratio names it)";
    return new CliError(
      `the ${c.claim === 1n ? "solvency" : "insolvency"} claim at ${c.ratioBps} bps does not hold: ${ratio}`,
      context.where ?? "portfolio", fix, EXIT.claim);
  }
  if (isNamed(err, "ProofFailed")) return new CliError((err as Error).message, context.where ?? "prover", "rebuild the circuit and setup with `npm run build`", EXIT.claim);
  if (err instanceof BoundError) return new CliError(err.message, context.where ?? "input", "bring the value within the circuit's bounds (circuits/spec.json)", EXIT.input);
  const e = err as Error & { code?: string };
  return new CliError(oneLine(e?.message ?? String(err)), context.where ?? "internal", "rerun with --debug for details", EXIT.input);
}

export const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, " ").trim();

export interface OutputOptions { json?: boolean; debug?: boolean; quiet?: boolean }

/** The JSON document of a failure: the three parts of the error line and the exit code (docs/cli.md). */
export interface ErrorDocument { problem: string; where: string; fix: string; exitCode: ExitCode }

const jsonText = (doc: unknown): string => JSON.stringify(doc, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n";

/** Prints the one JSON document of a failure that happened before a command ran (usage errors). */
export function printJsonFailure(e: ErrorDocument, out: NodeJS.WritableStream = process.stdout): void {
  out.write(jsonText({ ok: false, error: e }));
}

/**
 * Where a command writes: stdout for results, stderr for progress and errors. With --json, stdout
 * carries exactly one document, printed by `finish()` once the command is over: `{"ok": true, …}` on
 * success, `{"ok": false, "error": {…}, …}` on failure (with whatever result the command had by then,
 * e.g. a failed audit's report).
 */
export class Output {
  private document: Record<string, unknown> | undefined;
  private error: ErrorDocument | undefined;
  private finished = false;

  constructor(readonly opts: OutputOptions, private readonly out: NodeJS.WriteStream = process.stdout, private readonly err: NodeJS.WriteStream = process.stderr) {}

  get json(): boolean {
    return !!this.opts.json;
  }

  /**
   * The command's result: `data` for --json (printed by finish()), else the text lines now. Lines
   * starting with "next:" are hints for a newcomer, left out with --quiet.
   */
  result(data: Record<string, unknown>, lines: readonly string[]): void {
    if (this.json) this.document = { ...this.document, ...data };
    else for (const l of lines) if (!(this.opts.quiet && l.startsWith("next:"))) this.out.write(`${l}\n`);
  }

  /** A note on stderr (never with --json or --quiet). */
  note(text: string): void {
    if (!this.json && !this.opts.quiet) this.err.write(`${text}\n`);
  }

  /** A warning on stderr, shown even with --json (it is not part of the result). */
  warn(text: string): void {
    this.err.write(`warning: ${text}\n`);
  }

  /**
   * Runs a slow step with progress on stderr: a spinner with elapsed seconds on a terminal, one line
   * before and after otherwise. Silent with --json or --quiet.
   */
  async step<T>(label: string, work: () => Promise<T>): Promise<T> {
    const show = !this.json && !this.opts.quiet;
    const t0 = performance.now();
    const secs = (): string => ((performance.now() - t0) / 1000).toFixed(1);
    let timer: NodeJS.Timeout | undefined;
    if (show && this.err.isTTY) {
      const frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
      let i = 0;
      timer = setInterval(() => this.err.write(`\r${frames[i++ % frames.length]} ${label} ${secs()}s`), 100);
    } else if (show) {
      this.err.write(`${label} ...\n`);
    }
    try {
      const r = await work();
      if (timer) this.err.write(`\r\x1b[K✔ ${label} (${secs()}s)\n`);
      else if (show) this.err.write(`${label}: done in ${secs()}s\n`);
      return r;
    } catch (err) {
      if (timer) this.err.write("\r\x1b[K");
      throw err;
    } finally {
      if (timer) clearInterval(timer);
    }
  }

  /** Records a failure: one line on stderr now (plus the stack with --debug); the JSON document at finish(). */
  failure(e: CliError, cause: unknown): void {
    this.error = { problem: e.problem, where: e.where, fix: e.fix, exitCode: e.exitCode };
    this.err.write(`error: ${e.message}\n`);
    if (this.opts.debug && cause instanceof Error && cause.stack) this.err.write(`${cause.stack}\n`);
  }

  /** Prints the one JSON document (with --json); once. */
  finish(): void {
    if (!this.json || this.finished) return;
    this.finished = true;
    this.out.write(jsonText(this.error ? { ok: false, error: this.error, ...this.document } : { ok: true, ...this.document }));
  }
}
