// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IPoseidon3, IPoseidon8} from "./interfaces/IPoseidon.sol";
import {ChainHash} from "./lib/ChainHash.sol";
import {ProtocolSpec} from "./generated/ProtocolSpec.sol";
import {RiskRegistry} from "./RiskRegistry.sol";

/// @title PriceOracle
/// @notice Committed price rounds. A reporter publishes one price per asset slot and one mark per perpetual
///         market; the contract numbers and timestamps the round itself, commits to it
///         (priceCommitment = chainHash(TAG_PRICES, [roundId, timestamp, prices[N], marks[M]])) and binds it to
///         the risk parameters in force: context = Poseidon(TAG_CONTEXT, priceCommitment, riskCommitment),
///         the value a proof's first public signal must equal. Prices stay public in the event.
contract PriceOracle is AccessControl {
    bytes32 public constant REPORTER_ROLE = keccak256("REPORTER_ROLE");

    /// @notice A published round, as the gate reads it: the context in one slot, the rest in another.
    /// @param context Poseidon(TAG_CONTEXT, priceCommitment, riskCommitment) under the risk version below
    /// @param timestamp publication time
    /// @param supersededAt when the next round was published (0 while this is the newest; 1 once the round after
    ///        next was published, which ends any grace the gate gives a superseded round)
    /// @param riskVersion the registry version whose commitment the context binds
    struct Round {
        uint256 context;
        uint40 timestamp;
        uint40 supersededAt;
        uint64 riskVersion;
    }

    /// @notice No round has been published yet.
    error NoRound();
    /// @notice The round's context already binds the registry's current parameters.
    error ContextCurrent(uint256 roundId, uint64 riskVersion);
    /// @notice A vector's length differs from the universe's.
    error WrongLength(string what, uint256 length, uint256 expected);
    /// @notice A price or mark is zero or not below 2^56 (the circuits' bound).
    error PriceOutOfRange(string what, uint256 index, uint256 price);

    /// @notice A round was published; provers read the prices from here.
    event RoundPublished(
        uint256 indexed roundId,
        uint256 timestamp,
        uint256[] prices,
        uint256[] marks,
        uint256 priceCommitment,
        uint256 riskCommitment,
        uint64 riskVersion,
        uint256 context
    );

    /// @notice The newest round was bound again to the registry's current parameters after they changed.
    event ContextRefreshed(uint256 indexed roundId, uint256 riskCommitment, uint64 riskVersion, uint256 context);

    /// @dev A superseded round's `supersededAt` once the round after next exists.
    uint40 internal constant SUPERSEDED_TWICE = 1;

    RiskRegistry public immutable registry;
    IPoseidon8 public immutable poseidon8;
    IPoseidon3 public immutable poseidon3;
    uint256 public immutable assetCount;
    uint256 public immutable marketCount;

    uint256 public lastRoundId;
    /// @notice The newest round's price commitment, kept so its context can follow a risk-parameter update.
    uint256 public lastPriceCommitment;
    mapping(uint256 roundId => Round) private _rounds;

    /// @param admin receives DEFAULT_ADMIN_ROLE (which grants REPORTER_ROLE)
    constructor(address admin, RiskRegistry registry_, IPoseidon8 poseidon8_, IPoseidon3 poseidon3_) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        registry = registry_;
        poseidon8 = poseidon8_;
        poseidon3 = poseidon3_;
        assetCount = registry_.assetCount();
        marketCount = registry_.marketCount();
    }

    /// @notice Publishes a round at the current block time under the registry's current parameters.
    /// @param prices USD price of one whole token per asset slot, 8 decimals, 0 < price < 2^56
    /// @param marks mark price per perpetual market, 8 decimals, 0 < mark < 2^56
    /// @return roundId the new round's id (the previous one plus one)
    function publishRound(uint256[] calldata prices, uint256[] calldata marks)
        external
        onlyRole(REPORTER_ROLE)
        returns (uint256 roundId)
    {
        uint256 n = assetCount;
        uint256 m = marketCount;
        if (prices.length != n) revert WrongLength("prices", prices.length, n);
        if (marks.length != m) revert WrongLength("marks", marks.length, m);
        roundId = lastRoundId + 1;
        uint256[] memory elements = new uint256[](2 + n + m);
        elements[0] = roundId;
        elements[1] = block.timestamp;
        for (uint256 i = 0; i < n; ++i) {
            uint256 p = prices[i];
            if (p == 0 || p >= ProtocolSpec.PRICE_LIMIT) revert PriceOutOfRange("price", i, p);
            elements[2 + i] = p;
        }
        for (uint256 j = 0; j < m; ++j) {
            uint256 p = marks[j];
            if (p == 0 || p >= ProtocolSpec.PRICE_LIMIT) revert PriceOutOfRange("mark", j, p);
            elements[2 + n + j] = p;
        }
        uint256 priceCommitment = ChainHash.hash(poseidon8, ProtocolSpec.TAG_PRICES, elements);
        uint256 riskCommitment = registry.commitment();
        uint64 riskVersion = registry.version();
        uint256 context = poseidon3.poseidon([ProtocolSpec.TAG_CONTEXT, priceCommitment, riskCommitment]);

        lastRoundId = roundId;
        lastPriceCommitment = priceCommitment;
        _supersede(roundId);
        _rounds[roundId] =
            Round({context: context, timestamp: uint40(block.timestamp), supersededAt: 0, riskVersion: riskVersion});
        emit RoundPublished(roundId, block.timestamp, prices, marks, priceCommitment, riskCommitment, riskVersion, context);
    }

    /// @notice Binds the newest round to the registry's current parameters after governance changed them, so
    ///         that proofs (an insolvency proof above all) need not wait for the next round. Anyone may call it.
    function refreshContext() external returns (uint256 context) {
        uint256 roundId = lastRoundId;
        Round storage r = _rounds[roundId];
        if (r.timestamp == 0) revert NoRound();
        uint64 riskVersion = registry.version();
        if (r.riskVersion == riskVersion) revert ContextCurrent(roundId, riskVersion);
        uint256 riskCommitment = registry.commitment();
        context = poseidon3.poseidon([ProtocolSpec.TAG_CONTEXT, lastPriceCommitment, riskCommitment]);
        r.context = context;
        r.riskVersion = riskVersion;
        emit ContextRefreshed(roundId, riskCommitment, riskVersion, context);
    }

    /// @notice A round's context, publication time, supersession time (see Round) and risk-parameter version,
    ///         all zero if it does not exist.
    function round(uint256 roundId)
        external
        view
        returns (uint256 context, uint40 timestamp, uint40 supersededAt, uint64 riskVersion)
    {
        Round storage r = _rounds[roundId];
        return (r.context, r.timestamp, r.supersededAt, r.riskVersion);
    }

    /// @dev Marks the previous round superseded now and the one before it superseded twice.
    function _supersede(uint256 roundId) private {
        if (roundId > 1) _rounds[roundId - 1].supersededAt = uint40(block.timestamp);
        if (roundId > 2) {
            Round storage older = _rounds[roundId - 2];
            if (older.supersededAt != SUPERSEDED_TWICE) older.supersededAt = SUPERSEDED_TWICE;
        }
    }
}
