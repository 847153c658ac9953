/**
 * The price commitment's packing (circuits/spec.json hashing.priceRound), which PriceOracle.sol and the
 * circuit's PriceCommitment compute the same way (test/contracts and test/circuits compare them end to end).
 */
import { expect } from "chai";
import fc from "fast-check";
import { packPrices, packValues, priceElements, roundHeader } from "../../prover/commitments.ts";

const P56 = 1n << 56n;

describe("prover: the price round's packed elements", function () {
  it("packs four 56-bit values per element, lowest first, the last element holding what is left", function () {
    expect(packValues([1n, 2n, 3n, 4n, 5n], 56n, 4)).to.deep.equal([1n + (2n << 56n) + (3n << 112n) + (4n << 168n), 5n]);
    expect(packPrices([P56 - 1n])).to.deep.equal([P56 - 1n]);
    expect(packPrices([])).to.deep.equal([]);
  });

  it("is injective on values below 2^56, and refuses any value outside [0, 2^56)", function () {
    fc.assert(fc.property(fc.array(fc.bigInt(0n, P56 - 1n), { minLength: 1, maxLength: 12 }), (xs) => {
      const words = packPrices(xs);
      const back = xs.map((_, i) => (words[Math.floor(i / 4)]! >> (56n * BigInt(i % 4))) & (P56 - 1n));
      expect(back).to.deep.equal(xs);
      expect(words.every((w) => w < 1n << 224n)).to.equal(true);
    }), { numRuns: 300 });
    expect(() => packPrices([1n, P56])).to.throw(RangeError, /does not fit 56 bits/);
    expect(() => packPrices([-1n])).to.throw(RangeError);
  });

  it("puts the round id and time in one header element, refusing ids from 2^64 and times from 2^40", function () {
    expect(roundHeader({ roundId: 7n, timestamp: 1_800_000_000n })).to.equal(7n + (1_800_000_000n << 64n));
    expect(() => roundHeader({ roundId: 1n << 64n, timestamp: 1n })).to.throw(RangeError, /round id/);
    expect(() => roundHeader({ roundId: 1n, timestamp: 1n << 40n })).to.throw(RangeError, /timestamp/);
    const round = { roundId: 3n, timestamp: 100n, prices: [1n, 2n, 3n], marks: [4n, 5n] };
    expect(priceElements(round)).to.deep.equal([3n + (100n << 64n), ...packPrices([1n, 2n, 3n, 4n, 5n])]);
  });
});
