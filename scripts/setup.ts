// Entry point: see pipeline/setup.ts.
import { runCommand } from "../pipeline/setup.ts";

await runCommand();
