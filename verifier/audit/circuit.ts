/**
 * The circuit part of the audit, read from the compiled constraint system itself (.r1cs and .sym):
 * what was compiled from which sources, its size, the public signals against circuits/spec.json, the
 * signals no constraint mentions, private inputs that only one linear term pins, the determinacy
 * analysis (determinacy.ts), and the compiler's warnings with their justifications.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT, type AcceptedWarning, type InstanceSpec } from "../../prover/artifacts.ts";
import type { PublicSignalSpec } from "../../prover/spec.ts";
import type { CircuitInfo } from "../../prover/artifacts.ts";
import { readR1cs, readSym, type R1cs } from "../constraints.ts";
import { analyseDeterminacy, roleOfLabel, type Determinacy, type SignalRole } from "../determinacy.ts";
import type { LinearCombination } from "../field.ts";
import { acceptance, check, displayPath, sha256File, type AcceptedFinding, type Check } from "./check.ts";

export interface CircuitFiles {
  r1cs: string;
  sym: string;
  /** build/circuits/<name>/info.json, written by scripts/compile-circuits.ts */
  info?: string;
}

export interface CircuitAuditOptions {
  name: string;
  files: CircuitFiles;
  /** the manifest entry, when the circuit is one of the project's instances */
  instance?: InstanceSpec;
  /** the public signals the circuit must expose, in order (circuits/spec.json); omitted: not compared */
  publicSignals?: readonly PublicSignalSpec[];
  /** compiler warnings the manifest justifies */
  acceptedWarnings?: readonly AcceptedWarning[];
  /** constraint-analysis findings the project justifies (circuits/audit.json) */
  accepted?: readonly AcceptedFinding[];
}

export interface SignalFinding {
  name: string;
  role: SignalRole;
  /** why the project accepts it, when it does */
  justification?: string;
}

export interface CircuitAudit {
  name: string;
  template?: string;
  parameters?: Record<string, number>;
  role?: string;
  compiler: string | null;
  files: { r1cs: { path: string; sha256: string }; sym: { path: string; sha256: string } };
  sources: Array<{ path: string; recorded: string; actual: string | null }>;
  counts: {
    constraints: number; linear: number; nonLinear: number; wires: number; labels: number;
    outputs: number; publicInputs: number; privateInputs: number;
    /** private inputs that kept a wire (the optimiser substitutes the others away) */
    privateInputWires: number;
    /** signals the optimiser replaced by combinations of others (.sym wire −1) */
    eliminated: number;
  };
  publicSignals: Array<{ index: number; name: string; spec?: PublicSignalSpec }>;
  /** main-component inputs the optimiser eliminated: substituted, or in no constraint at all */
  eliminatedInputs: SignalFinding[];
  inNoConstraint: SignalFinding[];
  linearOnce: Array<SignalFinding & { constraint: number }>;
  determinacy: {
    signals: number;
    shown: number;
    shownIfNonZero: number;
    notShown: number;
    byRule: Record<string, number>;
    roots: Array<SignalFinding & { why: string; follows: number }>;
    notShownGroups: Array<{ signal: string; count: number }>;
    conditionGroups: Array<{ signal: string; count: number; example: string }>;
    outputs: Array<{ name: string; verdict: string }>;
  };
  inspect: Array<{ code: string; template: string; message: string; justification: string }>;
  checks: Check[];
}

/** A name with array indices and circom's anonymous-component numbers dropped, for grouping. */
export const signalGroup = (name: string): string => name.replace(/\[\d+\]/g, "[]").replace(/_\d+_\d+(?=[.[]|$)/g, "");

const isConstantOnly = (lc: R1cs["constraints"][number]["a"]): boolean => lc.every(([w]) => w === 0);

/** `c·name + …` with small coefficients written out and large ones abbreviated. */
export function formatCombination(lc: LinearCombination, nameOf: (w: number) => string, p: bigint): string {
  const coef = (c: bigint): string => {
    const neg = p - c < c;
    const v = neg ? p - c : c;
    const text = v < 1n << 32n ? v.toString() : `${v.toString().slice(0, 4)}…${v.toString().slice(-4)}`;
    return `${neg ? "−" : ""}${text}`;
  };
  const terms = [...lc].map(([w, c]) => {
    const k = coef(c);
    if (w === 0) return k;
    const bare = k.replace("−", "");
    return `${k.startsWith("−") ? "−" : ""}${bare === "1" ? "" : `${bare}·`}${nameOf(w)}`;
  });
  return terms.join(" + ").replace(/\+ −/g, "− ") || "0";
}

function readInfo(file: string | undefined): CircuitInfo | undefined {
  if (!file || !existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as CircuitInfo;
}

export async function auditCircuit(opts: CircuitAuditOptions): Promise<CircuitAudit> {
  const { files, accepted = [] } = opts;
  const r1cs = await readR1cs(files.r1cs);
  const symbols = readSym(files.sym);
  const info = readInfo(files.info);
  const nameOf = (w: number): string => symbols.namesOf(w)[0] ?? `wire ${w}`;
  const roleOf = (w: number): SignalRole => (w === 0 ? "internal" : roleOfLabel(r1cs, r1cs.wireToLabel[w]!));
  const checks: Check[] = [];

  // ---- what was compiled ---------------------------------------------------------------------------
  const sources = Object.entries(info?.sources ?? {}).map(([rel, recorded]) => {
    const file = path.join(ROOT, rel);
    return { path: rel, recorded, actual: existsSync(file) ? sha256File(file) : null };
  });
  if (!info) {
    checks.push(check("sources", "Source files match the compiled circuit", "skipped", `no ${files.info ? displayPath(files.info) : "info.json"}: the sources the circuit was compiled from are not recorded`));
  } else {
    const changed = sources.filter((s) => s.actual !== s.recorded);
    checks.push(check("sources", "Source files match the compiled circuit",
      changed.length === 0 ? "pass" : "fail",
      changed.length === 0 ? `${sources.length} source files hash as recorded at compile time` : `${changed.length} of ${sources.length} source files differ from what was compiled: recompile (npm run build:circuits)`,
      changed.map((s) => `${s.path}: ${s.actual === null ? "missing" : `sha256 ${s.actual} ≠ recorded ${s.recorded}`}`)));
  }

  const linear = r1cs.constraints.filter((c) => isConstantOnly(c.a) || isConstantOnly(c.b)).length;
  const privateInputWires = r1cs.wireToLabel.filter((label, w) => w > 0 && roleOfLabel(r1cs, label) === "private input").length;
  const counts = {
    constraints: r1cs.constraints.length, linear, nonLinear: r1cs.constraints.length - linear,
    wires: r1cs.nVars, labels: r1cs.nLabels, outputs: r1cs.nOutputs, publicInputs: r1cs.nPubInputs,
    privateInputs: r1cs.nPrvInputs, privateInputWires,
    eliminated: symbols.entries.filter((e) => e.wire < 0).length,
  };
  if (info) {
    const recorded: Array<[string, number, number]> = [
      ["constraints", info.constraints.total, counts.constraints], ["wires", info.wires, counts.wires],
      ["public inputs", info.publicInputs, counts.publicInputs], ["private inputs", info.privateInputs, counts.privateInputs],
      ["outputs", info.outputs, counts.outputs],
    ];
    const differ = recorded.filter(([, a, b]) => a !== b);
    checks.push(check("r1cs-info", "The r1cs is the one the build recorded", differ.length === 0 ? "pass" : "fail",
      differ.length === 0 ? "constraints, wires, inputs and outputs agree with info.json" : "the r1cs differs from info.json: stale or foreign build artifacts",
      differ.map(([what, a, b]) => `${what}: info.json ${a}, r1cs ${b}`)));
  }

  // ---- public signals ------------------------------------------------------------------------------
  // snarkjs' public signals are the outputs, then the public inputs: wires 1..nOutputs+nPubInputs.
  const nPublic = r1cs.nOutputs + r1cs.nPubInputs;
  const publicNames = Array.from({ length: nPublic }, (_, i) => nameOf(i + 1).replace(/^main\./, ""));
  const publicSignals = publicNames.map((name, index) => ({ index, name, spec: opts.publicSignals?.find((s) => s.name === name) }));
  if (opts.publicSignals) {
    const expected = opts.publicSignals.map((s) => s.name);
    const same = JSON.stringify(expected) === JSON.stringify(publicNames);
    const infoSame = !info || JSON.stringify(info.publicSignals) === JSON.stringify(publicNames);
    checks.push(check("public-signals", "Public signals are circuits/spec.json's, in order", same && infoSame ? "pass" : "fail",
      same ? `${nPublic} public signals on wires 1..${nPublic}: ${publicNames.join(", ")}` : `the r1cs exposes ${publicNames.join(", ") || "nothing"}; circuits/spec.json says ${expected.join(", ")}`,
      infoSame ? undefined : [`info.json records ${info!.publicSignals.join(", ")}`]));
  }

  // ---- signals the constraints do not pin ----------------------------------------------------------
  const determinacy = analyseDeterminacy(r1cs);
  const inNoConstraint: SignalFinding[] = determinacy.unused.map((w) => {
    const name = nameOf(w);
    const role = roleOf(w);
    const justification = role === "internal" || role === "private input" ? acceptance(accepted, "in no constraint", name) : undefined;
    return { name, role, ...(justification ? { justification } : {}) };
  });
  const eliminatedInputs = symbols.entries
    .filter((e) => e.wire < 0 && roleOfLabel(r1cs, e.label) !== "internal")
    .map((e) => ({ name: e.name, role: roleOfLabel(r1cs, e.label) }));
  const loose = inNoConstraint.filter((f) => !f.justification);
  checks.push(check("in-no-constraint", "Every signal appears in a constraint", loose.length > 0 ? "fail" : inNoConstraint.some((f) => f.justification) ? "accepted" : "pass",
    inNoConstraint.length === 0 ? "every wire appears in at least one constraint"
      : loose.length === 0 ? `${inNoConstraint.length} signals in no constraint, each accepted with a justification (below)`
        : `${loose.length} signals in no constraint: any value satisfies the constraints`,
    inNoConstraint.map((f) => `${f.name} (${f.role})${f.justification ? ": accepted" : ""}`)));

  const linearOnce = linearlyOnce(r1cs, determinacy, roleOf).map(({ wire, constraint }) => {
    const name = nameOf(wire);
    const justification = acceptance(accepted, "linear once", name);
    return { name, role: roleOf(wire), constraint, ...(justification ? { justification } : {}) };
  });
  const slack = linearOnce.filter((f) => !f.justification);
  checks.push(check("linear-once", "No private input is pinned by one linear term only", slack.length > 0 ? "fail" : linearOnce.length > 0 ? "accepted" : "pass",
    linearOnce.length === 0 ? "every private input appears in more than one constraint or non-linearly"
      : slack.length === 0 ? `${linearOnce.length} such inputs, each accepted with a justification (below)`
        : `${slack.length} private inputs appear linearly in a single constraint: the prover can choose them to satisfy it whatever the other signals are, so that constraint restricts nothing`,
    linearOnce.map((f) => `${f.name}: only in constraint #${f.constraint}${f.justification ? " (accepted)" : ""}`)));

  const det = summariseDeterminacy(r1cs, determinacy, nameOf, roleOf, accepted);
  const unaccepted = det.roots.filter((r) => r.why !== "in no constraint" && !r.justification);
  const outputsNotShown = det.outputs.filter((o) => o.verdict === "not shown");
  const detOk = unaccepted.length === 0 && outputsNotShown.length === 0;
  // Everything shown is a pass; signals not shown but rooted only in accepted assumptions hold by those
  // justifications alone, which is what the auditor must review: "accepted", never a bare pass.
  const detStatus = !detOk ? "fail" : det.notShown > 0 ? "accepted" : "pass";
  checks.push(check("determinacy", "Every signal is shown uniquely determined by the inputs", detStatus,
    `${det.shown} of ${det.signals} signals shown unique, ${det.shownIfNonZero} provided named quantities are non-zero, ${det.notShown} not shown` +
      (det.notShown > 0 ? ` (${det.roots.length} assumed${unaccepted.length === 0 ? ", each accepted by a justification in circuits/audit.json that the auditor must review" : `, ${unaccepted.length} not accepted`}; ${det.notShown - det.roots.length} following from them)` : ""),
    [
      ...outputsNotShown.map((o) => `output ${o.name} not shown unique`),
      ...det.roots.filter((r) => r.why !== "in no constraint").map((r) => `${r.name} not shown (${r.why}); ${r.follows} signals follow from it${r.justification ? "; accepted" : ""}`),
    ]));

  // ---- compiler warnings ---------------------------------------------------------------------------
  const inspect = (info?.inspect ?? []).map((w) => ({
    code: w.code, template: w.template, message: w.message,
    justification: opts.acceptedWarnings?.find((a) => a.code === w.code && a.template === w.template)?.justification ?? "",
  }));
  if (info) {
    const unjustified = inspect.filter((w) => !w.justification);
    checks.push(check("inspect", "circom --inspect warnings are justified", unjustified.length === 0 ? "pass" : "fail",
      inspect.length === 0 ? "circom --inspect raised no warning"
        : unjustified.length === 0 ? `${inspect.length} warnings, each justified in circuits/manifest.json`
          : `${unjustified.length} warnings have no justification in circuits/manifest.json`,
      unjustified.map((w) => `warning[${w.code}] ${w.message}`)));
  }

  return {
    name: opts.name,
    ...(opts.instance ? {
      template: opts.instance.template,
      parameters: { assets: opts.instance.assets, positions: opts.instance.positions },
      role: opts.instance.role,
    } : {}),
    compiler: info?.compiler ?? null,
    files: {
      r1cs: { path: displayPath(files.r1cs), sha256: sha256File(files.r1cs) },
      sym: { path: displayPath(files.sym), sha256: sha256File(files.sym) },
    },
    sources,
    counts,
    publicSignals,
    eliminatedInputs,
    inNoConstraint,
    linearOnce,
    determinacy: det,
    inspect,
    checks,
  };
}

/** Private inputs that occur in exactly one constraint, and there only linearly (in C, or beside a constant factor). */
function linearlyOnce(r1cs: R1cs, d: Determinacy, roleOf: (w: number) => SignalRole): Array<{ wire: number; constraint: number }> {
  const out: Array<{ wire: number; constraint: number }> = [];
  for (let w = 1; w < r1cs.nVars; w++) {
    if (roleOf(w) !== "private input" || d.occurrences[w]!.length !== 1) continue;
    const k = d.occurrences[w]![0]!;
    const { a, b } = r1cs.constraints[k]!;
    const inA = a.some(([x]) => x === w);
    const inB = b.some(([x]) => x === w);
    const linear = (!inA && !inB) || (inA && !inB && isConstantOnly(b)) || (inB && !inA && isConstantOnly(a));
    if (linear) out.push({ wire: w, constraint: k });
  }
  return out;
}

function summariseDeterminacy(
  r1cs: R1cs, d: Determinacy, nameOf: (w: number) => string, roleOf: (w: number) => SignalRole, accepted: readonly AcceptedFinding[],
): CircuitAudit["determinacy"] {
  const byRule: Record<string, number> = {};
  const verdicts = { shown: 0, "shown if non-zero": 0, "not shown": 0 };
  const notShownGroups = new Map<string, number>();
  for (let w = 1; w < r1cs.nVars; w++) {
    const rule = d.rule[w] ?? "none";
    byRule[rule] = (byRule[rule] ?? 0) + 1;
    verdicts[d.verdict[w]!]++;
    if (d.verdict[w] === "not shown") {
      const g = signalGroup(nameOf(w));
      notShownGroups.set(g, (notShownGroups.get(g) ?? 0) + 1);
    }
  }
  const roots = d.conditions.flatMap((c, id) => {
    if (c.kind !== "assumed") return [];
    const name = nameOf(c.wire);
    const role = roleOf(c.wire);
    let follows = 0;
    for (let w = 1; w < r1cs.nVars; w++) if (w !== c.wire && d.conditionsOf[w]?.has(id)) follows++;
    const justification = role === "internal" ? acceptance(accepted, c.why === "in no constraint" ? "in no constraint" : "not shown", name) : undefined;
    return [{ name, role, why: c.why, follows, ...(justification ? { justification } : {}) }];
  });
  const conditionGroups = new Map<string, { count: number; example: string }>();
  for (const c of d.conditions) {
    if (c.kind !== "non-zero") continue;
    const g = signalGroup(nameOf(c.wire));
    const entry = conditionGroups.get(g);
    if (entry) entry.count++;
    else conditionGroups.set(g, { count: 1, example: `${formatCombination(c.factor, nameOf, r1cs.prime)} ≠ 0 (constraint #${c.constraint})` });
  }
  const outputs: Array<{ name: string; verdict: string }> = [];
  for (let w = 1; w <= r1cs.nOutputs; w++) outputs.push({ name: nameOf(w), verdict: d.verdict[w]! });
  return {
    signals: r1cs.nVars - 1,
    shown: verdicts.shown,
    shownIfNonZero: verdicts["shown if non-zero"],
    notShown: verdicts["not shown"],
    byRule,
    roots,
    notShownGroups: [...notShownGroups].map(([signal, count]) => ({ signal, count })),
    conditionGroups: [...conditionGroups].map(([signal, v]) => ({ signal, ...v })),
    outputs,
  };
}
