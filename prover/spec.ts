/**
 * The protocol constants, read from circuits/spec.json: the one description of the public signals,
 * their packing, the domain tags and the bit bounds that circuits, contracts, CLI and audit share.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface StatementFieldSpec { name: string; offset: number; bits: number; meaning: string; boundBy: string }
export interface PublicSignalSpec {
  name: string;
  bits: number;
  meaning: string;
  derivation?: string;
  boundBy: string;
  fields?: StatementFieldSpec[];
}
export interface ProtocolSpec {
  version: number;
  field: string;
  tags: Record<TagName, string>;
  hashing: { chainHashArity: number; description: string; priceRound: { roundIdBits: number; roundTimeBits: number; pricesPerElement: number; description: string } };
  bounds: {
    amountBits: number; priceBits: number; factorBits: number; liabilityBits: number; ratioBits: number;
    bpsDenominator: number; maxDecimals: number; maxCollateralWeightBps: number; maxLiabilityWeightBps: number;
    maxMarginRateBps: number; maxAssets: number; maxPositions: number; sideBits: number; comparatorBits: number;
    multiplierBits: number; multipliersPerElement: number; exposureBits: number; stressComparatorBits: number; maxScenarios: number;
  };
  units: { priceDecimals: number; value: string; factor: string };
  publicSignals: PublicSignalSpec[];
}
export type TagName = "portfolio" | "prices" | "risk" | "context" | "attester" | "attestation" | "scenarios" | "stress";

export const SPEC_PATH = fileURLToPath(new URL("../circuits/spec.json", import.meta.url));
export const spec: ProtocolSpec = JSON.parse(readFileSync(SPEC_PATH, "utf8")) as ProtocolSpec;

/** BN254 scalar field modulus. */
export const FIELD = BigInt(spec.field);
export const BPS = BigInt(spec.bounds.bpsDenominator);
export const PRICE_DECIMALS = spec.units.priceDecimals;
export const MAX_DECIMALS = spec.bounds.maxDecimals;

/** A domain tag is its ASCII string read as a big-endian integer (every tag is < 2^248). */
export function tagValue(text: string): bigint {
  let v = 0n;
  for (const byte of Buffer.from(text, "ascii")) v = (v << 8n) | BigInt(byte);
  return v;
}
export const TAGS: Record<TagName, bigint> = Object.fromEntries(
  Object.entries(spec.tags).map(([k, v]) => [k, tagValue(v)]),
) as Record<TagName, bigint>;

export const PUBLIC_SIGNAL_NAMES: readonly string[] = spec.publicSignals.map((s) => s.name);
/** The fields a packed public signal carries, in bit order. */
export function packedFields(signal: string): readonly StatementFieldSpec[] {
  const fields = spec.publicSignals.find((s) => s.name === signal)?.fields;
  if (!fields) throw new Error(`circuits/spec.json has no packed public signal '${signal}'`);
  return fields;
}
export const STATEMENT_FIELDS: readonly StatementFieldSpec[] = packedFields("statement");
export const TERMS_FIELDS: readonly StatementFieldSpec[] = packedFields("terms");

export const bits = (n: number): bigint => 1n << BigInt(n);
