/**
 * Compiles a small circuit the benchmark writes itself (a loop body alone, a stand-in verifier circuit)
 * with the project's compiler and options (circom2, --O2, the project's include paths), into a folder
 * the caller owns.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { ROOT } from "../prover/artifacts.ts";

const require = createRequire(import.meta.url);

/** Writes `source` as main.circom in `dir` and compiles it; returns the paths of what was built. */
export function compileStandalone(source: string, dir: string, wasm = false): { r1cs: string; wasm: string } {
  const main = path.join(dir, "main.circom");
  writeFileSync(main, source);
  const run = spawnSync(process.execPath, [require.resolve("circom2/cli.js"), main, "--r1cs", ...(wasm ? ["--wasm"] : []), "--O2",
    "-l", path.join(ROOT, "node_modules"), "-l", path.join(ROOT, "circuits"), "-o", dir], { cwd: ROOT, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`circom failed on a benchmark circuit:\n${run.stdout}\n${run.stderr}`);
  return { r1cs: path.join(dir, "main.r1cs"), wasm: path.join(dir, "main_js", "main.wasm") };
}
