/**
 * The encoded portfolio, price round and risk factors: integers exactly as the circuit sees them,
 * with the bounds each must satisfy (circuits/spec.json "bounds"). Conversions from human decimals
 * live in portfolio.ts; this module only states and checks the integer model.
 */
import { spec, bits, BPS, MAX_DECIMALS, FIELD } from "./spec.ts";

export interface EncodedPosition {
  /** signed size in base units of the perpetual market (negative = short) */
  size: bigint;
  /** entry price, fixed point with the oracle's price decimals */
  entryPrice: bigint;
}
export interface EncodedPortfolio {
  /** per asset slot, base units */
  collateral: bigint[];
  debt: bigint[];
  /** per perpetual market slot */
  positions: EncodedPosition[];
  /** blinding factor of the portfolio commitment, a field element */
  salt: bigint;
}
export interface PriceRound {
  roundId: bigint;
  timestamp: bigint;
  /** per asset: USD price of one whole token, fixed point */
  prices: bigint[];
  /** per perpetual market: mark price, fixed point */
  marks: bigint[];
}
export interface RiskFactors {
  collateralFactor: bigint[];
  debtFactor: bigint[];
  profitFactor: bigint[];
  lossFactor: bigint[];
  marginFactor: bigint[];
}
/** Governance's human-level parameters, from which the committed factors are derived. */
export interface AssetRisk { decimals: number; collateralWeightBps: number; liabilityWeightBps: number }
export interface MarketRisk { decimals: number; profitWeightBps: number; lossWeightBps: number; maintenanceMarginBps: number }

export class BoundError extends RangeError {}

const B = spec.bounds;
export const AMOUNT_LIMIT = bits(B.amountBits);
export const PRICE_LIMIT = bits(B.priceBits);
export const FACTOR_LIMIT = bits(B.factorBits);
export const LIABILITY_LIMIT = bits(B.liabilityBits);
export const RATIO_LIMIT = bits(B.ratioBits);

export const scaleOf = (decimals: number): bigint => {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS) {
    throw new BoundError(`decimals ${decimals} must be an integer in [0, ${MAX_DECIMALS}]`);
  }
  return 10n ** BigInt(MAX_DECIMALS - decimals);
};

function weight(name: string, w: number, max: number): bigint {
  if (!Number.isInteger(w) || w < 0 || w > max) throw new BoundError(`${name} ${w} must be an integer in [0, ${max}] bps`);
  return BigInt(w);
}

/** Derives the committed factors (scale * weight) from governance's parameters, exactly as RiskRegistry does. */
export function riskFactors(assets: readonly AssetRisk[], markets: readonly MarketRisk[]): RiskFactors {
  return {
    collateralFactor: assets.map((a) => scaleOf(a.decimals) * weight("collateralWeightBps", a.collateralWeightBps, B.maxCollateralWeightBps)),
    debtFactor: assets.map((a) => scaleOf(a.decimals) * weight("liabilityWeightBps", a.liabilityWeightBps, B.maxLiabilityWeightBps)),
    profitFactor: markets.map((m) => scaleOf(m.decimals) * weight("profitWeightBps", m.profitWeightBps, B.maxCollateralWeightBps)),
    lossFactor: markets.map((m) => scaleOf(m.decimals) * weight("lossWeightBps", m.lossWeightBps, B.maxLiabilityWeightBps)),
    marginFactor: markets.map((m) => scaleOf(m.decimals) * weight("maintenanceMarginBps", m.maintenanceMarginBps, B.maxMarginRateBps)),
  };
}

function below(name: string, v: bigint, limit: bigint): void {
  if (v < 0n || v >= limit) throw new BoundError(`${name} = ${v} is outside [0, ${limit})`);
}

/** Checks every value against the bound the circuit's soundness argument relies on. */
export function checkBounds(p: EncodedPortfolio, r: PriceRound, f: RiskFactors, publicLiability: bigint): void {
  const n = r.prices.length;
  const m = r.marks.length;
  if (n < 1 || n > B.maxAssets) throw new BoundError(`asset count ${n} is outside [1, ${B.maxAssets}]`);
  if (m < 1 || m > B.maxPositions) throw new BoundError(`market count ${m} is outside [1, ${B.maxPositions}]`);
  const lens: Array<[string, number, number]> = [
    ["collateral", p.collateral.length, n], ["debt", p.debt.length, n], ["positions", p.positions.length, m],
    ["collateralFactor", f.collateralFactor.length, n], ["debtFactor", f.debtFactor.length, n],
    ["profitFactor", f.profitFactor.length, m], ["lossFactor", f.lossFactor.length, m], ["marginFactor", f.marginFactor.length, m],
  ];
  for (const [name, got, want] of lens) if (got !== want) throw new BoundError(`${name} has ${got} entries, expected ${want}`);
  p.collateral.forEach((v, i) => below(`collateral[${i}]`, v, AMOUNT_LIMIT));
  p.debt.forEach((v, i) => below(`debt[${i}]`, v, AMOUNT_LIMIT));
  p.positions.forEach((q, j) => {
    below(`positions[${j}].size magnitude`, q.size < 0n ? -q.size : q.size, AMOUNT_LIMIT);
    below(`positions[${j}].entryPrice`, q.entryPrice, PRICE_LIMIT);
  });
  below("salt", p.salt, FIELD);
  r.prices.forEach((v, i) => below(`prices[${i}]`, v, PRICE_LIMIT));
  r.marks.forEach((v, j) => below(`marks[${j}]`, v, PRICE_LIMIT));
  for (const [k, arr] of Object.entries(f)) (arr as bigint[]).forEach((v, i) => below(`${k}[${i}]`, v, FACTOR_LIMIT));
  below("publicLiability", publicLiability, LIABILITY_LIMIT);
  below("roundId", r.roundId, bits(spec.hashing.priceRound.roundIdBits));
  below("timestamp", r.timestamp, bits(spec.hashing.priceRound.roundTimeBits));
}

export { BPS };
