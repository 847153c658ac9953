/**
 * A venue's description (the venue file, docs/files.md): the asset universe in slot order, governance's
 * risk parameters and the required ratios, converted to the committed risk factors of a circuit
 * instance, whose unused slots have zero weight.
 */
import { z } from "zod";
import { addIssue, loadDocument, validate, type LoadedDocument } from "./files.ts";
import { symbolSchema, integerText } from "./schema.ts";
import { riskFactors, type AssetRisk, type MarketRisk, type RiskFactors } from "./model.ts";
import { instance as instanceSpec, manifest, type InstanceSpec } from "./artifacts.ts";
import { spec, MAX_DECIMALS } from "./spec.ts";

const B = spec.bounds;

const decimalsSchema = integerText(0, MAX_DECIMALS);

export interface UniverseAsset { symbol: string; decimals: number }
export interface UniverseMarket { symbol: string; decimals: number }
/** The venue's assets and perpetual markets in slot order: what a portfolio's slots mean. */
export interface Universe { assets: UniverseAsset[]; markets: UniverseMarket[] }

export const universeAssetSchema = z.strictObject({ symbol: symbolSchema, decimals: decimalsSchema });

function uniqueSymbols(list: ReadonlyArray<{ symbol: string }>, ctx: z.core.$RefinementCtx, field: string): void {
  const seen = new Map<string, number>();
  list.forEach((x, i) => {
    const key = x.symbol.toUpperCase();
    const prev = seen.get(key);
    if (prev !== undefined) {
      ctx.addIssue({ code: "custom", path: [field, i, "symbol"], message: `symbol '${x.symbol}' is listed twice (entries ${prev} and ${i})`, params: { fix: "list each asset or market once" } });
    }
    seen.set(key, i);
  });
}

/** Refuses a symbol used twice, across assets and markets alike (case-insensitively). */
export function checkUniverseSymbols(u: { assets: ReadonlyArray<{ symbol: string }>; markets: ReadonlyArray<{ symbol: string }> }, ctx: z.core.$RefinementCtx): void {
  uniqueSymbols(u.assets, ctx, "assets");
  uniqueSymbols(u.markets, ctx, "markets");
  const assetSymbols = new Set(u.assets.map((a) => a.symbol.toUpperCase()));
  u.markets.forEach((m, j) => {
    if (assetSymbols.has(m.symbol.toUpperCase())) {
      ctx.addIssue({ code: "custom", path: ["markets", j, "symbol"], message: `symbol '${m.symbol}' names both an asset and a market`, params: { fix: "give the perpetual market its own symbol, e.g. ETH-PERP" } });
    }
  });
}

const instanceName = z.string().superRefine((n, ctx) => {
  if (!manifest.instances.some((i) => i.name === n)) {
    addIssue(ctx, `unknown circuit instance '${n}'`, `use one of ${manifest.instances.map((i) => i.name).join(", ")}`);
  }
});

/** The venue's operating limits, in seconds and basis points (deploy-time settings of gate and venue). */
export interface VenuePolicy { maxPriceAgeSeconds: number; maxAttestationAgeSeconds: number; roundGraceSeconds: number; gracePeriodSeconds: number; keeperBonusBps: number }
export const DEFAULT_POLICY: VenuePolicy = { maxPriceAgeSeconds: 3600, maxAttestationAgeSeconds: 86400, roundGraceSeconds: 300, gracePeriodSeconds: 3600, keeperBonusBps: 500 };
/** The longest a round or an attestation may back a record (SolvencyGate.MAX_AGE_LIMIT). */
export const MAX_AGE_SECONDS = 180 * 86400;

const venueSchema = z
  .strictObject({
    version: z.literal("1").optional(),
    name: z.string().min(1),
    instance: instanceName,
    assets: z.array(z.strictObject({
      symbol: symbolSchema,
      decimals: decimalsSchema,
      collateralWeightBps: integerText(0, B.maxCollateralWeightBps, " bps"),
      liabilityWeightBps: integerText(0, B.maxLiabilityWeightBps, " bps"),
    })).min(1),
    markets: z.array(z.strictObject({
      symbol: symbolSchema,
      decimals: decimalsSchema,
      profitWeightBps: integerText(0, B.maxCollateralWeightBps, " bps"),
      lossWeightBps: integerText(0, B.maxLiabilityWeightBps, " bps"),
      maintenanceMarginBps: integerText(0, B.maxMarginRateBps, " bps"),
    })).default([]),
    ratios: z.strictObject({
      initialBps: integerText(B.bpsDenominator, 2 ** B.ratioBits - 1, " bps"),
      maintenanceBps: integerText(B.bpsDenominator, 2 ** B.ratioBits - 1, " bps"),
    }),
    policy: z.strictObject({
      maxPriceAgeSeconds: integerText(1, MAX_AGE_SECONDS, " s").default(DEFAULT_POLICY.maxPriceAgeSeconds),
      maxAttestationAgeSeconds: integerText(1, MAX_AGE_SECONDS, " s").default(DEFAULT_POLICY.maxAttestationAgeSeconds),
      roundGraceSeconds: integerText(0, MAX_AGE_SECONDS, " s").default(DEFAULT_POLICY.roundGraceSeconds),
      gracePeriodSeconds: integerText(0, 2 ** 48 - 1, " s").default(DEFAULT_POLICY.gracePeriodSeconds),
      keeperBonusBps: integerText(0, B.bpsDenominator, " bps").default(DEFAULT_POLICY.keeperBonusBps),
    }).default(DEFAULT_POLICY),
    stress: z.strictObject({
      ratioBps: integerText(B.bpsDenominator, 2 ** B.ratioBits - 1, " bps").default(B.bpsDenominator),
      scenarios: z.array(z.strictObject({
        name: z.string().min(1),
        multipliersBps: z.record(symbolSchema, integerText(0, 2 ** B.multiplierBits - 1, " bps")),
      })).min(1).max(B.maxScenarios),
    }).optional(),
  })
  .superRefine((v, ctx) => {
    checkUniverseSymbols(v, ctx);
    const symbols = new Set([...v.assets, ...v.markets].map((x) => x.symbol));
    v.stress?.scenarios.forEach((s, i) => {
      for (const sym of Object.keys(s.multipliersBps)) {
        if (!symbols.has(sym)) ctx.addIssue({ code: "custom", path: ["stress", "scenarios", i, "multipliersBps", sym], message: `scenario '${s.name}' moves '${sym}', which the venue does not list`, params: { fix: "use the symbols of the venue's assets and markets" } });
      }
    });
    const inst = manifest.instances.find((i) => i.name === v.instance);
    if (!inst) return; // the instance's own issue was reported
    if (v.assets.length > inst.assets) {
      ctx.addIssue({ code: "custom", path: ["assets"], message: `${v.assets.length} assets do not fit ${inst.name} (${inst.assets} slots)`, params: { fix: "choose a larger circuit instance" } });
    }
    if (v.markets.length > inst.positions) {
      ctx.addIssue({ code: "custom", path: ["markets"], message: `${v.markets.length} markets do not fit ${inst.name} (${inst.positions} slots)`, params: { fix: "choose a larger circuit instance" } });
    }
    if (v.ratios.maintenanceBps > v.ratios.initialBps) {
      ctx.addIssue({ code: "custom", path: ["ratios", "maintenanceBps"], message: "the maintenance ratio is above the initial ratio", params: { fix: "set maintenanceBps at or below initialBps" } });
    }
  });

export interface Venue {
  file: string;
  name: string;
  instance: InstanceSpec;
  assets: Array<UniverseAsset & Omit<AssetRisk, "decimals">>;
  markets: Array<UniverseMarket & Omit<MarketRisk, "decimals">>;
  ratios: { initialBps: bigint; maintenanceBps: bigint };
  policy: VenuePolicy;
  /** the stress tier's scenarios (multipliers in bps per symbol; an omitted symbol is unchanged) and ratio */
  stress?: VenueStress;
}

export interface VenueStress { ratioBps: bigint; scenarios: Array<{ name: string; multipliersBps: Record<string, number> }> }

/** Parses an already-loaded venue document. */
export function venueFromDocument(doc: LoadedDocument): Venue {
  const v = validate(venueSchema, doc);
  return {
    file: doc.file,
    name: v.name,
    instance: instanceSpec(v.instance),
    assets: v.assets,
    markets: v.markets,
    ratios: { initialBps: BigInt(v.ratios.initialBps), maintenanceBps: BigInt(v.ratios.maintenanceBps) },
    policy: v.policy,
    ...(v.stress ? { stress: { ratioBps: BigInt(v.stress.ratioBps), scenarios: v.stress.scenarios } } : {}),
  };
}

export const loadVenue = (file: string): Venue => venueFromDocument(loadDocument(file, "venue file"));

export const universeOf = (v: Venue): Universe => ({
  assets: v.assets.map((a) => ({ symbol: a.symbol, decimals: a.decimals })),
  markets: v.markets.map((m) => ({ symbol: m.symbol, decimals: m.decimals })),
});

/** Pads a per-slot vector with zeros to the instance's size. */
export function pad<T>(xs: readonly T[], size: number, zero: T): T[] {
  if (xs.length > size) throw new RangeError(`${xs.length} entries do not fit ${size} slots`);
  return [...xs, ...Array.from({ length: size - xs.length }, () => zero)];
}

/**
 * The committed risk factors for the venue's instance: unused slots have weight zero (decimals 18,
 * so scale 1 and factor 0), exactly as the registry stores them.
 */
export function venueRiskFactors(v: Venue): RiskFactors {
  const { assets, markets } = registryParameters(v);
  return riskFactors(assets, markets);
}

/** The venue as a plain description in the venue file's format (what a deployment file embeds). */
export function venueDescription(v: Venue): Record<string, unknown> {
  return {
    version: 1,
    name: v.name,
    instance: v.instance.name,
    assets: v.assets.map((a) => ({ ...a })),
    markets: v.markets.map((m) => ({ ...m })),
    ratios: { initialBps: v.ratios.initialBps, maintenanceBps: v.ratios.maintenanceBps },
    policy: { ...v.policy },
    ...(v.stress ? { stress: { ratioBps: v.stress.ratioBps, scenarios: v.stress.scenarios.map((s) => ({ ...s, multipliersBps: { ...s.multipliersBps } })) } } : {}),
  };
}

/**
 * The venue's stress scenarios as a stress instance takes them: `count` rows of assets-then-markets
 * multipliers over the instance's slots. Unused slots and omitted symbols are unchanged (10000 bps);
 * fewer scenarios than the instance takes are padded by repeating the first (a repeated scenario adds
 * no requirement).
 */
export function venueScenarios(v: Venue, assets: number, positions: number, count: number): { matrix: bigint[][]; names: string[] } {
  const stress = v.stress;
  if (!stress) throw new RangeError(`${v.name} defines no stress scenarios (a 'stress' section)`);
  if (stress.scenarios.length > count) throw new RangeError(`${stress.scenarios.length} stress scenarios do not fit ${count} slots`);
  const bps = BigInt(B.bpsDenominator);
  const row = (m: Record<string, number>): bigint[] => [
    ...pad(v.assets.map((a) => BigInt(m[a.symbol] ?? B.bpsDenominator)), assets, bps),
    ...pad(v.markets.map((k) => BigInt(m[k.symbol] ?? B.bpsDenominator)), positions, bps),
  ];
  const rows = stress.scenarios.map((s) => row(s.multipliersBps));
  const names = stress.scenarios.map((s) => s.name);
  while (rows.length < count) {
    rows.push([...rows[0]!]);
    names.push(names[0]!);
  }
  return { matrix: rows, names };
}

/** The registry's constructor arguments: every slot of the instance, unused ones with zero weight. */
export function registryParameters(v: Venue): { assets: AssetRisk[]; markets: MarketRisk[] } {
  const unusedAsset: AssetRisk = { decimals: MAX_DECIMALS, collateralWeightBps: 0, liabilityWeightBps: 0 };
  const unusedMarket: MarketRisk = { decimals: MAX_DECIMALS, profitWeightBps: 0, lossWeightBps: 0, maintenanceMarginBps: 0 };
  const strip = <T extends { symbol: string }>({ symbol: _symbol, ...rest }: T): Omit<T, "symbol"> => rest;
  return {
    assets: pad<AssetRisk>(v.assets.map(strip), v.instance.assets, unusedAsset),
    markets: pad<MarketRisk>(v.markets.map(strip), v.instance.positions, unusedMarket),
  };
}
