/**
 * What `submit` checks before it sends a proof: the proof verifies off chain against its instance's
 * key (an edited or foreign proof is told as such, not as "the chain's state changed"), and a solvency
 * proof counts at least the liability the venue will count in that transaction (the account's debt,
 * plus the credit of --borrow).
 */
import type { Chain } from "../verifier/chain.ts";
import type { ProofRecord } from "../prover/proof-file.ts";
import { InputError } from "../prover/files.ts";
import { NotVerified } from "./output.ts";

export async function checkBeforeSubmit(chain: Chain, record: ProofRecord, file: string, borrow: string | undefined): Promise<void> {
  const { verifyProofRecord } = await import("../verifier/verify.ts");
  const v = await verifyProofRecord(record);
  if (!v.valid) throw new NotVerified("the proof does not verify off chain", file, "it was altered or made for another circuit or setup: prove again (solvency verify tells the same)");
  if (record.claim !== "solvent") return;
  const debt = (await chain.call("margin venue", () => chain.venue.getFunction("liabilityOf")(record.account))) as bigint;
  const extra = borrow === undefined ? 0n
    : (await chain.creditAmount(borrow, "--borrow")) * ((await chain.call("margin venue", () => chain.venue.getFunction("liabilityFactor")())) as bigint);
  const counted = debt + extra;
  if (record.publicLiability < counted) {
    const borrowed = borrow === undefined ? "" : ` with --borrow ${borrow}`;
    throw new InputError(`the proof counts a liability of ${record.publicLiability} value units, but${borrowed} the venue counts ${counted}`, file,
      borrow === undefined ? "the account's debt grew since the proof was made: prove again with --rpc" : `prove again with --rpc and the same --borrow ${borrow}`);
  }
}
