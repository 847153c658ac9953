/**
 * The shape of bench/results.json: what one benchmark run measured, on which machine, when. Times are
 * milliseconds (medians over the run's repetitions) unless a name says seconds; memory is MiB.
 */
import { z } from "zod";
import type { ProofSystem } from "../prover/setup-info.ts";
import type { Machine } from "./machine.ts";
import type { Fit } from "./stats.ts";
import type { ColdRun, WarmRun } from "./proving-run.ts";
import type { VerifierGas } from "./verifier-gas.ts";
import type { StandInResult } from "./stand-in.ts";

export const RESULTS_VERSION = 1;

export interface ConstraintCount { total: number; nonLinear: number; linear: number }

/** Medians of the warm runs of one proof system on one instance. */
export interface WarmMedians {
  witnessMs: number;
  proofMs: number;
  verifyMs: number;
  /** Groth16 only: Prover.prove, i.e. witness + proof + local verification as a user gets them */
  proveMs: number | null;
  peakMemoryMiB: number;
}

export interface ColdMedians {
  /** process start to proof in hand (runtime and module start-up, fixture, key loading, first proof) */
  totalMs: number;
  startupMs: number;
  loadMs: number;
  /** the first Prover.prove of the process */
  proveMs: number;
  peakMemoryMiB: number;
}

export interface InstanceResult {
  name: string;
  assets: number;
  positions: number;
  constraints: ConstraintCount;
  wires: number;
  /** log2 of the Groth16 evaluation domain (the powers of tau the setup needs) */
  power: number;
  compileSeconds: number;
  /** null when the instance could not be set up (the reason is in `skipped`) */
  setup: { seconds: number; steps: Record<string, number>; development: boolean; ranNow: boolean } | null;
  warm: WarmMedians | null;
  cold: ColdMedians | null;
  verifierGas: VerifierGas | null;
  /** why the instance was compiled but not proved */
  skipped: string | null;
  /** the machine's 1-minute load average before and after the proving runs: other work slows every timing */
  loadAverage: { before: number; after: number } | null;
  raw: { cold: ColdRun[]; warm: Omit<WarmRun, "last"> | null };
}

/** One proof system on the default instance. */
export interface SystemResult {
  system: ProofSystem;
  instance: string;
  setupSeconds: number | null;
  zkeyMiB: number | null;
  warm: WarmMedians | null;
  verifierGas: VerifierGas | null;
  /** why the system could not be measured (e.g. the development powers of tau are too small) */
  error: string | null;
}

export interface ConstraintCost {
  /** the loop bodies compiled alone: what each asset and each position adds inside the loops */
  loopBodies: Record<string, number>;
  /** constraints ≈ c0 + cN·assets + cM·positions over the measured instances */
  fit: Fit | null;
  /** the marginal cost of one asset: exact from two instances with the same positions, else the fit's */
  perAsset: { constraints: number; from: string } | null;
  perPosition: { constraints: number; from: string } | null;
}

export interface Growth {
  /** warm proving (Prover.prove) against constraints */
  provingVsConstraints: Fit | null;
  /** warm proving against assets alone */
  provingVsAssets: Fit | null;
  /** readable prediction formulas */
  formulas: string[];
}

export interface TargetResult {
  name: string;
  limit: number;
  unit: string;
  value: number | null;
  /** what was measured, or why it was not */
  source: string;
  met: boolean | null;
}

/** bench/gas.json as scripts/gas.ts writes it (benchmark/gas-table.ts). */
export { gasFileSchema, type GasFile } from "./gas-table.ts";
import type { GasFile } from "./gas-table.ts";

export interface GasReport {
  /** what scripts/gas.ts wrote to bench/gas.json; null when it failed */
  report: GasFile | null;
  seconds: number;
  error: string | null;
}

export interface BenchResults {
  version: number;
  date: string;
  quick: boolean;
  runs: number;
  command: string;
  machine: Machine;
  defaultInstance: string;
  instances: InstanceResult[];
  constraintCost: ConstraintCost;
  growth: Growth;
  proofSystems: SystemResult[];
  /** verification gas of every proof system on a small circuit with the same public signals */
  standIn: StandInResult | null;
  gas: GasReport | null;
  targets: TargetResult[];
  seconds: number;
}
