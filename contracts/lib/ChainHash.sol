// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPoseidon8} from "../interfaces/IPoseidon.sol";
import {ProtocolSpec} from "../generated/ProtocolSpec.sol";

/// @title ChainHash
/// @notice The project's hash of a vector, identical to chainHash() in prover/poseidon.ts and ChainHash in
///         circuits/chain_hash.circom: state = tag; [len, ...xs] is cut into blocks of 7, the last padded with
///         zeros; state = Poseidon(8)([state, ...block]) for each block. The length in front makes the padding
///         unambiguous, and the tag keeps a commitment of one kind from being read as another.
library ChainHash {
    function hash(IPoseidon8 poseidon8, uint256 tag, uint256[] memory xs) internal view returns (uint256 state) {
        uint256 n = xs.length;
        uint256 blockSize = ProtocolSpec.CHAIN_HASH_BLOCK;
        uint256[8] memory input;
        state = tag;
        // The sequence [n, xs[0], ..., xs[n-1]] has n + 1 elements; idx walks it, block by block.
        for (uint256 start = 0; start <= n; start += blockSize) {
            input[0] = state;
            for (uint256 j = 0; j < blockSize; ++j) {
                uint256 idx = start + j;
                input[1 + j] = idx == 0 ? n : idx <= n ? xs[idx - 1] : 0;
            }
            state = poseidon8.poseidon(input);
        }
    }
}
