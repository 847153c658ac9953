/**
 * `solvency watch` as a process, as an operator runs it: against the chain over JSON-RPC, killed without
 * warning mid-round and started again (the round's proof is made and sent exactly once), following the
 * next round on its own, stopping cleanly on SIGTERM, and `solvency watch status` showing the record.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync, chmodSync } from "node:fs";
import path from "node:path";
import { CLI, KEYS, solvency, workdir, expectSuccess } from "../helpers/cli.ts";
import { rpcBridge } from "../helpers/rpc-bridge.ts";
import { CONFIG, deployTestSystem, now, releaseProver, type TestSystem } from "../helpers/system.ts";
import { ATTESTER_SECRET } from "../helpers/fixtures.ts";
import { accepted, publisher } from "../helpers/watch.ts";
import { loadVenue, registryParameters, venueDescription } from "../../prover/venue.ts";
import { loadPrices } from "../../prover/prices.ts";
import { loadPortfolio, encodePortfolio } from "../../prover/portfolio.ts";
import { attestationJson, signAttestation } from "../../prover/attester.ts";
import { attesterPublicKey } from "../../prover/attestation.ts";
import { portfolioCommitment } from "../../prover/commitments.ts";
import { deploymentJson } from "../../verifier/deployment.ts";

const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

interface Watch { child: ChildProcess; lines: { msg?: string; [k: string]: unknown }[]; exited: Promise<number | null> }

describe("solvency watch as a process", function () {
  let sys: TestSystem;
  let bridge: Awaited<ReturnType<typeof rpcBridge>>;
  let dir: string;
  let publish: () => Promise<bigint>;
  const running: Watch[] = [];

  function start(env: Record<string, string> = {}): Watch {
    const child = spawn(process.execPath, [CLI, "watch", "--config", "watch.yaml", "--deployment", "deployment.json", "--rpc", bridge.url, "--poll", "300ms", "--workers", "1", "--status-file", "status.json"], {
      cwd: dir, env: { ...process.env, ALICE_KEY: KEYS.alice, KEEPER_KEY: KEYS.keeper, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true,
    });
    const w: Watch = { child, lines: [], exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))) };
    let buf = "";
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        try {
          w.lines.push(JSON.parse(buf.slice(0, i)) as Watch["lines"][number]);
        } catch {
          // not a log line
        }
        buf = buf.slice(i + 1);
      }
    });
    child.stderr!.on("data", (d: Buffer) => process.env.DEBUG_WATCH && process.stderr.write(d));
    running.push(w);
    return w;
  }
  async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 40_000): Promise<void> {
    for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 200))) if (await cond()) return;
    throw new Error(`timed out waiting for ${what}`);
  }
  const solvencyAt = async (roundId: bigint): Promise<number> => (await accepted(sys, roundId)).get(ALICE)?.solvency ?? 0;

  before(async () => {
    dir = workdir();
    const venue = loadVenue(path.join(dir, "venue.yaml"));
    const { assets, markets } = registryParameters(venue);
    sys = await deployTestSystem({ ...CONFIG, assets, markets, initialRatioBps: Number(venue.ratios.initialBps), maintenanceRatioBps: Number(venue.ratios.maintenanceBps) });
    const quote = loadPrices(path.join(dir, "prices.yaml"), venue);
    publish = () => publisher(sys)(quote.prices, quote.marks);
    bridge = await rpcBridge(sys.connection.provider as never);
    const contracts = {
      poseidon3: sys.poseidon3, poseidon5: sys.poseidon5, poseidon8: sys.poseidon8, verifier: sys.verifier, registry: sys.registry,
      oracle: sys.oracle, gate: sys.gate, venue: sys.venue, collateralToken: sys.collateral, creditToken: sys.credit,
    };
    const addresses = Object.fromEntries(await Promise.all(Object.entries(contracts).map(async ([k, c]) => [k, await c.getAddress()]))) as never;
    writeFileSync(path.join(dir, "deployment.json"), deploymentJson({ chainId: sys.domain.chainId, instance: venue.instance.name, development: true, deployedAt: new Date().toISOString(), block: 0n, contracts: addresses }, venueDescription(venue)));
    const t = await now(sys);
    const encoded = encodePortfolio(loadPortfolio(path.join(dir, "portfolio.yaml")), venue.instance);
    const key = { secret: ATTESTER_SECRET, publicKey: attesterPublicKey(ATTESTER_SECRET) };
    writeFileSync(path.join(dir, "attestation.json"), attestationJson(signAttestation(key, venue.instance.name, BigInt(ALICE), sys.domain, t - 10n, t + 86400n, portfolioCommitment(encoded))));
    writeFileSync(path.join(dir, "watch.yaml"), [
      "institution:",
      "  tier: maintenance",
      "  bufferBps: 0",
      "  accounts:",
      "    - { portfolio: portfolio.yaml, attestation: attestation.json, keyEnv: ALICE_KEY }",
      "keeper:",
      "  keyEnv: KEEPER_KEY",
      `  accounts: ["${ALICE}"]`,
      "",
    ].join("\n"));
    chmodSync(path.join(dir, "watch.yaml"), 0o600);
  });
  after(async () => {
    for (const w of running) {
      try {
        process.kill(-w.child.pid!, "SIGKILL");
      } catch {
        // gone
      }
    }
    await bridge?.close();
    await releaseProver();
  });

  it("killed mid-round and restarted, proves and submits the round's proof exactly once", async () => {
    const roundId = await publish();
    const doomed = start({ SOLVENCY_TEST_PROVE_DELAY_MS: "600000" });
    await until("the first watcher to start proving", () => doomed.lines.some((l) => l.msg === "proving round"));
    process.kill(-doomed.child.pid!, "SIGKILL");
    await doomed.exited;
    expect(await solvencyAt(roundId)).to.equal(0);
    const w = start();
    await until("the restarted watcher to submit", async () => (await solvencyAt(roundId)) > 0);
    await until("a pass after the submission", () => w.lines.filter((l) => l.msg === "stopped" || /^submitted/.test(String(l.msg))).length > 0);
    expect(await solvencyAt(roundId)).to.equal(1);
    // It follows the next round without being told.
    const next = await publish();
    await until("the next round's proof", async () => (await solvencyAt(next)) > 0);
    expect(await solvencyAt(next)).to.equal(1);
    expect(await solvencyAt(roundId)).to.equal(1);
    // SIGTERM: a clean stop with exit code 0.
    w.child.kill("SIGTERM");
    expect(await w.exited).to.equal(0);
    expect(w.lines.at(-1)?.msg).to.equal("stopped");
  });

  it("`solvency watch status` shows each account's record, expiry and next action", async () => {
    const r = await solvency(dir, ["watch", "status", "--status-file", "status.json"]);
    expectSuccess(r);
    expect(r.stdout).to.match(new RegExp(`institution +${ALICE} +round \\d+, tier maintenance, valid until \\d{4}-`));
    expect(r.stdout).to.match(/next: none/);
    const j = await solvency(dir, ["watch", "status", "--status-file", "status.json", "--json"]);
    expectSuccess(j);
    const status = JSON.parse(j.stdout) as { accounts: { role: string; record?: { tier: string } }[] };
    expect(status.accounts.map((a) => a.role).sort()).to.deep.equal(["institution", "keeper"]);
  });
});
