/**
 * Runs a circuit's witness generator (the .wasm circom emits, ABI version 2) in memory and returns the
 * full witness, one field element per R1CS wire.
 *
 * It can also run the generator with circom's `assert`s turned off. circom compiles every `===` and
 * `assert` into a run-time check that aborts witness generation, so a witness generator alone can never
 * show whether the CONSTRAINTS reject a bad value: a malicious prover simply skips those checks. With
 * `skipAsserts`, the generator computes every signal as the circuit's code does and records each failed
 * check instead of aborting, producing exactly the witness such a prover would hand to the prover key;
 * the R1CS checker (constraints.ts) then decides whether the constraint system accepts it.
 */
import { readFileSync } from "node:fs";

/** A circuit input: every input signal by name, a value or a (nested) array of values. */
export type WitnessInputValue = bigint | number | string | WitnessInputValue[];
export type WitnessInput = Record<string, WitnessInputValue>;

export class WitnessError extends Error {
  constructor(message: string, readonly failedAsserts: readonly string[] = []) {
    super(message);
  }
}

export interface WitnessRun {
  /** the value of every wire, wire 0 being the constant 1 */
  witness: bigint[];
  /** the circuit's messages for every check that failed (only ever non-empty with skipAsserts) */
  failedAsserts: string[];
}

interface CircomExports {
  memory: WebAssembly.Memory;
  getVersion(): number;
  getFieldNumLen32(): number;
  getRawPrime(): void;
  readSharedRWMemory(i: number): number;
  writeSharedRWMemory(i: number, v: number): void;
  init(sanityCheck: number): void;
  getInputSignalSize(hMSB: number, hLSB: number): number;
  setInputSignal(hMSB: number, hLSB: number, i: number): void;
  getInputSize(): number;
  getWitnessSize(): number;
  getWitness(i: number): void;
  getMessageChar(): number;
}

const EXCEPTIONS: Record<number, string> = {
  1: "signal not found",
  2: "too many signals set",
  3: "signal already set",
  4: "assert failed",
  5: "not enough memory",
  6: "input signal array access exceeds its size",
  7: "out of bounds array access",
};

// ---- patching the generator's checks -------------------------------------------------------------

const OP_CALL = 0x10;
const OP_I32_CONST = 0x41;
const OP_RETURN = 0x0f;
const OP_DROP = 0x1a;
const OP_END = 0x0b;
const ASSERT_FAILED = 0x04;

/** Reads an unsigned LEB128 at `pos`; returns the value and the position after it. */
function readLeb(bytes: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[pos++]!;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return [value, pos];
  }
}

/** Start of the LEB128 number whose last byte is at `end`, or -1 when `end` cannot end one. */
function lebStartBefore(bytes: Uint8Array, end: number): number {
  if (end < 0 || (bytes[end]! & 0x80) !== 0) return -1;
  let k = end;
  while (k > 0 && (bytes[k - 1]! & 0x80) !== 0) k--;
  return k;
}

function encodeLeb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

/** Byte ranges of a module's sections by id (the code section is id 10, imports id 2). */
function sections(wasm: Uint8Array): Map<number, { start: number; end: number }> {
  const out = new Map<number, { start: number; end: number }>();
  let pos = 8; // magic and version
  while (pos < wasm.length) {
    const id = wasm[pos++]!;
    const [size, start] = readLeb(wasm, pos);
    if (id !== 0) out.set(id, { start, end: start + size });
    pos = start + size;
  }
  return out;
}

/** Index of the imported function runtime.<field> (imported functions are numbered first). */
function importedFunctionIndex(wasm: Uint8Array, field: string): number {
  const section = sections(wasm).get(2);
  if (!section) throw new Error("the witness generator has no import section");
  const decoder = new TextDecoder();
  let pos = section.start;
  let count: number;
  [count, pos] = readLeb(wasm, pos);
  let funcIndex = 0;
  for (let i = 0; i < count; i++) {
    const names: string[] = [];
    for (let k = 0; k < 2; k++) {
      let len: number;
      [len, pos] = readLeb(wasm, pos);
      names.push(decoder.decode(wasm.subarray(pos, pos + len)));
      pos += len;
    }
    const kind = wasm[pos++]!;
    if (kind === 0) {
      if (names[0] === "runtime" && names[1] === field) return funcIndex;
      [, pos] = readLeb(wasm, pos);
      funcIndex++;
    } else if (kind === 2) {
      const flags = wasm[pos++]!;
      [, pos] = readLeb(wasm, pos);
      if (flags & 1) [, pos] = readLeb(wasm, pos);
    } else {
      throw new Error(`the witness generator imports an unexpected kind ${kind}`);
    }
  }
  throw new Error(`the witness generator does not import runtime.${field}`);
}

/**
 * Turns every failed-check exit of a circom witness generator into a no-op. circom emits each check as
 *   if (!cond) { i32.const msg; i32.const line; call buildBufferMessage; call printErrorMessage;
 *                i32.const 4; return }
 * and the `return` (with error code 4, "assert failed") is what aborts the run. Replacing that `return`
 * by `drop` keeps the message (so the failure is still recorded) and lets the code go on. Every match
 * must have the full shape above, and the count is returned so callers can see the patch took effect.
 */
export function disableAsserts(wasm: Uint8Array): { wasm: Uint8Array<ArrayBuffer>; patched: number } {
  const code = sections(wasm).get(10);
  if (!code) throw new Error("the witness generator has no code section");
  const printError = importedFunctionIndex(wasm, "printErrorMessage");
  const tail = [OP_CALL, ...encodeLeb(printError), OP_I32_CONST, ASSERT_FAILED, OP_RETURN, OP_END];
  const out = Uint8Array.from(wasm);
  let patched = 0;
  for (let i = code.start; i + tail.length <= code.end; i++) {
    if (!tail.every((b, k) => out[i + k] === b)) continue;
    // Walk back over `call buildBufferMessage`, `i32.const line`, `i32.const msg`.
    let end = i - 1;
    let shaped = true;
    for (const op of [OP_CALL, OP_I32_CONST, OP_I32_CONST]) {
      const start = lebStartBefore(out, end);
      if (start < 1 || out[start - 1] !== op) {
        shaped = false;
        break;
      }
      end = start - 2;
    }
    if (!shaped) continue;
    out[i + tail.length - 2] = OP_DROP;
    patched++;
  }
  if (patched === 0) throw new Error("no circom check found in the witness generator: unsupported circom version");
  return { wasm: out, patched };
}

// ---- running the generator ------------------------------------------------------------------------

/** circom's 64-bit FNV-1a hash of an input signal's name, split in two 32-bit halves. */
function signalHash(name: string): [number, number] {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < name.length; i++) {
    h ^= BigInt(name.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return [Number(h >> 32n), Number(h & 0xffffffffn)];
}

function flatten(v: WitnessInputValue): Array<bigint | number | string> {
  return Array.isArray(v) ? v.flatMap(flatten) : [v];
}

export class WitnessCalculator {
  private messages: string[] = [];
  private failed: string[] = [];
  private readonly n32: number;
  readonly prime: bigint;
  readonly witnessSize: number;

  private constructor(private readonly ex: CircomExports, readonly skipAsserts: boolean, readonly patchedChecks: number) {
    if (ex.getVersion() !== 2) throw new Error(`unsupported witness generator version ${ex.getVersion()} (circom 2 emits version 2)`);
    this.n32 = ex.getFieldNumLen32();
    ex.getRawPrime();
    this.prime = this.readShared();
    this.witnessSize = ex.getWitnessSize();
  }

  /** Loads a generator; with skipAsserts its checks record failures instead of aborting the run. */
  static async load(wasmPath: string, opts: { skipAsserts?: boolean } = {}): Promise<WitnessCalculator> {
    let bytes: Uint8Array<ArrayBuffer> = new Uint8Array(readFileSync(wasmPath));
    let patched = 0;
    if (opts.skipAsserts) ({ wasm: bytes, patched } = disableAsserts(bytes));
    const module = await WebAssembly.compile(bytes);
    let calc: WitnessCalculator | undefined;
    const message = (): string => {
      let s = "";
      for (let c = calc!.ex.getMessageChar(); c !== 0; c = calc!.ex.getMessageChar()) s += String.fromCharCode(c);
      return s;
    };
    const instance = await WebAssembly.instantiate(module, {
      runtime: {
        exceptionHandler: (code: number) => {
          const pending = calc!.messages.join("; ");
          throw new WitnessError(`witness generation failed: ${EXCEPTIONS[code] ?? `error ${code}`}${pending ? ` (${pending})` : ""}`, [...calc!.messages]);
        },
        printErrorMessage: () => {
          const m = message().trim();
          calc!.messages.push(m);
          if (calc!.skipAsserts) calc!.failed.push(m);
        },
        writeBufferMessage: () => { message(); },
        showSharedRWMemory: () => {},
      },
    });
    calc = new WitnessCalculator(instance.exports as unknown as CircomExports, opts.skipAsserts ?? false, patched);
    return calc;
  }

  private readShared(): bigint {
    let v = 0n;
    for (let j = this.n32 - 1; j >= 0; j--) v = (v << 32n) | BigInt(this.ex.readSharedRWMemory(j) >>> 0);
    return v;
  }

  private writeShared(value: bigint): void {
    let v = value;
    for (let j = 0; j < this.n32; j++) {
      this.ex.writeSharedRWMemory(j, Number(v & 0xffffffffn));
      v >>= 32n;
    }
  }

  /** Computes the witness; throws WitnessError when a check fails (unless loaded with skipAsserts). */
  calculate(input: WitnessInput): WitnessRun {
    this.messages = [];
    this.failed = [];
    this.ex.init(0);
    let set = 0;
    for (const [name, value] of Object.entries(input)) {
      const values = flatten(value);
      const [hi, lo] = signalHash(name);
      const size = this.ex.getInputSignalSize(hi, lo);
      if (size <= 0) throw new WitnessError(`the circuit has no input signal '${name}'`);
      if (values.length !== size) throw new WitnessError(`input signal '${name}' takes ${size} values, got ${values.length}`);
      values.forEach((v, i) => {
        const x = BigInt(v) % this.prime;
        this.writeShared(x < 0n ? x + this.prime : x);
        this.ex.setInputSignal(hi, lo, i);
        set++;
      });
    }
    if (set < this.ex.getInputSize()) throw new WitnessError(`only ${set} of the circuit's ${this.ex.getInputSize()} input values were given`);
    const witness: bigint[] = new Array(this.witnessSize);
    for (let i = 0; i < this.witnessSize; i++) {
      this.ex.getWitness(i);
      witness[i] = this.readShared();
    }
    return { witness, failedAsserts: [...this.failed] };
  }
}

/**
 * A witness in snarkjs' .wtns format (version 2), for proving from a witness computed or edited here:
 * "wtns", version, 2 sections; section 1: field size, prime, wire count; section 2: the values.
 */
export function wtnsBinary(witness: readonly bigint[], prime: bigint): Uint8Array {
  const n8 = Math.ceil(prime.toString(16).length / 2 / 8) * 8;
  const header = 4 + n8 + 4;
  const out = new Uint8Array(12 + 12 + header + 12 + n8 * witness.length);
  const view = new DataView(out.buffer);
  out.set([0x77, 0x74, 0x6e, 0x73], 0); // "wtns"
  view.setUint32(4, 2, true);
  view.setUint32(8, 2, true);
  let pos = 12;
  const section = (id: number, length: number): void => {
    view.setUint32(pos, id, true);
    view.setBigUint64(pos + 4, BigInt(length), true);
    pos += 12;
  };
  const field = (v: bigint): void => {
    let x = v;
    for (let i = 0; i < n8; i++) {
      out[pos + i] = Number(x & 0xffn);
      x >>= 8n;
    }
    pos += n8;
  };
  section(1, header);
  view.setUint32(pos, n8, true);
  pos += 4;
  field(prime);
  view.setUint32(pos, witness.length, true);
  pos += 4;
  section(2, n8 * witness.length);
  for (const v of witness) field(((v % prime) + prime) % prime);
  return out;
}
