/**
 * The `solvency` command line: one program over prover/ and verifier/. Each command parses its flags,
 * calls the library and prints the result (text, or JSON with --json); exit codes are documented in
 * cli/output.ts and docs/cli.md.
 */
import { Command, CommanderError } from "commander";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EXIT, oneLine } from "./output.ts";
import { registerPortfolio } from "./commands/portfolio.ts";
import { registerAttester } from "./commands/attester.ts";
import { registerProof } from "./commands/proof.ts";
import { registerChain } from "./commands/chain.ts";
import { registerBuild } from "./commands/build.ts";
import { registerWatch } from "./commands/watch.ts";

const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8")) as { version: string };

export function program(): Command {
  const p = new Command("solvency")
    .description("private solvency proofs: prove a hidden portfolio meets a venue's collateral ratio, in zero knowledge")
    .version(pkg.version)
    .showSuggestionAfterError()
    .addHelpText("after", [
      "",
      "Workflow: deploy → (attester) keygen, attester register → oracle publish → init, attest → prove → verify → submit → status / liquidate",
      "Exit codes: 0 ok, 1 usage or input error, 2 claim does not hold or proof not valid, 3 chain or RPC error.",
      "Every command takes --json (machine-readable result on stdout) and --help.",
      "",
    ].join("\n"));
  registerPortfolio(p);
  registerAttester(p);
  registerProof(p);
  registerChain(p);
  registerBuild(p);
  registerWatch(p);
  // Usage errors: one line `error: what — where — fix`, exit code 1.
  const configure = (c: Command): void => {
    c.exitOverride();
    c.configureOutput({
      writeErr: (s) => {
        const text = oneLine(s.replace(/^error:\s*/, ""));
        if (text) process.stderr.write(`error: ${text} — ${c.name() === "solvency" ? "solvency" : `solvency ${c.name()}`} — see --help\n`);
      },
    });
    c.commands.forEach(configure);
  };
  configure(p);
  return p;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      const ok = err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help";
      process.exit(ok ? EXIT.ok : EXIT.input);
    }
    process.stderr.write(`error: ${oneLine((err as Error).message)} — solvency — rerun with --debug\n`);
    process.exit(EXIT.input);
  }
}

await main(process.argv);
