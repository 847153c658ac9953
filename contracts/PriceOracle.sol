// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IPoseidon3, IPoseidon8} from "./interfaces/IPoseidon.sol";
import {ChainHash} from "./lib/ChainHash.sol";
import {ProtocolSpec} from "./generated/ProtocolSpec.sol";
import {RiskRegistry} from "./RiskRegistry.sol";
import {IRiskTermsListener} from "./interfaces/IRiskTermsListener.sol";

/// @title PriceOracle
/// @notice Committed price rounds from a quorum of reporters. Each reporter signs, off chain, an EIP-712
///         PriceReport (observation time, one price per asset slot, one mark per perpetual market) bound to this
///         chain and this oracle; anyone relays a round with at least `quorum` signatures of distinct reporters.
///         The contract keeps, per slot, the median of the reported values, numbers the round itself, commits to it
///         (priceCommitment = chainHash(TAG_PRICES, [roundId + 2^64 * observedAt, pack(medians[N] ‖ medianMarks[M])]),
///         the values packed four 56-bit values to an element as circuits/spec.json hashing.priceRound states, so
///         a 16 x 4 universe takes one Poseidon permutation instead of four) and binds it to the risk parameters
///         in force: context = Poseidon(TAG_CONTEXT, priceCommitment, riskCommitment), the value a proof's first
///         public signal must equal. The round's timestamp is the signed observation time,
///         so a round lapses (the gate's maxPriceAge) counting from when its prices were observed, not relayed.
///
///         Median: the reports are sorted per slot and the value at index (k - 1) / 2 is kept, i.e. the middle
///         value for an odd count k and the lower middle for an even count. The median is always a value some
///         reporter signed (never an average), so it needs no rounding rule, and fewer than half of the k signers
///         (2f < k) can never pull it outside the range of the others' values: below the lowest honest value takes
///         ceil(k/2) reports under it, above the highest takes floor(k/2) + 1 reports over it. A quorum of
///         2f + 1 therefore tolerates f faulty or compromised reporters.
///
///         Guards (per slot, set by governance): absolute bounds [min, max] that a median outside of is refused,
///         and a maximum move in basis points from the previous round's median. A larger move is held: the round
///         is refused unless it carries `largeMoveQuorum` signatures (at least `quorum`). A genuine crash is seen
///         by every honest reporter, so it is confirmed at once by a larger quorum, while a forged move needs that
///         many more keys. A delay (as MakerDAO's OSM) would instead keep stale high prices in force during the
///         very crash in which insolvency proofs and liquidations must act, and a governance confirmation would be
///         slower still; so the guard asks for more signatures, not more time.
contract PriceOracle is IRiskTermsListener, AccessControl, EIP712 {
    /// @notice Governs the reporter set, the quorums, the observation age and the guards.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    /// @notice EIP-712 type of what each reporter signs.
    bytes32 public constant PRICE_REPORT_TYPEHASH =
        keccak256("PriceReport(uint64 observedAt,uint256[] prices,uint256[] marks)");
    /// @notice Bounds of the reporter set: a quorum is at least MIN_REPORTERS signatures of distinct reporters (so
    ///         no round is published with fewer reporters), and the set holds at most MAX_REPORTERS.
    uint256 public constant MIN_REPORTERS = 3;
    uint256 public constant MAX_REPORTERS = 15;

    /// @notice A published round's terms, in one storage slot (its context is kept apart): a proof on a round whose
    ///         verifying key the gate cached reads this slot alone.
    /// @param timestamp the observation time the reporters signed (committed in the round)
    /// @param supersededAt when the next round was published (0 while this is the newest; 1 once the round after
    ///        next was published, which ends any grace the gate gives a superseded round)
    /// @param riskVersion the registry version whose commitment the round's context binds
    /// @param initialRatioBps the registry's initial ratio in force (the registry tells every change)
    /// @param maintenanceRatioBps the registry's maintenance ratio in force
    /// @param riskStale the registry's version moved past riskVersion: the round backs no proof until
    ///        refreshContext re-binds it (the newest round) or ever again (an older one)
    struct RoundTerms {
        uint40 timestamp;
        uint40 supersededAt;
        uint64 riskVersion;
        uint16 initialRatioBps;
        uint16 maintenanceRatioBps;
        bool riskStale;
    }

    /// @notice One reporter's signed values for a round: an EIP-712 PriceReport signature in compact form
    ///         (EIP-2098: r and yParity·2^255 | s) over the round's observation time, these prices and marks.
    struct Report {
        uint256[] prices;
        uint256[] marks;
        bytes32 r;
        bytes32 vs;
    }

    /// @notice What a relay passes of the oracle's state, so that publishing reads two storage words for it instead of
    ///         one per four slots and one per two guards: the previous round's medians (its RoundPublished prices ‖
    ///         marks, packed four 56-bit values to a word as the commitment packs them; empty before the first round)
    ///         and guardWords(). Both are checked against hashes the contract stored, so a relay cannot alter them.
    struct RelayState {
        uint256[] previousMedians;
        uint256[] guards;
    }

    /// @notice No round has been published yet.
    error NoRound();
    /// @notice The registry does not tell this oracle of its changes (RiskRegistry.setOracle), so no round may bind it.
    error NotWiredToRegistry(address registryOracle);
    error NotRegistry(address caller);
    /// @notice The round's context already binds the registry's current parameters.
    error ContextCurrent(uint256 roundId, uint64 riskVersion);
    /// @notice A vector's length differs from the universe's.
    error WrongLength(string what, uint256 length, uint256 expected);
    /// @notice A median price or mark is zero or not below 2^56 (the circuits' bound).
    error PriceOutOfRange(string what, uint256 index, uint256 price);
    /// @notice A median lies outside the slot's governed bounds.
    error PriceOutOfBounds(string what, uint256 index, uint256 price, uint256 min, uint256 max);
    /// @notice A median moved more than the slot's maximum from the previous round and too few reporters signed.
    error MoveNeedsLargerQuorum(string what, uint256 index, uint256 previous, uint256 price, uint256 signatures, uint256 required);
    /// @notice Fewer signatures than the quorum.
    error QuorumNotMet(uint256 signatures, uint256 quorum);
    /// @notice Report `index` was signed by an address that is not a reporter (or the signature is for another
    ///         chain, oracle, time or values, which recovers some other address).
    error UnknownSigner(uint256 index, address signer);
    /// @notice Report `index` repeats the previous report's signer.
    error DuplicateSigner(uint256 index, address signer);
    /// @notice Reports must be sorted by signer address, ascending.
    error SignersNotSorted(uint256 index, address signer, address previous);
    /// @notice A relay's copy of the previous round's medians or of the guards is not the oracle's: read them again
    ///         (the previous RoundPublished event's prices and marks, packed; guardWords()).
    error StateMismatch(string what);
    /// @notice The observation time is after the block's time.
    error ObservationInFuture(uint256 observedAt, uint256 blockTime);
    /// @notice The observation is older than maxObservationAge.
    error ObservationTooOld(uint256 observedAt, uint256 blockTime, uint256 maxObservationAge);
    /// @notice The observation time is not after the previous round's (a replayed or re-ordered round).
    error ObservationNotNewer(uint256 observedAt, uint256 previousObservedAt);
    /// @notice The address is already a reporter.
    error AlreadyReporter(address reporter);
    /// @notice The address is not a reporter.
    error NotReporter(address reporter);
    /// @notice The zero address cannot report.
    error ZeroReporter();
    /// @notice The reporter set would exceed MAX_REPORTERS.
    error TooManyReporters(uint256 count, uint256 max);
    /// @notice A quorum must be at least the minimum, at most the reporter count, and the large-move quorum at
    ///         least the quorum.
    error InvalidQuorum(uint256 quorum, uint256 largeMoveQuorum, uint256 reporters);
    /// @notice The observation age must be positive and fit 40 bits.
    error InvalidObservationAge(uint256 maxObservationAge);
    /// @notice A guard's bounds are not 1 <= min <= max < 2^56, or its move limit is above 100%.
    error InvalidGuard(uint256 slot, uint256 min, uint256 max, uint256 maxMoveBps);

    /// @notice A round was published; provers read the prices (the medians) from here.
    /// @param timestamp the observation time the reporters signed
    /// @param signers the reporters whose signed values the medians were taken from, ascending
    event RoundPublished(
        uint256 indexed roundId,
        uint256 timestamp,
        uint256[] prices,
        uint256[] marks,
        uint256 priceCommitment,
        uint256 riskCommitment,
        uint64 riskVersion,
        uint256 context,
        address[] signers
    );

    /// @notice The newest round was bound again to the registry's current parameters after they changed.
    event ContextRefreshed(uint256 indexed roundId, uint256 riskCommitment, uint64 riskVersion, uint256 context);
    /// @notice A reporter joined the set.
    event ReporterAdded(address indexed reporter, uint256 count);
    /// @notice A reporter left the set; its signatures are refused from now on, including on rounds in flight.
    event ReporterRemoved(address indexed reporter, uint256 count);
    /// @notice The quorums changed.
    event QuorumSet(uint256 quorum, uint256 largeMoveQuorum);
    /// @notice The maximum observation age changed.
    event MaxObservationAgeSet(uint256 maxObservationAge);
    /// @notice A slot's guard changed (slots 0..N-1 are prices, N..N+M-1 marks).
    event GuardSet(uint256 indexed slot, uint256 min, uint256 max, uint256 maxMoveBps);

    /// @dev A superseded round's `supersededAt` once the round after next exists.
    uint40 internal constant SUPERSEDED_TWICE = 1;
    /// @dev Medians are packed as the commitment packs them: PER_WORD values of PRICE_BITS bits per word
    ///      (PER_WORD is even: a word's first slot starts a guard word).
    uint256 private constant PRICE_BITS = ProtocolSpec.PRICE_BITS;
    uint256 private constant PRICE_MASK = (1 << PRICE_BITS) - 1;
    uint256 private constant PER_WORD = ProtocolSpec.PRICES_PER_ELEMENT;
    /// @dev A guard is 128 bits, two per storage word: min (56 bits) | max (56 bits) << 56 | maxMoveBps << 112.
    ///      A slot's guard bounds the median to [min, max] (max = 0: no bound beyond the circuit's) and its move
    ///      from the previous round's median to maxMoveBps (0: no limit) unless largeMoveQuorum signed.
    uint256 private constant GUARD_BITS = 128;
    uint256 private constant GUARD_MASK = (1 << GUARD_BITS) - 1;

    RiskRegistry public immutable registry;
    IPoseidon8 public immutable poseidon8;
    IPoseidon3 public immutable poseidon3;
    uint256 public immutable assetCount;
    uint256 public immutable marketCount;

    uint256 public lastRoundId;
    /// @notice The newest round's price commitment, kept so its context can follow a risk-parameter update.
    uint256 public lastPriceCommitment;
    /// @dev Each round's context, Poseidon(TAG_CONTEXT, priceCommitment, riskCommitment) under its risk version.
    mapping(uint256 roundId => uint256) private _contexts;
    mapping(uint256 roundId => RoundTerms) private _rounds;

    /// @notice Signatures a round needs, and how many a round with a move beyond a slot's maxMoveBps needs.
    uint8 public quorum;
    uint8 public largeMoveQuorum;
    /// @notice Oldest observation (seconds before the block) a round may carry.
    uint40 public maxObservationAge;
    address[] private _reporters;
    mapping(address => bool) public isReporter;
    /// @dev The guards, two per word (see GUARD_BITS), and their hash. A relay passes the guard words in calldata,
    ///      checked against the hash: one storage read instead of one per two slots.
    uint256[] private _guardWords;
    bytes32 private _guardsHash;
    /// @dev keccak256 of the newest round's medians packed as its commitment's elements 1..W (of no words before
    ///      the first round). A relay passes those words, the move guard's reference, in calldata, checked against
    ///      this hash: one storage word per round instead of one per four slots.
    bytes32 private _mediansHash;

    /// @param admin receives DEFAULT_ADMIN_ROLE and GOVERNOR_ROLE; the reporter set starts empty (add at least
    ///        the quorum), the quorums at MIN_REPORTERS, the observation age at 10 minutes, the guards open
    constructor(address admin, RiskRegistry registry_, IPoseidon8 poseidon8_, IPoseidon3 poseidon3_)
        EIP712("zk-solvency PriceOracle", "1")
    {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNOR_ROLE, admin);
        registry = registry_;
        poseidon8 = poseidon8_;
        poseidon3 = poseidon3_;
        assetCount = registry_.assetCount();
        marketCount = registry_.marketCount();
        quorum = uint8(MIN_REPORTERS);
        largeMoveQuorum = uint8(MIN_REPORTERS);
        maxObservationAge = 600;
        uint256 slots = registry_.assetCount() + registry_.marketCount();
        _guardWords = new uint256[]((slots + 1) / 2);
        _guardsHash = keccak256(abi.encodePacked(_guardWords));
        _mediansHash = keccak256("");
    }

    // ------------------------------------------------------------------ governance

    /// @notice Adds a reporter (at most MAX_REPORTERS).
    function addReporter(address reporter) external onlyRole(GOVERNOR_ROLE) {
        if (reporter == address(0)) revert ZeroReporter();
        if (isReporter[reporter]) revert AlreadyReporter(reporter);
        uint256 count = _reporters.length + 1;
        if (count > MAX_REPORTERS) revert TooManyReporters(count, MAX_REPORTERS);
        isReporter[reporter] = true;
        _reporters.push(reporter);
        emit ReporterAdded(reporter, count);
    }

    /// @notice Removes a reporter at once, even below the quorum: a compromised key must go now, and publication
    ///         simply waits until governance adds a replacement. Its signatures on rounds in flight are refused.
    function removeReporter(address reporter) external onlyRole(GOVERNOR_ROLE) {
        if (!isReporter[reporter]) revert NotReporter(reporter);
        isReporter[reporter] = false;
        uint256 last = _reporters.length - 1;
        for (uint256 i = 0; i <= last; ++i) {
            if (_reporters[i] == reporter) {
                _reporters[i] = _reporters[last];
                break;
            }
        }
        _reporters.pop();
        emit ReporterRemoved(reporter, last);
    }

    /// @notice Sets the quorum (MIN_REPORTERS <= quorum <= reporters) and the large-move quorum
    ///         (quorum <= largeMoveQuorum <= reporters). A quorum of 2f + 1 tolerates f faulty reporters.
    function setQuorum(uint256 quorum_, uint256 largeMoveQuorum_) external onlyRole(GOVERNOR_ROLE) {
        uint256 count = _reporters.length;
        if (quorum_ < _minQuorum() || quorum_ > count || largeMoveQuorum_ < quorum_ || largeMoveQuorum_ > count) {
            revert InvalidQuorum(quorum_, largeMoveQuorum_, count);
        }
        quorum = uint8(quorum_);
        largeMoveQuorum = uint8(largeMoveQuorum_);
        emit QuorumSet(quorum_, largeMoveQuorum_);
    }

    /// @notice Sets the oldest observation a round may carry, in seconds.
    function setMaxObservationAge(uint256 maxObservationAge_) external onlyRole(GOVERNOR_ROLE) {
        if (maxObservationAge_ == 0 || maxObservationAge_ > type(uint40).max) revert InvalidObservationAge(maxObservationAge_);
        maxObservationAge = uint40(maxObservationAge_);
        emit MaxObservationAgeSet(maxObservationAge_);
    }

    /// @notice Sets a slot's guard: slots 0..N-1 are the asset prices, N..N+M-1 the marks.
    /// @param min lowest accepted median (at least 1)
    /// @param max highest accepted median (at least min, below 2^56)
    /// @param maxMoveBps largest move from the previous round's median in basis points without the large-move
    ///        quorum (0: no limit; at most 10000)
    function setGuard(uint256 slot, uint256 min, uint256 max, uint256 maxMoveBps) external onlyRole(GOVERNOR_ROLE) {
        uint256 slots = assetCount + marketCount;
        if (slot >= slots || min == 0 || max < min || max >= ProtocolSpec.PRICE_LIMIT || maxMoveBps > ProtocolSpec.BPS) {
            revert InvalidGuard(slot, min, max, maxMoveBps);
        }
        uint256 shift = GUARD_BITS * (slot % 2);
        uint256 g = min | (max << PRICE_BITS) | (maxMoveBps << (2 * PRICE_BITS));
        _guardWords[slot / 2] = (_guardWords[slot / 2] & ~(GUARD_MASK << shift)) | (g << shift);
        _guardsHash = keccak256(abi.encodePacked(_guardWords));
        emit GuardSet(slot, min, max, maxMoveBps);
    }

    // ------------------------------------------------------------------ publication

    /// @notice Publishes a round from a quorum of reporters' signed reports; anyone may relay it.
    /// @param observedAt the observation time every report signed: after the previous round's, not in the
    ///        future, at most maxObservationAge old; it becomes the round's committed timestamp
    /// @param reports at least `quorum` reports of distinct reporters, sorted by signer address ascending;
    ///        each carries N prices and M marks (USD, 8 decimals)
    /// @param state the relay's copy of the oracle's state (see RelayState), checked against the stored hashes
    /// @return roundId the new round's id (the previous one plus one)
    function publishRound(uint64 observedAt, Report[] calldata reports, RelayState calldata state)
        external
        returns (uint256 roundId)
    {
        roundId = lastRoundId + 1;
        address[] memory signers = _admit(observedAt, reports, state, roundId);
        uint256[] memory elements =
            _medians(reports, state, roundId | (uint256(observedAt) << ProtocolSpec.ROUND_ID_BITS));
        _mediansHash = _hashWords(elements);
        _commit(roundId, observedAt, elements, signers);
    }

    /// @notice Binds the newest round to the registry's current parameters after governance changed them, so
    ///         that proofs (an insolvency proof above all) need not wait for the next round. Anyone may call it.
    function refreshContext() external returns (uint256 context) {
        uint256 roundId = lastRoundId;
        RoundTerms storage r = _rounds[roundId];
        if (r.timestamp == 0) revert NoRound();
        (uint256 riskCommitment, uint64 riskVersion, uint16 initialRatioBps, uint16 maintenanceRatioBps) = _registryTerms();
        if (r.riskVersion == riskVersion) revert ContextCurrent(roundId, riskVersion);
        context = poseidon3.poseidon([ProtocolSpec.TAG_CONTEXT, lastPriceCommitment, riskCommitment]);
        _contexts[roundId] = context;
        r.riskVersion = riskVersion;
        r.initialRatioBps = initialRatioBps;
        r.maintenanceRatioBps = maintenanceRatioBps;
        r.riskStale = false;
        emit ContextRefreshed(roundId, riskCommitment, riskVersion, context);
    }

    /// @inheritdoc IRiskTermsListener
    /// @dev Only the newest round and the one before can still back a proof (older ones are superseded twice): both
    ///      take the ratios in force, and each goes stale if the version moved past the one its context binds.
    function riskTermsChanged(uint64 version, uint16 initialRatioBps, uint16 maintenanceRatioBps) external {
        if (msg.sender != address(registry)) revert NotRegistry(msg.sender);
        uint256 last = lastRoundId;
        for (uint256 id = last; id > 0 && id + 2 > last; --id) {
            RoundTerms storage r = _rounds[id];
            r.initialRatioBps = initialRatioBps;
            r.maintenanceRatioBps = maintenanceRatioBps;
            if (r.riskVersion != version) r.riskStale = true;
        }
    }

    // ------------------------------------------------------------------ views

    /// @notice A round's terms (one storage slot): observation and supersession times, the risk version its context
    ///         binds, the ratios in force and whether the registry's version moved past it. All zero if unknown.
    function roundTerms(uint256 roundId) external view returns (RoundTerms memory) {
        return _rounds[roundId];
    }

    /// @notice A round's context (zero if unknown).
    function roundContext(uint256 roundId) external view returns (uint256) {
        return _contexts[roundId];
    }

    /// @notice A round's context, observation time, supersession time (see Round) and risk-parameter version,
    ///         all zero if it does not exist.
    function round(uint256 roundId)
        external
        view
        returns (uint256 context, uint40 timestamp, uint40 supersededAt, uint64 riskVersion)
    {
        RoundTerms storage r = _rounds[roundId];
        return (_contexts[roundId], r.timestamp, r.supersededAt, r.riskVersion);
    }

    /// @notice The current reporters (in no particular order).
    function reporters() external view returns (address[] memory) {
        return _reporters;
    }

    /// @notice A slot's guard (slots 0..N-1 prices, N..N+M-1 marks); an unset guard is all zeros (open).
    function guard(uint256 slot) external view returns (uint256 min, uint256 max, uint256 maxMoveBps) {
        uint256 g = (_guardWords[slot / 2] >> (GUARD_BITS * (slot % 2))) & GUARD_MASK;
        return (g & PRICE_MASK, (g >> PRICE_BITS) & PRICE_MASK, g >> (2 * PRICE_BITS));
    }

    /// @notice The guards, two per word (slot s in word s / 2, bits 128·(s % 2)..: min | max << 56 | maxMoveBps << 112),
    ///         as publishRound takes them.
    function guardWords() external view returns (uint256[] memory) {
        return _guardWords;
    }

    /// @notice The EIP-712 digest a reporter signs for these values (what signing.ts computes off chain).
    function reportDigest(uint64 observedAt, uint256[] calldata prices, uint256[] calldata marks) external view returns (bytes32) {
        return _reportDigest(observedAt, prices, marks);
    }

    /// @notice This oracle's EIP-712 domain separator (chain id and address bound).
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ------------------------------------------------------------------ internals

    /// @dev The round may be published: a quorum, a fresh and newer observation, the relay's copies of the state,
    ///      and every signature by a distinct reporter. Returns the signers, ascending.
    function _admit(uint64 observedAt, Report[] calldata reports, RelayState calldata state, uint256 roundId)
        private
        view
        returns (address[] memory signers)
    {
        uint256 k = reports.length;
        if (k < quorum) revert QuorumNotMet(k, quorum);
        _checkObservation(observedAt, roundId);
        if (keccak256(abi.encodePacked(state.previousMedians)) != _mediansHash) revert StateMismatch("previous medians");
        if (keccak256(abi.encodePacked(state.guards)) != _guardsHash) revert StateMismatch("guards");
        signers = _recoverSigners(observedAt, reports);
    }

    /// @dev Commits the round (its elements), binds it to the risk parameters in force, stores and announces it.
    function _commit(uint256 roundId, uint64 observedAt, uint256[] memory elements, address[] memory signers) private {
        uint256 priceCommitment = ChainHash.hash(poseidon8, ProtocolSpec.TAG_PRICES, elements);
        (uint256 riskCommitment, uint64 riskVersion, uint16 initialRatioBps, uint16 maintenanceRatioBps) = _registryTerms();
        uint256 context = poseidon3.poseidon([ProtocolSpec.TAG_CONTEXT, priceCommitment, riskCommitment]);

        lastRoundId = roundId;
        lastPriceCommitment = priceCommitment;
        _supersede(roundId);
        _contexts[roundId] = context;
        _rounds[roundId] = RoundTerms({
            timestamp: uint40(observedAt),
            supersededAt: 0,
            riskVersion: riskVersion,
            initialRatioBps: initialRatioBps,
            maintenanceRatioBps: maintenanceRatioBps,
            riskStale: false
        });
        _emitPublished(roundId, observedAt, elements, priceCommitment, riskCommitment, riskVersion, context, signers);
    }

    /// @dev The registry's terms a round binds; refuses unless the registry tells this oracle of every change.
    function _registryTerms()
        private
        view
        returns (uint256 commitment, uint64 version, uint16 initialRatioBps, uint16 maintenanceRatioBps)
    {
        address wired;
        (commitment, version, initialRatioBps, maintenanceRatioBps, wired) = registry.roundBinding();
        if (wired != address(this)) revert NotWiredToRegistry(wired);
    }

    /// @dev The smallest quorum governance may set (a test harness lowers it to measure single-signature gas).
    function _minQuorum() internal pure virtual returns (uint256) {
        return MIN_REPORTERS;
    }

    function _reportDigest(uint64 observedAt, uint256[] calldata prices, uint256[] calldata marks) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(PRICE_REPORT_TYPEHASH, observedAt, keccak256(abi.encodePacked(prices)), keccak256(abi.encodePacked(marks))))
        );
    }

    /// @dev The observation is newer than the previous round's, not in the future, and fresh enough.
    function _checkObservation(uint64 observedAt, uint256 roundId) private view {
        if (observedAt > block.timestamp) revert ObservationInFuture(observedAt, block.timestamp);
        if (block.timestamp - observedAt > maxObservationAge) revert ObservationTooOld(observedAt, block.timestamp, maxObservationAge);
        if (roundId > 1) {
            uint256 previous = _rounds[roundId - 1].timestamp;
            if (observedAt <= previous) revert ObservationNotNewer(observedAt, previous);
        }
    }

    /// @dev Every report's lengths, signer (a reporter), and the strictly ascending order that refuses duplicates.
    function _recoverSigners(uint64 observedAt, Report[] calldata reports) private view returns (address[] memory signers) {
        uint256 k = reports.length;
        uint256 n = assetCount;
        uint256 m = marketCount;
        signers = new address[](k);
        address previous;
        for (uint256 j = 0; j < k; ++j) {
            Report calldata rep = reports[j];
            if (rep.prices.length != n) revert WrongLength("prices", rep.prices.length, n);
            if (rep.marks.length != m) revert WrongLength("marks", rep.marks.length, m);
            address signer = ECDSA.recover(_reportDigest(observedAt, rep.prices, rep.marks), rep.r, rep.vs);
            if (!isReporter[signer]) revert UnknownSigner(j, signer);
            if (j > 0) {
                if (signer == previous) revert DuplicateSigner(j, signer);
                if (signer < previous) revert SignersNotSorted(j, signer, previous);
            }
            signers[j] = signer;
            previous = signer;
        }
    }

    /// @dev The commitment's elements: `header`, then each slot's median (prices, then marks) packed PER_WORD to
    ///      an element. Checks each median against the circuit's bound and the slot's guard (the move only when a
    ///      previous round exists) and stores the packed medians as the next round's reference.
    function _medians(Report[] calldata reports, RelayState calldata state, uint256 header)
        private
        view
        returns (uint256[] memory elements)
    {
        uint256[] calldata previous = state.previousMedians;
        Columns memory c = _columns(reports);
        // The guard words were checked against their hash (so their length too); they are read by offset.
        uint256[] calldata guards = state.guards;
        uint256 guardsAt;
        assembly ("memory-safe") {
            guardsAt := guards.offset
        }
        c.guardsAt = guardsAt;
        uint256 words = (c.slots + PER_WORD - 1) / PER_WORD;
        if (previous.length != 0 && previous.length != words) revert WrongLength("previous medians", previous.length, words);
        elements = new uint256[](1 + words);
        elements[0] = header;
        bool hasPrevious = previous.length != 0;
        for (uint256 w = 0; w < words; ++w) {
            elements[1 + w] = _packedMedians(c, w, hasPrevious ? previous[w] : 0);
        }
    }

    /// @dev The word at calldata offset `at` + 32 * index.
    function _calldataWord(uint256 at, uint256 index) private pure returns (uint256 word) {
        assembly ("memory-safe") {
            word := calldataload(add(at, shl(5, index)))
        }
    }

    /// @dev keccak256 of elements[1..], the packed medians.
    function _hashWords(uint256[] memory elements) private pure returns (bytes32 h) {
        assembly ("memory-safe") {
            h := keccak256(add(elements, 0x40), shl(5, sub(mload(elements), 1)))
        }
    }

    /// @dev What the median computation reads: where each report's prices and marks start in calldata (their
    ///      lengths were checked with the signatures), a scratch column, and the universe's sizes.
    struct Columns {
        uint256[] priceAt;
        uint256[] markAt;
        uint256[] column;
        uint256 n;
        uint256 slots;
        uint256 k;
        uint256 guardsAt;
    }

    function _columns(Report[] calldata reports) private view returns (Columns memory c) {
        uint256 k = reports.length;
        c.priceAt = new uint256[](k);
        c.markAt = new uint256[](k);
        c.column = new uint256[](k);
        c.n = assetCount;
        c.slots = assetCount + marketCount;
        c.k = k;
        for (uint256 j = 0; j < k; ++j) {
            uint256[] calldata ps = reports[j].prices;
            uint256[] calldata ms = reports[j].marks;
            uint256 p;
            uint256 q;
            assembly ("memory-safe") {
                p := ps.offset
                q := ms.offset
            }
            c.priceAt[j] = p;
            c.markAt[j] = q;
        }
    }

    /// @dev The medians of the slots of packed word `w`, each checked (previousWord = 0: no previous round).
    function _packedMedians(Columns memory c, uint256 w, uint256 previousWord) private view returns (uint256 packed) {
        uint256 end = (w + 1) * PER_WORD < c.slots ? (w + 1) * PER_WORD : c.slots;
        uint256 guardWord;
        for (uint256 s = w * PER_WORD; s < end; ++s) {
            uint256 median = s < c.n ? _columnMedian(c.priceAt, s, c.column) : _columnMedian(c.markAt, s - c.n, c.column);
            // PER_WORD is even, so a word's first slot is even and loads the guard word.
            if (s % 2 == 0) guardWord = _calldataWord(c.guardsAt, s / 2);
            uint256 shift = PRICE_BITS * (s % PER_WORD);
            _checkGuard(s, c.n, median, (guardWord >> (GUARD_BITS * (s % 2))) & GUARD_MASK, (previousWord >> shift) & PRICE_MASK, c.k);
            packed |= median << shift;
        }
    }

    /// @dev The lower median of the k values at calldata offsets at[j] + 32 * index (insertion sort into `column`).
    function _columnMedian(uint256[] memory at, uint256 index, uint256[] memory column) private pure returns (uint256 median) {
        assembly ("memory-safe") {
            let k := mload(at)
            let atPtr := add(at, 0x20)
            let col := add(column, 0x20)
            let delta := shl(5, index)
            for { let j := 0 } lt(j, k) { j := add(j, 1) } {
                let x := calldataload(add(mload(add(atPtr, shl(5, j))), delta))
                let i := j
                for {} gt(i, 0) {} {
                    let before := mload(add(col, shl(5, sub(i, 1))))
                    if iszero(gt(before, x)) { break }
                    mstore(add(col, shl(5, i)), before)
                    i := sub(i, 1)
                }
                mstore(add(col, shl(5, i)), x)
            }
            median := mload(add(col, shl(5, shr(1, sub(k, 1)))))
        }
    }

    /// @dev The circuit's bound, then the slot's guard `g`: its bounds, then the move from `previous` (0: none).
    function _checkGuard(uint256 slot, uint256 n, uint256 median, uint256 g, uint256 previous, uint256 signatures) private view {
        if (median == 0 || median >= ProtocolSpec.PRICE_LIMIT) {
            revert PriceOutOfRange(slot < n ? "price" : "mark", slot < n ? slot : slot - n, median);
        }
        uint256 max = (g >> PRICE_BITS) & PRICE_MASK;
        if (max == 0) return;
        uint256 min = g & PRICE_MASK;
        if (median < min || median > max) {
            revert PriceOutOfBounds(slot < n ? "price" : "mark", slot < n ? slot : slot - n, median, min, max);
        }
        uint256 maxMoveBps = g >> (2 * PRICE_BITS);
        if (maxMoveBps == 0 || previous == 0 || signatures >= largeMoveQuorum) return;
        uint256 move = median > previous ? median - previous : previous - median;
        if (move * ProtocolSpec.BPS > previous * maxMoveBps) {
            revert MoveNeedsLargerQuorum(slot < n ? "price" : "mark", slot < n ? slot : slot - n, previous, median, signatures, largeMoveQuorum);
        }
    }

    function _emitPublished(
        uint256 roundId,
        uint64 observedAt,
        uint256[] memory elements,
        uint256 priceCommitment,
        uint256 riskCommitment,
        uint64 riskVersion,
        uint256 context,
        address[] memory signers
    ) private {
        uint256 n = assetCount;
        uint256[] memory prices = new uint256[](n);
        uint256[] memory marks = new uint256[](marketCount);
        for (uint256 s = 0; s < n; ++s) prices[s] = _unpack(elements, s);
        for (uint256 j = 0; j < marks.length; ++j) marks[j] = _unpack(elements, n + j);
        emit RoundPublished(roundId, observedAt, prices, marks, priceCommitment, riskCommitment, riskVersion, context, signers);
    }

    /// @dev Slot `s` of the packed elements 1..W.
    function _unpack(uint256[] memory elements, uint256 s) private pure returns (uint256) {
        return (elements[1 + s / PER_WORD] >> (PRICE_BITS * (s % PER_WORD))) & PRICE_MASK;
    }

    /// @dev Marks the previous round superseded now and the one before it superseded twice.
    function _supersede(uint256 roundId) private {
        if (roundId > 1) _rounds[roundId - 1].supersededAt = uint40(block.timestamp);
        if (roundId > 2) {
            RoundTerms storage older = _rounds[roundId - 2];
            if (older.supersededAt != SUPERSEDED_TWICE) older.supersededAt = SUPERSEDED_TWICE;
        }
    }
}
