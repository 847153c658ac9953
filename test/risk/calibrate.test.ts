import { expect } from "chai";
import { parseHistory, historyCsv, HistoryError, type PriceHistory } from "../../risk/history.ts";
import { normalQuantile, stdev, logReturns, ewmaVolatility, quantile, correlation, horizonReturns } from "../../risk/statistics.ts";
import { estimateAsset, roundUpToStep, column, minRows } from "../../risk/haircuts.ts";
import { syntheticHistory, type SyntheticSpec } from "../../risk/synthetic.ts";
import { calibrate } from "../../risk/calibrate.ts";
import { gridScenarios } from "../../risk/scenarios.ts";

const spec = (seed: number, days = 2000): SyntheticSpec => ({
  assets: [
    { symbol: "AAA", start: 100, dailyVolatility: 0.02 },
    { symbol: "BBB", start: 2500, dailyVolatility: 0.035 },
    { symbol: "CCC", start: 1, dailyVolatility: 0.001 },
  ],
  correlations: [[1, 0.7, 0], [0.7, 1, -0.3], [0, -0.3, 1]],
  days, startDate: "2020-01-01", seed,
});
const history = (s: SyntheticSpec): PriceHistory => ({ file: "synthetic.csv", ...syntheticHistory(s) });

describe("risk calibration: estimators", () => {
  it("computes the normal quantile to 1e-6", () => {
    expect(normalQuantile(0.5)).to.be.closeTo(0, 1e-12);
    expect(normalQuantile(0.975)).to.be.closeTo(1.959964, 1e-6);
    expect(normalQuantile(0.99)).to.be.closeTo(2.326348, 1e-6);
    expect(normalQuantile(0.001)).to.be.closeTo(-3.090232, 1e-6);
  });

  it("takes the type-7 empirical quantile", () => {
    expect(quantile([3, 1, 2, 4, 5], 0.5)).to.equal(3);
    expect(quantile([1, 2, 3, 4, 5], 0.1)).to.be.closeTo(1.4, 1e-12);
  });

  it("rounds a haircut up to the venue's step and never past an exact step", () => {
    expect(roundUpToStep(0.0797, 50)).to.equal(800);
    expect(roundUpToStep(0.08, 50)).to.equal(800);
    expect(roundUpToStep(0.08001, 50)).to.equal(850);
    expect(roundUpToStep(0, 50)).to.equal(0);
    expect(roundUpToStep(0.0001, 25)).to.equal(25);
  });

  // Standard errors at n = 2000 daily returns: σ̂ ≈ σ/√(2n) = 1.6% relative; ρ̂ ≈ (1−ρ²)/√n ≤ 0.023;
  // the 1% quantile ≈ 8% relative. Tolerances are about three standard errors, checked over three seeds.
  for (const seed of [1, 2, 3]) {
    it(`recovers the stated volatilities (±5%) and correlations (±0.07) of a synthetic history, seed ${seed}`, () => {
      const s = spec(seed);
      const h = history(s);
      s.assets.forEach((a, i) => {
        const sigma = stdev(logReturns(column(h, i)));
        expect(sigma / a.dailyVolatility, a.symbol).to.be.closeTo(1, 0.05);
      });
      const r = s.assets.map((_, i) => logReturns(column(h, i)));
      for (let i = 0; i < 3; i++) for (let j = i + 1; j < 3; j++) expect(correlation(r[i]!, r[j]!), `${i},${j}`).to.be.closeTo(s.correlations[i]![j]!, 0.07);
    });

    it(`recovers the 99% one-day haircut of a normal model (parametric ±6%, historical ±25%), seed ${seed}`, () => {
      const s = spec(seed);
      const h = history(s);
      const z = normalQuantile(0.99);
      s.assets.forEach((a, i) => {
        const e = estimateAsset(a.symbol, column(h, i), { confidence: 0.99, horizonDays: 1, stepBps: 1 });
        const truth = 1 - Math.exp(-z * a.dailyVolatility);
        // the sample-σ haircut recovers the truth; the parametric one uses max(sample, EWMA) and is never below it
        expect((1 - Math.exp(-z * e.volatility)) / truth, `${a.symbol} parametric`).to.be.closeTo(1, 0.06);
        expect(e.parametricHaircut).to.be.at.least(1 - Math.exp(-z * e.volatility));
        expect(e.historicalHaircut / truth, `${a.symbol} historical`).to.be.closeTo(1, 0.25);
        expect(e.parametricHaircut).to.be.closeTo(1 - Math.exp(-z * e.volatilityUsed), 1e-12);
        expect(e.haircutBps).to.equal(Math.ceil(Math.max(e.parametricHaircut, e.historicalHaircut) * 10000 - 1e-9));
        expect(e.collateralWeightBps).to.equal(10000 - e.haircutBps);
      });
    });
  }

  it("scales the haircut with the horizon: a 10-day haircut near 1 − exp(−zσ√10)", () => {
    const s = spec(7, 3000);
    const h = history(s);
    const e = estimateAsset("BBB", column(h, 1), { confidence: 0.99, horizonDays: 10, stepBps: 1 });
    const truth = 1 - Math.exp(-normalQuantile(0.99) * 0.035 * Math.sqrt(10));
    expect((1 - Math.exp(-normalQuantile(0.99) * e.volatility * Math.sqrt(10))) / truth).to.be.closeTo(1, 0.06);
    expect(e.historicalHaircut / truth).to.be.closeTo(1, 0.3);
    expect(horizonReturns(column(h, 1), 10)).to.have.length(3000 - 10);
  });

  it("EWMA volatility follows a volatility regime change that the sample volatility averages away", () => {
    const calm = syntheticHistory({ ...spec(4, 500), assets: [{ symbol: "X", start: 100, dailyVolatility: 0.01 }], correlations: [[1]] });
    const storm = syntheticHistory({ ...spec(5, 101), assets: [{ symbol: "X", start: calm.prices[499]![0]!, dailyVolatility: 0.04 }], correlations: [[1]] });
    const series = [...calm.prices.map((r) => r[0]!), ...storm.prices.slice(1).map((r) => r[0]!)];
    const returns = logReturns(series);
    expect(ewmaVolatility(returns) / 0.04).to.be.closeTo(1, 0.25);
    expect(stdev(returns)).to.be.below(0.02);
  });

  it("finds an injected joint crash as the worst historical scenario, with its multipliers", () => {
    const h = history(spec(9, 400));
    for (let t = 201; t < h.prices.length; t++) h.prices[t] = h.prices[t]!.map((p, i) => p * [0.7, 0.75, 1][i]!);
    const c = calibrate(h, { confidence: 0.99, horizonDays: 1, stepBps: 50 });
    const worst = c.scenarios[0]!;
    expect(worst.name).to.equal(`historical crash ${h.dates[200]}→${h.dates[201]}`);
    const ratio = (i: number): number => (h.prices[201]![i]! / h.prices[200]![i]!) * 10000;
    expect(worst.multipliersBps.AAA).to.equal(Math.round(ratio(0)));
    expect(worst.multipliersBps.AAA).to.be.within(6500, 7500);
    expect(worst.multipliersBps.BBB).to.be.within(7000, 8000);
    expect(c.scenarios.filter((s) => s.kind === "historical")).to.have.length(4);
  });

  it("builds a symmetric grid of ±1/3, ±2/3, ±3/3 of each symbol's own scan range", () => {
    const c = calibrate(history(spec(11, 400)), { confidence: 0.99, horizonDays: 1, stepBps: 50 });
    const grid = gridScenarios(c.assets);
    expect(grid).to.have.length(6);
    for (const a of c.assets) {
      expect(grid[0]!.multipliersBps[a.symbol]).to.equal(10000 - a.haircutBps);
      expect(grid[5]!.multipliersBps[a.symbol]).to.equal(10000 + a.upliftBps);
      expect(grid[2]!.multipliersBps[a.symbol]).to.equal(Math.round(10000 - a.haircutBps / 3));
    }
    expect(grid[0]!.referenceMove).to.be.below(0);
    expect(grid[5]!.referenceMove).to.be.above(0);
  });

  it("keeps only the most severe scenarios when asked", () => {
    const c = calibrate(history(spec(12, 400)), { confidence: 0.99, horizonDays: 1, stepBps: 50, maxScenarios: 4 });
    expect(c.scenarios).to.have.length(4);
    const moves = c.scenarios.map((s) => Math.abs(s.referenceMove));
    expect(moves).to.deep.equal([...moves].sort((a, b) => b - a));
  });
});

describe("risk calibration: price history files", () => {
  const good = historyCsv({ symbols: ["WETH", "WBTC"], dates: Array.from({ length: 40 }, (_, t) => `2024-02-${String(1 + (t % 28)).padStart(2, "0")}`).slice(0, 28), prices: Array.from({ length: 28 }, (_, t) => [3000 + t, 60000 - t]) });
  const parse = (text: string, minRowsCount = 3): PriceHistory => parseHistory(text, "h.csv", { minRows: minRowsCount });
  const fails = (text: string, problem: RegExp, where: RegExp, minRowsCount = 3): void => {
    let err: unknown;
    try {
      parse(text, minRowsCount);
    } catch (e) {
      err = e;
    }
    expect(err, "an error").to.be.instanceOf(HistoryError);
    const h = err as HistoryError;
    expect(h.problem).to.match(problem);
    expect(h.where).to.match(where);
    expect(h.message.split("\n")).to.have.length(1);
  };

  it("reads a well-formed file, skipping comment lines, CRLF line ends and a BOM", () => {
    const h = parse("\uFEFF# synthetic\r\ndate,WETH,WBTC\r\n2024-01-01,3000.5,60000\r\n2024-01-02,3010,60100.25\r\n2024-01-03,2990,59000\r\n");
    expect(h.symbols).to.deep.equal(["WETH", "WBTC"]);
    expect(h.dates).to.deep.equal(["2024-01-01", "2024-01-02", "2024-01-03"]);
    expect(h.prices[1]).to.deep.equal([3010, 60100.25]);
    expect(parse(good, 28).prices).to.have.length(28);
  });

  const H = "date,WETH,WBTC\n";
  it("names the row of a missing price", () => fails(`${H}2024-01-01,3000,60000\n2024-01-02,,60000\n2024-01-03,1,1\n`, /price of WETH is missing/, /^h\.csv:3 \(2024-01-02\)$/));
  it("names the row of a short row", () => fails(`${H}2024-01-01,3000,60000\n2024-01-02,3000\n`, /1 prices for 2 symbols: WBTC missing/, /^h\.csv:3 \(2024-01-02\)$/));
  it("names the row of an extra value", () => fails(`${H}2024-01-01,3000,60000,5\n`, /3 prices for 2 symbols/, /^h\.csv:2 \(2024-01-01\)$/));
  it("names the row of a zero price", () => fails(`${H}2024-01-01,3000,60000\n2024-01-02,0,60000\n`, /price of WETH is 0, not positive/, /^h\.csv:3 /));
  it("names the row of a negative price", () => fails(`${H}2024-01-01,3000,60000\n2024-01-02,3000,-1.5\n`, /price of WBTC is -1\.5, not positive/, /^h\.csv:3 /));
  it("names the row of a value that is not a number", () => fails(`${H}2024-01-01,3000,6e4\n`, /price of WBTC, '6e4', is not a decimal number/, /^h\.csv:2 /));
  it("names the row of a bad date", () => fails(`${H}2024-02-30,3000,60000\n`, /'2024-02-30' is not a date/, /^h\.csv:2$/));
  it("names the row of a date out of order", () => fails(`${H}2024-01-02,3000,60000\n2024-01-02,3000,60000\n`, /2024-01-02 does not follow 2024-01-02/, /^h\.csv:3 /));
  it("refuses a header that does not start with date", () => fails("day,WETH\n2024-01-01,1\n", /header starts with 'day'/, /^h\.csv:1$/));
  it("refuses a header with a bad symbol", () => fails("date,WETH,W BTC\n", /'W BTC', is not a symbol/, /^h\.csv:1$/));
  it("refuses a header that names a symbol twice", () => fails("date,WETH,weth\n", /symbol 'weth' names two columns/, /^h\.csv:1$/));
  it("refuses a header without assets", () => fails("date\n2024-01-01\n", /names no asset/, /^h\.csv:1$/));
  it("refuses a file without a header", () => fails("# only a comment\n", /no header/, /^h\.csv$/));
  it("refuses too few rows for the horizon", () => fails(`${H}2024-01-01,3000,60000\n2024-01-02,3000,60000\n`, /too few rows: 2 dates .* at least 31/, /^h\.csv$/, minRows(1)));
});
