// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IGroth16Verifier} from "./interfaces/IGroth16Verifier.sol";
import {ILiabilitySource} from "./interfaces/ILiabilitySource.sol";
import {IPoseidon8} from "./interfaces/IPoseidon.sol";
import {IBasisErrors} from "./interfaces/IBasisErrors.sol";
import {ISolvencyGate} from "./interfaces/ISolvencyGate.sol";
import {IStressGate} from "./interfaces/IStressGate.sol";
import {ChainHash} from "./lib/ChainHash.sol";
import {RoundRules} from "./lib/RoundRules.sol";
import {ProtocolSpec} from "./generated/ProtocolSpec.sol";
import {PriceOracle} from "./PriceOracle.sol";
import {RiskRegistry} from "./RiskRegistry.sol";
import {SolvencyGate} from "./SolvencyGate.sol";

/// @title StressGate
/// @notice The stress tier: governs S joint price scenarios (one multiplier in basis points per asset price and per
///         perpetual mark, 6500 = −35%) and the stress ratio, and verifies proofs of a Stress(N, M, S) circuit that
///         the hidden portfolio meets the stress ratio at every scenario's shocked prices. It shares the solvency
///         gate's attesters, floors, age limits and venue, and the oracle's rounds, and builds every public signal
///         itself:
///           context          chainHash(TAG_STRESS, [the oracle's stored context of the round, scenarioCommitment])
///           attesterBinding  the solvency gate's binding of the attester (active, not revoked)
///           statement        the account, the nonce, the attestation time, the stress ratio and claim 1
///           terms            the stated liability (at least the venue's debt) and the attestation's signed expiry
///         The scenario commitment is computed here from the multipliers governance sets:
///           chainHash(TAG_SCENARIOS, multipliers packed 16 to an element, 15 bits each), as circuits/scenario.circom.
///         A record lapses with its round, its attestation, a new scenario set or new risk parameters.
contract StressGate is IStressGate, IBasisErrors, AccessControl {
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");

    /// @dev One account's stress record, in two slots.
    struct StressRecord {
        uint32 nonce;
        uint32 round;
        uint32 riskVersion;
        uint32 scenarioVersion;
        uint32 attesterId;
        uint40 attestedAt;
        uint40 validUntil;
        uint128 liability;
    }

    error WrongShape(uint256 scenarios, uint256 slots, uint256 expectedScenarios, uint256 expectedSlots);
    error MultiplierOutOfRange(uint256 scenario, uint256 slot, uint256 multiplierBps);
    error StressRatioOutOfRange(uint256 ratioBps);

    /// @notice Governance set a new scenario set: records resting on earlier sets lapse.
    event ScenariosSet(uint64 indexed version, uint256 commitment, uint256 scenarioCount);
    /// @notice Governance set the stress ratio.
    event StressRatioSet(uint16 ratioBps);
    /// @notice A stress proof was accepted: the account survives every scenario at the stress ratio.
    event StressProven(
        address indexed account,
        uint256 indexed roundId,
        uint256 indexed attesterId,
        uint256 scenarioVersion,
        uint256 ratioBps,
        uint256 nonce,
        uint256 attestedAt,
        uint256 liability,
        uint256 validUntil
    );

    IGroth16Verifier public immutable verifier;
    SolvencyGate public immutable gate;
    PriceOracle public immutable oracle;
    RiskRegistry public immutable registry;
    IPoseidon8 public immutable poseidon8;
    uint256 public immutable deploymentChainId;
    /// @notice S, the number of scenarios the verifier's circuit takes.
    uint256 public immutable scenarioCount;
    /// @notice N + M, the multipliers per scenario (asset prices, then perpetual marks).
    uint256 public immutable slotCount;

    /// @notice chainHash(TAG_SCENARIOS, packed multipliers) of the scenario set in force.
    uint256 public scenarioCommitment;
    /// @notice Counts scenario sets: a record made under an earlier one is no longer current.
    uint64 public scenarioVersion;
    /// @notice The ratio every scenario must meet, in basis points.
    uint16 public stressRatioBps;
    uint16[][] private _multipliers;
    mapping(address account => StressRecord) private _records;

    /// @notice The verifier, the shared gate and hasher, and the scenario set's shape; the constructor takes
    ///         them packed in `Setup` (a struct keeps the ABI decoder's stack shallow beside the nested array).
    struct Setup {
        address admin;
        IGroth16Verifier verifier;
        SolvencyGate gate;
        IPoseidon8 poseidon8;
        uint16 stressRatioBps;
    }

    /// @param setup_ admin (DEFAULT_ADMIN_ROLE and GOVERNOR_ROLE), the Stress(N, M, S) instance's verifier, the solvency
    ///        gate whose attesters, floors, age limits, oracle and venue the stress tier shares, the Poseidon(8)
    ///        hasher, and the ratio every scenario must meet (at least 10000)
    /// @param multipliers_ S scenarios of N + M multipliers (bps, each below 2^15); S is fixed by the circuit
    constructor(Setup memory setup_, uint16[][] memory multipliers_) {
        _grantRole(DEFAULT_ADMIN_ROLE, setup_.admin);
        _grantRole(GOVERNOR_ROLE, setup_.admin);
        verifier = setup_.verifier;
        gate = setup_.gate;
        oracle = setup_.gate.oracle();
        registry = setup_.gate.registry();
        poseidon8 = setup_.poseidon8;
        deploymentChainId = block.chainid;
        scenarioCount = multipliers_.length;
        slotCount = registry.assetCount() + registry.marketCount();
        _setScenarios(multipliers_);
        _setStressRatio(setup_.stressRatioBps);
    }

    // ---------------------------------------------------------------- governance

    /// @notice Replaces the scenario set (same S and N + M as the circuit); records made under the old set lapse.
    function setScenarios(uint16[][] calldata multipliers_) external onlyRole(GOVERNOR_ROLE) {
        _setScenarios(multipliers_);
    }

    /// @notice Sets the stress ratio. It is not part of the commitment (each proof states its ratio).
    function setStressRatio(uint16 ratioBps) external onlyRole(GOVERNOR_ROLE) {
        _setStressRatio(ratioBps);
    }

    // ---------------------------------------------------------------- proofs

    /// @notice Proves the caller survives every scenario at the stress ratio, against a stated liability at least
    ///         the venue's debt for the caller; the nonce is the caller's next stress nonce. To borrow under a stress
    ///         requirement, state the debt after the borrow (overstating the liability keeps the claim sound).
    function proveStress(ISolvencyGate.Proof calldata proof, ISolvencyGate.Basis calldata basis) external {
        _prove(msg.sender, 0, proof, basis);
    }

    function _prove(address account, uint256 extraLiability, ISolvencyGate.Proof calldata proof, ISolvencyGate.Basis calldata b)
        private
    {
        if (block.chainid != deploymentChainId) revert WrongChain(deploymentChainId, block.chainid);
        StressRecord memory st = _records[account];
        if (b.nonce != uint256(st.nonce) + 1) revert NonceNotNext(b.nonce, uint256(st.nonce) + 1);
        (uint256 context, uint256 publishedAt, uint64 riskVersion) = _checkRound(b.roundId, st.round);
        _checkAttestation(account, b, st);
        _checkLiability(account, extraLiability, b.liability);
        if (!verifier.verifyProof(proof.a, proof.b, proof.c, _signals(account, b, context))) revert InvalidProof();
        _record(account, b, publishedAt, riskVersion);
    }

    /// @dev As SolvencyGate for a solvency claim: the stated liability is at least the venue's debt (plus credit
    ///      drawn now); the claim is monotone in the liability, so overstating it keeps the claim sound.
    function _checkLiability(address account, uint256 extraLiability, uint256 liability) private view {
        ILiabilitySource venue_ = gate.venue();
        if (address(venue_) == address(0)) revert VenueNotSet();
        if (liability >= ProtocolSpec.TERMS_PUBLIC_LIABILITY_LIMIT) revert LiabilityOutOfRange(liability);
        uint256 debt = venue_.liabilityOf(account) + extraLiability;
        if (liability < debt) revert LiabilityBelowDebt(liability, debt);
    }

    /// @dev The four public signals, packed here from the gate's own state and the checked basis.
    function _signals(address account, ISolvencyGate.Basis calldata b, uint256 context)
        private
        view
        returns (uint256[4] memory signals)
    {
        uint256 binding = gate.attesterBinding(b.attesterId);
        if (binding == 0) revert UnknownAttester(b.attesterId);
        uint256[] memory ctx = new uint256[](2);
        ctx[0] = context;
        ctx[1] = scenarioCommitment;
        signals[ProtocolSpec.SIGNAL_CONTEXT] = ChainHash.hash(poseidon8, ProtocolSpec.TAG_STRESS, ctx);
        signals[ProtocolSpec.SIGNAL_ATTESTER_BINDING] = binding;
        signals[ProtocolSpec.SIGNAL_STATEMENT] = (uint256(uint160(account)) << ProtocolSpec.STATEMENT_ACCOUNT_OFFSET)
            | (b.nonce << ProtocolSpec.STATEMENT_NONCE_OFFSET) | (b.attestedAt << ProtocolSpec.STATEMENT_ATTESTED_AT_OFFSET)
            | (uint256(stressRatioBps) << ProtocolSpec.STATEMENT_RATIO_BPS_OFFSET) | (uint256(1) << ProtocolSpec.STATEMENT_CLAIM_OFFSET);
        signals[ProtocolSpec.SIGNAL_TERMS] = (b.liability << ProtocolSpec.TERMS_PUBLIC_LIABILITY_OFFSET)
            | (b.expiresAt << ProtocolSpec.TERMS_EXPIRES_AT_OFFSET);
    }

    /// @dev Records the accepted proof: it lapses with the round, the attester's signed expiry or the attestation age.
    function _record(address account, ISolvencyGate.Basis calldata b, uint256 publishedAt, uint64 riskVersion) private {
        uint256 maxAttestationAge = gate.maxAttestationAge();
        uint256 validUntil = publishedAt + gate.maxPriceAge();
        if (b.expiresAt < validUntil) validUntil = b.expiresAt;
        if (b.attestedAt + maxAttestationAge < validUntil) validUntil = b.attestedAt + maxAttestationAge;
        uint64 version_ = scenarioVersion;
        _records[account] = StressRecord({
            nonce: uint32(b.nonce),
            round: uint32(b.roundId),
            riskVersion: uint32(riskVersion),
            scenarioVersion: uint32(version_),
            attesterId: uint32(b.attesterId),
            attestedAt: uint40(b.attestedAt),
            validUntil: uint40(validUntil),
            liability: uint128(b.liability)
        });
        emit StressProven(account, b.roundId, b.attesterId, version_, stressRatioBps, b.nonce, b.attestedAt, b.liability, validUntil);
    }

    /// @dev As SolvencyGate: the round a proof may rest on (RoundRules), not older than the account's stress record.
    function _checkRound(uint256 roundId, uint256 recordedRound)
        private
        view
        returns (uint256 context, uint256 publishedAt, uint64 riskVersion)
    {
        PriceOracle.RoundTerms memory t =
            RoundRules.usable(oracle, registry, roundId, recordedRound, gate.maxPriceAge(), gate.roundGrace());
        publishedAt = t.timestamp;
        riskVersion = t.riskVersion;
        context = oracle.roundContext(roundId);
    }

    /// @dev As SolvencyGate: current, signed expiry in range and in the future, above the attester's floor for the
    ///      account, not older than the attestation behind the account's stress record.
    function _checkAttestation(address account, ISolvencyGate.Basis calldata b, StressRecord memory st) private view {
        uint256 maxAge = gate.maxAttestationAge();
        if (b.attestedAt > block.timestamp) revert AttestationFromFuture(b.attestedAt, block.timestamp);
        if (block.timestamp - b.attestedAt > maxAge) revert AttestationTooOld(b.attestedAt, maxAge);
        if (b.expiresAt >= ProtocolSpec.TERMS_EXPIRES_AT_LIMIT) revert ExpiryOutOfRange(b.expiresAt);
        if (b.expiresAt <= block.timestamp) revert AttestationExpired(b.expiresAt, block.timestamp);
        uint256 floor = gate.attestationFloor(b.attesterId, account);
        if (b.attestedAt < floor) revert AttestationBelowFloor(b.attestedAt, floor);
        if (b.attestedAt < st.attestedAt) revert AttestationOlderThanRecorded(b.attestedAt, st.attestedAt);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IStressGate
    function isStressed(address account, uint256 liability) external view returns (bool) {
        StressRecord memory st = _records[account];
        if (st.validUntil == 0 || block.timestamp > st.validUntil) return false;
        if (st.scenarioVersion != scenarioVersion || st.riskVersion != registry.version()) return false;
        if (liability > st.liability) return false;
        if (gate.attesterBinding(st.attesterId) == 0) return false;
        return st.attestedAt >= gate.attestationFloor(st.attesterId, account);
    }

    /// @notice The account's stress record.
    function recordOf(address account) external view returns (StressRecord memory) {
        return _records[account];
    }

    /// @notice The scenario set in force: S rows of N + M multipliers (bps).
    function multipliers() external view returns (uint16[][] memory) {
        return _multipliers;
    }

    /// @notice The packed elements the scenario commitment hashes (16 multipliers of 15 bits per element).
    function scenarioElements() public view returns (uint256[] memory xs) {
        uint256 per = ProtocolSpec.MULTIPLIERS_PER_ELEMENT;
        uint256 total = scenarioCount * slotCount;
        xs = new uint256[]((total + per - 1) / per);
        for (uint256 s = 0; s < scenarioCount; ++s) {
            for (uint256 k = 0; k < slotCount; ++k) {
                uint256 idx = s * slotCount + k;
                xs[idx / per] |= uint256(_multipliers[s][k]) << (ProtocolSpec.MULTIPLIER_BITS * (idx % per));
            }
        }
    }

    // ---------------------------------------------------------------- internals

    function _setScenarios(uint16[][] memory ms) private {
        if (ms.length != scenarioCount || ms.length == 0 || ms.length > ProtocolSpec.MAX_SCENARIOS) {
            revert WrongShape(ms.length, ms.length == 0 ? 0 : ms[0].length, scenarioCount, slotCount);
        }
        delete _multipliers;
        for (uint256 s = 0; s < ms.length; ++s) {
            if (ms[s].length != slotCount) revert WrongShape(ms.length, ms[s].length, scenarioCount, slotCount);
            for (uint256 k = 0; k < ms[s].length; ++k) {
                if (ms[s][k] >= ProtocolSpec.MULTIPLIER_LIMIT) revert MultiplierOutOfRange(s, k, ms[s][k]);
            }
            _multipliers.push(ms[s]);
        }
        uint256 c = ChainHash.hash(poseidon8, ProtocolSpec.TAG_SCENARIOS, scenarioElements());
        scenarioCommitment = c;
        uint64 v = scenarioVersion + 1;
        scenarioVersion = v;
        emit ScenariosSet(v, c, ms.length);
    }

    function _setStressRatio(uint16 ratioBps) private {
        if (ratioBps < ProtocolSpec.BPS) revert StressRatioOutOfRange(ratioBps);
        stressRatioBps = ratioBps;
        emit StressRatioSet(ratioBps);
    }
}
