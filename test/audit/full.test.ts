import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../../prover/artifacts.ts";
import { readSetupInfo } from "../../prover/setup-info.ts";
import { runAudit, type AuditResult } from "../../verifier/audit.ts";

const NAME = "Solvency_4x2";

describe("audit of the small instance, zkey verification included (solvency audit) @slow", () => {
  let out: string;
  let result: AuditResult;
  before(async () => {
    out = mkdtempSync(path.join(ROOT, "build", "audit-"));
    result = await runAudit(["--instance", NAME, "--out", out]);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it("passes every check, reporting the development setup as such", () => {
    const [a] = result.report.instances;
    expect(result.ok).to.equal(true);
    expect(a!.verdict).to.equal("PASS (development setup)");
    for (const c of a!.checks) expect(c.status, `${c.title}: ${c.detail}`).to.equal(c.id === "production" ? "warn" : "pass");
  });

  it("finds in the zkey the circuit hash, contributions and beacon that setup.json records", () => {
    const record = readSetupInfo(NAME);
    const v = result.report.instances[0]!.setup!.verification!;
    expect(v.ok).to.equal(true);
    expect(v.circuitHash).to.equal(record.circuitHash);
    expect(v.contributions.map((c) => [c.name, c.hash])).to.deep.equal(record.contributions.map((c) => [c.name, c.hash]));
    expect(v.contributions.at(-1)!.beacon).to.deep.equal({ generator: record.beacon!.hash, iterationsExp: record.beacon!.iterationsExp });
  });

  it("writes the Markdown and JSON reports", () => {
    const md = path.join(out, `${NAME}.md`);
    const json = path.join(out, `${NAME}.json`);
    expect(result.files).to.deep.equal([md, json]);
    expect(existsSync(md)).to.equal(true);
    expect(readFileSync(md, "utf8")).to.match(/^# Audit of Solvency_4x2\n\n\*\*Verdict: PASS \(development setup\)\*\*/);
    expect((JSON.parse(readFileSync(json, "utf8")) as { verdict: string }).verdict).to.equal("PASS (development setup)");
  });
});
