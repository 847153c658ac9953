/**
 * The proof file (docs/files.md): a Groth16 proof, its public signals in the spec's order, and the
 * same facts decoded for people (account, nonce, claim, ratio, round, attester, domain), with what the
 * trusted setup says of itself. It holds nothing private: no balance, no ratio, no salt.
 * Readers never trust the decoded part: `checkProofRecord` requires it to match the public signals.
 */
import { z } from "zod";
import type { Groth16Proof } from "snarkjs";
import { loadDocument, validate, toJson, InputError, type LoadedDocument } from "./files.ts";
import { bigintText } from "./schema.ts";
import { addressOf } from "./attester.ts";
import { unpackStatement, unpackTerms, attesterBinding, type AttesterKey, type Domain } from "./commitments.ts";
import type { PublicSignals } from "./witness.ts";
import type { ProofResult } from "./prove.ts";
import { PUBLIC_SIGNAL_NAMES } from "./spec.ts";

export const PROOF_KIND = "zk-solvency/proof";

export interface ProofRecord {
  instance: string;
  claim: "solvent" | "insolvent";
  account: string;
  nonce: bigint;
  ratioBps: bigint;
  attestedAt: bigint;
  expiresAt: bigint;
  publicLiability: bigint;
  domain: Domain;
  attester: AttesterKey;
  round: { roundId: bigint; timestamp: bigint };
  setup: { development: boolean; zkeySha256: string };
  createdAt: string;
  publicSignals: PublicSignals;
  proof: Groth16Proof;
}

export function proofRecord(r: ProofResult, meta: { domain: Domain; attester: AttesterKey; round: { roundId: bigint; timestamp: bigint } }): ProofRecord {
  const s = unpackStatement(r.signals.statement);
  const t = unpackTerms(r.signals.terms);
  return {
    instance: r.instance,
    claim: s.claim === 1n ? "solvent" : "insolvent",
    account: addressOf(s.account),
    nonce: s.nonce,
    ratioBps: s.ratioBps,
    attestedAt: s.attestedAt,
    expiresAt: t.expiresAt,
    publicLiability: t.publicLiability,
    domain: meta.domain,
    attester: meta.attester,
    round: meta.round,
    setup: r.setup,
    createdAt: new Date().toISOString(),
    publicSignals: r.signals,
    proof: r.proof,
  };
}

export const publicSignalList = (s: PublicSignals): bigint[] => PUBLIC_SIGNAL_NAMES.map((n) => s[n as keyof PublicSignals]);

export function proofJson(p: ProofRecord): string {
  return toJson({
    kind: PROOF_KIND,
    version: 2,
    instance: p.instance,
    claim: p.claim,
    account: p.account,
    nonce: p.nonce,
    ratioBps: p.ratioBps,
    attestedAt: p.attestedAt,
    expiresAt: p.expiresAt,
    publicLiability: p.publicLiability,
    domain: { chainId: p.domain.chainId, gate: addressOf(p.domain.gate) },
    attester: p.attester,
    round: p.round,
    setup: p.setup,
    createdAt: p.createdAt,
    publicSignals: publicSignalList(p.publicSignals),
    proof: p.proof,
  });
}

const g1 = z.array(z.string()).length(3);
const proofSchema = z.strictObject({
  kind: z.literal(PROOF_KIND),
  version: z.literal("2", { error: "this proof file was made by an earlier version (no signed attestation expiry): prove again" }),
  instance: z.string(),
  claim: z.enum(["solvent", "insolvent"]),
  account: z.string(),
  nonce: bigintText,
  ratioBps: bigintText,
  attestedAt: bigintText,
  expiresAt: bigintText,
  publicLiability: bigintText,
  domain: z.strictObject({ chainId: bigintText, gate: bigintText }),
  attester: z.strictObject({ Ax: bigintText, Ay: bigintText }),
  round: z.strictObject({ roundId: bigintText, timestamp: bigintText }),
  setup: z.strictObject({ development: z.enum(["true", "false"]), zkeySha256: z.string() }),
  createdAt: z.string(),
  publicSignals: z.array(bigintText).length(PUBLIC_SIGNAL_NAMES.length),
  proof: z.strictObject({ pi_a: g1, pi_b: z.array(z.array(z.string()).length(2)).length(3), pi_c: g1, protocol: z.literal("groth16"), curve: z.string() }),
});

/**
 * Requires the human-readable part to say exactly what the public signals say (statement fields,
 * liability, attester binding for the stated key and domain), so a file cannot claim one thing and
 * prove another.
 */
export function checkProofRecord(p: ProofRecord, where: (field: string) => string): void {
  const s = unpackStatement(p.publicSignals.statement);
  const t = unpackTerms(p.publicSignals.terms);
  const mismatches: Array<[string, boolean]> = [
    ["account", BigInt(p.account) === s.account],
    ["nonce", p.nonce === s.nonce],
    ["ratioBps", p.ratioBps === s.ratioBps],
    ["attestedAt", p.attestedAt === s.attestedAt],
    ["claim", (p.claim === "solvent" ? 1n : 0n) === s.claim],
    ["expiresAt", p.expiresAt === t.expiresAt],
    ["publicLiability", p.publicLiability === t.publicLiability],
    ["attester", attesterBinding(p.attester, p.domain) === p.publicSignals.attesterBinding],
  ];
  const bad = mismatches.find(([, ok]) => !ok);
  if (bad) {
    throw new InputError(`the file's '${bad[0]}' does not match its public signals`, where(bad[0]), "the file was altered: use the proof file `solvency prove` wrote");
  }
}

function recordFrom(doc: LoadedDocument): ProofRecord {
  const p = validate(proofSchema, doc);
  const [context, binding, statement, terms] = p.publicSignals as [bigint, bigint, bigint, bigint];
  return {
    ...p,
    setup: { development: p.setup.development === "true", zkeySha256: p.setup.zkeySha256 },
    publicSignals: { context, attesterBinding: binding, statement, terms },
    proof: p.proof,
  };
}

/** Loads a proof file and checks that its decoded part matches its public signals (needs poseidonReady()). */
export function loadProofFile(file: string): ProofRecord {
  const doc = loadDocument(file, "proof file");
  const rec = recordFrom(doc);
  checkProofRecord(rec, (field) => doc.where([field]));
  return rec;
}
