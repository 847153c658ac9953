// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice The refusals both gates (SolvencyGate, StressGate) give a proof's basis: chain, round, attester,
///         attestation, nonce, liability and the proof itself.
interface IBasisErrors {
    error WrongChain(uint256 deployedOn, uint256 chainId);
    error UnknownRound(uint256 roundId);
    error StaleRound(uint256 roundId, uint256 publishedAt, uint256 maxPriceAge);
    error RoundSuperseded(uint256 roundId, uint256 supersededAt, uint256 roundGrace);
    error StaleRiskParameters(uint256 roundId, uint256 roundRiskVersion, uint256 currentRiskVersion);
    error RoundOlderThanRecorded(uint256 roundId, uint256 recordedRound);
    error UnknownAttester(uint256 attesterId);
    error AttestationFromFuture(uint256 attestedAt, uint256 now);
    error AttestationTooOld(uint256 attestedAt, uint256 maxAttestationAge);
    error AttestationExpired(uint256 expiresAt, uint256 now);
    error ExpiryOutOfRange(uint256 expiresAt);
    error AttestationBelowFloor(uint256 attestedAt, uint256 floor);
    error AttestationOlderThanRecorded(uint256 attestedAt, uint256 recordedAttestedAt);
    error NonceNotNext(uint256 nonce, uint256 expected);
    error LiabilityOutOfRange(uint256 liability);
    error LiabilityBelowDebt(uint256 liability, uint256 debt);
    error InvalidProof();
    error VenueNotSet();
}
