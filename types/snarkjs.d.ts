// Minimal typings for the parts of snarkjs the prover and verifier use.
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
  export const groth16: {
    fullProve(input: Record<string, unknown>, wasm: FileSource, zkey: FileSource, logger?: Logger): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    verify(vkey: object, publicSignals: readonly string[], proof: Groth16Proof, logger?: Logger): Promise<boolean>;
    exportSolidityCallData(proof: Groth16Proof, publicSignals: readonly string[]): Promise<string>;
  };
  export const zKey: {
    exportVerificationKey(zkey: FileSource, logger?: Logger): Promise<object>;
  };
}
