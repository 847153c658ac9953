/**
 * `solvency prove` (a solvency or insolvency proof from a portfolio, an attestation and a published
 * round, checked locally before it is written; with --rpc, the terms are read from the chain and checked
 * first against everything the gate would refuse) and `solvency verify` (off chain).
 */
import type { Command } from "commander";
import { action, common, type CommonOptions } from "../command.ts";
import { NotVerified, classify } from "../output.ts";
import { venueFrom, parseUint, parseTier, parseClaim, type VenueSource, type Tier, type Claim } from "../options.ts";
import { loadPortfolio, checkUniverse, encodePortfolio } from "../../prover/portfolio.ts";
import { universeOf, venueRiskFactors, type Venue } from "../../prover/venue.ts";
import { ratioBpsOf } from "../../prover/ratio.ts";
import { writeFileAtomic, InputError } from "../../prover/files.ts";
import { LIABILITY_LIMIT, RATIO_LIMIT, type PriceRound } from "../../prover/model.ts";
import { checkOutputFile, warnIfShared } from "../preflight.ts";
import { projectDefaults } from "../config.ts";

// The proving stack (circomlibjs, snarkjs, ethers) is loaded when a command runs, after its flags
// and files were checked, so input errors and --help answer at once.
const load = async () => ({
  ...(await import("../../prover/poseidon.ts")),
  ...(await import("../../prover/attester.ts")),
  ...(await import("../../prover/commitments.ts")),
  ...(await import("../../prover/prices.ts")),
  ...(await import("../../prover/prove.ts")),
  ...(await import("../../prover/proof-file.ts")),
  ...(await import("../../prover/witness.ts")),
});

interface ProveOptions extends CommonOptions, VenueSource {
  portfolio: string;
  attestation: string;
  round?: string;
  rpc?: string;
  claim: string;
  tier?: string;
  ratio?: string;
  nonce?: string;
  liability?: string;
  borrow?: string;
  out: string;
  force?: boolean;
  showRatio?: boolean;
}

/** The public side of the statement: which round, ratio, nonce and liability the proof is for. */
interface Terms { round: PriceRound; ratioBps: bigint; nonce: bigint; publicLiability: bigint; source: string }

function ratioFor(venue: Venue, tier: Tier): bigint {
  return tier === "initial" ? venue.ratios.initialBps : venue.ratios.maintenanceBps;
}

/** Offline: everything from files and flags. */
function offlineTerms(o: ProveOptions, venue: Venue, tier: Tier, loadRound: (file: string, v: Venue) => { round: PriceRound }): Terms {
  if (!o.round) throw new InputError("no price round given", "command line", "pass --round FILE (written by solvency oracle publish), or --rpc URL with --deployment to read the latest round");
  if (!o.nonce) throw new InputError("no nonce given", "command line", "pass --nonce N (one more than the account's last accepted nonce), or --rpc URL to read it from the gate");
  const record = loadRound(o.round, venue);
  return {
    round: record.round,
    ratioBps: o.ratio ? parseUint(o.ratio, "--ratio", RATIO_LIMIT - 1n) : ratioFor(venue, tier),
    nonce: parseUint(o.nonce, "--nonce", 2n ** 32n - 1n),
    publicLiability: o.liability ? parseUint(o.liability, "--liability", LIABILITY_LIMIT - 1n) : 0n,
    source: o.round,
  };
}

export function registerProof(program: Command): void {
  common(program.command("prove"))
    .description("prove that a hidden portfolio meets (or misses) the venue's ratio; the proof is verified locally before it is written")
    .requiredOption("--portfolio <file>", "portfolio file")
    .requiredOption("--attestation <file>", "attestation of the portfolio (from solvency attest)")
    .option("--deployment <file>", "deployment file from solvency deploy: the venue, and the contracts with --rpc (default: SOLVENCY_DEPLOYMENT or solvency.config.json)")
    .option("--venue <file>", "venue file, offline instead of --deployment")
    .option("--rpc <url>", "read the latest round, the next nonce, the ratio and the account's debt from the chain (default with a deployment: SOLVENCY_RPC or solvency.config.json)")
    .option("--round <file>", "round file (from solvency oracle publish); default with --rpc: the latest round")
    .option("--claim <claim>", "solvent or insolvent", "solvent")
    .option("--tier <tier>", "the ratio to prove against: initial or maintenance (default: initial for solvent, maintenance for insolvent)")
    .option("--ratio <bps>", "prove against this ratio in basis points instead of the venue's")
    .option("--nonce <n>", "the proof's nonce: exactly the account's last accepted nonce + 1 (with --rpc: read from the gate)")
    .option("--liability <value-units>", "the liability the proof states, value units (default with --rpc: the venue's debt; offline: 0); the gate accepts at least the debt for a solvency proof, at most the debt for an insolvency proof")
    .option("--borrow <amount>", "credit to borrow with this proof, whole tokens: its liability is counted (with --rpc; submit with the same --borrow)")
    .option("-o, --out <file>", "proof file to write", "proof.json")
    .option("-f, --force", "replace an existing file")
    .option("--show-ratio", "include the portfolio's own ratio (private) in --json output and errors")
    .addHelpText("after", [
      "",
      "Exit codes: 0 proof written; 1 bad input; 2 the claim does not hold (nothing is written); 3 chain error.",
      "Examples:",
      "  solvency prove --portfolio portfolio.yaml --attestation attestation.json --deployment deployment.json --rpc http://127.0.0.1:8545",
      "  solvency prove --portfolio p.yaml --attestation a.json --venue venue.yaml --round round.json --nonce 1 --claim solvent --tier initial",
      "",
    ].join("\n"))
    .action(action<[], ProveOptions>(async (out, o) => {
      const claim: Claim = parseClaim(o.claim);
      const tier: Tier = o.tier ? parseTier(o.tier) : claim === "solvent" ? "initial" : "maintenance";
      if (o.borrow !== undefined && (claim !== "solvent" || tier !== "initial")) {
        throw new InputError("--borrow needs an initial-tier solvency proof", "--borrow", "drop --claim insolvent and --tier maintenance: the venue lends only against the initial ratio");
      }
      const { venue, deployment } = venueFrom(o);
      checkOutputFile(o.out, !!o.force, "--out");
      warnIfShared(out, o.portfolio, "hidden portfolio and its salt");
      const portfolio = loadPortfolio(o.portfolio);
      checkUniverse(portfolio, universeOf(venue), venue.name);
      const { poseidonReady, loadAttestation, addressOf, portfolioCommitment, attesterBinding, loadRound, Prover, proofRecord, proofJson, buildInput } = await load();
      await poseidonReady();
      const attestation = await loadAttestation(o.attestation);
      if (attestation.instance !== venue.instance.name) {
        throw new InputError(`the attestation was made for ${attestation.instance}, the venue uses ${venue.instance.name}`, o.attestation, "ask the attester for an attestation for this venue");
      }
      const encoded = encodePortfolio(portfolio, venue.instance);
      if (portfolioCommitment(encoded) !== attestation.portfolioCommitment) {
        throw new InputError("the attestation was signed for a different portfolio", o.attestation, `ask the attester to sign ${o.portfolio} as it is now (solvency attest)`);
      }
      if (portfolio.account && BigInt(portfolio.account) !== attestation.account) {
        throw new InputError(`the attestation is for ${addressOf(attestation.account)}, the portfolio for ${portfolio.account}`, o.attestation, "use the attestation made for this account");
      }
      let terms: Terms;
      // With a deployment and no offline nonce, the project's RPC default (SOLVENCY_RPC, solvency.config.json) reads the chain.
      const rpc = o.rpc ?? (deployment && !o.nonce ? projectDefaults().rpc : undefined);
      if (rpc) {
        if (!deployment) throw new InputError("--rpc needs --deployment", "command line", "pass --deployment FILE (written by solvency deploy)");
        if (attestation.domain.chainId !== deployment.chainId || attestation.domain.gate !== BigInt(deployment.contracts.gate)) {
          throw new InputError("the attestation was made for another chain or gate", o.attestation, "ask the attester for an attestation for this deployment (solvency attest --deployment)");
        }
        const { connect } = await import("../../verifier/chain.ts");
        const chain = await connect(rpc, deployment);
        try {
          const attesterId = await chain.attesterIdOf(attesterBinding(attestation.attester, attestation.domain));
          terms = await chain.proofTerms({
            account: addressOf(attestation.account), claim, tier, roundFile: o.round,
            attestation: { attesterId, attestedAt: attestation.attestedAt, expiresAt: attestation.expiresAt },
            nonce: o.nonce ? parseUint(o.nonce, "--nonce", 2n ** 32n - 1n) : undefined,
            ratioBps: o.ratio ? parseUint(o.ratio, "--ratio", RATIO_LIMIT - 1n) : undefined,
            liability: o.liability ? parseUint(o.liability, "--liability", LIABILITY_LIMIT - 1n) : undefined,
            borrow: o.borrow,
          });
        } finally {
          chain.close();
        }
      } else {
        if (o.borrow) throw new InputError("--borrow needs --rpc", "command line", "offline, give the whole liability in value units with --liability");
        terms = offlineTerms(o, venue, tier, loadRound);
        if (attestation.expiresAt <= BigInt(Math.floor(Date.now() / 1000))) out.warn(`the attestation expired at ${new Date(Number(attestation.expiresAt) * 1000).toISOString()}: the gate will refuse a proof resting on it`);
      }
      if (terms.round.timestamp > BigInt(Math.floor(Date.now() / 1000)) + 300n) out.warn("the round's timestamp is in the future");
      const prover = Prover.load(venue.instance.name);
      const req = {
        portfolio: encoded, round: terms.round, risk: venueRiskFactors(venue), attestation,
        publicLiability: terms.publicLiability, nonce: terms.nonce, ratioBps: terms.ratioBps, claim: claim === "solvent" ? 1n as const : 0n as const,
      };
      try {
        buildInput(req); // refuses a claim the model says does not hold before any proving starts
      } catch (err) {
        throw classify(err, { where: o.portfolio, revealRatio: !out.json || !!o.showRatio });
      }
      const result = await out.step(`proving ${claim === "solvent" ? "solvency" : "insolvency"} at ${terms.ratioBps} bps with ${venue.instance.name}`, () => prover.prove(req));
      const record = proofRecord(result, { domain: attestation.domain, attester: attestation.attester, round: { roundId: terms.round.roundId, timestamp: terms.round.timestamp } });
      writeFileAtomic(o.out, proofJson(record), { overwrite: !!o.force });
      if (result.setup.development) out.warn(`${venue.instance.name} has a development trusted setup: this proof is for testing only`);
      const ratio = ratioBpsOf(result.valuation);
      out.result({
        file: o.out, claim, tier: o.ratio ? null : tier, ratioBps: terms.ratioBps, ...(o.showRatio ? { portfolioRatioBps: ratio } : {}), account: record.account,
        nonce: terms.nonce, roundId: terms.round.roundId, publicLiability: terms.publicLiability, development: result.setup.development,
        milliseconds: result.milliseconds,
      }, [
        `wrote ${o.out}: ${record.account} is ${claim} at ${terms.ratioBps} bps (round ${terms.round.roundId}, nonce ${terms.nonce})`,
        `portfolio ratio ${ratio === null ? "unbounded (no liabilities)" : `${ratio} bps`} (private: not in the proof file)`,
        `proved and verified locally in ${(result.milliseconds / 1000).toFixed(1)}s`,
      ]);
    }));

  common(program.command("verify"))
    .description("verify a proof file off chain against its circuit's verification key")
    .argument("<proof>", "proof file")
    .option("--vkey <file>", "verification key to use (default: the project's build of the proof's instance)")
    .addHelpText("after", "\nExit codes: 0 valid; 1 unreadable input; 2 the proof does not verify.\n")
    .action(action<[string], CommonOptions & { vkey?: string }>(async (out, file, o) => {
      const { verifyProofFile } = await import("../../verifier/verify.ts");
      const { addressOf } = await import("../../prover/attester.ts");
      const v = await verifyProofFile(file, o.vkey);
      const r = v.record;
      if (!v.valid) throw new NotVerified("the proof does not verify", file, "it was altered or made for another circuit or setup: ask the prover for a new proof");
      // The key that verified the proof says which setup it is; the file's readable field is not trusted.
      const development = v.setup.development;
      if (development === true) out.warn("the proof verifies under a development trusted setup: it convinces no one outside testing");
      if (development === null) out.warn(`the verification key's trusted setup is unknown (${v.setup.basis}): the proof is only as good as that key's ceremony`);
      if (development !== null && r.setup.development !== development) out.warn(`the proof file says ${r.setup.development ? "development" : "production"} setup, but its key is from a ${development ? "development" : "production"} setup: the file was edited`);
      out.result({
        file, valid: true, instance: r.instance, claim: r.claim, account: r.account, nonce: r.nonce, ratioBps: r.ratioBps,
        attestedAt: r.attestedAt, expiresAt: r.expiresAt, round: r.round, publicLiability: r.publicLiability, domain: r.domain,
        development, setupBasis: v.setup.basis, verificationKey: v.verificationKey,
      }, [
        `valid: ${r.account} is ${r.claim} at ${r.ratioBps} bps`,
        `round ${r.round.roundId}, nonce ${r.nonce}, attested ${new Date(Number(r.attestedAt) * 1000).toISOString()} until ${new Date(Number(r.expiresAt) * 1000).toISOString()}, stated liability ${r.publicLiability} value units`,
        `domain: chain ${r.domain.chainId}, gate ${addressOf(r.domain.gate)}; circuit ${r.instance}${development === true ? " (development setup)" : development === null ? " (setup unknown)" : " (production setup)"}`,
      ]);
    }));
}
