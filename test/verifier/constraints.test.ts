/**
 * The R1CS checker and the witness generator runner (verifier/constraints.ts, verifier/witness_calculator.ts)
 * on the compiled Solvency_4x2 instance.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { artifacts } from "../../prover/artifacts.ts";
import { buildInput, type CircuitInput } from "../../prover/witness.ts";
import { PUBLIC_SIGNAL_NAMES } from "../../prover/spec.ts";
import { ConstraintChecker, readSym } from "../../verifier/constraints.ts";
import { disableAsserts, WitnessError } from "../../verifier/witness_calculator.ts";
import { checkerFor } from "../helpers/circuit.ts";
import { ready, request } from "../helpers/fixtures.ts";

const NAME = "Solvency_4x2";

describe("R1CS constraint checker (verifier/constraints.ts)", () => {
  let checker: ConstraintChecker;
  let input: CircuitInput;
  let honest: bigint[];

  before(async () => {
    await ready();
    checker = await checkerFor(NAME);
    input = buildInput(request(4, 2)).input;
    honest = checker.witness(input);
  });

  it("reads the constraint system circom reported", () => {
    const info = JSON.parse(readFileSync(artifacts(NAME).circuitInfo, "utf8")) as { constraints: { total: number }; wires: number; publicInputs: number; privateInputs: number };
    expect(checker.r1cs.constraints.length).to.equal(info.constraints.total);
    expect(checker.r1cs.nVars).to.equal(info.wires);
    expect(checker.r1cs.nPubInputs).to.equal(info.publicInputs);
    expect(checker.r1cs.nPrvInputs).to.equal(info.privateInputs);
    expect(checker.r1cs.nOutputs).to.equal(0);
  });

  it("reads the .sym file both ways, the public signals on wires 1..4 in the spec's order", () => {
    PUBLIC_SIGNAL_NAMES.forEach((name, i) => {
      expect(checker.symbols.wire(`main.${name}`)).to.equal(i + 1);
      expect(checker.symbols.namesOf(i + 1)).to.include(`main.${name}`);
    });
    expect(checker.symbols.namesOf(0)).to.deep.equal(["one"]);
  });

  it("says when a signal does not exist or was optimized away", () => {
    expect(() => checker.symbols.wire("main.nothing")).to.throw(RangeError, /no signal 'main.nothing'/);
    // `claim` is folded into the statement's unpacking by the optimizer.
    expect(checker.symbols.wireOf("main.claim")).to.equal(-1);
    expect(() => checker.override(honest, { "main.claim": 0n })).to.throw(RangeError, /eliminated/);
    expect(() => checker.override(honest, [[checker.r1cs.nVars, 0n]])).to.throw(RangeError, /not a wire/);
  });

  it("accepts the honest witness", () => {
    expect(checker.check(honest)).to.deep.equal([]);
  });

  it("computes the same witness as circom's own witness_calculator.js", async () => {
    const a = artifacts(NAME);
    const require = createRequire(import.meta.url);
    const builder = require(path.join(path.dirname(a.wasm), "witness_calculator.js")) as (code: Buffer) => Promise<{ calculateWitness(i: object, sanity: number): Promise<bigint[]> }>;
    const reference = await (await builder(readFileSync(a.wasm))).calculateWitness(input, 0);
    expect(honest).to.deep.equal(reference);
  });

  it("reports the constraint an edited wire breaks, with the names of its signals", () => {
    const edited = checker.override(honest, { "main.assets[0].collateralValue": 1n });
    const failures = checker.check(edited);
    // collateralValue <== collateral · price, and collateralTerm <== collateralValue · factor
    expect(failures.length).to.equal(2);
    expect(failures[0]!.signals).to.include.members(["main.collateral[0]", "main.prices[0]", "main.assets[0].collateralValue"]);
    expect(failures[1]!.signals).to.include.members(["main.assets[0].collateralValue", "main.collateralFactor[0]", "main.assets[0].collateralTerm"]);
  });

  it("accepts an edit by wire index as by name", () => {
    const wire = checker.symbols.wire("main.assets[0].collateralValue");
    expect(checker.check(checker.override(honest, [[wire, 1n]]))).to.deep.equal(checker.check(checker.override(honest, { "main.assets[0].collateralValue": 1n })));
  });

  it("re-derives intermediate signals from their defining constraints", () => {
    const scrambled = checker.override(honest, { "main.assets[0].collateralValue": 1n, "main.assets[0].collateralTerm": 2n, "main.weightedCollateral": 3n });
    const solved = checker.solve(scrambled, ["main.weightedCollateral", "main.assets[0].collateralTerm", "main.assets[0].collateralValue"]);
    expect(solved).to.deep.equal(honest);
  });

  it("refuses to solve a signal no constraint defines on its own (a bit of a decomposition)", () => {
    const bit = checker.symbols.matching(/^main\.assets\[0\]\.Num2Bits_\d+_\d+\.out\[0\]$/)[0]!.name;
    expect(() => checker.solve(honest, [bit])).to.throw(/no constraint defines/);
  });

  it("writes a bit decomposition into the bits that have wires", () => {
    const prefix = checker.symbols.matching(/^main\.assets\[0\]\.Num2Bits_\d+_\d+\.out\[0\]$/)[0]!.name.replace(/\[0\]$/, "");
    const value = checker.value(honest, "main.collateral[0]");
    const rewritten = checker.setBits(honest, prefix, value, 96);
    expect(rewritten).to.deep.equal(honest);
    expect(checker.check(checker.setBits(honest, prefix, value + 1n, 96)).length).to.be.greaterThan(0);
  });

  it("refuses a witness of the wrong length or without the constant 1", () => {
    expect(() => checker.check(honest.slice(1))).to.throw(RangeError, /entries/);
    expect(() => checker.check([0n, ...honest.slice(1)])).to.throw(RangeError, /constant 1/);
  });

  it("refuses a .sym file that disagrees with the r1cs", async () => {
    const a = artifacts(NAME);
    const dir = mkdtempSync(path.join(tmpdir(), "zks-sym-"));
    const lines = readFileSync(a.sym, "utf8").split("\n");
    lines[0] = lines[0]!.replace(/^(\d+),1,/, "$1,2,"); // main.context claims wire 2
    writeFileSync(path.join(dir, "bad.sym"), lines.join("\n"));
    expect(readSym(path.join(dir, "bad.sym")).wireOf("main.context")).to.equal(2);
    let error: unknown;
    try {
      await ConstraintChecker.load({ ...a, sym: path.join(dir, "bad.sym") });
    } catch (err) {
      error = err;
    }
    expect(String(error)).to.match(/disagrees with the \.sym file/);
  });
});

describe("witness generator runner (verifier/witness_calculator.ts)", () => {
  let checker: ConstraintChecker;
  let input: CircuitInput;

  before(async () => {
    await ready();
    checker = await checkerFor(NAME);
    input = buildInput(request(4, 2)).input;
  });

  it("turns off every check by changing one byte each, `return` into `drop`", () => {
    const original = new Uint8Array(readFileSync(artifacts(NAME).wasm));
    const { wasm, patched } = disableAsserts(original);
    const changed: number[] = [];
    for (let i = 0; i < wasm.length; i++) if (wasm[i] !== original[i]) changed.push(i);
    expect(patched).to.be.greaterThan(0);
    expect(changed.length).to.equal(patched);
    for (const i of changed) expect([original[i], wasm[i]]).to.deep.equal([0x0f, 0x1a]);
  });

  it("computes the honest witness unchanged with the checks off, and records no failure", async () => {
    const run = await checker.uncheckedWitness(input);
    expect(run.failedAsserts).to.deep.equal([]);
    expect(run.witness).to.deep.equal(checker.witness(input));
  });

  it("aborts on a failed check, naming the template, unless the checks are off", async () => {
    const bad = { ...input, collateral: [(2n ** 96n).toString(), ...(input.collateral as string[]).slice(1)] };
    expect(() => checker.witness(bad)).to.throw(WitnessError, /assert failed.*Num2Bits/);
    const run = await checker.uncheckedWitness(bad);
    expect(run.failedAsserts.some((m) => /Num2Bits/.test(m))).to.equal(true);
    // the run went on past the failed check: the product downstream of the value is computed
    const price = checker.value(run.witness, "main.prices[0]");
    expect(checker.value(run.witness, "main.assets[0].collateralValue")).to.equal(2n ** 96n * price);
  });

  it("refuses unknown, missing and mis-sized inputs with a clear message", () => {
    expect(() => checker.witness({ ...input, nonsense: "1" })).to.throw(WitnessError, /no input signal 'nonsense'/);
    expect(() => checker.witness({ ...input, prices: ["1"] })).to.throw(WitnessError, /'prices' takes 4 values, got 1/);
    const { salt: _salt, ...missing } = input;
    expect(() => checker.witness(missing)).to.throw(WitnessError, /of the circuit's \d+ input values were given/);
  });
});
