pragma circom 2.1.9;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";
include "tags.circom";
include "chain_hash.circom";
include "asset.circom";
include "perpetual.circom";
include "statement.circom";
include "attestation.circom";

/**
 * Solvency(N, M): a hidden portfolio of N asset slots and M perpetual markets, attested by a registered
 * attester, meets (claim = 1) or misses (claim = 0) the ratio `ratioBps` against committed prices:
 *
 *   BPS · C  ≥  ratioBps · L      with
 *   C = Σ collateral·price·collateralFactor + Σ profit·profitFactor
 *   L = Σ debt·price·debtFactor + Σ loss·lossFactor + Σ size·mark·marginFactor + BPS·publicLiability
 *
 * Public signals (circuits/spec.json, in order): context, attesterBinding, statement, terms
 * (terms packs publicLiability and the attestation's expiry).
 *
 * Bound analysis (every value that enters a product):
 *   collateral, debt, |size| < 2^96          range-checked here (AssetTerms, PerpetualTerms)
 *   entry < 2^56                              range-checked here (PerpetualTerms)
 *   price, mark < 2^56                        range-checked here (PriceCommitment packs them) and
 *                                             fixed by `context`; PriceOracle refuses larger prices
 *   every factor < 2^74                       fixed by `context`; RiskRegistry derives factors as
 *                                             10^(18−decimals) · weight with decimals ≤ 18 and
 *                                             weight ≤ 16384 bps, so < 2^60 · 2^14
 *   publicLiability < 2^128                   range-checked here (Terms)
 *   ratioBps < 2^16                           range-checked here (Statement)
 *   ⇒ every term < 2^(96+56+74) = 2^226 and BPS·publicLiability < 2^142;
 *     N + 2M + 1 ≤ 256 + 128 + 1 < 2^9 terms per side ⇒ C, L < 2^235;
 *     BPS < 2^14 and ratioBps < 2^16 ⇒ BPS·C, ratioBps·L < 2^251 < p: nothing wraps, and
 *     LessThan(251) receives inputs below 2^251 as it requires.
 */
template Solvency(N, M) {
    assert(N >= 1 && N <= 256);
    assert(M >= 1 && M <= 64);

    // ---- public ----
    signal input context;            // Poseidon(TAG_CONTEXT, priceCommitment, riskCommitment)
    signal input attesterBinding;    // Poseidon(TAG_ATTESTER, Ax, Ay, chainId, gate)
    signal input statement;          // packed account, nonce, attestedAt, ratioBps, claim
    signal input terms;              // packed publicLiability, expiresAt

    // ---- private: the portfolio ----
    signal input collateral[N];      // balances held per asset, base units
    signal input debt[N];            // debts per asset, base units
    signal input positionSize[M];    // |size| per perpetual market, base units
    signal input positionShort[M];   // 1 if the position is short
    signal input positionEntry[M];   // entry price per position, fixed point
    signal input salt;               // blinding factor of the portfolio commitment

    // ---- private: the committed round and risk parameters ----
    signal input roundId;            // price round id
    signal input roundTime;          // price round timestamp (the reporters' observation time)
    signal input prices[N];          // asset prices, fixed point
    signal input marks[M];           // perpetual mark prices, fixed point
    signal input collateralFactor[N];
    signal input debtFactor[N];
    signal input profitFactor[M];
    signal input lossFactor[M];
    signal input marginFactor[M];

    // ---- private: the statement's fields and the attestation ----
    signal input account;            // Ethereum address
    signal input nonce;              // replay counter
    signal input attestedAt;         // unix time of the attestation
    signal input expiresAt;          // unix time the attestation lapses (signed)
    signal input publicLiability;    // stated liability on top of the hidden ones, value units
    signal input ratioBps;           // required ratio, basis points
    signal input claim;              // 1 solvent, 0 insolvent
    signal input attesterAx;         // attester key, x
    signal input attesterAy;         // attester key, y
    signal input chainId;            // domain: chain id
    signal input gate;               // domain: gate address
    signal input sigR8x;             // signature R8, x
    signal input sigR8y;             // signature R8, y
    signal input sigS;               // signature S

    // Check (1): the statement's fields are in range and are the ones the public statement packs.
    Statement()(statement, account, nonce, attestedAt, ratioBps, claim);
    Terms()(terms, publicLiability, expiresAt);

    // Check (2): per-asset and per-position terms, with every private amount range-checked inside.
    signal portfolioElements[1 + N + M];
    portfolioElements[0] <== salt;
    var collateralSum = 0;
    var liabilitySum = 10000 * publicLiability;
    component assets[N];
    for (var i = 0; i < N; i++) {
        assets[i] = AssetTerms();
        assets[i].collateral <== collateral[i];
        assets[i].debt <== debt[i];
        assets[i].price <== prices[i];
        assets[i].collateralFactor <== collateralFactor[i];
        assets[i].debtFactor <== debtFactor[i];
        collateralSum += assets[i].collateralTerm;
        liabilitySum += assets[i].debtTerm;
        portfolioElements[1 + i] <== assets[i].packed;
    }
    component positions[M];
    for (var j = 0; j < M; j++) {
        positions[j] = PerpetualTerms();
        positions[j].size <== positionSize[j];
        positions[j].isShort <== positionShort[j];
        positions[j].entry <== positionEntry[j];
        positions[j].mark <== marks[j];
        positions[j].profitFactor <== profitFactor[j];
        positions[j].lossFactor <== lossFactor[j];
        positions[j].marginFactor <== marginFactor[j];
        collateralSum += positions[j].profitTerm;
        liabilitySum += positions[j].lossTerm + positions[j].marginTerm;
        portfolioElements[1 + N + j] <== positions[j].packed;
    }

    // Check (3): the prices and risk parameters are the committed ones.
    signal priceCommitment <== PriceCommitment(N, M, TAG_PRICES())(roundId, roundTime, prices, marks);

    signal riskElements[2 * N + 3 * M];
    for (var i = 0; i < N; i++) {
        riskElements[i] <== collateralFactor[i];
        riskElements[N + i] <== debtFactor[i];
    }
    for (var j = 0; j < M; j++) {
        riskElements[2 * N + j] <== profitFactor[j];
        riskElements[2 * N + M + j] <== lossFactor[j];
        riskElements[2 * N + 2 * M + j] <== marginFactor[j];
    }
    signal riskCommitment <== ChainHash(2 * N + 3 * M, TAG_RISK())(riskElements);
    signal expectedContext <== Poseidon(3)([TAG_CONTEXT(), priceCommitment, riskCommitment]);
    context === expectedContext;

    // Check (4): the attester signed this portfolio for this account, domain, time and expiry.
    signal portfolioCommitment <== ChainHash(1 + N + M, TAG_PORTFOLIO())(portfolioElements);
    Attestation()(attesterBinding, attesterAx, attesterAy, chainId, gate, account, attestedAt, expiresAt,
                  portfolioCommitment, sigR8x, sigR8y, sigS);

    // Check (5): the claim holds. Both sides < 2^251 (bound analysis above).
    signal weightedCollateral <== 10000 * collateralSum;
    signal requiredCollateral <== ratioBps * liabilitySum;
    signal short <== LessThan(251)([weightedCollateral, requiredCollateral]);
    short === 1 - claim;
}
