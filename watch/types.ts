/**
 * What the watcher's roles decide each tick, and what it reports: per account, the record on chain, the
 * next action, and any alert a supervisor must see.
 */
import type { Signer } from "ethers";
import type { ProveJob, ProveResult } from "../jobs/job.ts";
import type { Attestation } from "../prover/attestation.ts";
import type { EncodedPortfolio } from "../prover/model.ts";
import type { ChainView, Head, Record, Tier } from "./chain-view.ts";

export type Role = "institution" | "attester" | "keeper";

/**
 * margin: the account's ratio is within the buffer of its threshold; cannot-prove: no proof can be made
 * (the claim does not hold, the attestation expired, the round is stale, proving failed); submit: the chain
 * refused a proof or a liquidation.
 */
export type AlertKind = "margin" | "cannot-prove" | "submit";
export interface Alert { kind: AlertKind; role: Role; account: string; message: string }

export interface AccountStatus {
  role: Role;
  account: string;
  record?: { round: string; tier: string; validUntil: string; insolvent: boolean; solvencyNonce: string; insolvencyNonce: string };
  /** the portfolio's ratio at the newest round, bps (private: only in the local status) */
  ratioBps?: string | null;
  next: string;
  last?: string;
  alerts: string[];
}

/** One account's decision for this tick: maybe a proof to make and how to submit it. */
export interface Plan {
  role: Role;
  account: string;
  record?: Record;
  ratioBps?: bigint | null;
  next: string;
  /** what was done this tick */
  last?: string;
  alerts: Alert[];
  job?: ProveJob;
  /** submits the proof; re-reads the chain first, so a proof already accepted is never sent twice */
  submit?: (result: ProveResult) => Promise<string>;
  /** an action without a proof (the keeper's liquidation) */
  act?: () => Promise<string>;
}

export interface Context { chain: ChainView; head: Head; log: Logger }

export interface Logger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

export interface InstitutionAccount { account: string; portfolio: EncodedPortfolio; attestation: Attestation; signer: Signer }
export interface InstitutionConfig {
  tier: Tier;
  /** alert when the ratio is less than this many bps above the tier's ratio */
  bufferBps: bigint;
  /** warn this many seconds before the attestation expires */
  renewBeforeSeconds: bigint;
  accounts: InstitutionAccount[];
}

export interface AttesterClient { account: string; portfolio: EncodedPortfolio }
export interface AttesterConfig {
  secret: Uint8Array;
  /** how long each insolvency attestation the watcher signs lasts */
  attestationTtlSeconds: bigint;
  /** prime the gate's cached verifying key of each new round for this attester (SolvencyGate.primeVerifierKey) */
  primeKeys: boolean;
  clients: AttesterClient[];
  signer: Signer;
}

export interface KeeperConfig {
  /** accounts to watch; absent: every account that ever deposited into the venue */
  accounts?: string[];
  signer: Signer;
}

export interface Roles { institution?: InstitutionConfig; attester?: AttesterConfig; keeper?: KeeperConfig }
