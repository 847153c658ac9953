/**
 * The oracle operator's prices file (USD prices by symbol, before publication) and the round file
 * (docs/files.md): a round exactly as the oracle published it, with the context it committed on chain.
 * Prices are fixed point with the spec's price decimals; a float never touches them.
 */
import { z } from "zod";
import { loadDocument, validate, toJson, InputError, type LoadedDocument } from "./files.ts";
import { parseDecimal, DecimalError } from "./decimal.ts";
import { PRICE_LIMIT, type PriceRound } from "./model.ts";
import { contextHash, priceCommitment, riskCommitment } from "./commitments.ts";
import { pad, venueRiskFactors, type Venue } from "./venue.ts";
import { symbolSchema, bigintText } from "./schema.ts";
import { spec, PRICE_DECIMALS } from "./spec.ts";

const B = spec.bounds;

/**
 * The price an unused slot is published with: the oracle refuses zero prices, and an unused slot has
 * zero weight and zero amounts, so its price never changes a valuation.
 */
export const UNUSED_SLOT_PRICE = 1n;

/** Prices for one round, by symbol, before the oracle publishes them (the operator's input file). */
export interface PriceQuote { prices: bigint[]; marks: bigint[] }

const priceMap = z.record(symbolSchema, z.string());
const pricesSchema = z.strictObject({ version: z.literal("1").optional(), prices: priceMap, marks: priceMap.default({}) });

/** Parses a USD price with the oracle's decimals, refusing zero and values beyond the circuit's bound. */
export function parsePrice(text: string, what: string, where: string): bigint {
  let v: bigint;
  try {
    v = parseDecimal(text, PRICE_DECIMALS);
  } catch (err) {
    if (err instanceof DecimalError) throw new InputError(`${what}: ${err.problem}`, where, /negative/.test(err.problem) ? "a price is a positive number of USD: write it without a sign" : err.fix);
    throw err;
  }
  if (v === 0n) throw new InputError(`${what} is zero`, where, "give the asset's USD price; an asset without a price cannot be valued");
  if (v >= PRICE_LIMIT) {
    throw new InputError(`${what} ${text} is above the circuit's price bound`, where, `prices must be below 2^${B.priceBits} / 10^${PRICE_DECIMALS} USD`);
  }
  return v;
}

function quoteFrom(doc: LoadedDocument, v: Venue): PriceQuote {
  const p = validate(pricesSchema, doc);
  const side = (field: "prices" | "marks", universe: ReadonlyArray<{ symbol: string }>, size: number): bigint[] => {
    const given = p[field];
    for (const sym of Object.keys(given)) {
      if (!universe.some((u) => u.symbol === sym)) {
        throw new InputError(`'${sym}' is not a ${field === "prices" ? "venue asset" : "perpetual market"} of ${v.name}`, doc.where([field, sym]),
          `use one of ${universe.map((u) => u.symbol).join(", ") || "(none)"}`);
      }
    }
    const out = universe.map((u) => {
      const text = given[u.symbol];
      if (text === undefined) throw new InputError(`no ${field === "prices" ? "price" : "mark price"} for ${u.symbol}`, doc.where([field]), `add '${u.symbol}: <USD price>' under ${field}`);
      return parsePrice(text, `${field === "prices" ? "price" : "mark price"} of ${u.symbol}`, doc.where([field, u.symbol]));
    });
    return pad(out, size, UNUSED_SLOT_PRICE);
  };
  return { prices: side("prices", v.assets, v.instance.assets), marks: side("marks", v.markets, v.instance.positions) };
}

/** Loads an operator's prices file against the venue's universe. */
export const loadPrices = (file: string, v: Venue): PriceQuote => quoteFrom(loadDocument(file, "prices file"), v);

export const roundOf = (q: PriceQuote, roundId: bigint, timestamp: bigint): PriceRound => ({ roundId, timestamp, prices: q.prices, marks: q.marks });

export const ROUND_KIND = "zk-solvency/price-round";

/** A published round and where it came from. */
export interface RoundRecord {
  venue: string;
  instance: string;
  round: PriceRound;
  /** the context the oracle stored: Poseidon(TAG_CONTEXT, priceCommitment, riskCommitment) */
  context: bigint;
  source?: { chainId: bigint; oracle: string; transaction: string };
}

export function roundJson(r: RoundRecord): string {
  return toJson({
    kind: ROUND_KIND,
    version: 1,
    venue: r.venue,
    instance: r.instance,
    roundId: r.round.roundId,
    timestamp: r.round.timestamp,
    time: new Date(Number(r.round.timestamp) * 1000).toISOString(),
    prices: r.round.prices,
    marks: r.round.marks,
    context: r.context,
    ...(r.source ? { source: r.source } : {}),
  });
}

const roundSchema = z.strictObject({
  kind: z.literal(ROUND_KIND),
  version: z.literal("1"),
  venue: z.string(),
  instance: z.string(),
  roundId: bigintText,
  timestamp: bigintText,
  time: z.string().optional(),
  prices: z.array(bigintText),
  marks: z.array(bigintText),
  context: bigintText,
  source: z.strictObject({ chainId: bigintText, oracle: z.string(), transaction: z.string() }).optional(),
});

/**
 * Loads a round file for the venue and checks it against the venue's risk parameters: the context
 * recomputed from the round's prices and the venue's factors must be the one the oracle stored, or a
 * proof made from them would be refused on chain.
 */
export function loadRound(file: string, v: Venue): RoundRecord {
  const doc = loadDocument(file, "round file");
  const r = validate(roundSchema, doc);
  if (r.prices.length !== v.instance.assets || r.marks.length !== v.instance.positions) {
    throw new InputError(`the round has ${r.prices.length} prices and ${r.marks.length} marks but ${v.instance.name} takes ${v.instance.assets} and ${v.instance.positions}`,
      doc.where(["prices"]), "use a round published by this venue's oracle");
  }
  const round: PriceRound = { roundId: r.roundId, timestamp: r.timestamp, prices: r.prices, marks: r.marks };
  const context = contextHash(priceCommitment(round), riskCommitment(venueRiskFactors(v)));
  if (context !== r.context) {
    throw new InputError(`the round's context does not match ${v.name}'s risk parameters`, doc.where(["context"]),
      "the venue file is out of date or the round was published under other parameters: use the current venue file and a fresh round");
  }
  return { venue: r.venue, instance: r.instance, round, context, source: r.source };
}
