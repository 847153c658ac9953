/**
 * Solvency_4x2 end to end with snarkjs: a Groth16 proof from the project's own zkey (npm run setup)
 * verifies for its public signals and for no others, and a proof made from a witness that violates the
 * constraints does not verify.
 */
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import * as snarkjs from "snarkjs";
import type { Groth16Proof } from "snarkjs";
import { artifacts } from "../../prover/artifacts.ts";
import { releaseProvingResources } from "../../prover/prove.ts";
import { PUBLIC_SIGNAL_NAMES } from "../../prover/spec.ts";
import { buildInput, publicSignalArray, type CircuitInput } from "../../prover/witness.ts";
import type { ConstraintChecker } from "../../verifier/constraints.ts";
import { wtnsBinary } from "../../verifier/witness_calculator.ts";
import { checkerFor, inputFor, wrapAround } from "../helpers/circuit.ts";
import { ready, request } from "../helpers/fixtures.ts";

const NAME = "Solvency_4x2";

describe("Solvency_4x2 Groth16 proofs (snarkjs)", function () {
  const a = artifacts(NAME);
  let vkey: object;
  let input: CircuitInput;
  let expectedSignals: string[];
  let proof: Groth16Proof;
  let publicSignals: string[];
  let checker: ConstraintChecker;

  before(async () => {
    for (const f of [a.wasm, a.zkey, a.vkey]) {
      if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm run build:circuits && npm run setup\``);
    }
    await ready();
    vkey = JSON.parse(readFileSync(a.vkey, "utf8")) as object;
    const built = buildInput(request(4, 2));
    input = built.input;
    expectedSignals = publicSignalArray(built.publicSignals).map(String);
    ({ proof, publicSignals } = await snarkjs.groth16.fullProve(input, a.wasm, a.zkey));
    checker = await checkerFor(NAME);
  });
  after(releaseProvingResources);

  it("proves an honest request; the proof verifies with the model's public signals in the spec's order", async () => {
    expect(publicSignals).to.deep.equal(expectedSignals);
    expect(publicSignals.length).to.equal(PUBLIC_SIGNAL_NAMES.length);
    expect(await snarkjs.groth16.verify(vkey, publicSignals, proof)).to.equal(true);
  });

  for (const [i, name] of PUBLIC_SIGNAL_NAMES.entries()) {
    it(`rejects the proof with the public signal '${name}' changed`, async () => {
      const changed = publicSignals.map((s, k) => (k === i ? (BigInt(s) + 1n).toString() : s));
      expect(await snarkjs.groth16.verify(vkey, changed, proof)).to.equal(false);
    });
  }

  it("rejects the proof restated as the opposite claim (statement ± 2^248)", async () => {
    const statement = BigInt(publicSignals[2]!);
    const flipped = publicSignals.map((s, k) => (k === 2 ? (statement ^ (1n << 248n)).toString() : s));
    expect(await snarkjs.groth16.verify(vkey, flipped, proof)).to.equal(false);
  });

  it("rejects a proof whose points were swapped", async () => {
    expect(await snarkjs.groth16.verify(vkey, publicSignals, { ...proof, pi_a: proof.pi_c, pi_c: proof.pi_a })).to.equal(false);
  });

  it("cannot prove a claim the model refuses: witness generation fails", async () => {
    const req = request(4, 2);
    let error: unknown;
    try {
      await snarkjs.groth16.fullProve(inputFor({ ...req, claim: 0n }), a.wasm, a.zkey);
    } catch (err) {
      error = err;
    }
    expect(String(error)).to.match(/Assert Failed/);
  });

  it("a proof made from a witness that violates the constraints (collateral + 2^96 wrap-around) does not verify", async () => {
    const attack = wrapAround(input, 1);
    const { witness } = await checker.uncheckedWitness(attack);
    expect(checker.check(witness).length).to.be.greaterThan(0);
    const forged = await snarkjs.groth16.prove(a.zkey, wtnsBinary(witness, checker.prime)) as { proof: Groth16Proof; publicSignals: string[] };
    // the public signals are the honest ones (the packed portfolio and the signature are unchanged)
    expect(forged.publicSignals).to.deep.equal(expectedSignals);
    expect(await snarkjs.groth16.verify(vkey, forged.publicSignals, forged.proof)).to.equal(false);
  });

  it("proves from a witness computed here exactly as from snarkjs' own witness", async () => {
    const own = await snarkjs.groth16.prove(a.zkey, wtnsBinary(checker.witness(input), checker.prime)) as { proof: Groth16Proof; publicSignals: string[] };
    expect(own.publicSignals).to.deep.equal(expectedSignals);
    expect(await snarkjs.groth16.verify(vkey, own.publicSignals, own.proof)).to.equal(true);
  });
});
