// Minimal typings for the parts of circomlibjs the project uses.
declare module "circomlibjs" {
  export interface FieldLike {
    toObject(a: Uint8Array): bigint;
    e(a: bigint | number | string): Uint8Array;
    eq(a: Uint8Array, b: Uint8Array): boolean;
    p: bigint;
  }
  export interface Poseidon {
    (inputs: Array<bigint | number | string>): Uint8Array;
    F: FieldLike;
  }
  export interface BabyJub {
    F: FieldLike;
    subOrder: bigint;
    order: bigint;
    Base8: [Uint8Array, Uint8Array];
    inCurve(p: [Uint8Array, Uint8Array]): boolean;
    inSubgroup(p: [Uint8Array, Uint8Array]): boolean;
    mulPointEscalar(p: [Uint8Array, Uint8Array], e: bigint): [Uint8Array, Uint8Array];
  }
  export interface Signature { R8: [Uint8Array, Uint8Array]; S: bigint }
  export interface Eddsa {
    F: FieldLike;
    babyJub: BabyJub;
    prv2pub(prv: Uint8Array): [Uint8Array, Uint8Array];
    signPoseidon(prv: Uint8Array, msg: Uint8Array): Signature;
    verifyPoseidon(msg: Uint8Array, sig: Signature, pub: [Uint8Array, Uint8Array]): boolean;
  }
  export function buildPoseidon(): Promise<Poseidon>;
  export function buildEddsa(): Promise<Eddsa>;
  export function buildBabyjub(): Promise<BabyJub>;
  export const poseidonContract: {
    createCode(nInputs: number): string;
    generateABI(nInputs: number): unknown[];
  };
}
