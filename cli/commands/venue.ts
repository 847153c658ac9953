/**
 * The account's commands at the margin venue: `deposit` and `withdraw` collateral, `repay` credit,
 * `balance` (escrow, debt, wallet and allowances), and `faucet` (test tokens of a development
 * deployment). Amounts are whole tokens, exact decimals. Approvals are sent as needed; every refusal
 * the chain would give is checked first, before any transaction.
 */
import type { Command } from "commander";
import { action } from "../command.ts";
import { onChain, withChain, type ChainOptions } from "./chain.ts";
import { parseAddress } from "../options.ts";
import { signerFrom } from "../signer.ts";
import { InputError } from "../../prover/files.ts";
import type { ActionResult, Balance } from "../../verifier/venue-actions.ts";

const lib = () => import("../../verifier/venue-actions.ts");

const balanceLines = (b: Balance): string[] => [
  `account ${b.account}${b.frozen ? " (FROZEN)" : ""}`,
  `  escrow: ${b.escrow.tokens} ${b.collateralSymbol}   debt: ${b.debt.tokens} ${b.creditSymbol}`,
  `  wallet: ${b.wallet.collateral.tokens} ${b.collateralSymbol}, ${b.wallet.credit.tokens} ${b.creditSymbol}`,
];

const actionData = (r: ActionResult) => ({
  action: r.action, account: r.account, amount: r.amount.tokens, amountUnits: r.amount.units,
  approval: r.approval, transaction: r.receipt.hash, block: r.receipt.blockNumber, balance: r.after,
});

export function registerVenue(program: Command): void {
  onChain(program.command("deposit"), true)
    .description("escrow collateral tokens at the venue (approves the venue for the amount if needed)")
    .argument("<amount>", "whole collateral tokens, e.g. 150.5")
    .action(action<[string], ChainOptions>(async (out, amount, o) => {
      const { deposit } = await lib();
      await withChain(o, out, async (chain) => {
        const r = await out.step("depositing", async () => deposit(chain, amount, await signerFrom(o, chain.provider)));
        out.result(actionData(r), [
          `deposited ${r.amount.tokens} ${r.after.collateralSymbol} (tx ${r.receipt.hash}${r.approval ? `, after approval ${r.approval}` : ""})`,
          ...balanceLines(r.after),
        ]);
      });
    }));

  onChain(program.command("withdraw"), true)
    .description("take collateral tokens out of escrow (with debt, only while an initial-tier proof is current)")
    .argument("<amount>", "whole collateral tokens")
    .action(action<[string], ChainOptions>(async (out, amount, o) => {
      const { withdraw } = await lib();
      await withChain(o, out, async (chain) => {
        const r = await out.step("withdrawing", async () => withdraw(chain, amount, await signerFrom(o, chain.provider)));
        out.result(actionData(r), [`withdrew ${r.amount.tokens} ${r.after.collateralSymbol} (tx ${r.receipt.hash})`, ...balanceLines(r.after)]);
      });
    }));

  onChain(program.command("repay"), true)
    .description("repay credit tokens of an account's debt (default: the signer's own; approves the venue if needed)")
    .argument("<amount>", "whole credit tokens")
    .option("--account <address>", "repay this account's debt instead of the signer's")
    .action(action<[string], ChainOptions & { account?: string }>(async (out, amount, o) => {
      const account = o.account ? parseAddress(o.account, "--account") : undefined;
      const { repay } = await lib();
      await withChain(o, out, async (chain) => {
        const r = await out.step("repaying", async () => repay(chain, amount, await signerFrom(o, chain.provider), account));
        out.result(actionData(r), [`repaid ${r.amount.tokens} ${r.after.creditSymbol} of ${r.account}'s debt (tx ${r.receipt.hash}${r.approval ? `, after approval ${r.approval}` : ""})`, ...balanceLines(r.after)]);
      });
    }));

  onChain(program.command("balance"), false)
    .description("an account's escrow and debt at the venue, and its wallet's collateral and credit tokens")
    .argument("[account]", "the account's address (default: the signer's, from SOLVENCY_PRIVATE_KEY or --keystore)")
    .option("--keystore <file>", "read the account from this keystore (password: SOLVENCY_KEYSTORE_PASSWORD or a prompt)")
    .action(action<[string | undefined], ChainOptions>(async (out, accountText, o) => {
      let account = accountText ? parseAddress(accountText, "<account>") : undefined;
      const { balanceOf } = await lib();
      await withChain(o, out, async (chain) => {
        if (!account) {
          if (!process.env.SOLVENCY_PRIVATE_KEY && !o.keystore) throw new InputError("no account given", "command line", "pass the account's address, or set SOLVENCY_PRIVATE_KEY / --keystore to use the signer's");
          account = await (await signerFrom(o, chain.provider)).getAddress();
        }
        const b = await balanceOf(chain, account);
        out.result({ ...b }, balanceLines(b));
      });
    }));

  onChain(program.command("faucet"), true)
    .description("mint a development deployment's test tokens to the signer (refused for real tokens)")
    .argument("<amount>", "whole tokens")
    .option("--token <token>", "collateral or credit", "collateral")
    .action(action<[string], ChainOptions & { token: string }>(async (out, amount, o) => {
      if (o.token !== "collateral" && o.token !== "credit") throw new InputError(`unknown token '${o.token}'`, "--token", "use collateral or credit");
      const { mintTestTokens } = await lib();
      await withChain(o, out, async (chain) => {
        const r = await mintTestTokens(chain, o.token as "collateral" | "credit", amount, await signerFrom(o, chain.provider));
        out.result({ token: o.token, address: r.token.address, to: r.to, amount: r.amount.tokens, amountUnits: r.amount.units, transaction: r.receipt.hash }, [
          `minted ${r.amount.tokens} test ${r.token.symbol} to ${r.to} (tx ${r.receipt.hash})`,
        ]);
      });
    }));
}
