/**
 * The reference model of the solvency inequality, exact in bigint. It is the oracle for every
 * circuit test: the circuit must accept a claim exactly when `claimHolds` says it holds.
 *
 *   BPS * collateralSide  >=  ratioBps * liabilitySide          (claim = 1, solvent)
 *   BPS * collateralSide  <   ratioBps * liabilitySide          (claim = 0, insolvent)
 *
 * collateralSide = Σ collateral·price·collateralFactor + Σ profit·profitFactor
 * liabilitySide  = Σ debt·price·debtFactor + Σ loss·lossFactor + Σ |size|·mark·marginFactor + BPS·publicLiability
 * where for a perpetual position profit/loss = |size|·|mark − entry| on the side its direction puts it.
 * Both sides are in value units times basis points; nothing is divided.
 */
import { checkBounds, type EncodedPortfolio, type PriceRound, type RiskFactors, BPS } from "./model.ts";

export interface Valuation {
  collateralSide: bigint;
  liabilitySide: bigint;
}

export function valuate(p: EncodedPortfolio, r: PriceRound, f: RiskFactors, publicLiability: bigint): Valuation {
  checkBounds(p, r, f, publicLiability);
  let coll = 0n;
  let liab = BPS * publicLiability;
  for (let i = 0; i < r.prices.length; i++) {
    coll += p.collateral[i]! * r.prices[i]! * f.collateralFactor[i]!;
    liab += p.debt[i]! * r.prices[i]! * f.debtFactor[i]!;
  }
  for (let j = 0; j < r.marks.length; j++) {
    const { size, entryPrice } = p.positions[j]!;
    const mag = size < 0n ? -size : size;
    const mark = r.marks[j]!;
    const pnl = size < 0n ? entryPrice - mark : mark - entryPrice; // signed, per unit
    const notional = mag * (pnl < 0n ? -pnl : pnl);
    if (pnl >= 0n) coll += notional * f.profitFactor[j]!;
    else liab += notional * f.lossFactor[j]!;
    liab += mag * mark * f.marginFactor[j]!;
  }
  return { collateralSide: coll, liabilitySide: liab };
}

/** Does `claim` (1 solvent, 0 insolvent) hold at `ratioBps`? */
export function claimHolds(v: Valuation, ratioBps: bigint, claim: 0n | 1n): boolean {
  const meets = BPS * v.collateralSide >= ratioBps * v.liabilitySide;
  return claim === 1n ? meets : !meets;
}

/** The exact ratio in basis points, rounded down; null when there is no liability. */
export function ratioBpsOf(v: Valuation): bigint | null {
  return v.liabilitySide === 0n ? null : (BPS * v.collateralSide) / v.liabilitySide;
}
