// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPoseidon8} from "../interfaces/IPoseidon.sol";
import {ChainHash} from "../lib/ChainHash.sol";

/// @notice Exposes the ChainHash library so tests can compare it with prover/poseidon.ts.
contract ChainHashHarness {
    IPoseidon8 private immutable poseidon8;

    constructor(IPoseidon8 poseidon8_) {
        poseidon8 = poseidon8_;
    }

    function hash(uint256 tag, uint256[] calldata xs) external view returns (uint256) {
        return ChainHash.hash(poseidon8, tag, xs);
    }
}
