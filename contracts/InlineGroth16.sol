// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISolvencyGate} from "./interfaces/ISolvencyGate.sol";

/// @notice The verifier contract's key, as the gate copies it at construction.
interface IVerifyingKeySource {
    /// @notice alpha1 (x, y), beta2, gamma2, delta2 (each x1, x2, y1, y2 in EIP-197 order), IC0..IC4 (x, y).
    function verifyingKey() external view returns (uint256[24] memory);
}

/// @title InlineGroth16
/// @notice snarkjs' Groth16 check for four public signals, run in the calling contract with the verifying key in
///         immutables (copied from the instance's generated verifier at construction): no call to another
///         contract, no cold account access, no ABI round trip. The linear combination
///         vk_x = IC0 + s0·IC1 + s1·IC2 + s2·IC3 + s3·IC4 is split at s1, because s0 (a round's context) and s1
///         (an attester's binding) recur across many proofs: partialKey(s0, s1) = IC0 + s0·IC1 + s1·IC2 may be
///         computed once and cached, and checkWithPartialKey finishes it with two scalar products instead of four.
///         The pairing is snarkjs' own: e(−A, B)·e(alpha1, beta2)·e(vk_x, gamma2)·e(C, delta2) = 1. Tests compare
///         it with the generated snarkjs verifier on accepted, tampered and mismatched proofs, and the audit
///         compares verifyingKey() with the zkey.
abstract contract InlineGroth16 {
    /// @dev BN254's scalar field (public signals are elements of it) and base field.
    uint256 internal constant SNARK_SCALAR_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant BASE_FIELD = 21888242871839275222246405745257275088696311157297823662689037894645226208583;

    error SignalNotInField(uint256 index, uint256 signal);
    error PrecompileFailed();

    uint256 private immutable _alphaX;
    uint256 private immutable _alphaY;
    uint256 private immutable _betaX1;
    uint256 private immutable _betaX2;
    uint256 private immutable _betaY1;
    uint256 private immutable _betaY2;
    uint256 private immutable _gammaX1;
    uint256 private immutable _gammaX2;
    uint256 private immutable _gammaY1;
    uint256 private immutable _gammaY2;
    uint256 private immutable _deltaX1;
    uint256 private immutable _deltaX2;
    uint256 private immutable _deltaY1;
    uint256 private immutable _deltaY2;
    uint256 private immutable _ic0X;
    uint256 private immutable _ic0Y;
    uint256 private immutable _ic1X;
    uint256 private immutable _ic1Y;
    uint256 private immutable _ic2X;
    uint256 private immutable _ic2Y;
    uint256 private immutable _ic3X;
    uint256 private immutable _ic3Y;
    uint256 private immutable _ic4X;
    uint256 private immutable _ic4Y;

    constructor(IVerifyingKeySource source) {
        uint256[24] memory k = source.verifyingKey();
        (_alphaX, _alphaY) = (k[0], k[1]);
        (_betaX1, _betaX2, _betaY1, _betaY2) = (k[2], k[3], k[4], k[5]);
        (_gammaX1, _gammaX2, _gammaY1, _gammaY2) = (k[6], k[7], k[8], k[9]);
        (_deltaX1, _deltaX2, _deltaY1, _deltaY2) = (k[10], k[11], k[12], k[13]);
        (_ic0X, _ic0Y, _ic1X, _ic1Y, _ic2X, _ic2Y) = (k[14], k[15], k[16], k[17], k[18], k[19]);
        (_ic3X, _ic3Y, _ic4X, _ic4Y) = (k[20], k[21], k[22], k[23]);
    }

    /// @notice The verifying key this contract checks proofs with, in IVerifyingKeySource's order.
    function verifyingKey() public view returns (uint256[24] memory) {
        return [
            _alphaX, _alphaY, _betaX1, _betaX2, _betaY1, _betaY2, _gammaX1, _gammaX2, _gammaY1, _gammaY2,
            _deltaX1, _deltaX2, _deltaY1, _deltaY2, _ic0X, _ic0Y, _ic1X, _ic1Y, _ic2X, _ic2Y, _ic3X, _ic3Y, _ic4X, _ic4Y
        ];
    }

    /// @notice snarkjs' verifyProof over the four signals, run here: false on a signal outside the scalar field or
    ///         a proof that fails the pairing, exactly where snarkjs' verifier returns false.
    function checkProof(ISolvencyGate.Proof calldata proof, uint256[4] calldata signals) external view returns (bool) {
        for (uint256 i = 0; i < 4; ++i) {
            if (signals[i] >= SNARK_SCALAR_FIELD) return false;
        }
        (uint256 x, uint256 y) = _partialKey(signals[0], signals[1]);
        return _check(proof, x, y, signals[2], signals[3]);
    }

    /// @notice checkProof with vk_x starting from a partial key P instead of IC0 + s0·IC1 + s1·IC2; equal to
    ///         checkProof exactly when P = partialKey(s0, s1).
    function checkWithPartialKey(ISolvencyGate.Proof calldata proof, uint256[2] calldata partialKey_, uint256 s2, uint256 s3)
        external
        view
        returns (bool)
    {
        return _check(proof, partialKey_[0], partialKey_[1], s2, s3);
    }

    /// @notice IC0 + s0·IC1 + s1·IC2, the part of vk_x the first two signals fix.
    function partialKey(uint256 s0, uint256 s1) external view returns (uint256 x, uint256 y) {
        return _partialKey(s0, s1);
    }

    /// @dev IC0 + s0·IC1 + s1·IC2.
    function _partialKey(uint256 s0, uint256 s1) internal view returns (uint256 x, uint256 y) {
        if (s0 >= SNARK_SCALAR_FIELD) revert SignalNotInField(0, s0);
        if (s1 >= SNARK_SCALAR_FIELD) revert SignalNotInField(1, s1);
        (x, y) = _mulAdd(_ic0X, _ic0Y, _ic1X, _ic1Y, s0);
        (x, y) = _mulAdd(x, y, _ic2X, _ic2Y, s1);
    }

    /// @dev The pairing check with vk_x = (px, py) + s2·IC3 + s3·IC4. Virtual so that a test harness may drive the
    ///      gate's ordering rules without proofs; the deployed gate never overrides it.
    function _check(ISolvencyGate.Proof calldata proof, uint256 px, uint256 py, uint256 s2, uint256 s3)
        internal
        view
        virtual
        returns (bool ok)
    {
        if (s2 >= SNARK_SCALAR_FIELD) revert SignalNotInField(2, s2);
        if (s3 >= SNARK_SCALAR_FIELD) revert SignalNotInField(3, s3);
        (px, py) = _mulAdd(px, py, _ic3X, _ic3Y, s2);
        (px, py) = _mulAdd(px, py, _ic4X, _ic4Y, s3);
        uint256[6] memory vk = [_alphaX, _alphaY, _betaX1, _betaX2, _betaY1, _betaY2];
        uint256[4] memory gamma = [_gammaX1, _gammaX2, _gammaY1, _gammaY2];
        uint256[4] memory delta = [_deltaX1, _deltaX2, _deltaY1, _deltaY2];
        assembly ("memory-safe") {
            // snarkjs' layout and negation of A, word for word: −A, B, alpha1, beta2, vk_x, gamma2, C, delta2.
            let q := BASE_FIELD
            let p := mload(0x40)
            let pa := proof
            mstore(p, calldataload(pa))
            mstore(add(p, 32), mod(sub(q, calldataload(add(pa, 32))), q))
            mstore(add(p, 64), calldataload(add(pa, 64)))
            mstore(add(p, 96), calldataload(add(pa, 96)))
            mstore(add(p, 128), calldataload(add(pa, 128)))
            mstore(add(p, 160), calldataload(add(pa, 160)))
            mcopy(add(p, 192), vk, 192)
            mstore(add(p, 384), px)
            mstore(add(p, 416), py)
            mcopy(add(p, 448), gamma, 128)
            mstore(add(p, 576), calldataload(add(pa, 192)))
            mstore(add(p, 608), calldataload(add(pa, 224)))
            mcopy(add(p, 640), delta, 128)
            // A malformed point makes the precompile fail: a rejected proof, as in snarkjs.
            let success := staticcall(gas(), 8, p, 768, p, 0x20)
            ok := and(success, mload(p))
        }
    }

    /// @dev (x, y) + s·(px, py) with the EIP-196 precompiles.
    function _mulAdd(uint256 x, uint256 y, uint256 px, uint256 py, uint256 s) private view returns (uint256 rx, uint256 ry) {
        bool ok;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, px)
            mstore(add(m, 0x20), py)
            mstore(add(m, 0x40), s)
            ok := staticcall(gas(), 7, m, 0x60, add(m, 0x40), 0x40)
            mstore(m, x)
            mstore(add(m, 0x20), y)
            ok := and(ok, staticcall(gas(), 6, m, 0x80, m, 0x40))
            rx := mload(m)
            ry := mload(add(m, 0x20))
        }
        if (!ok) revert PrecompileFailed();
    }
}
