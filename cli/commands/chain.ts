/**
 * The on-chain commands, each against --deployment FILE at --rpc URL: `oracle sign` (a reporter, offline),
 * `oracle publish` (any relayer), `oracle reporters list|add|remove` and `oracle quorum` (governance),
 * `attester register` (governance), `attester list`, `attester revoke` (the attester's operator raises an
 * account's attestation floor), `attester prime` (anyone: cache a round's verifying key for an attester), `submit` (a proof, after a preflight of what the gate would refuse),
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
import { deploymentFile, rpcUrl, DEPLOYMENT_HELP, RPC_HELP } from "../config.ts";
import { checkOutputFile } from "../preflight.ts";
import { checkBeforeSubmit } from "../submit-check.ts";

// Loaded when a command runs: the chain client and the hashing libraries take seconds to import.
const load = async () => ({
  ...(await import("../../prover/poseidon.ts")),
  ...(await import("../../prover/prices.ts")),
  ...(await import("../../prover/attester.ts")),
  ...(await import("../../prover/proof-file.ts")),
});

export interface ChainOptions extends CommonOptions { deployment?: string; rpc?: string; keystore?: string }

/** Adds --deployment, --rpc and (for transactions) --keystore. */
export function onChain(cmd: Command, signs: boolean): Command {
  const c = common(cmd)
    .option("--deployment <file>", DEPLOYMENT_HELP)
    .option("--rpc <url>", RPC_HELP);
  if (signs) {
    c.option("--keystore <file>", "encrypted JSON keystore to sign with (password: SOLVENCY_KEYSTORE_PASSWORD or a prompt); default: SOLVENCY_PRIVATE_KEY");
  }
  return c;
}

export async function withChain<T>(o: ChainOptions, out: Output, fn: (chain: Chain) => Promise<T>): Promise<T> {
  const deployment = loadDeployment(deploymentFile(o.deployment));
  const { connect } = await import("../../verifier/chain.ts");
  const chain = await connect(rpcUrl(o.rpc), deployment);
  try {
    if (deployment.development) out.note(`note: ${deployment.instance} runs with a development trusted setup on chain ${deployment.chainId}`);
    return await fn(chain);
  } finally {
    chain.close();
  }
}

/** A time given as unix seconds or an ISO 8601 date. */
function parseTime(text: string, flag: string): bigint {
  const t = text.trim();
  if (/^[0-9]+$/.test(t)) return BigInt(t);
  const ms = Date.parse(t);
  if (!/^\d{4}-\d{2}-\d{2}/.test(t) || Number.isNaN(ms)) throw new InputError(`'${text}' is not a time`, flag, "give unix seconds or an ISO 8601 date such as 2026-11-30T12:00:00Z");
  return BigInt(Math.floor(ms / 1000));
}

const iso = (t: bigint): string => (t === 0n ? "never" : new Date(Number(t) * 1000).toISOString());

export function registerChain(program: Command): void {
  const oracle = program.command("oracle").description("price oracle operations: reporters sign, anyone relays, governance keeps the reporter set");
  common(oracle.command("sign"))
    .description("sign a prices file as an oracle reporter, offline, and write the report file a relayer publishes")
    .requiredOption("--prices <file>", "prices file: USD prices by symbol")
    .option("--deployment <file>", `${DEPLOYMENT_HELP}: names the chain and the oracle the signature is bound to`)
    .option("--at <time>", "observation time, unix seconds or ISO 8601 (default: now, rounded down to the minute, so reporters signing within the same minute agree)")
    .option("--keystore <file>", "encrypted JSON keystore of the reporter (password: SOLVENCY_KEYSTORE_PASSWORD or a prompt); default: SOLVENCY_PRIVATE_KEY")
    .option("-o, --out <file>", "report file to write", "report.json")
    .option("-f, --force", "replace an existing report file")
    .action(action<[], CommonOptions & { prices: string; deployment?: string; at?: string; keystore?: string; out: string; force?: boolean }>(async (out, o) => {
      const { loadPrices } = await load();
      const { signReport } = await import("../../oracle/signing.ts");
      const { reportJson } = await import("../../oracle/report-file.ts");
      const deployment = loadDeployment(deploymentFile(o.deployment));
      const venue = deployment.venue;
      const quote = loadPrices(o.prices, venue);
      const observedAt = o.at === undefined ? BigInt(Math.floor(Date.now() / 60_000) * 60) : parseTime(o.at, "--at");
      checkOutputFile(o.out, !!o.force, "--out");
      const signer = await signerFrom(o, null);
      const domain = { chainId: deployment.chainId, oracle: deployment.contracts.oracle };
      const report = await signReport(signer, domain, { observedAt, prices: quote.prices, marks: quote.marks });
      writeFileAtomic(o.out, reportJson({ venue: venue.name, instance: venue.instance.name, domain, report }), { overwrite: !!o.force });
      out.result({ file: o.out, reporter: report.reporter, observedAt, oracle: domain.oracle, chainId: domain.chainId }, [
        `signed prices observed at ${iso(observedAt)} as reporter ${report.reporter} for oracle ${domain.oracle} on chain ${domain.chainId}`,
        `wrote ${o.out}`,
      ]);
    }));

  onChain(oracle.command("publish"), true)
    .description("relay a round signed by a quorum of reporters (any account may) and write the round file")
    .requiredOption("--signatures <files...>", "the reporters' report files (from solvency oracle sign), one per reporter")
    .option("-o, --out <file>", "round file to write", "round.json")
    .option("-f, --force", "replace an existing round file")
    .action(action<[], ChainOptions & { signatures: string[]; out: string; force?: boolean }>(async (out, o) => {
      const { poseidonReady, roundJson } = await load();
      const { loadReports } = await import("../../oracle/report-file.ts");
      await poseidonReady();
      const deployment = loadDeployment(deploymentFile(o.deployment));
      const domain = { chainId: deployment.chainId, oracle: deployment.contracts.oracle };
      checkOutputFile(o.out, !!o.force, "--out");
      const { observedAt, reports } = loadReports(o.signatures, deployment.venue, domain);
      await withChain(o, out, async (chain) => {
        const signer = await signerFrom(o, chain.provider);
        const settings = await chain.oracleSettings();
        const unknown = reports.find((r) => !settings.reporters.includes(r.reporter));
        if (unknown) {
          throw new InputError(`${unknown.reporter} is not a reporter of the oracle`, o.signatures[reports.indexOf(unknown)] ?? "--signatures",
            "relay reports of current reporters only (solvency oracle reporters list)");
        }
        if (reports.length < settings.quorum) {
          throw new InputError(`${reports.length} report(s), the oracle's quorum is ${settings.quorum}`, "--signatures", "collect more reporters' signed reports (solvency oracle sign)");
        }
        const published = await out.step("publishing the round", () => chain.publishRound(observedAt, reports, signer));
        const source = { chainId: chain.deployment.chainId, oracle: chain.deployment.contracts.oracle, transaction: published.receipt.hash };
        const venue = chain.deployment.venue;
        writeFileAtomic(o.out, roundJson({ venue: venue.name, instance: venue.instance.name, round: published.round, context: published.context, source }), { overwrite: !!o.force });
        out.result({ file: o.out, roundId: published.round.roundId, timestamp: published.round.timestamp, context: published.context, signers: published.signers, transaction: published.receipt.hash }, [
          `published round ${published.round.roundId} observed at ${iso(published.round.timestamp)}: medians of ${published.signers.length} reporters (tx ${published.receipt.hash})`,
          `wrote ${o.out}`,
        ]);
      });
    }));

  const reportersCmd = oracle.command("reporters").description("the oracle's reporter set (governance adds and removes)");
  onChain(reportersCmd.command("list"), false)
    .description("list the reporters, the quorums and the maximum observation age")
    .action(action<[], ChainOptions>(async (out, o) => {
      await withChain(o, out, async (chain) => {
        const s = await chain.oracleSettings();
        out.result({ ...s }, [
          `${s.reporters.length} reporter(s); quorum ${s.quorum}, large-move quorum ${s.largeMoveQuorum}; observations at most ${s.maxObservationAge}s old`,
          ...s.reporters.map((r) => `  ${r}`),
        ]);
      });
    }));
  for (const [verb, method, doc] of [
    ["add", "addReporter", "add a reporter (governor; at most 15)"],
    ["remove", "removeReporter", "remove a reporter at once; its signatures on rounds not yet relayed are refused (governor)"],
  ] as const) {
    onChain(reportersCmd.command(verb), true)
      .description(doc)
      .argument("<address>", "the reporter's address")
      .action(action<[string], ChainOptions>(async (out, text, o) => {
        const address = parseAddress(text, "<address>");
        await withChain(o, out, async (chain) => {
          const signer = await signerFrom(o, chain.provider);
          const receipt = await chain.governOracle(method, [address], signer);
          const count = (await chain.oracleSettings()).reporters.length;
          out.result({ reporter: address, reporters: count, transaction: receipt.hash }, [`${verb === "add" ? "added" : "removed"} reporter ${address}: ${count} reporter(s) (tx ${receipt.hash})`]);
        });
      }));
  }
  onChain(oracle.command("quorum"), true)
    .description("set the signatures a round needs, and a round moving a price beyond its guard needs (governor)")
    .argument("<quorum>", "signatures a round needs (3 to the reporter count)")
    .option("--large-move <n>", "signatures a round moving a price beyond its guard needs (default: the quorum)")
    .action(action<[string], ChainOptions & { largeMove?: string }>(async (out, quorumText, o) => {
      const quorum = parseUint(quorumText, "<quorum>", 15n);
      const largeMove = o.largeMove === undefined ? quorum : parseUint(o.largeMove, "--large-move", 15n);
      await withChain(o, out, async (chain) => {
        const signer = await signerFrom(o, chain.provider);
        const receipt = await chain.governOracle("setQuorum", [quorum, largeMove], signer);
        out.result({ quorum, largeMoveQuorum: largeMove, transaction: receipt.hash }, [`quorum ${quorum}, large-move quorum ${largeMove} (tx ${receipt.hash})`]);
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
        const { registeredAttesters } = await import("../../verifier/attesters.ts");
        const same = (await chain.call("solvency gate", () => registeredAttesters(chain.gate)))
          .find((a) => a.status === "active" && a.ax === key.publicKey.Ax && a.ay === key.publicKey.Ay);
        if (same) throw new InputError(`this key is already registered as attester ${same.id}`, o.key, "nothing to do: its attestations are accepted; a new key needs a new key file (solvency keygen)");
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

  onChain(attester.command("prime"), true)
    .description("cache the gate's verifying key of a round for an attester, so that every later proof on them costs about 16k gas less (anyone; once per round)")
    .requiredOption("--attester-id <n>", "the attester's id on the gate (solvency attester list)")
    .option("--round <n>", "the price round (default: the newest)")
    .action(action<[], ChainOptions & { attesterId: string; round?: string }>(async (out, o) => {
      const attesterId = parseUint(o.attesterId, "--attester-id", 2n ** 24n - 1n);
      if (attesterId === 0n) throw new InputError("attester ids start at 1", "--attester-id", "see solvency attester list");
      const round = o.round === undefined ? undefined : parseUint(o.round, "--round", 2n ** 32n - 1n);
      await withChain(o, out, async (chain) => {
        const signer = await signerFrom(o, chain.provider);
        const r = await out.step("priming the verifying key", () => chain.primeVerifierKey(attesterId, round, signer));
        out.result({ attesterId, roundId: r.roundId, primed: r.receipt !== null, transaction: r.receipt?.hash ?? null, gas: r.receipt?.gasUsed ?? null },
          [r.receipt
            ? `primed the verifying key of round ${r.roundId} for attester ${attesterId} (tx ${r.receipt.hash}, ${r.receipt.gasUsed} gas)`
            : `the verifying key of round ${r.roundId} for attester ${attesterId} is cached already: nothing sent`]);
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
        await checkBeforeSubmit(chain, record, file, o.borrow);
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
        // Whole tokens, as status shows them; base units stay in the JSON fields status also has.
        const { token, amountOf } = await import("../../verifier/venue-actions.ts");
        const [coll, cred] = [await token(chain, "collateral"), await token(chain, "credit")];
        const [seized, bonus, debt] = [amountOf(coll, r.escrowSeized), amountOf(coll, r.keeperBonus), amountOf(cred, r.debtWrittenOff)];
        out.result({
          transaction: r.receipt.hash, account, reason: r.reason, escrowSeized: r.escrowSeized, keeperBonus: r.keeperBonus, debtWrittenOff: r.debtWrittenOff,
          escrowSeizedTokens: seized.tokens, keeperBonusTokens: bonus.tokens, debtWrittenOffTokens: debt.tokens,
        }, [
          `liquidated ${account} (${r.reason}): escrow ${seized.tokens} ${coll.symbol} seized, keeper bonus ${bonus.tokens} ${coll.symbol}, debt ${debt.tokens} ${cred.symbol} written off (tx ${r.receipt.hash})`,
        ]);
      });
    }));

  common(program.command("deploy"))
    .description("deploy the whole system for a venue file and write the deployment file (governance)")
    .requiredOption("--venue <file>", "venue file (see examples/venue.yaml)")
    .option("--rpc <url>", RPC_HELP)
    .option("-o, --out <file>", "deployment file to write", "deployment.json")
    .option("--keystore <file>", "encrypted JSON keystore of the deployer (default: SOLVENCY_PRIVATE_KEY)")
    .option("--collateral-token <address>", "an existing ERC-20 for the venue's escrow (default: a test token)")
    .option("--credit-token <address>", "an existing ERC-20 the venue lends (default: a test token, with reserves minted)")
    .option("-f, --force", "replace an existing deployment file")
    .action(action<[], CommonOptions & { venue: string; rpc?: string; out: string; keystore?: string; collateralToken?: string; creditToken?: string; force?: boolean }>(async (out, o) => {
      checkOutputFile(o.out, !!o.force, "--out");
      const { deployToEndpoint } = await import("../../pipeline/deploy.ts");
      const d = await out.step("deploying", () => deployToEndpoint({ ...o, rpc: rpcUrl(o.rpc) }, (l) => out.note(l)));
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
      checkOutputFile(o.out, !!o.force, "--out");
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
