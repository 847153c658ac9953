import { expect } from "chai";
import { createServer, type Server } from "node:http";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { solvency, workdir, expectFailure, expectSuccess, KEYS } from "../helpers/cli.ts";
import { deploymentJson, CONTRACT_NAMES, type ContractName } from "../../verifier/deployment.ts";
import { loadVenue, venueDescription } from "../../prover/venue.ts";

/** A JSON-RPC endpoint that answers eth_chainId and eth_getCode as told, and nothing else. */
async function fakeNode(chainId: bigint, code: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const { id, method } = JSON.parse(body) as { id: number; method: string };
      const result = method === "eth_chainId" ? `0x${chainId.toString(16)}` : method === "eth_getCode" ? code : undefined;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(result === undefined ? { jsonrpc: "2.0", id, error: { code: -32601, message: `${method} not served` } } : { jsonrpc: "2.0", id, result }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A deployment file of the example venue on chain 31337 at made-up addresses. */
function writeDeployment(dir: string): void {
  const venue = loadVenue(path.join(dir, "venue.yaml"));
  const contracts = Object.fromEntries(CONTRACT_NAMES.map((n, i) => [n, `0x${(i + 1).toString(16).padStart(40, "0")}`])) as Record<ContractName, string>;
  writeFileSync(path.join(dir, "deployment.json"), deploymentJson({
    chainId: 31337n, instance: venue.instance.name, development: true, deployedAt: new Date().toISOString(), block: 1n, contracts,
  }, venueDescription(venue)));
}

describe("solvency CLI, chain and RPC failures", function () {
  let dir: string;
  const servers: Server[] = [];
  const run = (args: string[], env: Record<string, string> = {}) => solvency(dir, args, env);
  const publish = (rpc: string, ...more: string[]) => ["oracle", "publish", "--deployment", "deployment.json", "--rpc", rpc, "--signatures", "report.json", "-o", "round.json", ...more];

  before(async () => {
    dir = workdir();
    writeDeployment(dir);
    expectSuccess(await run(["oracle", "sign", "--deployment", "deployment.json", "--prices", "prices.yaml", "-o", "report.json"], { SOLVENCY_PRIVATE_KEY: KEYS.admin }));
  });
  after(() => servers.forEach((s) => s.close()));

  it("reports an unreachable endpoint with exit code 3", async () => {
    expectFailure(await run(["status", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "--deployment", "deployment.json", "--rpc", "http://127.0.0.1:9"]), 3,
      /cannot reach the RPC endpoint .* — http:\/\/127\.0\.0\.1:9 — check the URL and that the node is running/);
  });

  it("refuses an endpoint on another chain than the deployment's", async () => {
    const node = await fakeNode(1n, "0x6001");
    servers.push(node.server);
    expectFailure(await run(publish(node.url), { SOLVENCY_PRIVATE_KEY: KEYS.admin }), 3, /the endpoint is on chain 1 but the deployment is on chain 31337/);
    expect(existsSync(path.join(dir, "round.json"))).to.equal(false);
  });

  it("refuses a chain without the deployment's contracts", async () => {
    const node = await fakeNode(31337n, "0x");
    servers.push(node.server);
    expectFailure(await run(publish(node.url), { SOLVENCY_PRIVATE_KEY: KEYS.admin }), 3, /no contract at the gate's address/);
  });

  it("refuses to send without a signing key, and never takes one from a flag", async () => {
    const node = await fakeNode(31337n, "0x6001");
    servers.push(node.server);
    expectFailure(await run(publish(node.url)), 1, /no signing key — environment — set SOLVENCY_PRIVATE_KEY, or pass --keystore FILE/);
    expectFailure(await run(publish(node.url, "--private-key", KEYS.admin)), 1, /unknown option '--private-key'/);
    expectFailure(await run(publish(node.url), { SOLVENCY_PRIVATE_KEY: "0x1234" }), 1, /SOLVENCY_PRIVATE_KEY is not a private key/);
    expect(existsSync(path.join(dir, "round.json"))).to.equal(false);
  });

  it("opens an encrypted keystore only with its password", async () => {
    const node = await fakeNode(31337n, "0x6001");
    servers.push(node.server);
    expectSuccess(await run(["keystore", "-o", "keystore.json"], { SOLVENCY_PRIVATE_KEY: KEYS.admin, SOLVENCY_KEYSTORE_PASSWORD: "correct horse" }));
    expectFailure(await run(publish(node.url, "--keystore", "keystore.json"), { SOLVENCY_KEYSTORE_PASSWORD: "wrong" }), 1, /wrong keystore password — keystore\.json/);
    expectFailure(await run(publish(node.url, "--keystore", "keystore.json")), 1, /no keystore password — SOLVENCY_KEYSTORE_PASSWORD/);
  });

  it("oracle sign: binds the report to the deployment's chain and oracle, and refuses a bad time or no key", async () => {
    const report = JSON.parse(readFileSync(path.join(dir, "report.json"), "utf8")) as { chainId: string; oracle: string; reporter: string; observedAt: string };
    expect(report.chainId).to.equal("31337");
    expect(report.oracle).to.equal("0x0000000000000000000000000000000000000006");
    expect(report.reporter).to.equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    expect(Number(report.observedAt) % 60).to.equal(0);
    const sign = (...more: string[]) => run(["oracle", "sign", "--deployment", "deployment.json", "--prices", "prices.yaml", "-o", "other.json", ...more], { SOLVENCY_PRIVATE_KEY: KEYS.alice });
    expectFailure(await sign("--at", "yesterday"), 1, /'yesterday' is not a time — --at/);
    expectFailure(await run(["oracle", "sign", "--deployment", "deployment.json", "--prices", "prices.yaml", "-o", "other.json"]), 1, /no signing key/);
    expectFailure(await sign("-o", "report.json"), 1, /the output file already exists — report\.json/);
    expectSuccess(await sign("--at", "2026-11-30T12:00:00Z"));
    expect(JSON.parse(readFileSync(path.join(dir, "other.json"), "utf8")).observedAt).to.equal("1796040000");
  });

  it("oracle publish: refuses bad report files and an existing output before contacting the chain", async () => {
    const unreachable = "http://127.0.0.1:9";
    writeFileSync(path.join(dir, "taken.json"), "{}");
    expectFailure(await run([...publish(unreachable, "-o", "taken.json")], { SOLVENCY_PRIVATE_KEY: KEYS.admin }), 1, /the output file already exists — taken\.json/);
    expectFailure(await run(["oracle", "publish", "--deployment", "deployment.json", "--rpc", unreachable, "--signatures", "report.json", "report.json"], { SOLVENCY_PRIVATE_KEY: KEYS.admin }), 1, /signed twice/);
    expectFailure(await run(["oracle", "publish", "--deployment", "deployment.json", "--rpc", unreachable, "--signatures", "report.json", "other.json"], { SOLVENCY_PRIVATE_KEY: KEYS.admin }), 1, /every report of a round signs the same observation time/);
    const tampered = JSON.parse(readFileSync(path.join(dir, "report.json"), "utf8")) as { prices: string[] };
    tampered.prices[0] = "1";
    writeFileSync(path.join(dir, "tampered.json"), JSON.stringify(tampered));
    expectFailure(await run(["oracle", "publish", "--deployment", "deployment.json", "--rpc", unreachable, "--signatures", "tampered.json"], { SOLVENCY_PRIVATE_KEY: KEYS.admin }), 1, /not by the named reporter/);
    expectFailure(await run(["oracle", "publish", "--deployment", "deployment.json", "--rpc", unreachable, "--signatures", "missing.json"], { SOLVENCY_PRIVATE_KEY: KEYS.admin }), 1, /report file not found — missing\.json/);
    expectFailure(await run(["oracle", "publish", "--deployment", "deployment.json", "--rpc", unreachable], { SOLVENCY_PRIVATE_KEY: KEYS.admin }), 1, /--signatures/);
  });

  it("refuses an RPC URL that is not one", async () => {
    expectFailure(await run(["status", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "--deployment", "deployment.json", "--rpc", "not a url"]), 1, /is not a URL — --rpc/);
  });
});
