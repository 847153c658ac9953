/**
 * The report file a reporter writes with `solvency oracle sign` and a relayer reads with `solvency oracle
 * publish` (docs/files.md): one signed PriceReport with the venue, chain and oracle it was made for. Loading
 * checks everything the contract would refuse that can be known off chain (lengths, price bounds, the chain
 * and oracle, the signature against the named reporter, one observation time, distinct reporters), so a
 * relayer learns of a bad file before any transaction.
 */
import { z } from "zod";
import { loadDocument, validate, toJson, InputError } from "../prover/files.ts";
import { addressText, bigintText } from "../prover/schema.ts";
import { PRICE_LIMIT } from "../prover/model.ts";
import type { Venue } from "../prover/venue.ts";
import { bySigner, recoverReporter, type OracleDomain, type SignedReport } from "./signing.ts";

export const REPORT_KIND = "zk-solvency/price-report";

export interface ReportRecord { venue: string; instance: string; domain: OracleDomain; report: SignedReport }

export function reportJson(r: ReportRecord): string {
  return toJson({
    kind: REPORT_KIND,
    version: 1,
    venue: r.venue,
    instance: r.instance,
    chainId: r.domain.chainId,
    oracle: r.domain.oracle,
    observedAt: r.report.observedAt,
    time: new Date(Number(r.report.observedAt) * 1000).toISOString(),
    prices: r.report.prices,
    marks: r.report.marks,
    reporter: r.report.reporter,
    signature: r.report.signature,
  });
}

const reportSchema = z.strictObject({
  kind: z.literal(REPORT_KIND),
  version: z.literal("1"),
  venue: z.string(),
  instance: z.string(),
  chainId: bigintText,
  oracle: addressText,
  observedAt: bigintText,
  time: z.string().optional(),
  prices: z.array(bigintText),
  marks: z.array(bigintText),
  reporter: addressText,
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, { error: "a signature is 0x followed by 130 hex digits (r, s, v)" }),
});

/** Loads one report file for the venue and the oracle `domain`, checking its values and its signature. */
export function loadReport(file: string, v: Venue, domain: OracleDomain): SignedReport {
  const doc = loadDocument(file, "report file");
  const r = validate(reportSchema, doc);
  if (r.instance !== v.instance.name || r.prices.length !== v.instance.assets || r.marks.length !== v.instance.positions) {
    throw new InputError(`the report has ${r.prices.length} prices and ${r.marks.length} marks for ${r.instance}, the venue runs ${v.instance.name} (${v.instance.assets} and ${v.instance.positions})`,
      doc.where(["prices"]), "sign the prices again with this deployment (solvency oracle sign)");
  }
  if (r.chainId !== domain.chainId || r.oracle.toLowerCase() !== domain.oracle.toLowerCase()) {
    throw new InputError(`the report was signed for oracle ${r.oracle} on chain ${r.chainId}, not ${domain.oracle} on chain ${domain.chainId}`,
      doc.where(["oracle"]), "sign the prices again with this deployment's file (solvency oracle sign --deployment)");
  }
  r.prices.forEach((p, i) => checkPrice(p, doc.where(["prices", i])));
  r.marks.forEach((p, i) => checkPrice(p, doc.where(["marks", i])));
  const report: SignedReport = { observedAt: r.observedAt, prices: r.prices, marks: r.marks, reporter: r.reporter, signature: r.signature };
  let signer: string;
  try {
    signer = recoverReporter(domain, report, r.signature);
  } catch {
    throw new InputError("the signature is malformed", doc.where(["signature"]), "sign the prices again (solvency oracle sign)");
  }
  if (signer !== r.reporter) {
    throw new InputError(`the signature is by ${signer}, not by the named reporter ${r.reporter}`, doc.where(["signature"]),
      "the file was altered after signing: ask the reporter to sign again");
  }
  return report;
}

function checkPrice(p: bigint, where: string): void {
  if (p === 0n || p >= PRICE_LIMIT) throw new InputError(`the value ${p} is zero or not below 2^56`, where, "ask the reporter to sign valid prices");
}

/**
 * Loads the report files of one round: at least one, one observation time, distinct reporters. Returns the
 * reports sorted by reporter, as the contract takes them.
 */
export function loadReports(files: readonly string[], v: Venue, domain: OracleDomain): { observedAt: bigint; reports: SignedReport[] } {
  if (files.length === 0) throw new InputError("no report files", "--signatures", "give the reporters' files: --signatures a.json b.json c.json");
  const reports = files.map((f) => loadReport(f, v, domain));
  const first = reports[0]!;
  reports.forEach((r, i) => {
    if (r.observedAt !== first.observedAt) {
      throw new InputError(`the report observes time ${r.observedAt}, ${files[0]} observes ${first.observedAt}`, files[i]!,
        "every report of a round signs the same observation time: ask the reporters to sign with the same --at");
    }
    const j = reports.findIndex((o) => o.reporter === r.reporter);
    if (j !== i) throw new InputError(`reporter ${r.reporter} signed twice (also in ${files[j]})`, files[i]!, "give one report per reporter");
  });
  return { observedAt: first.observedAt, reports: bySigner(reports) };
}
