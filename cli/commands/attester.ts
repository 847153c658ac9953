/**
 * The attester's commands: `keygen` (a Baby Jubjub key, written 0600) and `attest` (sign an account's
 * portfolio commitment for a domain, a time and an expiry: the attestation is a lien that lapses).
 */
import type { Command } from "commander";
import { action, common, type CommonOptions } from "../command.ts";
import { venueFrom, parseAddress, parseUint, parseDuration, nowSeconds, type VenueSource } from "../options.ts";
import { loadPortfolio, checkUniverse, encodePortfolio } from "../../prover/portfolio.ts";
import { universeOf } from "../../prover/venue.ts";
import { writeFileAtomic, InputError } from "../../prover/files.ts";
import { checkOutputFile, warnIfShared } from "../preflight.ts";

// Loaded when a command runs: circomlibjs takes a second to import.
const attesterLib = () => import("../../prover/attester.ts");
const commitmentsLib = () => import("../../prover/commitments.ts");

interface KeygenOptions extends CommonOptions { out: string; force?: boolean }
interface AttestOptions extends CommonOptions, VenueSource {
  key: string;
  portfolio: string;
  account?: string;
  chainId?: string;
  gate?: string;
  at?: string;
  validFor: string;
  out: string;
  force?: boolean;
}

export function registerAttester(program: Command): void {
  common(program.command("keygen"))
    .description("create an attester key (EdDSA on Baby Jubjub), written with mode 0600")
    .option("-o, --out <file>", "key file to write", "attester-key.json")
    .option("-f, --force", "replace an existing key file")
    .action(action<[], KeygenOptions>(async (out, o) => {
      const { generateAttesterKey, writeAttesterKey } = await attesterLib();
      const key = await generateAttesterKey();
      writeAttesterKey(o.out, key, !!o.force);
      out.result({ file: o.out, publicKey: key.publicKey }, [
        `wrote ${o.out} (mode 0600): keep it secret, back it up`,
        `public key Ax: ${key.publicKey.Ax}`,
        `public key Ay: ${key.publicKey.Ay}`,
        "next: governance registers this public key with the gate (solvency attester register)",
      ]);
    }));

  common(program.command("attest"))
    .description("sign an account's portfolio commitment for a chain, gate and time (attester)")
    .requiredOption("--key <file>", "attester key file (from solvency keygen)")
    .requiredOption("--portfolio <file>", "the portfolio file to attest")
    .option("--deployment <file>", "deployment file from solvency deploy: the chain, the gate and the venue (default: SOLVENCY_DEPLOYMENT or solvency.config.json)")
    .option("--venue <file>", "venue file, with --chain-id and --gate instead of --deployment")
    .option("--chain-id <id>", "chain id of the domain (without --deployment)")
    .option("--gate <address>", "the solvency gate's address (without --deployment)")
    .option("--account <address>", "the account (default: the portfolio's 'account')")
    .option("--at <unix-seconds>", "attestation time (default: now)")
    .option("--valid-for <duration>", "how long the attestation (the lien) holds, e.g. 8h, 24h, 7d; signed, so no record outlives it", "24h")
    .option("-o, --out <file>", "attestation file to write", "attestation.json")
    .option("-f, --force", "replace an existing file")
    .action(action<[], AttestOptions>(async (out, o) => {
      const { venue, deployment } = venueFrom(o);
      const { loadAttesterKey, signAttestation, attestationJson, addressOf } = await attesterLib();
      const { portfolioCommitment, attesterBinding } = await commitmentsLib();
      const { poseidonReady } = await import("../../prover/poseidon.ts");
      let chainId: bigint;
      let gate: string;
      if (deployment) {
        if (o.chainId || o.gate) throw new InputError("--chain-id and --gate conflict with --deployment", "command line", "drop them: the deployment names its chain and gate");
        chainId = deployment.chainId;
        gate = deployment.contracts.gate;
      } else {
        if (!o.chainId || !o.gate) throw new InputError("the domain is incomplete", "command line", "pass --chain-id and --gate with --venue, or --deployment FILE");
        chainId = parseUint(o.chainId, "--chain-id");
        gate = parseAddress(o.gate, "--gate");
      }
      checkOutputFile(o.out, !!o.force, "--out");
      const key = await loadAttesterKey(o.key);
      warnIfShared(out, o.portfolio, "hidden portfolio and its salt");
      const portfolio = loadPortfolio(o.portfolio);
      checkUniverse(portfolio, universeOf(venue), venue.name);
      const accountText = o.account ?? portfolio.account;
      if (!accountText) throw new InputError("no account given", `${o.portfolio} account`, "pass --account ADDRESS or set 'account' in the portfolio file");
      const account = BigInt(parseAddress(accountText, o.account ? "--account" : `${o.portfolio} account`));
      if (o.account && portfolio.account && BigInt(portfolio.account) !== account) {
        throw new InputError(`--account differs from the portfolio's account ${portfolio.account}`, "--account", "attest the account the portfolio names");
      }
      const attestedAt = o.at ? parseUint(o.at, "--at", 2n ** 40n - 1n) : nowSeconds();
      const expiresAt = attestedAt + parseDuration(o.validFor, "--valid-for", 366n * 86400n);
      await poseidonReady();
      const commitment = portfolioCommitment(encodePortfolio(portfolio, venue.instance));
      const domain = { chainId, gate: BigInt(gate) };
      const a = signAttestation(key, venue.instance.name, account, domain, attestedAt, expiresAt, commitment);
      writeFileAtomic(o.out, attestationJson(a), { overwrite: !!o.force });
      out.result({
        file: o.out, account: addressOf(account), chainId, gate, attestedAt, expiresAt, portfolioCommitment: commitment,
        attesterBinding: attesterBinding(key.publicKey, domain),
      }, [
        `wrote ${o.out}: ${addressOf(account)}'s portfolio attested at ${new Date(Number(attestedAt) * 1000).toISOString()}, valid until ${new Date(Number(expiresAt) * 1000).toISOString()}`,
        `domain: chain ${chainId}, gate ${gate}`,
        `portfolio commitment: ${commitment}`,
      ]);
    }));
}
