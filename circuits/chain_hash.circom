pragma circom 2.1.9;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";

/**
 * ChainHash(n, tag): the project's hash of a fixed-length vector, identical to chainHash() in
 * prover/poseidon.ts and ChainHash.sol.
 *   state = tag; [n, in[0..n-1]] is cut into blocks of 7 (the last zero-padded);
 *   state = Poseidon(8)([state, block]) per block.
 * Parameters: n ≥ 1, the vector length (a constant, so the padding is fixed); tag, the domain tag.
 * No bounds are needed: Poseidon takes any field elements.
 */
template ChainHash(n, tag) {
    assert(n >= 1);
    signal input in[n];   // the vector
    signal output out;    // its tagged hash

    var BLOCK = 7;
    var blocks = (n + 1 + BLOCK - 1) \ BLOCK;
    component h[blocks];
    for (var b = 0; b < blocks; b++) {
        h[b] = Poseidon(8);
        if (b == 0) {
            h[b].inputs[0] <== tag;
        } else {
            h[b].inputs[0] <== h[b - 1].out;
        }
        for (var j = 0; j < BLOCK; j++) {
            var idx = b * BLOCK + j;
            if (idx == 0) {
                h[b].inputs[1 + j] <== n;
            } else if (idx <= n) {
                h[b].inputs[1 + j] <== in[idx - 1];
            } else {
                h[b].inputs[1 + j] <== 0;
            }
        }
    }
    out <== h[blocks - 1].out;
}

/**
 * PackValues(n, bits, per): n values, each proven below 2^bits, packed `per` to a field element:
 *   out[w] = Σ_{i<per} in[per·w + i] · 2^(bits·i)      (values past n count as zero)
 * Parameters: n ≥ 1; bits·per ≤ 252, so every out[w] < 2^252 < p and the packing is injective: no other
 * vector of values below 2^bits packs to the same elements.
 */
template PackValues(n, bits, per) {
    assert(n >= 1 && bits >= 1 && per >= 1 && bits * per <= 252);
    var W = (n + per - 1) \ per;
    signal input in[n];     // the values, each < 2^bits (checked here)
    signal output out[W];   // the packed elements

    // Check (1): every value is below 2^bits, which makes the packing injective.
    for (var i = 0; i < n; i++) {
        _ <== Num2Bits(bits)(in[i]);
    }
    for (var w = 0; w < W; w++) {
        var acc = 0;
        for (var i = 0; i < per; i++) {
            if (per * w + i < n) {
                acc += in[per * w + i] * (1 << (bits * i));
            }
        }
        out[w] <== acc;
    }
}

/**
 * PriceCommitment(N, M, tag): the commitment PriceOracle stores for a round, identical to priceCommitment()
 * in prover/commitments.ts and PriceOracle.sol (circuits/spec.json hashing.priceRound):
 *   chainHash(tag, [roundId + 2^ROUND_ID_BITS · roundTime, pack(prices ‖ marks)])
 * with the N + M values packed PRICES_PER_ELEMENT to an element, PRICE_BITS each. Packing cuts the Poseidon
 * permutations the oracle pays on chain (one per 7 elements) about fourfold; the range checks it needs cost
 * about what the saved permutations did in the circuit.
 * Bounds proven here: roundId < 2^ROUND_ID_BITS, roundTime < 2^ROUND_TIME_BITS, every price and mark
 * < 2^PRICE_BITS; ROUND_ID_BITS + ROUND_TIME_BITS ≤ 252 and PRICE_BITS · PRICES_PER_ELEMENT ≤ 252.
 */
template PriceCommitment(N, M, tag) {
    signal input roundId;     // the round's id
    signal input roundTime;   // the round's observation time, unix seconds
    signal input prices[N];   // per asset slot
    signal input marks[M];    // per perpetual market
    signal output out;        // the round's commitment

    var W = (N + M + PRICES_PER_ELEMENT() - 1) \ PRICES_PER_ELEMENT();
    // Check (1): the header packs round id and time injectively.
    _ <== Num2Bits(ROUND_ID_BITS())(roundId);
    _ <== Num2Bits(ROUND_TIME_BITS())(roundTime);
    signal elements[1 + W];
    elements[0] <== roundId + roundTime * (1 << ROUND_ID_BITS());

    // Check (2): the prices and marks are each below 2^PRICE_BITS and packed injectively.
    signal values[N + M];
    for (var i = 0; i < N; i++) { values[i] <== prices[i]; }
    for (var j = 0; j < M; j++) { values[N + j] <== marks[j]; }
    signal packed[W] <== PackValues(N + M, PRICE_BITS(), PRICES_PER_ELEMENT())(values);
    for (var w = 0; w < W; w++) { elements[1 + w] <== packed[w]; }

    out <== ChainHash(1 + W, tag)(elements);
}
