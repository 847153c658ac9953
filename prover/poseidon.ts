/**
 * Poseidon over BN254 exactly as circomlib's circuits compute it, and the project's chain hash
 * for vectors longer than one permutation takes.
 */
import { buildPoseidon, type Poseidon } from "circomlibjs";
import { spec, FIELD } from "./spec.ts";

let instance: Poseidon | undefined;
export async function poseidonReady(): Promise<void> {
  instance ??= await buildPoseidon();
}
function p(): Poseidon {
  if (!instance) throw new Error("poseidonReady() must be awaited before hashing");
  return instance;
}

/** Poseidon(k) over field elements; every input must already be reduced (< p). */
export function poseidon(inputs: readonly bigint[]): bigint {
  for (const x of inputs) {
    if (x < 0n || x >= FIELD) throw new RangeError(`poseidon input ${x} is not a field element`);
  }
  const h = p();
  return h.F.toObject(h([...inputs]));
}

export const CHAIN_ARITY = spec.hashing.chainHashArity;
const BLOCK = CHAIN_ARITY - 1;

/** Number of Poseidon(8) permutations chainHash takes for a vector of n elements. */
export const chainBlocks = (n: number): number => Math.ceil((n + 1) / BLOCK);

/**
 * chainHash(tag, xs): state = tag; [len, ...xs] is cut into blocks of 7, the last padded with zeros;
 * state = Poseidon(8)([state, ...block]) for each block. The length in front makes padding unambiguous.
 */
export function chainHash(tag: bigint, xs: readonly bigint[]): bigint {
  const seq = [BigInt(xs.length), ...xs];
  while (seq.length % BLOCK !== 0) seq.push(0n);
  let state = tag;
  for (let i = 0; i < seq.length; i += BLOCK) state = poseidon([state, ...seq.slice(i, i + BLOCK)]);
  return state;
}
