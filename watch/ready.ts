/** The hash and signature libraries the roles use, loaded once before the first tick. */
import { poseidonReady } from "../prover/poseidon.ts";
import { eddsaReady } from "../prover/attestation.ts";

export async function ready(): Promise<void> {
  await poseidonReady();
  await eddsaReady();
}
