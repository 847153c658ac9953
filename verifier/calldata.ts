/**
 * A snarkjs Groth16 proof as the Solidity verifier and SolvencyGate take it. G2 coordinates are
 * Fp2 elements c0 + c1·u; snarkjs writes them [c0, c1] while the EVM pairing precompile (EIP-197)
 * reads [c1, c0], so b's coordinates are swapped exactly as snarkjs' exportSolidityCallData does.
 */
import type { Groth16Proof } from "snarkjs";

export interface SolidityProof {
  a: [bigint, bigint];
  b: [[bigint, bigint], [bigint, bigint]];
  c: [bigint, bigint];
}

function coordinate(v: string | undefined, what: string): bigint {
  if (v === undefined || !/^[0-9]+$/.test(v)) throw new Error(`the proof's ${what} is not a decimal field element`);
  return BigInt(v);
}

/** Encodes a snarkjs proof (affine coordinates; the projective z = 1 is dropped). */
export function proofCalldata(proof: Groth16Proof): SolidityProof {
  const { pi_a: a, pi_b: b, pi_c: c } = proof;
  return {
    a: [coordinate(a[0], "pi_a[0]"), coordinate(a[1], "pi_a[1]")],
    b: [
      [coordinate(b[0]?.[1], "pi_b[0][1]"), coordinate(b[0]?.[0], "pi_b[0][0]")],
      [coordinate(b[1]?.[1], "pi_b[1][1]"), coordinate(b[1]?.[0], "pi_b[1][0]")],
    ],
    c: [coordinate(c[0], "pi_c[0]"), coordinate(c[1], "pi_c[1]")],
  };
}
