/**
 * Haircuts from a price history: for each symbol the daily volatility of log returns (sample and
 * EWMA), the parametric haircut 1 − exp(−z·σ·√T) at the confidence level, the historical one from the
 * empirical quantile of overlapping T-day log returns, and the larger of the two rounded up to the
 * venue's step. The same for upward moves (what a debt or a short must survive), which sets the
 * liability weight and a perpetual market's maintenance margin.
 */
import { ewmaVolatility, horizonReturns, logReturns, normalQuantile, quantile, stdev } from "./statistics.ts";
import type { PriceHistory } from "./history.ts";

export const BPS = 10000;
/** Registry bounds (circuits/spec.json): collateral weight ≤ 100%, liability weight ≤ 16384 bps, margin ≤ 100%. */
export const MAX_LIABILITY_WEIGHT_BPS = 16384;

export interface CalibrationOptions {
  /** one-sided confidence level, e.g. 0.99 */
  confidence: number;
  /** holding period in days (T) */
  horizonDays: number;
  /** the venue's weight step: haircuts are rounded up to a multiple of it */
  stepBps: number;
}
export const DEFAULT_OPTIONS: CalibrationOptions = { confidence: 0.99, horizonDays: 1, stepBps: 50 };

/** A history needs this many overlapping T-day returns for a tail quantile to mean anything. */
export const MIN_HORIZON_RETURNS = 30;
export const minRows = (horizonDays: number): number => horizonDays + MIN_HORIZON_RETURNS;

export interface AssetRiskEstimate {
  symbol: string;
  /** daily σ of log returns (sample) */
  volatility: number;
  /** daily σ of log returns (EWMA, λ = 0.94) */
  ewmaVolatility: number;
  /** the σ the parametric haircut uses: the larger of the two */
  volatilityUsed: number;
  parametricHaircut: number;
  historicalHaircut: number;
  /** max(parametric, historical) rounded up to the step, in bps (≤ 10000) */
  haircutBps: number;
  parametricUplift: number;
  historicalUplift: number;
  /** the same for an upward move, in bps */
  upliftBps: number;
  collateralWeightBps: number;
  liabilityWeightBps: number;
  /** for a perpetual market: the move either way a position must survive */
  maintenanceMarginBps: number;
}

/** Rounds a fraction up to a multiple of `stepBps`, in bps; tiny float noise below a step is not a step. */
export function roundUpToStep(fraction: number, stepBps: number): number {
  const bps = fraction * BPS;
  const steps = Math.ceil(bps / stepBps - 1e-9);
  return Math.max(0, steps) * stepBps;
}

export function estimateAsset(symbol: string, series: readonly number[], o: CalibrationOptions): AssetRiskEstimate {
  const daily = logReturns(series);
  const volatility = stdev(daily);
  const ewma = ewmaVolatility(daily);
  const volatilityUsed = Math.max(volatility, ewma);
  const z = normalQuantile(o.confidence);
  const spread = z * volatilityUsed * Math.sqrt(o.horizonDays);
  const horizon = horizonReturns(series, o.horizonDays);
  const parametricHaircut = 1 - Math.exp(-spread);
  const historicalHaircut = Math.max(0, 1 - Math.exp(quantile(horizon, 1 - o.confidence)));
  const parametricUplift = Math.exp(spread) - 1;
  const historicalUplift = Math.max(0, Math.exp(quantile(horizon, o.confidence)) - 1);
  const haircutBps = Math.min(BPS, roundUpToStep(Math.max(parametricHaircut, historicalHaircut), o.stepBps));
  const upliftBps = roundUpToStep(Math.max(parametricUplift, historicalUplift), o.stepBps);
  return {
    symbol, volatility, ewmaVolatility: ewma, volatilityUsed,
    parametricHaircut, historicalHaircut, haircutBps,
    parametricUplift, historicalUplift, upliftBps,
    collateralWeightBps: BPS - haircutBps,
    liabilityWeightBps: Math.min(MAX_LIABILITY_WEIGHT_BPS, BPS + upliftBps),
    maintenanceMarginBps: Math.min(BPS, Math.max(haircutBps, upliftBps)),
  };
}

export const column = (h: PriceHistory, i: number): number[] => h.prices.map((row) => row[i]!);

export const estimateAll = (h: PriceHistory, o: CalibrationOptions): AssetRiskEstimate[] =>
  h.symbols.map((s, i) => estimateAsset(s, column(h, i), o));
