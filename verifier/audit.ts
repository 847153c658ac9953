/**
 * `solvency audit`: the auditor's report on each circuit instance — the circuit read from its r1cs, the
 * public signals against circuits/spec.json, the constraint analysis, the compiler's warnings, the
 * trusted setup verified by snarkjs, the verifier contract (source and, given an RPC endpoint and an
 * address, the deployed code), what a proof states and whom it trusts, the provenance (version, commit,
 * a recompile of the circuit) and, with --deployment, the whole deployment on chain. Writes
 * audit/<name>.md and audit/<name>.json with findings graded by severity; the verdict is PASS (with
 * what it rests on in parentheses), INCOMPLETE (something was not checked) or FAIL, and anything but a
 * PASS exits non-zero.
 *
 *   tsx verifier/audit.ts [--instance NAME]... [--all] [--out DIR] [--production] [--ptau FILE]
 *                         [--skip-zkey-verify] [--skip-recompile] [--rpc URL --address ADDR]
 *                         [--deployment FILE --rpc URL] [--json]
 */
import { mkdirSync, existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ROOT, artifacts, buildCommand, defaultInstances, instance as instanceSpec, manifest } from "../prover/artifacts.ts";
import { InputError, writeFileAtomic } from "../prover/files.ts";
import { spec } from "../prover/spec.ts";
import { verifierContractName } from "../prover/setup-info.ts";
import { releaseCurve } from "./snarkjs-api.ts";
import { check, displayPath, readAcceptedFindings, type Check } from "./audit/check.ts";
import { auditCircuit } from "./audit/circuit.ts";
import { auditSetup } from "./audit/setup.ts";
import { auditVerifier, type CodeSource } from "./audit/contract.ts";
import { renderMarkdown, type InstanceAudit } from "./audit/markdown.ts";
import { statementOf } from "./audit/statement.ts";
import { provenanceOf } from "./audit/provenance.ts";
import { auditDeployment } from "./audit/deployment.ts";
import { findingsOf } from "./audit/check.ts";
import { loadDeployment } from "./deployment.ts";

export { renderMarkdown, type InstanceAudit };
export type { Check } from "./audit/check.ts";

export const DEFAULT_OUT = path.join(ROOT, "audit");

export interface AuditOptions {
  /** instance names from circuits/manifest.json; default: the manifest's default instances */
  instances?: string[];
  all?: boolean;
  /** where the reports go (default audit/); false: do not write files */
  out?: string | false;
  /** a development trusted setup fails the audit */
  production?: boolean;
  /** a copy of the powers of tau to verify against, instead of the path setup.json records */
  ptau?: string;
  /** run snarkjs' zkey verification (default true; tens of seconds per small instance) */
  verifyZkey?: boolean;
  /** a deployed verifier to compare (one instance only) */
  deployed?: { address: string; rpc?: string; source?: CodeSource };
  /** a whole deployment to audit on chain: its instance, its verifier and every other contract */
  deployment?: { file: string; rpc: string };
  /** recompile the circuit from source and compare the r1cs (default true; tens of seconds) */
  recompile?: boolean;
  log?: (line: string) => void;
}

export interface AuditReport {
  generatedAt: string;
  production: boolean;
  passed: boolean;
  instances: InstanceAudit[];
}

export interface AuditResult {
  ok: boolean;
  report: AuditReport;
  /** one line per instance: its verdict and where the report went */
  lines: string[];
  files: string[];
}

/**
 * FAIL when a check failed; INCOMPLETE when one was not run (nothing wrong was found, but the audit
 * cannot vouch for it); otherwise PASS, naming in parentheses what the pass rests on: a development
 * setup, other warnings, and findings accepted by the project's justifications, which the reader must
 * review. A development setup fails under --production.
 */
export function verdictOf(checks: readonly Check[]): { verdict: string; passed: boolean; incomplete: boolean } {
  const failed = checks.filter((c) => c.status === "fail");
  if (failed.length > 0) return { verdict: `FAIL: ${failed.map((c) => `${c.title.toLowerCase()} (${c.detail})`).join("; ")}`, passed: false, incomplete: false };
  const skipped = checks.filter((c) => c.status === "skipped");
  if (skipped.length > 0) return { verdict: `INCOMPLETE: not checked: ${skipped.map((c) => `${c.title.toLowerCase()} (${c.detail})`).join("; ")}`, passed: false, incomplete: true };
  const notes: string[] = [];
  if (checks.some((c) => c.id === "production" && c.status === "warn")) notes.push("development setup");
  const warnings = checks.filter((c) => c.status === "warn" && c.id !== "production");
  if (warnings.length > 0) notes.push(`${warnings.length} warning${warnings.length === 1 ? "" : "s"}: ${warnings.map((c) => c.id).join(", ")}`);
  const accepted = checks.filter((c) => c.status === "accepted");
  if (accepted.length > 0) notes.push(`${accepted.length} accepted finding${accepted.length === 1 ? "" : "s"} to review: ${accepted.map((c) => c.id).join(", ")}`);
  return { verdict: notes.length ? `PASS (${notes.join("; ")})` : "PASS", passed: true, incomplete: false };
}

/** Audits one instance of circuits/manifest.json. */
export async function auditInstance(name: string, opts: Omit<AuditOptions, "instances" | "all" | "out"> = {}): Promise<InstanceAudit> {
  const inst = instanceSpec(name);
  const a = artifacts(name);
  const production = !!opts.production;
  const checks: Check[] = [];
  const result: InstanceAudit = {
    instance: name, verdict: "", passed: false, incomplete: false, generatedAt: new Date().toISOString(), production,
    findings: [], statement: statementOf(inst), provenance: null, circuit: null, setup: null, verifier: null, deployment: null, checks,
  };
  checks.push(...result.statement!.checks);
  const finish = (): InstanceAudit => Object.assign(result, verdictOf(checks), { findings: findingsOf(checks) });

  if (!existsSync(a.r1cs) || !existsSync(a.sym)) {
    checks.push(check("built", "The circuit is built", "fail", `${displayPath(a.r1cs)} or its .sym is missing: build it: ${buildCommand(name)}`));
    return finish();
  }
  opts.log?.(`${name}: reading the constraint system and analysing it`);
  result.circuit = await auditCircuit({
    name, instance: inst, files: { r1cs: a.r1cs, sym: a.sym, info: a.circuitInfo },
    publicSignals: spec.publicSignals, acceptedWarnings: manifest.acceptedWarnings, accepted: readAcceptedFindings(),
  });
  checks.push(...result.circuit.checks);
  result.provenance = await provenanceOf(inst, a.r1cs, { recompile: opts.recompile ?? true, production, log: opts.log && ((l) => opts.log!(`${name}: ${l}`)) });
  checks.push(...result.provenance.checks);

  result.setup = await auditSetup({
    r1cs: a.r1cs, zkey: a.zkey, vkey: a.vkey, setupInfo: a.setupInfo, ptau: opts.ptau,
    verifyZkey: opts.verifyZkey ?? true, production, log: opts.log && ((l) => opts.log!(`${name}: ${l}`)),
  });
  checks.push(...result.setup.checks);
  if (!existsSync(a.zkey)) return finish();

  opts.log?.(`${name}: comparing the verifier contract with the zkey`);
  result.verifier = await auditVerifier({
    name, zkey: a.zkey, vkey: a.vkey, sol: a.verifierSol, contract: verifierContractName(name, "groth16"), deployed: opts.deployed,
  });
  checks.push(...result.verifier.checks);
  if (opts.deployment) {
    opts.log?.(`${name}: auditing the deployment ${displayPath(opts.deployment.file)} at ${opts.deployment.rpc}`);
    result.deployment = await auditDeployment({ deployment: loadDeployment(opts.deployment.file), rpc: opts.deployment.rpc, production, log: opts.log && ((l) => opts.log!(`${name}: ${l}`)) });
    checks.push(...result.deployment.checks);
  }
  return finish();
}

/** Audits the selected instances and writes their reports. */
export async function audit(opts: AuditOptions = {}): Promise<AuditResult> {
  if (opts.deployment) {
    // The deployment names its instance and its verifier: audit exactly those.
    const d = loadDeployment(opts.deployment.file);
    if (opts.all || (opts.instances?.length && (opts.instances.length > 1 || opts.instances[0] !== d.instance))) {
      throw new InputError(`--deployment audits its own instance ${d.instance}`, "--instance", "drop --instance and --all with --deployment");
    }
    if (opts.deployed) throw new InputError("--address and --deployment both name a verifier", "--address", "drop --address: the deployment file names its verifier");
    // An endpoint that is unreachable or on another chain is told now, not after minutes of analysis.
    const { openProvider } = await import("./chain.ts");
    const { provider, chainId } = await openProvider(opts.deployment.rpc);
    provider.destroy();
    if (chainId !== d.chainId) throw new InputError(`the endpoint is on chain ${chainId}, the deployment on chain ${d.chainId}`, "--rpc", "give the RPC endpoint of the deployment's chain");
    opts = { ...opts, instances: [d.instance], deployed: { address: d.contracts.verifier, rpc: opts.deployment.rpc } };
  }
  const names = opts.all ? manifest.instances.map((i) => i.name) : opts.instances?.length ? opts.instances : defaultInstances().map((i) => i.name);
  for (const n of names) {
    if (!manifest.instances.some((i) => i.name === n)) {
      throw new InputError(`unknown circuit instance '${n}'`, "--instance", `name one of ${manifest.instances.map((i) => i.name).join(", ")}`);
    }
  }
  if (opts.deployed && names.length !== 1) {
    throw new InputError(`--address names one verifier but ${names.length} instances are selected`, "--address", "select the deployed verifier's instance with --instance NAME");
  }
  const instances: InstanceAudit[] = [];
  const files: string[] = [];
  const lines: string[] = [];
  try {
    for (const name of names) {
      const a = await auditInstance(name, opts);
      instances.push(a);
      if (opts.out !== false) {
        const dir = path.resolve(opts.out ?? DEFAULT_OUT);
        mkdirSync(dir, { recursive: true });
        const md = path.join(dir, `${name}.md`);
        const json = path.join(dir, `${name}.json`);
        writeFileAtomic(md, renderMarkdown(a), { overwrite: true });
        writeFileAtomic(json, JSON.stringify(a, null, 2) + "\n", { overwrite: true });
        files.push(md, json);
        lines.push(`${name}: ${a.verdict} — ${displayPath(md)}`);
      } else {
        lines.push(`${name}: ${a.verdict}`);
      }
    }
  } finally {
    await releaseCurve();
  }
  const passed = instances.every((i) => i.passed);
  return { ok: passed, report: { generatedAt: new Date().toISOString(), production: !!opts.production, passed, instances }, lines, files };
}

export const USAGE = `usage: solvency audit [--instance NAME]... [--all] [--out DIR] [--production] [--ptau FILE]
                      [--skip-zkey-verify] [--skip-recompile] [--rpc URL --address ADDR] [--deployment FILE --rpc URL]
  --instance NAME       audit this instance (repeatable; default: the manifest's default instances)
  --all                 audit every instance in circuits/manifest.json
  --out DIR             write <name>.md and <name>.json here (default: audit/)
  --production          a development trusted setup fails the audit
  --ptau FILE           verify against this copy of the powers of tau (its sha256 must be the recorded one)
  --skip-zkey-verify    do not run snarkjs' zkey verification (the verdict is then INCOMPLETE)
  --skip-recompile      do not recompile the circuit from source to compare the r1cs (INCOMPLETE)
  --rpc URL --address ADDR
                        compare the verifier deployed at ADDR with the compiled contract
  --deployment FILE --rpc URL
                        audit a whole deployment: its instance, the verifier the gate calls, every
                        contract's code, wiring, risk parameters, roles, reporters and attesters`;

/** Turns command-line arguments into options; InputError on a bad one. */
export function parseAuditArgs(args: readonly string[]): AuditOptions & { help: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      allowPositionals: false,
      options: {
        instance: { type: "string", multiple: true },
        all: { type: "boolean", default: false },
        out: { type: "string" },
        production: { type: "boolean", default: false },
        ptau: { type: "string" },
        "skip-zkey-verify": { type: "boolean", default: false },
        "skip-recompile": { type: "boolean", default: false },
        deployment: { type: "string" },
        rpc: { type: "string" },
        address: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    throw new InputError((err as Error).message, "audit arguments", USAGE.split("\n")[0]!);
  }
  if (values.deployment !== undefined) {
    if (values.rpc === undefined) throw new InputError("--deployment needs --rpc", "--rpc", "give the JSON-RPC endpoint of the deployment's chain");
    if (!existsSync(values.deployment)) throw new InputError("the deployment file does not exist", values.deployment, "give the file solvency deploy wrote");
  } else if ((values.rpc === undefined) !== (values.address === undefined)) {
    throw new InputError("--rpc and --address go together", values.rpc ? "--address" : "--rpc", "give both the endpoint and the verifier's address");
  }
  if (values.address !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(values.address)) {
    throw new InputError(`'${values.address}' is not an address`, "--address", "give the verifier contract's 0x-prefixed 20-byte address");
  }
  if (values.ptau !== undefined && !existsSync(values.ptau)) {
    throw new InputError(`${values.ptau} does not exist`, "--ptau", "give the path of the powers-of-tau file the setup used");
  }
  return {
    help: values.help!,
    instances: values.instance,
    all: values.all,
    out: values.out,
    production: values.production,
    ptau: values.ptau,
    verifyZkey: !values["skip-zkey-verify"],
    recompile: !values["skip-recompile"],
    ...(values.address ? { deployed: { address: values.address, rpc: values.rpc } } : {}),
    ...(values.deployment ? { deployment: { file: values.deployment, rpc: values.rpc! } } : {}),
  };
}

/**
 * The entry point: options, or command-line arguments (as `solvency audit` passes them on). `log`
 * receives progress lines.
 */
export async function runAudit(options: AuditOptions | readonly string[], io: { json?: boolean; log?: (line: string) => void } = {}): Promise<AuditResult> {
  if (Array.isArray(options)) {
    const parsed = parseAuditArgs(options);
    if (parsed.help) {
      return { ok: true, report: { generatedAt: new Date().toISOString(), production: false, passed: true, instances: [] }, lines: USAGE.split("\n"), files: [] };
    }
    return audit({ ...parsed, log: io.log });
  }
  return audit({ ...(options as AuditOptions), log: (options as AuditOptions).log ?? io.log });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const json = argv.includes("--json");
  try {
    const r = await runAudit(argv.filter((x) => x !== "--json"), { log: (l) => process.stderr.write(`${l}\n`) });
    if (json) process.stdout.write(JSON.stringify(r.report, null, 2) + "\n");
    else for (const l of r.lines) process.stdout.write(`${l}\n`);
    process.exitCode = r.ok ? 0 : 2;
  } catch (err) {
    const e = err as Error;
    process.stderr.write(`error: ${e instanceof InputError ? e.message : e.message.split("\n")[0]}\n`);
    process.exitCode = 1;
  }
}
