/**
 * The attester: evaluates every portfolio it attested at the newest round, and for each account below the
 * maintenance ratio signs a fresh attestation and proves and posts insolvency. The attestation time is the
 * round's (or the record's, if newer), so a restarted watcher makes the same job, not a second one. With
 * primeKeys it also caches, once per round, the gate's verifying key of the round and this attester, so that
 * every client's proof on the round pays two scalar products instead of four.
 */
import { proveJob } from "../../jobs/job.ts";
import { claimHolds, ratioBpsOf, valuate } from "../../prover/ratio.ts";
import { attest, attesterPublicKey } from "../../prover/attestation.ts";
import { attesterBinding, portfolioCommitment } from "../../prover/commitments.ts";
import { proofCalldata } from "../../verifier/calldata.ts";
import type { Alert, AttesterClient, AttesterConfig, Context, Plan } from "../types.ts";

export async function planAttester(ctx: Context, cfg: AttesterConfig, instance: string): Promise<Plan[]> {
  const binding = attesterBinding(attesterPublicKey(cfg.secret), ctx.chain.domain);
  const attesterId = await ctx.chain.attesterId(binding);
  const plans = await Promise.all(cfg.clients.map((c) => planClient(ctx, cfg, c, instance, attesterId)));
  const prime = cfg.primeKeys && attesterId !== undefined ? await planPrime(ctx, cfg, attesterId) : undefined;
  return prime ? [...plans, prime] : plans;
}

/** Primes the newest round's key for this attester when it is fresh, current and not primed yet. */
async function planPrime(ctx: Context, cfg: AttesterConfig, attesterId: bigint): Promise<Plan | undefined> {
  const { chain, head } = ctx;
  if (head.roundId === 0n || head.now > head.roundTime + head.maxPriceAge || head.riskVersion !== head.termsVersion) return undefined;
  if (await chain.keyPrimed(head.roundId, attesterId)) return undefined;
  const account = await cfg.signer.getAddress();
  return {
    role: "attester", account, next: `prime the verifying key of round ${head.roundId} for attester ${attesterId}`, alerts: [],
    act: async () => {
      if (await chain.keyPrimed(head.roundId, attesterId)) return `round ${head.roundId}'s key was primed meanwhile`;
      const receipt = await chain.primeVerifierKey(head.roundId, attesterId, cfg.signer);
      return `primed the verifying key of round ${head.roundId} for attester ${attesterId} (tx ${receipt.hash}, ${receipt.gasUsed} gas)`;
    },
  };
}

async function planClient(ctx: Context, cfg: AttesterConfig, c: AttesterClient, instance: string, attesterId: bigint | undefined): Promise<Plan> {
  const { chain, head } = ctx;
  const alerts: Alert[] = [];
  const record = await chain.record(c.account);
  const plan: Plan = { role: "attester", account: c.account, record, next: "none: at or above maintenance", alerts };
  if (head.roundId === 0n) return { ...plan, next: "wait for the first round" };
  const round = await chain.round(head.roundId, head.roundTime);
  const risk = await chain.riskFactors(head.termsVersion);
  const debt = await chain.debt(c.account);
  const valuation = valuate(c.portfolio, round, risk, debt);
  plan.ratioBps = ratioBpsOf(valuation);
  if (!claimHolds(valuation, head.maintenanceBps, 0n)) return plan;
  if (record.insolvent) return { ...plan, next: "none: insolvency already posted; the keeper liquidates" };
  const blocked = (message: string): Plan => ({ ...plan, next: "blocked: see alerts", alerts: [{ kind: "cannot-prove", role: "attester", account: c.account, message }] });
  if (attesterId === undefined) return blocked("this attester's key is not registered (or was revoked) on the gate");
  if (head.now > head.roundTime + head.maxPriceAge) return blocked(`the newest round ${head.roundId} is stale`);
  if (head.riskVersion !== head.termsVersion) return blocked(`the newest round predates risk parameters v${head.termsVersion}`);
  const floor = await chain.attestationFloor(attesterId, c.account);
  let attestedAt = head.roundTime;
  for (const t of [record.attestedAt, floor]) if (t > attestedAt) attestedAt = t;
  if (attestedAt > head.now) return blocked(`the record's attestation time ${attestedAt} is ahead of the chain`);
  const attestation = attest(cfg.secret, BigInt(c.account), chain.domain, attestedAt, attestedAt + cfg.attestationTtlSeconds, portfolioCommitment(c.portfolio));
  const nonce = record.insolvencyNonce + 1n;
  const request = { portfolio: c.portfolio, round, risk, attestation, publicLiability: debt, nonce, ratioBps: head.maintenanceBps, claim: 0n as const };
  const basis = { roundId: head.roundId, attesterId, attestedAt, expiresAt: attestation.expiresAt, liability: debt, nonce };
  return {
    ...plan,
    next: `prove insolvency at round ${head.roundId} (nonce ${nonce})`,
    job: proveJob(instance, request),
    submit: async (result) => {
      const now = await chain.record(c.account);
      if (now.insolvencyNonce >= nonce) return `already submitted (insolvency nonce ${now.insolvencyNonce} is on chain)`;
      try {
        const receipt = await chain.proveInsolvency(c.account, proofCalldata(result.proof), basis, cfg.signer);
        return `posted insolvency at round ${head.roundId} (nonce ${nonce}, tx ${receipt.hash})`;
      } catch (err) {
        const name = chain.revertName(err);
        if (name === "NonceNotNext") return "already submitted (the gate moved past this nonce)";
        throw new Error(`the gate refused the insolvency proof: ${name ?? (err as Error).message}`);
      }
    },
  };
}
