/**
 * The oracle's median model (oracle/median.ts), which the contract is tested against: the lower median of
 * odd and even counts, ties, and the property that a minority cannot move it outside the honest range.
 */
import { expect } from "chai";
import fc from "fast-check";
import { lowerMedian, reportsToMoveMedian, slotMedians } from "../../oracle/median.ts";

const price = fc.bigInt({ min: 1n, max: (1n << 56n) - 1n });
/** Values drawn from a few distinct prices, so ties are common. */
const tied = fc.constantFrom(1n, 2n, 3n, 100n);

describe("oracle: the lower median", function () {
  it("takes the middle value of an odd count and the lower middle of an even count", function () {
    expect(lowerMedian([5n])).to.equal(5n);
    expect(lowerMedian([9n, 1n, 5n])).to.equal(5n);
    expect(lowerMedian([9n, 1n, 5n, 7n])).to.equal(5n);
    expect(lowerMedian([2n, 1n])).to.equal(1n);
    expect(lowerMedian([4n, 4n, 1n, 1n])).to.equal(1n);
    expect(() => lowerMedian([])).to.throw(RangeError);
  });

  it("is a reported value with at least ceil(k/2) values at or below it and floor(k/2) + 1 at or above it", function () {
    fc.assert(fc.property(fc.array(fc.oneof(price, tied), { minLength: 1, maxLength: 15 }), (xs) => {
      const m = lowerMedian(xs);
      expect(xs).to.include(m);
      expect(xs.filter((x) => x <= m).length).to.be.at.least(Math.ceil(xs.length / 2));
      expect(xs.filter((x) => x >= m).length).to.be.at.least(Math.floor(xs.length / 2) + 1);
    }), { numRuns: 500 });
  });

  it("does not depend on the order of the reports", function () {
    fc.assert(fc.property(fc.array(fc.oneof(price, tied), { minLength: 1, maxLength: 15 }), fc.nat(), (xs, seed) => {
      const shuffled = [...xs].sort((a, b) => Number(((a ^ BigInt(seed)) % 7n) - ((b ^ BigInt(seed)) % 7n)));
      expect(lowerMedian(shuffled)).to.equal(lowerMedian(xs));
    }), { numRuns: 300 });
  });

  it("a minority of reporters (2f < k) cannot move any slot's median outside the honest reporters' range", function () {
    const scenario = fc.integer({ min: 1, max: 8 }).chain((honest) =>
      fc.record({
        honest: fc.array(fc.array(fc.oneof(price, tied), { minLength: 3, maxLength: 3 }), { minLength: honest, maxLength: honest }),
        // f < honest, so 2f < k = honest + f
        liars: fc.array(fc.array(fc.oneof(price, fc.constant(1n), fc.constant((1n << 56n) - 1n)), { minLength: 3, maxLength: 3 }), { minLength: 0, maxLength: honest - 1 }),
      }));
    fc.assert(fc.property(scenario, ({ honest, liars }) => {
      const medians = slotMedians([...honest, ...liars]);
      medians.forEach((m, slot) => {
        const values = honest.map((r) => r[slot]!);
        const lo = values.reduce((a, b) => (a < b ? a : b));
        const hi = values.reduce((a, b) => (a > b ? a : b));
        expect(m >= lo && m <= hi, `slot ${slot}: median ${m} outside [${lo}, ${hi}] with ${honest.length} honest and ${liars.length} lying reports`).to.equal(true);
      });
    }), { numRuns: 500 });
  });

  it("the bound is tight: ceil(k/2) low or floor(k/2) + 1 high reports do move the median", function () {
    for (let k = 1; k <= 15; k++) {
      const { down, up } = reportsToMoveMedian(k);
      const honest = (f: number): bigint[] => Array<bigint>(k - f).fill(1000n);
      expect(lowerMedian([...honest(down), ...Array<bigint>(down).fill(1n)]), `k=${k} down`).to.equal(1n);
      expect(lowerMedian([...honest(down - 1), ...Array<bigint>(down - 1).fill(1n)]), `k=${k} down-1`).to.equal(1000n);
      expect(lowerMedian([...honest(up), ...Array<bigint>(up).fill(9999n)]), `k=${k} up`).to.equal(9999n);
      if (up - 1 < k) expect(lowerMedian([...honest(up - 1), ...Array<bigint>(up - 1).fill(9999n)]), `k=${k} up-1`).to.equal(1000n);
    }
  });

  it("takes slot medians per slot and refuses reports of different lengths", function () {
    expect(slotMedians([[1n, 30n], [2n, 10n], [3n, 20n]])).to.deep.equal([2n, 20n]);
    expect(() => slotMedians([[1n], [1n, 2n]])).to.throw(RangeError);
    expect(() => slotMedians([])).to.throw(RangeError);
  });
});
