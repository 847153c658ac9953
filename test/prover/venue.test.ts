import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync, statSync, readdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT } from "../../prover/artifacts.ts";
import { loadVenue, venueRiskFactors, registryParameters, venueDescription, venueFromDocument } from "../../prover/venue.ts";
import { loadPrices, UNUSED_SLOT_PRICE } from "../../prover/prices.ts";
import { writeFileAtomic, parseDocumentText, InputError } from "../../prover/files.ts";
import { riskFactors } from "../../prover/model.ts";

const VENUE = path.join(ROOT, "examples", "venue.yaml");
const venueText = readFileSync(VENUE, "utf8");

describe("venue and prices files", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), "solvency-venue-"))));
  const file = (name: string, text: string): string => {
    writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const refused = (fn: () => unknown, pattern: RegExp): void => {
    expect(fn).to.throw(InputError, pattern);
  };

  it("pads the universe to the instance: unused slots carry zero weight, as the registry stores them", () => {
    const v = loadVenue(VENUE);
    expect(v.instance.name).to.equal("Solvency_4x2");
    const { assets, markets } = registryParameters(v);
    expect(assets).to.have.length(4);
    expect(assets[3]).to.deep.equal({ decimals: 18, collateralWeightBps: 0, liabilityWeightBps: 0 });
    expect(markets).to.have.length(2);
    expect(venueRiskFactors(v)).to.deep.equal(riskFactors(assets, markets));
    expect(venueRiskFactors(v).collateralFactor[1]).to.equal(10n ** 12n * 9500n, "USDC: scale 10^(18-6) times 95%");
  });

  it("reads back its own description, as a deployment file embeds it", () => {
    const v = loadVenue(VENUE);
    const again = venueFromDocument(parseDocumentText(JSON.stringify(venueDescription(v), (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x)), "embedded"));
    expect({ ...again, file: "" }).to.deep.equal({ ...v, file: "" });
  });

  it("refuses inconsistent venues with the field to fix", () => {
    refused(() => loadVenue(file("v1.yaml", venueText.replace("maintenanceBps: 12000", "maintenanceBps: 16000"))), /maintenance ratio is above the initial ratio — .*v1\.yaml:\d+ ratios\.maintenanceBps/);
    refused(() => loadVenue(file("v2.yaml", venueText.replace("instance: Solvency_4x2", "instance: Solvency_2x1"))), /unknown circuit instance 'Solvency_2x1' — .* — use one of Solvency_4x2/);
    refused(() => loadVenue(file("v3.yaml", venueText.replace("collateralWeightBps: 8000", "collateralWeightBps: 10001"))), /'10001' is not an integer in \[0, 10000\] bps/);
    const five = venueText.replace("  - { symbol: WBTC", "  - { symbol: A, decimals: 1, collateralWeightBps: 1, liabilityWeightBps: 1 }\n  - { symbol: B, decimals: 1, collateralWeightBps: 1, liabilityWeightBps: 1 }\n  - { symbol: WBTC");
    refused(() => loadVenue(file("v4.yaml", five)), /5 assets do not fit Solvency_4x2 \(4 slots\) — .* — choose a larger circuit instance/);
    refused(() => loadVenue(file("v5.yaml", venueText.replace("symbol: ETH-PERP", "symbol: WETH"))), /names both an asset and a market/);
  });

  it("converts prices exactly, pads unused slots with a nonzero price, and refuses bad ones", () => {
    const v = loadVenue(VENUE);
    const q = loadPrices(path.join(ROOT, "examples", "prices.yaml"), v);
    expect(q.prices).to.deep.equal([3000n * 10n ** 8n, 10n ** 8n, 60000n * 10n ** 8n, UNUSED_SLOT_PRICE]);
    expect(q.marks).to.deep.equal([3000n * 10n ** 8n, UNUSED_SLOT_PRICE]);
    const prices = (body: string) => file("p.yaml", `prices:\n${body}\nmarks:\n  ETH-PERP: "1"\n`);
    refused(() => loadPrices(prices('  WETH: "1"\n  USDC: "1"'), v), /no price for WBTC — .*p\.yaml:\d+ prices — add 'WBTC: <USD price>'/);
    refused(() => loadPrices(prices('  WETH: "1"\n  USDC: "1"\n  WBTC: "1"\n  DOGE: "1"'), v), /'DOGE' is not a venue asset of Example Margin Venue/);
    refused(() => loadPrices(prices('  WETH: "0"\n  USDC: "1"\n  WBTC: "1"'), v), /price of WETH is zero/);
    refused(() => loadPrices(prices('  WETH: "1.000000001"\n  USDC: "1"\n  WBTC: "1"'), v), /price of WETH: '1\.000000001' has 9 decimal places but only 8/);
    refused(() => loadPrices(prices('  WETH: "720575940.37927936"\n  USDC: "1"\n  WBTC: "1"'), v), /above the circuit's price bound/);
  });
});

describe("atomic output files", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), "solvency-files-"))));

  it("writes secrets with mode 0600 and leaves no temporary file", () => {
    const f = path.join(dir, "secret.json");
    writeFileAtomic(f, "{}\n", { mode: 0o600 });
    expect(statSync(f).mode & 0o777).to.equal(0o600);
    expect(readdirSync(dir)).to.deep.equal(["secret.json"]);
  });

  it("refuses to replace a file unless asked, leaving it untouched", () => {
    const f = path.join(dir, "keep.txt");
    writeFileAtomic(f, "first");
    expect(() => writeFileAtomic(f, "second")).to.throw(InputError, /already exists .* --force/);
    expect(readFileSync(f, "utf8")).to.equal("first");
    writeFileAtomic(f, "second", { overwrite: true });
    expect(readFileSync(f, "utf8")).to.equal("second");
  });

  it("fails cleanly when the directory does not exist", () => {
    const f = path.join(dir, "missing", "out.json");
    expect(() => writeFileAtomic(f, "x")).to.throw(InputError, /output directory does not exist/);
    expect(existsSync(f)).to.equal(false);
  });
});
