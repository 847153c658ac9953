/**
 * Gas used by every on-chain action of the system, read from transaction receipts on a local Hardhat
 * chain with real Solvency_4x2 proofs: deployments, attester registration, risk updates (and re-binding
 * the newest round to them), publishing a round (relayed with a quorum of three reporters' signatures),
 * solvency and insolvency proofs, borrowing, repaying, both kinds of liquidation, unfreezing, and an
 * attester raising an account's attestation floor; then publishing a round for the Solvency_4x2,
 * Solvency_16x4 and Solvency_64x8 universes with 1, 3, 5 and 7 signatures (benchmark/oracle-gas.ts).
 * Writes bench/gas.json and prints Markdown tables.
 *
 *   npm run gas          (after npm run build)
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Contract, TransactionReceipt, TransactionResponse } from "ethers";
import { ROOT } from "../prover/artifacts.ts";
import { attesterPublicKey } from "../prover/attestation.ts";
import { registerAttester } from "../verifier/contracts.ts";
import { measurePublishGas, type PublishGas } from "../benchmark/oracle-gas.ts";
import { measureSubmissionGas, type SubmissionGas } from "../benchmark/submission-gas.ts";
import { ensureInstanceBuilt } from "../pipeline/instance.ts";
import { OTHER_SECRET } from "../test/helpers/fixtures.ts";
import {
  CONFIG, CREDIT, INITIAL_RATIO_BPS, INSTANCE, LIABILITY_FACTOR, MAINTENANCE_RATIO_BPS, MARKS, POOR, PRICES,
  deployTestSystem, now, proveStatement, publishPrices, releaseProver, type ProofBundle, type TestSystem,
} from "../test/helpers/system.ts";

interface Row { action: string; gas: bigint; note: string }

const INITIAL = 2;
const MAINTENANCE = 1;
const BORROW = 5000n * CREDIT;
const PUBLISH_INSTANCES = ["Solvency_4x2", "Solvency_16x4", "Solvency_64x8"];
/** Instances whose submissions are measured with real proofs (built on demand); `--instances A,B` narrows it. */
const SUBMISSION_INSTANCES = (() => {
  const i = process.argv.indexOf("--instances");
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]!.split(",") : PUBLISH_INSTANCES;
})();
const SIGNATURES = [1, 3, 5, 7];

async function main(): Promise<void> {
  const rows: Row[] = [];
  const sys: TestSystem = await deployTestSystem();
  const mined = async (tx: Promise<TransactionResponse> | TransactionResponse): Promise<TransactionReceipt> => {
    const receipt = await (await tx).wait();
    if (!receipt || receipt.status !== 1) throw new Error("transaction failed");
    return receipt;
  };
  const record = (action: string, r: TransactionReceipt, note = ""): void => {
    rows.push({ action, gas: r.gasUsed, note });
  };
  const call = (c: Contract, fn: string, ...args: unknown[]) => c.getFunction(fn)(...args) as Promise<TransactionResponse>;

  for (const [name, c] of Object.entries({
    Poseidon3: sys.poseidon3, Poseidon5: sys.poseidon5, Poseidon8: sys.poseidon8, [`Groth16Verifier_${INSTANCE}`]: sys.verifier,
    RiskRegistry: sys.registry, PriceOracle: sys.oracle, SolvencyGate: sys.gate, MarginVenue: sys.venue,
  })) {
    const r = await c.deploymentTransaction()?.wait();
    if (r) record(`deploy ${name}`, r, name.startsWith("Poseidon") ? "hasher only; its constants contracts are deployed before it" : "");
  }

  record("register attester", (await registerAttester(sys.gate, attesterPublicKey(OTHER_SECRET))).receipt, "binding = Poseidon(5) on chain");
  record("update risk: one asset", await mined(call(sys.registry, "setAsset", 0, CONFIG.assets[0])), `re-commits ${2 * CONFIG.assets.length + 3 * CONFIG.markets.length} factors`);
  record("update risk: all parameters", await mined(call(sys.registry, "setParameters", CONFIG.assets, CONFIG.markets)));
  record("refresh round context (after a risk update)", await mined(call(sys.oracle, "refreshContext")), "re-binds the newest round to the parameters in force");
  await sys.helpers.time.increase(60);
  const published = await publishPrices(sys.oracle, await now(sys));
  record("publish price round", published.receipt, `${PRICES.length} prices + ${MARKS.length} marks from 3 reporters' signatures: medians, chain hash + context on chain`);
  const roundId = published.round.roundId;

  const prove = (account: string, nonce: bigint, claim: 0n | 1n, ratioBps: bigint, publicLiability: bigint, attestedAt: bigint, poor = false): Promise<ProofBundle> =>
    proveStatement(sys, { account, roundId, nonce, claim, ratioBps, publicLiability, attestedAt, ...(poor ? { portfolio: POOR } : {}) });
  const t = await now(sys);
  const a1 = await prove(sys.alice.address, 1n, 1n, INITIAL_RATIO_BPS, 0n, t);
  const a2 = await prove(sys.alice.address, 2n, 1n, MAINTENANCE_RATIO_BPS, 0n, t);
  const a3 = await prove(sys.alice.address, 3n, 1n, INITIAL_RATIO_BPS, BORROW * LIABILITY_FACTOR, t);
  const b1 = await prove(sys.bob.address, 1n, 1n, INITIAL_RATIO_BPS, BORROW * LIABILITY_FACTOR, t);
  const bInsolvent = await prove(sys.bob.address, 1n, 0n, MAINTENANCE_RATIO_BPS, BORROW * LIABILITY_FACTOR, t, true);

  const alice = sys.gate.connect(sys.alice);
  record("prove solvency (first proof of the account)", await mined(alice.getFunction("proveSolvency")(a1.proof, a1.basis, INITIAL)),
    "verify + bind + order checks + record; the account's slot goes from zero to non-zero");
  record("prove solvency (later proof)", await mined(alice.getFunction("proveSolvency")(a2.proof, a2.basis, MAINTENANCE)),
    "verify + bind + order checks + record");
  const venueA = sys.venue.connect(sys.alice);
  record("deposit collateral", await mined(venueA.getFunction("deposit")(100n * CREDIT)));
  record("borrow (with proof)", await mined(venueA.getFunction("borrow")(BORROW, a3.proof, a3.basis)),
    "proof counting the new debt + token transfer");
  record("repay", await mined(venueA.getFunction("repay")(sys.alice.address, 1000n * CREDIT)));
  record("withdraw (with debt, solvent)", await mined(venueA.getFunction("withdraw")(10n * CREDIT)));

  const venueB = sys.venue.connect(sys.bob);
  await mined(venueB.getFunction("deposit")(100n * CREDIT));
  await mined(venueB.getFunction("borrow")(BORROW, b1.proof, b1.basis));
  record("prove insolvency", await mined(sys.gate.connect(sys.keeper).getFunction("proveInsolvency")(sys.bob.address, bInsolvent.proof, bInsolvent.basis)),
    "posted by a keeper");
  record("liquidate (insolvency proof)", await mined(sys.venue.connect(sys.keeper).getFunction("liquidate")(sys.bob.address)));
  await sys.helpers.time.increase(1); // clearing an insolvency needs a strictly newer attestation
  const tb = await now(sys);
  const b2 = await proveStatement(sys, { account: sys.bob.address, roundId, nonce: 2n, claim: 1n, ratioBps: INITIAL_RATIO_BPS, publicLiability: 0n, attestedAt: tb });
  record("prove solvency (clearing an insolvency)", await mined(sys.gate.connect(sys.bob).getFunction("proveSolvency")(b2.proof, b2.basis, INITIAL)));
  record("unfreeze (current initial-tier record)", await mined(sys.venue.connect(sys.keeper).getFunction("unfreeze")(sys.bob.address)), "anyone may call it");
  record("raise attestation floor", await mined(sys.gate.getFunction("raiseAttestationFloor")(sys.attesterId, sys.keeper.address, tb)), "the attester's operator withdraws its word for an account");

  const st = await sys.gate.getFunction("accountState")(sys.alice.address);
  await sys.helpers.time.setNextBlockTimestamp(BigInt(st.validUntil) + BigInt(CONFIG.gracePeriod) + 1n);
  record("liquidate (lapsed maintenance proof)", await mined(sys.venue.connect(sys.keeper).getFunction("liquidate")(sys.alice.address)));
  await releaseProver();
  const publishing: PublishGas[] = await measurePublishGas(sys.admin, PUBLISH_INSTANCES, SIGNATURES, () => now(sys));

  const submissions: SubmissionGas[] = [];
  for (const name of SUBMISSION_INSTANCES) {
    await ensureInstanceBuilt(name, (l) => console.error(l));
    const { network } = await import("hardhat");
    const conn = await network.connect();
    const [signer] = await conn.ethers.getSigners();
    const latest = async () => BigInt(await conn.networkHelpers.time.latest());
    submissions.push(...(await measureSubmissionGas(signer!, name, latest, (s) => conn.networkHelpers.time.increase(s).then(() => undefined))));
    await releaseProver();
  }

  const out = {
    instance: INSTANCE,
    compiler: { solc: "0.8.28", optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun" },
    universe: { assets: CONFIG.assets.length, markets: CONFIG.markets.length },
    actions: [...rows.map((r) => ({ action: r.action, gas: Number(r.gas), note: r.note })), ...publishing, ...submissions],
  };
  const file = path.join(ROOT, "bench", "gas.json");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(out, null, 2) + "\n");

  console.log(`Gas per action (${INSTANCE}, ${out.universe.assets} assets × ${out.universe.markets} markets, solc 0.8.28, optimizer 200 runs)\n`);
  console.log("| action | gas | note |\n|---|---:|---|");
  for (const r of rows) console.log(`| ${r.action} | ${r.gas.toLocaleString("en-US")} | ${r.note} |`);
  console.log("\nPublishing a round, by universe and number of reporters' signatures (steady state)\n");
  console.log(`| instance | ${SIGNATURES.map((k) => `${k} sig.`).join(" | ")} |\n|---|${SIGNATURES.map(() => "---:").join("|")}|`);
  for (const instance of PUBLISH_INSTANCES) {
    console.log(`| ${instance} | ${SIGNATURES.map((k) => publishing.find((p) => p.instance === instance && p.signatures === k)!.gas.toLocaleString("en-US")).join(" | ")} |`);
  }
  console.log("\nA proof submission against the bare verification of the same proof, per instance\n");
  console.log(submissionTable(submissions));
  if (updateGasReadme(path.join(ROOT, "README.md"), submissionTable(submissions))) console.log("updated README.md between the gas markers");
  console.log(`\nwritten ${path.relative(ROOT, file)}`);
}

/** The submission table: each action's gas and its ratio to the bare verification of the same instance. */
export function submissionTable(rows: readonly SubmissionGas[]): string {
  const instances = [...new Set(rows.map((r) => r.instance))];
  const actions = [...new Set(rows.map((r) => r.action))];
  const cell = (instance: string, action: string): string => {
    const g = rows.find((r) => r.instance === instance && r.action === action)?.gas;
    const bare = rows.find((r) => r.instance === instance && r.action === "verify proof (bare)")?.gas;
    if (g === undefined) return "";
    return action === "verify proof (bare)" || action === "prime verifier key" || !bare ? g.toLocaleString("en-US") : `${g.toLocaleString("en-US")} (${(g / bare).toFixed(3)}×)`;
  };
  return [`| action | ${instances.join(" | ")} |`, `|---|${instances.map(() => "---:").join("|")}|`, ...actions.map((a) => `| ${a} | ${instances.map((i) => cell(i, a)).join(" | ")} |`)].join("\n");
}

/** Replaces the README's text between <!-- gas:start --> and <!-- gas:end -->; false when the markers are missing. */
function updateGasReadme(file: string, table: string): boolean {
  const text = readFileSync(file, "utf8");
  const start = text.indexOf("<!-- gas:start -->");
  const end = text.indexOf("<!-- gas:end -->");
  if (start < 0 || end < start) return false;
  writeFileSync(file, `${text.slice(0, start)}<!-- gas:start -->\n${table}\n${text.slice(end)}`);
  return true;
}

main().catch(async (err: unknown) => {
  await releaseProver();
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
});
