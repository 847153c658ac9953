import { expect } from "chai";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Interface, Wallet } from "ethers";
import { REPORTER_KEYS } from "../helpers/fixtures.ts";
import { solvency, workdir, expectFailure, expectSuccess, writeRound, KEYS, ALICE, type Run } from "../helpers/cli.ts";
import { startRpcNode, type RpcNode } from "../helpers/rpc-node.ts";

/** Exactly one JSON document on stdout. */
const doc = <T = Record<string, unknown>>(r: Run): T => JSON.parse(r.stdout) as T;

describe("solvency CLI on a local chain: venue commands, output checks before transactions, one JSON document", function () {
  let node: RpcNode;
  let dir: string;
  let contracts: Record<string, string>;
  const as = (key: keyof typeof KEYS) => ({ SOLVENCY_PRIVATE_KEY: KEYS[key] });
  const run = (args: string[], env: Record<string, string> = {}) => solvency(dir, [...args, "--deployment", "deployment.json", "--rpc", node.url], env);
  const view = async (to: string, signature: string, args: unknown[] = []): Promise<bigint> => {
    const i = new Interface([`function ${signature} view returns (uint256)`]);
    const data = i.encodeFunctionData(i.fragments[0]!.format().split("(")[0]!, args);
    const result = (await node.request("eth_call", [{ to, data }, "latest"])) as string;
    return BigInt(`0x${result.slice(2, 66)}`); // the first word: enough for the views read here
  };

  /** The oracle's three reporters (they only sign, offline). */
  const reporters = REPORTER_KEYS.slice(0, 3).map((k) => new Wallet(k));
  /** The three reporters sign `prices` observed 10 s after the chain's latest block; writes r-<tag>-<i>.json. */
  const sign = async (prices: string, tag: string): Promise<string[]> => {
    await node.request("evm_increaseTime", [10]);
    await node.request("evm_mine", []);
    const at = BigInt(((await node.request("eth_getBlockByNumber", ["latest", false])) as { timestamp: string }).timestamp).toString();
    const files = reporters.map((_, i) => `r-${tag}-${i}.json`);
    for (const [i, w] of reporters.entries()) {
      expectSuccess(await solvency(dir, ["oracle", "sign", "--deployment", "deployment.json", "--prices", prices, "--at", at, "-o", files[i]!], { SOLVENCY_PRIVATE_KEY: w.privateKey }));
    }
    return files;
  };

  before(async function () {
    node = await startRpcNode();
    dir = workdir();
    const deployed = await solvency(dir, ["deploy", "--venue", "venue.yaml", "--rpc", node.url, "--json"], as("admin"));
    expectSuccess(deployed);
    contracts = doc<{ contracts: Record<string, string> }>(deployed).contracts;
    for (const w of reporters) expectSuccess(await run(["oracle", "reporters", "add", w.address], as("admin")));
  });
  const latest = async (): Promise<bigint> => BigInt(((await node.request("eth_getBlockByNumber", ["latest", false])) as { timestamp: string }).timestamp);
  after(async () => node?.close());

  it("oracle publish refuses an existing output file before it sends the round", async () => {
    expectSuccess(await run(["oracle", "publish", "--signatures", ...(await sign("prices.yaml", "1")), "-o", "round.json"], as("admin")));
    expect(await view(contracts.oracle!, "lastRoundId()")).to.equal(1n);
    const before = readFileSync(path.join(dir, "round.json"), "utf8");
    // A valid second round, which the chain would accept: refused for its output file before it is sent.
    const second = await sign("prices.yaml", "2");
    expectFailure(await run(["oracle", "publish", "--signatures", ...second, "-o", "round.json"], as("admin")), 1, /the output file already exists — round\.json — .*--force/);
    expectFailure(await run(["oracle", "publish", "--signatures", ...second, "-o", "no-such-dir/round.json"], as("admin")), 1, /the output directory does not exist/);
    writeFileSync(path.join(dir, "negative-prices.yaml"), readFileSync(path.join(dir, "prices.yaml"), "utf8").replace('WETH: "3000"', 'WETH: "-3000"'));
    expectFailure(await solvency(dir, ["oracle", "sign", "--deployment", "deployment.json", "--prices", "negative-prices.yaml", "-o", "neg.json"], { SOLVENCY_PRIVATE_KEY: reporters[0]!.privateKey }), 1,
      /'-3000' is negative — .* — a price is a positive number of USD: write it without a sign/);
    expect(await view(contracts.oracle!, "lastRoundId()"), "no second round on chain").to.equal(1n);
    expectSuccess(await run(["oracle", "publish", "--signatures", ...second, "-o", "round-2.json"], as("admin")));
    expect(await view(contracts.oracle!, "lastRoundId()"), "the same reports relay once the output is free").to.equal(2n);
    expect(readFileSync(path.join(dir, "round.json"), "utf8")).to.equal(before);
  });

  it("deposits, withdraws and shows the balance in whole tokens, approving the venue as needed", async () => {
    expectSuccess(await run(["faucet", "1000", "--token", "collateral"], as("alice")));
    const deposited = await run(["deposit", "150.5", "--json"], as("alice"));
    expectSuccess(deposited);
    const d = doc<{ ok: boolean; approval: string | null; balance: { escrow: { tokens: string }; wallet: { collateral: { tokens: string } } } }>(deposited);
    expect(d.ok).to.equal(true);
    expect(d.approval, "the first deposit approves the venue").to.match(/^0x[0-9a-f]{64}$/);
    expect(d.balance.escrow.tokens).to.equal("150.5");
    expect(d.balance.wallet.collateral.tokens).to.equal("849.5");
    expect(await view(contracts.venue!, "positionOf(address)", [ALICE])).to.equal(150_500_000_000_000_000_000n);
    const withdrawn = await run(["withdraw", "50"], as("alice"));
    expectSuccess(withdrawn);
    expect(withdrawn.stdout).to.match(/withdrew 50 COLL/).and.to.match(/escrow: 100\.5 COLL {3}debt: 0 CRED/);
    const balance = doc<{ escrow: { tokens: string; units: string }; debt: { tokens: string } }>(await run(["balance", ALICE, "--json"]));
    expect(balance.escrow).to.deep.equal({ units: "100500000000000000000", tokens: "100.5" });
    expect(balance.debt.tokens).to.equal("0");
  });

  it("refuses a deposit, withdrawal or repayment the venue would refuse, before any transaction", async () => {
    const nonce = async () => BigInt((await node.request("eth_getTransactionCount", [ALICE, "latest"])) as string);
    const sent = await nonce();
    expectFailure(await run(["deposit", "5000"], as("alice")), 1, /holds 899\.5 COLL, less than the 5000 to deposit — <amount> — deposit at most 899\.5/);
    expectFailure(await run(["withdraw", "100.6"], as("alice")), 1, /the escrow of .* holds 100\.5 COLL, less than the 100\.6 to withdraw/);
    expectFailure(await run(["repay", "1"], as("alice")), 1, /owes 0 CRED, less than the 1 to repay/);
    expectFailure(await run(["deposit", "-3"], as("alice")), 1, /'-3' is negative .* — <amount> — give the amount without a sign/);
    expectFailure(await run(["deposit", "0.0000000000000000001"], as("alice")), 1, /19 decimal places but only 18/);
    expect(await nonce(), "nothing was sent").to.equal(sent);
  });

  it("takes --deployment and --rpc from the environment or solvency.config.json", async () => {
    const bare = (args: string[], env: Record<string, string> = {}) => solvency(dir, args, env);
    expectFailure(await bare(["balance", ALICE]), 1, /no deployment given — command line — pass --deployment FILE .* SOLVENCY_DEPLOYMENT.* solvency\.config\.json/);
    const viaEnv = await bare(["balance", ALICE, "--json"], { SOLVENCY_DEPLOYMENT: "deployment.json", SOLVENCY_RPC: node.url });
    expectSuccess(viaEnv);
    expect(doc<{ escrow: { tokens: string } }>(viaEnv).escrow.tokens).to.equal("100.5");
    writeFileSync(path.join(dir, "solvency.config.json"), JSON.stringify({ deployment: "deployment.json", rpc: node.url }));
    try {
      const viaFile = await bare(["status", ALICE, "--json"]);
      expectSuccess(viaFile);
      expect(doc<{ escrow: string }>(viaFile).escrow).to.equal("100500000000000000000");
      writeFileSync(path.join(dir, "solvency.config.json"), JSON.stringify({ deploy: "deployment.json" }));
      expectFailure(await bare(["status", ALICE]), 1, /unknown key 'deploy' — .*solvency\.config\.json — the file holds only "deployment"/);
    } finally {
      writeFileSync(path.join(dir, "solvency.config.json"), "{}");
    }
  });

  it("refuses to register the same attester key twice", async () => {
    expectSuccess(await solvency(dir, ["keygen"]));
    expectSuccess(await run(["attester", "register", "--key", "attester-key.json"], as("admin")));
    expectFailure(await run(["attester", "register", "--key", "attester-key.json"], as("admin")), 1, /this key is already registered as attester 1 — attester-key\.json/);
    expect(await view(contracts.gate!, "attesterCount()")).to.equal(1n);
  });

  it("submit verifies the proof off chain first: an edited proof is told as such, and nothing is sent", async () => {
    const now = BigInt((await node.request("eth_getBlockByNumber", ["latest", false]) as { timestamp: string }).timestamp);
    await writeRound(dir, "prices.yaml", 1n, now, "offline-round.json");
    chmodSync(path.join(dir, "portfolio.yaml"), 0o600);
    expectSuccess(await solvency(dir, ["attest", "--key", "attester-key.json", "--portfolio", "portfolio.yaml", "--deployment", "deployment.json"]));
    expectSuccess(await solvency(dir, ["prove", "--portfolio", "portfolio.yaml", "--attestation", "attestation.json", "--venue", "venue.yaml", "--round", "offline-round.json", "--nonce", "1", "--liability", "0", "-o", "proof.json"]));
    const proof = JSON.parse(readFileSync(path.join(dir, "proof.json"), "utf8")) as { proof: { pi_a: string[] } };
    proof.proof.pi_a[0] = (BigInt(proof.proof.pi_a[0]!) + 1n).toString();
    writeFileSync(path.join(dir, "edited.json"), JSON.stringify(proof, null, 2));
    expectFailure(await run(["submit", "edited.json"], as("alice")), 2, /the proof does not verify off chain — edited\.json/);
    expect(await view(contracts.gate!, "attesterCount()")).to.equal(1n);
  });

  it("prints a bad RPC endpoint as its one line, without ethers' retry noise", async () => {
    const r = await solvency(dir, ["status", ALICE, "--deployment", "deployment.json", "--rpc", "http://127.0.0.1:9"]);
    expectFailure(r, 3, /cannot reach the RPC endpoint/);
    expect(r.stderr.trim().split("\n"), r.stderr).to.have.length(1);
    const d = await solvency(dir, ["deploy", "--venue", "venue.yaml", "--rpc", "http://127.0.0.1:9", "-o", "d2.json", "-q"], as("admin"));
    expectFailure(d, 3, /cannot reach the RPC endpoint/);
    expect(d.stderr).not.to.match(/failed to detect network|retry in/);
    expect(existsSync(path.join(dir, "d2.json"))).to.equal(false);
  });
});
