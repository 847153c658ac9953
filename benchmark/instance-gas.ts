/**
 * Gas of every on-chain action of the system for one circuit instance: a whole system for the instance's
 * N × M universe deployed on the Hardhat chain the signers are connected to, real proofs from the instance's
 * zkey, and each action's receipt. The submissions the gate's cost decides are measured against the bare
 * Groth16 verification of the same instance:
 *   verify proof (bare)                         the generated verifier's verifyProof, called in a transaction
 *   prove solvency (first proof of the account) the account's slot goes from zero to non-zero
 *   prove solvency (first proof on a round)     a renewal on a new round nobody primed: four scalar products
 *   prime verifier key                          once per round and attester (anyone: a watcher, the attester)
 *   prove solvency (later proof)                a renewal on a primed round and attester: two scalar products
 * Ratios are taken in scripts/gas.ts and the README.
 */
import type { Contract, Signer, TransactionReceipt, TransactionResponse } from "ethers";
import { Wallet } from "ethers";
import { Prover } from "../prover/prove.ts";
import { attest, attesterPublicKey } from "../prover/attestation.ts";
import { portfolioCommitment } from "../prover/commitments.ts";
import type { EncodedPortfolio } from "../prover/model.ts";
import { signReport } from "../oracle/signing.ts";
import { deploySystem, publishRound, readRiskFactors, registerAttester } from "../verifier/contracts.ts";
import { proofCalldata } from "../verifier/calldata.ts";
import { ATTESTER_SECRET, REPORTER_KEYS, portfolio as richPortfolio, round as fixtureRound, universe } from "../test/helpers/fixtures.ts";
import { universeOf } from "./oracle-gas.ts";

export interface ActionGas { action: string; instance: string; gas: number; note?: string }

export interface Chain {
  /** the deployer (admin, governor, attester operator), two accounts and a keeper */
  signers: { admin: Signer; alice: Signer; bob: Signer; keeper: Signer };
  /** the latest block's time */
  now(): Promise<bigint>;
  advance(seconds: number): Promise<void>;
  /** the next block's time */
  setNextTime(t: bigint): Promise<void>;
}

const INITIAL = 2;
const MAINTENANCE = 1;
const INITIAL_RATIO_BPS = 15000n;
const MAINTENANCE_RATIO_BPS = 11000n;
const CREDIT = 10n ** 18n;
const BORROW = 1000n * CREDIT;
const GRACE_PERIOD = 3600;

/** Measures every action for `instance` (its zkey must be built). */
export async function measureInstanceGas(instance: string, chain: Chain): Promise<ActionGas[]> {
  const { admin, alice, bob, keeper } = chain.signers;
  const { n, m } = universeOf(instance);
  const { assets, markets } = universe(n, m);
  const reporters = REPORTER_KEYS.slice(0, 3).map((k) => new Wallet(k));
  const out: ActionGas[] = [];
  const record = (action: string, r: TransactionReceipt | null, note?: string): void => {
    if (!r || r.status !== 1) throw new Error(`${instance}: '${action}' failed`);
    out.push({ action, instance, gas: Number(r.gasUsed), ...(note ? { note } : {}) });
  };
  const mined = async (tx: Promise<TransactionResponse> | TransactionResponse): Promise<TransactionReceipt | null> => (await tx).wait();
  const call = (c: Contract, fn: string, ...args: unknown[]) => c.getFunction(fn)(...args) as Promise<TransactionResponse>;

  const sys = await deploySystem(admin, {
    instance, assets, markets, initialRatioBps: Number(INITIAL_RATIO_BPS), maintenanceRatioBps: Number(MAINTENANCE_RATIO_BPS),
    maxPriceAge: 3600, maxAttestationAge: 86400, roundGrace: 300, gracePeriod: GRACE_PERIOD, keeperBonusBps: 500,
    reporters: reporters.map((w) => w.address), quorum: 3,
  });
  for (const [name, c] of Object.entries({ verifier: sys.verifier, RiskRegistry: sys.registry, PriceOracle: sys.oracle, SolvencyGate: sys.gate, MarginVenue: sys.venue })) {
    record(`deploy ${name === "verifier" ? "Groth16Verifier" : name}`, (await c.deploymentTransaction()?.wait()) ?? null,
      name === "verifier" ? "the instance's snarkjs verifier (the gate copies its key)" : undefined);
  }
  const { attesterId, receipt } = await registerAttester(sys.gate, attesterPublicKey(ATTESTER_SECRET));
  record("register attester", receipt, "prime-order check of the key + binding = Poseidon(5) on chain");

  const chainId = (await admin.provider!.getNetwork()).chainId;
  const fixture = fixtureRound(n, m);
  const publish = async () => {
    const observedAt = await chain.now();
    const domain = { chainId, oracle: await sys.oracle.getAddress() };
    const reports = await Promise.all(reporters.map((w) => signReport(w, domain, { observedAt, prices: fixture.prices, marks: fixture.marks })));
    return publishRound(sys.oracle, observedAt, reports);
  };
  await publish();
  record("update risk: one asset", await mined(call(sys.registry, "setAsset", 0, assets[0])), "re-commits 2N + 3M factors; the oracle marks the newest rounds stale");
  record("update risk: all parameters", await mined(call(sys.registry, "setParameters", assets, markets)));
  record("refresh round context (after a risk update)", await mined(call(sys.oracle, "refreshContext")), "re-binds the newest round to the parameters in force");

  // Tokens: the venue lends, the accounts post collateral.
  const venueAddress = await sys.venue.getAddress();
  await mined(call(sys.credit, "mint", venueAddress, 1_000_000n * CREDIT));
  for (const who of [alice, bob]) {
    await mined(call(sys.collateral, "mint", await who.getAddress(), 1000n * CREDIT));
    await mined(call(sys.collateral.connect(who) as Contract, "approve", venueAddress, 2n ** 255n));
    await mined(call(sys.credit.connect(who) as Contract, "approve", venueAddress, 2n ** 255n));
  }
  const factor = (await sys.venue.getFunction("liabilityFactor")()) as bigint;

  const prover = Prover.load(instance);
  const risk = await readRiskFactors(sys.registry);
  const rich: EncodedPortfolio = richPortfolio(n, m);
  const poor: EncodedPortfolio = { ...rich, collateral: rich.collateral.map(() => 0n), debt: rich.debt.map((_, i) => (i === 0 ? 10n ** 18n : 0n)) };
  const domain = { chainId, gate: BigInt(await sys.gate.getAddress()) };
  interface Claim { account: Signer; round: Awaited<ReturnType<typeof publish>>; p: EncodedPortfolio; nonce: bigint; claim: 0n | 1n; ratioBps: bigint; liability: bigint; attestedAt: bigint }
  const prove = async (c: Claim) => {
    const expiresAt = c.attestedAt + 86400n;
    const account = await c.account.getAddress();
    const attestation = attest(ATTESTER_SECRET, BigInt(account), domain, c.attestedAt, expiresAt, portfolioCommitment(c.p));
    const r = await prover.prove({ portfolio: c.p, round: c.round.round, risk, attestation, publicLiability: c.liability, nonce: c.nonce, ratioBps: c.ratioBps, claim: c.claim });
    const basis = { roundId: c.round.round.roundId, attesterId, attestedAt: c.attestedAt, expiresAt, liability: c.liability, nonce: c.nonce };
    return { proof: proofCalldata(r.proof), signals: r.signals, basis };
  };

  await chain.advance(60);
  const round1 = await publish();
  const t1 = await chain.now();
  const first = await prove({ account: alice, round: round1, p: rich, nonce: 1n, claim: 1n, ratioBps: INITIAL_RATIO_BPS, liability: 0n, attestedAt: t1 });
  const gateA = sys.gate.connect(alice) as Contract;
  record("prove solvency (first proof of the account)", await mined(call(gateA, "proveSolvency", first.proof, first.basis, INITIAL)),
    "verify + bind + order checks; the account's slot goes from zero to non-zero");

  await chain.advance(60);
  const round2 = await publish();
  record("publish price round", round2.receipt, "N prices + M marks from 3 reporters' signatures: medians, chain hash + context");
  const t2 = await chain.now();
  const base = { round: round2, p: rich, claim: 1n as const, attestedAt: t2 };
  const renewal = await prove({ ...base, account: alice, nonce: 2n, ratioBps: MAINTENANCE_RATIO_BPS, liability: 0n });
  const later = await prove({ ...base, account: alice, nonce: 3n, ratioBps: MAINTENANCE_RATIO_BPS, liability: 0n });
  const borrowA = await prove({ ...base, account: alice, nonce: 4n, ratioBps: INITIAL_RATIO_BPS, liability: BORROW * factor });
  const borrowB = await prove({ ...base, account: bob, nonce: 1n, ratioBps: INITIAL_RATIO_BPS, liability: BORROW * factor });
  const insolventB = await prove({ ...base, account: bob, p: poor, nonce: 1n, claim: 0n, ratioBps: MAINTENANCE_RATIO_BPS, liability: BORROW * factor });

  const s = later.signals;
  const bare = sys.verifier.interface.encodeFunctionData("verifyProof", [later.proof.a, later.proof.b, later.proof.c, [s.context, s.attesterBinding, s.statement, s.terms]]);
  record("verify proof (bare)", await mined(admin.sendTransaction({ to: await sys.verifier.getAddress(), data: bare })), "snarkjs' generated verifier, 4 public inputs");
  record("prove solvency (first proof on a round)", await mined(call(gateA, "proveSolvency", renewal.proof, renewal.basis, MAINTENANCE)),
    "a renewal on a round nobody primed: the round's context and the attester's binding are multiplied in");
  record("prime verifier key", await mined(call(sys.gate.connect(keeper) as Contract, "primeVerifierKey", round2.round.roundId, attesterId)),
    "once per round, risk version and attester; anyone");
  record("prove solvency (later proof)", await mined(call(gateA, "proveSolvency", later.proof, later.basis, MAINTENANCE)),
    "a renewal on a primed round and attester");

  const venueA = sys.venue.connect(alice) as Contract;
  record("deposit collateral", await mined(call(venueA, "deposit", 100n * CREDIT)));
  record("borrow (with proof)", await mined(call(venueA, "borrow", BORROW, borrowA.proof, borrowA.basis)), "a proof counting the new debt + token transfer");
  record("repay", await mined(call(venueA, "repay", await alice.getAddress(), BORROW / 5n)));
  record("withdraw (with debt, solvent)", await mined(call(venueA, "withdraw", 10n * CREDIT)));

  const venueB = sys.venue.connect(bob) as Contract;
  await mined(call(venueB, "deposit", 100n * CREDIT));
  await mined(call(venueB, "borrow", BORROW, borrowB.proof, borrowB.basis));
  record("prove insolvency", await mined(call(sys.gate.connect(keeper) as Contract, "proveInsolvency", await bob.getAddress(), insolventB.proof, insolventB.basis)),
    "posted by a keeper, on a primed round");
  record("liquidate (insolvency proof)", await mined(call(sys.venue.connect(keeper) as Contract, "liquidate", await bob.getAddress())));
  await chain.advance(1); // clearing an insolvency needs a strictly newer attestation
  const t3 = await chain.now();
  const debtB = (await sys.venue.getFunction("liabilityOf")(await bob.getAddress())) as bigint;
  const clear = await prove({ account: bob, round: round2, p: rich, nonce: 2n, claim: 1n, ratioBps: INITIAL_RATIO_BPS, liability: debtB, attestedAt: t3 });
  record("prove solvency (clearing an insolvency)", await mined(call(sys.gate.connect(bob) as Contract, "proveSolvency", clear.proof, clear.basis, INITIAL)));
  record("unfreeze (current initial-tier record)", await mined(call(sys.venue.connect(keeper) as Contract, "unfreeze", await bob.getAddress())), "anyone may call it");
  record("raise attestation floor", await mined(call(sys.gate, "raiseAttestationFloor", attesterId, await alice.getAddress(), t3)),
    "the attester's operator withdraws its word for an account: its record lapses now");
  const st = await sys.gate.getFunction("accountState")(await alice.getAddress());
  await chain.setNextTime(BigInt(st.validUntil) + BigInt(GRACE_PERIOD) + 1n);
  record("liquidate (lapsed maintenance proof)", await mined(call(sys.venue.connect(keeper) as Contract, "liquidate", await alice.getAddress())));
  return out;
}
