// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IBasisErrors} from "../interfaces/IBasisErrors.sol";
import {PriceOracle} from "../PriceOracle.sol";
import {RiskRegistry} from "../RiskRegistry.sol";

/// @title RoundRules
/// @notice Which price round a proof may rest on, for both gates: the round exists, is fresh, is the newest (or the
///         previous one within the grace after the newest was published), is not older than the account's record,
///         and binds the risk parameters in force (the oracle marks a round stale in the transaction that changes
///         them). Reads the round's one terms slot.
library RoundRules {
    function usable(
        PriceOracle oracle,
        RiskRegistry registry,
        uint256 roundId,
        uint256 recordedRound,
        uint256 maxPriceAge,
        uint256 roundGrace
    ) internal view returns (PriceOracle.RoundTerms memory t) {
        t = oracle.roundTerms(roundId);
        uint256 publishedAt = t.timestamp;
        if (publishedAt == 0) revert IBasisErrors.UnknownRound(roundId);
        if (block.timestamp > publishedAt + maxPriceAge) revert IBasisErrors.StaleRound(roundId, publishedAt, maxPriceAge);
        if (t.supersededAt != 0 && block.timestamp > uint256(t.supersededAt) + roundGrace) {
            revert IBasisErrors.RoundSuperseded(roundId, t.supersededAt, roundGrace);
        }
        if (roundId < recordedRound) revert IBasisErrors.RoundOlderThanRecorded(roundId, recordedRound);
        if (t.riskStale) revert IBasisErrors.StaleRiskParameters(roundId, t.riskVersion, registry.version());
    }
}
