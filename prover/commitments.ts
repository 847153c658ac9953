/**
 * Commitments and packed public values, computed exactly as the circuits (and, for the on-chain
 * ones, the contracts) compute them. Every hash starts with a domain tag (circuits/spec.json).
 */
import { chainHash, poseidon } from "./poseidon.ts";
import { TAGS, STATEMENT_FIELDS, TERMS_FIELDS, bits, spec, type StatementFieldSpec } from "./spec.ts";
import type { EncodedPortfolio, PriceRound, RiskFactors } from "./model.ts";

const AMOUNT_SHIFT = BigInt(spec.bounds.amountBits);

/** One field element per asset: collateral + debt * 2^96 (injective because both are < 2^96). */
export function packAsset(collateral: bigint, debt: bigint): bigint {
  return collateral + (debt << AMOUNT_SHIFT);
}
/** One field element per position: |size| + isShort * 2^96 + entryPrice * 2^97. */
export function packPosition(size: bigint, entryPrice: bigint): bigint {
  const short = size < 0n ? 1n : 0n;
  const mag = size < 0n ? -size : size;
  return mag + (short << AMOUNT_SHIFT) + (entryPrice << (AMOUNT_SHIFT + 1n));
}

export function portfolioElements(p: EncodedPortfolio): bigint[] {
  return [
    p.salt,
    ...p.collateral.map((c, i) => packAsset(c, p.debt[i]!)),
    ...p.positions.map((q) => packPosition(q.size, q.entryPrice)),
  ];
}
export const portfolioCommitment = (p: EncodedPortfolio): bigint => chainHash(TAGS.portfolio, portfolioElements(p));

const PRICE_ROUND = spec.hashing.priceRound;
const PRICE_SHIFT = BigInt(spec.bounds.priceBits);

/**
 * The values `per` to an element, `bits` each (PackValues in circuits/chain_hash.circom): element w holds
 * values[per·w + i] · 2^(bits·i). Every value must be below 2^bits, or the packing would not be injective.
 */
export function packValues(values: readonly bigint[], bits: bigint, per: number): bigint[] {
  const out: bigint[] = [];
  for (let w = 0; w * per < values.length; w++) {
    let acc = 0n;
    for (let i = 0; i < per && w * per + i < values.length; i++) {
      const v = values[w * per + i]!;
      if (v < 0n || v >> bits !== 0n) throw new RangeError(`value ${v} does not fit ${bits} bits`);
      acc += v << (bits * BigInt(i));
    }
    out.push(acc);
  }
  return out;
}

/** The price round's header element: roundId + 2^64 · timestamp (hashing.priceRound). */
export function roundHeader(r: Pick<PriceRound, "roundId" | "timestamp">): bigint {
  if (r.roundId < 0n || r.roundId >> BigInt(PRICE_ROUND.roundIdBits) !== 0n) throw new RangeError(`round id ${r.roundId} does not fit ${PRICE_ROUND.roundIdBits} bits`);
  if (r.timestamp < 0n || r.timestamp >> BigInt(PRICE_ROUND.roundTimeBits) !== 0n) throw new RangeError(`timestamp ${r.timestamp} does not fit ${PRICE_ROUND.roundTimeBits} bits`);
  return r.roundId + (r.timestamp << BigInt(PRICE_ROUND.roundIdBits));
}

/** Prices ‖ marks packed four 56-bit values per element, as the price commitment (and PriceOracle's state) packs them. */
export const packPrices = (values: readonly bigint[]): bigint[] => packValues(values, PRICE_SHIFT, PRICE_ROUND.pricesPerElement);

/** What the price commitment hashes: the header, then prices ‖ marks packed four 56-bit values per element. */
export const priceElements = (r: PriceRound): bigint[] => [roundHeader(r), ...packPrices([...r.prices, ...r.marks])];
export const priceCommitment = (r: PriceRound): bigint => chainHash(TAGS.prices, priceElements(r));

export const riskElements = (f: RiskFactors): bigint[] => [
  ...f.collateralFactor, ...f.debtFactor, ...f.profitFactor, ...f.lossFactor, ...f.marginFactor,
];
export const riskCommitment = (f: RiskFactors): bigint => chainHash(TAGS.risk, riskElements(f));

export const contextHash = (priceCommit: bigint, riskCommit: bigint): bigint =>
  poseidon([TAGS.context, priceCommit, riskCommit]);

export interface Domain { chainId: bigint; gate: bigint }
export interface AttesterKey { Ax: bigint; Ay: bigint }

export const attesterBinding = (key: AttesterKey, d: Domain): bigint =>
  poseidon([TAGS.attester, key.Ax, key.Ay, d.chainId, d.gate]);

/**
 * The message the attester signs (EdDSA-Poseidon): account, domain, the attestation's time and expiry, and
 * the portfolio commitment. The expiry is the attester's: a record resting on the attestation lapses with it.
 */
export const attestationMessage = (account: bigint, d: Domain, attestedAt: bigint, expiresAt: bigint, portfolioCommit: bigint): bigint =>
  poseidon([TAGS.attestation, account, d.chainId, d.gate, attestedAt, expiresAt, portfolioCommit]);

export interface Statement { account: bigint; nonce: bigint; attestedAt: bigint; ratioBps: bigint; claim: bigint }

function pack(what: string, fields: readonly StatementFieldSpec[], values: Record<string, bigint>): bigint {
  let out = 0n;
  for (const f of fields) {
    const v = values[f.name]!;
    if (v < 0n || v >= bits(f.bits)) throw new RangeError(`${what} field ${f.name}=${v} does not fit ${f.bits} bits`);
    out |= v << BigInt(f.offset);
  }
  return out;
}
function unpack(fields: readonly StatementFieldSpec[], packed: bigint): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const f of fields) out[f.name] = (packed >> BigInt(f.offset)) & (bits(f.bits) - 1n);
  return out;
}

/** Packs the statement public signal; each field must fit its width (checked here, in the circuit and on chain). */
export const packStatement = (s: Statement): bigint => pack("statement", STATEMENT_FIELDS, { ...s });
export const unpackStatement = (packed: bigint): Statement => unpack(STATEMENT_FIELDS, packed) as unknown as Statement;

/** The terms public signal: the stated public liability and the attestation's expiry. */
export interface Terms { publicLiability: bigint; expiresAt: bigint }
export const packTerms = (t: Terms): bigint => pack("terms", TERMS_FIELDS, { ...t });
export const unpackTerms = (packed: bigint): Terms => unpack(TERMS_FIELDS, packed) as unknown as Terms;
