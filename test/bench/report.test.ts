import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { README_END, README_START, TARGETS, markdown, targets, updateReadme, verdict } from "../../benchmark/report.ts";
import type { BenchResults, InstanceResult } from "../../benchmark/results.ts";

function instanceResult(name: string, assets: number, positions: number, total: number, proveMs: number | null): InstanceResult {
  return {
    name, assets, positions, constraints: { total, nonLinear: total - 100, linear: 100 }, wires: total, power: Math.ceil(Math.log2(total + 5)),
    compileSeconds: 3, setup: { seconds: 60, steps: { zkeyNew: 60 }, development: true, ranNow: false },
    warm: proveMs === null ? null : { witnessMs: 200, proofMs: proveMs - 250, verifyMs: 30, proveMs, peakMemoryMiB: 400 },
    cold: null, verifierGas: null, skipped: null, loadAverage: null, raw: { cold: [], warm: null },
  };
}

function results(over: Partial<BenchResults> = {}): Omit<BenchResults, "targets"> {
  return {
    version: 1, date: "2026-01-02T03:04:05.000Z", quick: false, runs: 5, command: "npm run bench",
    machine: { cpuModel: "CPU", cores: 2, memoryGiB: 8, platform: "Linux", node: "v22", snarkjs: "0.7.6", circom: null, loadAverage: 1 },
    defaultInstance: "Solvency_16x4",
    instances: [instanceResult("Solvency_4x2", 4, 2, 9729, 1500), instanceResult("Solvency_16x4", 16, 4, 15739, 3100)],
    constraintCost: { loopBodies: { AssetTerms: 196 }, fit: null, perAsset: { constraints: 240.5, from: "exact" }, perPosition: null },
    growth: { provingVsConstraints: null, provingVsAssets: null, formulas: [] },
    proofSystems: [],
    standIn: null,
    gas: { report: {
      compiler: { solc: "0.8.28", optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun" },
      instances: [{ name: "Solvency_4x2", assets: 4, markets: 2 }, { name: "Solvency_16x4", assets: 16, markets: 4 }],
      actions: [
        { action: "prove solvency (first proof of the account)", instance: "Solvency_4x2", gas: 1, note: "" },
        { action: "prove solvency (first proof of the account)", instance: "Solvency_16x4", gas: 270_000, note: "" },
        { action: "prove solvency (later proof)", instance: "Solvency_16x4", gas: 250_000, note: "" },
        { action: "repay", instance: "Solvency_16x4", gas: 58_000, note: "" },
      ] }, seconds: 10, error: null },
    seconds: 1,
    ...over,
  };
}

describe("benchmark report", () => {
  it("checks every target against the run's own measurements", () => {
    const t = targets(results());
    expect(t.map((x) => [x.value, x.met])).to.deep.equal([
      [15739, true],
      [241, true],
      [3100, false],
      [270_000, false],
      [250_000, true],
    ]);
    expect(t[0]!.limit).to.equal(TARGETS.defaultConstraints);
  });

  it("says a target was not measured when the run did not cover it", () => {
    const t = targets(results({ instances: [instanceResult("Solvency_4x2", 4, 2, 9729, 1500)], gas: null,
      constraintCost: { loopBodies: {}, fit: null, perAsset: null, perPosition: null } }));
    expect(t.every((x) => x.value === null && x.met === null)).to.equal(true);
    expect(t.map(verdict)).to.deep.equal(Array(4).fill("not measured"));
  });

  it("states by how much a target is met or missed", () => {
    const [constraints, , proving] = targets(results());
    expect(verdict(constraints!)).to.equal("met (645 constraints under, 3.9%)");
    expect(verdict(proving!)).to.equal("**missed** by 0.10 s (3.3% over)");
  });

  it("renders one table row per instance and one per gas action", () => {
    const r = results();
    const md = markdown({ ...r, targets: targets(r) });
    expect(md).to.match(/\| `Solvency_4x2` \| 4 × 2 \| 9,729 \|/);
    expect(md).to.match(/\| `Solvency_16x4` \| 16 × 4 \| 15,739 \|/);
    expect(md).to.include("| action | Solvency_4x2 | Solvency_16x4 | note |");
    expect(md).to.include("| repay | — | 58,000 |  |");
    expect(md).to.include("2 × CPU, 8 GiB, Node v22, snarkjs 0.7.6");
  });

  describe("README update", () => {
    let dir: string;
    beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), "zks-readme-")); });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("replaces only what lies between the markers, and again on the next run", () => {
      const file = path.join(dir, "README.md");
      writeFileSync(file, `# T\n\nbefore\n${README_START}\nold table\n${README_END}\nafter\n`);
      expect(updateReadme(file, "| new |")).to.equal(true);
      expect(readFileSync(file, "utf8")).to.equal(`# T\n\nbefore\n${README_START}\n| new |\n${README_END}\nafter\n`);
      expect(updateReadme(file, "| newer |")).to.equal(true);
      expect(readFileSync(file, "utf8")).to.equal(`# T\n\nbefore\n${README_START}\n| newer |\n${README_END}\nafter\n`);
    });

    it("leaves a README without both markers untouched", () => {
      const file = path.join(dir, "README.md");
      for (const text of ["# T\nno markers\n", `# T\n${README_START}\nonly the start\n`, `# T\n${README_END}\n${README_START}\n`]) {
        writeFileSync(file, text);
        expect(updateReadme(file, "| new |")).to.equal(false);
        expect(readFileSync(file, "utf8")).to.equal(text);
      }
      expect(updateReadme(path.join(dir, "missing.md"), "| new |")).to.equal(false);
    });
  });
});
