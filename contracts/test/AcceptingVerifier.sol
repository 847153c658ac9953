// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IGroth16Verifier} from "../interfaces/IGroth16Verifier.sol";

/// @notice Test double: a verifier that accepts every proof (and whose key is all points at infinity), for
///         SolvencyGateHarness, so that tests of the gate's ordering rules can drive long random sequences of
///         submissions without proving each one. Never deployed outside tests.
contract AcceptingVerifier is IGroth16Verifier {
    function verifyProof(uint256[2] calldata, uint256[2][2] calldata, uint256[2] calldata, uint256[4] calldata)
        external
        pure
        returns (bool)
    {
        return true;
    }

    function verifyingKey() external pure returns (uint256[24] memory key) {
        return key;
    }
}
