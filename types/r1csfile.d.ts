// Minimal typings for the part of r1csfile the audit uses.
declare module "r1csfile" {
  export interface R1csField {
    p: bigint;
    fromRprLE(buff: Uint8Array, offset: number): bigint;
  }
  export interface R1csReadOptions {
    loadConstraints?: boolean;
    loadMap?: boolean;
    loadCustomGates?: boolean;
    singleThread?: boolean;
    getFieldFromPrime?: (prime: bigint, singleThread?: boolean) => R1csField | Promise<R1csField>;
  }
  /** A linear combination as r1csfile returns it: wire index → coefficient (the field's representation). */
  export type R1csLinearCombination = Record<string, bigint>;
  export interface R1cs {
    n8: number;
    prime: bigint;
    nVars: number;
    nOutputs: number;
    nPubInputs: number;
    nPrvInputs: number;
    nLabels: number | bigint;
    nConstraints: number;
    useCustomGates: boolean;
    constraints: Array<[R1csLinearCombination, R1csLinearCombination, R1csLinearCombination]>;
    /** with loadMap: the label of the signal each wire carries */
    map: number[];
  }
  export function readR1cs(fileName: string, options: R1csReadOptions): Promise<R1cs>;
}
