/**
 * The reference model (prover/model.ts, prover/ratio.ts) on hand-computed cases, and the packing of the
 * commitments' and the statement's field elements (prover/commitments.ts). The model is the oracle of
 * every circuit test, so it is checked here against arithmetic done by hand.
 */
import { expect } from "chai";
import fc from "fast-check";
import { BoundError, checkBounds, riskFactors, scaleOf, type EncodedPortfolio, type PriceRound, type RiskFactors } from "../../prover/model.ts";
import { claimHolds, ratioBpsOf, valuate } from "../../prover/ratio.ts";
import { packAsset, packPosition, packStatement, unpackStatement, portfolioElements, type Statement } from "../../prover/commitments.ts";
import { poseidon, poseidonReady } from "../../prover/poseidon.ts";
import { FIELD, STATEMENT_FIELDS, spec } from "../../prover/spec.ts";

const E18 = 10n ** 18n;
const E8 = 10n ** 8n;

/** One 18-decimal asset and one 18-decimal perpetual market, weights in bps. */
function oneByOne(o: {
  collateral?: bigint; debt?: bigint; size?: bigint; entry?: bigint; price?: bigint; mark?: bigint; publicLiability?: bigint;
  collateralWeightBps?: number; liabilityWeightBps?: number; profitWeightBps?: number; lossWeightBps?: number; maintenanceMarginBps?: number;
}) {
  const p: EncodedPortfolio = {
    collateral: [o.collateral ?? 0n], debt: [o.debt ?? 0n],
    positions: [{ size: o.size ?? 0n, entryPrice: o.entry ?? 0n }], salt: 1n,
  };
  const r: PriceRound = { roundId: 1n, timestamp: 1n, prices: [o.price ?? 3000n * E8], marks: [o.mark ?? 100n * E8] };
  const f = riskFactors(
    [{ decimals: 18, collateralWeightBps: o.collateralWeightBps ?? 8000, liabilityWeightBps: o.liabilityWeightBps ?? 10000 }],
    [{ decimals: 18, profitWeightBps: o.profitWeightBps ?? 9000, lossWeightBps: o.lossWeightBps ?? 10000, maintenanceMarginBps: o.maintenanceMarginBps ?? 500 }],
  );
  return valuate(p, r, f, o.publicLiability ?? 0n);
}

describe("reference model (prover/ratio.ts)", () => {
  it("values collateral and debt as amount · price · scale · weight", () => {
    // 2 tokens at $3000, weight 80%: 2e18 · 3000e8 · 8000 = 4.8e33; 1 token of debt at 100%: 3e33.
    const v = oneByOne({ collateral: 2n * E18, debt: E18 });
    expect(v).to.deep.equal({ collateralSide: 48n * 10n ** 32n, liabilitySide: 3n * 10n ** 33n });
    expect(ratioBpsOf(v)).to.equal(16000n);
  });

  it("scales a token with fewer decimals up to 18", () => {
    expect(scaleOf(18)).to.equal(1n);
    expect(scaleOf(6)).to.equal(10n ** 12n);
    expect(scaleOf(0)).to.equal(E18);
    // 5 USDC (6 decimals) at $1, weight 100%: 5e6 · 1e12 · 1e8 · 10000 = 5e30.
    const f = riskFactors([{ decimals: 6, collateralWeightBps: 10000, liabilityWeightBps: 10000 }], [{ decimals: 18, profitWeightBps: 0, lossWeightBps: 0, maintenanceMarginBps: 0 }]);
    const v = valuate({ collateral: [5_000_000n], debt: [0n], positions: [{ size: 0n, entryPrice: 0n }], salt: 0n },
      { roundId: 0n, timestamp: 0n, prices: [E8], marks: [0n] }, f, 0n);
    expect(v.collateralSide).to.equal(5n * 10n ** 30n);
  });

  it("adds the public liability times BPS to the liability side", () => {
    expect(oneByOne({ publicLiability: 7n }).liabilitySide).to.equal(70000n);
  });

  it("counts a long in profit on the collateral side and its margin on the liability side", () => {
    // long 2 at entry $100, mark $110: profit 2e18 · 10e8 · 9000 = 1.8e31; margin 2e18 · 110e8 · 500 = 1.1e31.
    const v = oneByOne({ size: 2n * E18, entry: 100n * E8, mark: 110n * E8 });
    expect(v).to.deep.equal({ collateralSide: 18n * 10n ** 30n, liabilitySide: 11n * 10n ** 30n });
  });

  it("counts a long at a loss and its margin on the liability side", () => {
    // long 2 at $100, mark $90: loss 2e18 · 10e8 · 10000 = 2e31; margin 2e18 · 90e8 · 500 = 9e30.
    const v = oneByOne({ size: 2n * E18, entry: 100n * E8, mark: 90n * E8 });
    expect(v).to.deep.equal({ collateralSide: 0n, liabilitySide: 29n * 10n ** 30n });
  });

  it("counts a short in profit when the mark falls below its entry", () => {
    const v = oneByOne({ size: -2n * E18, entry: 100n * E8, mark: 90n * E8 });
    expect(v).to.deep.equal({ collateralSide: 18n * 10n ** 30n, liabilitySide: 9n * 10n ** 30n });
  });

  it("counts a short at a loss when the mark rises above its entry", () => {
    const v = oneByOne({ size: -2n * E18, entry: 100n * E8, mark: 110n * E8 });
    expect(v).to.deep.equal({ collateralSide: 0n, liabilitySide: 31n * 10n ** 30n });
  });

  it("charges only the margin of a position marked at its entry, long or short", () => {
    for (const size of [2n * E18, -2n * E18]) {
      expect(oneByOne({ size, entry: 100n * E8, mark: 100n * E8 })).to.deep.equal({ collateralSide: 0n, liabilitySide: 10n ** 31n });
    }
  });

  it("holds a solvency claim at exactly the threshold and an insolvency claim just above it", () => {
    const v = oneByOne({ collateral: 2n * E18, debt: E18 }); // exactly 16000 bps
    expect(claimHolds(v, 16000n, 1n)).to.equal(true);
    expect(claimHolds(v, 16000n, 0n)).to.equal(false);
    expect(claimHolds(v, 16001n, 1n)).to.equal(false);
    expect(claimHolds(v, 16001n, 0n)).to.equal(true);
  });

  it("rounds the ratio down and has none without liabilities", () => {
    expect(ratioBpsOf(oneByOne({ collateral: 2n * E18, debt: 3n * E18 }))).to.equal(5333n); // 4.8e33 / 9e33
    const v = oneByOne({ collateral: E18 });
    expect(ratioBpsOf(v)).to.equal(null);
    expect(claimHolds(v, 65535n, 1n)).to.equal(true);
    expect(claimHolds(oneByOne({}), 0n, 0n)).to.equal(false); // 0 ≥ 0 · 0: a ratio of 0 is always met
  });

  it("agrees with a direct computation on random one-asset portfolios", () => {
    fc.assert(fc.property(
      fc.bigInt(0n, 2n ** 96n - 1n), fc.bigInt(0n, 2n ** 96n - 1n), fc.bigInt(-(2n ** 96n - 1n), 2n ** 96n - 1n),
      fc.bigInt(0n, 2n ** 56n - 1n), fc.bigInt(0n, 2n ** 56n - 1n), fc.bigInt(0n, 2n ** 56n - 1n),
      (collateral, debt, size, entry, price, mark) => {
        const v = oneByOne({ collateral, debt, size, entry, price, mark });
        const mag = size < 0n ? -size : size;
        const gain = size < 0n ? entry - mark : mark - entry;
        const pnl = mag * (gain < 0n ? -gain : gain);
        expect(v.collateralSide).to.equal(collateral * price * 8000n + (gain >= 0n ? pnl * 9000n : 0n));
        expect(v.liabilitySide).to.equal(debt * price * 10000n + (gain < 0n ? pnl * 10000n : 0n) + mag * mark * 500n);
      }), { numRuns: 200 });
  });
});

describe("reference model bounds (prover/model.ts)", () => {
  const B = spec.bounds;
  const base = () => ({
    p: { collateral: [0n], debt: [0n], positions: [{ size: 0n, entryPrice: 0n }], salt: 0n } as EncodedPortfolio,
    r: { roundId: 0n, timestamp: 0n, prices: [0n], marks: [0n] } as PriceRound,
    f: { collateralFactor: [0n], debtFactor: [0n], profitFactor: [0n], lossFactor: [0n], marginFactor: [0n] } as RiskFactors,
  });
  type Edit = (x: ReturnType<typeof base>, v: bigint) => void;
  const cases: Array<[string, number, Edit]> = [
    ["collateral", B.amountBits, (x, v) => { x.p.collateral[0] = v; }],
    ["debt", B.amountBits, (x, v) => { x.p.debt[0] = v; }],
    ["a long's size", B.amountBits, (x, v) => { x.p.positions[0]!.size = v; }],
    ["a short's size", B.amountBits, (x, v) => { x.p.positions[0]!.size = -v; }],
    ["entry price", B.priceBits, (x, v) => { x.p.positions[0]!.entryPrice = v; }],
    ["price", B.priceBits, (x, v) => { x.r.prices[0] = v; }],
    ["mark", B.priceBits, (x, v) => { x.r.marks[0] = v; }],
    ["collateral factor", B.factorBits, (x, v) => { x.f.collateralFactor[0] = v; }],
    ["margin factor", B.factorBits, (x, v) => { x.f.marginFactor[0] = v; }],
  ];
  for (const [name, k, edit] of cases) {
    it(`accepts ${name} = 2^${k} − 1 and refuses 2^${k}`, () => {
      const ok = base();
      edit(ok, 2n ** BigInt(k) - 1n);
      expect(() => checkBounds(ok.p, ok.r, ok.f, 0n)).not.to.throw();
      const bad = base();
      edit(bad, 2n ** BigInt(k));
      expect(() => checkBounds(bad.p, bad.r, bad.f, 0n)).to.throw(BoundError);
    });
  }

  it(`accepts a public liability of 2^${B.liabilityBits} − 1 and refuses 2^${B.liabilityBits} and negatives`, () => {
    const x = base();
    expect(() => checkBounds(x.p, x.r, x.f, 2n ** 128n - 1n)).not.to.throw();
    expect(() => checkBounds(x.p, x.r, x.f, 2n ** 128n)).to.throw(BoundError, /publicLiability/);
    expect(() => checkBounds(x.p, x.r, x.f, -1n)).to.throw(BoundError, /publicLiability/);
  });

  it("refuses a negative balance and a salt outside the field", () => {
    const x = base();
    x.p.collateral[0] = -1n;
    expect(() => checkBounds(x.p, x.r, x.f, 0n)).to.throw(BoundError, /collateral\[0\]/);
    const y = base();
    y.p.salt = FIELD;
    expect(() => checkBounds(y.p, y.r, y.f, 0n)).to.throw(BoundError, /salt/);
  });

  it("refuses vectors whose lengths disagree with the universe, and empty universes", () => {
    const x = base();
    x.p.debt.push(0n);
    expect(() => checkBounds(x.p, x.r, x.f, 0n)).to.throw(BoundError, /debt has 2 entries, expected 1/);
    const y = base();
    y.r.marks = [];
    expect(() => checkBounds(y.p, y.r, y.f, 0n)).to.throw(BoundError, /market count 0/);
  });

  it("refuses governance parameters outside their limits", () => {
    const market = { decimals: 18, profitWeightBps: 0, lossWeightBps: 0, maintenanceMarginBps: 0 };
    expect(() => scaleOf(19)).to.throw(BoundError);
    expect(() => scaleOf(1.5)).to.throw(BoundError);
    expect(() => riskFactors([{ decimals: 18, collateralWeightBps: B.maxCollateralWeightBps + 1, liabilityWeightBps: 0 }], [market])).to.throw(BoundError, /collateralWeightBps/);
    expect(() => riskFactors([{ decimals: 18, collateralWeightBps: 0, liabilityWeightBps: B.maxLiabilityWeightBps + 1 }], [market])).to.throw(BoundError, /liabilityWeightBps/);
    expect(() => riskFactors([], [{ ...market, maintenanceMarginBps: 0.5 }])).to.throw(BoundError, /maintenanceMarginBps/);
  });

  it("derives every factor within the circuit's factor bound", () => {
    const f = riskFactors(
      [{ decimals: 0, collateralWeightBps: B.maxCollateralWeightBps, liabilityWeightBps: B.maxLiabilityWeightBps }],
      [{ decimals: 0, profitWeightBps: B.maxCollateralWeightBps, lossWeightBps: B.maxLiabilityWeightBps, maintenanceMarginBps: B.maxMarginRateBps }],
    );
    for (const v of Object.values(f).flat()) expect(v < 2n ** BigInt(B.factorBits)).to.equal(true);
    expect(f.debtFactor[0]).to.equal(E18 * 16384n);
  });
});

describe("commitment packing (prover/commitments.ts)", () => {
  before(poseidonReady);

  const statementArb = fc.record({
    account: fc.bigInt(0n, 2n ** 160n - 1n),
    nonce: fc.bigInt(0n, 2n ** 32n - 1n),
    attestedAt: fc.bigInt(0n, 2n ** 40n - 1n),
    ratioBps: fc.bigInt(0n, 2n ** 16n - 1n),
    claim: fc.bigInt(0n, 1n),
  });

  it("packs and unpacks a statement losslessly, below 2^249", () => {
    fc.assert(fc.property(statementArb, (s: Statement) => {
      const packed = packStatement(s);
      expect(packed < 2n ** 249n && packed < FIELD).to.equal(true);
      expect(unpackStatement(packed)).to.deep.equal(s);
    }), { numRuns: 300 });
  });

  it("gives statements that differ in any one field different packed values", () => {
    const fieldArb = fc.integer({ min: 0, max: STATEMENT_FIELDS.length - 1 });
    fc.assert(fc.property(statementArb, fieldArb, fc.bigInt(0n, 2n ** 160n - 1n), (s: Statement, k, raw) => {
      const f = STATEMENT_FIELDS[k]!;
      const name = f.name as keyof Statement;
      const changed = raw % (1n << BigInt(f.bits));
      fc.pre(changed !== s[name]);
      expect(packStatement({ ...s, [name]: changed })).not.to.equal(packStatement(s));
    }), { numRuns: 300 });
  });

  it("places each statement field at its spec offset", () => {
    const zero: Statement = { account: 0n, nonce: 0n, attestedAt: 0n, ratioBps: 0n, claim: 0n };
    for (const f of STATEMENT_FIELDS) {
      expect(packStatement({ ...zero, [f.name]: 1n })).to.equal(1n << BigInt(f.offset));
    }
  });

  it("refuses a statement field that overflows its width or is negative", () => {
    const ok: Statement = { account: 1n, nonce: 1n, attestedAt: 1n, ratioBps: 1n, claim: 1n };
    for (const f of STATEMENT_FIELDS) {
      expect(() => packStatement({ ...ok, [f.name]: 1n << BigInt(f.bits) }), f.name).to.throw(RangeError, f.name);
      expect(() => packStatement({ ...ok, [f.name]: -1n }), f.name).to.throw(RangeError, f.name);
      expect(packStatement({ ...ok, [f.name]: (1n << BigInt(f.bits)) - 1n }) < 2n ** 249n).to.equal(true);
    }
  });

  it("packs an asset slot injectively below 2^192", () => {
    fc.assert(fc.property(fc.bigInt(0n, 2n ** 96n - 1n), fc.bigInt(0n, 2n ** 96n - 1n), (c, d) => {
      const packed = packAsset(c, d);
      expect(packed < 2n ** 192n).to.equal(true);
      expect([packed & (2n ** 96n - 1n), packed >> 96n]).to.deep.equal([c, d]);
    }), { numRuns: 300 });
  });

  it("packs a position's magnitude, direction and entry injectively below 2^153", () => {
    fc.assert(fc.property(fc.bigInt(-(2n ** 96n - 1n), 2n ** 96n - 1n), fc.bigInt(0n, 2n ** 56n - 1n), (size, entry) => {
      const packed = packPosition(size, entry);
      expect(packed < 2n ** 153n).to.equal(true);
      const mag = packed & (2n ** 96n - 1n);
      const short = (packed >> 96n) & 1n;
      expect(short === 1n ? -mag : mag).to.equal(size);
      expect(short).to.equal(size < 0n ? 1n : 0n);
      expect(packed >> 97n).to.equal(entry);
    }), { numRuns: 300 });
  });

  it("puts the salt first, then the asset slots, then the positions", () => {
    const p: EncodedPortfolio = { collateral: [1n, 2n], debt: [3n, 4n], positions: [{ size: -5n, entryPrice: 6n }], salt: 9n };
    expect(portfolioElements(p)).to.deep.equal([9n, packAsset(1n, 3n), packAsset(2n, 4n), packPosition(-5n, 6n)]);
  });

  it("refuses to hash a value outside the field", () => {
    expect(() => poseidon([FIELD])).to.throw(RangeError);
    expect(() => poseidon([-1n])).to.throw(RangeError);
    expect(() => poseidon([FIELD - 1n])).not.to.throw();
  });
});
