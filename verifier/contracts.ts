/**
 * The project's contracts from TypeScript: compiled artifacts, deploying the whole system in order, and
 * reading back what a prover needs from chain (the published round, the committed risk factors).
 * Works with any ethers v6 signer, so tests, scripts and the CLI deploy and read the same way.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { Contract, ContractFactory, type ContractRunner, type Signer, type TransactionReceipt } from "ethers";
import { ROOT } from "../prover/artifacts.ts";
import type { AssetRisk, MarketRisk, PriceRound, RiskFactors } from "../prover/model.ts";
import { packPrices, type AttesterKey } from "../prover/commitments.ts";
import { bySigner, reportCalldata, type SignedReport } from "../oracle/signing.ts";

export const ARTIFACTS_DIR = path.join(ROOT, "artifacts", "contracts");

export interface Artifact { contractName: string; abi: unknown[]; bytecode: string }

let index: Map<string, string> | undefined;
function artifactIndex(): Map<string, string> {
  if (index) return index;
  const found = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const p = path.join(dir, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (entry.endsWith(".json") && !entry.endsWith(".dbg.json")) found.set(entry.slice(0, -5), p);
    }
  };
  if (existsSync(ARTIFACTS_DIR)) walk(ARTIFACTS_DIR);
  index = found;
  return found;
}

/** A compiled contract by name; the contracts must have been built (`npm run build:contracts`). */
export function loadArtifact(name: string): Artifact {
  const file = artifactIndex().get(name);
  if (!file) throw new Error(`no compiled contract ${name} in ${path.relative(ROOT, ARTIFACTS_DIR)}: run \`npm run build:contracts\``);
  return JSON.parse(readFileSync(file, "utf8")) as Artifact;
}

export const contractAt = (name: string, address: string, runner: ContractRunner): Contract =>
  new Contract(address, loadArtifact(name).abi as never, runner);

export async function deploy(name: string, signer: Signer, args: unknown[] = []): Promise<Contract> {
  const a = loadArtifact(name);
  const contract = await new ContractFactory(a.abi as never, a.bytecode, signer).deploy(...args);
  await contract.waitForDeployment();
  return contract as Contract;
}

/** Deploys Poseidon(n): its constants contracts first, then the hasher, which checks their code hashes. */
export async function deployPoseidon(inputs: number, signer: Signer): Promise<Contract> {
  const chunks: string[] = [];
  for (let i = 0; artifactIndex().has(`Poseidon${inputs}Constants${i}`); i++) {
    chunks.push(await (await deploy(`Poseidon${inputs}Constants${i}`, signer)).getAddress());
  }
  return deploy(`Poseidon${inputs}`, signer, [chunks]);
}

export interface SystemConfig {
  /** circuit instance whose verifier the gate uses, e.g. "Solvency_4x2"; its N × M must match the universe */
  instance: string;
  assets: AssetRisk[];
  markets: MarketRisk[];
  initialRatioBps: number;
  maintenanceRatioBps: number;
  /** seconds a price round and an attestation stay usable */
  maxPriceAge: number;
  maxAttestationAge: number;
  /** seconds after a newer round is published during which proofs may still rest on the previous one */
  roundGrace: number;
  /** seconds after a lapsed maintenance proof before a keeper may liquidate */
  gracePeriod: number;
  keeperBonusBps: number;
  /** existing ERC-20s; when absent, mintable MockERC20s are deployed (collateral 18 decimals, credit 18) */
  collateralToken?: string;
  creditToken?: string;
  /** the oracle's reporters (3 to 15); none by default: governance adds them (solvency oracle reporters add) */
  reporters?: string[];
  /** signatures a round needs (default 3) and a round moving a slot beyond its guard needs (default: quorum) */
  quorum?: number;
  largeMoveQuorum?: number;
  /** oldest observation a round may carry, seconds (default: the oracle's 600) */
  maxObservationAge?: number;
}

export interface System {
  poseidon3: Contract;
  poseidon5: Contract;
  poseidon8: Contract;
  verifier: Contract;
  registry: Contract;
  oracle: Contract;
  gate: Contract;
  venue: Contract;
  collateral: Contract;
  credit: Contract;
}

/** Deploys and wires the whole system; the deployer is admin and governor of every governed contract. */
export async function deploySystem(signer: Signer, cfg: SystemConfig): Promise<System> {
  const admin = await signer.getAddress();
  const poseidon3 = await deployPoseidon(3, signer);
  const poseidon5 = await deployPoseidon(5, signer);
  const poseidon8 = await deployPoseidon(8, signer);
  const verifier = await deploy(`Groth16Verifier_${cfg.instance}`, signer);
  const registry = await deploy("RiskRegistry", signer, [
    admin, await poseidon8.getAddress(), cfg.assets, cfg.markets, cfg.initialRatioBps, cfg.maintenanceRatioBps,
  ]);
  const oracle = await deploy("PriceOracle", signer, [admin, await registry.getAddress(), await poseidon8.getAddress(), await poseidon3.getAddress()]);
  // The registry tells the oracle of every change of its terms; the oracle publishes nothing until it is wired.
  await (await registry.getFunction("setOracle")(await oracle.getAddress())).wait();
  await configureOracle(oracle, cfg);
  const gate = await deploy("SolvencyGate", signer, [
    admin, await verifier.getAddress(), await oracle.getAddress(), await poseidon5.getAddress(), cfg.maxPriceAge, cfg.maxAttestationAge, cfg.roundGrace,
  ]);
  const collateral = cfg.collateralToken
    ? contractAt("MockERC20", cfg.collateralToken, signer)
    : await deploy("MockERC20", signer, ["Collateral", "COLL", 18]);
  const credit = cfg.creditToken ? contractAt("MockERC20", cfg.creditToken, signer) : await deploy("MockERC20", signer, ["Credit", "CRED", 18]);
  const venue = await deploy("MarginVenue", signer, [
    admin, await gate.getAddress(), await collateral.getAddress(), await credit.getAddress(), cfg.gracePeriod, cfg.keeperBonusBps,
  ]);
  await (await gate.getFunction("setVenue")(await venue.getAddress())).wait();
  return { poseidon3, poseidon5, poseidon8, verifier, registry, oracle, gate, venue, collateral, credit };
}

/** Adds the configured reporters and sets the quorums and observation age (when given). */
export async function configureOracle(oracle: Contract, cfg: Pick<SystemConfig, "reporters" | "quorum" | "largeMoveQuorum" | "maxObservationAge">): Promise<void> {
  const send = async (fn: string, ...args: unknown[]): Promise<void> => void (await (await oracle.getFunction(fn)(...args)).wait());
  for (const reporter of cfg.reporters ?? []) await send("addReporter", reporter);
  if (cfg.quorum !== undefined || cfg.largeMoveQuorum !== undefined) {
    const quorum = cfg.quorum ?? Number(await oracle.getFunction("quorum")());
    await send("setQuorum", quorum, cfg.largeMoveQuorum ?? quorum);
  }
  if (cfg.maxObservationAge !== undefined) await send("setMaxObservationAge", cfg.maxObservationAge);
}

/** The committed risk factors, split from RiskRegistry.riskElements() as the circuit orders them. */
export async function readRiskFactors(registry: Contract): Promise<RiskFactors> {
  const n = Number(await registry.getFunction("assetCount")());
  const m = Number(await registry.getFunction("marketCount")());
  const xs = (await registry.getFunction("riskElements")()) as bigint[];
  return {
    collateralFactor: xs.slice(0, n),
    debtFactor: xs.slice(n, 2 * n),
    profitFactor: xs.slice(2 * n, 2 * n + m),
    lossFactor: xs.slice(2 * n + m, 2 * n + 2 * m),
    marginFactor: xs.slice(2 * n + 2 * m),
  };
}

/** What PriceOracle stored and emitted for one round. */
export interface PublishedRound {
  /** the round as committed: its timestamp is the reporters' observation time, its prices the medians */
  round: PriceRound;
  priceCommitment: bigint;
  riskCommitment: bigint;
  riskVersion: bigint;
  context: bigint;
  /** the reporters whose signed values the medians were taken from, ascending */
  signers: string[];
}

function publishedFrom(args: readonly unknown[]): PublishedRound {
  const [roundId, timestamp, prices, marks, priceCommitment, riskCommitment, riskVersion, context, signers] = args as
    [bigint, bigint, bigint[], bigint[], bigint, bigint, bigint, bigint, string[]];
  return { round: { roundId, timestamp, prices: [...prices], marks: [...marks] }, priceCommitment, riskCommitment, riskVersion, context, signers: [...signers] };
}

/** A round as its RoundPublished event recorded it (the prices are public only there). */
export async function readRound(oracle: Contract, roundId: bigint): Promise<PublishedRound> {
  const logs = await oracle.queryFilter(oracle.filters.RoundPublished!(roundId));
  const log = logs[0];
  if (!log || !("args" in log)) throw new Error(`price round ${roundId} was never published by ${await oracle.getAddress()}`);
  return publishedFrom(log.args);
}

/** What a relay passes of PriceOracle's state (checked on chain against stored hashes). */
export interface RelayState { previousMedians: bigint[]; guards: bigint[] }

/** The oracle's state a relay passes: the previous round's medians (from its event), packed, and the guard words. */
export async function relayState(oracle: Contract): Promise<RelayState> {
  const last = (await oracle.getFunction("lastRoundId")()) as bigint;
  const guards = [...((await oracle.getFunction("guardWords")()) as bigint[])];
  if (last === 0n) return { previousMedians: [], guards };
  const { round } = await readRound(oracle, last);
  return { previousMedians: packPrices([...round.prices, ...round.marks]), guards };
}

/** The calldata of PriceOracle.publishRound for signed reports of one observation (sorted by signer here). */
export async function publishArgs(oracle: Contract, observedAt: bigint, reports: readonly SignedReport[]): Promise<[bigint, ReturnType<typeof reportCalldata>[], RelayState]> {
  return [observedAt, bySigner(reports).map(reportCalldata), await relayState(oracle)];
}

/**
 * Relays a round signed by reporters (any account may send it) and returns what the oracle recorded, with
 * the receipt. Every report must observe `observedAt`.
 */
export async function publishRound(oracle: Contract, observedAt: bigint, reports: readonly SignedReport[]): Promise<PublishedRound & { receipt: TransactionReceipt }> {
  for (const r of reports) if (r.observedAt !== observedAt) throw new Error(`a report by ${r.reporter} observes ${r.observedAt}, not ${observedAt}`);
  const receipt = (await (await oracle.getFunction("publishRound")(...(await publishArgs(oracle, observedAt, reports)))).wait()) as TransactionReceipt;
  for (const log of receipt.logs) {
    const parsed = oracle.interface.parseLog(log);
    if (parsed?.name === "RoundPublished") return { ...publishedFrom(parsed.args), receipt };
  }
  throw new Error("publishRound emitted no RoundPublished event");
}

/**
 * Registers an attester key on the gate and returns its id and binding. `operator` may raise the
 * attester's attestation floors (defaults to the governor sending the transaction).
 */
export async function registerAttester(gate: Contract, key: AttesterKey, operator?: string): Promise<{ attesterId: bigint; binding: bigint; receipt: TransactionReceipt }> {
  const op = operator ?? (await (gate.runner as Signer).getAddress());
  const receipt = (await (await gate.getFunction("registerAttester")(key.Ax, key.Ay, op)).wait()) as TransactionReceipt;
  for (const log of receipt.logs) {
    const parsed = gate.interface.parseLog(log);
    if (parsed?.name === "AttesterRegistered") return { attesterId: parsed.args[0] as bigint, binding: parsed.args[3] as bigint, receipt };
  }
  throw new Error("registerAttester emitted no AttesterRegistered event");
}
