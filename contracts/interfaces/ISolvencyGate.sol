// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice What a margin venue needs from the solvency gate.
interface ISolvencyGate {
    /// @notice Which required ratio a solvency proof met: the registry's maintenance or initial ratio.
    enum Tier {
        None,
        Maintenance,
        Initial
    }

    /// @notice A Groth16 proof as the verifier takes it (b in EIP-197 coordinate order).
    struct Proof {
        uint256[2] a;
        uint256[2][2] b;
        uint256[2] c;
    }

    /// @notice What a proof rests on, submitted beside it. The gate packs the public signals from these values
    ///         and its own state; each must be exactly what the proof was made for.
    /// @param roundId the price round: the newest, or the previous one within the gate's round grace
    /// @param attesterId the registered, unrevoked attester whose signature the proof verified
    /// @param attestedAt the attestation's time (signed by the attester)
    /// @param expiresAt the attestation's expiry (signed by the attester): the record lapses no later than this
    /// @param liability the liability the proof states on top of the hidden ones (value units): at least the
    ///        venue's debt for a solvency claim, at most the venue's debt for an insolvency claim
    /// @param nonce exactly one more than the account's last accepted nonce of the same claim
    struct Basis {
        uint256 roundId;
        uint256 attesterId;
        uint256 attestedAt;
        uint256 expiresAt;
        uint256 liability;
        uint256 nonce;
    }

    /// @notice Everything the gate records for one account, in one storage slot: what the last accepted proof
    ///         of either claim rests on, so that no later proof may rest on anything older.
    /// @param solvencyNonce last accepted nonce of a solvency proof
    /// @param insolvencyNonce last accepted nonce of an insolvency proof
    /// @param round price round of the last accepted proof of either claim
    /// @param riskVersion risk-parameter version the last accepted proof was valued under
    /// @param attesterId attester of the last accepted proof
    /// @param attestedAt attestation time of the last accepted proof: no later proof may rest on an older one
    /// @param validUntil the solvency record is current until this time (0: none)
    /// @param tier ratio tier the last solvency proof met (None after an insolvency proof)
    /// @param insolvent an insolvency proof was accepted and no solvency proof since
    /// @param hasFloor some attester raised an attestation floor for the account (proofs then check the floor of
    ///        their attester; accounts without one skip that read)
    struct AccountState {
        uint32 solvencyNonce;
        uint32 insolvencyNonce;
        uint32 round;
        uint32 riskVersion;
        uint24 attesterId;
        uint40 attestedAt;
        uint40 validUntil;
        Tier tier;
        bool insolvent;
        bool hasFloor;
    }

    /// @notice Verifies a solvency proof for `account` whose stated liability covers the venue's current debt
    ///         plus `extraLiability` (credit being drawn in the same transaction). Only the venue may call it.
    function proveSolvencyFor(address account, uint256 extraLiability, Proof calldata proof, Basis calldata basis, Tier tier)
        external;

    /// @notice The account's recorded state.
    function accountState(address account) external view returns (AccountState memory);

    /// @notice True while the account's last solvency proof met at least `tier`, is current, and still rests on
    ///         what it was proven against: the risk parameters in force, an unrevoked attester, and an attestation
    ///         at or above that attester's floor for the account.
    function isSolvent(address account, Tier tier) external view returns (bool);

    /// @notice True when an insolvency proof for the account was accepted after its last solvency proof and its
    ///         attester has not been revoked since.
    function isInsolvent(address account) external view returns (bool);
}
