// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice A generated snarkjs Groth16 verifier for four public signals (contracts/generated/), with the view the
///         build adds: its own verifying key, which the solvency gate copies and checks proofs with.
interface IGroth16Verifier {
    function verifyProof(uint256[2] calldata a, uint256[2][2] calldata b, uint256[2] calldata c, uint256[4] calldata signals)
        external
        view
        returns (bool);

    /// @notice alpha1 (x, y); beta2, gamma2, delta2 (x1, x2, y1, y2 each, EIP-197 order); IC0..IC4 (x, y).
    function verifyingKey() external view returns (uint256[24] memory);
}
