/**
 * The constraint cost of one loop body of Solvency(N, M) on its own: AssetTerms() is what each asset
 * slot adds inside the asset loop, PerpetualTerms() what each position adds. Compiled alone (with the
 * same compiler and --O2 as the instances) as the main component, whose outputs are the body's
 * outputs, so nothing of the body is optimised away as unused. The rest of an extra slot's cost is its share of the commitments'
 * chain hashes, which the fit over instances measures.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../../prover/artifacts.ts";
import { readR1csHeader } from "../lib/binfile.ts";

const require = createRequire(import.meta.url);

export interface TemplateCost { template: string; source: string; constraints: number }

export function templateCost(template: string, source: string): TemplateCost {
  const dir = mkdtempSync(path.join(os.tmpdir(), "zks-template-"));
  try {
    const main = path.join(dir, "main.circom");
    writeFileSync(main, `pragma circom 2.1.9;\ninclude "${source}";\ncomponent main = ${template}();\n`);
    const run = spawnSync(process.execPath, [require.resolve("circom2/cli.js"), main, "--r1cs", "--O2",
      "-l", path.join(ROOT, "node_modules"), "-l", path.join(ROOT, "circuits"), "-o", dir], { cwd: ROOT, encoding: "utf8" });
    if (run.status !== 0) throw new Error(`circom failed on ${template}:\n${run.stdout}\n${run.stderr}`);
    return { template, source, constraints: readR1csHeader(path.join(dir, "main.r1cs")).constraints };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
