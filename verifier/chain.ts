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
}
export interface ProofTerms { round: PriceRound; ratioBps: bigint; nonce: bigint; publicLiability: bigint; source: string }

export interface AccountStatus {
  account: string;
  solvencyNonce: bigint;
  insolvencyNonce: bigint;
  round: bigint;
  validUntil: bigint;
  provenAt: bigint;
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
  now: bigint;
}

const short = (s: string): string => (s.length > 120 ? `${s.slice(0, 117)}...` : s);

/** Turns a custom error of the project's contracts into what happened and how to fix it. */
function explain(name: string, args: readonly unknown[]): { problem: string; fix: string; verification?: boolean } {
  const a = args.map((x) => (typeof x === "bigint" ? x.toString() : String(x)));
  switch (name) {
    case "StaleRound": return { problem: `price round ${a[0]} is stale (published at ${a[1]}, the gate accepts rounds up to ${a[2]}s old)`, fix: "publish a fresh round (solvency oracle publish) and prove again" };
    case "UnknownRound": return { problem: `price round ${a[0]} was never published on this chain`, fix: "prove against a round the oracle published (prove --rpc uses the latest)" };
    case "StaleRiskParameters": return { problem: `round ${a[0]} was published under risk parameters v${a[1]}; v${a[2]} is in force`, fix: "publish a fresh round and prove again" };
    case "RoundOlderThanRecorded": return { problem: `round ${a[0]} is older than the account's recorded round ${a[1]}`, fix: "prove against the latest round" };
    case "UnknownAttester": return { problem: `attester ${a[0]} is not registered on this gate`, fix: "ask governance to register the attester (solvency attester register)" };
    case "AttesterIsRevoked": return { problem: `attester ${a[0]} was revoked`, fix: "get an attestation from an active attester" };
    case "AttestationFromFuture": return { problem: `the attestation time ${a[0]} is after the chain's time ${a[1]}`, fix: "ask the attester for an attestation made now" };
    case "AttestationTooOld": return { problem: `the attestation of time ${a[0]} is older than ${a[1]}s`, fix: "ask the attester for a fresh attestation and prove again" };
    case "NonceNotIncreasing": return { problem: `nonce ${a[0]} is not above the last accepted nonce ${a[1]}`, fix: `prove again with --nonce ${BigInt(a[1]!) + 1n}, or with --rpc to read it` };
    case "NonceOutOfRange": return { problem: `nonce ${a[0]} does not fit 32 bits`, fix: "use a smaller nonce" };
    case "LiabilityOutOfRange": return { problem: `the account's liability ${a[0]} is beyond the circuit's bound`, fix: "repay debt before proving" };
    case "InvalidProof": return { problem: "the gate's verifier refused the proof: its public signals differ from what the chain holds now (debt, ratio, round or attester)", fix: "prove again with --rpc so the proof matches the chain's current state", verification: true };
    case "WrongChain": return { problem: `the gate was deployed on chain ${a[0]}, this is chain ${a[1]}`, fix: "use the RPC endpoint of the deployment's chain" };
    case "VenueNotSet": return { problem: "the gate has no venue yet", fix: "finish the deployment (scripts/deploy.ts sets the venue)" };
    case "NotVenue": return { problem: `${a[0]} is not the venue`, fix: "borrow through the venue (submit --borrow)" };
    case "AccountFrozen": return { problem: `account ${a[0]} is frozen since its liquidation at ${a[1]}`, fix: "prove initial-tier solvency first (solvency submit of an initial-tier proof)" };
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
    case "InvalidAttesterKey": return { problem: "the attester key is not a Baby Jubjub point", fix: "use a key made by solvency keygen" };
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
      await fn.staticCall(...args);
      const receipt = (await (await fn(...args)).wait()) as TransactionReceipt;
      if (receipt.status !== 1) throw new ChainFailure("the transaction reverted", what, "retry; if it persists, check the account's state with solvency status");
      return receipt;
    });
  }

  async latestRound(): Promise<PublishedRound> {
    return this.call("price oracle", async () => {
      const id = (await this.oracle.getFunction("lastRoundId")()) as bigint;
      if (id === 0n) throw new ChainFailure("the oracle has published no round yet", "price oracle", "publish one: solvency oracle publish --prices FILE");
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
        throw new ChainFailure(`the latest round ${latest.round.roundId} was published under risk parameters v${riskVersion}; v${version} is in force`, "price oracle", "publish a fresh round (solvency oracle publish) and prove again");
      }
      round = latest.round;
      source = `round ${round.roundId} on chain`;
    }
    const maxAge = (await this.call("solvency gate", () => this.gate.getFunction("maxPriceAge")())) as bigint;
    const now = await this.now();
    if (now > round.timestamp + maxAge) {
      const x = explain("StaleRound", [round.roundId, round.timestamp, maxAge]);
      throw new ChainFailure(x.problem, source, x.fix);
    }
    const st = await this.call("solvency gate", () => this.gate.getFunction("accountState")(q.account));
    const last = q.claim === "solvent" ? (st.solvencyNonce as bigint) : (st.insolvencyNonce as bigint);
    const debt = q.liability ?? ((await this.call("margin venue", () => this.venue.getFunction("liabilityOf")(q.account))) as bigint);
    let extra = 0n;
    if (q.borrow !== undefined) {
      const amount = await this.creditAmount(q.borrow, "--borrow");
      extra = amount * ((await this.call("margin venue", () => this.venue.getFunction("liabilityFactor")())) as bigint);
    }
    return {
      round,
      ratioBps: q.ratioBps ?? (q.tier === "initial" ? initial : maintenance),
      nonce: q.nonce ?? last + 1n,
      publicLiability: debt + extra,
      source,
    };
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
    if (p.claim === "insolvent") {
      const receipt = await this.send("solvency gate: proveInsolvency", this.gate, "proveInsolvency", [p.account, proof, p.round.roundId, attesterId, p.attestedAt, p.nonce], signer);
      return { receipt, attesterId, tier: "maintenance" };
    }
    const sender = await signer.getAddress();
    if (sender.toLowerCase() !== p.account.toLowerCase()) {
      throw new InputError(`the proof is for ${p.account} but the signing key is ${sender}`, "SOLVENCY_PRIVATE_KEY / --keystore", "sign with the account's own key: a solvency proof is submitted by its account");
    }
    if (borrowAmount !== undefined) {
      const receipt = await this.send("margin venue: borrow", this.venue, "borrow", [borrowAmount, proof, p.round.roundId, attesterId, p.attestedAt, p.nonce], signer);
      return { receipt, attesterId, tier: "initial", borrowed: borrowAmount };
    }
    const tier = await this.tierOf(p.ratioBps);
    const receipt = await this.send("solvency gate: proveSolvency", this.gate, "proveSolvency", [proof, p.round.roundId, attesterId, p.attestedAt, p.nonce, TIERS[tier]], signer);
    return { receipt, attesterId, tier };
  }

  async status(account: string): Promise<AccountStatus> {
    return this.call("solvency gate", async () => {
      const g = (n: string, ...a: unknown[]) => this.gate.getFunction(n)(...a);
      const v = (n: string, ...a: unknown[]) => this.venue.getFunction(n)(...a);
      const st = await g("accountState", account);
      const [escrow, debt] = (await v("positionOf", account)) as [bigint, bigint];
      const decimals = async (token: string): Promise<number> =>
        Number(await new Contract(token, ["function decimals() view returns (uint8)"], this.provider).getFunction("decimals")());
      const c = this.deployment.contracts;
      return {
        account,
        solvencyNonce: st.solvencyNonce as bigint,
        insolvencyNonce: st.insolvencyNonce as bigint,
        round: st.round as bigint,
        validUntil: st.validUntil as bigint,
        provenAt: st.provenAt as bigint,
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
      await gate.getFunction("registerAttester").staticCall(key.Ax, key.Ay);
      return register(gate, key);
    });
  }
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
  const probe = new JsonRpcProvider(rpc, undefined, { staticNetwork: true, batchMaxCount: 1 });
  let timer: NodeJS.Timeout | undefined;
  let chainId: bigint;
  try {
    chainId = await Promise.race([
      probe.send("eth_chainId", []).then((x: string) => BigInt(x)),
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error("timeout")), timeoutMs); }),
    ]);
  } catch (err) {
    throw new ChainFailure(`cannot reach the RPC endpoint (${short((err as Error).message)})`, rpc, "check the URL and that the node is running");
  } finally {
    clearTimeout(timer);
    probe.destroy();
  }
  return { provider: new JsonRpcProvider(rpc, Network.from(chainId), { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 }), chainId };
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
