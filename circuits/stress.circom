pragma circom 2.1.9;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";
include "tags.circom";
include "chain_hash.circom";
include "asset.circom";
include "statement.circom";
include "attestation.circom";
include "scenario.circom";

/**
 * Stress(N, M, S): a hidden portfolio of N asset slots and M perpetual markets, attested by a registered
 * attester, survives every one of S committed joint price scenarios at the stress ratio `ratioBps`
 * (claim = 1), or fails at least one of them (claim = 0). Scenario s multiplies asset price i by
 * m[s][i] / BPS and perpetual mark j by m[s][N + j] / BPS; at the shocked prices, with every position's
 * profit or loss recomputed at its shocked mark, the portfolio must satisfy
 *
 *   BPS · C_s  ≥  ratioBps · L_s      with (every term carries one more factor BPS, from the multipliers)
 *   C_s = Σ m·collateral·price·collateralFactor + Σ profit_s·profitFactor
 *   L_s = Σ m·debt·price·debtFactor + Σ loss_s·lossFactor + Σ size·m·mark·marginFactor + BPS·BPS·publicLiability
 *   profit_s, loss_s = size · |m·mark − BPS·entry| on the side the position's direction puts it.
 *
 * Public signals: as Solvency's (circuits/spec.json), but `context` binds the scenario set as well:
 *   context = chainHash(TAG_STRESS, [Poseidon(TAG_CONTEXT, priceCommitment, riskCommitment), scenarioCommitment])
 *   scenarioCommitment = chainHash(TAG_SCENARIOS, packed multipliers)   (ScenarioSet)
 *
 * Bound analysis, beyond Solvency's (collateral, debt, |size| < 2^96, entry < 2^56 range-checked here;
 * price, mark < 2^56 and factors < 2^74 fixed by the committed context; publicLiability < 2^128 and
 * ratioBps < 2^16 range-checked here):
 *   every multiplier m < 2^15                 range-checked here (ScenarioSet, Check 5)
 *   exposure W < 2^221                        range-checked here (Check 6), where
 *     W = Σ (collateralTerm + debtTerm) + Σ size·(mark + entry)·(profitFactor + lossFactor + marginFactor)
 *         + BPS·publicLiability
 *     is computed without wrapping: each summand < 2^229 and there are < 2^10 of them, so W < 2^239 < p.
 *     No real portfolio comes near: 2^221 weighted value units is about 10^36 USD.
 *   At each scenario every term is at most 2^15 times its summand in W:
 *     m·collateralTerm ≤ 2^15·collateralTerm (and debt alike);
 *     size·|m·mark − BPS·entry| ≤ size·max(m·mark, BPS·entry) < 2^15·size·(mark + entry), so
 *       profit_s·profitFactor + loss_s·lossFactor + size·m·mark·marginFactor < 2^15·size·(mark + entry)·(Σ factors);
 *     BPS·BPS·publicLiability < 2^15·BPS·publicLiability.
 *   ⇒ C_s + L_s < 2^15·W < 2^236; BPS·C_s < 2^250 and ratioBps·L_s < 2^252: nothing wraps, and
 *     LessThan(252) receives inputs below 2^252 as it requires.
 *   The shocked mark m·mark < 2^71 and BPS·entry < 2^70, so ShockedPerpetual's LessThan(71) is sound.
 */
template Stress(N, M, S) {
    assert(N >= 1 && N <= 256);
    assert(M >= 1 && M <= 64);
    assert(S >= 1 && S <= 64);

    // ---- public ----
    signal input context;            // chainHash(TAG_STRESS, [base context, scenarioCommitment])
    signal input attesterBinding;    // Poseidon(TAG_ATTESTER, Ax, Ay, chainId, gate)
    signal input statement;          // packed account, nonce, attestedAt, ratioBps (the stress ratio), claim
    signal input terms;              // packed publicLiability, expiresAt

    // ---- private: the portfolio ----
    signal input collateral[N];      // balances held per asset, base units
    signal input debt[N];            // debts per asset, base units
    signal input positionSize[M];    // |size| per perpetual market, base units
    signal input positionShort[M];   // 1 if the position is short
    signal input positionEntry[M];   // entry price per position, fixed point
    signal input salt;               // blinding factor of the portfolio commitment

    // ---- private: the committed round, risk parameters and scenarios ----
    signal input roundId;            // price round id
    signal input roundTime;          // price round timestamp
    signal input prices[N];          // asset prices, fixed point
    signal input marks[M];           // perpetual mark prices, fixed point
    signal input collateralFactor[N];
    signal input debtFactor[N];
    signal input profitFactor[M];
    signal input lossFactor[M];
    signal input marginFactor[M];
    signal input multipliers[S][N + M];  // per scenario: price multipliers (assets, then marks), bps

    // ---- private: the statement's fields and the attestation ----
    signal input account;            // Ethereum address
    signal input nonce;              // replay counter
    signal input attestedAt;         // unix time of the attestation
    signal input expiresAt;          // unix time the attestation lapses (signed)
    signal input publicLiability;    // stated liability on top of the hidden ones, value units
    signal input ratioBps;           // required stress ratio, basis points
    signal input claim;              // 1 survives every scenario, 0 fails at least one
    signal input attesterAx;         // attester key, x
    signal input attesterAy;         // attester key, y
    signal input chainId;            // domain: chain id
    signal input gate;               // domain: gate address
    signal input sigR8x;             // signature R8, x
    signal input sigR8y;             // signature R8, y
    signal input sigS;               // signature S

    var BPS = 10000;

    // Check (1): the statement's fields are in range and are the ones the public statement packs.
    Statement()(statement, account, nonce, attestedAt, ratioBps, claim);
    Terms()(terms, publicLiability, expiresAt);

    // Check (2): per-asset base terms and per-position records, with every private amount range-checked inside.
    signal portfolioElements[1 + N + M];
    portfolioElements[0] <== salt;
    component assets[N];
    for (var i = 0; i < N; i++) {
        assets[i] = AssetTerms();
        assets[i].collateral <== collateral[i];
        assets[i].debt <== debt[i];
        assets[i].price <== prices[i];
        assets[i].collateralFactor <== collateralFactor[i];
        assets[i].debtFactor <== debtFactor[i];
        portfolioElements[1 + i] <== assets[i].packed;
    }
    for (var j = 0; j < M; j++) {
        portfolioElements[1 + N + j] <== PositionRecord()(positionSize[j], positionShort[j], positionEntry[j]);
    }

    // Check (3): the prices, risk parameters and scenarios are the committed ones.
    signal priceElements[2 + N + M];
    priceElements[0] <== roundId;
    priceElements[1] <== roundTime;
    for (var i = 0; i < N; i++) { priceElements[2 + i] <== prices[i]; }
    for (var j = 0; j < M; j++) { priceElements[2 + N + j] <== marks[j]; }
    signal priceCommitment <== ChainHash(2 + N + M, TAG_PRICES())(priceElements);

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
    signal baseContext <== Poseidon(3)([TAG_CONTEXT(), priceCommitment, riskCommitment]);
    // Check (5) is inside: every multiplier < 2^15, and the packing the commitment hashes is injective.
    signal scenarioCommitment <== ScenarioSet(S, N + M)(multipliers);
    signal expectedContext <== ChainHash(2, TAG_STRESS())([baseContext, scenarioCommitment]);
    context === expectedContext;

    // Check (4): the attester signed this portfolio for this account, domain, time and expiry.
    signal portfolioCommitment <== ChainHash(1 + N + M, TAG_PORTFOLIO())(portfolioElements);
    Attestation()(attesterBinding, attesterAx, attesterAy, chainId, gate, account, attestedAt, expiresAt,
                  portfolioCommitment, sigR8x, sigR8y, sigS);

    // Check (6): the exposure W is below 2^221, which bounds every scenario's sides (analysis above).
    var exposureSum = BPS * publicLiability;
    for (var i = 0; i < N; i++) { exposureSum += assets[i].collateralTerm + assets[i].debtTerm; }
    signal priceSpan[M];
    signal marketExposure[M];
    for (var j = 0; j < M; j++) {
        priceSpan[j] <== positionSize[j] * (marks[j] + positionEntry[j]);
        marketExposure[j] <== priceSpan[j] * (profitFactor[j] + lossFactor[j] + marginFactor[j]);
        exposureSum += marketExposure[j];
    }
    signal exposure <== exposureSum;
    _ <== Num2Bits(221)(exposure);

    // Check (7): each scenario's inequality, evaluated exactly; short[s] = 1 when scenario s fails.
    signal collateralShock[S][N];
    signal debtShock[S][N];
    signal weightedCollateral[S];
    signal requiredCollateral[S];
    signal short[S];
    component shocked[S][M];
    var failures = 0;
    for (var s = 0; s < S; s++) {
        var collateralSum = 0;
        var liabilitySum = BPS * BPS * publicLiability;
        for (var i = 0; i < N; i++) {
            collateralShock[s][i] <== assets[i].collateralTerm * multipliers[s][i];
            debtShock[s][i] <== assets[i].debtTerm * multipliers[s][i];
            collateralSum += collateralShock[s][i];
            liabilitySum += debtShock[s][i];
        }
        for (var j = 0; j < M; j++) {
            shocked[s][j] = ShockedPerpetual();
            shocked[s][j].size <== positionSize[j];
            shocked[s][j].isShort <== positionShort[j];
            shocked[s][j].entry <== positionEntry[j];
            shocked[s][j].mark <== marks[j];
            shocked[s][j].multiplier <== multipliers[s][N + j];
            shocked[s][j].profitFactor <== profitFactor[j];
            shocked[s][j].lossFactor <== lossFactor[j];
            shocked[s][j].marginFactor <== marginFactor[j];
            collateralSum += shocked[s][j].profitTerm;
            liabilitySum += shocked[s][j].lossTerm + shocked[s][j].marginTerm;
        }
        weightedCollateral[s] <== BPS * collateralSum;
        requiredCollateral[s] <== ratioBps * liabilitySum;
        short[s] <== LessThan(252)([weightedCollateral[s], requiredCollateral[s]]);
        failures += short[s];
    }

    // Check (8): claim = 1 ⇔ no scenario fails. failing = Σ short[s] ∈ [0, S] does not wrap, and IsZero
    // makes `none` 1 exactly when failing = 0: so claim = 1 forces every scenario to hold and claim = 0
    // forces at least one to fail.
    signal failing <== failures;
    signal none <== IsZero()(failing);
    claim === none;
}
