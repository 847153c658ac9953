// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IGroth16Verifier} from "./interfaces/IGroth16Verifier.sol";
import {ILiabilitySource} from "./interfaces/ILiabilitySource.sol";
import {IPoseidon5} from "./interfaces/IPoseidon.sol";
import {ISolvencyGate} from "./interfaces/ISolvencyGate.sol";
import {IBasisErrors} from "./interfaces/IBasisErrors.sol";
import {BabyJubjub} from "./lib/BabyJubjub.sol";
import {RoundRules} from "./lib/RoundRules.sol";
import {InlineGroth16, IVerifyingKeySource} from "./InlineGroth16.sol";
import {ProtocolSpec} from "./generated/ProtocolSpec.sol";
import {PriceOracle} from "./PriceOracle.sol";
import {RiskRegistry} from "./RiskRegistry.sol";

/// @title SolvencyGate
/// @notice Verifies solvency and insolvency proofs and records what they established. The gate builds all
///         four public signals itself, from its own state and the call's arguments, never from the caller:
///           context          the oracle's stored context of the round (fresh, under the parameters in force)
///           attesterBinding  computed at registration from the key, this chain and this gate
///           statement        packs the account (the caller, or the named account), nonce, attestation time,
///                            the registry's ratio in force for the tier (carried by the round's terms) and the claim
///           terms            the liability the proof states (checked against the venue's debt plus credit drawn
///                            in the same transaction, as an inequality) and the attestation's signed expiry
///         so a proof is usable only by its account, on this chain and gate, for its round, parameters,
///         attestation and ratio, and once (its nonce). Nothing is keyed on proof bytes: Groth16 proofs are
///         malleable, the statement's nonce is what makes a proof single-use.
///
///         Information never goes backwards. The account's record keeps what its last accepted proof of either
///         claim rested on; no proof may rest on an older attestation or an older round, clearing an insolvency
///         needs a strictly newer attestation, and a proof must use the newest round (or the previous one within
///         a short governed grace after the newest was published). Attestations are liens: each carries the
///         attester's signed expiry, the record never outlives it, and the attester's operator can raise an
///         account's attestation floor on chain (nothing it signed before the floor counts any more).
///
///         What a submission costs is kept close to the bare Groth16 verification: the check runs here
///         (InlineGroth16, the verifier's key in immutables); the oracle's round carries the ratios in force and its
///         staleness in one slot (the registry tells it of every change), so the registry is not called; a round's
///         and an attester's part of the verifying key is cached per (round, risk version, attester, revocation
///         count), so a proof on a primed pair neither reads the round's context nor the attester's binding;
///         floors are read only for accounts that have one; the account's record is one slot, written once.
contract SolvencyGate is ISolvencyGate, IBasisErrors, InlineGroth16, AccessControl {
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");

    /// @notice The longest a price round or an attestation may back a record (the ages are kept in 24 bits);
    ///         keeps every expiry far below 2^40.
    uint256 public constant MAX_AGE_LIMIT = 180 days;
    /// @notice Attester ids are kept in 24 bits in each account's record.
    uint256 public constant MAX_ATTESTERS = type(uint24).max;

    enum AttesterStatus {
        None,
        Active,
        Revoked
    }

    /// @dev The governed settings the proof path reads, in one slot. `revocations` counts attester revocations: it is
    ///      part of every cached key's id, so one revocation retires every cached key at once.
    struct Config {
        ILiabilitySource venue;
        uint24 maxPriceAge;
        uint24 maxAttestationAge;
        uint24 roundGrace;
        uint24 revocations;
    }

    error AttesterIsRevoked(uint256 attesterId);
    error InvalidAttesterKey(uint256 ax, uint256 ay);
    error AttesterKeyRegistered(uint256 attesterId);
    error NotAttesterOperator(uint256 attesterId, address caller);
    error FloorNotRaised(uint256 floor, uint256 currentFloor);
    error FloorInFuture(uint256 floor, uint256 now);
    error InsolvencyNeedsNewerAttestation(uint256 attestedAt, uint256 insolvencyAttestedAt);
    error LiabilityAboveDebt(uint256 liability, uint256 debt);
    error InvalidTier(Tier tier);
    error NotVenue(address caller);
    error VenueAlreadySet(address venue);
    error AgeOutOfRange(uint256 maxPriceAge, uint256 maxAttestationAge, uint256 roundGrace);
    error TooManyAttesters(uint256 max);

    /// @notice The partial verifying key of a round (under its risk version) and an attester was cached.
    event VerifierKeyPrimed(uint256 indexed roundId, uint256 indexed attesterId, uint256 riskVersion, uint256 key);
    /// @notice Governance registered an attester key; `binding` is the public signal its proofs carry, `operator`
    ///         the address that may raise attestation floors in the attester's name.
    event AttesterRegistered(uint256 indexed attesterId, uint256 ax, uint256 ay, uint256 binding, address operator);
    /// @notice Governance revoked an attester: its attestations back no further proof and no record.
    event AttesterRevoked(uint256 indexed attesterId);
    /// @notice The attester withdrew its word: nothing it signed for `account` before `floor` counts any more.
    event AttestationFloorRaised(uint256 indexed attesterId, address indexed account, uint256 floor);
    event VenueSet(address indexed venue);
    event MaxAgesSet(uint32 maxPriceAge, uint32 maxAttestationAge, uint32 roundGrace);
    /// @notice A solvency proof was accepted.
    event SolvencyProven(
        address indexed account,
        uint256 indexed roundId,
        uint256 indexed attesterId,
        Tier tier,
        uint256 ratioBps,
        uint256 nonce,
        uint256 attestedAt,
        uint256 liability,
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
        uint256 attestedAt,
        uint256 liability
    );

    /// @notice The instance's generated snarkjs verifier; its key was copied here at construction and proofs are
    ///         checked here (InlineGroth16), with the same result.
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
    /// @notice The address that may raise attestation floors for the attester.
    mapping(uint256 attesterId => address) public attesterOperator;
    /// @notice The attester id a binding was registered under (a key is registered once, ever).
    mapping(uint256 binding => uint256) public attesterIdOfBinding;
    /// @notice Cached partial verifying keys (InlineGroth16.partialKey of the round's context and the attester's
    ///         binding) by _partialKeyId(round, risk version, attester, revocations): the context and the binding
    ///         recur in every proof on that pair, so their two scalar multiplications are paid once
    ///         (primeVerifierKey) instead of in every proof. A (round, risk version) has one context and an attester
    ///         id one binding; an entry written before any later revocation is never read again.
    mapping(uint256 key => uint256[2]) private _partialKeys;
    /// @notice Per attester and account, the earliest attestation time that still counts.
    mapping(uint256 attesterId => mapping(address account => uint256)) public attestationFloor;
    /// @dev Each account's AccountState packed in one word (_pack / _unpack).
    mapping(address account => uint256) private _accounts;

    /// @param admin receives DEFAULT_ADMIN_ROLE and GOVERNOR_ROLE
    /// @param verifier_ the Groth16 verifier of the circuit instance whose N and M match the registry's universe
    /// @param roundGrace_ how long after a newer round is published a proof may still rest on the previous one
    constructor(
        address admin,
        IGroth16Verifier verifier_,
        PriceOracle oracle_,
        IPoseidon5 poseidon5_,
        uint32 maxPriceAge_,
        uint32 maxAttestationAge_,
        uint32 roundGrace_
    ) InlineGroth16(IVerifyingKeySource(address(verifier_))) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNOR_ROLE, admin);
        verifier = verifier_;
        oracle = oracle_;
        registry = oracle_.registry();
        poseidon5 = poseidon5_;
        deploymentChainId = block.chainid;
        _setMaxAges(maxPriceAge_, maxAttestationAge_, roundGrace_);
    }

    // ---------------------------------------------------------------- proofs

    /// @notice Proves the caller meets the registry's ratio for `tier` (claim = 1). The stated liability must be at
    ///         least the venue's debt for the caller; the nonce is the caller's next solvency nonce.
    function proveSolvency(Proof calldata proof, Basis calldata basis, Tier tier) external {
        _solvency(msg.sender, 0, proof, basis, tier);
    }

    /// @inheritdoc ISolvencyGate
    function proveSolvencyFor(address account, uint256 extraLiability, Proof calldata proof, Basis calldata basis, Tier tier)
        external
    {
        if (msg.sender != address(_config.venue)) revert NotVenue(msg.sender);
        _solvency(account, extraLiability, proof, basis, tier);
    }

    /// @notice Proves `account` is below the maintenance ratio (claim = 0). Anyone holding such a proof (in
    ///         practice the attester, who holds the witness) may post it; the venue may then liquidate. The stated
    ///         liability must be at most the venue's debt; the nonce is the account's next insolvency nonce.
    function proveInsolvency(address account, Proof calldata proof, Basis calldata basis) external {
        AccountState memory st = _unpack(_accounts[account]);
        (uint256 ratioBps, uint64 riskVersion,) = _verify(account, 0, proof, basis, st, 0, Tier.Maintenance);

        st.insolvencyNonce = uint32(basis.nonce);
        st.round = uint32(basis.roundId);
        st.riskVersion = uint32(riskVersion);
        st.attesterId = uint24(basis.attesterId);
        st.attestedAt = uint40(basis.attestedAt);
        st.validUntil = 0;
        st.tier = Tier.None;
        st.insolvent = true;
        _accounts[account] = _pack(st);
        emit InsolvencyProven(
            account, basis.roundId, basis.attesterId, msg.sender, ratioBps, basis.nonce, basis.attestedAt, basis.liability
        );
    }

    function _solvency(address account, uint256 extraLiability, Proof calldata proof, Basis calldata basis, Tier tier)
        private
    {
        if (tier != Tier.Maintenance && tier != Tier.Initial) revert InvalidTier(tier);
        AccountState memory st = _unpack(_accounts[account]);
        (uint256 ratioBps, uint64 riskVersion, uint256 validUntil) =
            _verify(account, extraLiability, proof, basis, st, 1, tier);

        st.solvencyNonce = uint32(basis.nonce);
        st.round = uint32(basis.roundId);
        st.riskVersion = uint32(riskVersion);
        st.attesterId = uint24(basis.attesterId);
        st.attestedAt = uint40(basis.attestedAt);
        st.validUntil = uint40(validUntil);
        st.tier = tier;
        st.insolvent = false;
        _accounts[account] = _pack(st);
        emit SolvencyProven(
            account, basis.roundId, basis.attesterId, tier, ratioBps, basis.nonce, basis.attestedAt, basis.liability, validUntil
        );
    }

    /// @dev Checks every public input against on-chain state and the account's record, builds the public signals
    ///      and verifies the proof. Returns the ratio, the risk version the proof was valued under and how long a
    ///      solvency record resting on it is current.
    function _verify(
        address account,
        uint256 extraLiability,
        Proof calldata proof,
        Basis calldata b,
        AccountState memory st,
        uint256 claim,
        Tier tier
    ) private view returns (uint256 ratioBps, uint64 riskVersion, uint256 validUntil) {
        if (block.chainid != deploymentChainId) revert WrongChain(deploymentChainId, block.chainid);
        Config memory cfg = _config;
        if (address(cfg.venue) == address(0)) revert VenueNotSet();
        _checkNonce(b.nonce, claim == 1 ? st.solvencyNonce : st.insolvencyNonce);

        uint256 publishedAt;
        (publishedAt, riskVersion, ratioBps) = _checkRound(b.roundId, st.round, cfg, tier);
        _checkAttestation(account, b, st, cfg.maxAttestationAge, claim);
        _checkLiability(cfg.venue, account, extraLiability, b.liability, claim);
        _checkProof(proof, b, account, ratioBps, riskVersion, claim, cfg.revocations);

        // The record lapses with the round, the attester's signed expiry, or the governed attestation age.
        validUntil = publishedAt + cfg.maxPriceAge;
        if (b.expiresAt < validUntil) validUntil = b.expiresAt;
        if (b.attestedAt + cfg.maxAttestationAge < validUntil) validUntil = b.attestedAt + cfg.maxAttestationAge;
    }

    /// @dev The Groth16 check of the four public signals: the round's and the attester's part of vk_x (cached or
    ///      computed), the statement and the terms (liability | expiresAt).
    function _checkProof(
        Proof calldata proof,
        Basis calldata b,
        address account,
        uint256 ratioBps,
        uint64 riskVersion,
        uint256 claim,
        uint256 revocations_
    ) private view {
        (uint256 px, uint256 py) = _partialKeyFor(b.roundId, riskVersion, b.attesterId, revocations_);
        uint256 terms = (b.liability << ProtocolSpec.TERMS_PUBLIC_LIABILITY_OFFSET)
            | (b.expiresAt << ProtocolSpec.TERMS_EXPIRES_AT_OFFSET);
        if (!_check(proof, px, py, _statement(account, b, ratioBps, claim), terms)) revert InvalidProof();
    }

    /// @dev The partial key of the round's context and the attester's binding (the first two public signals): the
    ///      cached one when the pair was primed under the current revocation count (the attester was active then
    ///      and no attester was revoked since), else computed from the context and the binding of an active
    ///      attester. Both are snarkjs' vk_x (tests compare them on accepted and rejected proofs).
    function _partialKeyFor(uint256 roundId, uint64 riskVersion, uint256 attesterId, uint256 revocations_)
        private
        view
        returns (uint256 x, uint256 y)
    {
        uint256[2] storage cached = _partialKeys[_partialKeyId(roundId, riskVersion, attesterId, revocations_)];
        x = cached[0];
        if (x != 0) return (x, cached[1]);
        uint256 binding = _activeBinding(attesterId);
        return _partialKey(oracle.roundContext(roundId), binding);
    }

    /// @dev keccak256(roundId, riskVersion, attesterId, revocations).
    function _partialKeyId(uint256 roundId, uint256 riskVersion, uint256 attesterId, uint256 revocations_)
        private
        pure
        returns (uint256 id)
    {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, roundId)
            mstore(add(m, 0x20), riskVersion)
            mstore(add(m, 0x40), attesterId)
            mstore(add(m, 0x60), revocations_)
            id := keccak256(m, 0x80)
        }
    }

    /// @dev Nonces: exactly the next of the claim's own sequence, so none can be skipped or burned. Only the account
    ///      (or the venue on its behalf) advances the solvency sequence; an insolvency proof needs the witness.
    function _checkNonce(uint256 nonce, uint256 last) private pure {
        if (nonce != last + 1) revert NonceNotNext(nonce, last + 1);
    }

    /// @dev The stated liability against the venue's debt (plus credit drawn now). The claim is monotone in the
    ///      liability L: BPS·C ≥ ratio·(H + L) at a stated L ≥ the real debt implies it at the real debt, and
    ///      BPS·C < ratio·(H + L) at a stated L ≤ the real debt implies it at the real debt. So a solvency proof may
    ///      overstate and an insolvency proof understate and each stays sound, while a repayment (by anyone, of any
    ///      amount) never voids a solvency proof in flight, nor a borrow of more credit an insolvency proof.
    function _checkLiability(ILiabilitySource venue_, address account, uint256 extra, uint256 liability, uint256 claim)
        private
        view
    {
        if (liability >= ProtocolSpec.TERMS_PUBLIC_LIABILITY_LIMIT) revert LiabilityOutOfRange(liability);
        uint256 debt = venue_.liabilityOf(account) + extra;
        if (claim == 1 && liability < debt) revert LiabilityBelowDebt(liability, debt);
        if (claim == 0 && liability > debt) revert LiabilityAboveDebt(liability, debt);
    }

    /// @dev The packed statement (circuits/spec.json): account | nonce | attestedAt | ratioBps | claim. Every field
    ///      was range-checked before (nonce = last + 1 < 2^32, attestedAt ≤ now < 2^40, ratioBps < 2^16, claim ≤ 1).
    function _statement(address account, Basis calldata b, uint256 ratioBps, uint256 claim) private pure returns (uint256) {
        return (uint256(uint160(account)) << ProtocolSpec.STATEMENT_ACCOUNT_OFFSET)
            | (b.nonce << ProtocolSpec.STATEMENT_NONCE_OFFSET) | (b.attestedAt << ProtocolSpec.STATEMENT_ATTESTED_AT_OFFSET)
            | (ratioBps << ProtocolSpec.STATEMENT_RATIO_BPS_OFFSET) | (claim << ProtocolSpec.STATEMENT_CLAIM_OFFSET);
    }

    /// @dev The round a proof may rest on (RoundRules). Returns its time, its risk version and the ratio in force
    ///      for the tier, all from the round's one terms slot.
    function _checkRound(uint256 roundId, uint256 recordedRound, Config memory cfg, Tier tier)
        private
        view
        returns (uint256 publishedAt, uint64 riskVersion, uint256 ratioBps)
    {
        PriceOracle.RoundTerms memory t = RoundRules.usable(oracle, registry, roundId, recordedRound, cfg.maxPriceAge, cfg.roundGrace);
        publishedAt = t.timestamp;
        riskVersion = t.riskVersion;
        ratioBps = tier == Tier.Initial ? t.initialRatioBps : t.maintenanceRatioBps;
    }

    /// @dev The attestation is current, above the attester's floor for the account (read only when some attester
    ///      raised one for it), and not older than the one behind the account's record (strictly newer when it would
    ///      clear an insolvency).
    function _checkAttestation(address account, Basis calldata b, AccountState memory st, uint256 maxAge, uint256 claim)
        private
        view
    {
        if (b.attestedAt > block.timestamp) revert AttestationFromFuture(b.attestedAt, block.timestamp);
        if (block.timestamp - b.attestedAt > maxAge) revert AttestationTooOld(b.attestedAt, maxAge);
        if (b.expiresAt >= ProtocolSpec.TERMS_EXPIRES_AT_LIMIT) revert ExpiryOutOfRange(b.expiresAt);
        if (b.expiresAt <= block.timestamp) revert AttestationExpired(b.expiresAt, block.timestamp);
        if (st.hasFloor) {
            uint256 floor = attestationFloor[b.attesterId][account];
            if (b.attestedAt < floor) revert AttestationBelowFloor(b.attestedAt, floor);
        }
        if (b.attestedAt < st.attestedAt) revert AttestationOlderThanRecorded(b.attestedAt, st.attestedAt);
        if (claim == 1 && st.insolvent && b.attestedAt == st.attestedAt) {
            revert InsolvencyNeedsNewerAttestation(b.attestedAt, st.attestedAt);
        }
    }

    /// @dev The attester's binding if it is registered here and not revoked.
    function _activeBinding(uint256 attesterId) private view returns (uint256 binding) {
        binding = attesterBinding[attesterId];
        if (binding == 0) {
            if (attesterStatus[attesterId] == AttesterStatus.Revoked) revert AttesterIsRevoked(attesterId);
            revert UnknownAttester(attesterId);
        }
    }

    /// @notice Caches the partial verifying key of a round (under its current risk version) and an active attester
    ///         (their two scalar multiplications), so every later proof on the pair verifies with two instead of
    ///         four and reads neither the context nor the binding. Anyone may call it (a watcher or an attester does,
    ///         once per round); it changes no account and no outcome, only the cost. A revocation of any attester
    ///         retires every cached key (they are primed again).
    function primeVerifierKey(uint256 roundId, uint256 attesterId) external returns (uint256 key) {
        PriceOracle.RoundTerms memory t = oracle.roundTerms(roundId);
        if (t.timestamp == 0) revert UnknownRound(roundId);
        uint256 binding = _activeBinding(attesterId);
        key = _partialKeyId(roundId, t.riskVersion, attesterId, _config.revocations);
        (uint256 x, uint256 y) = _partialKey(oracle.roundContext(roundId), binding);
        _partialKeys[key] = [x, y];
        emit VerifierKeyPrimed(roundId, attesterId, t.riskVersion, key);
    }

    /// @notice The cached partial verifying key of a round (under its current risk version) and an attester, as a
    ///         proof would use it now; zero when none is (or none is any longer).
    function partialKeyOf(uint256 roundId, uint256 attesterId) external view returns (uint256 x, uint256 y) {
        PriceOracle.RoundTerms memory t = oracle.roundTerms(roundId);
        uint256[2] storage k = _partialKeys[_partialKeyId(roundId, t.riskVersion, attesterId, _config.revocations)];
        return (k[0], k[1]);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ISolvencyGate
    function accountState(address account) external view returns (AccountState memory) {
        return _unpack(_accounts[account]);
    }

    /// @inheritdoc ISolvencyGate
    function isSolvent(address account, Tier tier) external view returns (bool) {
        AccountState memory st = _unpack(_accounts[account]);
        if (st.insolvent || tier == Tier.None || st.tier < tier || block.timestamp > st.validUntil) return false;
        if (st.riskVersion != registry.version()) return false;
        if (attesterBinding[st.attesterId] == 0) return false;
        return st.attestedAt >= attestationFloor[st.attesterId][account];
    }

    /// @inheritdoc ISolvencyGate
    function isInsolvent(address account) external view returns (bool) {
        AccountState memory st = _unpack(_accounts[account]);
        return st.insolvent && attesterBinding[st.attesterId] != 0;
    }

    function venue() external view returns (ILiabilitySource) {
        return _config.venue;
    }

    function maxPriceAge() external view returns (uint32) {
        return _config.maxPriceAge;
    }

    function maxAttestationAge() external view returns (uint32) {
        return _config.maxAttestationAge;
    }

    function roundGrace() external view returns (uint32) {
        return _config.roundGrace;
    }

    /// @notice How many attester revocations there have been (each retires every cached verifying key).
    function revocations() external view returns (uint256) {
        return _config.revocations;
    }

    // ---------------------------------------------------------------- records

    /// @dev AccountState in one word, low bits first in the struct's field order (ISolvencyGate.AccountState).
    function _pack(AccountState memory st) private pure returns (uint256 w) {
        w = uint256(st.solvencyNonce) | (uint256(st.insolvencyNonce) << 32) | (uint256(st.round) << 64)
            | (uint256(st.riskVersion) << 96) | (uint256(st.attesterId) << 128) | (uint256(st.attestedAt) << 152)
            | (uint256(st.validUntil) << 192) | (uint256(uint8(st.tier)) << 232) | (st.insolvent ? 1 << 240 : 0)
            | (st.hasFloor ? 1 << 248 : 0);
    }

    function _unpack(uint256 w) private pure returns (AccountState memory st) {
        st.solvencyNonce = uint32(w);
        st.insolvencyNonce = uint32(w >> 32);
        st.round = uint32(w >> 64);
        st.riskVersion = uint32(w >> 96);
        st.attesterId = uint24(w >> 128);
        st.attestedAt = uint40(w >> 152);
        st.validUntil = uint40(w >> 192);
        st.tier = Tier(uint8(w >> 232));
        st.insolvent = (w >> 240) & 1 == 1;
        st.hasFloor = (w >> 248) & 1 == 1;
    }

    // ---------------------------------------------------------------- attesters

    /// @notice Registers an attester's Baby Jubjub key and binds it to this chain and gate:
    ///         binding = Poseidon(TAG_ATTESTER, Ax, Ay, chainId, gate). The key must be a point of the prime-order
    ///         subgroup (so one secret has one encoding) and never registered before.
    /// @param operator the address that may raise attestation floors in the attester's name
    /// @return attesterId the new attester's id (ids start at 1)
    function registerAttester(uint256 ax, uint256 ay, address operator)
        public
        onlyRole(GOVERNOR_ROLE)
        returns (uint256 attesterId)
    {
        if (!BabyJubjub.inPrimeSubgroup(ax, ay)) revert InvalidAttesterKey(ax, ay);
        uint256 binding = poseidon5.poseidon([ProtocolSpec.TAG_ATTESTER, ax, ay, block.chainid, uint256(uint160(address(this)))]);
        uint256 existing = attesterIdOfBinding[binding];
        if (existing != 0) revert AttesterKeyRegistered(existing);
        attesterId = ++attesterCount;
        if (attesterId > MAX_ATTESTERS) revert TooManyAttesters(MAX_ATTESTERS);
        attesterBinding[attesterId] = binding;
        attesterStatus[attesterId] = AttesterStatus.Active;
        attesterOperator[attesterId] = operator;
        attesterIdOfBinding[binding] = attesterId;
        emit AttesterRegistered(attesterId, ax, ay, binding, operator);
    }

    /// @notice Revokes an attester: no proof may rest on its attestations from now on, and no record resting on
    ///         them counts (isSolvent and isInsolvent read the attester's status).
    function revokeAttester(uint256 attesterId) public onlyRole(GOVERNOR_ROLE) {
        if (attesterStatus[attesterId] != AttesterStatus.Active) revert UnknownAttester(attesterId);
        attesterStatus[attesterId] = AttesterStatus.Revoked;
        delete attesterBinding[attesterId];
        ++_config.revocations;
        emit AttesterRevoked(attesterId);
    }

    /// @notice Replaces an attester's key: revokes the old id and registers the new key under a new id.
    function rotateAttester(uint256 attesterId, uint256 ax, uint256 ay, address operator)
        external
        onlyRole(GOVERNOR_ROLE)
        returns (uint256)
    {
        revokeAttester(attesterId);
        return registerAttester(ax, ay, operator);
    }

    /// @notice The attester withdraws its word for `account` (the client took assets out of the lien): nothing it
    ///         signed for the account before `floor` backs a proof any more, and a record resting on such an
    ///         attestation stops counting at once: it lapses now, so a keeper may liquidate once the venue's grace
    ///         period has passed without a proof on a newer attestation. Only the attester's operator may call
    ///         it; floors only rise and never past the present.
    function raiseAttestationFloor(uint256 attesterId, address account, uint256 floor) external {
        if (attesterStatus[attesterId] != AttesterStatus.Active) revert UnknownAttester(attesterId);
        if (msg.sender != attesterOperator[attesterId]) revert NotAttesterOperator(attesterId, msg.sender);
        uint256 current = attestationFloor[attesterId][account];
        if (floor <= current) revert FloorNotRaised(floor, current);
        if (floor > block.timestamp) revert FloorInFuture(floor, block.timestamp);
        attestationFloor[attesterId][account] = floor;
        // Proofs for the account read floors from now on; a record resting on a withdrawn attestation lapses now,
        // so the venue's grace period starts now too.
        AccountState memory st = _unpack(_accounts[account]);
        st.hasFloor = true;
        if (st.attesterId == attesterId && st.attestedAt < floor && st.validUntil > block.timestamp) {
            st.validUntil = uint40(block.timestamp);
        }
        _accounts[account] = _pack(st);
        emit AttestationFloorRaised(attesterId, account, floor);
    }

    // ---------------------------------------------------------------- governance

    /// @notice Sets the venue whose debt proofs must count. Once only: proofs already recorded counted its debt.
    function setVenue(ILiabilitySource venue_) external onlyRole(GOVERNOR_ROLE) {
        if (address(_config.venue) != address(0)) revert VenueAlreadySet(address(_config.venue));
        _config.venue = venue_;
        emit VenueSet(address(venue_));
    }

    /// @notice Sets how old a price round and an attestation may be when a proof is submitted (each at most
    ///         MAX_AGE_LIMIT, so no expiry is ever truncated), and how long after a newer round is published a proof
    ///         may still rest on the previous one (at most maxPriceAge).
    function setMaxAges(uint32 maxPriceAge_, uint32 maxAttestationAge_, uint32 roundGrace_) external onlyRole(GOVERNOR_ROLE) {
        _setMaxAges(maxPriceAge_, maxAttestationAge_, roundGrace_);
    }

    function _setMaxAges(uint32 maxPriceAge_, uint32 maxAttestationAge_, uint32 roundGrace_) private {
        if (
            maxPriceAge_ == 0 || maxAttestationAge_ == 0 || maxPriceAge_ > MAX_AGE_LIMIT
                || maxAttestationAge_ > MAX_AGE_LIMIT || roundGrace_ > maxPriceAge_
        ) revert AgeOutOfRange(maxPriceAge_, maxAttestationAge_, roundGrace_);
        _config.maxPriceAge = uint24(maxPriceAge_);
        _config.maxAttestationAge = uint24(maxAttestationAge_);
        _config.roundGrace = uint24(roundGrace_);
        emit MaxAgesSet(maxPriceAge_, maxAttestationAge_, roundGrace_);
    }
}
