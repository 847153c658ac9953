import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "../../prover/artifacts.ts";
import { Wallet } from "ethers";
import { solvency, workdir, expectFailure, expectSuccess, KEYS, ALICE, type Run } from "../helpers/cli.ts";
import { REPORTER_KEYS } from "../helpers/fixtures.ts";
import { startHardhatNode } from "../helpers/rpc-node.ts";

/** The oracle's three reporters: they only sign offline, so their keys need no funds. */
const REPORTERS = REPORTER_KEYS.slice(0, 3).map((k) => new Wallet(k));


async function rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  return ((await res.json()) as { result: unknown }).result;
}

const json = <T>(r: Run): T => JSON.parse(r.stdout) as T;

describe("solvency CLI against a Hardhat node: the whole story @slow", function () {
  let node: { url: string; stop(): void } | undefined;
  let dir: string;
  let url: string;
  const as = (key: keyof typeof KEYS) => ({ SOLVENCY_PRIVATE_KEY: KEYS[key] });
  const run = (args: string[], env: Record<string, string> = {}) => solvency(dir, [...args, "--deployment", "deployment.json", "--rpc", url], env);
  const offline = (args: string[], env: Record<string, string> = {}) => solvency(dir, args, env);
  /** The three reporters sign `prices` observed at the chain's latest block time (the node's clock may run ahead). */
  const signAll = async (prices: string, prefix: string): Promise<void> => {
    const block = (await rpc(url, "eth_getBlockByNumber", ["latest", false])) as { timestamp: string };
    const at = BigInt(block.timestamp).toString();
    for (const [i, w] of REPORTERS.entries()) {
      expectSuccess(await offline(["oracle", "sign", "--deployment", "deployment.json", "--prices", prices, "--at", at, "-o", `${prefix}${i}.json`], { SOLVENCY_PRIVATE_KEY: w.privateKey }));
    }
  };
  const prove = (out: string, ...more: string[]) => run(["prove", "--portfolio", "portfolio.yaml", "--attestation", "attestation.json", "-o", out, ...more]);

  before(async function () {
    const port = 20000 + Math.floor(Math.random() * 20000);
    url = `http://127.0.0.1:${port}`;
    node = await startHardhatNode(port);
    dir = workdir();
  });
  after(() => {
    node?.stop();
  });

  it("deploys the venue and sets up its attester and first round", async () => {
    const deploy = await new Promise<Run>((resolve) => {
      const child = spawn(process.execPath, ["--import", pathToFileURL(path.join(ROOT, "node_modules", "tsx", "dist", "loader.mjs")).href, path.join(ROOT, "scripts", "deploy.ts"), "--venue", "venue.yaml", "--rpc", url, "--out", "deployment.json"],
        { cwd: dir, env: { ...process.env, ...as("admin") } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
    expectSuccess(deploy);
    expectSuccess(await offline(["keygen"]));
    expect(json<{ attesterId: string }>(await run(["attester", "register", "--key", "attester-key.json", "--json"], as("admin"))).attesterId).to.equal("1");
    for (const w of REPORTERS) expectSuccess(await run(["oracle", "reporters", "add", w.address], as("admin")));
    expectFailure(await run(["oracle", "reporters", "add", REPORTERS[0]!.address], as("alice")), 3, /lacks the role this call needs/);
    expectFailure(await run(["oracle", "quorum", "2"], as("admin")), 3, /quorum 2 with large-move quorum 2 is invalid for 3 reporters/);
    expectSuccess(await run(["oracle", "quorum", "3", "--large-move", "3"], as("admin")));
    expect(json<{ reporters: string[]; quorum: number }>(await run(["oracle", "reporters", "list", "--json"]))).to.deep.include({ quorum: 3, largeMoveQuorum: 3 });
    await signAll("prices.yaml", "r");
    expectFailure(await run(["oracle", "publish", "--signatures", "r0.json", "r1.json"], as("alice")), 1, /2 report\(s\), the oracle's quorum is 3/);
    const first = json<{ roundId: string; signers: string[] }>(await run(["oracle", "publish", "--signatures", "r0.json", "r1.json", "r2.json", "--json"], as("alice")));
    expect(first.roundId).to.equal("1");
    expect(first.signers).to.have.length(3);
    expectFailure(await run(["oracle", "publish", "--signatures", "r0.json", "r1.json", "r2.json", "-o", "again.json"], as("alice")), 3, /not after the previous round's \d+ \(a replayed or older round\)/);
    expectSuccess(await offline(["attest", "--key", "attester-key.json", "--portfolio", "portfolio.yaml", "--deployment", "deployment.json"]));
  });

  it("proves solvency from chain state, submits it once, and refuses the replay", async () => {
    expectSuccess(await prove("proof.json"));
    expectFailure(await run(["submit", "proof.json"], as("keeper")), 1, /the proof is for 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 but the signing key is/);
    expectSuccess(await solvency(dir, ["keystore", "-o", "alice.json"], { ...as("alice"), SOLVENCY_KEYSTORE_PASSWORD: "pw" }));
    const submitted = await run(["submit", "proof.json", "--keystore", "alice.json", "--json"], { SOLVENCY_KEYSTORE_PASSWORD: "pw" });
    expectSuccess(submitted);
    expect(json<{ tier: string }>(submitted).tier).to.equal("initial");
    expectFailure(await run(["submit", "proof.json"], as("alice")), 3, /nonce 1 is not the account's next nonce 2 — preflight: the proof file — prove again with --nonce 2/);
    const status = json<{ solventInitial: boolean; solvencyNonce: string; liquidatable: string }>(await run(["status", ALICE, "--json"]));
    expect(status).to.include({ solventInitial: true, solvencyNonce: "1", liquidatable: "none" });
  });

  it("borrows with a proof that counts the new debt", async () => {
    expectSuccess(await prove("borrow.json", "--borrow", "40000"));
    expectSuccess(await run(["submit", "borrow.json", "--borrow", "40000"], as("alice")));
    expect(json<{ debt: string }>(await run(["status", ALICE, "--json"])).debt).to.equal((40000n * 10n ** 18n).toString());
  });

  it("after a crash, refuses the maintenance proof, posts an insolvency proof and liquidates", async () => {
    await signAll("prices-crash.yaml", "c");
    expectSuccess(await run(["oracle", "publish", "--signatures", "c0.json", "c1.json", "c2.json", "-o", "crash.json"], as("admin")));
    const refused = await prove("maintenance.json", "--tier", "maintenance");
    expectFailure(refused, 2, /solvency claim at 12000 bps does not hold: the portfolio's ratio is 10629 bps/);
    expect(existsSync(path.join(dir, "maintenance.json"))).to.equal(false);
    expectFailure(await run(["liquidate", ALICE], as("keeper")), 3, /cannot be liquidated now/);
    expectSuccess(await prove("insolvent.json", "--claim", "insolvent"));
    expectSuccess(await run(["submit", "insolvent.json"], as("keeper")));
    const liquidated = await run(["liquidate", ALICE, "--json"], as("keeper"));
    expectSuccess(liquidated);
    expect(json<{ reason: string; debtWrittenOff: string }>(liquidated)).to.include({ reason: "insolvent", debtWrittenOff: (40000n * 10n ** 18n).toString() });
    expect(json<{ frozen: boolean }>(await run(["status", ALICE, "--json"])).frozen).to.equal(true);
  });

  it("refuses to prove against a stale round", async () => {
    await rpc(url, "evm_increaseTime", [7200]);
    await rpc(url, "evm_mine", []);
    expectFailure(await prove("stale.json"), 3, /price round 2 is stale .* publish a fresh round/);
    expect(existsSync(path.join(dir, "stale.json"))).to.equal(false);
  });
});
