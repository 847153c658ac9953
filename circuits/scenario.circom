pragma circom 2.1.9;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "tags.circom";
include "chain_hash.circom";

/**
 * ScenarioSet(S, K): the commitment of S scenarios of K multipliers each (basis points of the price,
 * 10000 = unchanged), identical to scenarioCommitment() in prover/stress.ts and StressRegistry.sol.
 *   flat = m[0][0..K-1], m[1][0..K-1], ...; element e packs flat[16e .. 16e+15] as Σ flat[16e+k]·2^(15k)
 *   commitment = chainHash(TAG_SCENARIOS, elements)
 * Check (1): every multiplier is below 2^15, so each element is < 2^240 < p and the packing is
 * injective: one commitment names exactly one scenario matrix; and the stress bound analysis may rely
 * on m < 2^15.
 */
template ScenarioSet(S, K) {
    signal input m[S][K];     // multipliers, bps
    signal output out;        // the scenario commitment

    var PER = 16;
    var total = S * K;
    var count = (total + PER - 1) \ PER;
    var packed[count];
    for (var e = 0; e < count; e++) { packed[e] = 0; }
    for (var s = 0; s < S; s++) {
        for (var k = 0; k < K; k++) {
            _ <== Num2Bits(15)(m[s][k]);
            var idx = s * K + k;
            packed[idx \ PER] += m[s][k] * (1 << (15 * (idx % PER)));
        }
    }
    signal elements[count];
    for (var e = 0; e < count; e++) { elements[e] <== packed[e]; }
    out <== ChainHash(count, TAG_SCENARIOS())(elements);
}

/**
 * ShockedPerpetual(): one perpetual position at a shocked mark m·mark / BPS, every term non-negative and
 * scaled by BPS (the scale of the multipliers):
 *   notional   = size · |m·mark − BPS·entry|
 *   profitTerm = notional · profitFactor   if the position is in profit at the shocked mark, else 0
 *   lossTerm   = notional · lossFactor     if it is at a loss, else 0
 *   marginTerm = size · m·mark · marginFactor
 * Bounds relied on: size < 2^96, entry < 2^56, isShort ∈ {0, 1} (checked by PositionRecord on the same
 * signals); m < 2^15 (ScenarioSet); mark < 2^56 (committed). The comparator's inputs m·mark < 2^71 and
 * BPS·entry < 2^70 are both below 2^71.
 */
template ShockedPerpetual() {
    signal input size;           // |position size|, range-checked by the caller
    signal input isShort;        // direction bit, checked by the caller
    signal input entry;          // entry price, range-checked by the caller
    signal input mark;           // committed mark
    signal input multiplier;     // the scenario's multiplier of the mark, bps
    signal input profitFactor;   // committed scale · profit weight
    signal input lossFactor;     // committed scale · loss weight
    signal input marginFactor;   // committed scale · maintenance margin rate
    signal output profitTerm;    // weighted profit at the shocked mark, value units · bps²
    signal output lossTerm;      // weighted loss at the shocked mark, value units · bps²
    signal output marginTerm;    // maintenance margin at the shocked mark, value units · bps²

    signal shockedMark <== mark * multiplier;
    signal scaledEntry <== 10000 * entry;
    // Check (1): the direction of the shocked move, on inputs both < 2^71.
    signal markBelow <== LessThan(71)([shockedMark, scaledEntry]);
    signal move <== (shockedMark - scaledEntry) * (1 - 2 * markBelow);   // |m·mark − BPS·entry|
    signal shortAndBelow <== isShort * markBelow;
    signal inProfit <== 1 - markBelow - isShort + 2 * shortAndBelow;

    signal notional <== size * move;
    signal profit <== inProfit * notional;
    profitTerm <== profit * profitFactor;
    lossTerm <== (notional - profit) * lossFactor;
    signal markValue <== size * shockedMark;
    marginTerm <== markValue * marginFactor;
}

/**
 * PositionRecord(): a perpetual position's range checks and its element of the portfolio commitment,
 * exactly as PerpetualTerms packs it (so Solvency and Stress proofs rest on the same attestation):
 *   packed = size + isShort · 2^96 + entry · 2^97
 * Check (1): size < 2^96, entry < 2^56, isShort a bit; so packed < 2^153 is injective.
 */
template PositionRecord() {
    signal input size;       // private |position size|, base units
    signal input isShort;    // private direction: 1 short, 0 long
    signal input entry;      // private entry price, fixed point
    signal output packed;    // size + isShort · 2^96 + entry · 2^97

    _ <== Num2Bits(96)(size);
    _ <== Num2Bits(56)(entry);
    isShort * (isShort - 1) === 0;
    packed <== size + isShort * (1 << 96) + entry * (1 << 97);
}
