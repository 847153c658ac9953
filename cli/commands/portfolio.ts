/**
 * `solvency init`: a portfolio file for a venue's universe, every amount zero, with a fresh salt.
 */
import type { Command } from "commander";
import { action, common, type CommonOptions } from "../command.ts";
import { venueFrom, parseAddress, type VenueSource } from "../options.ts";
import { portfolioTemplate } from "../../prover/portfolio.ts";
import { universeOf } from "../../prover/venue.ts";
import { writeFileAtomic } from "../../prover/files.ts";

interface InitOptions extends CommonOptions, VenueSource { account?: string; out: string; force?: boolean }

export function registerPortfolio(program: Command): void {
  common(program.command("init"))
    .description("write a portfolio file for a venue's assets, with a fresh random salt (mode 0600)")
    .option("--venue <file>", "venue file (its assets and markets, in slot order)")
    .option("--deployment <file>", "deployment file from solvency deploy, which holds the venue (default: SOLVENCY_DEPLOYMENT or solvency.config.json)")
    .option("--account <address>", "the Ethereum account the portfolio backs")
    .option("-o, --out <file>", "portfolio file to write", "portfolio.yaml")
    .option("-f, --force", "replace an existing file (its salt is lost)")
    .addHelpText("after", "\nExample:\n  solvency init --deployment deployment.json --account 0x7099...79C8 --out portfolio.yaml\n")
    .action(action<[], InitOptions>(async (out, o) => {
      const { venue } = venueFrom(o);
      const account = o.account ? parseAddress(o.account, "--account") : undefined;
      const u = universeOf(venue);
      writeFileAtomic(o.out, portfolioTemplate(u, account), { mode: 0o600, overwrite: !!o.force });
      out.result({ file: o.out, venue: venue.name, assets: u.assets.map((a) => a.symbol), markets: u.markets.map((m) => m.symbol), account }, [
        `wrote ${o.out} for ${venue.name}: ${u.assets.length} assets (${u.assets.map((a) => a.symbol).join(", ")}), ${u.markets.length} perpetual markets`,
        "next: fill in your balances and positions, then have your attester sign it: solvency attest --portfolio " + o.out,
      ]);
    }));
}
