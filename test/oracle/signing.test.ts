/**
 * Reporters' EIP-712 signatures (oracle/signing.ts) and the report files a relayer loads (oracle/report-file.ts):
 * a signature binds the chain, the oracle, the time and every value; a bad file is refused with one clear line.
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Signature, Wallet, getAddress } from "ethers";
import { bySigner, recoverReporter, reportCalldata, reportDigest, signReport, type OracleDomain, type PriceReport } from "../../oracle/signing.ts";
import { loadReport, loadReports, reportJson } from "../../oracle/report-file.ts";
import { InputError } from "../../prover/files.ts";
import { loadVenue } from "../../prover/venue.ts";
import { REPORTER_KEYS } from "../helpers/fixtures.ts";
import { EXAMPLES } from "../helpers/cli.ts";

const DOMAIN: OracleDomain = { chainId: 31337n, oracle: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };
const wallets = REPORTER_KEYS.slice(0, 4).map((k) => new Wallet(k));

describe("oracle: signed reports and report files", function () {
  const venue = loadVenue(path.join(EXAMPLES, "venue.yaml"));
  const n = venue.instance.assets;
  const m = venue.instance.positions;
  const report: PriceReport = { observedAt: 1_800_000_000n, prices: Array.from({ length: n }, (_, i) => BigInt(i + 1) * 10n ** 8n), marks: Array.from({ length: m }, () => 3000n * 10n ** 8n) };
  let dir: string;
  const write = (name: string, content: string): string => {
    const f = path.join(dir, name);
    writeFileSync(f, content);
    return f;
  };
  const file = async (name: string, w: Wallet, r: PriceReport = report, d: OracleDomain = DOMAIN): Promise<string> =>
    write(name, reportJson({ venue: venue.name, instance: venue.instance.name, domain: d, report: await signReport(w, d, r) }));

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "solvency-reports-"));
  });

  it("recovers the reporter from its signature, and another address for another chain, oracle, time or value", async function () {
    const s = await signReport(wallets[0]!, DOMAIN, report);
    expect(s.reporter).to.equal(wallets[0]!.address);
    expect(recoverReporter(DOMAIN, report, s.signature)).to.equal(wallets[0]!.address);
    const cases: Array<[string, OracleDomain, PriceReport]> = [
      ["chain", { ...DOMAIN, chainId: 1n }, report],
      ["oracle", { ...DOMAIN, oracle: getAddress("0x" + "11".repeat(20)) }, report],
      ["time", DOMAIN, { ...report, observedAt: report.observedAt + 1n }],
      ["price", DOMAIN, { ...report, prices: [report.prices[0]! + 1n, ...report.prices.slice(1)] }],
      ["mark", DOMAIN, { ...report, marks: [report.marks[0]! - 1n, ...report.marks.slice(1)] }],
    ];
    for (const [what, d, r] of cases) {
      expect(recoverReporter(d, r, s.signature), what).not.to.equal(wallets[0]!.address);
    }
    expect(reportDigest(DOMAIN, report)).not.to.equal(reportDigest({ ...DOMAIN, chainId: 1n }, report));
  });

  it("encodes the compact EIP-2098 signature the contract takes and sorts reports by signer", async function () {
    const signed = await Promise.all(wallets.map((w) => signReport(w, DOMAIN, report)));
    const c = reportCalldata(signed[0]!);
    const full = Signature.from(signed[0]!.signature);
    expect(Signature.from({ r: c.r, yParityAndS: c.vs }).serialized).to.equal(full.serialized);
    const sorted = bySigner(signed).map((s) => BigInt(s.reporter));
    expect(sorted).to.deep.equal([...sorted].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it("loads a round's report files sorted by reporter", async function () {
    const files = await Promise.all(wallets.slice(0, 3).map((w, i) => file(`r${i}.json`, w)));
    const { observedAt, reports } = loadReports(files, venue, DOMAIN);
    expect(observedAt).to.equal(report.observedAt);
    expect(reports.map((r) => r.reporter)).to.deep.equal(bySigner(reports).map((r) => r.reporter));
    expect(new Set(reports.map((r) => r.reporter)).size).to.equal(3);
  });

  const refuses = (fn: () => unknown, pattern: RegExp): void => {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(err, "an InputError").to.be.instanceOf(InputError);
    expect((err as Error).message).to.match(pattern);
  };

  it("refuses a tampered file, another oracle or chain, a wrong universe, mixed times, a duplicate reporter and no files", async function () {
    const good = await file("good.json", wallets[0]!);
    const tampered = JSON.parse(readFileSync(good, "utf8")) as { prices: string[] };
    tampered.prices[0] = "123";
    refuses(() => loadReport(write("tampered.json", JSON.stringify(tampered)), venue, DOMAIN), /the signature is by 0x[0-9a-fA-F]{40}, not by the named reporter .* altered/);
    refuses(() => loadReport(good, venue, { ...DOMAIN, chainId: 1n }), /signed for oracle .* on chain 31337, not .* on chain 1/);
    refuses(() => loadReport(good, venue, { ...DOMAIN, oracle: getAddress("0x" + "22".repeat(20)) }), /signed for oracle/);
    const short = await file("short.json", wallets[0]!, { ...report, prices: report.prices.slice(1) });
    refuses(() => loadReport(short, venue, DOMAIN), /prices and .* marks/);
    const zero = await file("zero.json", wallets[0]!, { ...report, marks: report.marks.map(() => 0n) });
    refuses(() => loadReport(zero, venue, DOMAIN), /the value 0 is zero or not below 2\^56/);
    const later = await file("later.json", wallets[1]!, { ...report, observedAt: report.observedAt + 60n });
    refuses(() => loadReports([good, later], venue, DOMAIN), /observes time .* every report of a round signs the same observation time/);
    refuses(() => loadReports([good, good], venue, DOMAIN), /signed twice/);
    refuses(() => loadReports([], venue, DOMAIN), /no report files/);
    refuses(() => loadReport(path.join(dir, "missing.json"), venue, DOMAIN), /report file not found/);
    refuses(() => loadReport(write("bad.json", '{"kind": "zk-solvency/price-report"}'), venue, DOMAIN), /bad\.json/);
  });
});
