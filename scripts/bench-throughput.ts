/**
 * Throughput of the proving engine alone (benchmark/throughput.ts), without the rest of the benchmark:
 * for each built instance, the bare warm Prover, then the engine with 1 and 2 worker processes. Writes
 * `throughput` into bench/results.json (keeping the rest of the file) and the table into README.md
 * between the throughput markers. `npm run bench` measures the same as part of the whole benchmark.
 *
 *   tsx scripts/bench-throughput.ts [--instances A,B] [--proofs K] [--no-readme]
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ROOT, artifacts, manifest } from "../prover/artifacts.ts";
import { measureThroughput, writeThroughput } from "../benchmark/throughput.ts";

const { values } = parseArgs({ options: { instances: { type: "string" }, proofs: { type: "string" }, "no-readme": { type: "boolean", default: false } } });
const names = values.instances ? values.instances.split(",").map((s) => s.trim()) : manifest.instances.map((i) => i.name).filter((n) => existsSync(artifacts(n).zkey));
const rows = await measureThroughput(names, Number(values.proofs ?? 8), (l) => console.log(l));
const table = writeThroughput(path.join(ROOT, "bench", "results.json"), values["no-readme"] ? null : path.join(ROOT, "README.md"), rows);
console.log(`\n${table}\n`);
process.exit(0);
