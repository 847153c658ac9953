// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice What a margin venue needs from the stress gate: whether an account's portfolio survives the governed
///         joint price scenarios at the stress ratio, against at least a given liability.
interface IStressGate {
    /// @notice True while the account's last stress proof is current, rests on the scenario set, risk parameters
    ///         and attester still in force (and an attestation at or above the attester's floor), and stated a
    ///         liability of at least `liability` value units.
    function isStressed(address account, uint256 liability) external view returns (bool);
}
