import { expect } from "chai";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { defaultInstances } from "../../prover/artifacts.ts";
import { readSetupInfo } from "../../prover/setup-info.ts";
import type { InstanceAudit } from "../../verifier/audit.ts";
import { solvency, workdir, type Run } from "../helpers/cli.ts";

// `npm run build` builds the manifest's default instances; the audit command runs on each of them,
// zkey verification included, exactly as an auditor would run it.
const NAMES = defaultInstances().map((i) => i.name);

describe("solvency audit on every built instance, zkey verification included", () => {
  let dir: string;
  let run: Run;
  const report = (name: string): InstanceAudit =>
    JSON.parse(readFileSync(path.join(dir, "audit", `${name}.json`), "utf8")) as InstanceAudit;

  before(async () => {
    dir = workdir();
    run = await solvency(dir, ["audit", "--", "--out", path.join(dir, "audit")]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 0 with a development-setup verdict line per instance", () => {
    expect(run.code, run.stderr).to.equal(0);
    for (const name of NAMES) expect(run.stdout + run.stderr).to.include(name);
    expect(run.stdout + run.stderr).to.match(/PASS \(development setup; 2 accepted findings to review: in-no-constraint, determinacy\)/);
  });

  it("passes every check of every instance, the development setup and the accepted determinacy gaps named as findings", () => {
    for (const name of NAMES) {
      const a = report(name);
      expect(a.verdict, name).to.equal("PASS (development setup; 2 accepted findings to review: in-no-constraint, determinacy)");
      const expected = (id: string) => (id === "production" ? "warn" : id === "determinacy" || id === "in-no-constraint" ? "accepted" : "pass");
      for (const c of a.checks) expect(expected(c.id), `${name} ${c.title}: ${c.detail}`).to.include(c.status);
      expect(a.findings.map((f) => [f.id, f.severity])).to.deep.include.members([["production", "critical"], ["determinacy", "low"]]);
      expect(a.provenance!.recompile!.r1csSha256, "the recompiled circuit is the audited one").to.equal(a.provenance!.recompile!.builtSha256);
      expect(a.statement!.inequality.join(" ")).to.match(/≥ ratioBps/);
    }
  });

  it("shows the long zkey verification's progress", () => {
    expect(run.stderr).to.match(/verifying the zkey against the r1cs/);
  });

  it("finds in each zkey the circuit hash, contributions and beacon that setup.json records", () => {
    for (const name of NAMES) {
      const record = readSetupInfo(name);
      const v = report(name).setup!.verification!;
      expect(v.ok, name).to.equal(true);
      expect(v.circuitHash).to.equal(record.circuitHash);
      expect(v.contributions.map((c) => [c.name, c.hash])).to.deep.equal(record.contributions.map((c) => [c.name, c.hash]));
      expect(v.contributions.at(-1)!.beacon).to.deep.equal({ generator: record.beacon!.hash, iterationsExp: record.beacon!.iterationsExp });
    }
  });

  it("writes the Markdown report with the verdict first", () => {
    for (const name of NAMES) {
      const md = path.join(dir, "audit", `${name}.md`);
      expect(existsSync(md)).to.equal(true);
      const text = readFileSync(md, "utf8");
      expect(text).to.match(new RegExp(`^# Audit of ${name}\\n\\n\\*\\*Verdict: PASS \\(development setup; 2 accepted findings to review: in-no-constraint, determinacy\\)\\*\\*`));
      expect(text).to.match(/## Findings\n\n\| severity \| result \| check \| what was found \|/).and.to.match(/## What a proof states, and whom it trusts/).and.to.match(/## Provenance/);
    }
  });
});
