/**
 * The statistics risk calibration rests on, in floating point (they estimate parameters; no balance or
 * price of a proof passes through here): log returns, sample and EWMA volatility, the normal quantile,
 * empirical quantiles and correlations.
 */

/** Daily log returns ln(p[t] / p[t−1]) of one series. */
export function logReturns(series: readonly number[]): number[] {
  return series.slice(1).map((p, t) => Math.log(p / series[t]!));
}

/** Overlapping `horizon`-day log returns ln(p[t+T] / p[t]). */
export function horizonReturns(series: readonly number[], horizon: number): number[] {
  const out: number[] = [];
  for (let t = 0; t + horizon < series.length; t++) out.push(Math.log(series[t + horizon]! / series[t]!));
  return out;
}

export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Sample standard deviation (n − 1 in the denominator). */
export function stdev(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** RiskMetrics' decay for daily data. */
export const EWMA_LAMBDA = 0.94;

/**
 * EWMA volatility at the end of the series: σ²_t = λ σ²_{t−1} + (1 − λ) r²_t, seeded with the sample
 * variance of the first 20 returns (the seed's weight after n returns is λ^n, negligible for a year).
 */
export function ewmaVolatility(returns: readonly number[], lambda = EWMA_LAMBDA): number {
  if (returns.length === 0) return 0;
  let variance = stdev(returns.slice(0, Math.min(20, returns.length))) ** 2;
  for (const r of returns) variance = lambda * variance + (1 - lambda) * r * r;
  return Math.sqrt(variance);
}

/**
 * Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  return x;
}

/** Empirical quantile with linear interpolation between order statistics (Hyndman–Fan type 7). */
export function quantile(xs: readonly number[], p: number): number {
  if (xs.length === 0) throw new RangeError("quantile of an empty sample");
  const s = [...xs].sort((x, y) => x - y);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

/** Pearson correlation of two equally long samples (0 when either is constant). */
export function correlation(x: readonly number[], y: readonly number[]): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

/** Lower Cholesky factor of a symmetric positive-definite matrix. */
export function cholesky(a: readonly (readonly number[])[]): number[][] {
  const n = a.length;
  const l = Array.from({ length: n }, () => Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (s <= 0) throw new RangeError("the correlation matrix is not positive definite");
        l[i]![i] = Math.sqrt(s);
      } else {
        l[i]![j] = s / l[j]![j]!;
      }
    }
  }
  return l;
}
