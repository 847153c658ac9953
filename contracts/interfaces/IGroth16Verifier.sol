// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice A snarkjs Groth16 verifier of a Solvency(N, M) instance (contracts/generated/Groth16Verifier_<name>.sol):
///         four public signals in the order of circuits/spec.json; b's coordinates in EIP-197 order (c1, c0).
interface IGroth16Verifier {
    function verifyProof(
        uint256[2] calldata a,
        uint256[2][2] calldata b,
        uint256[2] calldata c,
        uint256[4] calldata publicSignals
    ) external view returns (bool);
}
