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

    /// @notice Everything the gate records for one account, in one storage slot.
    /// @param solvencyNonce last accepted nonce of a solvency proof
    /// @param insolvencyNonce last accepted nonce of an insolvency proof
    /// @param round price round of the last accepted proof of either kind
    /// @param validUntil the solvency proof is current until this time (0: none)
    /// @param provenAt block time of the last accepted solvency proof
    /// @param tier ratio tier the last solvency proof met
    /// @param insolvent an insolvency proof was accepted and no solvency proof since
    struct AccountState {
        uint32 solvencyNonce;
        uint32 insolvencyNonce;
        uint64 round;
        uint40 validUntil;
        uint40 provenAt;
        Tier tier;
        bool insolvent;
    }

    /// @notice Verifies a solvency proof for `account` that counts `extraLiability` more than the venue's
    ///         current debt (credit being drawn in the same transaction). Only the venue may call it.
    function proveSolvencyFor(
        address account,
        uint256 extraLiability,
        Proof calldata proof,
        uint256 roundId,
        uint256 attesterId,
        uint256 attestedAt,
        uint256 nonce,
        Tier tier
    ) external;

    /// @notice The account's recorded state.
    function accountState(address account) external view returns (AccountState memory);

    /// @notice True while the account's last solvency proof met at least `tier` and is current.
    function isSolvent(address account, Tier tier) external view returns (bool);

    /// @notice True when an insolvency proof for the account was accepted after its last solvency proof.
    function isInsolvent(address account) external view returns (bool);
}
