pragma circom 2.1.9;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";

/**
 * PerpetualTerms(): one perpetual position's contribution, every term non-negative.
 *   notional   = size · |mark − entry|
 *   profitTerm = notional · profitFactor   if the position is in profit, else 0   (collateral side)
 *   lossTerm   = notional · lossFactor     if the position is at a loss, else 0   (liability side)
 *   marginTerm = size · mark · marginFactor                                       (liability side)
 *   packed     = size + isShort · 2^96 + entry · 2^97  (the slot's element in the portfolio commitment)
 * A long (isShort = 0) profits when mark ≥ entry, a short when mark < entry.
 * Bounds relied on: size < 2^96, entry < 2^56 (Check 1, here); mark < 2^56 and factors < 2^74 are
 * fixed by the context commitment to bound-checked on-chain values. The comparator's inputs are thus
 * both < 2^56; |mark − entry| < 2^56; every term < 2^(96+56+74) = 2^226; packed < 2^153 is injective.
 */
template PerpetualTerms() {
    signal input size;           // private |position size|, base units of the market
    signal input isShort;        // private direction: 1 short, 0 long
    signal input entry;          // private entry price, fixed point
    signal input mark;           // committed mark price, fixed point
    signal input profitFactor;   // committed scale · profit weight (bps)
    signal input lossFactor;     // committed scale · loss weight (bps)
    signal input marginFactor;   // committed scale · maintenance margin rate (bps)
    signal output profitTerm;    // weighted unrealized profit, value units · bps
    signal output lossTerm;      // weighted unrealized loss, value units · bps
    signal output marginTerm;    // maintenance margin, value units · bps
    signal output packed;        // size + isShort · 2^96 + entry · 2^97

    // Check (1): private values are bounded and the direction is a bit.
    _ <== Num2Bits(96)(size);
    _ <== Num2Bits(56)(entry);
    isShort * (isShort - 1) === 0;

    // Check (2): the direction of the mark's move, on inputs both < 2^56.
    signal markBelow <== LessThan(56)([mark, entry]);
    signal move <== (mark - entry) * (1 - 2 * markBelow);   // |mark − entry|
    signal shortAndBelow <== isShort * markBelow;
    // in profit: long and mark ≥ entry, or short and mark < entry
    signal inProfit <== 1 - markBelow - isShort + 2 * shortAndBelow;

    signal notional <== size * move;
    signal profit <== inProfit * notional;
    profitTerm <== profit * profitFactor;
    lossTerm <== (notional - profit) * lossFactor;
    signal markValue <== size * mark;
    marginTerm <== markValue * marginFactor;

    packed <== size + isShort * (1 << 96) + entry * (1 << 97);
}
