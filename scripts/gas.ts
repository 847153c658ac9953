/**
 * Gas used by every on-chain action of the system, read from transaction receipts on a local Hardhat chain
 * with real proofs, for each circuit instance (Solvency_4x2, Solvency_16x4 and Solvency_64x8, built on demand;
 * `--instances A,B` narrows it): deployments, attester registration, risk updates (and re-binding the newest
 * round to them), publishing a round, the bare Groth16 verification and every proof submission (first of an
 * account, first on a round, priming a round's key, later proofs, borrowing, insolvency, clearing one),
 * repaying, withdrawing, both kinds of liquidation, unfreezing and raising an attestation floor
 * (benchmark/instance-gas.ts); then publishing a round for each universe with 1, 3, 5 and 7 signatures
 * (benchmark/oracle-gas.ts). Writes bench/gas.json, the README table between the gas markers, and prints
 * the tables and each submission's ratio to the bare verification against its goal.
 *
 *   npm run gas          (after npm run build)
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../prover/artifacts.ts";
import { eddsaReady } from "../prover/attestation.ts";
import { poseidonReady } from "../prover/poseidon.ts";
import { releaseProvingResources } from "../prover/prove.ts";
import { measurePublishGas, universeOf } from "../benchmark/oracle-gas.ts";
import { measureInstanceGas, type ActionGas } from "../benchmark/instance-gas.ts";
import { actionTable, gasFileSchema, goalLines, publishTable, type GasFile } from "../benchmark/gas-table.ts";
import { ensureInstanceBuilt } from "../pipeline/instance.ts";

const INSTANCES = ["Solvency_4x2", "Solvency_16x4", "Solvency_64x8"];
const SIGNATURES = [1, 3, 5, 7];

function selectedInstances(argv: string[]): string[] {
  const i = argv.indexOf("--instances");
  if (i < 0) return INSTANCES;
  const list = argv[i + 1]?.split(",").filter(Boolean) ?? [];
  if (list.length === 0) throw new Error("--instances takes a comma-separated list, e.g. Solvency_4x2,Solvency_16x4");
  return list;
}

async function main(): Promise<void> {
  const instances = selectedInstances(process.argv.slice(2));
  await Promise.all([eddsaReady(), poseidonReady()]);
  const { network } = await import("hardhat");
  const actions: ActionGas[] = [];
  for (const name of instances) {
    await ensureInstanceBuilt(name, (l) => console.error(l));
    console.error(`${name}: measuring every action ...`);
    const conn = await network.connect();
    const [admin, alice, bob, keeper] = await conn.ethers.getSigners();
    actions.push(...(await measureInstanceGas(name, {
      signers: { admin: admin!, alice: alice!, bob: bob!, keeper: keeper! },
      now: async () => BigInt(await conn.networkHelpers.time.latest()),
      advance: (s) => conn.networkHelpers.time.increase(s).then(() => undefined),
      setNextTime: (t) => conn.networkHelpers.time.setNextBlockTimestamp(t),
    })));
    await releaseProvingResources();
  }
  const conn = await network.connect();
  const [signer] = await conn.ethers.getSigners();
  console.error("publishing: 1, 3, 5 and 7 signatures per universe ...");
  const publishing = await measurePublishGas(signer!, instances, SIGNATURES, async () => BigInt(await conn.networkHelpers.time.latest()));

  const out: GasFile = gasFileSchema.parse({
    compiler: { solc: "0.8.28", optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun" },
    instances: instances.map((name) => { const { n, m } = universeOf(name); return { name, assets: n, markets: m }; }),
    actions: [...actions, ...publishing],
  });
  const file = path.join(ROOT, "bench", "gas.json");
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(out, null, 2) + "\n");
  renameSync(tmp, file);

  const table = `${actionTable(out.actions)}\n\nPublishing a round, by universe and number of reporters' signatures:\n\n${publishTable(out.actions)}`;
  console.log(table);
  console.log("");
  for (const line of goalLines(out.actions)) console.log(line);
  if (updateGasReadme(path.join(ROOT, "README.md"), table)) console.log("updated README.md between the gas markers");
  console.log(`written ${path.relative(ROOT, file)}`);
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
  await releaseProvingResources();
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
});
