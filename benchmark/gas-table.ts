/**
 * bench/gas.json's shape and the Markdown tables made from it: every action per instance, proof submissions
 * with their ratio to the bare Groth16 verification of the same instance, and publishing a round per universe
 * and number of reporters' signatures.
 */
import { z } from "zod";

export const BARE_VERIFY = "verify proof (bare)";
/** Submissions compared with the bare verification, and the ratio each must stay within. */
export const SUBMISSION_GOALS: Readonly<Record<string, number>> = {
  "prove solvency (later proof)": 1.08,
  "prove solvency (first proof on a round)": 1.15,
};
/** Actions whose gas is a proof submission (the ratio column applies). */
const SUBMISSION = /^prove (solvency|insolvency)|^borrow \(with proof\)/;

export const gasFileSchema = z.object({
  compiler: z.object({ solc: z.string(), optimizer: z.object({ enabled: z.boolean(), runs: z.number() }), evmVersion: z.string() }),
  instances: z.array(z.object({ name: z.string(), assets: z.number().int(), markets: z.number().int() })).min(1),
  /** each action per instance; publishing also per signature count */
  actions: z.array(z.object({
    action: z.string(), instance: z.string(), gas: z.number().int().positive(), note: z.string().optional(), signatures: z.number().int().optional(),
  })).min(1),
}).passthrough();
export type GasFile = z.infer<typeof gasFileSchema>;
type Row = GasFile["actions"][number];

const int = (n: number): string => n.toLocaleString("en-US");

/** The bare verification of `instance`, if measured. */
export function bareVerification(rows: readonly Row[], instance: string): number | undefined {
  return rows.find((r) => r.instance === instance && r.action === BARE_VERIFY && r.signatures === undefined)?.gas;
}

/** Each goal per instance: the measured ratio and whether it is met. */
export function submissionRatios(rows: readonly Row[]): Array<{ instance: string; action: string; gas: number; bare: number; ratio: number; goal: number; met: boolean }> {
  const out = [];
  for (const instance of new Set(rows.map((r) => r.instance))) {
    const bare = bareVerification(rows, instance);
    if (bare === undefined) continue;
    for (const [action, goal] of Object.entries(SUBMISSION_GOALS)) {
      const g = rows.find((r) => r.instance === instance && r.action === action)?.gas;
      if (g === undefined) continue;
      out.push({ instance, action, gas: g, bare, ratio: g / bare, goal, met: g <= goal * bare });
    }
  }
  return out;
}

/** Every action (publishing per signature count aside) by instance; submissions with their ratio to the bare verification. */
export function actionTable(rows: readonly Row[]): string {
  const plain = rows.filter((r) => r.signatures === undefined);
  const instances = [...new Set(plain.map((r) => r.instance))];
  const actions = [...new Set(plain.map((r) => r.action))];
  const cell = (instance: string, action: string): string => {
    const g = plain.find((r) => r.instance === instance && r.action === action)?.gas;
    if (g === undefined) return "—";
    const bare = bareVerification(plain, instance);
    return SUBMISSION.test(action) && bare ? `${int(g)} (${(g / bare).toFixed(3)}×)` : int(g);
  };
  const note = (action: string): string => plain.find((r) => r.action === action && r.note)?.note ?? "";
  return [
    `| action | ${instances.join(" | ")} | note |`,
    `|---|${instances.map(() => "---:").join("|")}|---|`,
    ...actions.map((a) => `| ${a} | ${instances.map((i) => cell(i, a)).join(" | ")} | ${note(a)} |`),
  ].join("\n");
}

/** Publishing a round by universe and number of signatures. */
export function publishTable(rows: readonly Row[]): string {
  const pub = rows.filter((r) => r.signatures !== undefined);
  const counts = [...new Set(pub.map((r) => r.signatures!))].sort((a, b) => a - b);
  const instances = [...new Set(pub.map((r) => r.instance))];
  return [
    `| instance | ${counts.map((k) => `${k} sig.`).join(" | ")} |`,
    `|---|${counts.map(() => "---:").join("|")}|`,
    ...instances.map((i) => `| ${i} | ${counts.map((k) => { const g = pub.find((r) => r.instance === i && r.signatures === k)?.gas; return g === undefined ? "—" : int(g); }).join(" | ")} |`),
  ].join("\n");
}

/** The goals, one line each: `instance: action gas / bare = ratio (goal ≤ g×: met|missed)`. */
export function goalLines(rows: readonly Row[]): string[] {
  return submissionRatios(rows).map((r) =>
    `${r.instance}: ${r.action} ${int(r.gas)} / bare ${int(r.bare)} = ${r.ratio.toFixed(4)}× (goal ≤ ${r.goal}×: ${r.met ? "met" : "missed"})`);
}
