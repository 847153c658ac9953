// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Poseidon(3) over BN254, as circomlib computes it (contracts/generated/poseidon/Poseidon3.sol).
interface IPoseidon3 {
    function poseidon(uint256[3] calldata input) external view returns (uint256);
}

/// @notice Poseidon(5) over BN254, as circomlib computes it (contracts/generated/poseidon/Poseidon5.sol).
interface IPoseidon5 {
    function poseidon(uint256[5] calldata input) external view returns (uint256);
}

/// @notice Poseidon(8) over BN254, the chain hash's permutation (contracts/generated/poseidon/Poseidon8.sol).
interface IPoseidon8 {
    function poseidon(uint256[8] calldata input) external view returns (uint256);
}
