// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPoseidon3, IPoseidon8} from "../interfaces/IPoseidon.sol";
import {PriceOracle} from "../PriceOracle.sol";
import {RiskRegistry} from "../RiskRegistry.sol";

/// @title SingleReporterOracle
/// @notice Test and measurement only: a PriceOracle whose governance may set a quorum of one, so that the gas of
///         a single-signature round can be measured beside 3, 5 and 7. Never deployed by the system.
contract SingleReporterOracle is PriceOracle {
    constructor(address admin, RiskRegistry registry_, IPoseidon8 poseidon8_, IPoseidon3 poseidon3_)
        PriceOracle(admin, registry_, poseidon8_, poseidon3_)
    {}

    function _minQuorum() internal pure override returns (uint256) {
        return 1;
    }
}
