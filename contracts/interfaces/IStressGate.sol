// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISolvencyGate} from "./ISolvencyGate.sol";

/// @notice What a margin venue needs from the stress gate: whether an account's portfolio survives the governed
///         joint price scenarios at the stress ratio, against at least a given liability.
interface IStressGate {
    /// @notice Verifies a stress proof for `account` whose stated liability covers the venue's current debt plus
    ///         `extraLiability` (credit being drawn in the same transaction). Only the venue may call it.
    function proveStressFor(
        address account,
        uint256 extraLiability,
        ISolvencyGate.Proof calldata proof,
        ISolvencyGate.Basis calldata basis
    ) external;

    /// @notice True while the account's last stress proof is current, rests on the scenario set, risk parameters
    ///         and attester still in force (and an attestation at or above the attester's floor), and stated a
    ///         liability of at least `liability` value units.
    function isStressed(address account, uint256 liability) external view returns (bool);
}
