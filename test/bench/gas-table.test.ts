/**
 * bench/gas.json's tables: a submission's ratio is to the bare verification of its own instance, each goal
 * is judged against it, and the action table has one column per instance.
 */
import { expect } from "chai";
import { actionTable, gasFileSchema, goalLines, publishTable, submissionRatios } from "../../benchmark/gas-table.ts";

const rows = [
  { action: "verify proof (bare)", instance: "A", gas: 200_000 },
  { action: "prove solvency (later proof)", instance: "A", gas: 216_000 },
  { action: "prove solvency (first proof on a round)", instance: "A", gas: 231_000 },
  { action: "verify proof (bare)", instance: "B", gas: 100_000 },
  { action: "prove solvency (later proof)", instance: "B", gas: 108_001 },
  { action: "repay", instance: "B", gas: 50_000 },
  { action: "publish round", instance: "A", gas: 300_000, signatures: 3 },
  { action: "publish round", instance: "B", gas: 400_000, signatures: 3 },
];

describe("gas tables", () => {
  it("judges each submission against the bare verification of its own instance", () => {
    const r = submissionRatios(rows);
    expect(r.map((x) => [x.instance, x.action, x.met])).to.deep.equal([
      ["A", "prove solvency (later proof)", true],
      ["A", "prove solvency (first proof on a round)", false],
      ["B", "prove solvency (later proof)", false],
    ]);
    expect(goalLines(rows)[0]).to.equal("A: prove solvency (later proof) 216,000 / bare 200,000 = 1.0800× (goal ≤ 1.08×: met)");
  });

  it("tabulates actions per instance, ratios beside submissions, publishing per signature count", () => {
    const t = actionTable(rows).split("\n");
    expect(t[0]).to.equal("| action | A | B | note |");
    expect(t).to.include("| prove solvency (later proof) | 216,000 (1.080×) | 108,001 (1.080×) |  |");
    expect(t).to.include("| repay | — | 50,000 |  |");
    expect(publishTable(rows).split("\n")).to.deep.equal(["| instance | 3 sig. |", "|---|---:|", "| A | 300,000 |", "| B | 400,000 |"]);
  });

  it("refuses a gas file without instances", () => {
    expect(gasFileSchema.safeParse({ compiler: { solc: "0.8.28", optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun" }, instances: [], actions: rows }).success).to.equal(false);
  });
});
