/**
 * The machine a benchmark ran on, recorded with its results: timings mean nothing without the cores,
 * the CPU, the memory and the versions of the runtime and the prover that produced them.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

export interface Machine {
  cpuModel: string;
  /** logical cores the operating system reports (snarkjs uses one worker thread per core) */
  cores: number;
  memoryGiB: number;
  platform: string;
  node: string;
  snarkjs: string;
  circom: string | null;
  /** the 1-minute load average when the run started: other work on the machine slows every timing */
  loadAverage: number;
}

const require = createRequire(import.meta.url);

export function packageVersion(name: string): string {
  const main = require.resolve(name);
  let dir = path.dirname(main);
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === name && pkg.version) return pkg.version;
    } catch {
      // no package.json at this level: keep walking up
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the version of ${name}`);
    dir = up;
  }
}

export function machine(circom: string | null): Machine {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    snarkjs: packageVersion("snarkjs"),
    circom,
    loadAverage: Math.round(os.loadavg()[0] * 100) / 100,
  };
}
