/**
 * The whole system on a fresh Hardhat chain, and real Groth16 proofs of the small instance Solvency_4x2
 * for statements about it. Round and risk values are read back from what the contracts published, and
 * the domain is the deployed gate's, so a proof made here is exactly what a prover would submit.
 */
import { network } from "hardhat";
import { Wallet, type Contract } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { Prover, releaseProvingResources, type ProofResult } from "../../prover/prove.ts";
import { attest, attesterPublicKey } from "../../prover/attestation.ts";
import { portfolioCommitment, type Domain } from "../../prover/commitments.ts";
import type { EncodedPortfolio } from "../../prover/model.ts";
import type { PublicSignals } from "../../prover/witness.ts";
import { signReport, type SignedReport } from "../../oracle/signing.ts";
import { deploySystem, publishRound, readRiskFactors, readRound, registerAttester, type PublishedRound, type System, type SystemConfig } from "../../verifier/contracts.ts";
import { proofCalldata, type SolidityProof } from "../../verifier/calldata.ts";
import { ATTESTER_SECRET, REPORTER_KEYS, portfolio as richPortfolio, ready, round as fixtureRound, universe } from "./fixtures.ts";

export const INSTANCE = "Solvency_4x2";
export const N = 4;
export const M = 2;
export const INITIAL_RATIO_BPS = 15000n;
export const MAINTENANCE_RATIO_BPS = 11000n;
/** One credit token (18 decimals) of debt in value units: 10^(18-18) · 10^8 per base unit. */
export const CREDIT = 10n ** 18n;
export const LIABILITY_FACTOR = 10n ** 8n;

/** The oracle's five reporters (quorum three); REPORTER_WALLETS[5..] are never added. */
export const REPORTER_WALLETS: readonly Wallet[] = REPORTER_KEYS.map((k) => new Wallet(k));
export const REPORTERS = REPORTER_WALLETS.slice(0, 5);

export const CONFIG: SystemConfig = {
  instance: INSTANCE,
  ...(({ assets, markets }) => ({ assets, markets }))(universe(N, M)),
  initialRatioBps: Number(INITIAL_RATIO_BPS),
  maintenanceRatioBps: Number(MAINTENANCE_RATIO_BPS),
  maxPriceAge: 3600,
  maxAttestationAge: 86400,
  roundGrace: 300,
  gracePeriod: 3600,
  keeperBonusBps: 500,
  reporters: REPORTERS.map((w) => w.address),
  quorum: 3,
};

export const PRICES = fixtureRound(N, M).prices;
export const MARKS = fixtureRound(N, M).marks;

/** Worth ~$672k after haircuts: meets either ratio against thousands of credit tokens of debt. */
export const RICH: EncodedPortfolio = richPortfolio(N, M);
/** One ETH-like token (~$2,400 after the 80% haircut) and nothing else. */
export const POOR: EncodedPortfolio = {
  collateral: [10n ** 18n, 0n, 0n, 0n],
  debt: [0n, 0n, 0n, 0n],
  positions: [{ size: 0n, entryPrice: 0n }, { size: 0n, entryPrice: 0n }],
  salt: 987654321n,
};

type Connection = Awaited<ReturnType<typeof network.connect>>;

export interface TestSystem extends System {
  connection: Connection;
  ethers: Connection["ethers"];
  helpers: Connection["networkHelpers"];
  admin: HardhatEthersSigner;
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  keeper: HardhatEthersSigner;
  attesterId: bigint;
  domain: Domain;
  /** the round published at deployment */
  round: PublishedRound;
}

/**
 * Deploys the system on a new chain, registers the fixtures' attester, publishes a round, funds the
 * venue with credit and gives alice and bob collateral.
 */
export async function deployTestSystem(config: SystemConfig = CONFIG): Promise<TestSystem> {
  await ready();
  const connection = await network.connect();
  const { ethers, networkHelpers } = connection;
  const [admin, alice, bob, keeper] = await ethers.getSigners();
  const system = await deploySystem(admin!, config);
  const { attesterId } = await registerAttester(system.gate, attesterPublicKey(ATTESTER_SECRET));
  const round = await publishPrices(system.oracle, BigInt(await networkHelpers.time.latest()));
  await (await system.credit.getFunction("mint")(await system.venue.getAddress(), 1_000_000n * CREDIT)).wait();
  for (const who of [alice!, bob!]) {
    await (await system.collateral.getFunction("mint")(who.address, 1000n * CREDIT)).wait();
    await (await system.collateral.connect(who).getFunction("approve")(await system.venue.getAddress(), 2n ** 255n)).wait();
    await (await system.credit.connect(who).getFunction("approve")(await system.venue.getAddress(), 2n ** 255n)).wait();
  }
  const domain = { chainId: (await ethers.provider.getNetwork()).chainId, gate: BigInt(await system.gate.getAddress()) };
  return { ...system, connection, ethers, helpers: networkHelpers, admin: admin!, alice: alice!, bob: bob!, keeper: keeper!, attesterId, domain, round };
}

export interface Statement {
  account: string;
  roundId: bigint;
  nonce: bigint;
  /** 1 solvent, 0 insolvent */
  claim: 0n | 1n;
  ratioBps: bigint;
  /** value units, as the gate will read them from the venue (plus any credit drawn in the same call) */
  publicLiability: bigint;
  attestedAt: bigint;
  /** the attestation's signed expiry; defaults to a day after attestedAt */
  expiresAt?: bigint;
  portfolio?: EncodedPortfolio;
  secret?: Uint8Array;
  /** defaults to the system's own chain and gate */
  domain?: Domain;
}

export interface ProofBundle {
  proof: SolidityProof;
  signals: PublicSignals;
  result: ProofResult;
  /** what the proof rests on, as the gate takes it beside the proof (ISolvencyGate.Basis) */
  basis: Basis;
}

export interface Basis { roundId: bigint; attesterId: bigint; attestedAt: bigint; expiresAt: bigint; liability: bigint; nonce: bigint }

let prover: Prover | undefined;

/** Proves a statement about the deployed system with the instance's real zkey. */
export async function proveStatement(sys: TestSystem, s: Statement): Promise<ProofBundle> {
  prover ??= Prover.load(INSTANCE);
  const p = s.portfolio ?? RICH;
  const domain = s.domain ?? sys.domain;
  const { round } = await readRound(sys.oracle, s.roundId);
  const risk = await readRiskFactors(sys.registry);
  const expiresAt = s.expiresAt ?? s.attestedAt + 86400n;
  const attestation = attest(s.secret ?? ATTESTER_SECRET, BigInt(s.account), domain, s.attestedAt, expiresAt, portfolioCommitment(p));
  const result = await prover.prove({
    portfolio: p, round, risk, attestation,
    publicLiability: s.publicLiability, nonce: s.nonce, ratioBps: s.ratioBps, claim: s.claim,
  });
  const basis = { roundId: s.roundId, attesterId: sys.attesterId, attestedAt: s.attestedAt, expiresAt, liability: s.publicLiability, nonce: s.nonce };
  return { proof: proofCalldata(result.proof), signals: result.signals, result, basis };
}

/**
 * Reports of `prices` and `marks` observed at `observedAt`, signed by `signers` (default: the first three
 * reporters, each reporting the same values) for `oracle` on the Hardhat chain.
 */
export async function signedReports(oracle: Contract, observedAt: bigint, opts: { prices?: readonly bigint[]; marks?: readonly bigint[]; signers?: readonly Wallet[]; chainId?: bigint } = {}): Promise<SignedReport[]> {
  const domain = { chainId: opts.chainId ?? 31337n, oracle: await oracle.getAddress() };
  const report = { observedAt, prices: [...(opts.prices ?? PRICES)], marks: [...(opts.marks ?? MARKS)] };
  return Promise.all((opts.signers ?? REPORTERS.slice(0, 3)).map((w) => signReport(w, domain, report)));
}

/** Publishes a round signed by a quorum of three reporters, observed at `observedAt` (relayed by the oracle's runner). */
export async function publishPrices(oracle: Contract, observedAt: bigint, prices: readonly bigint[] = PRICES, marks: readonly bigint[] = MARKS): Promise<PublishedRound & { receipt: import("ethers").TransactionReceipt }> {
  return publishRound(oracle, observedAt, await signedReports(oracle, observedAt, { prices, marks }));
}

/** The chain's current block time. */
export const now = async (sys: TestSystem): Promise<bigint> => BigInt(await sys.helpers.time.latest());

/** Ends the prover's worker threads (call from an `after` hook so mocha can exit). */
export const releaseProver = releaseProvingResources;
