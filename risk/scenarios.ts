/**
 * Joint stress scenarios from a price history, SPAN-style: each scenario is one price multiplier in
 * basis points per symbol (6500 = −35%). Two families:
 *   historical: the worst observed joint T-day moves of all symbols together (the windows in which an
 *               equal-value long portfolio of every symbol lost most, and the one it gained most, which
 *               is what debts and shorts must survive), windows at least T days apart;
 *   grid:       every symbol moving together by ±1/3, ±2/3 and ±3/3 of its own scan range (its haircut
 *               downward, its uplift upward): a symmetric, fully correlated move.
 */
import { BPS, type AssetRiskEstimate } from "./haircuts.ts";
import type { PriceHistory } from "./history.ts";

/** The circuit's bound on a multiplier (circuits/spec.json multiplierBits = 15). */
export const MAX_MULTIPLIER_BPS = 2 ** 15 - 1;

export interface Scenario {
  name: string;
  kind: "historical" | "grid";
  /** multiplier per symbol, bps */
  multipliersBps: Record<string, number>;
  /** the move of the reference portfolio (equal value long in every symbol), as a fraction */
  referenceMove: number;
}

export interface ScenarioOptions { horizonDays: number; crashes?: number; rallies?: number }

const clampMultiplier = (m: number): number => Math.min(MAX_MULTIPLIER_BPS, Math.max(0, Math.round(m)));

export const referenceMove = (multipliers: Record<string, number>, symbols: readonly string[]): number =>
  symbols.reduce((a, s) => a + multipliers[s]! / BPS - 1, 0) / symbols.length;

/** The worst joint moves in the history (and the best, for the other side of the book). */
export function historicalScenarios(h: PriceHistory, o: ScenarioOptions): Scenario[] {
  const T = o.horizonDays;
  const windows: Array<{ t: number; move: number; multipliers: Record<string, number> }> = [];
  for (let t = 0; t + T < h.prices.length; t++) {
    const multipliers: Record<string, number> = {};
    h.symbols.forEach((s, i) => (multipliers[s] = clampMultiplier((BPS * h.prices[t + T]![i]!) / h.prices[t]![i]!)));
    windows.push({ t, move: referenceMove(multipliers, h.symbols), multipliers });
  }
  const pick = (sorted: typeof windows, k: number): typeof windows => {
    const chosen: typeof windows = [];
    for (const w of sorted) {
      if (chosen.length >= k) break;
      if (chosen.every((c) => Math.abs(c.t - w.t) >= T)) chosen.push(w);
    }
    return chosen;
  };
  const crashes = pick([...windows].sort((a, b) => a.move - b.move), o.crashes ?? 3);
  const rallies = pick([...windows].sort((a, b) => b.move - a.move), o.rallies ?? 1);
  const name = (w: (typeof windows)[number], what: string): string => `historical ${what} ${h.dates[w.t]}→${h.dates[w.t + T]}`;
  return [
    ...crashes.map((w) => ({ name: name(w, "crash"), kind: "historical" as const, multipliersBps: w.multipliers, referenceMove: w.move })),
    ...rallies.map((w) => ({ name: name(w, "rally"), kind: "historical" as const, multipliersBps: w.multipliers, referenceMove: w.move })),
  ];
}

/** Every symbol moving together by k/3 of its scan range, k = −3..3 without 0. */
export function gridScenarios(estimates: readonly AssetRiskEstimate[]): Scenario[] {
  const out: Scenario[] = [];
  for (const k of [-3, -2, -1, 1, 2, 3]) {
    const multipliers: Record<string, number> = {};
    for (const e of estimates) multipliers[e.symbol] = clampMultiplier(k < 0 ? BPS + (k * e.haircutBps) / 3 : BPS + (k * e.upliftBps) / 3);
    out.push({ name: `grid ${k > 0 ? "+" : "−"}${Math.abs(k)}/3 of the scan range`, kind: "grid", multipliersBps: multipliers, referenceMove: referenceMove(multipliers, estimates.map((e) => e.symbol)) });
  }
  return out;
}

/** The `count` most severe scenarios (largest reference move either way), most severe first. */
export function mostSevere(scenarios: readonly Scenario[], count: number): Scenario[] {
  return [...scenarios].sort((a, b) => Math.abs(b.referenceMove) - Math.abs(a.referenceMove)).slice(0, count);
}
