/**
 * A Groth16 verification key (snarkjs' verification_key.json) in the order the generated verifier's
 * verifyingKey() returns its constants and the gate (contracts/InlineGroth16.sol) holds them: alpha1 (x, y);
 * beta2, gamma2, delta2 as x1, x2, y1, y2 (snarkjs' template swaps each Fp2 pair for EIP-197); IC0..ICn (x, y).
 */
export interface Groth16VerificationKey {
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  IC: string[][];
}

export function solidityKeyOrder(vk: Groth16VerificationKey): bigint[] {
  const g2 = (p: string[][]): bigint[] => [p[0]![1]!, p[0]![0]!, p[1]![1]!, p[1]![0]!].map(BigInt);
  return [
    BigInt(vk.vk_alpha_1[0]!), BigInt(vk.vk_alpha_1[1]!),
    ...g2(vk.vk_beta_2), ...g2(vk.vk_gamma_2), ...g2(vk.vk_delta_2),
    ...vk.IC.flatMap((p) => [BigInt(p[0]!), BigInt(p[1]!)]),
  ];
}
