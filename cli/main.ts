/**
 * The `solvency` command line: one program over prover/ and verifier/. Each command parses its flags,
 * calls the library and prints the result (text, or JSON with --json); exit codes are documented in
 * cli/output.ts and docs/cli.md.
 */
import { Command, CommanderError } from "commander";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EXIT, oneLine, printJsonFailure } from "./output.ts";
import { misspeltOption } from "./suggest.ts";
import { registerPortfolio } from "./commands/portfolio.ts";
import { registerAttester } from "./commands/attester.ts";
import { registerProof } from "./commands/proof.ts";
import { registerChain } from "./commands/chain.ts";
import { registerBuild } from "./commands/build.ts";
import { registerVenue } from "./commands/venue.ts";
import { registerRisk } from "./commands/risk.ts";
import { registerWatch } from "./commands/watch.ts";

const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8")) as { version: string };

export function program(): Command {
  const p = new Command("solvency")
    .description("private solvency proofs: prove a hidden portfolio meets a venue's collateral ratio, in zero knowledge")
    .version(pkg.version)
    .showSuggestionAfterError()
    .addHelpText("after", [
      "",
      "Workflow: deploy → (attester) keygen, attester register → oracle publish → init, deposit, attest → prove → verify → submit → status, balance, repay, withdraw / liquidate",
      "Exit codes: 0 ok, 1 usage or input error, 2 claim does not hold or proof not valid, 3 chain or RPC error.",
      "Every command takes --json (one JSON document on stdout, always) and --help.",
      "--deployment and --rpc default to SOLVENCY_DEPLOYMENT and SOLVENCY_RPC, or to solvency.config.json in this folder or above.",
      "",
    ].join("\n"));
  registerPortfolio(p);
  registerAttester(p);
  registerProof(p);
  registerChain(p);
  registerVenue(p);
  registerBuild(p);
  registerRisk(p);
  registerWatch(p);
  // Usage errors: one line `error: what — where — fix`, exit code 1; with --json also one JSON
  // document on stdout. Help and version text, with --json, become a document too.
  const configure = (c: Command): void => {
    c.exitOverride();
    c.configureOutput({
      writeErr: (s) => {
        // Help shown for a missing subcommand (`solvency`, `solvency oracle`) is help, not an error line.
        if (s.startsWith("Usage:")) {
          if (usage.json) usage.text += s;
          else process.stderr.write(s);
          return;
        }
        const text = oneLine(s.replace(/^error:\s*/, ""));
        if (text) usageError(text, commandPath(c));
      },
      writeOut: (s) => {
        if (usage.json) usage.text += s;
        else process.stdout.write(s);
      },
    });
    c.commands.forEach(configure);
  };
  configure(p);
  return p;
}

/** What main() prints for usage errors and help; `json` is set from the command line before parsing. */
const usage = { json: false, text: "", failed: false };

const commandPath = (c: Command): string => {
  const names: string[] = [];
  for (let x: Command | null = c; x; x = x.parent) names.unshift(x.name());
  return names.join(" ");
};

function usageError(problem: string, where: string, fix = "see --help"): void {
  if (usage.failed) return;
  usage.failed = true;
  process.stderr.write(`error: ${problem} — ${where} — ${fix}\n`);
  if (usage.json) printJsonFailure({ problem, where, fix, exitCode: EXIT.input });
}

export async function main(argv: string[]): Promise<void> {
  const args = argv.slice(2);
  const end = args.indexOf("--");
  usage.json = (end < 0 ? args : args.slice(0, end)).includes("--json");
  const p = program();
  try {
    // commander reports a missing required option before an unknown one, so `--portfolo` would be
    // told as "required option '--portfolio' not specified": name the misspelling first.
    const misspelt = misspeltOption(p, args);
    if (misspelt) {
      usageError(misspelt.problem, misspelt.where);
      process.exit(EXIT.input);
    }
    await p.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      const ok = err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help";
      if (ok && usage.json) process.stdout.write(JSON.stringify(err.code === "commander.version" ? { ok: true, version: usage.text.trim() } : { ok: true, help: usage.text }, null, 2) + "\n");
      if (!ok && usage.json && !usage.failed) usageError(oneLine(err.message.replace(/^error:\s*/, "")), "solvency");
      process.exit(ok ? EXIT.ok : EXIT.input);
    }
    usage.failed = false;
    usageError(oneLine((err as Error).message), "solvency", "rerun with --debug");
    process.exit(EXIT.input);
  }
}

await main(process.argv);
