import { expect } from "chai";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";
import { loadVenue, venueScenarios } from "../../prover/venue.ts";
import { solvency, workdir, expectFailure, expectSuccess, EXAMPLES } from "../helpers/cli.ts";

describe("solvency risk calibrate", function () {
  let dir: string;
  const at = (f: string): string => path.join(dir, f);
  const run = (...args: string[]) => solvency(dir, ["risk", "calibrate", ...args]);

  before(() => {
    dir = workdir();
    copyFileSync(path.join(EXAMPLES, "history.csv"), at("history.csv"));
  });

  it("calibrates the example history: haircuts, scenarios, the venue's risk section and the chart", async () => {
    const r = await run("--history", "history.csv", "--venue", "venue.yaml", "--confidence", "0.99", "--horizon-days", "1", "--out", "risk.yaml", "--chart", "risk.svg", "--json");
    expectSuccess(r);
    const j = JSON.parse(r.stdout) as { ok: boolean; assets: Array<{ symbol: string; volatility: number; haircutBps: number; market: boolean }>; scenarios: Array<{ name: string; multipliersBps: Record<string, number> }> };
    expect(j.ok).to.equal(true);
    expect(j.assets.map((a) => a.symbol)).to.deep.equal(["WETH", "USDC", "WBTC", "ETH-PERP"]);
    // the example history is synthetic with WETH 3.5%/day, USDC 0.05%/day, WBTC 3.0%/day (risk/synthetic.ts)
    const vol = Object.fromEntries(j.assets.map((a) => [a.symbol, a.volatility]));
    expect(vol.WETH! / 0.035).to.be.closeTo(1, 0.08);
    expect(vol.WBTC! / 0.03).to.be.closeTo(1, 0.08);
    expect(vol.USDC! / 0.0005).to.be.closeTo(1, 0.08);
    for (const a of j.assets) expect(a.haircutBps % 50, a.symbol).to.equal(0);
    expect(j.assets.find((a) => a.symbol === "ETH-PERP")!.market).to.equal(true);
    expect(j.scenarios.length).to.equal(10);
    expect(j.scenarios[0]!.name).to.match(/^historical crash /);

    const section = parse(readFileSync(at("risk.yaml"), "utf8")) as { assets: Array<{ symbol: string; decimals: number; collateralWeightBps: number }>; markets: Array<{ symbol: string; maintenanceMarginBps: number }>; stress: { scenarios: unknown[] } };
    expect(section.assets.map((a) => a.symbol)).to.deep.equal(["WETH", "USDC", "WBTC"]);
    expect(section.assets[0]!.decimals).to.equal(18);
    expect(section.assets[0]!.collateralWeightBps).to.equal(10000 - j.assets[0]!.haircutBps);
    expect(section.markets[0]!.symbol).to.equal("ETH-PERP");
    expect(section.stress.scenarios).to.have.length(10);

    const svg = readFileSync(at("risk.svg"), "utf8");
    expect(svg).to.match(/^<\?xml[^>]*>\s*<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.trim().endsWith("</svg>")).to.equal(true);
    for (const s of ["WETH", "WBTC", "Haircut", "volatility", "historical crash", "grid −3/3"]) expect(svg).to.contain(s);
  });

  it("writes a risk section that replaces the venue file's own and gives the stress instance its scenarios", async () => {
    expectSuccess(await run("--history", "history.csv", "--venue", "venue.yaml", "--scenarios", "4", "--horizon-days", "10", "--out", "risk4.yaml"));
    const venue = parse(readFileSync(at("venue.yaml"), "utf8")) as Record<string, unknown>;
    const section = parse(readFileSync(at("risk4.yaml"), "utf8")) as Record<string, unknown>;
    writeFileSync(at("calibrated.yaml"), stringify({ ...venue, ...section }));
    const v = loadVenue(at("calibrated.yaml"));
    expect(v.stress!.scenarios).to.have.length(4);
    const { matrix, names } = venueScenarios(v, 4, 2, 4);
    expect(matrix).to.have.length(4);
    expect(matrix.every((row) => row.length === 6 && row[3] === 10000n && row.every((m) => m >= 0n && m < 32768n))).to.equal(true);
    expect(names[0]).to.match(/^(historical|grid)/);
    // a 10-day horizon at 99% takes a quarter or more off the volatile assets
    expect(v.assets.find((a) => a.symbol === "WETH")!.collateralWeightBps).to.be.below(8000);
  });

  it("prints a table without --json, and keeps only the most severe scenarios with --scenarios", async () => {
    const r = await run("--history", "history.csv", "--scenarios", "4");
    expectSuccess(r);
    expect(r.stdout).to.match(/^WETH\s+3\.\d\d%/m);
    expect(r.stdout).to.contain("4 stress scenarios");
  });

  it("names the row of bad data in one line, exit code 1, and writes nothing", async () => {
    const lines = readFileSync(at("history.csv"), "utf8").split("\n");
    const i = lines.findIndex((l) => l.startsWith("2024-03-01"));
    lines[i] = lines[i]!.replace(/,[^,]+,/, ",,");
    writeFileSync(at("bad.csv"), lines.join("\n"));
    const r = await run("--history", "bad.csv", "--out", "bad.yaml", "--chart", "bad.svg");
    expectFailure(r, 1, new RegExp(`the price of WETH is missing — bad\\.csv:${i + 1} \\(2024-03-01\\) — `));
    expect(existsSync(at("bad.yaml"))).to.equal(false);
    expect(existsSync(at("bad.svg"))).to.equal(false);
  });

  it("refuses a symbol the venue does not list", async () => {
    writeFileSync(at("unknown.csv"), readFileSync(at("history.csv"), "utf8").replace("date,WETH,USDC,WBTC,ETH-PERP", "date,WETH,USDC,DOGE,ETH-PERP"));
    expectFailure(await run("--history", "unknown.csv", "--venue", "venue.yaml"), 1, /unknown symbol 'DOGE'.* — unknown\.csv header — /);
  });

  it("refuses too short a history for the horizon", async () => {
    writeFileSync(at("short.csv"), readFileSync(at("history.csv"), "utf8").split("\n").slice(0, 44).join("\n"));
    expectFailure(await run("--history", "short.csv", "--horizon-days", "10"), 1, /too few rows: 39 dates .* at least 40 are needed — short\.csv — /);
  });

  it("refuses a bad confidence level and an existing output file", async () => {
    expectFailure(await run("--history", "history.csv", "--confidence", "99"), 1, /'99' is not a confidence level in \[0\.5, 1\) — --confidence — /);
    writeFileSync(at("taken.yaml"), "keep me\n");
    expectFailure(await run("--history", "history.csv", "--out", "taken.yaml"), 1, /already exists — taken\.yaml — .*--force/);
    expect(readFileSync(at("taken.yaml"), "utf8")).to.equal("keep me\n");
  });

  it("refuses a missing history file", async () => {
    expectFailure(await run("--history", "nowhere.csv"), 1, /price history not found — nowhere\.csv — /);
  });
});
