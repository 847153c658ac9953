/**
 * The benchmark: for every circuit instance, its constraints, compile and setup time, witness and proving
 * time (cold: a new process per proof; warm: key loaded, several proofs), peak memory, off-chain and
 * on-chain verification cost; Groth16 beside PLONK and FFLONK on the default instance; the gas of each
 * on-chain action (scripts/gas.ts); fits that predict cost from portfolio size; and the project's
 * targets, each met or missed by how much. Writes <out>/results.json and the table in README.md
 * between the bench markers.
 *
 *   tsx scripts/bench.ts [--instances A,B] [--runs K] [--quick] [--no-readme] [--no-gas] [--out DIR]
 *
 * --quick measures the smallest instance with 2 runs and skips PLONK, FFLONK and scripts/gas.ts, so
 * that it can run often (CI) to keep the benchmark working; its numbers are not the benchmark's, so it
 * writes to build/bench (unless --out says where) and never touches the README.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ROOT, BUILD_DIR, manifest, instance, artifacts, type InstanceSpec } from "../prover/artifacts.ts";
import { writeFileAtomic, toJson } from "../prover/files.ts";
import { releaseProvingResources } from "../prover/prove.ts";
import { readSetupInfo, setupArtifacts, type ProofSystem, type SetupInfo } from "../prover/setup-info.ts";
import { compile, type CircuitInfo } from "../pipeline/compile.ts";
import { ptauCacheDir, SHARED_PTAU_DIR } from "../pipeline/ptau.ts";
import { setup, DEFAULT_BEACON_ITERATIONS } from "../pipeline/setup.ts";
import { machine } from "../benchmark/machine.ts";
import { coldMedians, coldRuns, runTs, warmMedians, warmRun } from "../benchmark/measure.ts";
import { markdown, targets, updateReadme } from "../benchmark/report.ts";
import { RESULTS_VERSION, gasFileSchema, type BenchResults, type ConstraintCost, type GasReport, type Growth, type InstanceResult, type SystemResult } from "../benchmark/results.ts";
import { leastSquares, formula, type Fit } from "../benchmark/stats.ts";
import { templateCost } from "../benchmark/template-cost.ts";
import { verifierGas, instanceVerifier, type SystemProof } from "../benchmark/verifier-gas.ts";
import { standInVerifierGas } from "../benchmark/stand-in.ts";
import { measureThroughput, writeThroughput } from "../benchmark/throughput.ts";

interface Options {
  instances: InstanceSpec[];
  runs: number;
  quick: boolean;
  readme: boolean;
  gas: boolean;
  systems: boolean;
  out: string;
}

const log = (line: string): void => console.log(line);
const loadAverage = (): number => Math.round(os.loadavg()[0] * 100) / 100;
const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** The instance institutions use by default: the manifest's instance whose role says "default". */
function defaultInstance(): InstanceSpec {
  const found = manifest.instances.find((i) => i.role.startsWith("default"));
  if (!found) throw new Error("circuits/manifest.json names no instance with the role 'default: ...'");
  return found;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      instances: { type: "string" },
      runs: { type: "string" },
      quick: { type: "boolean", default: false },
      "no-readme": { type: "boolean", default: false },
      "no-gas": { type: "boolean", default: false },
      out: { type: "string" },
    },
  });
  const quick = values.quick!;
  const runs = Number(values.runs ?? (quick ? 2 : 5));
  if (!Number.isInteger(runs) || runs < 1 || runs > 100) throw new Error(`--runs must be an integer from 1 to 100, not '${values.runs}'`);
  const small = [...manifest.instances].sort((a, b) => a.assets - b.assets)[0]!;
  const instances = values.instances ? values.instances.split(",").map((n) => instance(n.trim())) : quick ? [small] : manifest.instances;
  return {
    instances,
    runs,
    quick,
    readme: !values["no-readme"] && !quick,
    gas: !values["no-gas"] && !quick,
    systems: !quick,
    out: path.resolve(values.out ?? (quick ? path.join(BUILD_DIR, "bench") : path.join(ROOT, "bench"))),
  };
}

/** Powers of the development ptau files the setup may use without generating one (cache or ../shared). */
function availablePtauPower(): number {
  let best = 0;
  for (const dir of [ptauCacheDir(), SHARED_PTAU_DIR]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      const m = /^dev_(\d+)\.ptau$/.exec(f);
      if (m) best = Math.max(best, Number(m[1]));
    }
  }
  return best;
}

const domainPower = (info: CircuitInfo): number => Math.ceil(Math.log2(info.constraints.total + info.publicInputs + info.outputs + 1));
const setupSeconds = (s: SetupInfo): number => round(Object.values(s.seconds).reduce((a, b) => a + b, 0), 1);

/** The instance's trusted setup: the existing one, or a new one when the development ptau is large enough. */
async function ensureSetup(inst: InstanceSpec, system: ProofSystem, power: number): Promise<{ info: SetupInfo; ranNow: boolean }> {
  try {
    const info = readSetupInfo(inst.name, system);
    if (existsSync(setupArtifacts(inst.name, system).zkey)) return { info, ranNow: false };
  } catch {
    // not set up yet
  }
  const available = availablePtauPower();
  if (power > available) {
    throw new Error(`needs 2^${power} powers of tau; the largest development ptau here has 2^${available} (a larger one takes hours to make: run 'npm run setup -- ${system === "groth16" ? "" : `--system ${system} `}${inst.name}' first)`);
  }
  log(`${inst.name}: ${system} setup (this takes a while) ...`);
  const info = await setup(inst, { system, beaconIterations: DEFAULT_BEACON_ITERATIONS, force: false }, (l) => log(`  ${l.trim()}`));
  await releaseProvingResources();
  return { info, ranNow: true };
}

async function measureInstance(inst: InstanceSpec, opts: Options): Promise<{ result: InstanceResult; proof: SystemProof | null }> {
  const info = compile(inst);
  const power = domainPower(info);
  const result: InstanceResult = {
    name: inst.name, assets: inst.assets, positions: inst.positions,
    constraints: info.constraints, wires: info.wires, power, compileSeconds: info.compileSeconds,
    setup: null, warm: null, cold: null, verifierGas: null, skipped: null, loadAverage: null, raw: { cold: [], warm: null },
  };
  try {
    const { info: s, ranNow } = await ensureSetup(inst, "groth16", power);
    result.setup = { seconds: setupSeconds(s), steps: s.seconds, development: s.development, ranNow };
  } catch (err) {
    result.skipped = (err as Error).message;
    log(`${inst.name}: not proved: ${result.skipped}`);
    return { result, proof: null };
  }
  const before = loadAverage();
  log(`${inst.name}: ${info.constraints.total} constraints; ${opts.runs} cold runs ...`);
  result.raw.cold = coldRuns(inst.name, opts.runs);
  result.cold = coldMedians(result.raw.cold);
  log(`${inst.name}: warm runs ...`);
  const { last, ...warm } = warmRun(inst.name, opts.runs, "groth16");
  result.raw.warm = warm;
  result.warm = warmMedians({ ...warm, last });
  result.loadAverage = { before, after: loadAverage() };
  log(`${inst.name}: cold ${result.cold.totalMs} ms to a first proof; warm Prover.prove ${result.warm.proveMs} ms, proof ${result.warm.proofMs} ms; peak ${Math.max(result.cold.peakMemoryMiB, result.warm.peakMemoryMiB)} MiB`);
  return { result, proof: { system: "groth16", ...last, verifier: instanceVerifier(inst.name, "groth16") } };
}

async function measureSystem(inst: InstanceSpec, system: "plonk" | "fflonk", power: number, runs: number): Promise<{ result: SystemResult; proof: SystemProof | null }> {
  const result: SystemResult = { system, instance: inst.name, setupSeconds: null, zkeyMiB: null, warm: null, verifierGas: null, error: null };
  try {
    // PLONK and FFLONK take a larger domain than Groth16 (their gates count additions too): setup.ts asks for one more power.
    const { info } = await ensureSetup(inst, system, power + 1);
    result.setupSeconds = setupSeconds(info);
    result.zkeyMiB = round(statSync(setupArtifacts(inst.name, system).zkey).size / 2 ** 20, 1);
    log(`${inst.name}: ${system} warm runs ...`);
    const { last, ...warm } = warmRun(inst.name, runs, system);
    result.warm = warmMedians({ ...warm, last });
    return { result, proof: { system, ...last, verifier: instanceVerifier(inst.name, system) } };
  } catch (err) {
    result.error = (err as Error).message.split("\n")[0]!;
    log(`${inst.name}: ${system} not measured: ${result.error}`);
    return { result, proof: null };
  }
}

function constraintCost(all: InstanceResult[]): ConstraintCost {
  // the fit is over Solvency(N, M); a stress instance's S scenarios are a third dimension it does not model
  const instances = all.filter((i) => instance(i.name).scenarios === undefined);
  const loopBodies = Object.fromEntries([templateCost("AssetTerms", "asset.circom"), templateCost("PerpetualTerms", "perpetual.circom")]
    .map((t) => [t.template, t.constraints]));
  let fit: Fit | null = null;
  try {
    fit = leastSquares(["assets", "positions"], instances.map((i) => ({ x: [i.assets, i.positions], y: i.constraints.total })));
  } catch {
    // fewer than three instances, or none that differ in both dimensions
  }
  // Exact marginals from two instances that differ in one dimension only, where the manifest has them.
  const pairs = (dim: "assets" | "positions", other: "assets" | "positions") => {
    for (const a of instances) {
      for (const b of instances) {
        if (a[other] === b[other] && b[dim] > a[dim]) {
          return { constraints: (b.constraints.total - a.constraints.total) / (b[dim] - a[dim]), from: `exact: ${b.name} − ${a.name}, per ${dim === "assets" ? "asset" : "position"}` };
        }
      }
    }
    return null;
  };
  const fromFit = (k: number, what: string) => (fit ? { constraints: fit.coefficients[k]!, from: `least-squares fit over ${fit.points} instances (R² ${fit.r2.toFixed(4)}), per ${what}` } : null);
  return {
    loopBodies,
    fit,
    perAsset: pairs("assets", "positions") ?? fromFit(0, "asset"),
    perPosition: pairs("positions", "assets") ?? fromFit(1, "position"),
  };
}

function growth(instances: InstanceResult[], cost: ConstraintCost): Growth {
  const proved = instances.filter((i) => i.warm?.proveMs != null);
  const tryFit = (vars: string[], x: (i: InstanceResult) => number[]): Fit | null => {
    try {
      return leastSquares(vars, proved.map((i) => ({ x: x(i), y: i.warm!.proveMs! })));
    } catch {
      return null;
    }
  };
  const vsConstraints = tryFit(["constraints"], (i) => [i.constraints.total]);
  const vsAssets = tryFit(["assets"], (i) => [i.assets]);
  const formulas: string[] = [];
  if (cost.fit) formulas.push(`Constraints: \`${formula(cost.fit, "constraints", 4)}\` (R² ${cost.fit.r2.toFixed(4)}).`);
  if (vsConstraints) formulas.push(`Warm proving time: \`${formula(vsConstraints, "ms")}\` (R² ${vsConstraints.r2.toFixed(3)}, ${vsConstraints.points} instances).`);
  if (vsConstraints && cost.fit) {
    const [b] = vsConstraints.coefficients;
    const [cN, cM] = cost.fit.coefficients;
    const composed: Fit = { variables: ["assets", "positions"], intercept: vsConstraints.intercept + b! * cost.fit.intercept, coefficients: [b! * cN!, b! * cM!], r2: NaN, points: 0 };
    formulas.push(`Predicted warm proving for a portfolio of N assets and M positions: \`${formula(composed, "ms")}\` ` +
      "(the two fits composed; Groth16's FFTs double at each power of two of the domain, so expect steps around the line).");
  }
  if (vsAssets) formulas.push(`Warm proving time against assets alone: \`${formula(vsAssets, "ms")}\` (R² ${vsAssets.r2.toFixed(3)}).`);
  if (!vsConstraints) formulas.push("No proving-time fit: it needs at least two proved instances.");
  return { provingVsConstraints: vsConstraints, provingVsAssets: vsAssets, formulas };
}

/** Runs scripts/gas.ts in its own process and reads what it wrote to bench/gas.json. */
function gasReport(): GasReport {
  const script = path.join(ROOT, "scripts", "gas.ts");
  const file = path.join(ROOT, "bench", "gas.json");
  if (!existsSync(script)) return { report: null, seconds: 0, error: "scripts/gas.ts is not in this tree" };
  const t0 = performance.now();
  try {
    log("gas: running scripts/gas.ts ...");
    runTs(script, [], "scripts/gas.ts");
    const parsed = gasFileSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (!parsed.success) throw new Error(`bench/gas.json does not have the expected shape: ${parsed.error.issues[0]!.path.join(".")}: ${parsed.error.issues[0]!.message}`);
    return { report: parsed.data, seconds: round((performance.now() - t0) / 1000, 1), error: null };
  } catch (err) {
    return { report: null, seconds: round((performance.now() - t0) / 1000, 1), error: (err as Error).message.split("\n")[0]! };
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const opts = parseOptions(process.argv.slice(2));
  const def = defaultInstance();
  const measured: InstanceResult[] = [];
  const proofs = new Map<string, SystemProof[]>();
  for (const inst of opts.instances) {
    const { result, proof } = await measureInstance(inst, opts);
    measured.push(result);
    if (proof) proofs.set(inst.name, [proof]);
  }

  const systems: SystemResult[] = [];
  const defResult = measured.find((i) => i.name === def.name);
  if (opts.systems && defResult) {
    for (const system of ["plonk", "fflonk"] as const) {
      const { result, proof } = await measureSystem(def, system, defResult.power, opts.runs);
      systems.push(result);
      if (proof) proofs.get(def.name)?.push(proof);
    }
  }

  log("verifier gas: compiling and calling the exported verifiers on an in-process Hardhat network ...");
  for (const [name, list] of proofs) {
    const gas = await verifierGas(list);
    const inst = measured.find((i) => i.name === name)!;
    inst.verifierGas = gas.find((g) => g.system === "groth16") ?? null;
    for (const s of systems) if (s.instance === name) s.verifierGas = gas.find((g) => g.system === s.system) ?? null;
  }
  if (defResult?.warm) {
    systems.unshift({
      system: "groth16", instance: def.name, setupSeconds: defResult.setup?.seconds ?? null,
      zkeyMiB: round(statSync(artifacts(def.name).zkey).size / 2 ** 20, 1), warm: defResult.warm, verifierGas: defResult.verifierGas, error: null,
    });
  }
  let standIn = null;
  if (opts.systems) {
    log("verifier gas of every proof system on a stand-in circuit with the same public signals ...");
    standIn = await standInVerifierGas((l) => log(`  ${l.trim()}`));
  }
  if (!opts.systems) systems.length = 0;

  log("constraint cost: compiling the loop bodies alone ...");
  const cost = constraintCost(measured);
  const gas = opts.gas ? gasReport() : null;
  const info = JSON.parse(readFileSync(artifacts(measured[0]!.name).circuitInfo, "utf8")) as CircuitInfo;
  const partial: Omit<BenchResults, "targets"> = {
    version: RESULTS_VERSION,
    date: new Date().toISOString(),
    quick: opts.quick,
    runs: opts.runs,
    command: ["npm run bench", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(" "),
    machine: machine(info.compiler),
    defaultInstance: def.name,
    instances: measured,
    constraintCost: cost,
    growth: growth(measured, cost),
    proofSystems: systems,
    standIn,
    gas,
    seconds: 0,
  };
  const results: BenchResults = { ...partial, targets: targets(partial), seconds: round((performance.now() - started) / 1000, 1) };

  mkdirSync(opts.out, { recursive: true });
  const file = path.join(opts.out, "results.json");
  writeFileAtomic(file, toJson(results), { overwrite: true });
  if (!opts.quick) {
    log("throughput: the proving engine with 1 and 2 worker processes beside the bare warm Prover ...");
    writeThroughput(file, opts.readme ? path.join(ROOT, "README.md") : null, await measureThroughput(opts.instances.map((i) => i.name), opts.runs, log));
  }
  const table = markdown(results, path.relative(ROOT, file));
  console.log(`\n${table}\n`);
  log(`wrote ${path.relative(process.cwd(), file) || file}`);
  if (opts.readme) {
    if (updateReadme(path.join(ROOT, "README.md"), table)) log("updated README.md between the bench markers");
    else log("README.md has no bench markers (<!-- bench:start --> and <!-- bench:end -->): the table above was not written into it");
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const code = await main().then(() => 0, (err: unknown) => {
    console.error(`error: ${(err as Error).message}`);
    return 1;
  });
  // snarkjs keeps worker threads alive; the process ends only once they are released.
  await releaseProvingResources();
  process.exit(code);
}
