/**
 * Honest proof requests for tests: a venue universe of N assets and M perpetual markets, a portfolio,
 * a price round, risk factors and an attestation that all agree.
 */
import { poseidonReady } from "../../prover/poseidon.ts";
import { eddsaReady, attest } from "../../prover/attestation.ts";
import { portfolioCommitment, type Domain } from "../../prover/commitments.ts";
import { riskFactors, type EncodedPortfolio, type PriceRound, type RiskFactors, type AssetRisk, type MarketRisk } from "../../prover/model.ts";
import type { ProofRequest } from "../../prover/witness.ts";

export const ATTESTER_SECRET = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
export const OTHER_SECRET = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);
export const DOMAIN: Domain = { chainId: 31337n, gate: 0x5fbdb2315678afecb367f032d93f642f64180aa3n };
export const ACCOUNT = 0x70997970c51812dc3a010c7d01b50e0d17dc79c8n;
/** Oracle reporters' private keys: fixed, so addresses are stable; reporters only sign, so they are never funded. */
export const REPORTER_KEYS: readonly string[] = Array.from({ length: 9 }, (_, i) => `0x${(0x5e90a7e0n + BigInt(i)).toString(16).padStart(64, "0")}`);

let eddsa: Awaited<ReturnType<typeof eddsaReady>> | undefined;
/** circomlibjs' EdDSA, for helpers that sign what prover/attestation.ts refuses to (after ready()). */
export function EDDSA(): Awaited<ReturnType<typeof eddsaReady>> {
  if (!eddsa) throw new Error("await ready() before signing");
  return eddsa;
}

export async function ready(): Promise<void> {
  await poseidonReady();
  eddsa = await eddsaReady();
}

export function universe(n: number, m: number): { assets: AssetRisk[]; markets: MarketRisk[]; risk: RiskFactors } {
  const decimals = [18, 6, 8, 18];
  const assets = Array.from({ length: n }, (_, i) => ({ decimals: decimals[i % 4]!, collateralWeightBps: 8000 + (i % 3) * 500, liabilityWeightBps: 10000 + (i % 2) * 500 }));
  const markets = Array.from({ length: m }, (_, j) => ({ decimals: 18, profitWeightBps: 9000, lossWeightBps: 10000, maintenanceMarginBps: 500 + j * 100 }));
  return { assets, markets, risk: riskFactors(assets, markets) };
}

export function round(n: number, m: number, overrides: Partial<PriceRound> = {}): PriceRound {
  return {
    roundId: 7n,
    timestamp: 1_700_000_000n,
    prices: Array.from({ length: n }, (_, i) => [3000n, 1n, 60000n, 2n][i % 4]! * 10n ** 8n),
    marks: Array.from({ length: m }, (_, j) => (2900n + BigInt(j) * 100n) * 10n ** 8n),
    ...overrides,
  };
}

export function portfolio(n: number, m: number): EncodedPortfolio {
  const unit = [10n ** 18n, 10n ** 6n, 10n ** 8n, 10n ** 18n];
  return {
    collateral: Array.from({ length: n }, (_, i) => (10n + BigInt(i)) * unit[i % 4]!),
    debt: Array.from({ length: n }, (_, i) => (i % 2 === 1 ? 3n * unit[i % 4]! : 0n)),
    positions: Array.from({ length: m }, (_, j) => ({ size: (j % 2 === 0 ? 1n : -1n) * 10n ** 18n, entryPrice: 3000n * 10n ** 8n })),
    salt: 123456789n,
  };
}

export function request(n: number, m: number, opts: Partial<ProofRequest> & { secret?: Uint8Array; portfolio?: EncodedPortfolio } = {}): ProofRequest {
  const p = opts.portfolio ?? portfolio(n, m);
  const r = opts.round ?? round(n, m);
  const risk = opts.risk ?? universe(n, m).risk;
  const attestation = opts.attestation ?? attest(opts.secret ?? ATTESTER_SECRET, ACCOUNT, DOMAIN, 1_699_999_000n, 1_700_086_400n, portfolioCommitment(p));
  return {
    portfolio: p, round: r, risk, attestation,
    publicLiability: opts.publicLiability ?? 1000n * 10n ** 26n,
    nonce: opts.nonce ?? 1n,
    ratioBps: opts.ratioBps ?? 15000n,
    claim: opts.claim ?? 1n,
  };
}
