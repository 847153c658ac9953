pragma circom 2.1.9;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/eddsaposeidon.circom";
include "tags.circom";

/**
 * Attestation(): the portfolio was attested by the attester the gate registered, for this account,
 * on this chain and gate, at `attestedAt`, valid until `expiresAt`.
 *   binding = Poseidon(TAG_ATTESTER, Ax, Ay, chainId, gate)                       (public, Check 1)
 *   message = Poseidon(TAG_ATTESTATION, account, chainId, gate, attestedAt, expiresAt, portfolio)
 *   EdDSA-Poseidon signature (R8, S) by A over message                              (Check 2)
 * The same chainId and gate signals enter both hashes, so a signature made for one domain cannot
 * serve a proof bound to another. S < subgroup order and 8·A ≠ 0 are checked by circomlib's verifier.
 * The expiry is signed, so the record a proof creates can never outlive the attester's word (the gate
 * caps the record's validity at it). Whether A lies in the prime-order subgroup is not checked here:
 * SolvencyGate refuses any other key when governance registers it.
 */
template Attestation() {
    signal input binding;      // public attester binding
    signal input Ax;           // attester public key, x
    signal input Ay;           // attester public key, y
    signal input chainId;      // domain: EIP-155 chain id
    signal input gate;         // domain: SolvencyGate address
    signal input account;      // the account attested
    signal input attestedAt;   // unix time of the attestation
    signal input expiresAt;    // unix time at which the attestation lapses
    signal input portfolio;    // portfolio commitment
    signal input R8x;          // signature point R8, x
    signal input R8y;          // signature point R8, y
    signal input S;            // signature scalar

    // Check (1): the key and domain are the ones the gate bound.
    signal expectedBinding <== Poseidon(5)([TAG_ATTESTER(), Ax, Ay, chainId, gate]);
    binding === expectedBinding;

    // Check (2): the attester signed this account, domain, time, expiry and portfolio.
    signal message <== Poseidon(7)([TAG_ATTESTATION(), account, chainId, gate, attestedAt, expiresAt, portfolio]);
    component verifier = EdDSAPoseidonVerifier();
    verifier.enabled <== 1;
    verifier.Ax <== Ax;
    verifier.Ay <== Ay;
    verifier.S <== S;
    verifier.R8x <== R8x;
    verifier.R8y <== R8y;
    verifier.M <== message;
}
