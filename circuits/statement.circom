pragma circom 2.1.9;

include "circomlib/circuits/bitify.circom";

/**
 * Statement(): unpacks the packed public statement into its fields (circuits/spec.json):
 *   statement = account + nonce·2^160 + attestedAt·2^192 + ratioBps·2^232 + claim·2^248
 * Check (1): each field is range-checked to its width, so the fields sum to < 2^249 < p and the
 * packing is injective: one statement value names exactly one (account, nonce, time, ratio, claim).
 */
template Statement() {
    signal input statement;    // public packed statement
    signal input account;      // private copy: Ethereum address, < 2^160
    signal input nonce;        // private copy: replay counter, < 2^32
    signal input attestedAt;   // private copy: unix time of the attestation, < 2^40
    signal input ratioBps;     // private copy: required ratio in basis points, < 2^16
    signal input claim;        // private copy: 1 solvent, 0 insolvent

    _ <== Num2Bits(160)(account);
    _ <== Num2Bits(32)(nonce);
    _ <== Num2Bits(40)(attestedAt);
    _ <== Num2Bits(16)(ratioBps);
    claim * (claim - 1) === 0;

    statement === account + nonce * (1 << 160) + attestedAt * (1 << 192) + ratioBps * (1 << 232) + claim * (1 << 248);
}

/**
 * Terms(): unpacks the packed public terms (circuits/spec.json):
 *   terms = publicLiability + expiresAt·2^128
 * Check (1): both fields are range-checked to their widths, so the sum is < 2^168 < p and the packing is
 * injective; publicLiability < 2^128 is also the bound the solvency inequality relies on.
 */
template Terms() {
    signal input terms;            // public packed terms
    signal input publicLiability;  // private copy: stated liability, value units, < 2^128
    signal input expiresAt;        // private copy: the attestation's signed expiry, < 2^40

    _ <== Num2Bits(128)(publicLiability);
    _ <== Num2Bits(40)(expiresAt);

    terms === publicLiability + expiresAt * (1 << 128);
}
