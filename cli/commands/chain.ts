/**
 * The on-chain commands, each against --deployment FILE at --rpc URL: `oracle publish` (operator),
 * `attester register` (governance), `attester list`, `attester revoke` (the attester's operator raises
 * an account's attestation floor), `submit` (a proof, after a preflight of what the gate would refuse),
 * `status` (an account's state), `liquidate` (keeper), and `keystore` (encrypt a signing key). The signer
 * is never a flag (cli/signer.ts).
 */
import type { Command } from "commander";
import { action, common, type CommonOptions } from "../command.ts";
import { parseAddress, parseUint } from "../options.ts";
import { signerFrom, encryptKey } from "../signer.ts";
import { loadDeployment } from "../../verifier/deployment.ts";
import type { Chain } from "../../verifier/chain.ts";
import { writeFileAtomic, InputError } from "../../prover/files.ts";
import type { Output } from "../output.ts";

// Loaded when a command runs: the chain client and the hashing libraries take seconds to import.
const load = async () => ({
  ...(await import("../../prover/poseidon.ts")),
  ...(await import("../../prover/prices.ts")),
  ...(await import("../../prover/attester.ts")),
  ...(await import("../../prover/proof-file.ts")),
});

interface ChainOptions extends CommonOptions { deployment: string; rpc: string; keystore?: string }

/** Adds --deployment, --rpc and (for transactions) --keystore. */
function onChain(cmd: Command, signs: boolean): Command {
  const c = common(cmd)
    .requiredOption("--deployment <file>", "deployment file (from scripts/deploy.ts)")
    .option("--rpc <url>", "JSON-RPC endpoint", process.env.SOLVENCY_RPC ?? "http://127.0.0.1:8545");
  if (signs) {
    c.option("--keystore <file>", "encrypted JSON keystore to sign with (password: SOLVENCY_KEYSTORE_PASSWORD or a prompt); default: SOLVENCY_PRIVATE_KEY");
  }
  return c;
}

async function withChain<T>(o: ChainOptions, out: Output, fn: (chain: Chain) => Promise<T>): Promise<T> {
  const deployment = loadDeployment(o.deployment);
  const { connect } = await import("../../verifier/chain.ts");
  const chain = await connect(o.rpc, deployment);
  try {
    if (deployment.development) out.note(`note: ${deployment.instance} runs with a development trusted setup on chain ${deployment.chainId}`);
    return await fn(chain);
  } finally {
    chain.close();
  }
}

const iso = (t: bigint): string => (t === 0n ? "never" : new Date(Number(t) * 1000).toISOString());

export function registerChain(program: Command): void {
  const oracle = program.command("oracle").description("price oracle operations");
  onChain(oracle.command("publish"), true)
    .description("publish a price round from a prices file (oracle reporter) and write the round file")
    .requiredOption("--prices <file>", "prices file: USD prices by symbol")
    .option("-o, --out <file>", "round file to write", "round.json")
    .option("-f, --force", "replace an existing round file")
    .action(action<[], ChainOptions & { prices: string; out: string; force?: boolean }>(async (out, o) => {
      const { poseidonReady, loadPrices, roundJson } = await load();
      await poseidonReady();
      await withChain(o, out, async (chain) => {
        const venue = chain.deployment.venue;
        const quote = loadPrices(o.prices, venue);
        const signer = await signerFrom(o, chain.provider);
        const published = await out.step("publishing the round", () => chain.publishRound(quote.prices, quote.marks, signer));
        const source = { chainId: chain.deployment.chainId, oracle: chain.deployment.contracts.oracle, transaction: published.receipt.hash };
        writeFileAtomic(o.out, roundJson({ venue: venue.name, instance: venue.instance.name, round: published.round, context: published.context, source }), { overwrite: !!o.force });
        out.result({ file: o.out, roundId: published.round.roundId, timestamp: published.round.timestamp, context: published.context, transaction: published.receipt.hash }, [
          `published round ${published.round.roundId} at ${iso(published.round.timestamp)} (tx ${published.receipt.hash})`,
          `wrote ${o.out}`,
        ]);
      });
    }));

  const attester = program.command("attester").description("attester registry operations (governance)");
  onChain(attester.command("register"), true)
    .description("register an attester's public key with the gate (governor)")
    .requiredOption("--key <file>", "the attester's key file (only its public key is used)")
    .action(action<[], ChainOptions & { key: string }>(async (out, o) => {
      const { loadAttesterKey } = await load();
      const key = await loadAttesterKey(o.key);
      await withChain(o, out, async (chain) => {
        const signer = await signerFrom(o, chain.provider);
        const r = await chain.registerAttester(key.publicKey, signer);
        out.result({ attesterId: r.attesterId, binding: r.binding, transaction: r.receipt.hash }, [
          `registered attester ${r.attesterId} (binding ${r.binding}, tx ${r.receipt.hash})`,
        ]);
      });
    }));

  onChain(attester.command("list"), false)
    .description("list the gate's attesters: id, public key, binding, operator and status")
    .action(action<[], ChainOptions>(async (out, o) => {
      await withChain(o, out, async (chain) => {
        const list = await chain.attesters();
        out.result({ attesters: list }, list.length === 0 ? ["no attester registered"] : list.flatMap((a) => [
          `attester ${a.attesterId}: ${a.status}, operator ${a.operator}`,
          `  key Ax ${a.Ax}`,
          `  key Ay ${a.Ay}`,
          `  binding ${a.binding}`,
        ]));
      });
    }));

  onChain(attester.command("revoke"), true)
    .description("withdraw the attester's word for an account: attestations it made before --from back no proof, and a record resting on one stops counting (the attester's operator)")
    .requiredOption("--attester-id <n>", "the attester's id on the gate (solvency attester list)")
    .requiredOption("--account <address>", "the account whose attestations are withdrawn")
    .option("--from <unix-seconds|now>", "the new floor: attestations made before it no longer count", "now")
    .action(action<[], ChainOptions & { attesterId: string; account: string; from: string }>(async (out, o) => {
      const attesterId = parseUint(o.attesterId, "--attester-id", 2n ** 32n - 1n);
      if (attesterId === 0n) throw new InputError("attester ids start at 1", "--attester-id", "see solvency attester list");
      const account = parseAddress(o.account, "--account");
      const from = o.from.trim() === "now" ? undefined : parseUint(o.from, "--from", 2n ** 40n - 1n);
      await withChain(o, out, async (chain) => {
        const signer = await signerFrom(o, chain.provider);
        const r = await out.step("raising the attestation floor", () => chain.raiseAttestationFloor(attesterId, account, from, signer));
        out.result({ attesterId, account, floor: r.floor, previousFloor: r.previous, transaction: r.receipt.hash }, [
          `attester ${attesterId} withdrew its word for ${account}: attestations made before ${iso(r.floor)} no longer count (tx ${r.receipt.hash})`,
        ]);
      });
    }));

  onChain(program.command("submit"), true)
    .description("submit a proof: a solvency proof by its account (optionally borrowing), an insolvency proof by anyone")
    .argument("<proof>", "proof file (from solvency prove)")
    .option("--borrow <amount>", "borrow this much of the credit token (whole tokens) through the venue; the proof must be made with the same prove --borrow")
    .addHelpText("after", "\nExit codes: 0 accepted; 1 bad input or no key; 2 the gate's verifier refused the proof; 3 chain error or refused transaction.\n")
    .action(action<[string], ChainOptions & { borrow?: string }>(async (out, file, o) => {
      const { poseidonReady, loadProofFile } = await load();
      await poseidonReady();
      const record = loadProofFile(file);
      await withChain(o, out, async (chain) => {
        if (record.domain.chainId !== chain.deployment.chainId || record.domain.gate !== BigInt(chain.deployment.contracts.gate)) {
          throw new InputError("the proof was made for another chain or gate", file, "prove again with this deployment's attestation");
        }
        if (o.borrow !== undefined && record.claim !== "solvent") throw new InputError("--borrow needs a solvency proof", file, "borrow with a solvency proof made with prove --borrow");
        const signer = await signerFrom(o, chain.provider);
        const r = await out.step("submitting the proof", () => chain.submit(record, signer, o.borrow));
        out.result({ transaction: r.receipt.hash, block: r.receipt.blockNumber, claim: record.claim, account: record.account, tier: r.tier, attesterId: r.attesterId, borrowed: r.borrowed ?? null }, [
          `accepted: ${record.account} is ${record.claim}${record.claim === "solvent" ? ` (${r.tier} tier)` : ""} at round ${record.round.roundId} (tx ${r.receipt.hash}, block ${r.receipt.blockNumber})`,
          ...(o.borrow !== undefined ? [`borrowed ${o.borrow} credit tokens`] : []),
        ]);
      });
    }));

  onChain(program.command("status"), false)
    .description("an account's solvency state on chain")
    .argument("<account>", "the account's address")
    .action(action<[string], ChainOptions>(async (out, accountText, o) => {
      const account = parseAddress(accountText, "<account>");
      await withChain(o, out, async (chain) => {
        const s = await chain.status(account);
        out.result({ ...s }, [
          `account ${account}`,
          `  solvent (initial tier):     ${s.solventInitial ? "yes" : "no"}`,
          `  solvent (maintenance tier): ${s.solventMaintenance ? "yes" : "no"}`,
          `  insolvency proven:          ${s.insolvent ? "yes" : "no"}`,
          `  last proof: tier ${s.tier}, round ${s.round}, attester ${s.attesterId}, attested ${iso(s.attestedAt)}`,
          `  record expires: ${s.validUntil === 0n ? "no solvency record" : `${iso(s.validUntil)}${s.validUntil < s.now ? " (lapsed)" : ""}`}`,
          `  liquidatable after: ${s.debt === 0n ? "never while it owes nothing" : s.liquidatable !== "none" ? `now (${s.liquidatable})` : `${iso(s.liquidatableAfter)} (record expiry + ${s.gracePeriod}s grace)`}`,
          `  nonces: solvency ${s.solvencyNonce}, insolvency ${s.insolvencyNonce}`,
          `  venue: escrow ${s.escrowTokens} collateral tokens, debt ${s.debtTokens} credit tokens${s.frozen ? ", FROZEN" : ""}`,
          `  liquidatable: ${s.liquidatable === "none" ? "no" : `yes (${s.liquidatable})`}`,
        ]);
      });
    }));

  onChain(program.command("liquidate"), true)
    .description("liquidate an account whose maintenance proof lapsed or whose insolvency was proven (keeper)")
    .argument("<account>", "the account's address")
    .action(action<[string], ChainOptions>(async (out, accountText, o) => {
      const account = parseAddress(accountText, "<account>");
      await withChain(o, out, async (chain) => {
        const signer = await signerFrom(o, chain.provider);
        const r = await chain.liquidate(account, signer);
        out.result({ transaction: r.receipt.hash, account, reason: r.reason, escrowSeized: r.escrowSeized, keeperBonus: r.keeperBonus, debtWrittenOff: r.debtWrittenOff }, [
          `liquidated ${account} (${r.reason}): escrow ${r.escrowSeized} seized, keeper bonus ${r.keeperBonus}, debt ${r.debtWrittenOff} written off (tx ${r.receipt.hash})`,
        ]);
      });
    }));

  common(program.command("deploy"))
    .description("deploy the whole system for a venue file and write the deployment file (governance)")
    .requiredOption("--venue <file>", "venue file (see examples/venue.yaml)")
    .option("--rpc <url>", "JSON-RPC endpoint", process.env.SOLVENCY_RPC ?? "http://127.0.0.1:8545")
    .option("-o, --out <file>", "deployment file to write", "deployment.json")
    .option("--keystore <file>", "encrypted JSON keystore of the deployer (default: SOLVENCY_PRIVATE_KEY)")
    .option("--collateral-token <address>", "an existing ERC-20 for the venue's escrow (default: a test token)")
    .option("--credit-token <address>", "an existing ERC-20 the venue lends (default: a test token, with reserves minted)")
    .option("-f, --force", "replace an existing deployment file")
    .action(action<[], CommonOptions & { venue: string; rpc: string; out: string; keystore?: string; collateralToken?: string; creditToken?: string; force?: boolean }>(async (out, o) => {
      const { deployToEndpoint } = await import("../../pipeline/deploy.ts");
      const d = await out.step("deploying", () => deployToEndpoint(o, (l) => out.note(l)));
      out.result({ file: o.out, chainId: d.chainId, contracts: d.contracts }, [
        `wrote ${o.out}: chain ${d.chainId}`,
        ...Object.entries(d.contracts).map(([name, address]) => `  ${name.padEnd(16)} ${address}`),
      ]);
    }));

  common(program.command("keystore"))
    .description("encrypt SOLVENCY_PRIVATE_KEY (or a fresh key) into a JSON keystore; password from SOLVENCY_KEYSTORE_PASSWORD")
    .option("-o, --out <file>", "keystore file to write", "keystore.json")
    .option("-f, --force", "replace an existing file")
    .action(action<[], CommonOptions & { out: string; force?: boolean }>(async (out, o) => {
      const password = process.env.SOLVENCY_KEYSTORE_PASSWORD;
      if (!password) throw new InputError("no keystore password", "SOLVENCY_KEYSTORE_PASSWORD", "set SOLVENCY_KEYSTORE_PASSWORD to the password to encrypt with");
      const key = process.env.SOLVENCY_PRIVATE_KEY ?? (await import("ethers")).Wallet.createRandom().privateKey;
      let k: { address: string; json: string };
      try {
        k = await out.step("encrypting the key", () => encryptKey(key.trim(), password));
      } catch {
        throw new InputError("SOLVENCY_PRIVATE_KEY is not a private key", "SOLVENCY_PRIVATE_KEY", "set it to 0x followed by 64 hex digits");
      }
      writeFileAtomic(o.out, k.json, { mode: 0o600, overwrite: !!o.force });
      out.result({ file: o.out, address: k.address }, [`wrote ${o.out} (mode 0600) for ${k.address}`]);
    }));
}
