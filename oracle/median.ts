/**
 * The oracle's aggregation, as PriceOracle computes it on chain: per slot, the median of the reporters'
 * values, where an even count resolves to the lower middle (index (k - 1) / 2 of the sorted values). The
 * median is always a value some reporter signed, never an average, so it needs no rounding rule. This is
 * the model the contract is tested against.
 */

/** The lower median of `values` (k ≥ 1): the middle value for odd k, the lower of the two middle ones for even k. */
export function lowerMedian(values: readonly bigint[]): bigint {
  if (values.length === 0) throw new RangeError("the median of no values is undefined");
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Per slot, the lower median of the reports' values; every report must have the same length. */
export function slotMedians(reports: ReadonlyArray<readonly bigint[]>): bigint[] {
  const first = reports[0];
  if (!first) throw new RangeError("no reports");
  for (const r of reports) if (r.length !== first.length) throw new RangeError(`reports of ${r.length} and ${first.length} values`);
  return first.map((_, i) => lowerMedian(reports.map((r) => r[i]!)));
}

/**
 * How many of k reports a coalition needs to pull the lower median outside the others' range: below their
 * lowest value takes ceil(k / 2), above their highest floor(k / 2) + 1. So any f with 2f < k is harmless.
 */
export const reportsToMoveMedian = (k: number): { down: number; up: number } => ({ down: Math.ceil(k / 2), up: Math.floor(k / 2) + 1 });
