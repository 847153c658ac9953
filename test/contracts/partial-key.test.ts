/**
 * The verifier's split linear combination (verifier/verifier-source.ts) against snarkjs, with real
 * Solvency_4x2 proofs: verifyProofPartial from partialKey(context, binding) accepts exactly what snarkjs'
 * own verifyProof and snarkjs' off-chain verification accept, on honest, tampered and mismatched proofs;
 * and the gate's cached key changes only the cost of a submission, never its outcome.
 */
import { expect } from "chai";
import * as snarkjs from "snarkjs";
import { loadVerificationKey } from "../../verifier/verify.ts";
import { publicSignalArray } from "../../prover/witness.ts";
import {
  INITIAL_RATIO_BPS, INSTANCE, RICH, deployTestSystem, now, proveStatement, releaseProver, type ProofBundle, type TestSystem,
} from "../helpers/system.ts";

/** BN254 base field modulus. */
const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const INITIAL = 2;

describe("contracts: partial verifying keys (verifyProofPartial) agree with snarkjs", function () {
  let sys: TestSystem;
  let honest: ProofBundle;
  let next: ProofBundle;

  before(async function () {
    sys = await deployTestSystem();
    const t = await now(sys);
    const base = { account: sys.alice.address, roundId: 1n, claim: 1n as const, ratioBps: INITIAL_RATIO_BPS, publicLiability: 0n, attestedAt: t, portfolio: RICH };
    honest = await proveStatement(sys, { ...base, nonce: 1n });
    next = await proveStatement(sys, { ...base, nonce: 2n });
  });
  after(releaseProver);

  interface Case { name: string; proof: ProofBundle["proof"]; signals: bigint[]; snarkProof: snarkjs.Groth16Proof }
  const cases = (): Case[] => {
    const signals = publicSignalArray(honest.signals);
    const p = honest.proof;
    const sp = honest.result.proof;
    const negA = (BigInt(sp.pi_a[1]!) === 0n ? 0n : Q - BigInt(sp.pi_a[1]!)).toString();
    return [
      { name: "an honest proof", proof: p, signals, snarkProof: sp },
      { name: "a proof with A negated", proof: { ...p, a: [p.a[0], Q - p.a[1]] }, signals, snarkProof: { ...sp, pi_a: [sp.pi_a[0]!, negA, sp.pi_a[2]!] } },
      { name: "a changed statement", proof: p, signals: [signals[0]!, signals[1]!, signals[2]! + 1n, signals[3]!], snarkProof: sp },
      { name: "changed terms", proof: p, signals: [signals[0]!, signals[1]!, signals[2]!, signals[3]! ^ 1n], snarkProof: sp },
      { name: "another context", proof: p, signals: [signals[0]! + 1n, signals[1]!, signals[2]!, signals[3]!], snarkProof: sp },
    ];
  };

  const NAMES = ["an honest proof", "a proof with A negated", "a changed statement", "changed terms", "another context"];
  NAMES.forEach((title, i) => {
    it(`gives snarkjs' verdict on ${title}, fully and through the partial key`, async function () {
      const c = cases()[i]!;
      const vk = loadVerificationKey(INSTANCE).key;
      const offChain = await snarkjs.groth16.verify(vk, c.signals.map(String), c.snarkProof);
      const full = (await sys.verifier.getFunction("verifyProof")(c.proof.a, c.proof.b, c.proof.c, c.signals)) as boolean;
      const [x, y] = (await sys.verifier.getFunction("partialKey")(c.signals[0], c.signals[1])) as [bigint, bigint];
      const partial = (await sys.verifier.getFunction("verifyProofPartial")(c.proof.a, c.proof.b, c.proof.c, [x, y], c.signals)) as boolean;
      expect(full, `${c.name}: verifyProof`).to.equal(offChain);
      expect(partial, `${c.name}: verifyProofPartial`).to.equal(offChain);
      expect(offChain).to.equal(i === 0);
    });
  });

  it("refuses an honest proof when the partial key is not the one of its context and binding", async function () {
    const signals = publicSignalArray(honest.signals);
    const [x, y] = (await sys.verifier.getFunction("partialKey")(signals[0]! + 1n, signals[1])) as [bigint, bigint];
    expect(await sys.verifier.getFunction("verifyProofPartial")(honest.proof.a, honest.proof.b, honest.proof.c, [x, y], signals)).to.equal(false);
  });

  it("the gate's primed key changes the cost of a submission, not its outcome", async function () {
    const gate = sys.gate.connect(sys.alice);
    const unprimed = await (await gate.getFunction("proveSolvency")(honest.proof, honest.basis, INITIAL)).wait();
    await expect(sys.gate.connect(sys.keeper).getFunction("primeVerifierKey")(1n, sys.attesterId)).to.emit(sys.gate, "VerifierKeyPrimed");
    const [x] = (await sys.gate.getFunction("partialKeyOf")(honest.signals.context, honest.signals.attesterBinding)) as [bigint, bigint];
    expect(x).to.not.equal(0n);
    const tampered = { ...next.proof, a: [next.proof.a[0], Q - next.proof.a[1]] };
    await expect(gate.getFunction("proveSolvency")(tampered, next.basis, INITIAL)).to.be.revertedWithCustomError(sys.gate, "InvalidProof");
    const primed = await (await gate.getFunction("proveSolvency")(next.proof, next.basis, INITIAL)).wait();
    expect(primed!.gasUsed < unprimed!.gasUsed).to.equal(true);
    await expect(sys.gate.getFunction("primeVerifierKey")(9n, sys.attesterId)).to.be.revertedWithCustomError(sys.gate, "UnknownRound");
    await expect(sys.gate.getFunction("primeVerifierKey")(1n, 9n)).to.be.revertedWithCustomError(sys.gate, "UnknownAttester");
  });
});
