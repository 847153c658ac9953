// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice The venue whose on-chain debt a solvency proof must count as its public liability.
interface ILiabilitySource {
    /// @notice The account's debt to the venue in value units (base units · 10^(18 − decimals) · price, 8 decimals).
    function liabilityOf(address account) external view returns (uint256);
}
