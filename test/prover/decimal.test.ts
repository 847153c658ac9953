import { expect } from "chai";
import fc from "fast-check";
import { parseDecimal, formatDecimal, DecimalError } from "../../prover/decimal.ts";

const refuses = (text: string, decimals: number, pattern: RegExp, signed = false): void => {
  expect(() => parseDecimal(text, decimals, { signed }), text).to.throw(DecimalError, pattern);
};

describe("decimal strings", () => {
  it("converts whole and fractional amounts exactly", () => {
    expect(parseDecimal("0", 18)).to.equal(0n);
    expect(parseDecimal("1", 6)).to.equal(1_000_000n);
    expect(parseDecimal("1234.5678", 8)).to.equal(123_456_780_000n);
    expect(parseDecimal("0.000000000000000001", 18)).to.equal(1n);
    expect(parseDecimal("1_000_000.25", 2)).to.equal(100_000_025n);
    expect(parseDecimal("12.50000", 2)).to.equal(1250n, "trailing zeros beyond the precision are exact");
    expect(parseDecimal(" 7 ", 0)).to.equal(7n);
    expect(parseDecimal("79228162514264337593543950335", 0)).to.equal(2n ** 96n - 1n);
  });

  it("reads a signed amount only where a sign is allowed", () => {
    expect(parseDecimal("-2.5", 18, { signed: true })).to.equal(-25n * 10n ** 17n);
    expect(parseDecimal("+3", 0)).to.equal(3n);
    refuses("-1", 18, /is negative/);
  });

  it("refuses over-precise amounts, naming the allowed precision", () => {
    refuses("1.0000001", 6, /7 decimal places but only 6 are allowed/);
    refuses("0.5", 0, /1 decimal places but only 0/);
  });

  it("refuses exponent notation, empty and non-numeric text", () => {
    refuses("1e18", 18, /exponent notation/);
    refuses("1.5E-3", 18, /exponent notation/);
    refuses("", 18, /empty/);
    refuses("   ", 18, /empty/);
    for (const bad of ["abc", "1.2.3", ".5", "5.", "1,000", "0x10", "1__0", "_1", "NaN", "Infinity"]) refuses(bad, 18, /not a decimal number|exponent/);
  });

  it("formats base units as the shortest exact decimal", () => {
    expect(formatDecimal(0n, 18)).to.equal("0");
    expect(formatDecimal(1n, 18)).to.equal("0.000000000000000001");
    expect(formatDecimal(1_500_000n, 6)).to.equal("1.5");
    expect(formatDecimal(-25n, 1)).to.equal("-2.5");
    expect(formatDecimal(42n, 0)).to.equal("42");
  });

  it("round-trips every amount at every precision", () => {
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }), fc.integer({ min: 0, max: 30 }), (units, decimals) => {
      expect(parseDecimal(formatDecimal(units, decimals), decimals, { signed: true })).to.equal(units);
    }), { numRuns: 500 });
  });

  it("round-trips every well-formed decimal string up to normalisation", () => {
    const digits = fc.stringMatching(/^[0-9]{1,30}$/);
    fc.assert(fc.property(digits, fc.stringMatching(/^[0-9]{0,12}$/), fc.integer({ min: 12, max: 24 }), (whole, frac, decimals) => {
      const text = frac ? `${whole}.${frac}` : whole;
      const units = parseDecimal(text, decimals);
      expect(units).to.equal(BigInt(whole) * 10n ** BigInt(decimals) + BigInt((frac || "0").padEnd(decimals, "0")));
      expect(parseDecimal(formatDecimal(units, decimals), decimals)).to.equal(units);
    }), { numRuns: 500 });
  });
});
