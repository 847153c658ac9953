/**
 * Compiles circuit instances from circuits/manifest.json with circom 2 (the circom2 package):
 * generates each instance's main component and the domain tags from circuits/spec.json, compiles with
 * --O2 --inspect, refuses any compiler warning the manifest does not justify, checks the public
 * signals' order against the spec, and records what was built in build/circuits/<name>/info.json.
 * An instance whose sources have not changed is not compiled again.
 *
 *   tsx scripts/compile-circuits.ts [--all] [--force] [NAME...]
 */
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { ROOT, BUILD_DIR, manifest, instance, defaultInstances, artifacts, type InstanceSpec, type CircuitInfo } from "../prover/artifacts.ts";

export type { CircuitInfo };
import { spec, TAGS, PUBLIC_SIGNAL_NAMES } from "../prover/spec.ts";

const require = createRequire(import.meta.url);
export const CIRCOM = require.resolve("circom2/cli.js");
const GENERATED = path.join(BUILD_DIR, "circuits", "generated");

const sha256 = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");
const rel = (p: string): string => path.relative(ROOT, p);

/** The generated domain tags (tags.circom), from circuits/spec.json. */
export function tagsSource(): string {
  const lines = ["pragma circom 2.1.9;", "", "// Generated from circuits/spec.json by scripts/compile-circuits.ts. Do not edit."];
  for (const [name, value] of Object.entries(TAGS)) {
    lines.push(`// "${spec.tags[name as keyof typeof spec.tags]}"`);
    lines.push(`function TAG_${name.toUpperCase()}() { return ${value}; }`);
  }
  const pr = spec.hashing.priceRound;
  lines.push("", "// The price round's packing (hashing.priceRound, bounds.priceBits).");
  lines.push(`function ROUND_ID_BITS() { return ${pr.roundIdBits}; }`);
  lines.push(`function ROUND_TIME_BITS() { return ${pr.roundTimeBits}; }`);
  lines.push(`function PRICE_BITS() { return ${spec.bounds.priceBits}; }`);
  lines.push(`function PRICES_PER_ELEMENT() { return ${pr.pricesPerElement}; }`);
  return lines.join("\n") + "\n";
}

const parameters = (inst: InstanceSpec): string => [inst.assets, inst.positions, ...(inst.scenarios === undefined ? [] : [inst.scenarios])].join(", ");

/** The generated main component of an instance, from circuits/manifest.json. */
export function mainSource(inst: InstanceSpec): string {
  return [
    "pragma circom 2.1.9;",
    "",
    `// ${inst.name}: ${inst.role}. Generated from circuits/manifest.json. Do not edit.`,
    `include "${inst.source}";`,
    "",
    `component main {public [${PUBLIC_SIGNAL_NAMES.join(", ")}]} = ${inst.template}(${parameters(inst)});`,
    "",
  ].join("\n");
}

/** Every source the instance depends on: the project's circuits, the generated files, and circomlib's. */
function sourceFiles(mainPath: string): string[] {
  const own = readdirSync(path.join(ROOT, "circuits")).filter((f) => f.endsWith(".circom")).map((f) => path.join(ROOT, "circuits", f));
  const used = new Set<string>();
  const visit = (file: string): void => {
    for (const m of readFileSync(file, "utf8").matchAll(/include\s+"([^"]+)"/g)) {
      const inc = m[1]!;
      const candidates = [path.join(path.dirname(file), inc), path.join(ROOT, "node_modules", inc), path.join(ROOT, "circuits", inc), path.join(GENERATED, inc)];
      const found = candidates.find((c) => existsSync(c));
      if (found && !used.has(found)) {
        used.add(found);
        visit(found);
      }
    }
  };
  visit(mainPath);
  return [...new Set([mainPath, ...own, ...used])].sort();
}

const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, "");

function parseWarnings(output: string): Array<{ code: string; template: string; message: string }> {
  const out = [];
  for (const line of stripAnsi(output).split("\n")) {
    const m = /^warning\[(\w+)\]:\s*(.*)$/.exec(line.trim());
    if (!m) continue;
    const t = /In template "([^"(]+)/.exec(m[2]!);
    out.push({ code: m[1]!, template: t ? t[1]! : "", message: m[2]! });
  }
  return out;
}

function count(output: string, label: string): number {
  const m = new RegExp(`^${label}:\\s*(\\d+)`, "m").exec(stripAnsi(output));
  if (!m) throw new Error(`circom output has no '${label}' line`);
  return Number(m[1]);
}

/** Reads the public inputs' names in wire order from the .sym file (wires 1..nPublic). */
function publicSignalsFromSym(symPath: string, nPublic: number): string[] {
  const byWire = new Map<number, string>();
  for (const line of readFileSync(symPath, "utf8").split("\n")) {
    const [, wire, , name] = line.split(",");
    const w = Number(wire);
    if (w >= 1 && w <= nPublic && name?.startsWith("main.")) byWire.set(w, name.slice(5));
  }
  return Array.from({ length: nPublic }, (_, i) => byWire.get(i + 1) ?? "?");
}

export function compile(inst: InstanceSpec, force = false): CircuitInfo {
  const a = artifacts(inst.name);
  mkdirSync(GENERATED, { recursive: true });
  mkdirSync(a.circuitDir, { recursive: true });
  writeFileSync(path.join(GENERATED, "tags.circom"), tagsSource());
  writeFileSync(a.main, mainSource(inst));

  const files = sourceFiles(a.main);
  const sources: Record<string, string> = {};
  for (const f of files) sources[rel(f)] = sha256(readFileSync(f));
  const compilerVersion = stripAnsi(spawnSync(process.execPath, [CIRCOM, "--version"], { encoding: "utf8" }).stdout).trim().split("\n").join("; ");
  const sourceHash = sha256(JSON.stringify({ sources, compilerVersion, inst }));

  if (!force && existsSync(a.circuitInfo) && existsSync(a.wasm) && existsSync(a.r1cs)) {
    const prev = JSON.parse(readFileSync(a.circuitInfo, "utf8")) as CircuitInfo;
    if (prev.sourceHash === sourceHash) {
      console.log(`${inst.name}: up to date (${prev.constraints.total} constraints)`);
      return prev;
    }
  }

  console.log(`${inst.name}: compiling ${inst.template}(${parameters(inst)}) ...`);
  const t0 = performance.now();
  const tmp = path.join(BUILD_DIR, "circuits", `.${inst.name}.tmp`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const args = [CIRCOM, rel(a.main), "--r1cs", "--wasm", "--sym", "--O2", "--inspect",
    "-l", "node_modules", "-l", "circuits", "-l", rel(GENERATED), "-o", rel(tmp)];
  const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const output = `${run.stdout}\n${run.stderr}`;
  if (run.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`circom failed on ${inst.name}:\n${stripAnsi(output).trim()}`);
  }
  const compileSeconds = (performance.now() - t0) / 1000;

  const inspect = parseWarnings(output).map((w) => {
    const accepted = manifest.acceptedWarnings.find((x) => x.code === w.code && x.template === w.template);
    return { ...w, justification: accepted?.justification ?? "" };
  });
  const unjustified = inspect.filter((w) => !w.justification);
  if (unjustified.length > 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`${inst.name}: compiler warnings without a justification in circuits/manifest.json:\n` +
      unjustified.map((w) => `  warning[${w.code}] ${w.message}`).join("\n"));
  }

  // Move the finished outputs into place only once everything succeeded.
  for (const f of readdirSync(tmp)) {
    rmSync(path.join(a.circuitDir, f), { recursive: true, force: true });
    renameSync(path.join(tmp, f), path.join(a.circuitDir, f));
  }
  rmSync(tmp, { recursive: true, force: true });

  const nonLinear = count(output, "non-linear constraints");
  const linear = count(output, "linear constraints");
  const publicInputs = count(output, "public inputs");
  const publicSignals = publicSignalsFromSym(a.sym, publicInputs);
  if (JSON.stringify(publicSignals) !== JSON.stringify(PUBLIC_SIGNAL_NAMES)) {
    throw new Error(`${inst.name}: public signals ${publicSignals.join(",")} differ from circuits/spec.json ${PUBLIC_SIGNAL_NAMES.join(",")}`);
  }
  const info: CircuitInfo = {
    name: inst.name,
    template: inst.template,
    assets: inst.assets,
    positions: inst.positions,
    compiler: compilerVersion,
    sourceHash,
    sources,
    constraints: { nonLinear, linear, total: nonLinear + linear },
    wires: count(output, "wires"),
    publicInputs,
    privateInputs: count(output, "private inputs"),
    outputs: count(output, "public outputs"),
    publicSignals,
    inspect,
    compileSeconds: Math.round(compileSeconds * 100) / 100,
  };
  writeFileSync(a.circuitInfo, JSON.stringify(info, null, 2) + "\n");
  console.log(`${inst.name}: ${info.constraints.total} constraints, ${info.wires} wires, ${inspect.length} justified warnings (${info.compileSeconds}s)`);
  return info;
}

function main(): void {
  const argv = process.argv.slice(2);
  const force = argv.includes("--force");
  const names = argv.filter((a) => !a.startsWith("--"));
  const selected = argv.includes("--all") ? manifest.instances : names.length > 0 ? names.map(instance) : defaultInstances();
  for (const inst of selected) compile(inst, force);
}

/** The command-line entry point (scripts/compile-circuits.ts): exits with its status. */
export async function runCommand(): Promise<void> {
  try {
    main();
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    process.exit(1);
  }
}
