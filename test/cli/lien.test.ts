/**
 * The CLI against an in-process Hardhat chain served over JSON-RPC: `attester list`, `attester revoke`
 * (the attester's operator raises an account's attestation floor), `status` (when the record expires and
 * when the account becomes liquidatable), and the preflight of `prove --rpc` and `submit`, which refuses
 * in one line, before proving or sending, what the gate would refuse.
 */
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { network } from "hardhat";
import { solvency, workdir, expectFailure, expectSuccess, addCliReporters, signAsReporters, KEYS, ALICE, type Run } from "../helpers/cli.ts";
import { isBuilt } from "../../prover/artifacts.ts";

const ADMIN = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const json = <T>(r: Run): T => JSON.parse(r.stdout) as T;

async function rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

describe("solvency CLI: attestation liens and the preflight", function () {
  let server: { close(): Promise<void> } | undefined;
  let url: string;
  let dir: string;
  const as = (key: keyof typeof KEYS) => ({ SOLVENCY_PRIVATE_KEY: KEYS[key] });
  const run = (args: string[], env: Record<string, string> = {}) => solvency(dir, [...args, "--deployment", "deployment.json", "--rpc", url], env);
  const prove = (out: string, ...more: string[]) => run(["prove", "--portfolio", "portfolio.yaml", "--attestation", "attestation.json", "-o", out, ...more]);

  before(async function () {
    if (!isBuilt("Solvency_4x2")) throw new Error("Solvency_4x2 is not built: run `npm run build` first");
    const s = await network.createServer("default", "127.0.0.1", 0);
    const { address, port } = await s.listen();
    server = s;
    url = `http://${address}:${port}`;
    // The in-process chain's clock starts when hardhat is imported; the CLI's attestations use the wall clock.
    await rpc(url, "evm_setNextBlockTimestamp", [Math.floor(Date.now() / 1000) + 1]);
    await rpc(url, "evm_mine", []);
    dir = workdir();
    expectSuccess(await solvency(dir, ["deploy", "--venue", "venue.yaml", "--rpc", url, "-o", "deployment.json"], as("admin")));
    expectSuccess(await solvency(dir, ["keygen"]));
    expectSuccess(await run(["attester", "register", "--key", "attester-key.json"], as("admin")));
    await addCliReporters(run);
    const latest = (await rpc(url, "eth_getBlockByNumber", ["latest", false])) as { timestamp: string };
    const reports = await signAsReporters(dir, "prices.yaml", BigInt(latest.timestamp), "r");
    expectSuccess(await run(["oracle", "publish", "--signatures", ...reports], as("admin")));
    expectSuccess(await solvency(dir, ["attest", "--key", "attester-key.json", "--portfolio", "portfolio.yaml", "--deployment", "deployment.json", "--valid-for", "8h"]));
  });
  after(async () => {
    await server?.close();
  });

  it("lists the attesters with their key, binding, operator and status", async () => {
    const r = await run(["attester", "list", "--json"]);
    expectSuccess(r);
    const key = JSON.parse(readFileSync(path.join(dir, "attester-key.json"), "utf8")) as { publicKey: { Ax: string; Ay: string } };
    const list = json<{ attesters: Array<{ attesterId: string; Ax: string; Ay: string; binding: string; operator: string; status: string }> }>(r).attesters;
    expect(list).to.have.length(1);
    expect(list[0]).to.include({ attesterId: "1", Ax: key.publicKey.Ax, Ay: key.publicKey.Ay, operator: ADMIN, status: "active" });
    expect(BigInt(list[0]!.binding)).to.not.equal(0n);
    const text = await run(["attester", "list"]);
    expect(text.stdout).to.match(/attester 1: active, operator 0xf39F/);
  });

  it("primes the newest round's verifying key for an attester once, and refuses an unknown one in one line", async () => {
    const r = await run(["attester", "prime", "--attester-id", "1", "--json"], as("keeper"));
    expectSuccess(r);
    const doc = json<{ roundId: string; primed: boolean; transaction: string | null; gas: string | null }>(r);
    expect(doc.roundId).to.equal("1");
    expect(doc.primed).to.equal(true);
    expect(Number(doc.gas)).to.be.greaterThan(50_000);
    const again = await run(["attester", "prime", "--attester-id", "1"], as("keeper"));
    expectSuccess(again);
    expect(again.stdout).to.match(/round 1 for attester 1 is cached already: nothing sent/);
    expectFailure(await run(["attester", "prime", "--attester-id", "7"], as("keeper")), 3, /attester 7 is not registered on this gate — solvency gate: primeVerifierKey — /);
    expectFailure(await run(["attester", "prime", "--attester-id", "1", "--round", "9"], as("keeper")), 3, /price round 9 was never published on this chain/);
  });

  it("refuses before proving a nonce other than the account's next one", async () => {
    expectFailure(await prove("skip.json", "--nonce", "5"), 3, /nonce 5 is not the account's next nonce 1 — preflight: round 1 on chain — prove again with --nonce 1/);
    expect(existsSync(path.join(dir, "skip.json"))).to.equal(false);
  });

  it("proves and submits a solvency proof, then refuses the replay in the preflight", async () => {
    expectSuccess(await prove("proof.json"));
    expectSuccess(await run(["submit", "proof.json"], as("alice")));
    expectFailure(await run(["submit", "proof.json"], as("alice")), 3, /nonce 1 is not the account's next nonce 2 — preflight: the proof file — prove again with --nonce 2/);
  });

  it("refuses before proving an attestation that has expired", async () => {
    expectSuccess(await solvency(dir, ["attest", "--key", "attester-key.json", "--portfolio", "portfolio.yaml", "--deployment", "deployment.json", "--valid-for", "1s", "-o", "brief.json"]));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const r = await run(["prove", "--portfolio", "portfolio.yaml", "--attestation", "brief.json", "-o", "expired.json"]);
    expectFailure(r, 3, /the attestation expired at \d+ \(.*\) \(chain time \d+\) — preflight: round 1 on chain — ask the attester for a new attestation/);
    expect(existsSync(path.join(dir, "expired.json"))).to.equal(false);
  });

  it("status shows when the record expires and when the account becomes liquidatable", async () => {
    const r = await run(["status", ALICE, "--json"]);
    expectSuccess(r);
    const s = json<{ validUntil: string; liquidatableAfter: string; gracePeriod: string; solventInitial: boolean }>(r);
    expect(s.solventInitial).to.equal(true);
    expect(BigInt(s.liquidatableAfter)).to.equal(BigInt(s.validUntil) + 3600n);
    expect(s.gracePeriod).to.equal("3600");
    const text = (await run(["status", ALICE])).stdout;
    expect(text).to.contain(`record expires: ${new Date(Number(s.validUntil) * 1000).toISOString()}`);
    expect(text).to.contain("liquidatable after: never while it owes nothing");
  });

  it("revokes only by the attester's operator, and only upwards and not into the future", async () => {
    expectFailure(await run(["attester", "revoke", "--attester-id", "1", "--account", ALICE], as("alice")), 3,
      new RegExp(`${ALICE} is not the operator of attester 1 — solvency gate: raiseAttestationFloor — sign with the attester's operator key`));
    expectFailure(await run(["attester", "revoke", "--attester-id", "2", "--account", ALICE], as("admin")), 3, /attester 2 is not registered on this gate/);
    expectFailure(await run(["attester", "revoke", "--attester-id", "1", "--account", ALICE, "--from", String(2n ** 39n)], as("admin")), 3, /the floor \d+ is after the chain's time \d+/);
    expectFailure(await run(["attester", "revoke", "--attester-id", "1", "--account", "0x1234"], as("admin")), 1, /--account/);
  });

  it("revokes an account's attestations: its record stops counting and the preflight refuses a proof resting on them", async () => {
    const r = await run(["attester", "revoke", "--attester-id", "1", "--account", ALICE, "--json"], as("admin"));
    expectSuccess(r);
    const floor = BigInt(json<{ floor: string }>(r).floor);
    const status = json<{ solventInitial: boolean; solventMaintenance: boolean }>(await run(["status", ALICE, "--json"]));
    expect(status).to.include({ solventInitial: false, solventMaintenance: false });
    expectFailure(await prove("revoked.json"), 3, /the attestation of \d+ .* is below the attester's floor \d+ .* for this account: the attester withdrew its word — preflight: round 1 on chain/);
    expect(existsSync(path.join(dir, "revoked.json"))).to.equal(false);
    expectFailure(await run(["attester", "revoke", "--attester-id", "1", "--account", ALICE, "--from", String(floor)], as("admin")), 3,
      new RegExp(`the floor ${floor} .* is not above the account's current floor ${floor}`));
  });
});
