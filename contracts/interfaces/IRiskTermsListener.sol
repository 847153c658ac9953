// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice What the risk registry tells its price oracle whenever its terms change, in the same transaction: the
///         oracle's rounds carry the ratios in force and know at once when their risk version went stale, so the
///         gate reads one oracle slot per proof instead of the oracle and the registry.
interface IRiskTermsListener {
    /// @param version the registry's version after the change (a new commitment bumps it; a ratio change does not)
    function riskTermsChanged(uint64 version, uint16 initialRatioBps, uint16 maintenanceRatioBps) external;
}
