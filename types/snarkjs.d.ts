// Typings for snarkjs (which ships none): the proving and verifying calls the prover and verifier use
// are typed exactly; the rest of each namespace is typed loosely, as name -> async function.
declare module "snarkjs" {
  export interface Groth16Proof {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: string;
    curve: string;
  }
  export interface Logger {
    debug(msg: string): void;
    info(msg: string): void;
    warn(msg: string): void;
    error(msg: string): void;
  }
  export type FileSource = string | Uint8Array;
  type AsyncFunctions = { [fn: string]: (...args: any[]) => Promise<any> };
  export const groth16: AsyncFunctions & {
    fullProve(input: Record<string, unknown>, wasm: FileSource, zkey: FileSource, logger?: Logger): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    verify(vkey: object, publicSignals: readonly string[], proof: Groth16Proof, logger?: Logger): Promise<boolean>;
    exportSolidityCallData(proof: Groth16Proof, publicSignals: readonly string[]): Promise<string>;
  };
  export const zKey: AsyncFunctions & {
    exportVerificationKey(zkey: FileSource, logger?: Logger): Promise<object>;
  };
  export const powersOfTau: AsyncFunctions;
  export const curves: AsyncFunctions;
  export const r1cs: AsyncFunctions;
  export const wtns: AsyncFunctions;
  export const plonk: AsyncFunctions;
  export const fflonk: AsyncFunctions;
}
