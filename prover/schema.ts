/**
 * Schema atoms shared by every file format. Files are read with every scalar as the exact text the
 * user wrote (prover/files.ts), so each atom parses text: symbols, bounded integers, big integers and
 * Ethereum addresses, each failure with a problem and a fix.
 */
import { z } from "zod";
import { getAddress } from "ethers/address";
import { addIssue } from "./files.ts";

export const symbolSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, {
  error: "a symbol is 1 to 32 letters, digits, '.', '_' or '-', starting with a letter or digit",
});

export function integerText(min: number, max: number, unit = ""): z.ZodPipe<z.ZodString, z.ZodTransform<number, string>> {
  return z.string().transform((s, ctx) => {
    const t = s.trim();
    if (!/^[0-9]+$/.test(t) || Number(t) < min || Number(t) > max) {
      addIssue(ctx, `'${s}' is not an integer in [${min}, ${max}]${unit}`, `write a whole number from ${min} to ${max}`);
      return z.NEVER;
    }
    return Number(t);
  });
}

/** Big integers written as decimal digits (or 0x hex), such as round ids and field elements. */
export const bigintText = z.string().transform((s, ctx) => {
  const t = s.trim();
  if (!/^(?:[0-9]+|0x[0-9a-fA-F]+)$/.test(t)) {
    addIssue(ctx, `'${s}' is not a non-negative integer`, "write decimal digits or 0x-prefixed hex");
    return z.NEVER;
  }
  return BigInt(t);
});

/** An Ethereum address, returned checksummed. */
export const addressText = z.string().transform((s, ctx) => {
  try {
    return getAddress(s.trim());
  } catch {
    addIssue(ctx, `'${s}' is not an Ethereum address`, "write 0x followed by 40 hex digits");
    return z.NEVER;
  }
});
