/**
 * Property test of the gate's ordering rules: random sequences of rounds, attestations, floors, claims,
 * nonces and time, each submission judged by a small TypeScript model of what the gate must accept and
 * compared with what it does. The gate under test is SolvencyGateHarness, the gate without its pairing check, so that a
 * sequence costs transactions, not proofs: what is tested is the bookkeeping around the proof (the
 * binding of every signal to real proofs is tested in gate.test.ts and lifecycle.test.ts).
 */
import { expect } from "chai";
import fc from "fast-check";
import type { Contract } from "ethers";
import { attesterPublicKey } from "../../prover/attestation.ts";
import { deploy, registerAttester } from "../../verifier/contracts.ts";
import { ATTESTER_SECRET } from "../helpers/fixtures.ts";
import { deployTestSystem, publishPrices, type TestSystem } from "../helpers/system.ts";

const MAX_PRICE_AGE = 3600n;
const MAX_ATTESTATION_AGE = 86400n;
const ROUND_GRACE = 300n;
const MAINTENANCE = 1;
const DUMMY = { a: [1n, 2n], b: [[1n, 2n], [3n, 4n]], c: [1n, 2n] };

type Action =
  | { kind: "wait"; seconds: number }
  | { kind: "publish" }
  | { kind: "floor"; back: number }
  | { kind: "submit"; claim: 0 | 1; attestedBack: number; validFor: number; roundBack: number; nonceSkew: number };

interface Record { solvencyNonce: bigint; insolvencyNonce: bigint; round: bigint; attestedAt: bigint; validUntil: bigint; insolvent: boolean; tier: number }

/** What the gate must do, computed from the rules in the README's threat model. */
class Model {
  /** per round: the signed observation time (its timestamp) and the block time it was published at */
  rounds: Array<{ observedAt: bigint; publishedAt: bigint }> = [];
  rec: Record = { solvencyNonce: 0n, insolvencyNonce: 0n, round: 0n, attestedAt: 0n, validUntil: 0n, insolvent: false, tier: 0 };
  floor = 0n;

  supersededAt(id: bigint): bigint {
    const n = BigInt(this.rounds.length);
    if (id + 2n <= n) return 1n;
    if (id + 1n <= n) return this.rounds[Number(id)]!.publishedAt;
    return 0n;
  }

  accepts(now: bigint, claim: 0 | 1, roundId: bigint, attestedAt: bigint, expiresAt: bigint, nonce: bigint): boolean {
    const r = this.rec;
    if (nonce !== (claim === 1 ? r.solvencyNonce : r.insolvencyNonce) + 1n) return false;
    const round = this.rounds[Number(roundId) - 1];
    if (!round) return false;
    if (now > round.observedAt + MAX_PRICE_AGE) return false;
    const sup = this.supersededAt(roundId);
    if (sup !== 0n && now > sup + ROUND_GRACE) return false;
    if (roundId < r.round) return false;
    if (attestedAt > now || now - attestedAt > MAX_ATTESTATION_AGE) return false;
    if (expiresAt <= now) return false;
    if (attestedAt < this.floor) return false;
    if (attestedAt < r.attestedAt) return false;
    if (claim === 1 && r.insolvent && attestedAt === r.attestedAt) return false;
    return true;
  }

  apply(now: bigint, claim: 0 | 1, roundId: bigint, attestedAt: bigint, expiresAt: bigint, nonce: bigint): void {
    const publishedAt = this.rounds[Number(roundId) - 1]!.observedAt;
    const r = this.rec;
    r.round = roundId;
    r.attestedAt = attestedAt;
    if (claim === 1) {
      r.solvencyNonce = nonce;
      const limits = [publishedAt + MAX_PRICE_AGE, expiresAt, attestedAt + MAX_ATTESTATION_AGE];
      r.validUntil = limits.reduce((a, b) => (b < a ? b : a));
      r.insolvent = false;
      r.tier = MAINTENANCE;
    } else {
      r.insolvencyNonce = nonce;
      r.validUntil = 0n;
      r.insolvent = true;
      r.tier = 0;
    }
  }

  solvent(now: bigint): boolean {
    const r = this.rec;
    return !r.insolvent && r.tier >= MAINTENANCE && now <= r.validUntil && r.attestedAt >= this.floor;
  }
}

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("wait" as const), seconds: fc.constantFrom(1, 30, 200, 400, 3000, 90000) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("publish" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("floor" as const), back: fc.integer({ min: 0, max: 600 }) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("submit" as const),
      claim: fc.constantFrom(0 as const, 1 as const),
      attestedBack: fc.constantFrom(0, 0, 1, 5, 60, 500, 100000),
      validFor: fc.constantFrom(1, 120, 3600, 86400),
      roundBack: fc.constantFrom(0, 0, 0, 1, 2),
      nonceSkew: fc.constantFrom(0, 0, 0, 0, 1, -1),
    }),
  },
);

describe("contracts: the gate's ordering rules against a model (fast-check)", function () {
  let sys: TestSystem;
  let gate: Contract;
  let attesterId: bigint;

  before(async function () {
    sys = await deployTestSystem();
    const verifier = await deploy("AcceptingVerifier", sys.admin);
    gate = await deploy("SolvencyGateHarness", sys.admin, [
      sys.admin.address, await verifier.getAddress(), await sys.oracle.getAddress(), await sys.poseidon5.getAddress(),
      MAX_PRICE_AGE, MAX_ATTESTATION_AGE, ROUND_GRACE,
    ]);
    await (await gate.getFunction("setVenue")(await sys.venue.getAddress())).wait();
    ({ attesterId } = await registerAttester(gate, attesterPublicKey(ATTESTER_SECRET)));
  });

  it("accepts exactly the submissions the model accepts, and reports solvency as the model does", async function () {
    const base = await sys.helpers.takeSnapshot();
    const outcomes = { accepted: 0, refused: 0, insolvencyAccepted: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: 4, maxLength: 14 }), async (actions) => {
        await base.restore();
        const account = sys.ethers.Wallet.createRandom().address;
        await sys.helpers.setBalance(account, 10n ** 20n);
        const model = new Model();
        const chainNow = async (): Promise<bigint> => BigInt(await sys.helpers.time.latest());
        // Round 1 was published at deployment; every later round the sequence publishes is mirrored.
        const [, observed] = await sys.oracle.getFunction("round")(1n);
        model.rounds.push({ observedAt: observed as bigint, publishedAt: 0n });
        for (const a of actions) {
          if (a.kind === "wait") {
            await sys.helpers.time.increase(a.seconds);
          } else if (a.kind === "publish") {
            const r = await publishPrices(sys.oracle, await chainNow());
            const block = await sys.ethers.provider.getBlock(r.receipt.blockNumber);
            model.rounds.push({ observedAt: r.round.timestamp, publishedAt: BigInt(block!.timestamp) });
          } else if (a.kind === "floor") {
            const now = (await chainNow()) + 1n;
            const floor = now - BigInt(a.back);
            const ok = floor > model.floor;
            await sys.helpers.time.setNextBlockTimestamp(now);
            const tx = gate.getFunction("raiseAttestationFloor")(attesterId, account, floor);
            if (ok) {
              await (await tx).wait();
              model.floor = floor;
              if (model.rec.attestedAt < floor && model.rec.validUntil > now) model.rec.validUntil = now;
            } else {
              await expect(tx).to.be.revertedWithCustomError(gate, "FloorNotRaised");
            }
          } else {
            const now = (await chainNow()) + 1n;
            const attestedAt = now - BigInt(a.attestedBack);
            const expiresAt = attestedAt + BigInt(a.validFor);
            const roundId = BigInt(Math.max(0, model.rounds.length - a.roundBack));
            const last = a.claim === 1 ? model.rec.solvencyNonce : model.rec.insolvencyNonce;
            const nonce = last + 1n + BigInt(a.nonceSkew);
            const basis = { roundId, attesterId, attestedAt, expiresAt, liability: 0n, nonce };
            const expected = roundId >= 1n && nonce >= 0n && model.accepts(now, a.claim, roundId, attestedAt, expiresAt, nonce);
            await sys.helpers.time.setNextBlockTimestamp(now);
            const tx = a.claim === 1
              ? gate.connect(await sys.ethers.getImpersonatedSigner(account)).getFunction("proveSolvency")(DUMMY, basis, MAINTENANCE)
              : gate.getFunction("proveInsolvency")(account, DUMMY, basis);
            let accepted = true;
            try {
              await (await tx).wait();
            } catch {
              accepted = false;
            }
            expect(accepted, `${JSON.stringify({ ...a, now: String(now), roundId: String(roundId) })}`).to.equal(expected);
            if (accepted) model.apply(now, a.claim, roundId, attestedAt, expiresAt, nonce);
            outcomes[accepted ? "accepted" : "refused"]++;
            if (accepted && a.claim === 0) outcomes.insolvencyAccepted++;
          }
          // A view runs at the latest block's time or the next second: judge only where both agree.
          const now = await chainNow();
          if (model.solvent(now) === model.solvent(now + 1n)) {
            expect(await gate.getFunction("isSolvent")(account, MAINTENANCE)).to.equal(model.solvent(now));
          }
        }
      }),
      { numRuns: 60 },
    );
    await base.restore();
    // The sequences must exercise both verdicts, or the comparison proves nothing.
    expect(outcomes.accepted, JSON.stringify(outcomes)).to.be.greaterThan(30);
    expect(outcomes.refused, JSON.stringify(outcomes)).to.be.greaterThan(30);
    expect(outcomes.insolvencyAccepted, JSON.stringify(outcomes)).to.be.greaterThan(5);
  });
});
