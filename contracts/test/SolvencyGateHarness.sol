// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IGroth16Verifier} from "../interfaces/IGroth16Verifier.sol";
import {IPoseidon5} from "../interfaces/IPoseidon.sol";
import {PriceOracle} from "../PriceOracle.sol";
import {SolvencyGate} from "../SolvencyGate.sol";

/// @notice Test double: the solvency gate with every check but the pairing, so that tests of its ordering rules can
///         drive long random sequences of submissions without proving each one. Never deployed outside tests.
contract SolvencyGateHarness is SolvencyGate {
    constructor(
        address admin,
        IGroth16Verifier verifier_,
        PriceOracle oracle_,
        IPoseidon5 poseidon5_,
        uint32 maxPriceAge_,
        uint32 maxAttestationAge_,
        uint32 roundGrace_
    ) SolvencyGate(admin, verifier_, oracle_, poseidon5_, maxPriceAge_, maxAttestationAge_, roundGrace_) {}

    function _check(Proof calldata, uint256, uint256, uint256, uint256) internal pure override returns (bool) {
        return true;
    }
}
