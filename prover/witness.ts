/**
 * The circuit's input from the model: every signal of Solvency(N, M) by name, and the public signals
 * the proof will carry. Refuses, before any proving, a claim the reference model says does not hold.
 */
import { contextHash, packStatement, packTerms, priceCommitment, riskCommitment, attesterBinding, portfolioCommitment, type Statement } from "./commitments.ts";
import type { EncodedPortfolio, PriceRound, RiskFactors } from "./model.ts";
import { claimHolds, valuate, ratioBpsOf, type Valuation } from "./ratio.ts";
import type { Attestation } from "./attestation.ts";

export interface ProofRequest {
  portfolio: EncodedPortfolio;
  round: PriceRound;
  risk: RiskFactors;
  attestation: Attestation;
  /**
   * The liability stated on top of the hidden ones. The gate accepts a solvency proof whose stated liability
   * is at least the venue's debt for the account, an insolvency proof whose stated liability is at most it.
   */
  publicLiability: bigint;
  nonce: bigint;
  ratioBps: bigint;
  claim: 0n | 1n;
}

export type CircuitInput = Record<string, string | string[]>;

export interface PublicSignals { context: bigint; attesterBinding: bigint; statement: bigint; terms: bigint }

export class ClaimDoesNotHold extends Error {
  constructor(readonly valuation: Valuation, readonly ratioBps: bigint, readonly claim: 0n | 1n) {
    const r = ratioBpsOf(valuation);
    super(`the portfolio's ratio is ${r === null ? "unbounded (no liabilities)" : `${r} bps`}, so the ${claim === 1n ? "solvency" : "insolvency"} claim at ${ratioBps} bps does not hold`);
  }
}

export function publicSignalsOf(req: ProofRequest): PublicSignals {
  const a = req.attestation;
  const statement: Statement = { account: a.account, nonce: req.nonce, attestedAt: a.attestedAt, ratioBps: req.ratioBps, claim: req.claim };
  return {
    context: contextHash(priceCommitment(req.round), riskCommitment(req.risk)),
    attesterBinding: attesterBinding(a.attester, a.domain),
    statement: packStatement(statement),
    terms: packTerms({ publicLiability: req.publicLiability, expiresAt: a.expiresAt }),
  };
}

/** Builds the full circuit input. Throws ClaimDoesNotHold when the model rejects the claim. */
export function buildInput(req: ProofRequest): { input: CircuitInput; publicSignals: PublicSignals; valuation: Valuation } {
  const { portfolio: p, round: r, risk: f, attestation: a } = req;
  const valuation = valuate(p, r, f, req.publicLiability);
  if (!claimHolds(valuation, req.ratioBps, req.claim)) throw new ClaimDoesNotHold(valuation, req.ratioBps, req.claim);
  if (portfolioCommitment(p) !== a.portfolioCommitment) {
    throw new Error("the attestation was made for a different portfolio (commitment mismatch): ask the attester to sign this portfolio");
  }
  const publicSignals = publicSignalsOf(req);
  const input = circuitSignals(req, publicSignals);
  return { input, publicSignals, valuation };
}

/** Every signal of the circuit by name, for a request and its public signals (no claim is checked here). */
export function circuitSignals(req: ProofRequest, publicSignals: PublicSignals): CircuitInput {
  const { portfolio: p, round: r, risk: f, attestation: a } = req;
  const s = (x: bigint): string => x.toString();
  return {
    context: s(publicSignals.context),
    attesterBinding: s(publicSignals.attesterBinding),
    statement: s(publicSignals.statement),
    terms: s(publicSignals.terms),
    collateral: p.collateral.map(s),
    debt: p.debt.map(s),
    positionSize: p.positions.map((q) => s(q.size < 0n ? -q.size : q.size)),
    positionShort: p.positions.map((q) => (q.size < 0n ? "1" : "0")),
    positionEntry: p.positions.map((q) => s(q.entryPrice)),
    salt: s(p.salt),
    roundId: s(r.roundId),
    roundTime: s(r.timestamp),
    prices: r.prices.map(s),
    marks: r.marks.map(s),
    collateralFactor: f.collateralFactor.map(s),
    debtFactor: f.debtFactor.map(s),
    profitFactor: f.profitFactor.map(s),
    lossFactor: f.lossFactor.map(s),
    marginFactor: f.marginFactor.map(s),
    account: s(a.account),
    nonce: s(req.nonce),
    attestedAt: s(a.attestedAt),
    expiresAt: s(a.expiresAt),
    publicLiability: s(req.publicLiability),
    ratioBps: s(req.ratioBps),
    claim: s(req.claim),
    attesterAx: s(a.attester.Ax),
    attesterAy: s(a.attester.Ay),
    chainId: s(a.domain.chainId),
    gate: s(a.domain.gate),
    sigR8x: s(a.signature.R8x),
    sigR8y: s(a.signature.R8y),
    sigS: s(a.signature.S),
  };
}

/** The public signals in the circuit's order (circuits/spec.json). */
export const publicSignalArray = (ps: PublicSignals): bigint[] => [ps.context, ps.attesterBinding, ps.statement, ps.terms];
