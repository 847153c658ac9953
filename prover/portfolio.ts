/**
 * The institution's portfolio file (JSON or YAML, docs/files.md): the venue universe it is written
 * against, balances and perpetual positions in whole tokens as decimal strings, and the salt of its
 * commitment. Loading validates everything and converts exactly to the circuit's integers; every
 * problem is a PortfolioError naming the file, line and field and how to fix it.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { InputError, loadDocument, parseDocumentText, validate, type LoadedDocument } from "./files.ts";
import { parseDecimal, formatDecimal, DecimalError } from "./decimal.ts";
import { AMOUNT_LIMIT, PRICE_LIMIT, type EncodedPortfolio, type EncodedPosition } from "./model.ts";
import { universeAssetSchema, checkUniverseSymbols, pad, type Universe } from "./venue.ts";
import { symbolSchema } from "./schema.ts";
import { FIELD, PRICE_DECIMALS, spec } from "./spec.ts";

export class PortfolioError extends InputError {}

const amountPair = z.strictObject({ collateral: z.string().optional(), debt: z.string().optional() });
const positionSchema = z.strictObject({ size: z.string(), entryPrice: z.string() });
/** A section left empty (only comments under its key) reads as null or "": treat it as empty. */
const orEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === null || v === undefined || v === "" ? {} : v), schema);

const portfolioSchema = z
  .strictObject({
    version: z.literal("1").optional(),
    account: z.string().regex(/^0x[0-9a-fA-F]{40}$/, { error: "the account must be a 0x-prefixed 20-byte hex address" }).optional(),
    universe: z.strictObject({ assets: z.array(universeAssetSchema).min(1), markets: z.array(universeAssetSchema).default([]) }).superRefine(checkUniverseSymbols),
    balances: orEmpty(z.record(symbolSchema, amountPair)),
    positions: orEmpty(z.record(symbolSchema, positionSchema)),
    salt: z.string(),
  });

export interface Position { size: bigint; entryPrice: bigint }
/** A validated portfolio, in base units, per slot of its universe (not yet padded to an instance). */
export interface Portfolio {
  file: string;
  account?: string;
  universe: Universe;
  collateral: bigint[];
  debt: bigint[];
  positions: Position[];
  salt: bigint;
}

function amount(doc: LoadedDocument, path: (string | number)[], text: string | undefined, decimals: number, symbol: string, signed = false): bigint {
  if (text === undefined) return 0n;
  let v: bigint;
  try {
    v = parseDecimal(text, decimals, { signed });
  } catch (err) {
    if (err instanceof DecimalError) {
      // A negative holding is a debt and a negative debt a holding: say where it belongs.
      const side = path[path.length - 1];
      const fix = /negative/.test(err.problem) && side === "collateral" ? "a balance is never negative: record what you owe under debt instead"
        : /negative/.test(err.problem) && side === "debt" ? "a debt is never negative: record what you hold under collateral instead" : err.fix;
      throw new PortfolioError(err.problem, doc.where(path), fix);
    }
    throw err;
  }
  const mag = v < 0n ? -v : v;
  if (mag >= AMOUNT_LIMIT) {
    throw new PortfolioError(`${text} ${symbol} is beyond the circuit's bound of 2^${spec.bounds.amountBits} base units`, doc.where(path),
      `amounts of ${symbol} must stay below ${formatDecimal(AMOUNT_LIMIT, decimals)}`);
  }
  return v;
}

function parseSalt(doc: LoadedDocument, text: string): bigint {
  const t = text.trim();
  if (!/^0x[0-9a-fA-F]{1,64}$/.test(t)) {
    throw new PortfolioError("the salt is not 0x-prefixed hex", doc.where(["salt"]), "use the salt `solvency init` wrote, or a fresh random one (0x + up to 64 hex digits)");
  }
  const salt = BigInt(t);
  if (salt >= FIELD) throw new PortfolioError("the salt is not below the BN254 field modulus", doc.where(["salt"]), "generate a fresh one with `solvency init`");
  if (salt === 0n) throw new PortfolioError("the salt is zero", doc.where(["salt"]), "a salt must be random: generate one with `solvency init`");
  return salt;
}

/** Validates a loaded portfolio document and converts every amount exactly. */
export function portfolioFromDocument(doc: LoadedDocument): Portfolio {
  const p = validate(portfolioSchema, doc, PortfolioError);
  const { assets, markets } = p.universe;
  const unknown = (field: string, sym: string, list: ReadonlyArray<{ symbol: string }>, kind: string): never => {
    throw new PortfolioError(`unknown ${kind} '${sym}'`, doc.where([field, sym]),
      list.length ? `use one of ${list.map((a) => a.symbol).join(", ")}: the universe is the venue's, so a ${kind} the venue does not list cannot be proven against it`
        : `the venue lists no ${kind}: remove '${sym}'`);
  };
  for (const sym of Object.keys(p.balances)) if (!assets.some((a) => a.symbol === sym)) unknown("balances", sym, assets, "asset");
  for (const sym of Object.keys(p.positions)) if (!markets.some((m) => m.symbol === sym)) unknown("positions", sym, markets, "perpetual market");

  const collateral = assets.map((a) => amount(doc, ["balances", a.symbol, "collateral"], p.balances[a.symbol]?.collateral, a.decimals, a.symbol));
  const debt = assets.map((a) => amount(doc, ["balances", a.symbol, "debt"], p.balances[a.symbol]?.debt, a.decimals, a.symbol));
  const positions = markets.map((m): Position => {
    const q = p.positions[m.symbol];
    if (!q) return { size: 0n, entryPrice: 0n };
    const size = amount(doc, ["positions", m.symbol, "size"], q.size, m.decimals, m.symbol, true);
    let entryPrice: bigint;
    try {
      entryPrice = parseDecimal(q.entryPrice, PRICE_DECIMALS);
    } catch (err) {
      if (err instanceof DecimalError) throw new PortfolioError(`entry price: ${err.problem}`, doc.where(["positions", m.symbol, "entryPrice"]), err.fix);
      throw err;
    }
    if (entryPrice >= PRICE_LIMIT) {
      throw new PortfolioError(`entry price ${q.entryPrice} is beyond the circuit's price bound`, doc.where(["positions", m.symbol, "entryPrice"]),
        `prices must stay below ${formatDecimal(PRICE_LIMIT, PRICE_DECIMALS)} USD`);
    }
    return { size, entryPrice };
  });
  return {
    file: doc.file,
    account: p.account,
    universe: { assets: assets.map((a) => ({ ...a })), markets: markets.map((m) => ({ ...m })) },
    collateral, debt, positions,
    salt: parseSalt(doc, p.salt),
  };
}

export const loadPortfolio = (file: string): Portfolio => portfolioFromDocument(loadDocument(file, "portfolio file", PortfolioError));
export const parsePortfolio = (text: string, file = "<portfolio>"): Portfolio => portfolioFromDocument(parseDocumentText(text, file, PortfolioError));

/**
 * Refuses a portfolio written against another universe than the venue's: the same slot must mean the
 * same asset with the same decimals, or the commitment and the valuation would silently disagree.
 */
export function checkUniverse(p: Portfolio, venue: Universe, venueName: string): void {
  const check = (field: "assets" | "markets", mine: Universe["assets"], theirs: Universe["assets"]): void => {
    if (mine.length !== theirs.length) {
      throw new PortfolioError(`the portfolio lists ${mine.length} ${field} but ${venueName} lists ${theirs.length}`, `${p.file} universe.${field}`,
        "copy the universe from the venue file (`solvency init --venue` writes it)");
    }
    mine.forEach((a, i) => {
      const b = theirs[i]!;
      if (a.symbol !== b.symbol || a.decimals !== b.decimals) {
        throw new PortfolioError(`slot ${i} is ${a.symbol} with ${a.decimals} decimals here but ${b.symbol} with ${b.decimals} decimals at ${venueName}`,
          `${p.file} universe.${field}[${i}]`, "copy the universe from the venue file (`solvency init --venue` writes it)");
      }
    });
  };
  check("assets", p.universe.assets, venue.assets);
  check("markets", p.universe.markets, venue.markets);
}

/** The integer portfolio for a circuit instance of `assets` × `positions` slots; unused slots hold zero. */
export function encodePortfolio(p: Portfolio, shape: { assets: number; positions: number }): EncodedPortfolio {
  if (p.collateral.length > shape.assets || p.positions.length > shape.positions) {
    throw new PortfolioError(`the universe (${p.collateral.length} assets, ${p.positions.length} markets) does not fit the circuit (${shape.assets} × ${shape.positions})`,
      `${p.file} universe`, "choose a larger circuit instance with --instance");
  }
  return {
    collateral: pad(p.collateral, shape.assets, 0n),
    debt: pad(p.debt, shape.assets, 0n),
    positions: pad<EncodedPosition>(p.positions, shape.positions, { size: 0n, entryPrice: 0n }),
    salt: p.salt,
  };
}

/** A fresh salt: 31 random bytes, always below the field modulus. */
export const freshSalt = (): bigint => BigInt(`0x${randomBytes(31).toString("hex")}`);

const q = (s: string): string => JSON.stringify(s);

/**
 * The portfolio as a YAML file, exactly (amounts written back as decimal strings), with comments that
 * tell the user how to fill it in. Positions left at zero are shown commented out as an example.
 */
export function portfolioYaml(p: Omit<Portfolio, "file">): string {
  const u = p.universe;
  const positions = u.markets.map((m, j) => {
    const pos = p.positions[j] ?? { size: 0n, entryPrice: 0n };
    const entry = `${m.symbol}: { size: ${q(formatDecimal(pos.size, m.decimals))}, entryPrice: ${q(formatDecimal(pos.entryPrice, PRICE_DECIMALS))} }`;
    return pos.size === 0n && pos.entryPrice === 0n ? `  # ${entry}` : `  ${entry}`;
  });
  return [
    "# zk-solvency portfolio (docs/files.md). Keep this file secret: it holds the hidden portfolio and its salt.",
    "# Amounts are decimal strings in whole tokens (\"12.5\" WETH): never base units, never exponent notation.",
    "version: 1",
    p.account ? `account: ${q(p.account)}` : "# account: \"0x...\"   # the Ethereum account this portfolio backs",
    "universe:   # the venue's assets and perpetual markets in slot order; must match the venue file",
    "  assets:",
    ...u.assets.map((a) => `    - { symbol: ${q(a.symbol)}, decimals: ${a.decimals} }`),
    ...(u.markets.length ? ["  markets:", ...u.markets.map((m) => `    - { symbol: ${q(m.symbol)}, decimals: ${m.decimals} }`)] : ["  markets: []"]),
    "balances:   # per asset: what you hold (collateral) and what you owe (debt); an omitted asset is zero",
    ...u.assets.map((a, i) => `  ${a.symbol}: { collateral: ${q(formatDecimal(p.collateral[i] ?? 0n, a.decimals))}, debt: ${q(formatDecimal(p.debt[i] ?? 0n, a.decimals))} }`),
    "positions:  # per perpetual market: signed size in contracts (negative = short) and entry price in USD",
    ...positions,
    `salt: ${q(`0x${p.salt.toString(16)}`)}   # random blinding of the commitment: never reuse it, never share it`,
    "",
  ].join("\n");
}

/** A portfolio file for a universe, every amount zero, with a fresh salt: the template `init` writes. */
export const portfolioTemplate = (u: Universe, account?: string): string =>
  portfolioYaml({ universe: u, account, collateral: [], debt: [], positions: [], salt: freshSalt() });
