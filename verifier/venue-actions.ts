/**
 * An account's side of the margin venue: escrow collateral (deposit), take it back (withdraw), pay
 * debt down (repay), and read what it holds (balance), with the ERC-20 approvals these need. Amounts
 * are whole tokens as decimal text, converted exactly with the token's decimals. Everything an action
 * could refuse is checked by reading the chain first, so a refusal is one clear error before any
 * transaction (approval included) is sent.
 */
import { Contract, type Signer, type TransactionReceipt } from "ethers";
import { ChainFailure, type Chain } from "./chain.ts";
import { InputError } from "../prover/files.ts";
import { parseDecimal, formatDecimal, DecimalError } from "../prover/decimal.ts";

const ERC20 = [
  "function decimals() view returns (uint8)",
  "function symbol() view returns (string)",
  "function balanceOf(address) view returns (uint256)",
  "function allowance(address, address) view returns (uint256)",
  "function approve(address, uint256) returns (bool)",
  "function mint(address, uint256)",
];

export type TokenRole = "collateral" | "credit";

export interface Token {
  role: TokenRole;
  address: string;
  symbol: string;
  decimals: number;
  contract: Contract;
}

/** An amount in base units with its whole-token text. */
export interface Amount { units: bigint; tokens: string }

export async function token(chain: Chain, role: TokenRole): Promise<Token> {
  const address = role === "collateral" ? chain.deployment.contracts.collateralToken : chain.deployment.contracts.creditToken;
  const contract = new Contract(address, ERC20, chain.provider);
  return chain.call(`${role} token`, async () => ({
    role, address, contract,
    decimals: Number(await contract.getFunction("decimals")()),
    symbol: String(await contract.getFunction("symbol")().catch(() => role)),
  }));
}

export const amountOf = (t: Token, units: bigint): Amount => ({ units, tokens: formatDecimal(units, t.decimals) });

/** Whole tokens (decimal text) to base units; refuses zero, a sign and excess decimals. */
export function parseAmount(t: Token, text: string, flag: string): Amount {
  try {
    const units = parseDecimal(text, t.decimals);
    if (units === 0n) throw new InputError("the amount is zero", flag, "give a positive amount");
    return { units, tokens: formatDecimal(units, t.decimals) };
  } catch (err) {
    if (err instanceof DecimalError) throw new InputError(`${err.problem} (${t.symbol} has ${t.decimals} decimals)`, flag, err.problem.includes("negative") ? "give the amount without a sign" : err.fix);
    throw err;
  }
}

export interface Balance {
  account: string;
  escrow: Amount;
  debt: Amount;
  wallet: { collateral: Amount; credit: Amount };
  /** what the venue may pull from the account's wallet (for deposit and repay) */
  allowance: { collateral: Amount; credit: Amount };
  frozen: boolean;
  collateralSymbol: string;
  creditSymbol: string;
}

export async function balanceOf(chain: Chain, account: string): Promise<Balance> {
  const [coll, cred] = [await token(chain, "collateral"), await token(chain, "credit")];
  const venue = chain.deployment.contracts.venue;
  return chain.call("margin venue", async () => {
    const [escrow, debt] = (await chain.venue.getFunction("positionOf")(account)) as [bigint, bigint];
    const read = async (t: Token, fn: string, ...args: unknown[]): Promise<Amount> => amountOf(t, (await t.contract.getFunction(fn)(...args)) as bigint);
    return {
      account,
      escrow: amountOf(coll, escrow),
      debt: amountOf(cred, debt),
      wallet: { collateral: await read(coll, "balanceOf", account), credit: await read(cred, "balanceOf", account) },
      allowance: { collateral: await read(coll, "allowance", account, venue), credit: await read(cred, "allowance", account, venue) },
      frozen: (await chain.venue.getFunction("isFrozen")(account)) as boolean,
      collateralSymbol: coll.symbol,
      creditSymbol: cred.symbol,
    };
  });
}

export interface ActionResult {
  action: "deposit" | "withdraw" | "repay";
  account: string;
  amount: Amount;
  /** the approval sent first, if the allowance was short */
  approval: string | null;
  receipt: TransactionReceipt;
  after: Balance;
}

/** Raises the venue's allowance to `units` when it is lower; returns the approval's hash. */
async function approveIfShort(chain: Chain, t: Token, owner: string, units: bigint, signer: Signer): Promise<string | null> {
  const venue = chain.deployment.contracts.venue;
  const allowance = (await chain.call(`${t.role} token`, () => t.contract.getFunction("allowance")(owner, venue))) as bigint;
  if (allowance >= units) return null;
  const receipt = await chain.send(`${t.role} token: approve`, t.contract, "approve", [venue, units], signer);
  return receipt.hash;
}

/** Escrows `text` collateral tokens from the signer's wallet. */
export async function deposit(chain: Chain, text: string, signer: Signer): Promise<ActionResult> {
  const coll = await token(chain, "collateral");
  const amount = parseAmount(coll, text, "<amount>");
  const account = await signer.getAddress();
  const before = await balanceOf(chain, account);
  if (before.wallet.collateral.units < amount.units) {
    throw new InputError(`${account} holds ${before.wallet.collateral.tokens} ${coll.symbol}, less than the ${amount.tokens} to deposit`, "<amount>",
      `deposit at most ${before.wallet.collateral.tokens}, or fund the account with the collateral token ${coll.address} first`);
  }
  const approval = await approveIfShort(chain, coll, account, amount.units, signer);
  const receipt = await chain.send("margin venue: deposit", chain.venue, "deposit", [amount.units], signer);
  return { action: "deposit", account, amount, approval, receipt, after: await balanceOf(chain, account) };
}

/** Takes `text` collateral tokens out of the signer's escrow. */
export async function withdraw(chain: Chain, text: string, signer: Signer): Promise<ActionResult> {
  const coll = await token(chain, "collateral");
  const amount = parseAmount(coll, text, "<amount>");
  const account = await signer.getAddress();
  const before = await balanceOf(chain, account);
  if (before.frozen) throw new ChainFailure(`account ${account} is frozen since its liquidation`, "margin venue", "prove initial-tier solvency first (solvency submit of an initial-tier proof)");
  if (before.escrow.units < amount.units) {
    throw new InputError(`the escrow of ${account} holds ${before.escrow.tokens} ${coll.symbol}, less than the ${amount.tokens} to withdraw`, "<amount>", `withdraw at most ${before.escrow.tokens}`);
  }
  const receipt = await chain.send("margin venue: withdraw", chain.venue, "withdraw", [amount.units], signer);
  return { action: "withdraw", account, amount, approval: null, receipt, after: await balanceOf(chain, account) };
}

/** Repays `text` credit tokens of `account`'s debt (default: the signer's) from the signer's wallet. */
export async function repay(chain: Chain, text: string, signer: Signer, account?: string): Promise<ActionResult> {
  const cred = await token(chain, "credit");
  const amount = parseAmount(cred, text, "<amount>");
  const payer = await signer.getAddress();
  const debtor = account ?? payer;
  const [debtorState, payerState] = [await balanceOf(chain, debtor), debtor === payer ? undefined : await balanceOf(chain, payer)];
  if (debtorState.debt.units < amount.units) {
    throw new InputError(`${debtor} owes ${debtorState.debt.tokens} ${cred.symbol}, less than the ${amount.tokens} to repay`, "<amount>", `repay at most ${debtorState.debt.tokens}`);
  }
  const wallet = (payerState ?? debtorState).wallet.credit;
  if (wallet.units < amount.units) {
    throw new InputError(`${payer} holds ${wallet.tokens} ${cred.symbol}, less than the ${amount.tokens} to repay`, "<amount>", `repay at most ${wallet.tokens}, or fund the account with the credit token ${cred.address} first`);
  }
  const approval = await approveIfShort(chain, cred, payer, amount.units, signer);
  const receipt = await chain.send("margin venue: repay", chain.venue, "repay", [debtor, amount.units], signer);
  return { action: "repay", account: debtor, amount, approval, receipt, after: await balanceOf(chain, debtor) };
}

/**
 * Mints test tokens to the signer: only a deployment's own test tokens (MockERC20, which anyone may
 * mint) allow it; a real token refuses, and the refusal is reported before anything is sent.
 */
export async function mintTestTokens(chain: Chain, role: TokenRole, text: string, signer: Signer): Promise<{ token: Token; amount: Amount; to: string; receipt: TransactionReceipt }> {
  const t = await token(chain, role);
  const amount = parseAmount(t, text, "<amount>");
  const to = await signer.getAddress();
  try {
    await (t.contract.connect(signer) as Contract).getFunction("mint").staticCall(to, amount.units);
  } catch {
    throw new InputError(`the ${role} token ${t.address} is not one of this deployment's test tokens: it cannot be minted`, `--token ${role}`, "obtain real tokens; minting works only on a development deployment's test tokens");
  }
  const receipt = await chain.send(`${role} token: mint`, t.contract, "mint", [to, amount.units], signer);
  return { token: t, amount, to, receipt };
}
