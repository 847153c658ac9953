/**
 * The deployment file (docs/files.md) that `solvency deploy` writes and every on-chain command reads
 * with --deployment: the chain, the circuit instance, each contract's address (the venue's escrow and
 * credit tokens among them), and the venue description the registry was configured from.
 */
import { z } from "zod";
import { loadDocument, validate, toJson, InputError, type LoadedDocument } from "../prover/files.ts";
import { venueFromDocument, type Venue } from "../prover/venue.ts";
import { bigintText, addressText } from "../prover/schema.ts";

export const DEPLOYMENT_KIND = "zk-solvency/deployment";

/** The contracts a deployment names; the CLI refuses a deployment file without one it needs. */
export const CONTRACT_NAMES = [
  "poseidon3", "poseidon5", "poseidon8", "verifier", "registry", "oracle", "gate", "venue", "collateralToken", "creditToken",
] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

export interface Deployment {
  file: string;
  chainId: bigint;
  instance: string;
  development: boolean;
  deployedAt: string;
  block: bigint;
  contracts: Record<ContractName, string>;
  venue: Venue;
}

const address = addressText;

const schema = z.strictObject({
  kind: z.literal(DEPLOYMENT_KIND),
  version: z.literal("1"),
  chainId: bigintText,
  instance: z.string(),
  development: z.enum(["true", "false"]),
  deployedAt: z.string(),
  block: bigintText,
  contracts: z.strictObject(Object.fromEntries(CONTRACT_NAMES.map((n) => [n, address])) as Record<ContractName, typeof address>),
  venue: z.unknown(),
});

export function deploymentFromDocument(doc: LoadedDocument): Deployment {
  const d = validate(schema, doc);
  const venue = venueFromDocument({ file: doc.file, data: d.venue, where: (p) => doc.where(["venue", ...p]) });
  if (venue.instance.name !== d.instance) {
    throw new InputError(`the deployment's instance ${d.instance} differs from its venue's ${venue.instance.name}`, doc.where(["instance"]), "redeploy with solvency deploy");
  }
  return {
    file: doc.file,
    chainId: d.chainId,
    instance: d.instance,
    development: d.development === "true",
    deployedAt: d.deployedAt,
    block: d.block,
    contracts: d.contracts,
    venue,
  };
}

export const loadDeployment = (file: string): Deployment => deploymentFromDocument(loadDocument(file, "deployment file"));

/** The deployment file's text; `venueData` is the venue description as it was read (a venue file's content). */
export function deploymentJson(d: Omit<Deployment, "file" | "venue">, venueData: unknown): string {
  return toJson({
    kind: DEPLOYMENT_KIND,
    version: 1,
    chainId: d.chainId,
    instance: d.instance,
    development: d.development,
    deployedAt: d.deployedAt,
    block: d.block,
    contracts: d.contracts,
    venue: venueData,
  });
}
