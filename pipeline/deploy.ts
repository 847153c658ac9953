/**
 * Deploys the whole system for a venue file to an RPC endpoint and writes the deployment file the CLI
 * reads with --deployment: Poseidon hashers, the instance's Groth16 verifier, risk registry (configured
 * from the venue file), price oracle, solvency gate and margin venue (with mintable test tokens for
 * escrow and credit unless existing tokens are given; a test credit token is minted into the venue's
 * reserves).
 *
 *   tsx scripts/deploy.ts --venue FILE [--rpc URL] [--out deployment.json] [--keystore FILE]
 *                         [--collateral-token ADDRESS] [--credit-token ADDRESS] [--force]
 *
 * The deployer's key comes from SOLVENCY_PRIVATE_KEY or --keystore (never a flag); the deployer is
 * admin and governor; the oracle starts without reporters (solvency oracle reporters add).
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Signer } from "ethers";
import { deploySystem, loadArtifact, type System } from "../verifier/contracts.ts";
import { artifacts, buildCommand } from "../prover/artifacts.ts";
import { deploymentJson, type ContractName } from "../verifier/deployment.ts";
import { openProvider, ChainFailure } from "../verifier/chain.ts";
import { loadVenue, registryParameters, venueDescription, type Venue } from "../prover/venue.ts";
import { readSetupInfo, verifierContractName } from "../prover/setup-info.ts";
import { writeFileAtomic, InputError } from "../prover/files.ts";
import { signerFrom } from "../cli/signer.ts";

export interface DeployOptions {
  collateralToken?: string;
  creditToken?: string;
  /** credit (whole tokens) minted into the venue's reserves when the credit token is a test token */
  fundCredit?: bigint;
  /** the oracle's reporters and quorums (default: none; governance adds them with solvency oracle reporters add) */
  reporters?: string[];
  quorum?: number;
  largeMoveQuorum?: number;
}

/** Reserves a venue with a test credit token starts with, in whole tokens. */
export const DEFAULT_TEST_CREDIT = 1_000_000n;

export interface Deployed {
  system: System;
  /** the deployment file's content */
  json: string;
  chainId: bigint;
  contracts: Record<ContractName, string>;
}

/** Deploys the system for `venue` with `signer` and returns the contracts and the deployment file's text. */
export async function deployVenue(signer: Signer, venue: Venue, opts: DeployOptions = {}): Promise<Deployed> {
  const setup = readSetupInfo(venue.instance.name);
  const { assets, markets } = registryParameters(venue);
  const system = await deploySystem(signer, {
    instance: venue.instance.name,
    assets, markets,
    initialRatioBps: Number(venue.ratios.initialBps),
    maintenanceRatioBps: Number(venue.ratios.maintenanceBps),
    maxPriceAge: venue.policy.maxPriceAgeSeconds,
    maxAttestationAge: venue.policy.maxAttestationAgeSeconds,
    roundGrace: venue.policy.roundGraceSeconds,
    gracePeriod: venue.policy.gracePeriodSeconds,
    keeperBonusBps: venue.policy.keeperBonusBps,
    collateralToken: opts.collateralToken,
    creditToken: opts.creditToken,
    reporters: opts.reporters,
    quorum: opts.quorum,
    largeMoveQuorum: opts.largeMoveQuorum,
  });
  if (!opts.creditToken) {
    const decimals = (await system.credit.getFunction("decimals")()) as bigint;
    const amount = (opts.fundCredit ?? DEFAULT_TEST_CREDIT) * 10n ** decimals;
    await (await system.credit.getFunction("mint")(await system.venue.getAddress(), amount)).wait();
  }
  const provider = signer.provider!;
  const chainId = (await provider.getNetwork()).chainId;
  const address = (c: { getAddress(): Promise<string> }): Promise<string> => c.getAddress();
  const contracts: Record<ContractName, string> = {
    poseidon3: await address(system.poseidon3),
    poseidon5: await address(system.poseidon5),
    poseidon8: await address(system.poseidon8),
    verifier: await address(system.verifier),
    registry: await address(system.registry),
    oracle: await address(system.oracle),
    gate: await address(system.gate),
    venue: await address(system.venue),
    collateralToken: await address(system.collateral),
    creditToken: await address(system.credit),
  };
  const json = deploymentJson({
    chainId, instance: venue.instance.name, development: setup.development,
    deployedAt: new Date().toISOString(), block: BigInt(await provider.getBlockNumber()), contracts,
  }, venueDescription(venue));
  return { system, json, chainId, contracts };
}

/**
 * Refuses, before anything is sent, a venue whose circuit instance has no trusted setup or no compiled
 * verifier: the deployment would stop halfway with contracts already on chain.
 */
export function checkBuilt(name: string, venueFile: string): void {
  const a = artifacts(name);
  let ready = existsSync(a.zkey) && existsSync(a.vkey);
  try {
    readSetupInfo(name);
    loadArtifact(verifierContractName(name, "groth16"));
  } catch {
    ready = false;
  }
  if (!ready) throw new InputError(`the venue's circuit instance ${name} is not built: no trusted setup or no compiled verifier`, `${venueFile} instance`, `build it first: ${buildCommand(name)}`);
}

/** Deploys a venue file to an RPC endpoint and writes the deployment file (the CLI's `deploy` and this script's entry). */
export async function deployToEndpoint(o: { venue: string; rpc: string; out: string; keystore?: string; collateralToken?: string; creditToken?: string; force?: boolean }, log: (line: string) => void): Promise<Deployed> {
  const venue = loadVenue(o.venue);
  if (!o.force && existsSync(o.out)) throw new InputError("the deployment file already exists", o.out, "choose another --out, or pass --force to replace it");
  checkBuilt(venue.instance.name, o.venue);
  const { provider } = await openProvider(o.rpc);
  try {
    const signer = await signerFrom({ keystore: o.keystore }, provider);
    log(`deploying ${venue.name} (${venue.instance.name}) from ${await signer.getAddress()} to ${o.rpc} ...`);
    let d: Deployed;
    try {
      d = await deployVenue(signer, venue, { collateralToken: o.collateralToken, creditToken: o.creditToken });
    } catch (err) {
      const e = err as Error & { shortMessage?: string };
      if (e instanceof InputError) throw e;
      throw new ChainFailure(`the deployment failed (${(e.shortMessage ?? e.message.split("\n")[0]!).slice(0, 200)})`, o.rpc, "check the endpoint and the deployer's funds, then retry");
    }
    writeFileAtomic(o.out, d.json, { overwrite: !!o.force });
    return d;
  } finally {
    provider.destroy();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      venue: { type: "string" },
      rpc: { type: "string", default: process.env.SOLVENCY_RPC ?? "http://127.0.0.1:8545" },
      out: { type: "string", default: "deployment.json" },
      keystore: { type: "string" },
      "collateral-token": { type: "string" },
      "credit-token": { type: "string" },
      force: { type: "boolean", default: false },
    },
  });
  if (!values.venue) throw new InputError("no venue file", "--venue", "pass --venue FILE (see examples/venue.yaml)");
  const d = await deployToEndpoint({ ...values, venue: values.venue, collateralToken: values["collateral-token"], creditToken: values["credit-token"] }, (l) => console.error(l));
  console.log(`wrote ${values.out}: chain ${d.chainId}, gate ${d.contracts.gate}, venue ${d.contracts.venue}`);
}

/** The command-line entry point (scripts/deploy.ts): exits with its status. */
export async function runCommand(): Promise<void> {
  try {
    await main();
  } catch (err) {
    const e = err as Error;
    const known = e instanceof InputError || e instanceof ChainFailure;
    console.error(`error: ${known ? e.message : `${e.message.split("\n")[0]} — deployment — rerun; if it persists, check the build (npm run build)`}`);
    process.exit(e instanceof ChainFailure ? 3 : 1);
  }
}
