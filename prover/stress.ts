/**
 * The reference model of the stress claim (circuits/stress.circom), exact in bigint, and the stress
 * circuit's input. A scenario is one price multiplier in basis points per asset and per perpetual mark
 * (6500 = −35%); at scenario s the portfolio must satisfy the solvency inequality at the shocked prices,
 * with every perpetual's profit or loss recomputed at its shocked mark:
 *
 *   BPS · C_s  ≥  ratioBps · L_s      (claim = 1: every scenario; claim = 0: some scenario fails)
 *
 *   C_s = Σ m·collateral·price·collateralFactor + Σ profit_s·profitFactor
 *   L_s = Σ m·debt·price·debtFactor + Σ loss_s·lossFactor + Σ |size|·m·mark·marginFactor + BPS·BPS·publicLiability
 *   profit_s or loss_s = |size|·|m·mark − BPS·entry|
 *
 * Both sides carry one more factor BPS than Solvency's (the multiplier's); nothing is divided. The
 * circuit also requires the exposure W below 2^221 (its bound analysis); so does this model.
 */
import { chainHash } from "./poseidon.ts";
import { contextHash, portfolioCommitment, priceCommitment, riskCommitment } from "./commitments.ts";
import { BoundError, checkBounds, type EncodedPortfolio, type PriceRound, type RiskFactors } from "./model.ts";
import { BPS, TAGS, bits, spec } from "./spec.ts";
import { publicSignalsOf, circuitSignals, type CircuitInput, type ProofRequest, type PublicSignals } from "./witness.ts";
import type { Valuation } from "./ratio.ts";

const B = spec.bounds;
export const MULTIPLIER_LIMIT = bits(B.multiplierBits);
export const EXPOSURE_LIMIT = bits(B.exposureBits);
export const MULTIPLIERS_PER_ELEMENT = B.multipliersPerElement;

/** S scenarios × (N + M) multipliers, assets before marks, bps. */
export type ScenarioMatrix = bigint[][];

/** The identity scenario for a universe of n assets and m markets. */
export const unchanged = (n: number, m: number): bigint[] => Array.from({ length: n + m }, () => BPS);

export function checkScenarios(ms: ScenarioMatrix, n: number, m: number): void {
  if (ms.length < 1 || ms.length > B.maxScenarios) throw new BoundError(`scenario count ${ms.length} is outside [1, ${B.maxScenarios}]`);
  ms.forEach((row, s) => {
    if (row.length !== n + m) throw new BoundError(`scenario ${s} has ${row.length} multipliers, expected ${n + m}`);
    row.forEach((x, k) => {
      if (x < 0n || x >= MULTIPLIER_LIMIT) throw new BoundError(`scenario ${s} multiplier ${k} = ${x} is outside [0, ${MULTIPLIER_LIMIT})`);
    });
  });
}

/** The packed elements ScenarioSet hashes: 16 multipliers of 15 bits per element, scenario-major. */
export function packScenarios(ms: ScenarioMatrix): bigint[] {
  const flat = ms.flat();
  const out: bigint[] = [];
  for (let e = 0; e * MULTIPLIERS_PER_ELEMENT < flat.length; e++) {
    let v = 0n;
    flat.slice(e * MULTIPLIERS_PER_ELEMENT, (e + 1) * MULTIPLIERS_PER_ELEMENT).forEach((x, k) => (v += x << BigInt(B.multiplierBits * k)));
    out.push(v);
  }
  return out;
}

export const scenarioCommitment = (ms: ScenarioMatrix): bigint => chainHash(TAGS.scenarios, packScenarios(ms));

/** The stress instances' context: the round's and parameters' context bound to the scenario set. */
export const stressContext = (baseContext: bigint, scenarioCommit: bigint): bigint => chainHash(TAGS.stress, [baseContext, scenarioCommit]);

/** The exposure W the circuit range-checks (circuits/stress.circom, Check 6). */
export function exposure(p: EncodedPortfolio, r: PriceRound, f: RiskFactors, publicLiability: bigint): bigint {
  let w = BPS * publicLiability;
  r.prices.forEach((price, i) => (w += (p.collateral[i]! * f.collateralFactor[i]! + p.debt[i]! * f.debtFactor[i]!) * price));
  r.marks.forEach((mark, j) => {
    const { size, entryPrice } = p.positions[j]!;
    const mag = size < 0n ? -size : size;
    w += mag * (mark + entryPrice) * (f.profitFactor[j]! + f.lossFactor[j]! + f.marginFactor[j]!);
  });
  return w;
}

/** Checks every bound of the stress circuit: Solvency's, the multipliers' and the exposure's. */
export function checkStressBounds(p: EncodedPortfolio, r: PriceRound, f: RiskFactors, publicLiability: bigint, ms: ScenarioMatrix): void {
  checkBounds(p, r, f, publicLiability);
  checkScenarios(ms, r.prices.length, r.marks.length);
  const w = exposure(p, r, f, publicLiability);
  if (w >= EXPOSURE_LIMIT) throw new BoundError(`the portfolio's exposure ${w} is not below 2^${B.exposureBits} (the stress circuit's bound)`);
}

/** Both sides at one scenario (value units · bps²). */
export function valuateScenario(p: EncodedPortfolio, r: PriceRound, f: RiskFactors, publicLiability: bigint, multipliers: readonly bigint[]): Valuation {
  const n = r.prices.length;
  let coll = 0n;
  let liab = BPS * BPS * publicLiability;
  for (let i = 0; i < n; i++) {
    const m = multipliers[i]!;
    coll += m * p.collateral[i]! * r.prices[i]! * f.collateralFactor[i]!;
    liab += m * p.debt[i]! * r.prices[i]! * f.debtFactor[i]!;
  }
  r.marks.forEach((mark, j) => {
    const { size, entryPrice } = p.positions[j]!;
    const mag = size < 0n ? -size : size;
    const shocked = multipliers[n + j]! * mark;
    const scaledEntry = BPS * entryPrice;
    const pnl = size < 0n ? scaledEntry - shocked : shocked - scaledEntry; // signed, per unit, · BPS
    const notional = mag * (pnl < 0n ? -pnl : pnl);
    if (pnl >= 0n) coll += notional * f.profitFactor[j]!;
    else liab += notional * f.lossFactor[j]!;
    liab += mag * shocked * f.marginFactor[j]!;
  });
  return { collateralSide: coll, liabilitySide: liab };
}

export interface StressResult {
  valuations: Valuation[];
  /** the scenarios at which BPS·C_s < ratio·L_s, in order */
  failing: number[];
}

export function stressValuate(p: EncodedPortfolio, r: PriceRound, f: RiskFactors, publicLiability: bigint, ms: ScenarioMatrix, ratioBps: bigint): StressResult {
  checkStressBounds(p, r, f, publicLiability, ms);
  const valuations = ms.map((row) => valuateScenario(p, r, f, publicLiability, row));
  const failing = valuations.flatMap((v, s) => (BPS * v.collateralSide < ratioBps * v.liabilitySide ? [s] : []));
  return { valuations, failing };
}

/** Does the stress claim hold: 1, no scenario fails; 0, at least one does. */
export const stressClaimHolds = (res: StressResult, claim: 0n | 1n): boolean => (claim === 1n ? res.failing.length === 0 : res.failing.length > 0);

/** A stress proof's request: a solvency request (its ratio is the stress ratio) and the scenario set. */
export interface StressRequest extends ProofRequest {
  scenarios: ScenarioMatrix;
  /** names of the scenarios, for messages */
  scenarioNames?: string[];
}

export class StressClaimDoesNotHold extends Error {
  constructor(readonly result: StressResult, readonly ratioBps: bigint, readonly claim: 0n | 1n, readonly names: readonly string[] = []) {
    const name = (s: number): string => names[s] ?? `scenario ${s}`;
    super(claim === 1n
      ? `the portfolio fails ${result.failing.length} stress scenario(s) at ${ratioBps} bps: ${result.failing.map(name).join(", ")}`
      : `the portfolio survives every stress scenario at ${ratioBps} bps, so an insolvency claim cannot be made`);
  }
}

export function stressPublicSignals(req: StressRequest): PublicSignals {
  const base = publicSignalsOf(req);
  const context = contextHash(priceCommitment(req.round), riskCommitment(req.risk));
  return { ...base, context: stressContext(context, scenarioCommitment(req.scenarios)) };
}

/** The stress circuit's input. Throws StressClaimDoesNotHold when the model rejects the claim. */
export function buildStressInput(req: StressRequest): { input: CircuitInput; publicSignals: PublicSignals; result: StressResult } {
  const result = stressValuate(req.portfolio, req.round, req.risk, req.publicLiability, req.scenarios, req.ratioBps);
  if (!stressClaimHolds(result, req.claim)) throw new StressClaimDoesNotHold(result, req.ratioBps, req.claim, req.scenarioNames);
  if (portfolioCommitment(req.portfolio) !== req.attestation.portfolioCommitment) {
    throw new Error("the attestation was made for a different portfolio (commitment mismatch): ask the attester to sign this portfolio");
  }
  const publicSignals = stressPublicSignals(req);
  // multipliers[S][N + M] flattened scenario-major, as the witness calculator and snarkjs read a 2-D input
  const input: CircuitInput = { ...circuitSignals(req, publicSignals), multipliers: req.scenarios.flat().map(String) };
  return { input, publicSignals, result };
}

/** What a stress proof needs of an instance: its shape (prover/artifacts.ts InstanceSpec). */
export interface StressShape { assets: number; positions: number; scenarios?: number; name: string }

/** Refuses a request whose round or scenario set does not fit the stress instance. */
export function checkStressShape(inst: StressShape, req: StressRequest): void {
  if (inst.scenarios === undefined) throw new BoundError(`${inst.name} is not a stress instance`);
  if (req.round.prices.length !== inst.assets || req.round.marks.length !== inst.positions || req.scenarios.length !== inst.scenarios) {
    throw new BoundError(`the request has ${req.round.prices.length} × ${req.round.marks.length} slots and ${req.scenarios.length} scenarios but ${inst.name} takes ${inst.assets} × ${inst.positions} and ${inst.scenarios}`);
  }
}
