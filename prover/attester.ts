/**
 * The attester's files (docs/files.md): its Baby Jubjub key file (a 32-byte secret, written 0600 and
 * refused when others can read it) and the attestation file it hands to the institution, which binds
 * one portfolio commitment to an account, a domain (chain and gate), a time and an expiry.
 */
import { randomBytes } from "node:crypto";
import { statSync } from "node:fs";
import { z } from "zod";
import { getAddress } from "ethers/address";
import { InputError, loadDocument, validate, toJson, writeFileAtomic } from "./files.ts";
import { bigintText, addressText } from "./schema.ts";
import { attest, attesterPublicKey, eddsaReady, verifyAttestation, type Attestation } from "./attestation.ts";
import { attesterBinding, type AttesterKey, type Domain } from "./commitments.ts";
import { FIELD } from "./spec.ts";

export const KEY_KIND = "zk-solvency/attester-key";
export const ATTESTATION_KIND = "zk-solvency/attestation";

export interface AttesterKeyFile { secret: Uint8Array; publicKey: AttesterKey }

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, { error: "the secret must be 0x followed by 64 hex digits" });
const fieldText = bigintText.refine((v) => v < FIELD, { error: "the value is not a BN254 field element" });
const keySchema = z.strictObject({
  kind: z.literal(KEY_KIND),
  version: z.literal("1"),
  secret: hex32,
  publicKey: z.strictObject({ Ax: fieldText, Ay: fieldText }),
});

/** A fresh attester key (32 random bytes). */
export async function generateAttesterKey(): Promise<AttesterKeyFile> {
  await eddsaReady();
  const secret = new Uint8Array(randomBytes(32));
  return { secret, publicKey: attesterPublicKey(secret) };
}

export function writeAttesterKey(file: string, key: AttesterKeyFile, overwrite = false): void {
  const body = {
    kind: KEY_KIND,
    version: 1,
    secret: `0x${Buffer.from(key.secret).toString("hex")}`,
    publicKey: { Ax: key.publicKey.Ax.toString(), Ay: key.publicKey.Ay.toString() },
  };
  writeFileAtomic(file, toJson(body), { mode: 0o600, overwrite });
}

/** Loads a key file; refuses one that group or others can read (as ssh does) and one whose public key does not match. */
export async function loadAttesterKey(file: string): Promise<AttesterKeyFile> {
  const doc = loadDocument(file, "attester key file");
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    throw new InputError("attester key file not found", file, "check the path");
  }
  if ((mode & 0o077) !== 0) {
    throw new InputError(`the attester key file is readable by others (mode ${(mode & 0o777).toString(8)})`, file, `restrict it: chmod 600 ${file}`);
  }
  const k = validate(keySchema, doc);
  await eddsaReady();
  const secret = new Uint8Array(Buffer.from(k.secret.slice(2), "hex"));
  const publicKey = attesterPublicKey(secret);
  if (publicKey.Ax !== k.publicKey.Ax || publicKey.Ay !== k.publicKey.Ay) {
    throw new InputError("the key file's public key does not belong to its secret", doc.where(["publicKey"]), "the file is corrupted: restore it from a backup");
  }
  return { secret, publicKey };
}

/** An attestation with the circuit instance its commitment was computed for. */
export interface AttestationRecord extends Attestation { instance: string }

const attestationSchema = z.strictObject({
  kind: z.literal(ATTESTATION_KIND),
  version: z.literal("2", { error: "this attestation file has no signed expiry (version 1): ask the attester for a new attestation" }),
  instance: z.string(),
  account: addressText,
  domain: z.strictObject({ chainId: bigintText, gate: addressText }),
  attestedAt: bigintText,
  attestedAtIso: z.string().optional(),
  expiresAt: bigintText,
  expiresAtIso: z.string().optional(),
  portfolioCommitment: fieldText,
  attester: z.strictObject({ Ax: fieldText, Ay: fieldText }),
  signature: z.strictObject({ R8x: fieldText, R8y: fieldText, S: bigintText }),
});

export const addressOf = (v: bigint): string => getAddress(`0x${v.toString(16).padStart(40, "0")}`);

export function attestationJson(a: AttestationRecord): string {
  return toJson({
    kind: ATTESTATION_KIND,
    version: 2,
    instance: a.instance,
    account: addressOf(a.account),
    domain: { chainId: a.domain.chainId, gate: addressOf(a.domain.gate) },
    attestedAt: a.attestedAt,
    attestedAtIso: new Date(Number(a.attestedAt) * 1000).toISOString(),
    expiresAt: a.expiresAt,
    expiresAtIso: new Date(Number(a.expiresAt) * 1000).toISOString(),
    portfolioCommitment: a.portfolioCommitment,
    attester: { Ax: a.attester.Ax, Ay: a.attester.Ay },
    signature: a.signature,
  });
}

/** Loads an attestation file and checks its signature. */
export async function loadAttestation(file: string): Promise<AttestationRecord> {
  const doc = loadDocument(file, "attestation file");
  const a = validate(attestationSchema, doc);
  await eddsaReady();
  const rec: AttestationRecord = {
    instance: a.instance,
    account: BigInt(a.account),
    domain: { chainId: a.domain.chainId, gate: BigInt(a.domain.gate) },
    attestedAt: a.attestedAt,
    expiresAt: a.expiresAt,
    portfolioCommitment: a.portfolioCommitment,
    attester: a.attester,
    signature: a.signature,
  };
  if (rec.expiresAt <= rec.attestedAt) {
    throw new InputError("the attestation expires before it was made", doc.where(["expiresAt"]), "ask the attester for a new attestation");
  }
  if (!verifyAttestation(rec)) {
    throw new InputError("the attestation's signature does not verify", doc.where(["signature"]), "the file was altered: ask the attester for a new attestation");
  }
  return rec;
}

/** Signs an attestation for a portfolio commitment, valid from `attestedAt` until `expiresAt`. */
export function signAttestation(key: AttesterKeyFile, instance: string, account: bigint, domain: Domain, attestedAt: bigint, expiresAt: bigint, commitment: bigint): AttestationRecord {
  if (expiresAt <= attestedAt) throw new RangeError(`an attestation must expire after it was made (attestedAt ${attestedAt}, expiresAt ${expiresAt})`);
  return { instance, ...attest(key.secret, account, domain, attestedAt, expiresAt, commitment) };
}


