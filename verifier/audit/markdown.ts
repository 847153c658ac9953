/**
 * The audit report of one circuit instance as Markdown: the verdict first, then every check, then the
 * particulars an auditor reads (circuit, public signals, constraint analysis, compiler warnings, trusted
 * setup, verifier contract).
 */
import type { Check, CheckStatus, Finding } from "./check.ts";
import type { CircuitAudit } from "./circuit.ts";
import type { SetupAudit } from "./setup.ts";
import type { VerifierAudit } from "./contract.ts";
import type { Statement } from "./statement.ts";
import type { Provenance } from "./provenance.ts";
import type { DeploymentAudit } from "./deployment.ts";

export interface InstanceAudit {
  instance: string;
  /** PASS, PASS (what it rests on), INCOMPLETE: …, or FAIL: … */
  verdict: string;
  passed: boolean;
  /** nothing failed, but a check was not run */
  incomplete: boolean;
  generatedAt: string;
  production: boolean;
  /** every check that did not simply pass, most severe first */
  findings: Finding[];
  statement: Statement | null;
  provenance: Provenance | null;
  circuit: CircuitAudit | null;
  setup: SetupAudit | null;
  verifier: VerifierAudit | null;
  deployment: DeploymentAudit | null;
  checks: Check[];
}

const MARK: Record<CheckStatus, string> = { pass: "pass", accepted: "accepted (review the justifications)", fail: "**FAIL**", warn: "**WARNING**", skipped: "**not checked**" };
const cell = (s: string | number): string => String(s).replace(/\|/g, "\\|").replace(/\n/g, " ");
const table = (head: string[], rows: Array<Array<string | number>>): string[] =>
  rows.length === 0 ? [] : [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`), ""];
const code = (s: string): string => `\`${s}\``;

export function renderMarkdown(a: InstanceAudit): string {
  const out: string[] = [`# Audit of ${a.instance}`, "", `**Verdict: ${a.verdict}**`, ""];
  const development = a.checks.find((c) => c.id === "production" && c.status !== "pass");
  if (development) {
    out.push(`> **DEVELOPMENT TRUSTED SETUP — NOT FOR VALUE.** ${development.detail}`,
      `> ${a.production ? "This audit ran with --production, so this fails it." : "Run the audit with --production to make this a failure; a deployment that holds value needs a ceremony powers-of-tau file and a public beacon (npm run setup -- --ptau FILE --beacon HEX)."}`, "");
  }
  out.push(`Generated ${a.generatedAt}${a.production ? " with --production" : ""}.`, "");

  out.push("## Findings", "");
  if (a.findings.length === 0) out.push("None: every check passed.", "");
  else out.push(...table(["severity", "result", "check", "what was found"], a.findings.map((f) => [f.severity, MARK[f.status], f.title, f.detail])));

  out.push("## Checks", "");
  out.push(...table(["check", "result", "what was found"], a.checks.map((c) => [c.title, MARK[c.status], c.detail])));
  for (const c of a.checks.filter((x) => x.items && x.status !== "pass")) {
    out.push(`${c.title}:`, "", ...c.items!.map((i) => `- ${i}`), "");
  }

  if (a.statement) out.push(...statementSection(a.statement));
  if (a.provenance) out.push(...provenanceSection(a.provenance));
  if (a.circuit) out.push(...circuitSection(a.circuit));
  if (a.setup) out.push(...setupSection(a.setup));
  if (a.verifier) out.push(...verifierSection(a.verifier));
  if (a.deployment) out.push(...deploymentSection(a.deployment));
  return out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}

function circuitSection(c: CircuitAudit): string[] {
  const out = ["## 1. The circuit", ""];
  const params = c.parameters ? `(${Object.values(c.parameters).join(", ")})` : "";
  if (c.template) out.push(`Template ${code(`${c.template}${params}`)}${c.parameters ? `: ${Object.entries(c.parameters).map(([k, v]) => `${v} ${k}`).join(", ")}` : ""}${c.role ? `; ${c.role}` : ""}.`, "");
  out.push(`Compiler: ${c.compiler ?? "not recorded"}. Constraint system ${code(c.files.r1cs.path)} (sha256 ${code(c.files.r1cs.sha256)}), symbols ${code(c.files.sym.path)}.`, "");
  const k = c.counts;
  out.push("Read from the r1cs (a constraint is linear when A or B is a constant):", "");
  out.push(...table(["constraints", "linear", "non-linear", "wires", "outputs", "public inputs", "private inputs (with a wire)", "labelled signals", "eliminated by --O2"],
    [[k.constraints, k.linear, k.nonLinear, k.wires, k.outputs, k.publicInputs, `${k.privateInputs} (${k.privateInputWires})`, k.labels, k.eliminated]]));
  if (c.sources.length > 0) {
    out.push("Sources, hashed at compile time and now:", "");
    out.push(...table(["file", "sha256", "now"], c.sources.map((s) => [code(s.path), code(s.recorded), s.actual === s.recorded ? "same" : s.actual === null ? "**missing**" : `**changed** (${s.actual})`])));
  }

  out.push("## 2. Public signals", "");
  out.push("In the order of the proof's public inputs (wires 1.., as snarkjs and the verifier contract take them), from circuits/spec.json:", "");
  out.push(...table(["#", "signal", "bits", "meaning", "bound on chain by"],
    c.publicSignals.map((s) => [s.index, code(s.name), s.spec?.bits ?? "", s.spec?.meaning ?? "(not in the spec)", s.spec?.boundBy ?? ""])));
  for (const s of c.publicSignals.filter((x) => x.spec?.fields)) {
    out.push(`${code(s.name)} packs:`, "");
    out.push(...table(["field", "bits", "offset", "meaning", "bound on chain by"], s.spec!.fields!.map((f) => [code(f.name), f.bits, f.offset, f.meaning, f.boundBy])));
  }

  out.push("## 3. Constraint analysis", "");
  out.push("### Signals in no constraint", "");
  if (c.inNoConstraint.length === 0) out.push("None: every wire appears in at least one constraint.", "");
  else out.push(...table(["signal", "role", "accepted because"], c.inNoConstraint.map((f) => [code(f.name), f.role, f.justification ?? "**not accepted**"])));
  if (c.eliminatedInputs.length > 0) {
    out.push(`Inputs of the main component without a wire: the optimiser either substituted them (they equal a linear combination of other signals, which keeps every constraint they were in) or dropped them because no constraint uses them; ${code("circom --inspect")} warns about the latter (section 4). ${c.eliminatedInputs.map((f) => `${code(f.name)} (${f.role})`).join(", ")}.`, "");
  }
  out.push("### Private inputs in one linear term only", "");
  if (c.linearOnce.length === 0) out.push("None: every private input appears in more than one constraint, or non-linearly.", "");
  else out.push(...table(["signal", "constraint", "accepted because"], c.linearOnce.map((f) => [code(f.name), `#${f.constraint}`, f.justification ?? "**not accepted**: that constraint restricts nothing"])));

  const d = c.determinacy;
  out.push("### Determinacy", "");
  out.push("Starting from the inputs as known, rules are applied to a fixpoint: linear relations (linear constraints, and products whose factors are known) solved jointly by elimination; bit decompositions (boolean signals with ±2^e coefficients spanning ≤ 252 bits are unique); circomlib's IsZero pattern; and, when those are stuck, a product A·B = C with the one unknown in A, determined provided a named quantity is non-zero. What the rules cannot reach is *not shown*: possibly free, possibly determined for a reason the rules do not capture. To name the gaps rather than their consequences, the analysis then assumes unreached signals one at a time and carries on.", "");
  out.push(...table(["signals (wires)", "shown unique", "shown unique if non-zero", "not shown", "assumed (roots)"],
    [[d.signals, d.shown, d.shownIfNonZero, d.notShown, d.roots.length]]));
  out.push(`By rule: ${Object.entries(d.byRule).map(([r, n]) => `${r} ${n}`).join(", ")}.`, "");
  if (d.outputs.length > 0) out.push(`Outputs: ${d.outputs.map((o) => `${code(o.name)} ${o.verdict}`).join(", ")}.`, "");
  if (d.roots.length > 0) {
    out.push("Roots, the signals assumed:", "");
    out.push(...table(["signal", "role", "why assumed", "signals following from it", "accepted because"],
      d.roots.map((r) => [code(r.name), r.role, r.why, r.follows, r.justification ?? "**not accepted**"])));
  }
  if (d.notShownGroups.length > 0) {
    out.push("Not shown, by signal (indices and anonymous-component numbers dropped):", "");
    out.push(...table(["signals", "count"], d.notShownGroups.map((g) => [code(g.signal), g.count])));
  }
  if (d.conditionGroups.length > 0) {
    out.push("Shown unique provided a quantity is non-zero, by signal, with one instance of the condition. These are listed for review and do not fail the audit:", "");
    out.push(...table(["signals", "count", "for example"], d.conditionGroups.map((g) => [code(g.signal), g.count, g.example])));
  }

  out.push("## 4. Compiler warnings (circom --inspect)", "");
  if (c.inspect.length === 0) out.push("None recorded.", "");
  else out.push(...table(["code", "template", "warning", "justification (circuits/manifest.json)"], c.inspect.map((w) => [w.code, w.template, w.message, w.justification || "**none**"])));
  return out;
}

function setupSection(s: SetupAudit): string[] {
  const out = ["## 5. Trusted setup", ""];
  const r = s.record;
  if (!r) return [...out, s.checks[0]?.detail ?? "No setup record.", ""];
  out.push(r.development ? "**DEVELOPMENT SETUP — NOT FOR VALUE.**" : "Production setup: ceremony powers of tau and a public beacon.", "");
  out.push(...table(["", ""], [
    ["snarkjs", r.snarkjs],
    ["powers of tau", `${code(s.ptau?.path ?? r.ptau.path)} (power ${r.ptau.power})`],
    ["origin", r.ptau.development && !/^development/i.test(r.ptau.origin) ? `${r.ptau.origin} (development file)` : r.ptau.origin],
    ["ptau sha256 (recorded / now)", `${code(r.ptau.sha256)} / ${s.ptau?.sha256 ? code(s.ptau.sha256) : "**missing**"}`],
    ["ptau blake2b", code(r.ptau.blake2b)],
    ["ptau check at setup", r.ptau.verification],
    ["circuit domain", `2^${r.circuit.power} (${r.circuit.constraints} constraints)`],
    ["zkey", `${code(r.zkey.path)} sha256 ${code(r.zkey.sha256)}`],
    ["circuit hash (recorded)", r.circuitHash ? code(r.circuitHash) : "—"],
    ["circuit hash (verified)", s.verification?.circuitHash ? code(s.verification.circuitHash) : "not verified"],
  ]));
  if (s.verification) {
    out.push(`snarkjs zkey verify: ${s.verification.ok ? "ok" : "**refused**"} in ${s.verification.seconds}s.${s.verification.errors.length ? ` Errors: ${s.verification.errors.join("; ")}` : ""}`, "");
  }
  out.push("Phase-2 contributions, as recorded and as the verifier recomputes them from the zkey:", "");
  out.push(...table(["#", "name", "kind", "hash (blake2b)", "verified"], r.contributions.map((c, i) => {
    const v = s.verification?.contributions[i];
    return [i + 1, c.name, c.kind, code(c.hash), !v ? "not verified" : v.hash === c.hash && v.name === c.name ? "same" : `**differs**: ${v.name} ${v.hash}`];
  })));
  if (r.beacon) out.push(`Beacon: ${code(r.beacon.hash)}, 2^${r.beacon.iterationsExp} iterations, ${r.beacon.source}.`, "");
  return out;
}

function verifierSection(v: VerifierAudit): string[] {
  const out = ["## 6. Verifier contract", ""];
  out.push(`${code(v.contract)} in ${code(v.sol)}${v.nPublic !== null ? `, ${v.nPublic} public signals` : ""}. Its constants against the verification key exported from the zkey:`, "");
  out.push(...table(["constant", "zkey", "contract"], v.constants.map((c) => [code(c.name), c.expected, c.actual === c.expected ? "same" : `**${c.actual ?? "missing"}**`])));
  if (v.deployed) out.push(`Deployed at ${code(v.deployed.address)}${v.deployed.chainId ? ` on chain ${v.deployed.chainId}` : ""}: ${v.deployed.codeBytes} bytes of runtime code.`, "");
  return out;
}

function statementSection(s: Statement): string[] {
  const out = ["## What a proof states, and whom it trusts", ""];
  out.push("```", ...s.inequality, "```", "");
  out.push("It also proves:", "", ...s.claims.map((c) => `- ${c}`), "");
  out.push("Bound analysis (from circuits/spec.json, recomputed by the audit):", "", ...s.bounds.map((b) => `- ${b}`), "");
  out.push("Trusted, not proven:", "");
  out.push(...table(["who", "trusted for"], s.trust.map((t) => [t.who, t.trustedFor])));
  return out;
}

function provenanceSection(p: Provenance): string[] {
  const out = ["## Provenance", ""];
  out.push(...table(["", ""], [
    ["project", `${p.package.name} ${p.package.version}`],
    ["git commit", p.git ? `${code(p.git.commit)}${p.git.dirty ? ` with ${p.git.changed.length} uncommitted changes` : ""}` : "not a git checkout"],
    ["node / snarkjs", `${p.node} / ${p.snarkjs ?? "unknown"}`],
    ["recompiled r1cs", p.recompile ? `sha256 ${code(p.recompile.r1csSha256)} (${p.recompile.r1csSha256 === p.recompile.builtSha256 ? "same as the audited r1cs" : `**differs** from ${code(p.recompile.builtSha256)}`}), ${p.recompile.seconds}s` : "not recompiled"],
  ]));
  return out;
}

function deploymentSection(d: DeploymentAudit): string[] {
  const out = ["## 7. Deployment", ""];
  out.push(`${code(d.file)} on chain ${d.chainId} at ${d.rpc}, instance ${code(d.instance)}.`, "");
  out.push(...table(["contract", "address", "compared with", "code bytes", "matches the build"],
    d.contracts.map((c) => [c.name, code(c.address), c.artifact, c.codeBytes, c.matches === null ? "not compared" : c.matches ? "yes" : "**NO**"])));
  if (d.ratios) out.push(`Ratios in force: initial ${d.ratios.initialBps} bps, maintenance ${d.ratios.maintenanceBps} bps.`, "");
  out.push("Role holders:", "");
  out.push(...table(["contract", "role", "holders"], d.roles.map((r) => [r.contract, r.role, r.holders.join(", ") || "nobody"])));
  out.push(`Oracle reporters: ${d.reporters.join(", ") || "none"}; quorum: ${d.quorum ?? "none (any one reporter publishes)"}.`, "");
  out.push("Attesters:", "");
  if (d.attesters.length === 0) out.push("None registered.", "");
  else out.push(...table(["id", "status", "Ax", "Ay"], d.attesters.map((a) => [a.id, a.status, a.ax, a.ay])));
  return out;
}
