/**
 * Which signals of a constraint system are uniquely determined by its inputs: an Ecne-style propagation
 * over the R1CS. Starting from the constant wire and every input as known, rules are applied until
 * nothing changes:
 *
 *   linear / product / elimination
 *               every linear constraint (one side of A·B constant), and every A·B = C whose A and B are
 *               known (C − A·B is then linear in the unknowns), joins a pool of linear relations kept in
 *               reduced row-echelon form; a relation reduced to one unknown determines it. circom --O2
 *               substitutes linear constraints into the others, so relations must be solved jointly
 *               ("elimination") rather than one at a time
 *   bits        a linear relation whose unknowns are all two-valued (x·(x−1) = 0 style) with coefficients
 *               ±2^e, distinct e spanning ≤ 252 (so Σ 2^e < p): the binary decomposition is unique,
 *               so every bit is determined. A two-valued linear combination (what a boolean constraint
 *               becomes after --O2 substitutes a bit) counts as one more bit
 *   is-zero     a·o = 0 together with a'·x = γ·o + δ (a' ∝ a, a known) determines o whether a = 0 or
 *               not: circomlib's IsZero output
 *   non-zero factor
 *               A·B = C where the only unknown u sits in A (and possibly C), B known: u is determined
 *               provided a_u·B − c_u ≠ 0; the condition is recorded, and every signal derived from u
 *               inherits it. This rule is used only when the others are stuck
 *
 * A wire the rules cannot reach is "not shown": possibly free, possibly determined for a reason these
 * rules do not capture. The analysis never claims that a signal is under-constrained. To name the gaps
 * rather than their consequences, it then assumes unreached wires one at a time (earliest constraint
 * first) and carries on: the assumed wires are the roots, everything that follows from them is listed
 * as not shown as well.
 */
import type { R1cs } from "./constraints.ts";
import { mod, inverse, combine, constantOf, isConstant, linearPart, proportion, powersOfTwo, type LinearCombination } from "./field.ts";

export type SignalRole = "output" | "public input" | "private input" | "internal";

/**
 * The role of a signal from its label: circom labels the main component's outputs first, then its
 * public inputs, then its private inputs (the header counts them all, including inputs the optimiser
 * dropped because they appear in no constraint), then every other signal.
 */
export function roleOfLabel(r1cs: Pick<R1cs, "nOutputs" | "nPubInputs" | "nPrvInputs">, label: number): SignalRole {
  if (label <= r1cs.nOutputs) return "output";
  if (label <= r1cs.nOutputs + r1cs.nPubInputs) return "public input";
  if (label <= r1cs.nOutputs + r1cs.nPubInputs + r1cs.nPrvInputs) return "private input";
  return "internal";
}

/** Constraints with their combinations as maps, coefficients reduced and non-zero. */
function asMaps(r1cs: R1cs): Array<{ a: LinearCombination; b: LinearCombination; c: LinearCombination }> {
  const p = r1cs.prime;
  const toMap = (lc: ReadonlyArray<readonly [number, bigint]>): LinearCombination => {
    const out: LinearCombination = new Map();
    for (const [w, c] of lc) {
      const v = mod((out.get(w) ?? 0n) + c, p);
      if (v === 0n) out.delete(w);
      else out.set(w, v);
    }
    return out;
  };
  return r1cs.constraints.map(({ a, b, c }) => ({ a: toMap(a), b: toMap(b), c: toMap(c) }));
}

export type Rule = "input" | "linear" | "product" | "elimination" | "bits" | "is-zero" | "non-zero factor" | "assumed";

/**
 * What a wire's uniqueness rests on besides the constraints: a quantity (a linear combination of
 * determined wires) that must be non-zero, or a wire the rules could not reach and that was assumed
 * unique to carry the analysis on to the signals that follow from it.
 */
export type Condition =
  | { kind: "non-zero"; constraint: number; wire: number; factor: LinearCombination }
  | { kind: "assumed"; wire: number; why: AssumptionReason };

/**
 * Why a wire was assumed: the lowest bit of a binary decomposition too wide to be unique by itself
 * (≥ 254 bits: unique only with an alias check the rules do not model); the first wire left unknown in
 * the earliest constraint that still had one; or a wire in no constraint at all.
 */
export type AssumptionReason = "wide decomposition" | "unreached" | "in no constraint";

/** How far a wire's uniqueness was shown. */
export type Verdict = "shown" | "shown if non-zero" | "not shown";

export interface Determinacy {
  /** per wire: the rule that determined it, or undefined when not shown */
  rule: Array<Rule | undefined>;
  /** per wire: the constraint the rule used (−1 for inputs and wires not shown) */
  constraint: Int32Array;
  /** per wire: indices into `conditions` the wire's uniqueness relies on (undefined: none) */
  conditionsOf: Array<ReadonlySet<number> | undefined>;
  conditions: Condition[];
  /** per wire: shown; shown provided some quantities are non-zero; or not shown (assumed, or follows from an assumption) */
  verdict: Verdict[];
  /** wires (≥ 1) that appear in no constraint */
  unused: number[];
  /** per wire: the constraints it appears in */
  occurrences: number[][];
}

interface TwoValued { r1: bigint; r2: bigint }
type Shape =
  | { kind: "linear"; relation: LinearCombination }
  | { kind: "quadratic"; twoValued?: { lin: LinearCombination } & TwoValued };

/** The largest exponent span of a unique binary decomposition: Σ_{e ≤ 252} 2^e < 2^253 < p. */
const MAX_SPAN = 252;

function shapeOf(a: LinearCombination, b: LinearCombination, c: LinearCombination, p: bigint): Shape {
  if (isConstant(a)) return { kind: "linear", relation: combine(p, [constantOf(a), b], [p - 1n, c]) };
  if (isConstant(b)) return { kind: "linear", relation: combine(p, [constantOf(b), a], [p - 1n, c]) };
  if (c.size === 0) {
    const linA = linearPart(a);
    const mu = proportion(linA, linearPart(b), p);
    if (mu !== undefined) {
      // A = ℓ + a0, B = μℓ + b0, A·B = 0  ⇒  ℓ ∈ {−a0, −b0/μ}
      const r1 = mod(-constantOf(a), p);
      const r2 = mod(-constantOf(b) * inverse(mu, p), p);
      if (r1 === r2) return { kind: "linear", relation: a };
      return { kind: "quadratic", twoValued: { lin: linA, r1, r2 } };
    }
  }
  return { kind: "quadratic" };
}

/** A relation Σ c_w·w = (known) over unknown wires, in reduced row-echelon form: coefficient 1 at `pivot`. */
interface Row {
  pivot: number;
  lc: Map<number, bigint>;
  conds: Set<number>;
  origin: number;
  combined: boolean;
}

/**
 * The pool of linear relations, kept fully reduced (Gauss–Jordan): a pivot wire appears in its own row
 * only. Known wires are dropped from rows as they become known (their value is a constant).
 */
class LinearPool {
  private readonly rows = new Map<number, Row>();
  private readonly column = new Map<number, Set<number>>();
  /** grows with every relation added, so callers can tell whether a fixpoint was reached */
  version = 0;

  constructor(
    private readonly p: bigint,
    private readonly isKnown: (w: number) => boolean,
    private readonly conditionsOfWire: (w: number) => Iterable<number>,
    private readonly solved: (w: number, row: Row) => void,
    /** called with the pivot of every row that changed, so the constraints using it are looked at again */
    private readonly touched: (pivot: number) => void,
  ) {}

  add(relation: LinearCombination, conds: Set<number>, origin: number): void {
    this.version++;
    const lc = new Map<number, bigint>();
    let combined = false;
    for (const [w, c] of relation) {
      if (w === 0) continue;
      if (this.isKnown(w)) for (const id of this.conditionsOfWire(w)) conds.add(id);
      else lc.set(w, c);
    }
    for (const w of [...lc.keys()]) {
      const row = this.rows.get(w);
      const c = lc.get(w);
      if (!row || c === undefined) continue;
      this.subtract(lc, c, row.lc);
      for (const id of row.conds) conds.add(id);
      combined = true;
    }
    if (lc.size === 0) return;
    const [pivot] = [...lc.keys()].sort((x, y) => (this.column.get(x)?.size ?? 0) - (this.column.get(y)?.size ?? 0));
    const scale = inverse(lc.get(pivot!)!, this.p);
    for (const [w, c] of lc) lc.set(w, mod(c * scale, this.p));
    const row: Row = { pivot: pivot!, lc, conds, origin, combined };
    const affected = [...(this.column.get(pivot!) ?? [])];
    for (const other of affected) {
      const target = this.rows.get(other)!;
      this.subtract(target.lc, target.lc.get(pivot!)!, lc, other);
      for (const id of conds) target.conds.add(id);
      target.combined = true;
    }
    this.column.delete(pivot!);
    this.rows.set(pivot!, row);
    for (const w of lc.keys()) if (w !== pivot) this.columnOf(w).add(pivot!);
    this.touched(pivot!);
    for (const other of affected) {
      this.touched(other);
      const target = this.rows.get(other);
      if (target && target.lc.size === 1) this.solve(target);
    }
    if (lc.size === 1) this.solve(row);
  }

  /**
   * The combination rewritten over the pool's free unknowns (pivots substituted, known wires dropped):
   * empty when its value is determined by the relations and the known wires. `conds` collects the
   * conditions of everything used.
   */
  reduce(lc: LinearCombination, conds: Set<number>): Map<number, bigint> {
    const out = new Map<number, bigint>();
    const addTo = (w: number, v: bigint): void => {
      const sum = mod((out.get(w) ?? 0n) + v, this.p);
      if (sum === 0n) out.delete(w);
      else out.set(w, sum);
    };
    for (const [w, c] of lc) {
      if (w === 0) continue;
      if (this.isKnown(w)) {
        for (const id of this.conditionsOfWire(w)) conds.add(id);
        continue;
      }
      const row = this.rows.get(w);
      if (!row) {
        addTo(w, c);
        continue;
      }
      for (const id of row.conds) conds.add(id);
      for (const [x, cx] of row.lc) if (x !== w) addTo(x, -c * cx);
    }
    return out;
  }

  /**
   * Whether `reduce(lc)` is empty. A free wire that only one of the terms brings in cannot cancel, so
   * that is checked first, by counting, before any field arithmetic.
   */
  determines(lc: LinearCombination): boolean {
    const count = new Map<number, number>();
    const bump = (w: number): void => {
      count.set(w, (count.get(w) ?? 0) + 1);
    };
    for (const w of lc.keys()) {
      if (w === 0 || this.isKnown(w)) continue;
      const row = this.rows.get(w);
      if (row) for (const x of row.lc.keys()) { if (x !== w) bump(x); }
      else if (this.column.has(w)) bump(w);
      else return false;
    }
    for (const c of count.values()) if (c === 1) return false;
    return this.reduce(lc, new Set()).size === 0;
  }

  /** A wire became known: drop it from every row; a row whose own pivot became known leaves the pool. */
  known(w: number): void {
    const own = this.rows.get(w);
    if (own) {
      this.rows.delete(w);
      for (const x of own.lc.keys()) if (x !== w) this.column.get(x)?.delete(w);
      const rest = new Map(own.lc);
      rest.delete(w);
      if (rest.size > 0) {
        const conds = new Set(own.conds);
        for (const id of this.conditionsOfWire(w)) conds.add(id);
        this.add(rest, conds, own.origin);
      }
    }
    const holders = this.column.get(w);
    if (!holders) return;
    this.column.delete(w);
    for (const pivot of holders) {
      const row = this.rows.get(pivot);
      if (!row) continue;
      row.lc.delete(w);
      for (const id of this.conditionsOfWire(w)) row.conds.add(id);
      this.touched(pivot);
      if (row.lc.size === 1) this.solve(row);
    }
  }

  private columnOf(w: number): Set<number> {
    let s = this.column.get(w);
    if (!s) this.column.set(w, (s = new Set()));
    return s;
  }

  /** target −= factor·source; keeps the column index when `rowPivot` names target's row. */
  private subtract(target: Map<number, bigint>, factor: bigint, source: Map<number, bigint>, rowPivot?: number): void {
    for (const [w, c] of source) {
      const v = mod((target.get(w) ?? 0n) - factor * c, this.p);
      if (v === 0n) {
        target.delete(w);
        if (rowPivot !== undefined) this.column.get(w)?.delete(rowPivot);
      } else {
        if (rowPivot !== undefined && !target.has(w) && w !== rowPivot) this.columnOf(w).add(rowPivot);
        target.set(w, v);
      }
    }
  }

  private solve(row: Row): void {
    this.rows.delete(row.pivot);
    this.solved(row.pivot, row);
  }
}

/** Assumed wires beyond this many are not pruned (each pruning step re-runs the analysis). */
const MAX_PRUNED_ROOTS = 16;

export function analyseDeterminacy(r1cs: R1cs): Determinacy {
  const cs: System = { prime: r1cs.prime, nWires: r1cs.nVars, constraints: asMaps(r1cs), inputs: [] };
  r1cs.wireToLabel.forEach((label, wire) => {
    const role = wire > 0 ? roleOfLabel(r1cs, label) : "internal";
    if (role === "public input" || role === "private input") cs.inputs.push(wire);
  });
  let result = propagate(cs, []);
  // Keep the roots few: drop a searched-for assumption when the others already determine it.
  const searched = (d: Determinacy): number[] =>
    d.conditions.flatMap((c) => (c.kind === "assumed" && c.why === "unreached" ? [c.wire] : []));
  let roots = searched(result);
  if (roots.length <= MAX_PRUNED_ROOTS) {
    for (const r of [...roots]) {
      const without = roots.filter((x) => x !== r);
      const trial = propagate(cs, without);
      if (searched(trial).length === without.length) {
        roots = without;
        result = trial;
      }
    }
  }
  return result;
}

interface System {
  prime: bigint;
  nWires: number;
  constraints: Array<{ a: LinearCombination; b: LinearCombination; c: LinearCombination }>;
  inputs: number[];
}

/** Runs the rules; `preset` wires are assumed (in order) once the rules are stuck, before any search. */
function propagate(cs: System, preset: readonly number[]): Determinacy {
  const p = cs.prime;
  const n = cs.nWires;
  const minusOne = p - 1n;
  const pow2 = powersOfTwo(p, 253);

  const rule: Array<Rule | undefined> = new Array(n).fill(undefined);
  const constraintOf = new Int32Array(n).fill(-1);
  const conditionsOf: Array<Set<number> | undefined> = new Array(n).fill(undefined);
  const conditions: Condition[] = [];
  const known = new Uint8Array(n);
  known[0] = 1;
  for (const w of cs.inputs) {
    known[w] = 1;
    rule[w] = "input";
  }

  const occurrences: number[][] = Array.from({ length: n }, () => []);
  const shapes: Shape[] = [];
  const twoValuedWire = new Map<number, TwoValued>();
  cs.constraints.forEach(({ a, b, c }, k) => {
    const wires = new Set<number>([...a.keys(), ...b.keys(), ...c.keys()]);
    for (const w of wires) if (w !== 0) occurrences[w]!.push(k);
    const shape = shapeOf(a, b, c, p);
    shapes.push(shape);
    const tv = shape.kind === "quadratic" ? shape.twoValued : undefined;
    if (tv && tv.lin.size === 1) {
      const [[w, coef]] = [...tv.lin];
      const invCoef = inverse(coef, p);
      twoValuedWire.set(w, { r1: mod(tv.r1 * invCoef, p), r2: mod(tv.r2 * invCoef, p) });
    }
  });

  const unknownsOf = (lc: LinearCombination): number[] => [...lc.keys()].filter((w) => known[w] === 0);
  const conditionsIn = (...lcs: LinearCombination[]): Set<number> => {
    const out = new Set<number>();
    for (const lc of lcs) for (const w of lc.keys()) for (const id of conditionsOf[w] ?? []) out.add(id);
    return out;
  };

  const queue: number[] = [];
  const queued = new Uint8Array(cs.constraints.length);
  const enqueue = (k: number): void => {
    if (!queued[k]) {
      queued[k] = 1;
      queue.push(k);
    }
  };
  const newlyKnown: number[] = [];
  const determine = (w: number, how: Rule, k: number, conds: Set<number>): void => {
    if (known[w]) return;
    known[w] = 1;
    rule[w] = how;
    constraintOf[w] = k;
    conditionsOf[w] = conds.size > 0 ? conds : undefined;
    newlyKnown.push(w);
  };

  const pool = new LinearPool(p, (w) => known[w] === 1, (w) => conditionsOf[w] ?? [], (w, row) =>
    determine(w, row.combined ? "elimination" : shapes[row.origin]!.kind === "linear" ? "linear" : "product", row.origin, new Set(row.conds)),
  (pivot) => { for (const k of occurrences[pivot]!) enqueue(k); });
  const pooled = new Uint8Array(cs.constraints.length);
  /** quadratic constraints looked at since the non-zero factor rule last tried them */
  const conditionalCandidates = new Set<number>();

  /**
   * Reads `relation` = 0 (plus an optional extra bit of coefficient `virtualCoef`) as a binary
   * decomposition: the unknown wires, each two-valued, with their exponents; `unique` when the
   * exponents span ≤ 252.
   */
  const decomposition = (relation: LinearCombination, virtualCoef?: bigint) => {
    const unknown = unknownsOf(relation);
    if (unknown.length + (virtualCoef === undefined ? 0 : 1) < 2) return undefined;
    const coefs: bigint[] = [];
    for (const u of unknown) {
      const tv = twoValuedWire.get(u);
      if (!tv) return undefined;
      coefs.push(mod(relation.get(u)! * (tv.r2 - tv.r1), p));
    }
    if (virtualCoef !== undefined) coefs.push(virtualCoef);
    const scale = inverse(coefs[0]!, p);
    const exps: number[] = [];
    for (const coef of coefs) {
      const e = pow2.get(mod(coef * scale, p));
      if (!e || exps.includes(e.exp)) return undefined;
      exps.push(e.exp);
    }
    return { unknown, exps: exps.slice(0, unknown.length), unique: Math.max(...exps) - Math.min(...exps) <= MAX_SPAN };
  };

  const tryBits = (k: number, relation: LinearCombination, virtualCoef?: bigint): void => {
    const bits = decomposition(relation, virtualCoef);
    if (!bits?.unique) return;
    const conds = conditionsIn(relation);
    for (const u of bits.unknown) determine(u, "bits", k, conds);
  };

  /** circomlib's IsZero: constraint k is a·o = 0; find (λ·a)·x = γ·o + δ with x the only other unknown. */
  const tryIsZero = (k: number): void => {
    const { a, b, c } = cs.constraints[k]!;
    if (c.size !== 0) return;
    for (const [knownSide, other] of [[a, b], [b, a]] as const) {
      if (other.size !== 1 || unknownsOf(knownSide).length !== 0) continue;
      const [[o]] = [...other];
      if (o === 0 || known[o]) continue;
      for (const k2 of occurrences[o]!) {
        if (k2 === k || shapes[k2]!.kind !== "quadratic") continue;
        const { a: a2, b: b2, c: c2 } = cs.constraints[k2]!;
        const uc2 = unknownsOf(c2);
        if (uc2.length !== 1 || uc2[0] !== o) continue;
        for (const [t1, t2] of [[a2, b2], [b2, a2]] as const) {
          if (t1.size !== knownSide.size || t2.has(o) || unknownsOf(t2).length !== 1) continue;
          if (proportion(t1, knownSide, p) !== undefined) {
            determine(o, "is-zero", k, conditionsIn(knownSide, c2));
            return;
          }
        }
      }
    }
  };


  // Once a side's value is determined it stays so (knowledge only grows): remember it.
  const sidesDetermined = new Uint8Array(cs.constraints.length);
  const sideDetermined = (k: number, side: 0 | 1, lc: LinearCombination): boolean => {
    const bit = 1 << side;
    if (sidesDetermined[k]! & bit) return true;
    if (!pool.determines(lc)) return false;
    sidesDetermined[k]! |= bit;
    return true;
  };

  const processUnconditional = (k: number): void => {
    const shape = shapes[k]!;
    if (shape.kind === "linear") {
      if (!pooled[k]) {
        pooled[k] = 1;
        pool.add(shape.relation, new Set(), k);
      }
      tryBits(k, shape.relation);
      return;
    }
    const { a, b, c } = cs.constraints[k]!;
    if (!pooled[k] && sideDetermined(k, 0, a) && sideDetermined(k, 1, b)) {
      const conds = new Set<number>();
      pool.reduce(a, conds);
      pool.reduce(b, conds);
      pooled[k] = 1;
      pool.add(c, conds, k);
    }
    if (pooled[k]) return tryBits(k, c);
    if (shape.twoValued) tryBits(k, shape.twoValued.lin, mod(shape.twoValued.r1 - shape.twoValued.r2, p));
    tryIsZero(k);
    if (!pooled[k]) conditionalCandidates.add(k);
  };

  /** The non-zero factor rule; returns whether it determined a wire. */
  const processConditional = (k: number): boolean => {
    if (shapes[k]!.kind !== "quadratic" || pooled[k]) return false;
    const { a, b, c } = cs.constraints[k]!;
    const conds = new Set<number>();
    const ra = pool.reduce(a, conds);
    const rb = pool.reduce(b, conds);
    const rc = pool.reduce(c, conds);
    if ((ra.size > 0) === (rb.size > 0)) return false;
    const [reduced, other] = ra.size > 0 ? [ra, b] : [rb, a];
    const all = new Set([...reduced.keys(), ...rc.keys()]);
    if (all.size !== 1) return false;
    const [u] = [...all];
    // (s_u·u + known)·other = c_u·u + known  ⇒  u·(s_u·other − c_u) = known; other's value is
    // known, its wires are named in the condition
    const factor = combine(p, [reduced.get(u!) ?? 0n, other], [minusOne, new Map([[0, rc.get(u!) ?? 0n]])]);
    if (factor.size === 0) return false;
    pooled[k] = 1;
    if (!isConstant(factor)) {
      conds.add(conditions.length);
      conditions.push({ kind: "non-zero", constraint: k, wire: u!, factor });
    }
    determine(u!, isConstant(factor) ? "product" : "non-zero factor", k, conds);
    return true;
  };

  // First in, first out: a constraint waits while more of its wires settle, so it is looked at once
  // for many changes rather than once per change.
  let head = 0;
  const drain = (): void => {
    while (newlyKnown.length > 0 || head < queue.length) {
      while (newlyKnown.length > 0) {
        const w = newlyKnown.pop()!;
        pool.known(w);
        for (const k of occurrences[w]!) enqueue(k);
      }
      if (head >= queue.length) continue;
      const k = queue[head++]!;
      if (head > 4096 && head * 2 > queue.length) {
        queue.splice(0, head);
        head = 0;
      }
      queued[k] = 0;
      processUnconditional(k);
    }
  };

  // Unconditional rules to a fixpoint; then one conditional step at a time, each followed by the
  // unconditional rules again, until nothing changes.
  const total = cs.constraints.length;
  const fixpoint = (): void => {
    drain();
    for (;;) {
      let stepped = false;
      for (const k of conditionalCandidates) {
        conditionalCandidates.delete(k);
        if ((stepped = processConditional(k))) break;
      }
      if (!stepped) break;
      drain();
    }
  };
  for (let k = 0; k < total; k++) enqueue(k);
  fixpoint();
  const assume = (w: number, why: AssumptionReason): void => {
    conditions.push({ kind: "assumed", wire: w, why });
    determine(w, "assumed", -1, new Set([conditions.length - 1]));
    fixpoint();
  };
  for (const w of preset) if (!known[w]) assume(w, "unreached");

  // What the rules could not reach: assume one unknown wire, carry on, and repeat. Bits of a
  // decomposition the bits rule could not take (e.g. 254 bits, unique only with an alias check) come
  // first; then the first unknown wire of the earliest constraint (circom emits constraints roughly in
  // evaluation order, so this tends to pick the source of a gap); wires in no constraint last. Every
  // wire reached this way is "not shown".
  for (let k = 0; k < total; k++) {
    const shape = shapes[k]!;
    const [relation, virtualCoef] = shape.kind === "linear" ? [shape.relation, undefined]
      : pooled[k] ? [cs.constraints[k]!.c, undefined]
        : shape.twoValued ? [shape.twoValued.lin, mod(shape.twoValued.r1 - shape.twoValued.r2, p)] : [undefined, undefined];
    if (!relation) continue;
    for (;;) {
      const bits = decomposition(relation, virtualCoef);
      if (!bits || bits.unique) break;
      // the lowest bit: once it is fixed, the others span ≤ 252 and follow
      const lowest = Math.min(...bits.exps);
      assume(bits.unknown[bits.exps.indexOf(lowest)] ?? bits.unknown[0]!, "wide decomposition");
    }
  }
  for (let k = 0; k < total; k++) {
    const { a, b, c } = cs.constraints[k]!;
    for (;;) {
      const open = [...unknownsOf(a), ...unknownsOf(b), ...unknownsOf(c)];
      if (open.length === 0) break;
      assume(Math.min(...open), "unreached");
    }
  }
  for (let w = 1; w < n; w++) if (!known[w]) assume(w, occurrences[w]!.length === 0 ? "in no constraint" : "unreached");

  const verdict: Verdict[] = rule.map((_, w) => {
    const ids = conditionsOf[w];
    if (!ids) return "shown";
    return [...ids].some((id) => conditions[id]!.kind === "assumed") ? "not shown" : "shown if non-zero";
  });

  const unused: number[] = [];
  for (let w = 1; w < n; w++) if (occurrences[w]!.length === 0) unused.push(w);
  return { rule, constraint: constraintOf, conditionsOf, conditions, verdict, unused, occurrences };
}
