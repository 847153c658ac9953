/**
 * What the watcher reads from and sends to the chain, over the deployed contracts. Every read is of the
 * chain's current state (nothing is remembered between ticks), so a reorg that removes a round or a
 * submission is simply seen on the next tick and acted on again.
 */
import type { Contract, Provider, Signer, TransactionReceipt } from "ethers";
import { readRiskFactors, readRound, contractAt } from "../verifier/contracts.ts";
import type { Deployment } from "../verifier/deployment.ts";
import type { PriceRound, RiskFactors } from "../prover/model.ts";
import type { Domain } from "../prover/commitments.ts";
import type { SolidityProof } from "../verifier/calldata.ts";

export const TIER = { none: 0, maintenance: 1, initial: 2 } as const;
export type Tier = "initial" | "maintenance";
export const LIQUIDATION = ["none", "lapsed", "insolvent"] as const;

export interface Contracts { gate: Contract; venue: Contract; oracle: Contract; registry: Contract }

export interface Basis { roundId: bigint; attesterId: bigint; attestedAt: bigint; expiresAt: bigint; liability: bigint; nonce: bigint }

export interface Record {
  solvencyNonce: bigint;
  insolvencyNonce: bigint;
  round: bigint;
  attesterId: bigint;
  attestedAt: bigint;
  validUntil: bigint;
  tier: "none" | Tier;
  insolvent: boolean;
}

/** The chain at one moment: the newest round and what is in force. */
export interface Head {
  block: number;
  now: bigint;
  roundId: bigint;
  roundTime: bigint;
  /** 0 when no round was published */
  riskVersion: bigint;
  termsVersion: bigint;
  initialBps: bigint;
  maintenanceBps: bigint;
  maxPriceAge: bigint;
  maxAttestationAge: bigint;
}

export class ChainView {
  private readonly rounds = new Map<bigint, PriceRound>();
  private risk?: { version: bigint; factors: RiskFactors };

  constructor(readonly provider: Provider, readonly contracts: Contracts, readonly domain: Domain, readonly fromBlock = 0) {}

  static fromDeployment(provider: Provider, d: Deployment): ChainView {
    const c = d.contracts;
    return new ChainView(provider, {
      gate: contractAt("SolvencyGate", c.gate, provider),
      venue: contractAt("MarginVenue", c.venue, provider),
      oracle: contractAt("PriceOracle", c.oracle, provider),
      registry: contractAt("RiskRegistry", c.registry, provider),
    }, { chainId: d.chainId, gate: BigInt(c.gate) }, Number(d.block));
  }

  private f(c: Contract, name: string, ...args: unknown[]): Promise<unknown> {
    return c.getFunction(name)(...args);
  }

  async head(): Promise<Head> {
    const { gate, oracle, registry } = this.contracts;
    const block = (await this.provider.getBlock("latest"))!;
    const roundId = (await this.f(oracle, "lastRoundId")) as bigint;
    const [, timestamp, , riskVersion] = roundId === 0n ? [0n, 0n, 0n, 0n] : ((await this.f(oracle, "round", roundId)) as [bigint, bigint, bigint, bigint]);
    const [termsVersion, initialBps, maintenanceBps] = (await this.f(registry, "terms")) as [bigint, bigint, bigint];
    return {
      block: block.number, now: BigInt(block.timestamp), roundId, roundTime: timestamp, riskVersion,
      termsVersion, initialBps, maintenanceBps,
      maxPriceAge: (await this.f(gate, "maxPriceAge")) as bigint,
      maxAttestationAge: (await this.f(gate, "maxAttestationAge")) as bigint,
    };
  }

  /** The round's prices, from its RoundPublished event; re-read if a reorg replaced the round under its id. */
  async round(id: bigint, timestamp?: bigint): Promise<PriceRound> {
    let r = this.rounds.get(id);
    if (!r || (timestamp !== undefined && r.timestamp !== timestamp)) {
      r = (await readRound(this.contracts.oracle, id)).round;
      this.rounds.set(id, r);
    }
    return r;
  }

  async riskFactors(version: bigint): Promise<RiskFactors> {
    if (this.risk?.version !== version) this.risk = { version, factors: await readRiskFactors(this.contracts.registry) };
    return this.risk.factors;
  }

  async record(account: string): Promise<Record> {
    const st = (await this.f(this.contracts.gate, "accountState", account)) as { [k: string]: bigint | boolean };
    return {
      solvencyNonce: BigInt(st.solvencyNonce as bigint),
      insolvencyNonce: BigInt(st.insolvencyNonce as bigint),
      round: BigInt(st.round as bigint),
      attesterId: BigInt(st.attesterId as bigint),
      attestedAt: BigInt(st.attestedAt as bigint),
      validUntil: BigInt(st.validUntil as bigint),
      tier: (["none", "maintenance", "initial"] as const)[Number(st.tier)]!,
      insolvent: st.insolvent as boolean,
    };
  }

  async isSolvent(account: string, tier: Tier): Promise<boolean> {
    return (await this.f(this.contracts.gate, "isSolvent", account, TIER[tier])) as boolean;
  }

  async debt(account: string): Promise<bigint> {
    return (await this.f(this.contracts.venue, "liabilityOf", account)) as bigint;
  }

  async liquidationReason(account: string): Promise<(typeof LIQUIDATION)[number]> {
    return LIQUIDATION[Number(await this.f(this.contracts.venue, "liquidationReason", account))]!;
  }

  async attestationFloor(attesterId: bigint, account: string): Promise<bigint> {
    return (await this.f(this.contracts.gate, "attestationFloor", attesterId, account)) as bigint;
  }

  /** The id of the active attester with this binding, or undefined. */
  async attesterId(binding: bigint): Promise<bigint | undefined> {
    const count = (await this.f(this.contracts.gate, "attesterCount")) as bigint;
    for (let id = count; id >= 1n; id--) if (((await this.f(this.contracts.gate, "attesterBinding", id)) as bigint) === binding) return id;
    return undefined;
  }

  /** Accounts that ever deposited into the venue (the keeper's default watch list). */
  async venueAccounts(): Promise<string[]> {
    const venue = this.contracts.venue;
    const logs = await venue.queryFilter(venue.filters.Deposited!(), this.fromBlock);
    return [...new Set(logs.map((l) => ("args" in l ? String(l.args[0]) : "")).filter(Boolean))];
  }

  /** Calls `method` after simulating it, so a revert is known before any gas is spent. */
  async send(contract: Contract, method: string, args: unknown[], signer: Signer): Promise<TransactionReceipt> {
    const fn = (contract.connect(signer) as Contract).getFunction(method);
    await fn.staticCall(...args);
    const receipt = (await (await fn(...args)).wait()) as TransactionReceipt;
    if (receipt.status !== 1) throw new Error(`${method} reverted`);
    return receipt;
  }

  proveSolvency(proof: SolidityProof, basis: Basis, tier: Tier, signer: Signer): Promise<TransactionReceipt> {
    return this.send(this.contracts.gate, "proveSolvency", [proof, basis, TIER[tier]], signer);
  }

  /** Whether the gate holds the cached verifying key of this round (under its risk version) and attester. */
  async keyPrimed(roundId: bigint, attesterId: bigint): Promise<boolean> {
    const [x] = (await this.f(this.contracts.gate, "partialKeyOf", roundId, attesterId)) as [bigint, bigint];
    return x !== 0n;
  }

  primeVerifierKey(roundId: bigint, attesterId: bigint, signer: Signer): Promise<TransactionReceipt> {
    return this.send(this.contracts.gate, "primeVerifierKey", [roundId, attesterId], signer);
  }

  proveInsolvency(account: string, proof: SolidityProof, basis: Basis, signer: Signer): Promise<TransactionReceipt> {
    return this.send(this.contracts.gate, "proveInsolvency", [account, proof, basis], signer);
  }

  liquidate(account: string, signer: Signer): Promise<TransactionReceipt> {
    return this.send(this.contracts.venue, "liquidate", [account], signer);
  }

  /** The name of a custom error a contract reverted with, if any. */
  revertName(err: unknown): string | undefined {
    const e = err as { revert?: { name?: string }; data?: string };
    if (e.revert?.name) return e.revert.name;
    if (typeof e.data === "string" && e.data.length >= 10) {
      for (const c of Object.values(this.contracts)) {
        try {
          const p = c.interface.parseError(e.data);
          if (p) return p.name;
        } catch {
          // not this contract's error
        }
      }
    }
    return undefined;
  }
}
