/**
 * The unit of the audit report: a named check with a status and what it found, and the findings the
 * project has examined and accepted (circuits/audit.json), each with its justification.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ROOT } from "../../prover/artifacts.ts";
import { InputError } from "../../prover/files.ts";

/**
 * pass: holds. accepted: holds only by the project's stated justifications (circuits/audit.json), which
 * the auditor must review. fail: does not hold. warn: holds, but the report must say so loudly (a
 * development trusted setup, test tokens); a failure under --production. skipped: not checked, with the
 * reason (the audit is then incomplete, not failed).
 */
export type CheckStatus = "pass" | "accepted" | "fail" | "warn" | "skipped";

/** How much a finding matters, as auditors grade them. */
export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Check {
  id: string;
  title: string;
  status: CheckStatus;
  /** one line: what was found */
  detail: string;
  /** the particulars (one finding per line) */
  items?: string[];
  /** what a finding of this check weighs when it does not pass (default: critical for a failure, else low) */
  severity?: Severity;
}

export const check = (id: string, title: string, status: CheckStatus, detail: string, items?: string[], severity?: Severity): Check => ({
  id, title, status, detail,
  ...(items && items.length > 0 ? { items } : {}),
  ...(severity ? { severity } : {}),
});

/** A finding: a check that did not simply pass, with its severity. */
export interface Finding { severity: Severity; status: Exclude<CheckStatus, "pass">; id: string; title: string; detail: string }

export function severityOf(c: Check): Severity {
  if (c.severity) return c.severity;
  return c.status === "fail" ? "critical" : c.status === "warn" ? "medium" : c.status === "skipped" ? "info" : "low";
}

/** The checks that did not pass, most severe first. */
export function findingsOf(checks: readonly Check[]): Finding[] {
  return checks
    .filter((c): c is Check & { status: Finding["status"] } => c.status !== "pass")
    .map((c) => ({ severity: severityOf(c), status: c.status, id: c.id, title: c.title, detail: c.detail }))
    .sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
}

export const sha256File = (file: string): string => createHash("sha256").update(readFileSync(file)).digest("hex");

/** A path as the report shows it: relative to the project when inside it. */
export function displayPath(file: string): string {
  const rel = path.relative(ROOT, path.resolve(file));
  return rel.startsWith("..") ? path.resolve(file) : rel;
}

// ---- accepted findings -----------------------------------------------------------------------------

export const ACCEPTED_PATH = path.join(ROOT, "circuits", "audit.json");

/**
 * in no constraint: a signal that no constraint mentions. not shown: a signal the determinacy analysis
 * had to assume (a root). linear once: a private input that appears, linearly, in one constraint only.
 */
export const FINDING_KINDS = ["in no constraint", "not shown", "linear once"] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

const acceptedSchema = z.object({
  accepted: z.array(z.object({
    finding: z.enum(FINDING_KINDS),
    signal: z.string().min(1),
    justification: z.string().min(20, "say why the finding is harmless"),
  }).strict()),
});
export type AcceptedFinding = z.infer<typeof acceptedSchema>["accepted"][number];

/** Reads the accepted findings; a missing file accepts nothing. */
export function readAcceptedFindings(file: string = ACCEPTED_PATH): AcceptedFinding[] {
  if (!existsSync(file)) return [];
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new InputError(`not valid JSON (${(err as Error).message})`, displayPath(file), "fix the file's syntax");
  }
  const parsed = acceptedSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(issue.message, `${displayPath(file)} ${issue.path.join(".")}`, "each entry needs finding, signal (a name pattern, * for any run of characters) and justification");
  }
  return parsed.data.accepted;
}

/** `*` matches any run of characters, `?` one character; everything else literally. */
export function signalPattern(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

/** The justification accepting `finding` on signal `name`, if any. */
export function acceptance(accepted: readonly AcceptedFinding[], finding: FindingKind, name: string): string | undefined {
  return accepted.find((a) => a.finding === finding && signalPattern(a.signal).test(name))?.justification;
}
