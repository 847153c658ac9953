// Entry point: see pipeline/compile.ts.
import { runCommand } from "../pipeline/compile.ts";

await runCommand();
