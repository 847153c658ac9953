import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { network } from "hardhat";
import { ROOT, artifacts, instance, manifest } from "../../prover/artifacts.ts";
import { spec } from "../../prover/spec.ts";
import { releaseCurve } from "../../verifier/snarkjs-api.ts";
import { deploy } from "../../verifier/contracts.ts";
import { auditCircuit, type CircuitAudit } from "../../verifier/audit/circuit.ts";
import { findingsOf, readAcceptedFindings, type Check } from "../../verifier/audit/check.ts";
import { auditSetup, parseVerificationLog } from "../../verifier/audit/setup.ts";
import { auditVerifier, rpcCodeSource, stripMetadata } from "../../verifier/audit/contract.ts";
import { parseAuditArgs, renderMarkdown, verdictOf, type InstanceAudit } from "../../verifier/audit.ts";

const NAME = "Solvency_4x2";
const CONTRACT = `Groth16Verifier_${NAME}`;
const require = createRequire(import.meta.url);
const statusOf = (checks: readonly Check[], id: string) => checks.find((c) => c.id === id)?.status;
const scratch = path.join(ROOT, "build", "test-audit", String(process.pid));

describe("audit: the circuit (solvency audit)", () => {
  let own: CircuitAudit;
  before(async () => {
    const a = artifacts(NAME);
    own = await auditCircuit({
      name: NAME, instance: instance(NAME), files: { r1cs: a.r1cs, sym: a.sym, info: a.circuitInfo },
      publicSignals: spec.publicSignals, acceptedWarnings: manifest.acceptedWarnings, accepted: readAcceptedFindings(),
    });
  });

  it("reads the small instance's size and public signals from its r1cs, as the build recorded them", () => {
    const info = JSON.parse(readFileSync(artifacts(NAME).circuitInfo, "utf8")) as { constraints: { total: number }; wires: number; privateInputs: number };
    expect(own.counts.constraints).to.equal(info.constraints.total);
    expect(own.counts.wires).to.equal(info.wires);
    expect(own.counts.privateInputs).to.equal(info.privateInputs);
    expect(own.counts.linear + own.counts.nonLinear).to.equal(own.counts.constraints);
    expect(own.publicSignals.map((s) => s.name)).to.deep.equal(spec.publicSignals.map((s) => s.name));
    expect(own.publicSignals.every((s) => s.spec?.boundBy)).to.equal(true);
    expect(own.sources.length).to.be.greaterThan(0);
  });

  it("passes every circuit check of the small instance, the gaps it cannot close named, justified and marked accepted", () => {
    for (const c of own.checks) expect(c.status, `${c.title}: ${c.detail}`).to.equal((c.id === "determinacy" && own.determinacy.notShown > 0) || (c.id === "in-no-constraint" && own.inNoConstraint.length > 0) ? "accepted" : "pass");
    const roots = own.determinacy.roots.map((r) => [r.name.replace(/_\d+_\d+/, ""), r.why]);
    expect(roots).to.deep.include(["main.Attestation.verifier.h2bits.out[0]", "wide decomposition"]);
    expect(own.determinacy.roots.every((r) => r.justification)).to.equal(true);
    expect(own.determinacy.shown + own.determinacy.shownIfNonZero + own.determinacy.notShown).to.equal(own.determinacy.signals);
    expect(own.inspect.length).to.be.greaterThan(0);
  });

  it("fails the check when a finding loses its justification", async () => {
    const a = artifacts(NAME);
    const bare = await auditCircuit({ name: NAME, files: { r1cs: a.r1cs, sym: a.sym }, publicSignals: spec.publicSignals, accepted: [] });
    expect(statusOf(bare.checks, "in-no-constraint")).to.equal("fail");
    expect(statusOf(bare.checks, "determinacy")).to.equal("fail");
    expect(bare.checks.find((c) => c.id === "determinacy")!.items!.join("\n")).to.match(/h2bits\.out\[0\] not shown \(wide decomposition\)/);
  });

  it("names every loose signal of a deliberately under-constrained circuit", async () => {
    mkdirSync(scratch, { recursive: true });
    // circom2 runs under WASI and reaches only paths below the working directory.
    const run = spawnSync(process.execPath, [require.resolve("circom2/cli.js"), "test/fixtures/circuits/loose.circom", "--r1cs", "--sym", "--O2",
      "-l", "node_modules", "-o", path.relative(ROOT, scratch)], { cwd: ROOT, encoding: "utf8" });
    expect(run.status, run.stderr).to.equal(0);
    const loose = await auditCircuit({ name: "loose", files: { r1cs: path.join(scratch, "loose.r1cs"), sym: path.join(scratch, "loose.sym") } });
    expect(statusOf(loose.checks, "in-no-constraint")).to.equal("fail");
    expect(loose.inNoConstraint).to.deep.equal([{ name: "main.loose", role: "output" }]);
    expect(loose.linearOnce.map((f) => f.name)).to.deep.equal(["main.offset"]);
    expect(loose.eliminatedInputs.map((f) => f.name)).to.deep.equal(["main.spare"]);
    expect(loose.determinacy.roots.map((r) => [r.name, r.why])).to.deep.equal([["main.root", "unreached"], ["main.loose", "in no constraint"]]);
    expect(loose.determinacy.outputs).to.deep.equal([
      { name: "main.product", verdict: "shown" }, { name: "main.shifted", verdict: "shown" }, { name: "main.loose", verdict: "not shown" },
    ]);
    const { verdict, passed } = verdictOf(loose.checks.filter((c) => c.status !== "skipped"));
    expect(passed).to.equal(false);
    expect(verdict).to.match(/^FAIL: .*every signal appears in a constraint/);
  });

  after(() => rmSync(scratch, { recursive: true, force: true }));
});

describe("audit: the trusted setup and the verifier contract (solvency audit)", () => {
  const a = artifacts(NAME);
  after(releaseCurve);

  it("reads the contribution hashes, names and the beacon from snarkjs' verification output", () => {
    const h = (c: string) => `\t\t${c.repeat(8)} ${c.repeat(8)} ${c.repeat(8)} ${c.repeat(8)}`;
    const four = (c: string) => [h(c), h(c), h(c), h(c)].join("\n");
    const parsed = parseVerificationLog([
      "Reading r1cs", `Circuit Hash: \n${four("a")}`, "-------------------------",
      `contribution #2 final beacon:\n${four("c")}`, "Beacon generator: 0102", "Beacon iterations Exp: 10",
      "-------------------------", `contribution #1 first:\n${four("b")}`, "-------------------------", "ZKey Ok!",
    ]);
    expect(parsed.circuitHash).to.equal("a".repeat(128));
    expect(parsed.contributions).to.deep.equal([
      { index: 1, name: "first", hash: "b".repeat(128) },
      { index: 2, name: "final beacon", hash: "c".repeat(128), beacon: { generator: "0102", iterationsExp: 10 } },
    ]);
  });

  it("reports the development setup loudly, and fails it with --production", async () => {
    const dev = await auditSetup({ r1cs: a.r1cs, zkey: a.zkey, vkey: a.vkey, setupInfo: a.setupInfo, verifyZkey: false, production: false });
    expect(statusOf(dev.checks, "setup-files")).to.equal("pass");
    expect(statusOf(dev.checks, "ptau")).to.equal("pass");
    expect(statusOf(dev.checks, "production")).to.equal("warn");
    expect(dev.checks.find((c) => c.id === "production")!.detail).to.match(/development setup, not for value/);
    const prod = await auditSetup({ r1cs: a.r1cs, zkey: a.zkey, vkey: a.vkey, setupInfo: a.setupInfo, verifyZkey: false, production: true });
    expect(statusOf(prod.checks, "production")).to.equal("fail");
  });

  it("refuses a setup whose powers of tau are not the recorded file", async () => {
    const wrong = path.join(scratch, "wrong.ptau");
    mkdirSync(scratch, { recursive: true });
    writeFileSync(wrong, "not the ceremony");
    const r = await auditSetup({ r1cs: a.r1cs, zkey: a.zkey, vkey: a.vkey, setupInfo: a.setupInfo, ptau: wrong, verifyZkey: true, production: false });
    expect(statusOf(r.checks, "ptau")).to.equal("fail");
    expect(statusOf(r.checks, "zkey-verify")).to.equal("fail");
    rmSync(scratch, { recursive: true, force: true });
  });

  it("finds the generated verifier's key constants equal to the zkey's", async () => {
    const v = await auditVerifier({ name: NAME, zkey: a.zkey, vkey: a.vkey, sol: a.verifierSol, contract: CONTRACT });
    for (const c of v.checks) expect(c.status, `${c.title}: ${c.detail}`).to.equal("pass");
    expect(v.constants.map((c) => c.name)).to.include.members(["alphax", "betax1", "deltay2", "IC0x", `IC${spec.publicSignals.length}y`]);
  });

  it("fails the equality check on a verifier with two key constants swapped", async () => {
    const source = readFileSync(a.verifierSol, "utf8");
    const value = (k: string) => new RegExp(`uint256 constant ${k}\\s*=\\s*(\\d+);`).exec(source)![1]!;
    const [x1, x2] = [value("deltax1"), value("deltax2")];
    const swapped = source.replace(`deltax1 = ${x1};`, `deltax1 = ${x2};`).replace(`deltax2 = ${x2};`, `deltax2 = ${x1};`);
    expect(swapped).to.not.equal(source);
    mkdirSync(scratch, { recursive: true });
    const sol = path.join(scratch, `${CONTRACT}.sol`);
    writeFileSync(sol, swapped);
    const v = await auditVerifier({ name: NAME, zkey: a.zkey, vkey: a.vkey, sol, contract: CONTRACT });
    rmSync(scratch, { recursive: true, force: true });
    const key = v.checks.find((c) => c.id === "verifier-key")!;
    expect(key.status).to.equal("fail");
    expect(key.items!.map((i) => i.split(":")[0])).to.deep.equal(["deltax1", "deltax2"]);
    expect(statusOf(v.checks, "verifier-source")).to.equal("fail");
  });
});

describe("audit: a deployed verifier (solvency audit)", () => {
  const a = artifacts(NAME);
  let server: Server;
  let rpc: string;
  let verifierAddress: string;
  let otherAddress: string;

  before(async () => {
    const connection = await network.connect();
    const [admin] = await connection.ethers.getSigners();
    verifierAddress = await (await deploy(CONTRACT, admin!)).getAddress();
    otherAddress = await (await deploy("MockERC20", admin!, ["Token", "TOK", 18])).getAddress();
    // A JSON-RPC endpoint over the in-process chain, so the audit reads code as it would from a node.
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", async () => {
        const call = JSON.parse(body) as { id: number; method: string; params: unknown[] };
        const result = await connection.provider.request({ method: call.method, params: call.params });
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ jsonrpc: "2.0", id: call.id, result }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    rpc = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server?.close();
    await releaseCurve();
  });

  it("strips the metadata hash: the CBOR tail whose length the last two bytes give", () => {
    expect(stripMetadata("0x6001a1020002")).to.equal("6001");
    expect(stripMetadata("0x60016002")).to.equal("60016002");
  });

  it("matches the verifier deployed at an address against the compiled contract over JSON-RPC", async () => {
    const v = await auditVerifier({ name: NAME, zkey: a.zkey, vkey: a.vkey, sol: a.verifierSol, contract: CONTRACT, deployed: { address: verifierAddress, rpc } });
    const deployed = v.checks.find((c) => c.id === "deployed")!;
    expect(deployed.status, deployed.detail).to.equal("pass");
    expect(v.deployed!.chainId).to.equal("31337");
    expect(await rpcCodeSource(rpc).getCode(verifierAddress)).to.match(/^0x60/);
  });

  it("fails when the address holds other code, or none", async () => {
    for (const address of [otherAddress, "0x000000000000000000000000000000000000dEaD"]) {
      const v = await auditVerifier({ name: NAME, zkey: a.zkey, vkey: a.vkey, sol: a.verifierSol, contract: CONTRACT, deployed: { address, rpc } });
      expect(statusOf(v.checks, "deployed"), address).to.equal("fail");
    }
  });
});

describe("audit: verdicts, report and arguments (solvency audit)", () => {
  const pass = (id: string) => ({ id, title: id, status: "pass" as const, detail: "" });

  it("passes a development setup only as such, and never with a skipped or failed check", () => {
    expect(verdictOf([pass("a")])).to.deep.equal({ verdict: "PASS", passed: true, incomplete: false });
    expect(verdictOf([pass("a"), { ...pass("production"), status: "warn" }])).to.deep.equal({ verdict: "PASS (development setup)", passed: true, incomplete: false });
    expect(verdictOf([pass("a"), { ...pass("zkey"), status: "skipped", detail: "not requested" }])).to.include({ passed: false, incomplete: true });
    const failed = verdictOf([{ ...pass("a"), status: "warn" }, { ...pass("Verifier"), status: "fail", detail: "2 differences" }]);
    expect(failed).to.deep.equal({ verdict: "FAIL: verifier (2 differences)", passed: false, incomplete: false });
  });

  it("never calls a pass that rests on accepted findings a bare pass", () => {
    const v = verdictOf([pass("a"), { ...pass("production"), status: "warn" }, { ...pass("determinacy"), status: "accepted", detail: "1802 not shown (3 assumed, each accepted)" }]);
    expect(v).to.deep.equal({ verdict: "PASS (development setup; 1 accepted finding to review: determinacy)", passed: true, incomplete: false });
    expect(findingsOf([pass("a"), { ...pass("determinacy"), status: "accepted", detail: "" }, { ...pass("zkey"), status: "skipped", detail: "", severity: "high" }]).map((f) => [f.id, f.severity]))
      .to.deep.equal([["zkey", "high"], ["determinacy", "low"]]);
  });

  it("renders the verdict first and the development setup loudly", () => {
    const report: InstanceAudit = {
      instance: NAME, verdict: "PASS (development setup)", passed: true, incomplete: false, generatedAt: "2026-01-01T00:00:00.000Z", production: false,
      findings: [], statement: null, provenance: null, circuit: null, setup: null, verifier: null, deployment: null,
      checks: [{ id: "production", title: "The setup may hold value", status: "warn", detail: "development setup, not for value: fixed development beacon" }],
    };
    const md = renderMarkdown(report);
    expect(md.split("\n").slice(0, 3).join("\n")).to.equal(`# Audit of ${NAME}\n\n**Verdict: PASS (development setup)**`);
    expect(md).to.match(/DEVELOPMENT TRUSTED SETUP — NOT FOR VALUE/);
    expect(md).to.match(/\| The setup may hold value \| \*\*WARNING\*\* \|/);
  });

  it("parses its arguments and refuses inconsistent ones with one clear line", () => {
    expect(parseAuditArgs(["--instance", NAME, "--production", "--out", "x"])).to.include({ production: true, out: "x", verifyZkey: true });
    expect(parseAuditArgs(["--skip-zkey-verify"]).verifyZkey).to.equal(false);
    expect(() => parseAuditArgs(["--rpc", "http://127.0.0.1:8545"])).to.throw(/--rpc and --address go together/);
    expect(() => parseAuditArgs(["--rpc", "http://x", "--address", "0x12"])).to.throw(/is not an address/);
    expect(() => parseAuditArgs(["--bogus"])).to.throw(/Unknown option '--bogus'/);
  });

  it("exits 1 with one line on bad arguments from the command line", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "verifier/audit.ts", "--instance", "Solvency_1x1"], { cwd: ROOT, encoding: "utf8" });
    expect(run.status).to.equal(1);
    expect(run.stderr.trim().split("\n")).to.have.length(1);
    expect(run.stderr).to.match(/^error: unknown circuit instance 'Solvency_1x1'/);
  });
});
