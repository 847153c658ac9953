/**
 * The on-chain client the CLI uses: connects to an RPC endpoint for a deployment (refusing an endpoint
 * that is unreachable, on another chain, or without the deployment's contracts), reads what a prover
 * needs (latest round, next nonce, ratio, the venue's debt), submits proofs, reads an account's state
 * and liquidates. Every failure is a ChainError, and a contract's revert is decoded into what happened
 * and how to fix it.
 */
import { Contract, JsonRpcProvider, Network, type Signer, type TransactionReceipt, type Interface } from "ethers";
import { contractAt, publishArgs, publishRound as publish, readRound, registerAttester as register, type PublishedRound } from "./contracts.ts";
import type { SignedReport } from "../oracle/signing.ts";
import { proofCalldata } from "./calldata.ts";
import type { Deployment } from "./deployment.ts";
import type { ProofRecord } from "../prover/proof-file.ts";
import type { PriceRound } from "../prover/model.ts";
import type { AttesterKey } from "../prover/commitments.ts";
import { InputError } from "../prover/files.ts";
import { loadRound } from "../prover/prices.ts";
import { parseDecimal, formatDecimal, DecimalError } from "../prover/decimal.ts";

/** A failure of the chain or the RPC endpoint; `verification` marks a proof the gate's verifier refused. */
export class ChainFailure extends Error {
  constructor(readonly problem: string, readonly where: string, readonly fix: string, readonly verification = false) {
    super(`${problem} — ${where} — ${fix}`);
  }
}

export const TIERS = { none: 0, maintenance: 1, initial: 2 } as const;
const TIER_NAMES = ["none", "maintenance", "initial"] as const;
const LIQUIDATION_REASONS = ["none", "lapsed", "insolvent"] as const;

export interface TermsQuery {
  account: string;
  claim: "solvent" | "insolvent";
  tier: "initial" | "maintenance";
  roundFile?: string;
  nonce?: bigint;
  ratioBps?: bigint;
  liability?: bigint;
  /** credit (whole tokens, decimal text) to be borrowed with this proof: its liability is added */
  borrow?: string;
  /** the attestation the proof will rest on: with it, the terms are checked as the gate will check them */
  attestation?: { attesterId: bigint; attestedAt: bigint; expiresAt: bigint };
}
export interface ProofTerms { round: PriceRound; ratioBps: bigint; nonce: bigint; publicLiability: bigint; source: string }

export interface AccountStatus {
  account: string;
  solvencyNonce: bigint;
  insolvencyNonce: bigint;
  round: bigint;
  validUntil: bigint;
  riskVersion: bigint;
  attesterId: bigint;
  attestedAt: bigint;
  tier: (typeof TIER_NAMES)[number];
  insolvent: boolean;
  solventInitial: boolean;
  solventMaintenance: boolean;
  escrow: bigint;
  debt: bigint;
  /** the same amounts in whole tokens of the venue's collateral and credit tokens */
  escrowTokens: string;
  debtTokens: string;
  liability: bigint;
  frozen: boolean;
  liquidatable: (typeof LIQUIDATION_REASONS)[number];
  /** the venue's grace period after a record lapses, seconds */
  gracePeriod: bigint;
  /** a keeper may liquidate an account with debt once the chain's time is past this (validUntil + gracePeriod) */
  liquidatableAfter: bigint;
  now: bigint;
}

/** What a proof rests on and states, as the gate will check it (see SolvencyGate._verify). */
export interface Pending {
  account: string;
  claim: "solvent" | "insolvent";
  roundId: bigint;
  attesterId: bigint;
  attestedAt: bigint;
  expiresAt: bigint;
  nonce: bigint;
  /** the liability the proof states, value units */
  liability: bigint;
  /** credit drawn in the same transaction (a borrow), value units */
  extra: bigint;
}

/** An attester as the gate registered it. */
export interface AttesterInfo {
  attesterId: bigint;
  Ax: bigint;
  Ay: bigint;
  binding: bigint;
  operator: string;
  status: "active" | "revoked";
}

const ATTESTER_STATUS = ["none", "active", "revoked"] as const;
const when = (t: unknown): string => {
  if (typeof t !== "bigint" && typeof t !== "number") return String(t);
  const n = BigInt(t);
  return n > 0n && n < 2n ** 40n ? `${n} (${new Date(Number(n) * 1000).toISOString()})` : String(n);
};
/** Unix seconds (decimal text) as an ISO time, for messages that name a moment. */
const isoTime = (t: string): string => (/^\d+$/.test(t) ? new Date(Number(t) * 1000).toISOString() : t);

const short = (s: string): string => (s.length > 120 ? `${s.slice(0, 117)}...` : s);

/** Turns a custom error of the project's contracts into what happened and how to fix it. */
export function explain(name: string, args: readonly unknown[]): { problem: string; fix: string; verification?: boolean } {
  const a = args.map((x) => (typeof x === "bigint" ? x.toString() : String(x)));
  switch (name) {
    case "StaleRound": return { problem: `price round ${a[0]} is stale (published at ${a[1]} = ${isoTime(a[1]!)}, the gate accepts rounds up to ${a[2]}s old)`, fix: "publish a fresh round (solvency oracle publish) and prove again" };
    case "UnknownRound": return { problem: `price round ${a[0]} was never published on this chain`, fix: "prove against a round the oracle published (prove --rpc uses the latest)" };
    case "StaleRiskParameters": return { problem: `round ${a[0]} was published under risk parameters v${a[1]}; v${a[2]} is in force`, fix: "publish a fresh round and prove again" };
    case "RoundOlderThanRecorded": return { problem: `round ${a[0]} is older than the account's recorded round ${a[1]}`, fix: "prove against the latest round" };
    case "RoundSuperseded": return { problem: `price round ${a[0]} was superseded at ${when(args[1])} and the gate accepts it only ${a[2]}s after that`, fix: "prove again against the newest round (prove --rpc uses it)" };
    case "UnknownAttester": return { problem: `attester ${a[0]} is not registered on this gate`, fix: "ask governance to register the attester (solvency attester register)" };
    case "AttesterIsRevoked": return { problem: `attester ${a[0]} was revoked`, fix: "get an attestation from an active attester" };
    case "AttestationFromFuture": return { problem: `the attestation time ${a[0]} is after the chain's time ${a[1]}`, fix: "ask the attester for an attestation made now" };
    case "AttestationTooOld": return { problem: `the attestation of time ${a[0]} is older than ${a[1]}s`, fix: "ask the attester for a fresh attestation and prove again" };
    case "AttestationExpired": return { problem: `the attestation expired at ${when(args[0])} (chain time ${a[1]})`, fix: "ask the attester for a new attestation (solvency attest --valid-for) and prove again" };
    case "ExpiryOutOfRange": return { problem: `the attestation's expiry ${a[0]} does not fit 40 bits`, fix: "ask the attester for an attestation with a sensible --valid-for" };
    case "AttestationBelowFloor": return { problem: `the attestation of ${when(args[0])} is below the attester's floor ${when(args[1])} for this account: the attester withdrew its word`, fix: "ask the attester for an attestation made after the floor" };
    case "AttestationOlderThanRecorded": return { problem: `the attestation of ${when(args[0])} is older than the one the account's record rests on (${when(args[1])})`, fix: "prove with an attestation at least as new as the record's (see solvency status)" };
    case "InsolvencyNeedsNewerAttestation": return { problem: `the account's insolvency was proven on the attestation of ${when(args[1])}; clearing it needs a strictly newer attestation than ${a[0]}`, fix: "ask the attester to attest the current portfolio and prove again" };
    case "NonceNotNext": return { problem: `nonce ${a[0]} is not the account's next nonce ${a[1]}`, fix: `prove again with --nonce ${a[1]}, or with --rpc to read it` };
    case "LiabilityOutOfRange": return { problem: `the account's liability ${a[0]} is beyond the circuit's bound`, fix: "repay debt before proving" };
    case "LiabilityBelowDebt": return { problem: `the solvency proof states a liability of ${a[0]} value units, below the venue's debt of ${a[1]} (with any credit drawn now)`, fix: "prove again with --rpc so the stated liability covers the debt (and --borrow)" };
    case "LiabilityAboveDebt": return { problem: `the insolvency proof states a liability of ${a[0]} value units, above the venue's debt of ${a[1]}`, fix: "prove again with --rpc against the account's current debt" };
    case "InvalidProof": return { problem: "the gate's verifier refused the proof: its public signals differ from what the chain holds now (round, ratio, attester, liability or expiry)", fix: "prove again with --rpc so the proof matches the chain's current state", verification: true };
    case "WrongChain": return { problem: `the gate was deployed on chain ${a[0]}, this is chain ${a[1]}`, fix: "use the RPC endpoint of the deployment's chain" };
    case "VenueNotSet": return { problem: "the gate has no venue yet", fix: "finish the deployment (solvency deploy sets the venue)" };
    case "NotVenue": return { problem: `${a[0]} is not the venue`, fix: "borrow through the venue (submit --borrow)" };
    case "AccountFrozen": return { problem: `account ${a[0]} is frozen since its liquidation at ${a[1]}`, fix: "borrow with an initial-tier proof (submit --borrow), or submit one and call the venue's unfreeze" };
    case "ZeroAmount": return { problem: "the amount is zero", fix: "give a positive amount" };
    case "RepayExceedsDebt": return { problem: `repaying ${a[0]} exceeds the debt of ${a[1]}`, fix: "repay at most the debt (solvency status shows it)" };
    case "BonusOutOfRange": return { problem: `a keeper bonus of ${a[0]} bps is above 10000`, fix: "give at most 10000 bps" };
    case "CreditDecimalsOutOfRange": return { problem: `the credit token has ${a[0]} decimals, more than the venue supports`, fix: "use a credit token with at most 18 decimals" };
    case "SweepExceedsSeized": return { problem: `sweeping ${a[0]} exceeds the seized collateral ${a[1]}`, fix: "sweep at most the seized collateral" };
    case "InvalidTier": return { problem: `tier ${a[0]} is neither maintenance nor initial`, fix: "prove against the initial or maintenance ratio" };
    case "VenueAlreadySet": return { problem: `the gate's venue is already ${a[0]}`, fix: "the venue is set once: deploy a new gate for another venue" };
    case "UniverseOutOfRange": return { problem: `${a[0]} assets and ${a[1]} markets do not fit the circuit instance`, fix: "use the venue's own universe" };
    case "IndexOutOfRange": return { problem: `index ${a[0]} is beyond the ${a[1]} slots`, fix: "use an index of the venue's universe" };
    case "DecimalsOutOfRange": return { problem: `asset ${a[0]} has ${a[1]} decimals, more than supported`, fix: "use at most 18 decimals" };
    case "WeightOutOfRange": return { problem: `${a[0]} of slot ${a[1]} is ${a[2]} bps, above ${a[3]}`, fix: "check the venue file's weights" };
    case "RatiosOutOfOrder": return { problem: `the ratios (initial ${a[0]} bps, maintenance ${a[1]} bps) are out of order`, fix: "give initial ≥ maintenance ≥ 10000 bps" };
    case "NoRound": return { problem: "the oracle has published no round yet", fix: "publish one: the reporters sign it (solvency oracle sign) and anyone relays it (solvency oracle publish --signatures)" };
    case "ECDSAInvalidSignature":
    case "ECDSAInvalidSignatureLength":
    case "ECDSAInvalidSignatureS": return { problem: "a report's signature is malformed", fix: "ask the reporter to sign again (solvency oracle sign) and relay the new file" };
    case "InvalidGuard": return { problem: `the guard for slot ${a[0]} is inconsistent (min ${a[1]}, max ${a[2]}, max move ${a[3]} bps)`, fix: "give 0 < min ≤ max < 2^56 and a move limit up to 10000 bps" };
    case "InvalidObservationAge": return { problem: `a maximum observation age of ${a[0]}s is out of range`, fix: "give a positive age no longer than the gate's maxPriceAge" };
    case "ZeroReporter": return { problem: "the zero address cannot be a reporter", fix: "give the reporter's address" };
    case "AccessControlBadConfirmation": return { problem: "a role can only be renounced by its holder, for itself", fix: "renounce with the holder's own key and address" };
    case "InvalidShortString":
    case "StringTooLong": return { problem: "the oracle's EIP-712 name or version is malformed", fix: "redeploy the oracle from this build (solvency deploy)" };
    case "ContextCurrent": return { problem: `round ${a[0]} is already bound to risk parameters v${a[1]}`, fix: "nothing to refresh: prove against it" };
    case "NotLiquidatable": return { problem: `account ${a[0]} cannot be liquidated now`, fix: "its solvency proof is current or within the grace period: see solvency status" };
    case "NotSolvent": return { problem: `account ${a[0]} has no current initial-tier proof`, fix: "submit an initial-tier solvency proof first" };
    case "InsufficientEscrow": return { problem: `${a[0]} requested but the escrow holds ${a[1]}`, fix: "withdraw less" };
    case "AccessControlUnauthorizedAccount": return { problem: `account ${a[0]} lacks the role this call needs`, fix: "sign with the key holding that role (governor or reporter)" };
    case "PriceOutOfRange": return { problem: `the median ${a[0]} ${a[1]} is ${a[2]}: zero or beyond the circuit's bound`, fix: "check the reporters' prices files" };
    case "PriceOutOfBounds": return { problem: `the median ${a[0]} ${a[1]} is ${a[2]}, outside the oracle's bounds [${a[3]}, ${a[4]}]`, fix: "check the reporters' prices; governance sets the bounds" };
    case "MoveNeedsLargerQuorum": return { problem: `the median ${a[0]} ${a[1]} moves from ${a[2]} to ${a[3]}, beyond its guard: ${a[4]} signatures, ${a[5]} needed for such a move`, fix: `relay the round with at least ${a[5]} reporters' signatures` };
    case "StateMismatch": return { problem: `the ${a[0]} sent with the round are not the oracle's (a round or a guard changed meanwhile)`, fix: "relay again: the state is read afresh" };
    case "QuorumNotMet": return { problem: `${a[0]} signatures, the oracle's quorum is ${a[1]}`, fix: "collect more reporters' signatures (solvency oracle sign) and relay them together" };
    case "UnknownSigner": return { problem: `report ${a[0]} is signed by ${a[1]}, which is not a reporter of this oracle`, fix: "relay reports of current reporters only (solvency oracle reporters list)" };
    case "DuplicateSigner": return { problem: `report ${a[0]} repeats reporter ${a[1]}`, fix: "give one report per reporter" };
    case "SignersNotSorted": return { problem: `report ${a[0]} (${a[1]}) is out of order after ${a[2]}`, fix: "sort the reports by reporter address" };
    case "ObservationInFuture": return { problem: `the observation time ${a[0]} is after the chain's time ${a[1]}`, fix: "sign with an observation time that has passed" };
    case "ObservationTooOld": return { problem: `the observation time ${a[0]} is more than ${a[2]}s before the chain's time ${a[1]}`, fix: "ask the reporters to sign fresh prices" };
    case "ObservationNotNewer": return { problem: `the observation time ${a[0]} is not after the previous round's ${a[1]} (a replayed or older round)`, fix: "ask the reporters to sign fresh prices" };
    case "AlreadyReporter": return { problem: `${a[0]} is already a reporter`, fix: "see solvency oracle reporters list" };
    case "NotReporter": return { problem: `${a[0]} is not a reporter`, fix: "see solvency oracle reporters list" };
    case "TooManyReporters": return { problem: `the oracle would have ${a[0]} reporters, at most ${a[1]} are allowed`, fix: "remove a reporter first" };
    case "InvalidQuorum": return { problem: `quorum ${a[0]} with large-move quorum ${a[1]} is invalid for ${a[2]} reporters`, fix: "choose 3 <= quorum <= large-move quorum <= the reporter count" };
    case "WrongLength": return { problem: `${a[0]} has ${a[1]} entries, the contract expects ${a[2]}`, fix: "use the deployment's venue" };
    case "InvalidAttesterKey": return { problem: "the attester key is not a point of Baby Jubjub's prime-order subgroup", fix: "use a key made by solvency keygen" };
    case "AttesterKeyRegistered": return { problem: `the key is already registered as attester ${a[0]} (a key is registered once, ever)`, fix: `use attester ${a[0]}, or register a new key (solvency keygen)` };
    case "NotAttesterOperator": return { problem: `${a[1]} is not the operator of attester ${a[0]}`, fix: "sign with the attester's operator key (solvency attester list shows it)" };
    case "FloorNotRaised": return { problem: `the floor ${when(args[0])} is not above the account's current floor ${when(args[1])}`, fix: "give a later --from (or --from now)" };
    case "FloorInFuture": return { problem: `the floor ${a[0]} is after the chain's time ${a[1]}`, fix: "use --from now or an earlier time" };
    case "AgeOutOfRange": return { problem: `max price age ${a[0]}s, max attestation age ${a[1]}s and round grace ${a[2]}s are out of range`, fix: "give ages from 1s to 180 days and a round grace of at most the max price age" };
    case "TooManyAttesters": return { problem: `the gate holds at most ${a[0]} attester ids`, fix: "deploy a new gate; ids are never reused" };
    case "SignalNotInField": return { problem: `public signal ${a[0]} (${a[1]}) is not an element of the scalar field`, fix: "the gate builds its signals itself: report this deployment as broken" };
    case "PrecompileFailed": return { problem: "an elliptic-curve precompile failed while the gate combined its verifying key", fix: "run on a chain with the EIP-196/197 precompiles (every EVM chain since Byzantium)" };
    case "NotWiredToRegistry": return { problem: `the risk registry does not tell this oracle of its changes (its oracle is ${a[0]})`, fix: "governance calls RiskRegistry.setOracle(oracle) once before the first round (solvency deploy does)" };
    case "NotRegistry": return { problem: `${a[0]} is not the oracle's risk registry`, fix: "only the registry tells the oracle of a change of its terms" };
    case "OracleAlreadySet": return { problem: `the registry already tells oracle ${a[0]} of its changes`, fix: "the oracle is wired once: deploy a new registry for a new oracle" };
    case "ZeroOracle": return { problem: "the oracle cannot be the zero address", fix: "give the deployment's oracle address" };
    case "NotStressed": return { problem: `the venue requires the stress tier for this action: account ${a[0]} has no current stress record covering ${a[1]} value units`, fix: "prove the stress tier (StressGate.proveStress) stating at least the debt after the action, then retry" };
    default: return { problem: `the contract refused: ${name}(${a.join(", ")})`, fix: "see the contract's NatSpec for this error" };
  }
}

export class Chain {
  readonly gate: Contract;
  readonly venue: Contract;
  readonly oracle: Contract;
  readonly registry: Contract;
  private readonly interfaces: Interface[];

  constructor(readonly provider: JsonRpcProvider, readonly deployment: Deployment, readonly rpc: string) {
    const c = deployment.contracts;
    this.gate = contractAt("SolvencyGate", c.gate, provider);
    this.venue = contractAt("MarginVenue", c.venue, provider);
    this.oracle = contractAt("PriceOracle", c.oracle, provider);
    this.registry = contractAt("RiskRegistry", c.registry, provider);
    this.interfaces = [this.gate.interface, this.venue.interface, this.oracle.interface, this.registry.interface];
  }

  close(): void {
    this.provider.destroy();
  }

  /** Runs a chain call, turning any failure into a ChainFailure. */
  async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.failure(what, err);
    }
  }

  failure(what: string, err: unknown): ChainFailure | InputError {
    if (err instanceof ChainFailure || err instanceof InputError) return err;
    const e = err as { code?: string; revert?: { name: string; args: readonly unknown[] }; data?: string; shortMessage?: string; message?: string; info?: { error?: { message?: string } } };
    let revert = e.revert;
    if (!revert && typeof e.data === "string" && e.data.length >= 10) {
      for (const i of this.interfaces) {
        try {
          const parsed = i.parseError(e.data);
          if (parsed) {
            revert = { name: parsed.name, args: [...parsed.args] };
            break;
          }
        } catch {
          // not this contract's error: try the next interface
        }
      }
    }
    if (revert) {
      const x = explain(revert.name, revert.args);
      return new ChainFailure(x.problem, what, x.fix, x.verification);
    }
    const detail = short(e.info?.error?.message ?? e.shortMessage ?? e.message ?? String(err));
    if (/insufficient funds/i.test(detail)) return new ChainFailure("the signing account cannot pay for gas", what, "fund the account");
    if (e.code === "CALL_EXCEPTION") return new ChainFailure(`the transaction reverted (${detail})`, what, "check the deployment file matches this chain");
    return new ChainFailure(`the RPC call failed (${detail})`, `${what} at ${this.rpc}`, "check the endpoint and retry");
  }

  /** Sends a transaction after simulating it, so a revert is explained before any gas is spent. */
  async send(what: string, contract: Contract, method: string, args: unknown[], signer: Signer): Promise<TransactionReceipt> {
    const c = contract.connect(signer) as Contract;
    const fn = c.getFunction(method);
    return this.call(what, async () => {
      // Simulated against the pending block, as the transaction will run: the latest block of an idle
      // chain can be older than an attestation made a moment ago, and would refuse it as "from the future".
      await fn.staticCall(...args, { blockTag: "pending" });
      const receipt = (await (await fn(...args)).wait()) as TransactionReceipt;
      if (receipt.status !== 1) throw new ChainFailure("the transaction reverted", what, "retry; if it persists, check the account's state with solvency status");
      return receipt;
    });
  }

  async latestRound(): Promise<PublishedRound> {
    return this.call("price oracle", async () => {
      const id = (await this.oracle.getFunction("lastRoundId")()) as bigint;
      if (id === 0n) throw new ChainFailure("the oracle has published no round yet", "price oracle", "have the reporters sign prices (solvency oracle sign) and relay them (solvency oracle publish --signatures FILES)");
      return readRound(this.oracle, id);
    });
  }

  async now(): Promise<bigint> {
    return this.call("latest block", async () => BigInt((await this.provider.getBlock("latest"))!.timestamp));
  }

  /** The round, ratio, nonce and liability a proof must state to be accepted now. */
  async proofTerms(q: TermsQuery): Promise<ProofTerms> {
    const [version, initial, maintenance] = (await this.call("risk registry", () => this.registry.getFunction("terms")())) as [bigint, bigint, bigint];
    let round: PriceRound;
    let source: string;
    if (q.roundFile) {
      round = loadRound(q.roundFile, this.deployment.venue).round;
      source = q.roundFile;
    } else {
      const latest = await this.latestRound();
      const [, , , riskVersion] = (await this.call("price oracle", () => this.oracle.getFunction("round")(latest.round.roundId))) as [bigint, bigint, bigint, bigint];
      if (riskVersion !== version) {
        throw new ChainFailure(`the latest round ${latest.round.roundId} was published under risk parameters v${riskVersion}; v${version} is in force`, "price oracle", "publish a fresh round (solvency oracle publish), or re-bind this one (PriceOracle.refreshContext), and prove again");
      }
      round = latest.round;
      source = `round ${round.roundId} on chain`;
    }
    const st = await this.call("solvency gate", () => this.gate.getFunction("accountState")(q.account));
    const last = q.claim === "solvent" ? (st.solvencyNonce as bigint) : (st.insolvencyNonce as bigint);
    const debt = q.liability ?? ((await this.call("margin venue", () => this.venue.getFunction("liabilityOf")(q.account))) as bigint);
    let extra = 0n;
    if (q.borrow !== undefined) {
      const amount = await this.creditAmount(q.borrow, "--borrow");
      extra = amount * ((await this.call("margin venue", () => this.venue.getFunction("liabilityFactor")())) as bigint);
    }
    const terms = {
      round,
      ratioBps: q.ratioBps ?? (q.tier === "initial" ? initial : maintenance),
      nonce: q.nonce ?? last + 1n,
      publicLiability: debt + extra,
      source,
    };
    if (q.attestation) {
      await this.preflight({
        account: q.account, claim: q.claim, roundId: round.roundId, attesterId: q.attestation.attesterId,
        attestedAt: q.attestation.attestedAt, expiresAt: q.attestation.expiresAt, nonce: terms.nonce,
        liability: terms.publicLiability, extra,
      }, `preflight: ${source}`);
    }
    return terms;
  }

  /**
   * Refuses, before anything is proven or sent, what the gate would refuse: a nonce other than the next,
   * a round unknown, stale, superseded beyond the grace, older than the account's record or under
   * outdated risk parameters, an attestation from the future, too old, expired, below the attester's
   * floor or older than the record's (or not newer, to clear an insolvency), and a stated liability on
   * the wrong side of the venue's debt. Each refusal is the gate's own error, explained.
   */
  async preflight(p: Pending, where: string): Promise<void> {
    const refuse = (name: string, ...args: unknown[]): never => {
      const x = explain(name, args);
      throw new ChainFailure(x.problem, where, x.fix);
    };
    const g = (n: string, ...a: unknown[]) => this.call("solvency gate", () => this.gate.getFunction(n)(...a));
    const st = await g("accountState", p.account);
    const now = await this.now();
    // The transaction's block comes after the latest one and, on a live chain, no earlier than the wall
    // clock: judge expiry, age and the future as the gate will then.
    const wall = BigInt(Math.floor(Date.now() / 1000));
    const at = now + 1n > wall ? now + 1n : wall;
    const last = BigInt(p.claim === "solvent" ? st.solvencyNonce : st.insolvencyNonce);
    if (p.nonce !== last + 1n) refuse("NonceNotNext", p.nonce, last + 1n);

    const [maxPriceAge, maxAttestationAge, roundGrace] = [BigInt(await g("maxPriceAge")), BigInt(await g("maxAttestationAge")), BigInt(await g("roundGrace"))];
    const [, timestamp, supersededAt, roundRiskVersion] = (await this.call("price oracle", () => this.oracle.getFunction("round")(p.roundId))) as [bigint, bigint, bigint, bigint];
    if (timestamp === 0n) refuse("UnknownRound", p.roundId);
    if (at > timestamp + maxPriceAge) refuse("StaleRound", p.roundId, timestamp, maxPriceAge);
    if (supersededAt !== 0n && at > supersededAt + roundGrace) refuse("RoundSuperseded", p.roundId, supersededAt, roundGrace);
    if (p.roundId < BigInt(st.round)) refuse("RoundOlderThanRecorded", p.roundId, BigInt(st.round));
    const [version] = (await this.call("risk registry", () => this.registry.getFunction("terms")())) as [bigint, bigint, bigint];
    if (roundRiskVersion !== version) refuse("StaleRiskParameters", p.roundId, roundRiskVersion, version);

    if (p.attestedAt > at) refuse("AttestationFromFuture", p.attestedAt, at);
    if (at - p.attestedAt > maxAttestationAge) refuse("AttestationTooOld", p.attestedAt, maxAttestationAge);
    if (p.expiresAt >= 2n ** 40n) refuse("ExpiryOutOfRange", p.expiresAt);
    if (p.expiresAt <= at) refuse("AttestationExpired", p.expiresAt, at);
    const floor = BigInt(await g("attestationFloor", p.attesterId, p.account));
    if (p.attestedAt < floor) refuse("AttestationBelowFloor", p.attestedAt, floor);
    const recorded = BigInt(st.attestedAt);
    if (p.attestedAt < recorded) refuse("AttestationOlderThanRecorded", p.attestedAt, recorded);
    if (p.claim === "solvent" && (st.insolvent as boolean) && p.attestedAt === recorded) refuse("InsolvencyNeedsNewerAttestation", p.attestedAt, recorded);

    const debt = ((await this.call("margin venue", () => this.venue.getFunction("liabilityOf")(p.account))) as bigint) + p.extra;
    if (p.claim === "solvent" && p.liability < debt) refuse("LiabilityBelowDebt", p.liability, debt);
    if (p.claim === "insolvent" && p.liability > debt) refuse("LiabilityAboveDebt", p.liability, debt);
  }

  /** An amount of the venue's credit token, from whole tokens (decimal text) to base units. */
  async creditAmount(text: string, flag: string): Promise<bigint> {
    const token = new Contract(this.deployment.contracts.creditToken, ["function decimals() view returns (uint8)"], this.provider);
    const decimals = Number(await this.call("credit token", () => token.getFunction("decimals")()));
    try {
      const v = parseDecimal(text, decimals);
      if (v === 0n) throw new InputError("the amount is zero", flag, "give a positive amount");
      return v;
    } catch (err) {
      if (err instanceof DecimalError) throw new InputError(err.problem, flag, err.fix);
      throw err;
    }
  }

  /** The id of the active attester whose binding the proof carries. */
  async attesterIdOf(binding: bigint): Promise<bigint> {
    return this.call("solvency gate", async () => {
      const count = (await this.gate.getFunction("attesterCount")()) as bigint;
      for (let id = 1n; id <= count; id++) {
        if (((await this.gate.getFunction("attesterBinding")(id)) as bigint) === binding) return id;
      }
      throw new ChainFailure("the proof's attester is not registered (or was revoked) on this gate", "solvency gate", "ask governance to register the attester's key (solvency attester register)");
    });
  }

  /** Which tier a solvency proof's ratio is, under the registry's current ratios. */
  async tierOf(ratioBps: bigint): Promise<"initial" | "maintenance"> {
    const [, initial, maintenance] = (await this.call("risk registry", () => this.registry.getFunction("terms")())) as [bigint, bigint, bigint];
    if (ratioBps === initial) return "initial";
    if (ratioBps === maintenance) return "maintenance";
    throw new ChainFailure(`the proof's ratio ${ratioBps} bps is neither the initial (${initial}) nor the maintenance (${maintenance}) ratio in force`, "risk registry", "prove again with --rpc so the ratio matches");
  }

  /**
   * Submits a proof: a solvency proof by its own account to the gate (or, with `borrowAmount`, to the
   * venue's borrow), an insolvency proof by anyone.
   */
  async submit(p: ProofRecord, signer: Signer, borrow?: string): Promise<{ receipt: TransactionReceipt; attesterId: bigint; tier: string; borrowed?: bigint }> {
    const borrowAmount = borrow === undefined ? undefined : await this.creditAmount(borrow, "--borrow");
    const attesterId = await this.attesterIdOf(p.publicSignals.attesterBinding);
    const proof = proofCalldata(p.proof);
    const basis = basisOf(p, attesterId);
    const factor = borrowAmount === undefined ? 0n : ((await this.call("margin venue", () => this.venue.getFunction("liabilityFactor")())) as bigint);
    await this.preflight({
      account: p.account, claim: p.claim, roundId: p.round.roundId, attesterId, attestedAt: p.attestedAt, expiresAt: p.expiresAt,
      nonce: p.nonce, liability: p.publicLiability, extra: (borrowAmount ?? 0n) * factor,
    }, "preflight: the proof file");
    if (p.claim === "insolvent") {
      const receipt = await this.send("solvency gate: proveInsolvency", this.gate, "proveInsolvency", [p.account, proof, basis], signer);
      return { receipt, attesterId, tier: "maintenance" };
    }
    const sender = await signer.getAddress();
    if (sender.toLowerCase() !== p.account.toLowerCase()) {
      throw new InputError(`the proof is for ${p.account} but the signing key is ${sender}`, "SOLVENCY_PRIVATE_KEY / --keystore", "sign with the account's own key: a solvency proof is submitted by its account");
    }
    if (borrowAmount !== undefined) {
      const receipt = await this.send("margin venue: borrow", this.venue, "borrow", [borrowAmount, proof, basis], signer);
      return { receipt, attesterId, tier: "initial", borrowed: borrowAmount };
    }
    const tier = await this.tierOf(p.ratioBps);
    const receipt = await this.send("solvency gate: proveSolvency", this.gate, "proveSolvency", [proof, basis, TIERS[tier]], signer);
    return { receipt, attesterId, tier };
  }

  async status(account: string): Promise<AccountStatus> {
    return this.call("solvency gate", async () => {
      const g = (n: string, ...a: unknown[]) => this.gate.getFunction(n)(...a);
      const v = (n: string, ...a: unknown[]) => this.venue.getFunction(n)(...a);
      const st = await g("accountState", account);
      const [escrow, debt] = (await v("positionOf", account)) as [bigint, bigint];
      const gracePeriod = BigInt(await v("gracePeriod"));
      const decimals = async (token: string): Promise<number> =>
        Number(await new Contract(token, ["function decimals() view returns (uint8)"], this.provider).getFunction("decimals")());
      const c = this.deployment.contracts;
      return {
        account,
        solvencyNonce: st.solvencyNonce as bigint,
        insolvencyNonce: st.insolvencyNonce as bigint,
        round: st.round as bigint,
        validUntil: st.validUntil as bigint,
        riskVersion: st.riskVersion as bigint,
        attesterId: st.attesterId as bigint,
        attestedAt: st.attestedAt as bigint,
        tier: TIER_NAMES[Number(st.tier)]!,
        insolvent: st.insolvent as boolean,
        solventInitial: (await g("isSolvent", account, TIERS.initial)) as boolean,
        solventMaintenance: (await g("isSolvent", account, TIERS.maintenance)) as boolean,
        escrow, debt,
        escrowTokens: formatDecimal(escrow, await decimals(c.collateralToken)),
        debtTokens: formatDecimal(debt, await decimals(c.creditToken)),
        liability: (await v("liabilityOf", account)) as bigint,
        frozen: (await v("isFrozen", account)) as boolean,
        liquidatable: LIQUIDATION_REASONS[Number(await v("liquidationReason", account))]!,
        gracePeriod,
        liquidatableAfter: BigInt(st.validUntil) + gracePeriod,
        now: await this.now(),
      };
    });
  }

  async liquidate(account: string, signer: Signer): Promise<{ receipt: TransactionReceipt; reason: string; escrowSeized: bigint; keeperBonus: bigint; debtWrittenOff: bigint }> {
    const receipt = await this.send("margin venue: liquidate", this.venue, "liquidate", [account], signer);
    for (const log of receipt.logs) {
      const parsed = this.venue.interface.parseLog(log);
      if (parsed?.name === "Liquidated") {
        return { receipt, reason: LIQUIDATION_REASONS[Number(parsed.args[2])]!, escrowSeized: parsed.args[3] as bigint, keeperBonus: parsed.args[4] as bigint, debtWrittenOff: parsed.args[5] as bigint };
      }
    }
    throw new ChainFailure("the liquidation emitted no Liquidated event", "margin venue", "check the deployment file names the venue");
  }

  /** Relays a round of signed reports (any account may), after simulating it so a refusal costs nothing. */
  async publishRound(observedAt: bigint, reports: readonly SignedReport[], signer: Signer): Promise<PublishedRound & { receipt: TransactionReceipt }> {
    const oracle = this.oracle.connect(signer) as Contract;
    return this.call("price oracle: publishRound", async () => {
      await oracle.getFunction("publishRound").staticCall(...(await publishArgs(oracle, observedAt, reports)));
      return publish(oracle, observedAt, reports);
    });
  }

  /** Every attester the gate registered, with its key (from AttesterRegistered), operator and status. */
  async attesters(): Promise<AttesterInfo[]> {
    return this.call("solvency gate", async () => {
      const g = (n: string, ...a: unknown[]) => this.gate.getFunction(n)(...a);
      const keys = new Map<bigint, { Ax: bigint; Ay: bigint; binding: bigint }>();
      for (const log of await this.gate.queryFilter(this.gate.filters.AttesterRegistered!(), Number(this.deployment.block))) {
        if ("args" in log) keys.set(log.args[0] as bigint, { Ax: log.args[1] as bigint, Ay: log.args[2] as bigint, binding: log.args[3] as bigint });
      }
      const count = (await g("attesterCount")) as bigint;
      const out: AttesterInfo[] = [];
      for (let id = 1n; id <= count; id++) {
        const key = keys.get(id);
        if (!key) throw new ChainFailure(`attester ${id} has no AttesterRegistered event`, "solvency gate", "use an RPC endpoint that serves the deployment's logs (eth_getLogs)");
        const status = ATTESTER_STATUS[Number(await g("attesterStatus", id))]!;
        out.push({ attesterId: id, ...key, operator: (await g("attesterOperator", id)) as string, status: status === "active" ? "active" : "revoked" });
      }
      return out;
    });
  }

  /** The attester's floor for `account` (0: none): attestations made before it back nothing. */
  async attestationFloor(attesterId: bigint, account: string): Promise<bigint> {
    return this.call("solvency gate", async () => (await this.gate.getFunction("attestationFloor")(attesterId, account)) as bigint);
  }

  /**
   * The attester withdraws its word for `account`: raises its attestation floor to `floor` (default: the
   * chain's latest block time). Refused before sending unless the signer is the attester's operator, the
   * attester active, and the floor above the current one and not in the future.
   */
  async raiseAttestationFloor(attesterId: bigint, account: string, floor: bigint | undefined, signer: Signer): Promise<{ receipt: TransactionReceipt; floor: bigint; previous: bigint }> {
    const where = "solvency gate: raiseAttestationFloor";
    const g = (n: string, ...a: unknown[]) => this.call("solvency gate", () => this.gate.getFunction(n)(...a));
    const refuse = (name: string, ...args: unknown[]): never => {
      const x = explain(name, args);
      throw new ChainFailure(x.problem, where, x.fix);
    };
    const status = Number(await g("attesterStatus", attesterId));
    if (status !== 1) refuse(status === 0 ? "UnknownAttester" : "AttesterIsRevoked", attesterId);
    const operator = (await g("attesterOperator", attesterId)) as string;
    const sender = await signer.getAddress();
    if (operator.toLowerCase() !== sender.toLowerCase()) refuse("NotAttesterOperator", attesterId, sender);
    const now = await this.now();
    const f = floor ?? now;
    const previous = BigInt(await g("attestationFloor", attesterId, account));
    if (f <= previous) refuse("FloorNotRaised", f, previous);
    if (f > now) refuse("FloorInFuture", f, now);
    const receipt = await this.send(where, this.gate, "raiseAttestationFloor", [attesterId, account, f], signer);
    return { receipt, floor: f, previous };
  }

  /**
   * Caches the gate's verifying key of a round (the newest when omitted) and an attester, so that later proofs on
   * the pair pay two scalar products instead of four. Anyone may; nothing is sent when it is cached already.
   */
  async primeVerifierKey(attesterId: bigint, roundId: bigint | undefined, signer: Signer): Promise<{ roundId: bigint; receipt: TransactionReceipt | null }> {
    const where = "solvency gate: primeVerifierKey";
    const g = (n: string, ...a: unknown[]) => this.call("solvency gate", () => this.gate.getFunction(n)(...a));
    const refuse = (name: string, ...args: unknown[]): never => {
      const x = explain(name, args);
      throw new ChainFailure(x.problem, where, x.fix);
    };
    const id = roundId ?? ((await this.call("price oracle", () => this.oracle.getFunction("lastRoundId")())) as bigint);
    if (id === 0n) refuse("NoRound");
    const [, timestamp] = (await this.call("price oracle", () => this.oracle.getFunction("round")(id))) as [bigint, bigint, bigint, bigint];
    if (timestamp === 0n) refuse("UnknownRound", id);
    const status = Number(await g("attesterStatus", attesterId));
    if (status !== 1) refuse(status === 0 ? "UnknownAttester" : "AttesterIsRevoked", attesterId);
    const [x] = (await g("partialKeyOf", id, attesterId)) as [bigint, bigint];
    if (x !== 0n) return { roundId: id, receipt: null };
    return { roundId: id, receipt: await this.send(where, this.gate, "primeVerifierKey", [id, attesterId], signer) };
  }

  /** The oracle's reporters, quorums and maximum observation age. */
  async oracleSettings(): Promise<{ reporters: string[]; quorum: number; largeMoveQuorum: number; maxObservationAge: bigint }> {
    return this.call("price oracle", async () => {
      const f = (n: string) => this.oracle.getFunction(n)();
      return {
        reporters: [...((await f("reporters")) as string[])],
        quorum: Number(await f("quorum")),
        largeMoveQuorum: Number(await f("largeMoveQuorum")),
        maxObservationAge: (await f("maxObservationAge")) as bigint,
      };
    });
  }

  /** A governance call on the oracle (addReporter, removeReporter, setQuorum), simulated first. */
  async governOracle(method: "addReporter" | "removeReporter" | "setQuorum", args: unknown[], signer: Signer): Promise<TransactionReceipt> {
    return this.send(`price oracle: ${method}`, this.oracle, method, args, signer);
  }

  async registerAttester(key: AttesterKey, signer: Signer): Promise<{ attesterId: bigint; binding: bigint; receipt: TransactionReceipt }> {
    const gate = this.gate.connect(signer) as Contract;
    return this.call("solvency gate: registerAttester", async () => {
      const operator = await signer.getAddress();
      await gate.getFunction("registerAttester").staticCall(key.Ax, key.Ay, operator);
      return register(gate, key, operator);
    });
  }
}

/** What a proof rests on, as the gate takes it beside the proof (ISolvencyGate.Basis). */
export function basisOf(p: ProofRecord, attesterId: bigint): { roundId: bigint; attesterId: bigint; attestedAt: bigint; expiresAt: bigint; liability: bigint; nonce: bigint } {
  return { roundId: p.round.roundId, attesterId, attestedAt: p.attestedAt, expiresAt: p.expiresAt, liability: p.publicLiability, nonce: p.nonce };
}

/**
 * Opens a JSON-RPC provider for `rpc` and returns it with the endpoint's chain id; refuses a malformed
 * URL and an endpoint that does not answer within `timeoutMs`. The provider keeps no response cache,
 * so consecutive transactions always see the account's new nonce.
 */

export async function openProvider(rpc: string, timeoutMs = 10_000): Promise<{ provider: JsonRpcProvider; chainId: bigint }> {
  let url: URL;
  try {
    url = new URL(rpc);
  } catch {
    throw new InputError(`'${rpc}' is not a URL`, "--rpc", "give the endpoint's URL, e.g. http://127.0.0.1:8545");
  }
  if (!/^(https?|wss?):$/.test(url.protocol)) throw new InputError(`unsupported RPC scheme '${url.protocol}'`, "--rpc", "use an http(s) URL");
  // The probe is a bare request: an ethers provider without a known network retries its detection
  // and logs "failed to detect network ... retry in 1s" on the console before any error is ours to tell.
  let chainId: bigint;
  try {
    chainId = BigInt(await probeChainId(url, timeoutMs));
  } catch (err) {
    const e = err as Error & { code?: string };
    throw new ChainFailure(`cannot reach the RPC endpoint (${short(e.message)})`, rpc, "check the URL and that the node is running");
  }
  return { provider: new JsonRpcProvider(rpc, Network.from(chainId), { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 }), chainId };
}

/** eth_chainId over plain HTTP(S), within `timeoutMs`. */
async function probeChainId(url: URL, timeoutMs: number): Promise<string> {
  const { request } = url.protocol === "https:" || url.protocol === "wss:" ? await import("node:https") : await import("node:http");
  const target = new URL(url.href.replace(/^ws/, "http"));
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] });
  return new Promise((resolve, reject) => {
    const req = request(target, { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) }, timeout: timeoutMs }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => {
        try {
          const answer = JSON.parse(text) as { result?: unknown; error?: { message?: string } };
          if (typeof answer.result === "string") resolve(answer.result);
          else reject(new Error(answer.error?.message ?? `HTTP ${res.statusCode}: no chain id in the answer`));
        } catch {
          reject(new Error(`HTTP ${res.statusCode}: not a JSON-RPC answer`));
        }
      });
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs / 1000}s`)));
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * Connects to `rpc` for a deployment: the endpoint must answer, be on the deployment's chain, and
 * hold code at the gate's address.
 */
export async function connect(rpc: string, deployment: Deployment, timeoutMs = 10_000): Promise<Chain> {
  const { provider, chainId } = await openProvider(rpc, timeoutMs);
  try {
    if (chainId !== deployment.chainId) {
      throw new ChainFailure(`the endpoint is on chain ${chainId} but the deployment is on chain ${deployment.chainId}`, rpc, "use the RPC endpoint of the deployment's chain, or the deployment file of this chain");
    }
    const code = await provider.getCode(deployment.contracts.gate);
    if (code === "0x") {
      throw new ChainFailure(`no contract at the gate's address ${deployment.contracts.gate}`, rpc, "the chain was reset or the deployment file is for another network: deploy again (solvency deploy)");
    }
  } catch (err) {
    provider.destroy();
    if (err instanceof ChainFailure) throw err;
    throw new ChainFailure(`the RPC endpoint failed (${short((err as Error).message)})`, rpc, "check the endpoint and retry");
  }
  return new Chain(provider, deployment, rpc);
}

export { TIER_NAMES, LIQUIDATION_REASONS };
