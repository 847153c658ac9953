pragma circom 2.1.9;

include "circomlib/circuits/poseidon.circom";

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
