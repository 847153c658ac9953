/**
 * A circuit instance ready to prove and to deploy: compiled, set up (development setup unless one exists)
 * and its verifier compiled by Hardhat. For tools that measure instances beyond the default build (the
 * gas and benchmark scripts); each step is skipped when its outputs are current.
 */
import { spawnSync } from "node:child_process";
import { ROOT, instance } from "../prover/artifacts.ts";
import { compile } from "./compile.ts";
import { setup, DEFAULT_BEACON_ITERATIONS } from "./setup.ts";
import type { Log } from "./steps.ts";

export async function ensureInstanceBuilt(name: string, log: Log): Promise<void> {
  const inst = instance(name);
  compile(inst);
  await setup(inst, { system: "groth16", beaconIterations: DEFAULT_BEACON_ITERATIONS, force: false }, log);
  const build = spawnSync(process.execPath, [`${ROOT}/node_modules/hardhat/dist/src/cli.js`, "build", "--quiet"], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`hardhat build failed for ${name}'s verifier: ${(build.stderr || build.stdout).split("\n")[0]}`);
}
