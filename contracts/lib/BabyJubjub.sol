// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title BabyJubjub
/// @notice Key checks for attester keys on Baby Jubjub (circomlib's babyjub.circom), the twisted Edwards curve
///         a·x² + y² = 1 + d·x²·y² over the BN254 scalar field with a = 168700, d = 168696. Its group has order
///         8·l; EdDSA-Poseidon keys live in the subgroup of prime order l. A key outside that subgroup (a key plus
///         a small-order point) verifies the same signatures as another encoding of one secret, so the registry
///         refuses it.
/// @dev Projective coordinates with the doubling and mixed-addition laws of Bernstein, Birkner, Joye, Lange and
///      Peters (dbl-2008-bbjlp, madd-2008-bbjlp); complete because a is a square and d is not, and free of
///      inversions. Only governance calls this, once per attester key.
library BabyJubjub {
    uint256 internal constant P = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant A = 168700;
    uint256 internal constant D = 168696;
    /// @notice The prime order l of the subgroup EdDSA keys live in.
    uint256 internal constant L = 2736030358979909402780800718157159386076813972158567259200215660948447373041;

    /// @notice True when (x, y) is an affine point of the curve.
    function onCurve(uint256 x, uint256 y) internal pure returns (bool) {
        if (x >= P || y >= P) return false;
        uint256 x2 = mulmod(x, x, P);
        uint256 y2 = mulmod(y, y, P);
        return addmod(mulmod(A, x2, P), y2, P) == addmod(1, mulmod(D, mulmod(x2, y2, P), P), P);
    }

    /// @notice True when (x, y) is on the curve, in the prime-order subgroup and not the identity (0, 1).
    function inPrimeSubgroup(uint256 x, uint256 y) internal pure returns (bool) {
        if (!onCurve(x, y) || (x == 0 && y == 1)) return false;
        (uint256 rx, uint256 ry, uint256 rz) = mul(x, y, L);
        return rx == 0 && ry == rz;
    }

    /// @notice k·(x, y) in projective coordinates (X : Y : Z), by double-and-add from the most significant bit.
    function mul(uint256 x, uint256 y, uint256 k) internal pure returns (uint256 rx, uint256 ry, uint256 rz) {
        (rx, ry, rz) = (0, 1, 1);
        for (uint256 i = 256; i > 0; --i) {
            (rx, ry, rz) = double(rx, ry, rz);
            if ((k >> (i - 1)) & 1 == 1) (rx, ry, rz) = addAffine(rx, ry, rz, x, y);
        }
    }

    /// @notice 2·(X : Y : Z) (dbl-2008-bbjlp; complete on this curve, identity and order-two points included).
    function double(uint256 x, uint256 y, uint256 z) internal pure returns (uint256, uint256, uint256) {
        uint256 b = addmod(x, y, P);
        b = mulmod(b, b, P);
        uint256 c = mulmod(x, x, P);
        uint256 d = mulmod(y, y, P);
        uint256 e = mulmod(A, c, P);
        uint256 f = addmod(e, d, P);
        uint256 j = addmod(f, P - mulmod(2, mulmod(z, z, P), P), P);
        return (mulmod(addmod(b, P - addmod(c, d, P), P), j, P), mulmod(f, addmod(e, P - d, P), P), mulmod(f, j, P));
    }

    /// @notice (X1 : Y1 : Z1) + (x2, y2) with the second point affine (madd-2008-bbjlp; complete on this curve).
    function addAffine(uint256 x1, uint256 y1, uint256 z1, uint256 x2, uint256 y2)
        internal
        pure
        returns (uint256, uint256, uint256)
    {
        // Variables are reused to keep the stack shallow; the names of madd-2008-bbjlp in the comments.
        uint256 c = mulmod(x1, x2, P);
        uint256 d = mulmod(y1, y2, P);
        x2 = addmod(mulmod(addmod(x1, y1, P), addmod(x2, y2, P), P), P - addmod(c, d, P), P); // (X1+Y1)(X2+Y2)-C-D
        y2 = mulmod(D, mulmod(c, d, P), P); // E
        x1 = mulmod(z1, z1, P); // B
        y1 = addmod(x1, P - y2, P); // F = B - E
        x1 = addmod(x1, y2, P); // G = B + E
        return (mulmod(mulmod(z1, y1, P), x2, P), mulmod(mulmod(z1, x1, P), addmod(d, P - mulmod(A, c, P), P), P), mulmod(y1, x1, P));
    }
}
