/**
 * The project's files on disk: input files (JSON or YAML) read exactly and validated with a schema,
 * every failure turned into one InputError that says what is wrong, where (file, line, field) and how
 * to fix it; output files written atomically (a temporary file in the same directory, then a rename),
 * so a failure never leaves a half-written file, with mode 0600 for secrets.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync, chmodSync, existsSync, statSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { LineCounter, parseDocument, isNode, type Document } from "yaml";
import type { z } from "zod";

/** A bad input: `problem — where — fix`. The CLI prints it as one line. */
export class InputError extends Error {
  constructor(readonly problem: string, readonly where: string, readonly fix: string) {
    super(`${problem} — ${where} — ${fix}`);
  }
}
/** InputError or a subclass naming the kind of file (PortfolioError, ...). */
export type ErrorClass = new (problem: string, where: string, fix: string) => InputError;

export type FieldPath = ReadonlyArray<PropertyKey>;

/** `balances.WETH.collateral`, `assets[2].symbol` */
export function formatPath(p: FieldPath): string {
  let out = "";
  for (const k of p) out += typeof k === "number" ? `[${k}]` : `${out ? "." : ""}${String(k)}`;
  return out;
}

/** A parsed input file: its data (every scalar a string) and a way to point at a field in it. */
export interface LoadedDocument {
  file: string;
  data: unknown;
  /** `file:line field.path` for the field (or its nearest existing parent) */
  where(p: FieldPath): string;
}

export function readText(file: string, what: string): string {
  try {
    if (statSync(file).isDirectory()) throw new InputError(`${what} is a directory, not a file`, file, "give the path of a file");
    return readFileSync(file, "utf8");
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(`${what} not found`, file, "check the path");
    if (code === "EACCES") throw new InputError(`${what} is not readable`, file, "check the file's permissions");
    throw new InputError(`${what} cannot be read (${code ?? (err as Error).message})`, file, "check the path and permissions");
  }
}

/**
 * Parses JSON or YAML (JSON is YAML) with the failsafe schema: every scalar stays the exact text the
 * user wrote, so `10.5` is the string "10.5" and never a float. Duplicate keys are refused.
 */
export function parseDocumentText(text: string, file: string, E: ErrorClass = InputError): LoadedDocument {
  const lines = new LineCounter();
  const doc: Document = parseDocument(text, { schema: "failsafe", uniqueKeys: true, lineCounter: lines, prettyErrors: false });
  const lineOf = (offset: number): number => lines.linePos(offset).line;
  const first = doc.errors[0];
  if (first) {
    const dup = first.code === "DUPLICATE_KEY";
    throw new E(
      dup ? "a key appears twice" : `the file is not valid JSON or YAML (${first.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")})`,
      `${file}:${lineOf(first.pos[0])}`,
      dup ? "keep one entry per key: merge or remove the duplicate" : "fix the syntax at that line",
    );
  }
  const where = (p: FieldPath): string => {
    for (let n = p.length; n >= 0; n--) {
      const node = doc.getIn(p.slice(0, n) as unknown[], true);
      // A missing top-level field has no line worth naming: the root starts at the top of the file.
      if (isNode(node) && node.range && (n > 0 || p.length === 0)) return `${file}:${lineOf(node.range[0])}${p.length ? ` ${formatPath(p)}` : ""}`;
    }
    return p.length ? `${file} ${formatPath(p)}` : file;
  };
  return { file, data: doc.toJS() ?? undefined, where };
}

export const loadDocument = (file: string, what: string, E: ErrorClass = InputError): LoadedDocument => parseDocumentText(readText(file, what), file, E);

/** Extra advice a schema attaches to an issue (`params: { fix }`). */
interface IssueParams { fix?: string }

function describeIssue(issue: z.core.$ZodIssue): { problem: string; fix: string } {
  const fix = (issue as { params?: IssueParams }).params?.fix;
  const last = issue.path[issue.path.length - 1];
  const name = last === undefined ? "the file" : typeof last === "number" ? `entry ${last}` : `'${String(last)}'`;
  switch (issue.code) {
    case "invalid_type":
      if ((issue as { input?: unknown }).input === undefined) {
        return { problem: `${name} is missing`, fix: fix ?? `add ${name} (see docs/files.md for the format)` };
      }
      return {
        problem: `${name} should be ${issue.expected === "object" ? "a mapping of keys to values" : issue.expected === "array" ? "a list" : `a ${issue.expected}`}`,
        fix: fix ?? "see docs/files.md for the format",
      };
    case "unrecognized_keys":
      return { problem: `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")}`, fix: fix ?? "remove it or correct its spelling (see docs/files.md)" };
    default:
      return { problem: issue.message, fix: fix ?? "see docs/files.md for the format" };
  }
}

/**
 * Validates a loaded document; the first issue becomes an error of class `E` (an InputError or a
 * subclass, such as PortfolioError) pointing at the file, line and field.
 */
export function validate<S extends z.ZodType>(
  schema: S,
  doc: LoadedDocument,
  E: ErrorClass = InputError,
): z.output<S> {
  const r = schema.safeParse(doc.data);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const { problem, fix } = describeIssue(issue);
  const p = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]!] : issue.path;
  throw new E(problem, doc.where(p), fix);
}

/** Adds an issue with a problem and a fix from inside a zod transform or refinement. */
export function addIssue(ctx: z.core.$RefinementCtx, problem: string, fix: string): void {
  ctx.addIssue({ code: "custom", message: problem, params: { fix } });
}

export interface WriteOptions {
  /** file mode, e.g. 0o600 for secrets; default 0o644 */
  mode?: number;
  /** replace an existing file (default: refuse) */
  overwrite?: boolean;
}

/**
 * Writes `content` to `file` atomically: a temporary file in the same directory is written, flushed
 * and renamed over the target, so the target either holds the whole new content or is untouched.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array, opts: WriteOptions = {}): void {
  const mode = opts.mode ?? 0o644;
  const dir = path.dirname(path.resolve(file));
  if (!existsSync(dir)) throw new InputError("the output directory does not exist", dir, "create it first or choose another path");
  if (!opts.overwrite && existsSync(file)) {
    throw new InputError("the output file already exists", file, "choose another path, or pass --force to replace it");
  }
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "wx", mode);
    writeSync(fd, typeof content === "string" ? Buffer.from(content, "utf8") : content);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    chmodSync(tmp, mode); // the umask may have narrowed or the caller asked for a wider mode than the default
    renameSync(tmp, file);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EROFS") throw new InputError("the output file cannot be written", file, "check the directory's permissions");
    throw err;
  }
}

/** JSON with bigints written as decimal strings, two-space indented, ending in a newline. */
export const toJson = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n";
