pragma circom 2.1.9;

include "circomlib/circuits/bitify.circom";

/**
 * AssetTerms(): one asset slot's contribution to both sides of the inequality.
 *   collateralTerm = collateral · price · collateralFactor
 *   debtTerm       = debt · price · debtFactor
 *   packed         = collateral + debt · 2^96   (the slot's element in the portfolio commitment)
 * Bounds relied on: collateral, debt < 2^96 (Check 1, here); price < 2^56 and factors < 2^74 are
 * fixed by the context commitment to values PriceOracle and RiskRegistry bound-checked on chain.
 * ⇒ each term < 2^(96+56+74) = 2^226, and packed < 2^192 is injective in (collateral, debt).
 */
template AssetTerms() {
    signal input collateral;        // private balance held, base units
    signal input debt;              // private debt owed, base units
    signal input price;             // committed oracle price of one whole token, fixed point
    signal input collateralFactor;  // committed scale · collateral weight (bps)
    signal input debtFactor;        // committed scale · liability weight (bps)
    signal output collateralTerm;   // weighted collateral value, value units · bps
    signal output debtTerm;         // weighted debt value, value units · bps
    signal output packed;           // collateral + debt · 2^96

    // Check (1): balances are below 2^96, so neither can be a field-negative number.
    _ <== Num2Bits(96)(collateral);
    _ <== Num2Bits(96)(debt);

    signal collateralValue <== collateral * price;
    collateralTerm <== collateralValue * collateralFactor;
    signal debtValue <== debt * price;
    debtTerm <== debtValue * debtFactor;

    packed <== collateral + debt * (1 << 96);
}
