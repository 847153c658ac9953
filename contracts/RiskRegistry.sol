// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IPoseidon8} from "./interfaces/IPoseidon.sol";
import {IRiskTermsListener} from "./interfaces/IRiskTermsListener.sol";
import {ChainHash} from "./lib/ChainHash.sol";
import {ProtocolSpec} from "./generated/ProtocolSpec.sol";

/// @title RiskRegistry
/// @notice The venue's risk parameters for a fixed universe of N assets and M perpetual markets, and the
///         required collateralization ratios. The committed vector is the factors scale · weight with
///         scale = 10^(18 − decimals) (prover/model.ts riskFactors), hashed on chain:
///         commitment = chainHash(TAG_RISK, [collateralFactor[N], debtFactor[N], profitFactor[M], lossFactor[M], marginFactor[M]]).
///         `version` counts the commitments: a price round published under an older version cannot back a proof.
///         Every change is told to the price oracle (setOracle, once) in the same transaction, and the oracle
///         publishes no round before it is so wired: its rounds carry the ratios in force and their staleness.
contract RiskRegistry is AccessControl {
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");

    /// @notice Governance's parameters of one asset slot.
    struct AssetParams {
        uint8 decimals;
        uint16 collateralWeightBps;
        uint16 liabilityWeightBps;
    }

    /// @notice Governance's parameters of one perpetual market slot.
    struct MarketParams {
        uint8 decimals;
        uint16 profitWeightBps;
        uint16 lossWeightBps;
        uint16 maintenanceMarginBps;
    }

    /// @dev What the gate reads for every proof, in one slot.
    struct Terms {
        uint64 version;
        uint16 initialRatioBps;
        uint16 maintenanceRatioBps;
    }

    /// @notice A vector's length differs from the universe's.
    error WrongLength(string what, uint256 length, uint256 expected);
    /// @notice The universe is empty or larger than the circuits allow.
    error UniverseOutOfRange(uint256 assets, uint256 markets);
    /// @notice An asset or market index is outside the universe.
    error IndexOutOfRange(uint256 index, uint256 count);
    /// @notice Token decimals above 18.
    error DecimalsOutOfRange(uint256 index, uint256 decimals);
    /// @notice A weight above its bound (circuits/spec.json bounds).
    error WeightOutOfRange(string what, uint256 index, uint256 weightBps, uint256 maxBps);
    /// @notice Ratios must satisfy initial ≥ maintenance ≥ 10000 bps.
    error RatiosOutOfOrder(uint256 initialRatioBps, uint256 maintenanceRatioBps);
    error OracleAlreadySet(address oracle);
    error ZeroOracle();

    /// @notice An asset slot's parameters were set.
    event AssetParametersSet(uint256 indexed index, uint8 decimals, uint16 collateralWeightBps, uint16 liabilityWeightBps);
    /// @notice A market slot's parameters were set.
    event MarketParametersSet(
        uint256 indexed index, uint8 decimals, uint16 profitWeightBps, uint16 lossWeightBps, uint16 maintenanceMarginBps
    );
    /// @notice The committed factors changed: rounds published under earlier versions are no longer usable.
    event CommitmentUpdated(uint64 indexed version, uint256 commitment);
    /// @notice The required ratios changed.
    event RatiosSet(uint16 initialRatioBps, uint16 maintenanceRatioBps);
    event OracleSet(address indexed oracle);

    IPoseidon8 public immutable poseidon8;
    uint256 public immutable assetCount;
    uint256 public immutable marketCount;

    /// @notice chainHash(TAG_RISK, riskElements()) of the parameters in force.
    uint256 public commitment;
    Terms private _terms;
    /// @notice The price oracle told of every change of the terms (set once).
    IRiskTermsListener public oracle;
    AssetParams[] private _assets;
    MarketParams[] private _markets;

    /// @param admin receives DEFAULT_ADMIN_ROLE and GOVERNOR_ROLE
    /// @param hasher the Poseidon(8) contract of the chain hash
    /// @param assets_ one entry per asset slot; its length fixes N
    /// @param markets_ one entry per market slot; its length fixes M
    constructor(
        address admin,
        IPoseidon8 hasher,
        AssetParams[] memory assets_,
        MarketParams[] memory markets_,
        uint16 initialRatioBps_,
        uint16 maintenanceRatioBps_
    ) {
        if (assets_.length == 0 || assets_.length > ProtocolSpec.MAX_ASSETS || markets_.length == 0 || markets_.length > ProtocolSpec.MAX_MARKETS) {
            revert UniverseOutOfRange(assets_.length, markets_.length);
        }
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNOR_ROLE, admin);
        poseidon8 = hasher;
        assetCount = assets_.length;
        marketCount = markets_.length;
        for (uint256 i = 0; i < assets_.length; ++i) {
            _assets.push();
            _setAsset(i, assets_[i]);
        }
        for (uint256 j = 0; j < markets_.length; ++j) {
            _markets.push();
            _setMarket(j, markets_[j]);
        }
        _setRatios(initialRatioBps_, maintenanceRatioBps_);
        _commit();
    }

    // ---------------------------------------------------------------- governance

    /// @notice Replaces every asset's and market's parameters at once (one new commitment).
    function setParameters(AssetParams[] calldata assets_, MarketParams[] calldata markets_) external onlyRole(GOVERNOR_ROLE) {
        if (assets_.length != assetCount) revert WrongLength("assets", assets_.length, assetCount);
        if (markets_.length != marketCount) revert WrongLength("markets", markets_.length, marketCount);
        for (uint256 i = 0; i < assets_.length; ++i) _setAsset(i, assets_[i]);
        for (uint256 j = 0; j < markets_.length; ++j) _setMarket(j, markets_[j]);
        _commit();
    }

    /// @notice Sets one asset slot's parameters.
    function setAsset(uint256 index, AssetParams calldata params) external onlyRole(GOVERNOR_ROLE) {
        if (index >= assetCount) revert IndexOutOfRange(index, assetCount);
        _setAsset(index, params);
        _commit();
    }

    /// @notice Sets one market slot's parameters.
    function setMarket(uint256 index, MarketParams calldata params) external onlyRole(GOVERNOR_ROLE) {
        if (index >= marketCount) revert IndexOutOfRange(index, marketCount);
        _setMarket(index, params);
        _commit();
    }

    /// @notice Sets the required ratios. They are not part of the commitment (each proof states its ratio),
    ///         so published rounds stay usable.
    function setRatios(uint16 initialRatioBps_, uint16 maintenanceRatioBps_) external onlyRole(GOVERNOR_ROLE) {
        _setRatios(initialRatioBps_, maintenanceRatioBps_);
    }

    /// @notice Wires the price oracle that binds rounds to these parameters. Once only: the oracle relies on hearing
    ///         of every change from then on (it refuses to publish a round until it is wired here).
    function setOracle(IRiskTermsListener oracle_) external onlyRole(GOVERNOR_ROLE) {
        if (address(oracle_) == address(0)) revert ZeroOracle();
        if (address(oracle) != address(0)) revert OracleAlreadySet(address(oracle));
        oracle = oracle_;
        emit OracleSet(address(oracle_));
    }

    // ---------------------------------------------------------------- views

    /// @notice Everything a price round binds, in one call: the commitment, its version, the ratios and the oracle
    ///         wired to hear of changes.
    function roundBinding()
        external
        view
        returns (uint256 commitment_, uint64 version_, uint16 initialRatioBps_, uint16 maintenanceRatioBps_, address oracle_)
    {
        Terms memory t = _terms;
        return (commitment, t.version, t.initialRatioBps, t.maintenanceRatioBps, address(oracle));
    }

    /// @notice The version (number of commitments so far) and the two ratios, read by the gate in one slot.
    function terms() external view returns (uint64 version_, uint16 initialRatioBps_, uint16 maintenanceRatioBps_) {
        Terms memory t = _terms;
        return (t.version, t.initialRatioBps, t.maintenanceRatioBps);
    }

    function version() external view returns (uint64) {
        return _terms.version;
    }

    function initialRatioBps() external view returns (uint16) {
        return _terms.initialRatioBps;
    }

    function maintenanceRatioBps() external view returns (uint16) {
        return _terms.maintenanceRatioBps;
    }

    function asset(uint256 index) external view returns (AssetParams memory) {
        return _assets[index];
    }

    function market(uint256 index) external view returns (MarketParams memory) {
        return _markets[index];
    }

    /// @notice The committed vector [collateralFactor[N], debtFactor[N], profitFactor[M], lossFactor[M], marginFactor[M]],
    ///         the factors the prover must use.
    function riskElements() public view returns (uint256[] memory xs) {
        uint256 n = assetCount;
        uint256 m = marketCount;
        xs = new uint256[](2 * n + 3 * m);
        for (uint256 i = 0; i < n; ++i) {
            AssetParams memory a = _assets[i];
            uint256 s = _scale(a.decimals);
            xs[i] = s * a.collateralWeightBps;
            xs[n + i] = s * a.liabilityWeightBps;
        }
        for (uint256 j = 0; j < m; ++j) {
            MarketParams memory p = _markets[j];
            uint256 s = _scale(p.decimals);
            xs[2 * n + j] = s * p.profitWeightBps;
            xs[2 * n + m + j] = s * p.lossWeightBps;
            xs[2 * n + 2 * m + j] = s * p.maintenanceMarginBps;
        }
    }

    // ---------------------------------------------------------------- internals

    /// @dev 10^(18 − decimals) ≤ 10^18 < 2^60 and every weight ≤ 16384 = 2^14, so each factor < 2^74 (FACTOR_LIMIT).
    function _scale(uint8 decimals) private pure returns (uint256) {
        return 10 ** (ProtocolSpec.MAX_DECIMALS - decimals);
    }

    function _setAsset(uint256 index, AssetParams memory a) private {
        if (a.decimals > ProtocolSpec.MAX_DECIMALS) revert DecimalsOutOfRange(index, a.decimals);
        if (a.collateralWeightBps > ProtocolSpec.MAX_COLLATERAL_WEIGHT_BPS) {
            revert WeightOutOfRange("collateralWeightBps", index, a.collateralWeightBps, ProtocolSpec.MAX_COLLATERAL_WEIGHT_BPS);
        }
        if (a.liabilityWeightBps > ProtocolSpec.MAX_LIABILITY_WEIGHT_BPS) {
            revert WeightOutOfRange("liabilityWeightBps", index, a.liabilityWeightBps, ProtocolSpec.MAX_LIABILITY_WEIGHT_BPS);
        }
        _assets[index] = a;
        emit AssetParametersSet(index, a.decimals, a.collateralWeightBps, a.liabilityWeightBps);
    }

    function _setMarket(uint256 index, MarketParams memory p) private {
        if (p.decimals > ProtocolSpec.MAX_DECIMALS) revert DecimalsOutOfRange(index, p.decimals);
        if (p.profitWeightBps > ProtocolSpec.MAX_COLLATERAL_WEIGHT_BPS) {
            revert WeightOutOfRange("profitWeightBps", index, p.profitWeightBps, ProtocolSpec.MAX_COLLATERAL_WEIGHT_BPS);
        }
        if (p.lossWeightBps > ProtocolSpec.MAX_LIABILITY_WEIGHT_BPS) {
            revert WeightOutOfRange("lossWeightBps", index, p.lossWeightBps, ProtocolSpec.MAX_LIABILITY_WEIGHT_BPS);
        }
        if (p.maintenanceMarginBps > ProtocolSpec.MAX_MARGIN_RATE_BPS) {
            revert WeightOutOfRange("maintenanceMarginBps", index, p.maintenanceMarginBps, ProtocolSpec.MAX_MARGIN_RATE_BPS);
        }
        _markets[index] = p;
        emit MarketParametersSet(index, p.decimals, p.profitWeightBps, p.lossWeightBps, p.maintenanceMarginBps);
    }

    function _setRatios(uint16 initial, uint16 maintenance) private {
        if (initial < maintenance || maintenance < ProtocolSpec.BPS) revert RatiosOutOfOrder(initial, maintenance);
        _terms.initialRatioBps = initial;
        _terms.maintenanceRatioBps = maintenance;
        emit RatiosSet(initial, maintenance);
        _tell();
    }

    function _commit() private {
        uint256 c = ChainHash.hash(poseidon8, ProtocolSpec.TAG_RISK, riskElements());
        commitment = c;
        uint64 v = _terms.version + 1;
        _terms.version = v;
        emit CommitmentUpdated(v, c);
        _tell();
    }

    /// @dev Tells the oracle (once wired) the terms now in force.
    function _tell() private {
        IRiskTermsListener o = oracle;
        if (address(o) == address(0)) return;
        Terms memory t = _terms;
        o.riskTermsChanged(t.version, t.initialRatioBps, t.maintenanceRatioBps);
    }
}
