/**
 * Arithmetic on linear combinations over a prime field, for the constraint analysis (determinacy.ts):
 * reduction, inverses, scaling and sums, and recognising ±2^e.
 */

/** A linear combination as a map wire → coefficient (wire 0 is the constant 1); no zero coefficients. */
export type LinearCombination = Map<number, bigint>;

export function mod(x: bigint, p: bigint): bigint {
  const r = x % p;
  return r < 0n ? r + p : r;
}

export function inverse(x: bigint, p: bigint): bigint {
  let [a, b, u, v] = [mod(x, p), p, 1n, 0n];
  if (a === 0n) throw new Error("inverse of zero");
  while (a !== 0n) {
    const q = b / a;
    [a, b] = [b - q * a, a];
    [u, v] = [v - q * u, u];
  }
  return mod(v, p);
}

/** Σ factor_i · lc_i, dropping zero coefficients. */
export function combine(p: bigint, ...terms: Array<[bigint, LinearCombination]>): LinearCombination {
  const out: LinearCombination = new Map();
  for (const [factor, lc] of terms) {
    if (factor === 0n) continue;
    for (const [w, c] of lc) out.set(w, mod((out.get(w) ?? 0n) + factor * c, p));
  }
  for (const [w, c] of out) if (c === 0n) out.delete(w);
  return out;
}

/** The constant term (wire 0) of a linear combination. */
export const constantOf = (lc: LinearCombination): bigint => lc.get(0) ?? 0n;

/** True when the combination holds no wire but the constant one. */
export const isConstant = (lc: LinearCombination): boolean => [...lc.keys()].every((w) => w === 0);

/** The combination without its constant term. */
export function linearPart(lc: LinearCombination): LinearCombination {
  const out = new Map(lc);
  out.delete(0);
  return out;
}

/**
 * If `b = μ·a` for one field element μ (same wires, proportional coefficients; `a` non-empty), returns μ.
 */
export function proportion(a: LinearCombination, b: LinearCombination, p: bigint): bigint | undefined {
  if (a.size === 0 || a.size !== b.size) return undefined;
  let mu: bigint | undefined;
  for (const [w, ca] of a) {
    const cb = b.get(w);
    if (cb === undefined) return undefined;
    if (mu === undefined) mu = mod(cb * inverse(ca, p), p);
    else if (mod(mu * ca, p) !== cb) return undefined;
  }
  return mu;
}

/** Recognises ±2^e (e in −maxExp..maxExp, negative e meaning the inverse of 2^|e|) in the field. */
export function powersOfTwo(p: bigint, maxExp: number): Map<bigint, { exp: number; negative: boolean }> {
  const table = new Map<bigint, { exp: number; negative: boolean }>();
  const half = inverse(2n, p);
  let up = 1n;
  let down = 1n;
  for (let e = 0; e <= maxExp; e++) {
    table.set(up, { exp: e, negative: false });
    table.set(mod(-up, p), { exp: e, negative: true });
    if (e > 0) {
      table.set(down, { exp: -e, negative: false });
      table.set(mod(-down, p), { exp: -e, negative: true });
    }
    up = mod(up * 2n, p);
    down = mod(down * half, p);
  }
  return table;
}
