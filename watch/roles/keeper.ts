/**
 * The keeper: liquidates every watched account the venue says is liquidatable (its solvency lapsed past
 * the grace period, or an insolvency proof was posted). Liquidation is idempotent on chain: a liquidated
 * account is frozen and no longer liquidatable.
 */
import type { Context, KeeperConfig, Plan } from "../types.ts";

export async function planKeeper(ctx: Context, cfg: KeeperConfig): Promise<Plan[]> {
  const accounts = cfg.accounts ?? (await ctx.chain.venueAccounts());
  return Promise.all(accounts.map(async (account): Promise<Plan> => {
    const reason = await ctx.chain.liquidationReason(account);
    if (reason === "none") return { role: "keeper", account, next: "none: not liquidatable", alerts: [] };
    return {
      role: "keeper", account, alerts: [], next: `liquidate (${reason})`,
      act: async () => {
        if ((await ctx.chain.liquidationReason(account)) === "none") return "already liquidated";
        try {
          const receipt = await ctx.chain.liquidate(account, cfg.signer);
          return `liquidated (${reason}, tx ${receipt.hash})`;
        } catch (err) {
          const name = ctx.chain.revertName(err);
          if (name === "NotLiquidatable") return "not liquidatable any more";
          throw new Error(`the venue refused the liquidation: ${name ?? (err as Error).message}`);
        }
      },
    };
  }));
}
