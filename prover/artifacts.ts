/**
 * Where every build artifact of a circuit instance lives, and the manifest that lists the instances.
 * The build folder is generated (npm run build) and never committed.
 */
import { readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const ROOT = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
export const BUILD_DIR = process.env.ZKS_BUILD_DIR ? path.resolve(process.env.ZKS_BUILD_DIR) : path.join(ROOT, "build");
export const MANIFEST_PATH = path.join(ROOT, "circuits", "manifest.json");
export const GENERATED_CONTRACTS_DIR = path.join(ROOT, "contracts", "generated");

export interface AcceptedWarning { code: string; template: string; justification: string }
export interface InstanceSpec {
  name: string;
  template: string;
  source: string;
  assets: number;
  positions: number;
  /** stress instances only: the number of joint price scenarios S */
  scenarios?: number;
  role: string;
  default: boolean;
}
/** What the compile step recorded of an instance: build/circuits/<name>/info.json. */
export interface CircuitInfo {
  name: string;
  template: string;
  assets: number;
  positions: number;
  compiler: string;
  sourceHash: string;
  sources: Record<string, string>;
  constraints: { nonLinear: number; linear: number; total: number };
  wires: number;
  publicInputs: number;
  privateInputs: number;
  outputs: number;
  publicSignals: string[];
  inspect: Array<{ code: string; template: string; message: string; justification: string }>;
  compileSeconds: number;
}

export interface Manifest { compiler: string; instances: InstanceSpec[]; acceptedWarnings: AcceptedWarning[] }

export const manifest: Manifest = JSON.parse(readFileSync(MANIFEST_PATH, "utf8")) as Manifest;

export function instance(name: string): InstanceSpec {
  const found = manifest.instances.find((i) => i.name === name);
  if (!found) {
    throw new Error(`unknown circuit instance '${name}'; known: ${manifest.instances.map((i) => i.name).join(", ")}`);
  }
  return found;
}
export const defaultInstances = (): InstanceSpec[] => manifest.instances.filter((i) => i.default);

/** Paths of one instance's artifacts. */
export function artifacts(name: string) {
  const circuitDir = path.join(BUILD_DIR, "circuits", name);
  const setupDir = path.join(BUILD_DIR, "setup", name);
  return {
    circuitDir,
    main: path.join(circuitDir, `${name}.circom`),
    r1cs: path.join(circuitDir, `${name}.r1cs`),
    sym: path.join(circuitDir, `${name}.sym`),
    wasm: path.join(circuitDir, `${name}_js`, `${name}.wasm`),
    circuitInfo: path.join(circuitDir, "info.json"),
    setupDir,
    zkey: path.join(setupDir, `${name}.zkey`),
    vkey: path.join(setupDir, "verification_key.json"),
    setupInfo: path.join(setupDir, "setup.json"),
    verifierSol: path.join(GENERATED_CONTRACTS_DIR, `Groth16Verifier_${name}.sol`),
  };
}

/** The one fix every command gives for an instance that is not built: compile, set up, compile the contracts. */
export const buildCommand = (name: string): string => `npm run build:circuits -- ${name} && npm run setup -- ${name} && npm run build:contracts`;

export const isBuilt = (name: string): boolean => existsSync(artifacts(name).wasm) && existsSync(artifacts(name).zkey);
