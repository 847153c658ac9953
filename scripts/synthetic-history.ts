/**
 * Writes examples/history.csv: a SYNTHETIC daily price history for the example venue's assets and its
 * perpetual market, with the volatilities and correlations stated in risk/synthetic.ts and in the
 * file's own comment lines.
 *
 *   tsx scripts/synthetic-history.ts [OUT]
 */
import path from "node:path";
import { writeFileAtomic } from "../prover/files.ts";
import { ROOT } from "../prover/artifacts.ts";
import { historyCsv } from "../risk/history.ts";
import { EXAMPLE_SYNTHETIC, syntheticHistory, syntheticLabel } from "../risk/synthetic.ts";

const out = process.argv[2] ?? path.join(ROOT, "examples", "history.csv");
writeFileAtomic(out, historyCsv(syntheticHistory(EXAMPLE_SYNTHETIC), syntheticLabel(EXAMPLE_SYNTHETIC)), { overwrite: true });
console.log(`wrote ${path.relative(process.cwd(), out)}: ${EXAMPLE_SYNTHETIC.days} synthetic daily closes of ${EXAMPLE_SYNTHETIC.assets.map((a) => a.symbol).join(", ")}`);
