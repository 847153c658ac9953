// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice A snarkjs Groth16 verifier of a Solvency(N, M) instance (contracts/generated/Groth16Verifier_<name>.sol):
///         four public signals in the order of circuits/spec.json; b's coordinates in EIP-197 order (c1, c0). The
///         build adds to snarkjs' verifyProof a split of its linear combination at the first two signals (context
///         and attester binding), which repeat across many proofs (verifier/verifier-source.ts).
interface IGroth16Verifier {
    function verifyProof(
        uint256[2] calldata a,
        uint256[2][2] calldata b,
        uint256[2] calldata c,
        uint256[4] calldata publicSignals
    ) external view returns (bool);

    /// @notice IC0 + s0·IC1 + s1·IC2, the part of the verifying key's linear combination the first two signals fix.
    function partialKey(uint256 s0, uint256 s1) external view returns (uint256 x, uint256 y);

    /// @notice verifyProof with the linear combination starting from `partialKey_` = partialKey(signals[0], signals[1]).
    function verifyProofPartial(
        uint256[2] calldata a,
        uint256[2][2] calldata b,
        uint256[2] calldata c,
        uint256[2] calldata partialKey_,
        uint256[4] calldata publicSignals
    ) external view returns (bool);
}
