/**
 * The statistics the benchmark reports: medians of repeated timings and ordinary least-squares fits
 * (constraints and proving time against circuit size). Timings are floating-point milliseconds; no
 * amount of money passes through here.
 */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error("median of no values");
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export interface Fit {
  /** names of the regressors, in the order of `coefficients` after the intercept */
  variables: string[];
  intercept: number;
  coefficients: number[];
  /** coefficient of determination; 1 when the points lie exactly on the fit */
  r2: number;
  points: number;
}

/**
 * Least squares y ≈ b0 + Σ bj·xj, solved from the normal equations by Gaussian elimination with
 * partial pivoting. Needs more points than unknowns to say anything about the fit's quality, and at
 * least as many to be determined at all.
 */
export function leastSquares(variables: string[], rows: ReadonlyArray<{ x: readonly number[]; y: number }>): Fit {
  const k = variables.length + 1;
  if (rows.length < k) throw new Error(`a fit in ${variables.join(", ")} needs at least ${k} points, got ${rows.length}`);
  const design = rows.map((r) => [1, ...r.x]);
  const ata = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => design.reduce((s, d) => s + d[i] * d[j], 0)));
  const aty = Array.from({ length: k }, (_, i) => design.reduce((s, d, n) => s + d[i] * rows[n].y, 0));
  const beta = solve(ata, aty);
  const predict = (d: number[]): number => d.reduce((s, v, i) => s + v * beta[i], 0);
  const mean = rows.reduce((s, r) => s + r.y, 0) / rows.length;
  const ssTot = rows.reduce((s, r) => s + (r.y - mean) ** 2, 0);
  const ssRes = rows.reduce((s, r, n) => s + (r.y - predict(design[n])) ** 2, 0);
  return {
    variables,
    intercept: beta[0],
    coefficients: beta.slice(1),
    r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot,
    points: rows.length,
  };
}

function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    if (Math.abs(m[pivot][col]) < 1e-12) throw new Error("the fit is not determined: the points do not vary in every variable");
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r][col] / m[col][col];
      for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

/** Evaluates a fit at a point given in the fit's variable order. */
export const predict = (fit: Fit, x: readonly number[]): number =>
  fit.intercept + fit.coefficients.reduce((s, c, i) => s + c * x[i], 0);

/** The fit as a formula a reader can evaluate, e.g. "ms ≈ 812 + 0.19·constraints". */
export function formula(fit: Fit, y: string, digits = 3): string {
  const num = (v: number): string => Number(v.toPrecision(digits)).toString();
  const terms = fit.coefficients.map((c, i) => `${c < 0 ? "−" : "+"} ${num(Math.abs(c))}·${fit.variables[i]}`);
  return `${y} ≈ ${num(fit.intercept)} ${terms.join(" ")}`;
}
