import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT, artifacts, manifest } from "../../prover/artifacts.ts";
import type { CircuitInfo } from "../../pipeline/compile.ts";
import type { BenchResults } from "../../benchmark/results.ts";

const positive = (x: unknown): void => {
  expect(x).to.be.a("number");
  expect(x as number).to.be.greaterThan(0);
};

describe("npm run bench -- --quick", () => {
  const small = [...manifest.instances].sort((a, b) => a.assets - b.assets)[0]!;
  let dir: string;
  let results: BenchResults;
  let readmeBefore: string;

  before(function () {
    if (!existsSync(artifacts(small.name).zkey)) throw new Error(`${small.name} is not set up: run \`npm run build\` first`);
    dir = mkdtempSync(path.join(os.tmpdir(), "zks-bench-"));
    readmeBefore = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/bench.ts", "--quick", "--no-readme", "--out", dir], { cwd: ROOT, encoding: "utf8" });
    expect(run.status, run.stderr).to.equal(0);
    results = JSON.parse(readFileSync(path.join(dir, "results.json"), "utf8")) as BenchResults;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("measures the small instance only, twice, and says it was a quick run", () => {
    expect(results.quick).to.equal(true);
    expect(results.runs).to.equal(2);
    expect(results.instances.map((i) => i.name)).to.deep.equal([small.name]);
    expect(results.proofSystems).to.deep.equal([]);
    expect(results.gas).to.equal(null);
    expect(Date.parse(results.date)).to.be.closeTo(Date.now(), 60 * 60 * 1000);
  });

  it("states the machine the numbers come from", () => {
    const m = results.machine;
    expect(m.cores).to.equal(os.cpus().length);
    expect(m.node).to.equal(process.version);
    expect(m.snarkjs).to.match(/^\d+\.\d+\.\d+/);
    positive(m.memoryGiB);
  });

  it("reports the instance's constraints as compiled, and every measurement as a positive number", () => {
    const i = results.instances[0]!;
    const info = JSON.parse(readFileSync(artifacts(small.name).circuitInfo, "utf8")) as CircuitInfo;
    expect(i.constraints).to.deep.equal(info.constraints);
    expect(2 ** i.power).to.be.at.least(info.constraints.total + info.publicInputs);
    expect(i.skipped).to.equal(null);
    positive(i.setup?.seconds);
    for (const v of [i.warm!.witnessMs, i.warm!.proofMs, i.warm!.verifyMs, i.warm!.proveMs, i.warm!.peakMemoryMiB]) positive(v);
    for (const v of [i.cold!.totalMs, i.cold!.proveMs, i.cold!.peakMemoryMiB]) positive(v);
    expect(i.cold!.totalMs).to.be.greaterThan(i.cold!.proveMs);
    expect(i.raw.cold).to.have.length(2);
    expect(i.raw.warm!.proveMs).to.have.length(2);
  });

  it("measures the Groth16 verifier's gas with a proof it accepts", () => {
    const g = results.instances[0]!.verifierGas!;
    expect(g.contract).to.equal(`Groth16Verifier_${small.name}`);
    // at least a transaction's base cost and the pairing precompile on four pairs (EIP-1108: 45,000 + 34,000 per pair)
    expect(g.verifyGas).to.be.greaterThan(21_000 + 45_000 + 4 * 34_000);
    expect(g.calldataBytes).to.equal(4 + 32 * (8 + 4));
  });

  it("reports the loop bodies' constraints and every target, met, missed or not measured", () => {
    expect(results.constraintCost.loopBodies.AssetTerms).to.be.greaterThan(2 * 96);
    positive(results.constraintCost.loopBodies.PerpetualTerms);
    expect(results.targets.length).to.be.at.least(4);
    for (const t of results.targets) expect(t.met === null).to.equal(t.value === null);
  });

  it("leaves the README alone", () => {
    expect(readFileSync(path.join(ROOT, "README.md"), "utf8")).to.equal(readmeBefore);
  });
});
