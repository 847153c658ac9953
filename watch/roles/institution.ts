/**
 * The institution: keeps each managed account's solvency record current. A new proof is due when the
 * record rests on an older round than the newest, or no longer meets the configured tier. Alerts when the
 * ratio is within the buffer of the threshold, and when no proof can be made.
 */
import { proveJob } from "../../jobs/job.ts";
import { claimHolds, ratioBpsOf, valuate } from "../../prover/ratio.ts";
import { attesterBinding } from "../../prover/commitments.ts";
import { proofCalldata } from "../../verifier/calldata.ts";
import type { Alert, Context, InstitutionAccount, InstitutionConfig, Plan } from "../types.ts";

export async function planInstitution(ctx: Context, cfg: InstitutionConfig, instance: string): Promise<Plan[]> {
  return Promise.all(cfg.accounts.map((a) => planAccount(ctx, cfg, a, instance)));
}

async function planAccount(ctx: Context, cfg: InstitutionConfig, a: InstitutionAccount, instance: string): Promise<Plan> {
  const { chain, head } = ctx;
  const alerts: Alert[] = [];
  const alert = (kind: Alert["kind"], message: string): void => void alerts.push({ kind, role: "institution", account: a.account, message });
  const record = await chain.record(a.account);
  const plan: Plan = { role: "institution", account: a.account, record, next: "none: the record is current", alerts };
  if (head.roundId === 0n) return { ...plan, next: "wait for the first round" };
  const ratioBps = cfg.tier === "initial" ? head.initialBps : head.maintenanceBps;
  const round = await chain.round(head.roundId, head.roundTime);
  const risk = await chain.riskFactors(head.termsVersion);
  const debt = await chain.debt(a.account);
  const valuation = valuate(a.portfolio, round, risk, debt);
  plan.ratioBps = ratioBpsOf(valuation);
  const holds = claimHolds(valuation, ratioBps, 1n);
  if (!holds) alert("cannot-prove", `the ratio ${plan.ratioBps} bps is below the ${cfg.tier} ratio ${ratioBps} bps at round ${head.roundId}: no solvency proof can be made`);
  else if (plan.ratioBps !== null && plan.ratioBps < ratioBps + cfg.bufferBps) alert("margin", `the ratio ${plan.ratioBps} bps is within ${cfg.bufferBps} bps of the ${cfg.tier} ratio ${ratioBps} bps`);

  const att = a.attestation;
  if (att.expiresAt - head.now < cfg.renewBeforeSeconds && att.expiresAt > head.now) {
    alert("margin", `the attestation expires at ${att.expiresAt} (in ${att.expiresAt - head.now}s): ask the attester for a new one`);
  }
  const current = record.round >= head.roundId && (await chain.isSolvent(a.account, cfg.tier));
  if (current) return plan;
  // What would stop any proof from being accepted: say so instead of proving in vain.
  const blockers: string[] = [];
  if (head.now > head.roundTime + head.maxPriceAge) blockers.push(`the newest round ${head.roundId} is stale (published at ${head.roundTime})`);
  if (head.riskVersion !== head.termsVersion) blockers.push(`the newest round was published under risk parameters v${head.riskVersion}; v${head.termsVersion} is in force`);
  if (att.expiresAt <= head.now) blockers.push(`the attestation expired at ${att.expiresAt}`);
  if (head.now - att.attestedAt > head.maxAttestationAge) blockers.push(`the attestation of ${att.attestedAt} is older than the gate's ${head.maxAttestationAge}s`);
  if (att.attestedAt < record.attestedAt) blockers.push(`the attestation (${att.attestedAt}) is older than the one behind the record (${record.attestedAt})`);
  if (blockers.length > 0 || !holds) {
    for (const b of blockers) alert("cannot-prove", b);
    return { ...plan, next: "blocked: see alerts" };
  }
  const attesterId = await chain.attesterId(attesterBinding(att.attester, att.domain));
  if (attesterId === undefined) {
    alert("cannot-prove", "the attestation's attester is not registered (or was revoked) on this gate");
    return { ...plan, next: "blocked: see alerts" };
  }
  const nonce = record.solvencyNonce + 1n;
  const request = { portfolio: a.portfolio, round, risk, attestation: att, publicLiability: debt, nonce, ratioBps, claim: 1n as const };
  const job = proveJob(instance, request);
  const basis = { roundId: head.roundId, attesterId, attestedAt: att.attestedAt, expiresAt: att.expiresAt, liability: debt, nonce };
  return {
    ...plan,
    next: `prove ${cfg.tier} solvency at round ${head.roundId} (nonce ${nonce})`,
    job,
    submit: async (result) => {
      const now = await chain.record(a.account);
      if (now.solvencyNonce >= nonce) return `already submitted (nonce ${now.solvencyNonce} is on chain)`;
      try {
        const receipt = await chain.proveSolvency(proofCalldata(result.proof), basis, cfg.tier, a.signer);
        return `submitted ${cfg.tier} solvency at round ${head.roundId} (nonce ${nonce}, tx ${receipt.hash})`;
      } catch (err) {
        const name = chain.revertName(err);
        if (name === "NonceNotNext") return "already submitted (the gate moved past this nonce)";
        throw new Error(`the gate refused the solvency proof: ${name ?? (err as Error).message}`);
      }
    },
  };
}
