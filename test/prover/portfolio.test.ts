import { expect } from "chai";
import fc from "fast-check";
import { parsePortfolio, portfolioYaml, portfolioTemplate, encodePortfolio, checkUniverse, PortfolioError, type Portfolio } from "../../prover/portfolio.ts";
import { formatDecimal } from "../../prover/decimal.ts";
import type { Universe } from "../../prover/venue.ts";

const UNIVERSE: Universe = {
  assets: [{ symbol: "WETH", decimals: 18 }, { symbol: "USDC", decimals: 6 }, { symbol: "WBTC", decimals: 8 }],
  markets: [{ symbol: "ETH-PERP", decimals: 18 }],
};
const SALT = "0x1b0e3f5c9a7d24e6b8c0f1a2d3e4f5061728394a5b6c7d8e9f00112233445566";

const file = (balances: string, positions = "", extra = ""): string => `
version: 1
universe:
  assets:
    - { symbol: WETH, decimals: 18 }
    - { symbol: USDC, decimals: 6 }
    - { symbol: WBTC, decimals: 8 }
  markets:
    - { symbol: ETH-PERP, decimals: 18 }
balances:
${balances}
positions:
${positions}
salt: "${SALT}"
${extra}`;

/** The error a text raises, as `problem — where — fix`. */
function failure(text: string): PortfolioError {
  try {
    parsePortfolio(text, "p.yaml");
  } catch (err) {
    expect(err).to.be.instanceOf(PortfolioError);
    return err as PortfolioError;
  }
  throw new Error("expected the portfolio to be refused");
}

describe("portfolio files", () => {
  it("converts balances and positions exactly, in slot order", () => {
    const p = parsePortfolio(file(`  USDC: { collateral: "50000.5", debt: 120000 }\n  WETH: { collateral: "100" }`, `  ETH-PERP: { size: "-2.5", entryPrice: "2950.12345678" }`), "p.yaml");
    expect(p.collateral).to.deep.equal([100n * 10n ** 18n, 50_000_500_000n, 0n]);
    expect(p.debt).to.deep.equal([0n, 120_000_000_000n, 0n]);
    expect(p.positions).to.deep.equal([{ size: -25n * 10n ** 17n, entryPrice: 295_012_345_678n }]);
    expect(p.salt).to.equal(BigInt(SALT));
  });

  it("reads the same portfolio from JSON", () => {
    const json = JSON.stringify({
      universe: { assets: UNIVERSE.assets.map((a) => ({ ...a })), markets: UNIVERSE.markets },
      balances: { WBTC: { collateral: "1.5" } },
      positions: {},
      salt: SALT,
    });
    expect(parsePortfolio(json, "p.json").collateral).to.deep.equal([0n, 0n, 150_000_000n]);
  });

  it("pads to the circuit instance with zero slots", () => {
    const p = parsePortfolio(file(`  WBTC: { collateral: "2" }`), "p.yaml");
    const e = encodePortfolio(p, { assets: 4, positions: 2 });
    expect(e.collateral).to.deep.equal([0n, 0n, 200_000_000n, 0n]);
    expect(e.debt).to.deep.equal([0n, 0n, 0n, 0n]);
    expect(e.positions).to.deep.equal([{ size: 0n, entryPrice: 0n }, { size: 0n, entryPrice: 0n }]);
    expect(() => encodePortfolio(p, { assets: 2, positions: 2 })).to.throw(PortfolioError, /does not fit the circuit/);
  });

  it("names the file, line, field and fix of each bad amount", () => {
    const neg = failure(file(`  WETH: { collateral: "1" }\n  USDC: { collateral: "-5" }`));
    expect(neg.where).to.equal("p.yaml:12 balances.USDC.collateral");
    expect(neg.problem).to.match(/negative/);
    expect(neg.fix).to.match(/debt/);
    expect(failure(file(`  USDC: { debt: "1.0000001" }`)).message).to.match(/7 decimal places but only 6.*balances\.USDC\.debt.*round it to 6/);
    expect(failure(file(`  WETH: { collateral: 1e21 }`)).message).to.match(/exponent notation/);
    expect(failure(file(`  WETH: { collateral: "" }`)).message).to.match(/empty/);
    expect(failure(file(`  WETH: { collateral: "ten" }`)).message).to.match(/not a decimal number/);
    expect(failure(file("", `  ETH-PERP: { size: "1", entryPrice: "3000.123456789" }`)).message).to.match(/entry price.*9 decimal places.*positions\.ETH-PERP\.entryPrice/);
  });

  it("refuses amounts at or beyond the circuit's 2^96 bound and accepts the largest below it", () => {
    const max = formatDecimal(2n ** 96n - 1n, 6);
    expect(parsePortfolio(file(`  USDC: { collateral: "${max}" }`), "p.yaml").collateral[1]).to.equal(2n ** 96n - 1n);
    const over = failure(file(`  USDC: { collateral: "${formatDecimal(2n ** 96n, 6)}" }`));
    expect(over.problem).to.match(/beyond the circuit's bound of 2\^96/);
    expect(over.fix).to.contain(formatDecimal(2n ** 96n, 6));
    expect(failure(file("", `  ETH-PERP: { size: "-${formatDecimal(2n ** 96n, 18)}", entryPrice: "1" }`)).problem).to.match(/bound/);
  });

  it("refuses unknown assets and markets, listing the known ones", () => {
    const e = failure(file(`  DOGE: { collateral: "1" }`));
    expect(e.problem).to.equal("unknown asset 'DOGE'");
    expect(e.fix).to.match(/WETH, USDC, WBTC/);
    expect(failure(file("", `  BTC-PERP: { size: "1", entryPrice: "1" }`)).problem).to.equal("unknown perpetual market 'BTC-PERP'");
  });

  it("refuses duplicates: a key twice, a symbol twice in the universe", () => {
    expect(failure(file(`  WETH: { collateral: "1" }\n  WETH: { debt: "1" }`)).problem).to.equal("a key appears twice");
    const twice = failure(file("").replace("- { symbol: WBTC, decimals: 8 }", "- { symbol: WETH, decimals: 8 }"));
    expect(twice.problem).to.match(/listed twice/);
    expect(twice.where).to.match(/universe\.assets\[2\]\.symbol/);
  });

  it("refuses a bad salt, unknown fields and malformed YAML", () => {
    expect(failure(file("").replace(SALT, "0x00")).problem).to.match(/salt is zero/);
    expect(failure(file("").replace(SALT, "12345")).problem).to.match(/not 0x-prefixed hex/);
    expect(failure(file("").replace(SALT, `0x${(2n ** 254n).toString(16)}`)).problem).to.match(/field modulus/);
    expect(failure(file("", "", "colateral: {}")).problem).to.equal("unknown field 'colateral'");
    expect(failure(file(`  WETH: { collateral: "1"`)).problem).to.match(/not valid JSON or YAML/);
    expect(failure("salt: [").where).to.match(/^p\.yaml:\d+$/);
  });

  it("refuses a portfolio written for another universe", () => {
    const p = parsePortfolio(file(""), "p.yaml");
    expect(() => checkUniverse(p, UNIVERSE, "v")).not.to.throw();
    const other = { ...UNIVERSE, assets: [UNIVERSE.assets[0]!, { symbol: "USDC", decimals: 18 }, UNIVERSE.assets[2]!] };
    expect(() => checkUniverse(p, other, "v")).to.throw(PortfolioError, /slot 1 is USDC with 6 decimals here but USDC with 18 decimals at v/);
  });

  it("writes a template that reads back as an empty portfolio with a fresh salt", () => {
    const a = parsePortfolio(portfolioTemplate(UNIVERSE), "t.yaml");
    const b = parsePortfolio(portfolioTemplate(UNIVERSE), "t.yaml");
    expect(a.collateral).to.deep.equal([0n, 0n, 0n]);
    expect(a.positions).to.deep.equal([{ size: 0n, entryPrice: 0n }]);
    expect(a.salt).not.to.equal(b.salt);
  });

  it("round-trips any portfolio through its file exactly", () => {
    const amount = fc.bigInt({ min: 0n, max: 2n ** 96n - 1n });
    const portfolio = fc.record({
      collateral: fc.tuple(amount, amount, amount),
      debt: fc.tuple(amount, amount, amount),
      size: fc.bigInt({ min: -(2n ** 96n) + 1n, max: 2n ** 96n - 1n }),
      entry: fc.bigInt({ min: 0n, max: 2n ** 56n - 1n }),
      salt: fc.bigInt({ min: 1n, max: 2n ** 248n }),
    });
    fc.assert(fc.property(portfolio, (g) => {
      const p: Omit<Portfolio, "file"> = {
        universe: UNIVERSE, account: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        collateral: [...g.collateral], debt: [...g.debt], positions: [{ size: g.size, entryPrice: g.entry }], salt: g.salt,
      };
      const back = parsePortfolio(portfolioYaml(p), "rt.yaml");
      expect(back.collateral).to.deep.equal(p.collateral);
      expect(back.debt).to.deep.equal(p.debt);
      expect(back.positions).to.deep.equal(p.positions);
      expect(back.salt).to.equal(p.salt);
      expect(back.account).to.equal(p.account);
    }), { numRuns: 200 });
  });
});
