/**
 * The constraint cost of one loop body of Solvency(N, M) on its own: AssetTerms() is what each asset
 * slot adds inside the asset loop, PerpetualTerms() what each position adds. Compiled alone (with the
 * same compiler and --O2 as the instances) as the main component, whose outputs are the body's
 * outputs, so nothing of the body is optimised away as unused. The rest of an extra slot's cost is its
 * share of the commitments' chain hashes, which the fit over instances measures.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readR1csHeader } from "../pipeline/binfile.ts";
import { compileStandalone } from "./circom.ts";

export interface TemplateCost { template: string; source: string; constraints: number }

export function templateCost(template: string, source: string): TemplateCost {
  const dir = mkdtempSync(path.join(os.tmpdir(), "zks-template-"));
  try {
    const { r1cs } = compileStandalone(`pragma circom 2.1.9;\ninclude "${source}";\ncomponent main = ${template}();\n`, dir);
    return { template, source, constraints: readR1csHeader(r1cs).constraints };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
