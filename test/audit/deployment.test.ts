import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { InstanceAudit } from "../../verifier/audit.ts";
import { Wallet } from "ethers";
import { solvency, workdir, expectFailure, expectSuccess, KEYS, type Run } from "../helpers/cli.ts";
import { REPORTER_KEYS } from "../helpers/fixtures.ts";
import { startRpcNode, type RpcNode } from "../helpers/rpc-node.ts";

interface AuditDocument { ok: boolean; passed: boolean; report: { instances: InstanceAudit[] }; error?: { problem: string; exitCode: number } }
const doc = (r: Run): AuditDocument => JSON.parse(r.stdout) as AuditDocument;

/** The checks the deployment audit adds, which must hold on an honest deployment. */
const DEPLOYMENT_CHECKS = ["deployed-code", "wiring", "gate-key", "risk-parameters", "policy", "roles", "attesters", "deployment-setup", "deployed"];

describe("solvency audit --deployment on a local chain", function () {
  let node: RpcNode;
  let dir: string;
  const audit = (file: string, ...more: string[]) => solvency(dir, ["audit", "--deployment", file, "--rpc", node.url, "--out", path.join(dir, "audit"), "--json", ...more]);

  before(async () => {
    node = await startRpcNode();
    dir = workdir();
    expectSuccess(await solvency(dir, ["deploy", "--venue", "venue.yaml", "--rpc", node.url], { SOLVENCY_PRIVATE_KEY: KEYS.admin }));
    expectSuccess(await solvency(dir, ["keygen"]));
    expectSuccess(await solvency(dir, ["attester", "register", "--key", "attester-key.json", "--deployment", "deployment.json", "--rpc", node.url], { SOLVENCY_PRIVATE_KEY: KEYS.admin }));
    for (const k of REPORTER_KEYS.slice(0, 3)) {
      expectSuccess(await solvency(dir, ["oracle", "reporters", "add", new Wallet(k).address, "--deployment", "deployment.json", "--rpc", node.url], { SOLVENCY_PRIVATE_KEY: KEYS.admin }));
    }
  });
  after(async () => node?.close());

  it("checks every contract, the wiring, the registry against the venue file, roles, reporters and attesters", async () => {
    const r = await audit("deployment.json", "--skip-zkey-verify", "--skip-recompile");
    // Incomplete (two checks skipped on request), and told as such: one JSON document, exit 2.
    expectFailure(r, 2, /the audit is incomplete: not checked: high: zkey verifies .*; medium: the circuit recompiled/);
    const d = doc(r);
    expect(d.ok).to.equal(false);
    const a = d.report.instances[0]!;
    expect(a.incomplete).to.equal(true);
    for (const id of DEPLOYMENT_CHECKS) expect(a.checks.find((c) => c.id === id)?.status, id).to.equal("pass");
    expect(a.checks.find((c) => c.id === "test-tokens")?.status).to.equal("warn");
    expect(a.checks.find((c) => c.id === "gate-key")!.detail).to.match(/the gate's 24 key words equal the deployed verifier's and .*verification_key\.json's/);
    expect(a.checks.find((c) => c.id === "oracle-quorum")?.status, "three reporters, quorum three").to.equal("pass");
    const dep = a.deployment!;
    expect(dep.contracts.filter((c) => c.matches).map((c) => c.name)).to.include.members(["poseidon3", "poseidon5", "poseidon8", "verifier", "registry", "oracle", "gate", "venue"]);
    expect(dep.reporters).to.deep.equal(REPORTER_KEYS.slice(0, 3).map((k) => new Wallet(k).address));
    expect(dep.quorum).to.equal("3");
    expect(dep.roles).to.deep.include({ contract: "oracle", role: "GOVERNOR_ROLE", holders: ["0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"] });
    expect(dep.attesters.map((x) => [x.id, x.status])).to.deep.equal([["1", "active"]]);
    expect(dep.ratios).to.deep.equal({ initialBps: "15000", maintenanceBps: "12000" });
    const md = readFileSync(path.join(dir, "audit", `${a.instance}.md`), "utf8");
    expect(md).to.match(/## Findings/).and.to.match(/## 7\. Deployment/).and.to.match(/## What a proof states, and whom it trusts/).and.to.match(/## Provenance/);
  });

  it("fails, naming the contract, when the deployment file points one contract elsewhere", async () => {
    const file = JSON.parse(readFileSync(path.join(dir, "deployment.json"), "utf8")) as { contracts: Record<string, string> };
    writeFileSync(path.join(dir, "swapped.json"), JSON.stringify({ ...file, contracts: { ...file.contracts, oracle: file.contracts.collateralToken } }, null, 2));
    const r = await audit("swapped.json", "--skip-zkey-verify", "--skip-recompile");
    expectFailure(r, 2, /the audit failed: critical: every contract of the deployment runs the build's code; critical: the contracts call each other/);
    const a = doc(r).report.instances[0]!;
    const code = a.checks.find((c) => c.id === "deployed-code")!;
    expect(code.status).to.equal("fail");
    expect(code.detail).to.match(/1 contract differs? from the build: oracle at 0x/);
    expect(code.items!.join("\n")).to.match(/oracle at 0x[0-9a-fA-F]{40}: its runtime code .* is not PriceOracle's compiled code/);
    expect(a.checks.find((c) => c.id === "wiring")!.items!.join("\n")).to.match(/gate\.oracle\(\) is 0x[0-9a-fA-F]{40}, the deployment's oracle is/);
    expect(a.verdict).to.match(/^FAIL: /);
  });

  it("tells an unreachable endpoint at once, in one line", async () => {
    const r = await solvency(dir, ["audit", "--deployment", "deployment.json", "--rpc", "http://127.0.0.1:9"]);
    expectFailure(r, 3, /cannot reach the RPC endpoint .* — http:\/\/127\.0\.0\.1:9/);
    expect(r.stderr.trim().split("\n")).to.have.length(1);
  });

  it("passes the whole audit, zkey verification and recompile included, on the demo deployment @slow", async () => {
    const r = await audit("deployment.json");
    expectSuccess(r);
    const d = doc(r);
    expect(d.ok && d.passed).to.equal(true);
    const a = d.report.instances[0]!;
    expect(a.verdict).to.match(/^PASS \(development setup; 1 warning: test-tokens; 2 accepted findings to review: in-no-constraint, determinacy\)$/);
    for (const id of DEPLOYMENT_CHECKS) expect(a.checks.find((c) => c.id === id)?.status, id).to.equal("pass");
  });
});
