import { expect } from "chai";
import type { R1cs } from "../../verifier/constraints.ts";
import { analyseDeterminacy, type Determinacy } from "../../verifier/determinacy.ts";
import { FIELD } from "../../prover/spec.ts";

type Lc = Array<readonly [number, bigint]>;
const neg = (v: bigint): bigint => (FIELD - v) % FIELD;

/** A hand-made constraint system: wire 0 is one, then the inputs (public first), then the internal wires. */
function system(nPub: number, nPrv: number, nInternal: number, constraints: Array<{ a: Lc; b: Lc; c: Lc }>): R1cs {
  const nVars = 1 + nPub + nPrv + nInternal;
  return {
    prime: FIELD, nVars, nOutputs: 0, nPubInputs: nPub, nPrvInputs: nPrv, nLabels: nVars,
    constraints, wireToLabel: Array.from({ length: nVars }, (_, i) => i),
  };
}
/** `left = right` as a linear constraint 1·(left) = right. */
const linear = (left: Lc, right: Lc) => ({ a: [[0, 1n]] as Lc, b: left, c: right });
const boolean = (w: number) => ({ a: [[w, 1n]] as Lc, b: [[w, 1n], [0, neg(1n)]] as Lc, c: [] as Lc });
const roots = (d: Determinacy) => d.conditions.flatMap((c) => (c.kind === "assumed" ? [{ wire: c.wire, why: c.why }] : []));

describe("determinacy analysis", () => {
  it("solves linear relations that only determine their unknowns together", () => {
    // a (1), b (2) inputs; x (3), y (4): x + y = a, x − y = b
    const d = analyseDeterminacy(system(1, 1, 2, [
      linear([[3, 1n], [4, 1n]], [[1, 1n]]),
      linear([[3, 1n], [4, neg(1n)]], [[2, 1n]]),
    ]));
    expect(d.verdict.slice(1)).to.deep.equal(["shown", "shown", "shown", "shown"]);
    expect(new Set([d.rule[3], d.rule[4]])).to.include("elimination");
  });

  it("determines the bits of a decomposition x = Σ 2^i·b_i with each b_i boolean", () => {
    // v (1); b0..b2 (2..4)
    const d = analyseDeterminacy(system(1, 0, 3, [
      boolean(2), boolean(3), boolean(4),
      linear([[2, 1n], [3, 2n], [4, 4n]], [[1, 1n]]),
    ]));
    expect(d.rule.slice(2)).to.deep.equal(["bits", "bits", "bits"]);
    expect(roots(d)).to.deep.equal([]);
  });

  it("does not take a 254-bit decomposition as unique, assumes its lowest bit and derives the rest", () => {
    const n = 254;
    const bits = Array.from({ length: n }, (_, i) => 2 + i);
    const d = analyseDeterminacy(system(1, 0, n, [
      ...bits.map(boolean),
      linear(bits.map((w, i) => [w, (1n << BigInt(i)) % FIELD] as const), [[1, 1n]]),
    ]));
    expect(roots(d)).to.deep.equal([{ wire: 2, why: "wide decomposition" }]);
    expect(d.verdict.slice(3).every((v) => v === "not shown")).to.equal(true);
    expect(d.rule.slice(3).every((r) => r === "bits")).to.equal(true);
  });

  it("determines IsZero's output for every input and its inverse only where the input is non-zero", () => {
    // x (1); out (2), inv (3): x·inv = 1 − out, x·out = 0
    const d = analyseDeterminacy(system(0, 1, 2, [
      { a: [[1, 1n]], b: [[3, 1n]], c: [[0, 1n], [2, neg(1n)]] },
      { a: [[1, 1n]], b: [[2, 1n]], c: [] },
    ]));
    expect(d.rule[2]).to.equal("is-zero");
    expect(d.verdict[2]).to.equal("shown");
    expect(d.verdict[3]).to.equal("shown if non-zero");
    const condition = d.conditions.find((c) => c.kind === "non-zero" && c.wire === 3);
    expect(condition && condition.kind === "non-zero" ? [...condition.factor] : []).to.deep.equal([[1, 1n]]);
  });

  it("names a signal pinned only up to sign as a root, and a wire in no constraint as unused", () => {
    // x (1); s (2): s·s = x; u (3) in no constraint
    const d = analyseDeterminacy(system(1, 0, 2, [{ a: [[2, 1n]], b: [[2, 1n]], c: [[1, 1n]] }]));
    expect(roots(d)).to.deep.equal([{ wire: 2, why: "unreached" }, { wire: 3, why: "in no constraint" }]);
    expect(d.unused).to.deep.equal([3]);
    expect(d.verdict[2]).to.equal("not shown");
  });
});
