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
 * admin, governor and price reporter.
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { JsonRpcProvider, type Signer } from "ethers";
import { deploySystem, type System } from "../verifier/contracts.ts";
import { deploymentJson, type ContractName } from "../verifier/deployment.ts";
import { loadVenue, registryParameters, venueDescription, type Venue } from "../prover/venue.ts";
import { readSetupInfo } from "../prover/setup-info.ts";
import { writeFileAtomic, InputError } from "../prover/files.ts";
import { signerFrom } from "../cli/signer.ts";

export interface DeployOptions {
  collateralToken?: string;
  creditToken?: string;
  /** credit (whole tokens) minted into the venue's reserves when the credit token is a test token */
  fundCredit?: bigint;
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
    gracePeriod: venue.policy.gracePeriodSeconds,
    keeperBonusBps: venue.policy.keeperBonusBps,
    collateralToken: opts.collateralToken,
    creditToken: opts.creditToken,
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
  const venue = loadVenue(values.venue);
  if (!values.force && existsSync(values.out)) throw new InputError("the deployment file already exists", values.out, "choose another --out, or pass --force to replace it");
  // No response cache: consecutive deployments must each see the account's new nonce.
  const provider = new JsonRpcProvider(values.rpc, undefined, { staticNetwork: true, cacheTimeout: -1 });
  try {
    try {
      await provider.send("eth_chainId", []);
    } catch (err) {
      throw new InputError(`cannot reach the RPC endpoint (${(err as Error).message.split("\n")[0]})`, values.rpc, "check the URL and that the node is running");
    }
    const signer = await signerFrom({ keystore: values.keystore }, provider);
    console.error(`deploying ${venue.name} (${venue.instance.name}) from ${await signer.getAddress()} to ${values.rpc} ...`);
    const d = await deployVenue(signer, venue, { collateralToken: values["collateral-token"], creditToken: values["credit-token"] });
    writeFileAtomic(values.out, d.json, { overwrite: values.force });
    console.log(`wrote ${values.out}: chain ${d.chainId}, gate ${d.contracts.gate}, venue ${d.contracts.venue}`);
  } finally {
    provider.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    await main();
  } catch (err) {
    const e = err as Error & { shortMessage?: string };
    const text = e instanceof InputError ? e.message : `${(e.shortMessage ?? e.message.split("\n")[0]!).slice(0, 200)} — deployment — check the endpoint and the deployer's funds, then retry`;
    console.error(`error: ${text}`);
    process.exit(e instanceof InputError ? 1 : 3);
  }
}
