// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title BabyJubjub
/// @notice Key checks for attester keys on Baby Jubjub (circomlib's babyjub.circom), the twisted Edwards curve
///         a·x² + y² = 1 + d·x²·y² over the BN254 scalar field with a = 168700, d = 168696. Its group has order
///         8·l; EdDSA-Poseidon keys live in the subgroup of prime order l. A key outside that subgroup (a key plus
///         a small-order point) verifies the same signatures as another encoding of one secret, so the registry
///         refuses it.
/// @dev Projective coordinates with the complete addition law of Bernstein, Birkner, Joye, Lange and Peters
///      (add-2008-bbjlp); complete because a is a square and d is not, so doubling uses the same formula and no
///      inversion is needed. Only governance calls this (once per attester key), so clarity beats gas here.
library BabyJubjub {
    uint256 internal constant P = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant A = 168700;
    uint256 internal constant D = 168696;
    /// @notice The prime order l of the subgroup EdDSA keys live in.
    uint256 internal constant L = 2736030358979909402780800718157159386076813972158567259200215660948447373041;

    struct Point {
        uint256 x;
        uint256 y;
        uint256 z;
    }

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
        Point memory r = mul(Point(x, y, 1), L);
        return r.x == 0 && r.y == r.z;
    }

    /// @notice k·p by double-and-add, most significant bit first.
    function mul(Point memory p, uint256 k) internal pure returns (Point memory r) {
        r = Point(0, 1, 1);
        for (uint256 i = 256; i > 0; --i) {
            r = add(r, r);
            if ((k >> (i - 1)) & 1 == 1) r = add(r, p);
        }
    }

    /// @notice p + q (complete: also p + p and sums with the identity).
    function add(Point memory p, Point memory q) internal pure returns (Point memory) {
        uint256 a = mulmod(p.z, q.z, P);
        uint256 b = mulmod(a, a, P);
        uint256 c = mulmod(p.x, q.x, P);
        uint256 d = mulmod(p.y, q.y, P);
        uint256 e = mulmod(D, mulmod(c, d, P), P);
        uint256 f = addmod(b, P - e, P);
        uint256 g = addmod(b, e, P);
        uint256 cross = mulmod(addmod(p.x, p.y, P), addmod(q.x, q.y, P), P);
        uint256 x3 = mulmod(mulmod(a, f, P), addmod(cross, P - addmod(c, d, P), P), P);
        uint256 y3 = mulmod(mulmod(a, g, P), addmod(d, P - mulmod(A, c, P), P), P);
        return Point(x3, y3, mulmod(f, g, P));
    }
}
