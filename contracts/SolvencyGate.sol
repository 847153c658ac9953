// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IGroth16Verifier} from "./interfaces/IGroth16Verifier.sol";
import {ILiabilitySource} from "./interfaces/ILiabilitySource.sol";
import {IPoseidon5} from "./interfaces/IPoseidon.sol";
import {ISolvencyGate} from "./interfaces/ISolvencyGate.sol";
import {ProtocolSpec} from "./generated/ProtocolSpec.sol";
import {PriceOracle} from "./PriceOracle.sol";
import {RiskRegistry} from "./RiskRegistry.sol";

/// @title SolvencyGate
/// @notice Verifies solvency and insolvency proofs and records what they established. The gate builds all
///         four public signals itself, from its own state and the call's arguments, never from the caller:
///           context          the oracle's stored context of the round (fresh, under the parameters in force)
///           attesterBinding  computed at registration from the key, this chain and this gate
///           statement        packs the account (the caller, or the named account), nonce, attestation time,
///                            the registry's ratio for the tier and the claim
///           publicLiability  the venue's debt for the account (plus credit drawn in the same transaction)
///         so a proof is usable only by its account, on this chain and gate, for its round, parameters,
///         attestation and ratio, and once (its nonce). Nothing is keyed on proof bytes: Groth16 proofs are
///         malleable, the statement's nonce is what makes a proof single-use.
contract SolvencyGate is ISolvencyGate, AccessControl {
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");

    enum AttesterStatus {
        None,
        Active,
        Revoked
    }

    /// @dev The governed settings the proof path reads, in one slot.
    struct Config {
        ILiabilitySource venue;
        uint48 maxPriceAge;
        uint48 maxAttestationAge;
    }

    /// @dev A proof's arguments, grouped to keep the stack shallow.
    struct Submission {
        address account;
        uint256 extraLiability;
        uint256 roundId;
        uint256 attesterId;
        uint256 attestedAt;
        uint256 nonce;
        uint256 claim;
        Tier tier;
    }

    error WrongChain(uint256 deployedOn, uint256 chainId);
    error UnknownRound(uint256 roundId);
    error StaleRound(uint256 roundId, uint256 publishedAt, uint256 maxPriceAge);
    error StaleRiskParameters(uint256 roundId, uint256 roundRiskVersion, uint256 currentRiskVersion);
    error RoundOlderThanRecorded(uint256 roundId, uint256 recordedRound);
    error UnknownAttester(uint256 attesterId);
    error AttesterIsRevoked(uint256 attesterId);
    error InvalidAttesterKey(uint256 ax, uint256 ay);
    error AttestationFromFuture(uint256 attestedAt, uint256 now);
    error AttestationTooOld(uint256 attestedAt, uint256 maxAttestationAge);
    error NonceNotIncreasing(uint256 nonce, uint256 lastNonce);
    error NonceOutOfRange(uint256 nonce);
    error LiabilityOutOfRange(uint256 liability);
    error InvalidTier(Tier tier);
    error InvalidProof();
    error NotVenue(address caller);
    error VenueNotSet();
    error VenueAlreadySet(address venue);
    error ZeroAge();

    /// @notice Governance registered an attester key; `binding` is the public signal its proofs carry.
    event AttesterRegistered(uint256 indexed attesterId, uint256 ax, uint256 ay, uint256 binding);
    /// @notice Governance revoked an attester: its attestations back no further proof.
    event AttesterRevoked(uint256 indexed attesterId);
    event VenueSet(address indexed venue);
    event MaxAgesSet(uint48 maxPriceAge, uint48 maxAttestationAge);
    /// @notice A solvency proof was accepted.
    event SolvencyProven(
        address indexed account,
        uint256 indexed roundId,
        uint256 indexed attesterId,
        Tier tier,
        uint256 ratioBps,
        uint256 nonce,
        uint256 publicLiability,
        uint256 validUntil
    );
    /// @notice An insolvency proof was accepted: the account is liquidatable.
    event InsolvencyProven(
        address indexed account,
        uint256 indexed roundId,
        uint256 indexed attesterId,
        address prover,
        uint256 ratioBps,
        uint256 nonce,
        uint256 publicLiability
    );

    IGroth16Verifier public immutable verifier;
    PriceOracle public immutable oracle;
    RiskRegistry public immutable registry;
    IPoseidon5 public immutable poseidon5;
    uint256 public immutable deploymentChainId;

    Config private _config;
    uint256 public attesterCount;
    /// @notice The attester binding while the attester is active; zero when unknown or revoked.
    mapping(uint256 attesterId => uint256) public attesterBinding;
    mapping(uint256 attesterId => AttesterStatus) public attesterStatus;
    mapping(address account => AccountState) private _accounts;

    /// @param admin receives DEFAULT_ADMIN_ROLE and GOVERNOR_ROLE
    /// @param verifier_ the Groth16 verifier of the circuit instance whose N and M match the registry's universe
    constructor(
        address admin,
        IGroth16Verifier verifier_,
        PriceOracle oracle_,
        IPoseidon5 poseidon5_,
        uint48 maxPriceAge_,
        uint48 maxAttestationAge_
    ) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNOR_ROLE, admin);
        verifier = verifier_;
        oracle = oracle_;
        registry = oracle_.registry();
        poseidon5 = poseidon5_;
        deploymentChainId = block.chainid;
        _setMaxAges(maxPriceAge_, maxAttestationAge_);
    }

    // ---------------------------------------------------------------- proofs

    /// @notice Proves the caller meets the registry's ratio for `tier` (claim = 1), against the venue's debt.
    /// @param roundId a fresh price round published under the parameters in force
    /// @param attesterId a registered, unrevoked attester whose signature the proof verified
    /// @param attestedAt the attestation's time: not in the future, no older than maxAttestationAge
    /// @param nonce greater than the caller's last solvency nonce, below 2^32
    function proveSolvency(
        Proof calldata proof,
        uint256 roundId,
        uint256 attesterId,
        uint256 attestedAt,
        uint256 nonce,
        Tier tier
    ) external {
        _solvency(proof, Submission(msg.sender, 0, roundId, attesterId, attestedAt, nonce, 1, tier));
    }

    /// @inheritdoc ISolvencyGate
    function proveSolvencyFor(
        address account,
        uint256 extraLiability,
        Proof calldata proof,
        uint256 roundId,
        uint256 attesterId,
        uint256 attestedAt,
        uint256 nonce,
        Tier tier
    ) external {
        if (msg.sender != address(_config.venue)) revert NotVenue(msg.sender);
        _solvency(proof, Submission(account, extraLiability, roundId, attesterId, attestedAt, nonce, 1, tier));
    }

    /// @notice Proves `account` is below the maintenance ratio (claim = 0). Anyone holding such a proof (in
    ///         practice the attester, who holds the witness) may post it; the venue may then liquidate.
    function proveInsolvency(
        address account,
        Proof calldata proof,
        uint256 roundId,
        uint256 attesterId,
        uint256 attestedAt,
        uint256 nonce
    ) external {
        Submission memory s = Submission(account, 0, roundId, attesterId, attestedAt, nonce, 0, Tier.Maintenance);
        AccountState memory st = _accounts[account];
        if (nonce <= st.insolvencyNonce) revert NonceNotIncreasing(nonce, st.insolvencyNonce);
        (uint256 ratioBps, uint256 liability,) = _verify(proof, s, st);

        st.insolvencyNonce = uint32(nonce);
        st.round = uint64(roundId);
        st.insolvent = true;
        st.tier = Tier.None;
        st.validUntil = 0;
        _accounts[account] = st;
        emit InsolvencyProven(account, roundId, attesterId, msg.sender, ratioBps, nonce, liability);
    }

    function _solvency(Proof calldata proof, Submission memory s) private {
        if (s.tier != Tier.Maintenance && s.tier != Tier.Initial) revert InvalidTier(s.tier);
        AccountState memory st = _accounts[s.account];
        if (s.nonce <= st.solvencyNonce) revert NonceNotIncreasing(s.nonce, st.solvencyNonce);
        (uint256 ratioBps, uint256 liability, uint256 validUntil) = _verify(proof, s, st);

        st.solvencyNonce = uint32(s.nonce);
        st.round = uint64(s.roundId);
        st.validUntil = uint40(validUntil);
        st.provenAt = uint40(block.timestamp);
        st.tier = s.tier;
        st.insolvent = false;
        _accounts[s.account] = st;
        emit SolvencyProven(s.account, s.roundId, s.attesterId, s.tier, ratioBps, s.nonce, liability, validUntil);
    }

    /// @dev Checks every public input against on-chain state, builds the public signals and verifies the proof.
    ///      The nonce's monotonicity per claim is checked by the caller; its range here.
    function _verify(Proof calldata proof, Submission memory s, AccountState memory st)
        private
        view
        returns (uint256 ratioBps, uint256 liability, uint256 validUntil)
    {
        if (block.chainid != deploymentChainId) revert WrongChain(deploymentChainId, block.chainid);
        Config memory cfg = _config;
        if (address(cfg.venue) == address(0)) revert VenueNotSet();
        if (s.nonce >= ProtocolSpec.STATEMENT_NONCE_LIMIT) revert NonceOutOfRange(s.nonce);

        uint256 context;
        uint256 publishedAt;
        (context, publishedAt, ratioBps) = _checkRound(s, st.round, cfg.maxPriceAge);
        uint256 binding = _activeBinding(s.attesterId);

        // The attestation: not in the future, not too old (which also keeps it below 2^40).
        if (s.attestedAt > block.timestamp) revert AttestationFromFuture(s.attestedAt, block.timestamp);
        if (block.timestamp - s.attestedAt > cfg.maxAttestationAge) revert AttestationTooOld(s.attestedAt, cfg.maxAttestationAge);

        // The public liability: the venue's debt (and the credit being drawn), within the circuit's range.
        liability = cfg.venue.liabilityOf(s.account) + s.extraLiability;
        if (liability >= ProtocolSpec.LIABILITY_LIMIT) revert LiabilityOutOfRange(liability);

        uint256[4] memory signals;
        signals[ProtocolSpec.SIGNAL_CONTEXT] = context;
        signals[ProtocolSpec.SIGNAL_ATTESTER_BINDING] = binding;
        signals[ProtocolSpec.SIGNAL_STATEMENT] = _statement(s, ratioBps);
        signals[ProtocolSpec.SIGNAL_PUBLIC_LIABILITY] = liability;
        if (!verifier.verifyProof(proof.a, proof.b, proof.c, signals)) revert InvalidProof();

        uint256 priceExpiry = publishedAt + cfg.maxPriceAge;
        uint256 attestationExpiry = s.attestedAt + cfg.maxAttestationAge;
        validUntil = priceExpiry < attestationExpiry ? priceExpiry : attestationExpiry;
    }

    /// @dev The round exists, is fresh, was published under the parameters in force and is not older than the
    ///      account's last proof. Returns its context and time, and the registry's ratio for the tier.
    function _checkRound(Submission memory s, uint256 recordedRound, uint256 maxAge)
        private
        view
        returns (uint256 context, uint256 publishedAt, uint256 ratioBps)
    {
        uint64 roundRiskVersion;
        (context, publishedAt,, roundRiskVersion) = oracle.round(s.roundId);
        if (publishedAt == 0) revert UnknownRound(s.roundId);
        if (block.timestamp > publishedAt + maxAge) revert StaleRound(s.roundId, publishedAt, maxAge);
        if (s.roundId < recordedRound) revert RoundOlderThanRecorded(s.roundId, recordedRound);
        (uint64 riskVersion, uint16 initialRatioBps, uint16 maintenanceRatioBps) = registry.terms();
        if (roundRiskVersion != riskVersion) revert StaleRiskParameters(s.roundId, roundRiskVersion, riskVersion);
        ratioBps = s.tier == Tier.Initial ? initialRatioBps : maintenanceRatioBps;
    }

    /// @dev The attester's binding if it is registered here and not revoked.
    function _activeBinding(uint256 attesterId) private view returns (uint256 binding) {
        binding = attesterBinding[attesterId];
        if (binding == 0) {
            if (attesterStatus[attesterId] == AttesterStatus.Revoked) revert AttesterIsRevoked(attesterId);
            revert UnknownAttester(attesterId);
        }
    }

    /// @dev The packed statement (circuits/spec.json): account | nonce | attestedAt | ratioBps | claim. Every field
    ///      was range-checked before (nonce < 2^32, attestedAt ≤ now < 2^40, ratioBps < 2^16, claim ≤ 1).
    function _statement(Submission memory s, uint256 ratioBps) private pure returns (uint256) {
        return (uint256(uint160(s.account)) << ProtocolSpec.STATEMENT_ACCOUNT_OFFSET)
            | (s.nonce << ProtocolSpec.STATEMENT_NONCE_OFFSET) | (s.attestedAt << ProtocolSpec.STATEMENT_ATTESTED_AT_OFFSET)
            | (ratioBps << ProtocolSpec.STATEMENT_RATIO_BPS_OFFSET) | (s.claim << ProtocolSpec.STATEMENT_CLAIM_OFFSET);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ISolvencyGate
    function accountState(address account) external view returns (AccountState memory) {
        return _accounts[account];
    }

    /// @inheritdoc ISolvencyGate
    function isSolvent(address account, Tier tier) external view returns (bool) {
        AccountState memory st = _accounts[account];
        return !st.insolvent && st.tier >= tier && tier != Tier.None && block.timestamp <= st.validUntil;
    }

    /// @inheritdoc ISolvencyGate
    function isInsolvent(address account) external view returns (bool) {
        return _accounts[account].insolvent;
    }

    function venue() external view returns (ILiabilitySource) {
        return _config.venue;
    }

    function maxPriceAge() external view returns (uint48) {
        return _config.maxPriceAge;
    }

    function maxAttestationAge() external view returns (uint48) {
        return _config.maxAttestationAge;
    }

    // ---------------------------------------------------------------- governance

    /// @notice Registers an attester's Baby Jubjub key and binds it to this chain and gate:
    ///         binding = Poseidon(TAG_ATTESTER, Ax, Ay, chainId, gate).
    /// @return attesterId the new attester's id (ids start at 1)
    function registerAttester(uint256 ax, uint256 ay) public onlyRole(GOVERNOR_ROLE) returns (uint256 attesterId) {
        if (!_onBabyJubjub(ax, ay) || ax == 0) revert InvalidAttesterKey(ax, ay);
        uint256 binding = poseidon5.poseidon([ProtocolSpec.TAG_ATTESTER, ax, ay, block.chainid, uint256(uint160(address(this)))]);
        attesterId = ++attesterCount;
        attesterBinding[attesterId] = binding;
        attesterStatus[attesterId] = AttesterStatus.Active;
        emit AttesterRegistered(attesterId, ax, ay, binding);
    }

    /// @notice Revokes an attester: proofs resting on its attestations are refused from now on.
    function revokeAttester(uint256 attesterId) public onlyRole(GOVERNOR_ROLE) {
        if (attesterStatus[attesterId] != AttesterStatus.Active) revert UnknownAttester(attesterId);
        attesterStatus[attesterId] = AttesterStatus.Revoked;
        delete attesterBinding[attesterId];
        emit AttesterRevoked(attesterId);
    }

    /// @notice Replaces an attester's key: revokes the old id and registers the new key under a new id.
    function rotateAttester(uint256 attesterId, uint256 ax, uint256 ay) external onlyRole(GOVERNOR_ROLE) returns (uint256) {
        revokeAttester(attesterId);
        return registerAttester(ax, ay);
    }

    /// @notice Sets the venue whose debt proofs must count. Once only: proofs already recorded counted its debt.
    function setVenue(ILiabilitySource venue_) external onlyRole(GOVERNOR_ROLE) {
        if (address(_config.venue) != address(0)) revert VenueAlreadySet(address(_config.venue));
        _config.venue = venue_;
        emit VenueSet(address(venue_));
    }

    /// @notice Sets how old a price round and an attestation may be when a proof is submitted.
    function setMaxAges(uint48 maxPriceAge_, uint48 maxAttestationAge_) external onlyRole(GOVERNOR_ROLE) {
        _setMaxAges(maxPriceAge_, maxAttestationAge_);
    }

    function _setMaxAges(uint48 maxPriceAge_, uint48 maxAttestationAge_) private {
        if (maxPriceAge_ == 0 || maxAttestationAge_ == 0) revert ZeroAge();
        _config.maxPriceAge = maxPriceAge_;
        _config.maxAttestationAge = maxAttestationAge_;
        emit MaxAgesSet(maxPriceAge_, maxAttestationAge_);
    }

    /// @dev Baby Jubjub in twisted Edwards form a·x² + y² = 1 + d·x²·y² over the BN254 scalar field
    ///      (circomlib's babyjub.circom). The subgroup check is left to the audit: the circuit's EdDSA
    ///      verifier is what proves the signature, this only catches keys that are not points at all.
    function _onBabyJubjub(uint256 x, uint256 y) private pure returns (bool) {
        uint256 p = ProtocolSpec.FIELD;
        if (x >= p || y >= p) return false;
        uint256 x2 = mulmod(x, x, p);
        uint256 y2 = mulmod(y, y, p);
        uint256 lhs = addmod(mulmod(168700, x2, p), y2, p);
        uint256 rhs = addmod(1, mulmod(168696, mulmod(x2, y2, p), p), p);
        return lhs == rhs;
    }
}
