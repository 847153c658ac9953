// Entry point: see pipeline/contracts.ts.
import { runCommand } from "../pipeline/contracts.ts";

await runCommand();
