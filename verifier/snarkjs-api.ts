/**
 * The parts of snarkjs the trusted setup calls, typed (types/snarkjs.d.ts covers only proving and
 * verifying), and a logger that keeps snarkjs' error lines so a failed step can say why in one line.
 * snarkjs signals most failures by logging an error and returning -1 or false rather than throwing.
 */
import * as snarkjs from "snarkjs";
import type { Logger } from "snarkjs";

export interface Curve { terminate(): Promise<void> }
type Hash = Uint8Array;

interface SetupApi {
  curves: { getCurveFromName(name: string): Promise<Curve> };
  powersOfTau: {
    newAccumulator(curve: Curve, power: number, file: string, logger?: Logger): Promise<unknown>;
    contribute(oldFile: string, newFile: string, name: string, entropy: string, logger?: Logger): Promise<Hash>;
    beacon(oldFile: string, newFile: string, name: string, beaconHex: string, iterationsExp: number, logger?: Logger): Promise<Hash | false>;
    preparePhase2(oldFile: string, newFile: string, logger?: Logger): Promise<unknown>;
    verify(file: string, logger?: Logger): Promise<boolean>;
  };
  zKey: {
    newZKey(r1cs: string, ptau: string, zkey: string, logger?: Logger): Promise<Hash | -1>;
    contribute(oldZkey: string, newZkey: string, name: string, entropy: string, logger?: Logger): Promise<Hash>;
    beacon(oldZkey: string, newZkey: string, name: string, beaconHex: string, iterationsExp: number, logger?: Logger): Promise<Hash | false>;
    verifyFromR1cs(r1cs: string, ptau: string, zkey: string, logger?: Logger): Promise<boolean>;
    exportVerificationKey(zkey: string, logger?: Logger): Promise<Record<string, unknown>>;
    exportSolidityVerifier(zkey: string, templates: Record<string, string>, logger?: Logger): Promise<string>;
  };
  plonk: { setup(r1cs: string, ptau: string, zkey: string, logger?: Logger): Promise<unknown> };
  fflonk: { setup(r1cs: string, ptau: string, zkey: string, logger?: Logger): Promise<unknown> };
}

export const snark = snarkjs as unknown as SetupApi;

/** A snarkjs logger that records what it is told; debug lines go to `progress`, if given. */
export interface RecordingLogger extends Logger {
  readonly infos: string[];
  readonly errors: string[];
  lastError(): string | undefined;
}

export function recordingLogger(progress?: (message: string) => void): RecordingLogger {
  const infos: string[] = [];
  const errors: string[] = [];
  return {
    infos,
    errors,
    debug: (m) => progress?.(String(m)),
    info: (m) => void infos.push(String(m)),
    warn: (m) => void infos.push(String(m)),
    error: (m) => void errors.push(String(m)),
    lastError: () => errors.at(-1),
  };
}

/** Hex of a snarkjs hash (a Uint8Array). */
export const hashHex = (h: Hash): string => Buffer.from(h).toString("hex");

/**
 * Stops the worker threads of the BN254 curve that snarkjs keeps as a process-wide singleton, so a
 * process (or a test run) can end once the setup is done.
 */
export async function releaseCurve(): Promise<void> {
  const g = globalThis as { curve_bn128?: Curve | null };
  if (g.curve_bn128) await g.curve_bn128.terminate();
}
