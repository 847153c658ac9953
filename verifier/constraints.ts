/**
 * An R1CS constraint checker: evaluates every constraint A·w × B·w = C·w (mod p) of a compiled circuit
 * on a full witness and names the signals of each one that fails.
 *
 * Witness generation runs circom's `assert`s, which a dishonest prover is free to skip; soundness rests
 * on the constraints alone. So the checker works on witnesses that were computed honestly and then edited
 * (by signal name or wire index), or computed with the generator's checks turned off
 * (witness_calculator.ts), and reports exactly which constraints refuse them. Tests and the audit share it.
 */
import { readFileSync } from "node:fs";
import { readR1cs as readR1csBinary } from "r1csfile";
import { artifacts } from "../prover/artifacts.ts";
import { WitnessCalculator, type WitnessInput, type WitnessRun } from "./witness_calculator.ts";

// ---- symbols ---------------------------------------------------------------------------------------

/** One line of a .sym file: a signal's label, the wire it lives on (-1 when optimized away), its component. */
export interface SymbolEntry { label: number; wire: number; component: number; name: string }

/** The signal names of a compiled circuit, both ways: name → wire and wire → names. */
export class SymbolTable {
  private readonly byName = new Map<string, SymbolEntry>();
  private readonly byWire = new Map<number, string[]>();

  constructor(readonly entries: readonly SymbolEntry[]) {
    for (const e of entries) {
      this.byName.set(e.name, e);
      if (e.wire >= 0) {
        const names = this.byWire.get(e.wire);
        if (names) names.push(e.name);
        else this.byWire.set(e.wire, [e.name]);
      }
    }
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The wire of a signal; -1 when the optimizer replaced the signal by a combination of other wires. */
  wireOf(name: string): number {
    const e = this.byName.get(name);
    if (!e) throw new RangeError(`the circuit has no signal '${name}'`);
    return e.wire;
  }

  /** The wire of a signal that must exist as a wire (throws with the reason otherwise). */
  wire(name: string): number {
    const w = this.wireOf(name);
    if (w < 0) throw new RangeError(`signal '${name}' was eliminated by the compiler's optimizer: it has no wire of its own`);
    return w;
  }

  /** Every signal name that lives on a wire (several names can share one). */
  namesOf(wire: number): readonly string[] {
    if (wire === 0) return ["one"];
    return this.byWire.get(wire) ?? [];
  }

  /** The signals whose names match, in label order. */
  matching(pattern: RegExp): SymbolEntry[] {
    return this.entries.filter((e) => pattern.test(e.name));
  }
}

/** Reads a circom .sym file (`label,wire,component,name` per line). */
export function readSym(path: string): SymbolTable {
  const entries: SymbolEntry[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const [label, wire, component, ...rest] = line.split(",");
    const name = rest.join(",");
    if (rest.length === 0 || [label, wire, component].some((x) => !/^-?\d+$/.test(x ?? ""))) {
      throw new Error(`${path}: malformed symbol line '${line}'`);
    }
    entries.push({ label: Number(label), wire: Number(wire), component: Number(component), name });
  }
  return new SymbolTable(entries);
}

// ---- the constraint system -------------------------------------------------------------------------

/** A linear combination Σ coefficient · w[wire]. */
export type LinearCombination = ReadonlyArray<readonly [wire: number, coefficient: bigint]>;
export interface Constraint { a: LinearCombination; b: LinearCombination; c: LinearCombination }

export interface R1cs {
  prime: bigint;
  nVars: number;
  nOutputs: number;
  nPubInputs: number;
  nPrvInputs: number;
  nLabels: number;
  constraints: Constraint[];
  /** label of the signal each wire carries */
  wireToLabel: number[];
}

/** The field r1csfile decodes coefficients with: raw little-endian integers, as the file stores them. */
function integerField(prime: bigint) {
  const n8 = Math.ceil(prime.toString(16).length / 2 / 8) * 8;
  return {
    p: prime,
    n8,
    fromRprLE(buff: Uint8Array, offset = 0): bigint {
      let v = 0n;
      for (let i = n8 - 1; i >= 0; i--) v = (v << 8n) | BigInt(buff[offset + i]!);
      return v;
    },
  };
}

export async function readR1cs(path: string): Promise<R1cs> {
  const raw = await readR1csBinary(path, {
    loadConstraints: true,
    loadMap: true,
    loadCustomGates: false,
    singleThread: true,
    getFieldFromPrime: async (prime: bigint) => integerField(prime),
  });
  const lc = (x: Record<string, bigint>): LinearCombination => Object.entries(x).map(([w, v]) => [Number(w), v] as const);
  return {
    prime: raw.prime,
    nVars: raw.nVars,
    nOutputs: raw.nOutputs,
    nPubInputs: raw.nPubInputs,
    nPrvInputs: raw.nPrvInputs,
    nLabels: Number(raw.nLabels),
    constraints: raw.constraints.map(([a, b, c]) => ({ a: lc(a), b: lc(b), c: lc(c) })),
    wireToLabel: raw.map,
  };
}

// ---- the checker -----------------------------------------------------------------------------------

export interface ConstraintFailure {
  /** index of the constraint in the .r1cs file */
  index: number;
  /** the wires it involves (wire 0, the constant, left out) */
  wires: number[];
  /** the names of the signals on those wires */
  signals: string[];
}

/** A wire by signal name, or by index. */
export type WireRef = string | number;
export type Overrides = Record<string, bigint> | Iterable<readonly [WireRef, bigint]>;

export interface CircuitPaths { r1cs: string; sym: string; wasm: string }

export class ConstraintChecker {
  private attacker: Promise<WitnessCalculator> | undefined;
  /** constraints each wire appears in, built on first use */
  private uses: number[][] | undefined;

  private constructor(
    readonly paths: CircuitPaths,
    readonly r1cs: R1cs,
    readonly symbols: SymbolTable,
    readonly calculator: WitnessCalculator,
  ) {
    if (calculator.prime !== r1cs.prime) throw new Error("the witness generator and the r1cs use different fields");
    if (calculator.witnessSize !== r1cs.nVars) {
      throw new Error(`the witness generator has ${calculator.witnessSize} wires, the r1cs ${r1cs.nVars}: stale build artifacts`);
    }
    const labels = new Map(symbols.entries.map((e) => [e.label, e]));
    r1cs.wireToLabel.forEach((label, wire) => {
      const e = labels.get(label);
      if (wire > 0 && (!e || e.wire !== wire)) throw new Error(`wire ${wire} (label ${label}) disagrees with the .sym file: stale build artifacts`);
    });
  }

  static async load(paths: CircuitPaths): Promise<ConstraintChecker> {
    const [r1cs, calculator] = await Promise.all([readR1cs(paths.r1cs), WitnessCalculator.load(paths.wasm)]);
    return new ConstraintChecker(paths, r1cs, readSym(paths.sym), calculator);
  }

  /** The checker of a compiled circuit instance (build/circuits/<name>). */
  static forInstance(name: string): Promise<ConstraintChecker> {
    return ConstraintChecker.load(artifacts(name));
  }

  get prime(): bigint {
    return this.r1cs.prime;
  }

  /** The honest witness: throws WitnessError if one of the circuit's checks fails on this input. */
  witness(input: WitnessInput): bigint[] {
    return this.calculator.calculate(input).witness;
  }

  /**
   * The witness a prover gets by running the circuit's code with every check skipped: each signal
   * computed as the circuit computes it, whatever the input. Failed checks are listed, not thrown.
   */
  async uncheckedWitness(input: WitnessInput): Promise<WitnessRun> {
    this.attacker ??= WitnessCalculator.load(this.paths.wasm, { skipAsserts: true });
    return (await this.attacker).calculate(input);
  }

  wireOf(ref: WireRef): number {
    if (typeof ref === "number") {
      if (!Number.isInteger(ref) || ref < 1 || ref >= this.r1cs.nVars) throw new RangeError(`wire ${ref} is not a wire of the circuit (1..${this.r1cs.nVars - 1})`);
      return ref;
    }
    return this.symbols.wire(ref);
  }

  /** The value of a signal in a witness. */
  value(witness: readonly bigint[], ref: WireRef): bigint {
    return witness[this.wireOf(ref)]!;
  }

  /** A copy of the witness with some entries replaced (values are reduced mod p). */
  override(witness: readonly bigint[], overrides: Overrides): bigint[] {
    const out = [...witness];
    const pairs: Iterable<readonly [WireRef, bigint]> =
      Symbol.iterator in overrides ? (overrides as Iterable<readonly [WireRef, bigint]>) : Object.entries(overrides);
    for (const [ref, v] of pairs) out[this.wireOf(ref)] = this.reduce(v);
    return out;
  }

  private reduce(v: bigint): bigint {
    const x = v % this.prime;
    return x < 0n ? x + this.prime : x;
  }

  private evaluate(lc: LinearCombination, w: readonly bigint[]): bigint {
    let s = 0n;
    for (const [wire, coeff] of lc) s += coeff * w[wire]!;
    return s % this.prime;
  }

  private satisfied(c: Constraint, w: readonly bigint[]): boolean {
    return (this.evaluate(c.a, w) * this.evaluate(c.b, w) - this.evaluate(c.c, w)) % this.prime === 0n;
  }

  /** The constraint at `index`, with the names of its signals. */
  describe(index: number): ConstraintFailure {
    const c = this.r1cs.constraints[index];
    if (!c) throw new RangeError(`constraint ${index} does not exist (0..${this.r1cs.constraints.length - 1})`);
    const wires = [...new Set([...c.a, ...c.b, ...c.c].map(([wire]) => wire).filter((wire) => wire !== 0))].sort((x, y) => x - y);
    return { index, wires, signals: wires.flatMap((wire) => this.symbols.namesOf(wire)) };
  }

  /** Every constraint the witness violates (empty: the constraint system accepts it). */
  check(witness: readonly bigint[]): ConstraintFailure[] {
    if (witness.length !== this.r1cs.nVars) throw new RangeError(`a witness of this circuit has ${this.r1cs.nVars} entries, got ${witness.length}`);
    if (witness[0] !== 1n) throw new RangeError("wire 0 of a witness is the constant 1");
    const failures: ConstraintFailure[] = [];
    this.r1cs.constraints.forEach((c, i) => {
      if (!this.satisfied(c, witness)) failures.push(this.describe(i));
    });
    return failures;
  }

  private constraintsUsing(wire: number): number[] {
    if (!this.uses) {
      const uses: number[][] = Array.from({ length: this.r1cs.nVars }, () => []);
      this.r1cs.constraints.forEach((c, i) => {
        for (const w of new Set([...c.a, ...c.b, ...c.c].map(([x]) => x))) uses[w]!.push(i);
      });
      this.uses = uses;
    }
    return this.uses[wire]!;
  }

  /**
   * Wires that appear in no constraint: whatever value they take, every constraint still holds, so they
   * are free. A sound circuit has none, or only ones that feed nothing else.
   */
  unusedWires(): number[] {
    const unused: number[] = [];
    for (let w = 1; w < this.r1cs.nVars; w++) if (this.constraintsUsing(w).length === 0) unused.push(w);
    return unused;
  }

  /**
   * Recomputes signals from the constraints that define them, the way a prover re-derives intermediate
   * signals after changing what they depend on. The targets are the unknowns; every other wire is
   * taken as given. A target is solved from a constraint in which it is the only unknown and appears
   * on the C side alone (as `x <== a * b` compiles, or a linear definition the optimizer folded into a
   * product), so that A·w × B·w = C·w fixes it; solving repeats until every target is known.
   */
  solve(witness: readonly bigint[], targets: readonly WireRef[]): bigint[] {
    const out = [...witness];
    const unknown = new Set(targets.map((t) => this.wireOf(t)));
    const solvable = (i: number, wire: number): boolean => {
      const c = this.r1cs.constraints[i]!;
      if (c.a.some(([w]) => unknown.has(w)) || c.b.some(([w]) => unknown.has(w))) return false;
      return c.c.every(([w]) => w === wire || !unknown.has(w));
    };
    while (unknown.size > 0) {
      let progress = false;
      for (const wire of unknown) {
        const i = this.constraintsUsing(wire).find((k) => solvable(k, wire));
        if (i === undefined) continue;
        const c = this.r1cs.constraints[i]!;
        const coeff = c.c.find(([w]) => w === wire)![1];
        const rest = this.evaluate(c.c.filter(([w]) => w !== wire), out);
        const product = (this.evaluate(c.a, out) * this.evaluate(c.b, out)) % this.prime;
        // coeff · x + rest = A·B  ⇒  x = (A·B − rest) / coeff
        out[wire] = this.reduce((product - rest) * inverse(coeff, this.prime));
        unknown.delete(wire);
        progress = true;
      }
      if (!progress) {
        const names = [...unknown].map((w) => this.symbols.namesOf(w)[0] ?? `wire ${w}`);
        throw new Error(`no constraint defines ${names.join(", ")} from known wires alone: set ${unknown.size === 1 ? "it" : "them"} explicitly`);
      }
    }
    return out;
  }

  /**
   * Writes `value`'s binary digits into the bit signals `${prefix}[0..n-1]` that still have wires (the
   * optimizer folds some bits into others), as a prover does for a bit decomposition it controls.
   */
  setBits(witness: readonly bigint[], prefix: string, value: bigint, n: number): bigint[] {
    const pairs: Array<[number, bigint]> = [];
    for (let i = 0; i < n; i++) {
      const w = this.symbols.wireOf(`${prefix}[${i}]`);
      if (w >= 0) pairs.push([w, (value >> BigInt(i)) & 1n]);
    }
    if (pairs.length === 0) throw new RangeError(`no bit signal ${prefix}[i] has a wire`);
    return this.override(witness, pairs);
  }
}

function inverse(a: bigint, p: bigint): bigint {
  let [r0, r1] = [((a % p) + p) % p, p];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new RangeError(`${a} has no inverse mod p`);
  return ((s0 % p) + p) % p;
}
