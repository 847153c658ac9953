/**
 * Exact conversion between human decimal strings ("1234.5678") and integers in base units
 * (bigint, value · 10^decimals). A float never touches an amount: the digits are read as text.
 */

export class DecimalError extends Error {
  constructor(readonly problem: string, readonly fix: string) {
    super(`${problem}; ${fix}`);
  }
}

export interface DecimalOptions {
  /** accept a leading minus sign (perpetual sizes); amounts are unsigned */
  signed?: boolean;
}

const DIGITS = /^[0-9](?:_?[0-9])*$/;

/**
 * Parses `text` as a decimal number with at most `decimals` fractional digits and returns it in base
 * units. Underscores may group digits ("1_000_000.5"). Refuses, each with its own message: empty
 * text, a sign where none is allowed, exponent notation, more fractional digits than `decimals`,
 * and anything that is not digits with at most one point.
 */
export function parseDecimal(text: string, decimals: number, opts: DecimalOptions = {}): bigint {
  if (!Number.isInteger(decimals) || decimals < 0) throw new RangeError(`decimals ${decimals} must be a non-negative integer`);
  const s = text.trim();
  if (s === "") throw new DecimalError("the amount is empty", "write a number such as 0 or 12.5");
  let body = s;
  let negative = false;
  if (body.startsWith("-") || body.startsWith("+")) {
    negative = body.startsWith("-");
    body = body.slice(1);
    if (negative && !opts.signed) {
      throw new DecimalError(`'${s}' is negative`, "write it without a sign: this value is never negative");
    }
  }
  if (/^[0-9._]*[eE][-+]?[0-9]*$/.test(body) && /[0-9]/.test(body)) {
    throw new DecimalError(`'${s}' uses exponent notation`, "write every digit out, e.g. 1500000 instead of 1.5e6");
  }
  const [whole, frac, ...rest] = body.split(".");
  if (rest.length > 0 || whole === undefined || !DIGITS.test(whole) || (frac !== undefined && !DIGITS.test(frac))) {
    throw new DecimalError(`'${s}' is not a decimal number`, "write digits with at most one decimal point, e.g. 1234.56");
  }
  const fracDigits = (frac ?? "").replaceAll("_", "");
  const significant = fracDigits.replace(/0+$/, "");
  if (significant.length > decimals) {
    throw new DecimalError(
      `'${s}' has ${significant.length} decimal places but only ${decimals} are allowed`,
      decimals === 0 ? "write a whole number" : `round it to ${decimals} decimal place${decimals === 1 ? "" : "s"}`,
    );
  }
  const units = BigInt(whole.replaceAll("_", "") + significant.padEnd(decimals, "0"));
  return negative ? -units : units;
}

/** Formats base units as the shortest exact decimal string ("1.5", "0", "-0.000001"). */
export function formatDecimal(units: bigint, decimals: number): string {
  if (!Number.isInteger(decimals) || decimals < 0) throw new RangeError(`decimals ${decimals} must be a non-negative integer`);
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const frac = digits.slice(digits.length - decimals).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${frac ? `.${frac}` : ""}`;
}
