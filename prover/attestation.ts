/**
 * Attester keys and signatures: EdDSA-Poseidon on Baby Jubjub, as circomlib's EdDSAPoseidonVerifier checks.
 */
import { buildEddsa, type Eddsa } from "circomlibjs";
import { attestationMessage, attesterBinding, type AttesterKey, type Domain } from "./commitments.ts";

let eddsa: Eddsa | undefined;
export async function eddsaReady(): Promise<Eddsa> {
  eddsa ??= await buildEddsa();
  return eddsa;
}
function e(): Eddsa {
  if (!eddsa) throw new Error("eddsaReady() must be awaited before signing");
  return eddsa;
}

export interface Signature { R8x: bigint; R8y: bigint; S: bigint }
export interface Attestation {
  account: bigint;
  domain: Domain;
  attestedAt: bigint;
  /** when the attestation lapses: the attester's lien ends, and every record resting on it lapses too */
  expiresAt: bigint;
  portfolioCommitment: bigint;
  attester: AttesterKey;
  signature: Signature;
}

/** The public key of a 32-byte attester secret. */
export function attesterPublicKey(secret: Uint8Array): AttesterKey {
  if (secret.length !== 32) throw new RangeError("an attester secret is 32 bytes");
  const E = e();
  const [x, y] = E.prv2pub(secret);
  return { Ax: E.F.toObject(x), Ay: E.F.toObject(y) };
}

/** True when the key is a point of Baby Jubjub's prime-order subgroup (and not the identity). */
export function isValidAttesterKey(key: AttesterKey): boolean {
  const E = e();
  const pt: [Uint8Array, Uint8Array] = [E.F.e(key.Ax), E.F.e(key.Ay)];
  if (!E.babyJub.inCurve(pt)) return false;
  if (key.Ax === 0n) return false;
  return E.babyJub.inSubgroup(pt);
}

export function attest(secret: Uint8Array, account: bigint, domain: Domain, attestedAt: bigint, expiresAt: bigint, portfolioCommitment: bigint): Attestation {
  const E = e();
  const msg = attestationMessage(account, domain, attestedAt, expiresAt, portfolioCommitment);
  const sig = E.signPoseidon(secret, E.F.e(msg));
  return {
    account, domain, attestedAt, expiresAt, portfolioCommitment,
    attester: attesterPublicKey(secret),
    signature: { R8x: E.F.toObject(sig.R8[0]), R8y: E.F.toObject(sig.R8[1]), S: sig.S },
  };
}

export function verifyAttestation(a: Attestation): boolean {
  const E = e();
  const msg = attestationMessage(a.account, a.domain, a.attestedAt, a.expiresAt, a.portfolioCommitment);
  return E.verifyPoseidon(E.F.e(msg), { R8: [E.F.e(a.signature.R8x), E.F.e(a.signature.R8y)], S: a.signature.S }, [E.F.e(a.attester.Ax), E.F.e(a.attester.Ay)]);
}

export { attesterBinding };
