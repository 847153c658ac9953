/**
 * Throughput of the proving engine (benchmark/throughput.ts): for each built instance, the bare warm
 * Prover, then the engine with 1 and 2 worker processes. Writes `throughput` into bench/results.json
 * (keeping the rest of the file) and the table into README.md between the throughput markers.
 *
 *   tsx scripts/bench-throughput.ts [--instances A,B] [--proofs K] [--no-readme]
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ROOT, artifacts, manifest } from "../prover/artifacts.ts";
import { writeFileAtomic, toJson } from "../prover/files.ts";
import { bareProver, throughEngine, throughputMarkdown, type ThroughputResult } from "../benchmark/throughput.ts";

const START = "<!-- throughput:start -->";
const END = "<!-- throughput:end -->";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { instances: { type: "string" }, proofs: { type: "string" }, "no-readme": { type: "boolean", default: false } } });
  const names = values.instances ? values.instances.split(",").map((s) => s.trim()) : manifest.instances.map((i) => i.name).filter((n) => existsSync(artifacts(n).zkey));
  const proofs = Number(values.proofs ?? 8);
  const rows: ThroughputResult[] = [];
  for (const name of names) {
    console.log(`${name}: bare warm Prover, ${proofs} proofs ...`);
    rows.push(bareProver(name, proofs));
    for (const workers of [1, 2]) {
      console.log(`${name}: engine with ${workers} worker process(es), ${proofs * workers} proofs ...`);
      rows.push(await throughEngine(name, workers, proofs * workers));
    }
  }
  const file = path.join(ROOT, "bench", "results.json");
  const results = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>) : {};
  const row = ({ instance, workers, proofsPerMinute, peakMemoryMiB }: ThroughputResult) => ({ instance, workers, proofsPerMinute, peakMemoryMiB });
  results.throughput = rows.filter((r) => r.workers > 0).map(row);
  results.throughputBaseline = rows.filter((r) => r.workers === 0).map(({ instance, proofsPerMinute, peakMemoryMiB }) => ({ instance, proofsPerMinute, peakMemoryMiB }));
  writeFileAtomic(file, toJson(results), { overwrite: true });
  const table = throughputMarkdown(rows);
  console.log(`\n${table}\n`);
  if (!values["no-readme"]) {
    const readme = path.join(ROOT, "README.md");
    const text = readFileSync(readme, "utf8");
    const s = text.indexOf(START);
    const e = text.indexOf(END);
    if (s >= 0 && e > s) writeFileAtomic(readme, `${text.slice(0, s + START.length)}\n${table}\n${text.slice(e)}`, { overwrite: true });
    else console.log(`README.md has no ${START} ... ${END} markers: the table was not written into it`);
  }
}

await main();
process.exit(0);
