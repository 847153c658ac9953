/**
 * The gate's own Groth16 check (contracts/InlineGroth16.sol) against snarkjs, with real Solvency_4x2
 * proofs: the key it copied is the zkey's and the generated verifier's; checkProof, and
 * checkWithPartialKey from partialKey(context, binding), give exactly the verdict of snarkjs' generated
 * verifier (and of snarkjs off chain) on honest, tampered, malformed and mismatched proofs; and the gate's
 * cached partial key changes only the cost of a submission, never its outcome, and is retired by a
 * revocation or a risk-parameter update.
 */
import { expect } from "chai";
import * as snarkjs from "snarkjs";
import { loadVerificationKey } from "../../verifier/verify.ts";
import { solidityKeyOrder, type Groth16VerificationKey } from "../../verifier/verifying-key.ts";
import { publicSignalArray } from "../../prover/witness.ts";
import { attesterPublicKey } from "../../prover/attestation.ts";
import { registerAttester } from "../../verifier/contracts.ts";
import { OTHER_SECRET } from "../helpers/fixtures.ts";
import {
  CONFIG, INITIAL_RATIO_BPS, INSTANCE, RICH, deployTestSystem, now, proveStatement, releaseProver, type ProofBundle, type TestSystem,
} from "../helpers/system.ts";

/** BN254 base field and scalar field. */
const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const INITIAL = 2;

describe("contracts: the gate's Groth16 check agrees with snarkjs", function () {
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

  it("holds the zkey's verifying key, the one the generated verifier holds", async function () {
    const vk = loadVerificationKey(INSTANCE).key as unknown as Groth16VerificationKey;
    const expected = solidityKeyOrder(vk);
    const gateKey = ((await sys.gate.getFunction("verifyingKey")()) as bigint[]).map(BigInt);
    const verifierKey = ((await sys.verifier.getFunction("verifyingKey")()) as bigint[]).map(BigInt);
    expect(expected).to.have.length(24);
    expect(gateKey).to.deep.equal(expected);
    expect(verifierKey).to.deep.equal(expected);
  });

  interface Case { name: string; proof: ProofBundle["proof"]; signals: bigint[]; snarkProof: snarkjs.Groth16Proof; snarkSignals?: bigint[] }
  const cases = (): Case[] => {
    const signals = publicSignalArray(honest.signals);
    const p = honest.proof;
    const sp = honest.result.proof;
    const negA = (BigInt(sp.pi_a[1]!) === 0n ? 0n : Q - BigInt(sp.pi_a[1]!)).toString();
    const otherC = next.proof.c;
    return [
      { name: "an honest proof", proof: p, signals, snarkProof: sp },
      { name: "a proof with A negated", proof: { ...p, a: [p.a[0], Q - p.a[1]] }, signals, snarkProof: { ...sp, pi_a: [sp.pi_a[0]!, negA, sp.pi_a[2]!] } },
      { name: "a proof with another proof's C", proof: { ...p, c: otherC }, signals, snarkProof: { ...sp, pi_c: [otherC[0].toString(), otherC[1].toString(), "1"] } },
      { name: "a proof whose B coordinates are swapped", proof: { ...p, b: [[p.b[0][1], p.b[0][0]], p.b[1]] }, signals, snarkProof: { ...sp, pi_b: [[sp.pi_b[0]![1]!, sp.pi_b[0]![0]!], sp.pi_b[1]!, sp.pi_b[2]!] } },
      { name: "a changed statement", proof: p, signals: [signals[0]!, signals[1]!, signals[2]! + 1n, signals[3]!], snarkProof: sp },
      { name: "changed terms", proof: p, signals: [signals[0]!, signals[1]!, signals[2]!, signals[3]! ^ 1n], snarkProof: sp },
      { name: "another context", proof: p, signals: [signals[0]! + 1n, signals[1]!, signals[2]!, signals[3]!], snarkProof: sp },
      { name: "another attester binding", proof: p, signals: [signals[0]!, signals[1]! + 1n, signals[2]!, signals[3]!], snarkProof: sp },
    ];
  };

  const NAMES = ["an honest proof", "a proof with A negated", "a proof with another proof's C", "a proof whose B coordinates are swapped",
    "a changed statement", "changed terms", "another context", "another attester binding"];
  NAMES.forEach((title, i) => {
    it(`gives snarkjs' verdict on ${title}, fully and through the partial key`, async function () {
      const c = cases()[i]!;
      expect(c.name).to.equal(title);
      const vk = loadVerificationKey(INSTANCE).key;
      const offChain = await snarkjs.groth16.verify(vk, c.signals.map(String), c.snarkProof);
      const generated = (await sys.verifier.getFunction("verifyProof")(c.proof.a, c.proof.b, c.proof.c, c.signals)) as boolean;
      const full = (await sys.gate.getFunction("checkProof")(c.proof, c.signals)) as boolean;
      const [x, y] = (await sys.gate.getFunction("partialKey")(c.signals[0], c.signals[1])) as [bigint, bigint];
      const partial = (await sys.gate.getFunction("checkWithPartialKey")(c.proof, [x, y], c.signals[2], c.signals[3])) as boolean;
      expect(generated, `${c.name}: snarkjs' generated verifier`).to.equal(offChain);
      expect(full, `${c.name}: checkProof`).to.equal(generated);
      expect(partial, `${c.name}: checkWithPartialKey`).to.equal(generated);
      expect(offChain).to.equal(i === 0);
    });
  });

  it("refuses, as the generated verifier does, a coordinate outside the base field and a signal outside the scalar field", async function () {
    const signals = publicSignalArray(honest.signals);
    const p = honest.proof;
    const variants: Array<[string, ProofBundle["proof"], bigint[]]> = [
      ["A.y + q", { ...p, a: [p.a[0], p.a[1] + Q] }, signals],
      ["A.x + q", { ...p, a: [p.a[0] + Q, p.a[1]] }, signals],
      ["C.x + q", { ...p, c: [p.c[0] + Q, p.c[1]] }, signals],
      ["statement + r", p, [signals[0]!, signals[1]!, signals[2]! + R, signals[3]!]],
      ["terms + r", p, [signals[0]!, signals[1]!, signals[2]!, signals[3]! + R]],
    ];
    for (const [name, proof, s] of variants) {
      const generated = (await sys.verifier.getFunction("verifyProof")(proof.a, proof.b, proof.c, s)) as boolean;
      const full = (await sys.gate.getFunction("checkProof")(proof, s)) as boolean;
      expect(generated, `${name}: snarkjs' generated verifier`).to.equal(false);
      expect(full, `${name}: checkProof`).to.equal(false);
    }
  });

  it("refuses an honest proof when the partial key is not the one of its context and binding", async function () {
    const signals = publicSignalArray(honest.signals);
    const [x, y] = (await sys.gate.getFunction("partialKey")(signals[0]! + 1n, signals[1])) as [bigint, bigint];
    expect(await sys.gate.getFunction("checkWithPartialKey")(honest.proof, [x, y], signals[2], signals[3])).to.equal(false);
  });

  it("the gate's primed key changes the cost of a submission, not its outcome; revocations and risk updates retire it", async function () {
    const snap = await sys.helpers.takeSnapshot();
    const gate = sys.gate.connect(sys.alice);
    const unprimed = await (await gate.getFunction("proveSolvency")(honest.proof, honest.basis, INITIAL)).wait();
    expect((await sys.gate.getFunction("partialKeyOf")(1n, sys.attesterId))[0]).to.equal(0n);
    await expect(sys.gate.connect(sys.keeper).getFunction("primeVerifierKey")(1n, sys.attesterId)).to.emit(sys.gate, "VerifierKeyPrimed");
    const [x, y] = (await sys.gate.getFunction("partialKeyOf")(1n, sys.attesterId)) as [bigint, bigint];
    const signals = publicSignalArray(honest.signals);
    expect([x, y]).to.deep.equal(Array.from((await sys.gate.getFunction("partialKey")(signals[0], signals[1])) as [bigint, bigint]));
    const tampered = { ...next.proof, a: [next.proof.a[0], Q - next.proof.a[1]] };
    await expect(gate.getFunction("proveSolvency")(tampered, next.basis, INITIAL)).to.be.revertedWithCustomError(sys.gate, "InvalidProof");
    const primed = await (await gate.getFunction("proveSolvency")(next.proof, next.basis, INITIAL)).wait();
    expect(primed!.gasUsed < unprimed!.gasUsed).to.equal(true);
    await expect(sys.gate.getFunction("primeVerifierKey")(9n, sys.attesterId)).to.be.revertedWithCustomError(sys.gate, "UnknownRound");
    await expect(sys.gate.getFunction("primeVerifierKey")(1n, 9n)).to.be.revertedWithCustomError(sys.gate, "UnknownAttester");

    // Revoking any attester retires every cached key: a revoked attester's key is never read again.
    const { attesterId: other } = await registerAttester(sys.gate, attesterPublicKey(OTHER_SECRET));
    await (await sys.gate.getFunction("revokeAttester")(other)).wait();
    expect((await sys.gate.getFunction("partialKeyOf")(1n, sys.attesterId))[0]).to.equal(0n);
    await (await sys.gate.getFunction("primeVerifierKey")(1n, sys.attesterId)).wait();
    expect((await sys.gate.getFunction("partialKeyOf")(1n, sys.attesterId))[0]).to.equal(x);

    // A risk update re-binds the round to another context under another version: the old key is not used.
    await (await sys.registry.getFunction("setAsset")(0, CONFIG.assets[0])).wait();
    await (await sys.oracle.getFunction("refreshContext")()).wait();
    expect((await sys.gate.getFunction("partialKeyOf")(1n, sys.attesterId))[0]).to.equal(0n);
    await snap.restore();
  });

  it("a primed key does not outlive its attester's revocation", async function () {
    const snap = await sys.helpers.takeSnapshot();
    await (await sys.gate.getFunction("primeVerifierKey")(1n, sys.attesterId)).wait();
    await (await sys.gate.getFunction("revokeAttester")(sys.attesterId)).wait();
    await expect(sys.gate.connect(sys.alice).getFunction("proveSolvency")(honest.proof, honest.basis, INITIAL))
      .to.be.revertedWithCustomError(sys.gate, "AttesterIsRevoked");
    await snap.restore();
  });
});
