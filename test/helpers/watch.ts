/**
 * The watcher against the in-process test system: institution accounts with their attestations, the
 * chain view over the deployed contracts, a logger that keeps what it was told, and how many proofs the
 * gate accepted per account and round. Publishing a round is a function the test passes in, so the watch
 * tests do not depend on how the oracle takes a round.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { Provider } from "ethers";
import { attest } from "../../prover/attestation.ts";
import { portfolioCommitment } from "../../prover/commitments.ts";
import type { EncodedPortfolio } from "../../prover/model.ts";
import { ChainView } from "../../watch/chain-view.ts";
import type { InstitutionAccount, Logger } from "../../watch/types.ts";
import { ATTESTER_SECRET } from "./fixtures.ts";
import { MARKS, PRICES, RICH, now, publishPrices, type TestSystem } from "./system.ts";

export type Publish = (prices?: readonly bigint[], marks?: readonly bigint[]) => Promise<bigint>;

/** Publishes a round signed by a quorum of the oracle's reporters, observed now, and returns its id. */
export const publisher = (sys: TestSystem): Publish => async (prices = PRICES, marks = MARKS) =>
  (await publishPrices(sys.oracle, await now(sys), prices, marks)).round.roundId;

export function chainView(sys: TestSystem): ChainView {
  return new ChainView(sys.ethers.provider as unknown as Provider, { gate: sys.gate, venue: sys.venue, oracle: sys.oracle, registry: sys.registry }, sys.domain);
}

export interface Line { level: "info" | "warn" | "error"; msg: string; [k: string]: unknown }
export function memoryLog(echo = !!process.env.DEBUG_WATCH): Logger & { lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: Line["level"]) => (o: object, msg = ""): void => {
    lines.push({ level, msg, ...o });
    if (echo) process.stderr.write(`${level} ${msg} ${JSON.stringify(o)}\n`);
  };
  return { lines, info: at("info"), warn: at("warn"), error: at("error") };
}

/** An institution account: a signer of the test chain with a day-long attestation of `portfolio`. */
export async function institutionAccount(sys: TestSystem, signer: HardhatEthersSigner, portfolio: EncodedPortfolio = RICH): Promise<InstitutionAccount> {
  const t = await now(sys);
  const attestation = attest(ATTESTER_SECRET, BigInt(signer.address), sys.domain, t - 10n, t + 86400n, portfolioCommitment(portfolio));
  return { account: signer.address, portfolio, attestation, signer };
}

/** Accepted proofs per account at `roundId`: [solvency, insolvency]. */
export async function accepted(sys: TestSystem, roundId: bigint): Promise<Map<string, { solvency: number; insolvency: number }>> {
  const out = new Map<string, { solvency: number; insolvency: number }>();
  const bump = (account: string, k: "solvency" | "insolvency"): void => {
    const e = out.get(account) ?? { solvency: 0, insolvency: 0 };
    e[k]++;
    out.set(account, e);
  };
  for (const [event, k] of [["SolvencyProven", "solvency"], ["InsolvencyProven", "insolvency"]] as const) {
    for (const log of await sys.gate.queryFilter(sys.gate.filters[event]!())) {
      if ("args" in log && (log.args[1] as bigint) === roundId) bump(String(log.args[0]), k);
    }
  }
  return out;
}
