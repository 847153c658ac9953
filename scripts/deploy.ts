// Entry point: see pipeline/deploy.ts.
import { runCommand } from "../pipeline/deploy.ts";

await runCommand();
