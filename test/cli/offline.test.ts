import { expect } from "chai";
import { existsSync, readFileSync, statSync, writeFileSync, chmodSync } from "node:fs";
import path from "node:path";
import { solvency, workdir, expectFailure, expectSuccess, writeRound, ALICE } from "../helpers/cli.ts";
import { isBuilt } from "../../prover/artifacts.ts";

const GATE = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const now = (): bigint => BigInt(Math.floor(Date.now() / 1000));

describe("solvency CLI, offline commands", function () {
  let dir: string;
  const at = (f: string): string => path.join(dir, f);
  const run = (...args: string[]) => solvency(dir, args);
  const attestArgs = (portfolio = "portfolio.yaml", out = "attestation.json") =>
    ["attest", "--key", "attester-key.json", "--portfolio", portfolio, "--venue", "venue.yaml", "--chain-id", "31337", "--gate", GATE, "-o", out];
  const proveArgs = (portfolio: string, attestation: string, out: string, ...more: string[]) =>
    ["prove", "--portfolio", portfolio, "--attestation", attestation, "--venue", "venue.yaml", "--round", "round.json", "--nonce", "1", "-o", out, ...more];

  before(async function () {
    if (!isBuilt("Solvency_4x2")) throw new Error("Solvency_4x2 is not built: run `npm run build` first");
    dir = workdir();
    await writeRound(dir, "prices.yaml", 1n, now());
    expectSuccess(await run("keygen"));
    expectSuccess(await run(...attestArgs()));
  });

  it("shows help and documents the exit codes", async () => {
    const r = await run("--help");
    expectSuccess(r);
    expect(r.stdout).to.match(/Exit codes: 0 ok, 1 usage or input error, 2 claim does not hold/);
    for (const cmd of ["init", "keygen", "attest", "prove", "verify", "oracle", "submit", "status", "liquidate", "setup", "audit"]) expect(r.stdout).to.contain(cmd);
  });

  it("refuses an unknown option with one usage line and exit code 1", async () => {
    expectFailure(await run("verify", "proof.json", "--bogus"), 1, /unknown option '--bogus' — solvency verify — see --help/);
  });

  it("init writes a secret portfolio template with a fresh salt and never overwrites it silently", async () => {
    expectSuccess(await run("init", "--venue", "venue.yaml", "--account", ALICE, "-o", "new.yaml"));
    expect(statSync(at("new.yaml")).mode & 0o777).to.equal(0o600);
    const first = readFileSync(at("new.yaml"), "utf8");
    expect(first).to.match(/salt: "0x[0-9a-f]+"/).and.to.contain("WETH: { collateral: \"0\", debt: \"0\" }");
    expectFailure(await run("init", "--venue", "venue.yaml", "-o", "new.yaml"), 1, /already exists — new\.yaml — .*--force/);
    expect(readFileSync(at("new.yaml"), "utf8")).to.equal(first);
    expectSuccess(await run("init", "--venue", "venue.yaml", "-o", "new.yaml", "--force"));
    expect(readFileSync(at("new.yaml"), "utf8").match(/salt: .*/)![0]).not.to.equal(first.match(/salt: .*/)![0]);
  });

  it("keygen writes the key with mode 0600, and attest refuses a key others can read", async () => {
    expect(statSync(at("attester-key.json")).mode & 0o777).to.equal(0o600);
    writeFileSync(at("open-key.json"), readFileSync(at("attester-key.json")));
    chmodSync(at("open-key.json"), 0o644);
    const r = await run("attest", "--key", "open-key.json", "--portfolio", "portfolio.yaml", "--venue", "venue.yaml", "--chain-id", "31337", "--gate", GATE, "-o", "x.json");
    expectFailure(r, 1, /readable by others .* chmod 600 open-key\.json/);
    expect(existsSync(at("x.json"))).to.equal(false);
  });

  it("proves solvency, verifies it off chain, and refuses a tampered proof", async () => {
    const r = await run(...proveArgs("portfolio.yaml", "attestation.json", "proof.json"), "--json");
    expectSuccess(r);
    const out = JSON.parse(r.stdout) as { ok: boolean; claim: string; ratioBps: string; portfolioRatioBps: string; development: boolean };
    expect(out).to.include({ ok: true, claim: "solvent", ratioBps: "15000", portfolioRatioBps: "28902" });
    const proof = JSON.parse(readFileSync(at("proof.json"), "utf8")) as { publicSignals: string[]; proof: { pi_a: string[] }; nonce: string };
    expect(proof.publicSignals).to.have.length(4);
    expect(JSON.stringify(proof), "the proof file holds no private value").not.to.match(/28902|collateral|salt/);

    const v = await run("verify", "proof.json", "--json");
    expectSuccess(v);
    expect(JSON.parse(v.stdout)).to.include({ valid: true, account: ALICE, claim: "solvent" });

    const forged = { ...proof, proof: { ...proof.proof, pi_a: [proof.proof.pi_a[1], proof.proof.pi_a[0], "1"] } };
    writeFileSync(at("forged.json"), JSON.stringify(forged));
    expectFailure(await run("verify", "forged.json"), 2, /does not verify — forged\.json/);
    writeFileSync(at("relabelled.json"), JSON.stringify({ ...proof, nonce: "7" }));
    expectFailure(await run("verify", "relabelled.json"), 1, /'nonce' does not match its public signals/);
  });

  it("refuses to prove solvency of a portfolio below the ratio: exit 2, the ratio shown, nothing written", async () => {
    writeFileSync(at("poor.yaml"), readFileSync(at("portfolio.yaml"), "utf8").replace('USDC: { collateral: "50000", debt: "120000" }', 'USDC: { collateral: "0", debt: "400000" }'));
    expectSuccess(await run(...attestArgs("poor.yaml", "poor-attestation.json")));
    const r = await run(...proveArgs("poor.yaml", "poor-attestation.json", "poor-proof.json"), "--json");
    expectFailure(r, 2, /solvency claim at 15000 bps does not hold: the portfolio's ratio is \d+ bps — poor\.yaml/);
    expect(existsSync(at("poor-proof.json"))).to.equal(false);
    expect(JSON.parse(r.stdout)).to.deep.include({ ok: false });
    expect((JSON.parse(r.stdout) as { error: { exitCode: number } }).error.exitCode).to.equal(2);
  });

  it("refuses every bad input with one line, a non-zero exit and no output file", async () => {
    const original = readFileSync(at("portfolio.yaml"), "utf8");
    const variants: Array<[string, string, RegExp]> = [
      ["malformed.yaml", original.replace("balances:", "balances: [\n"), /not valid JSON or YAML .* — malformed\.yaml:\d+ — fix the syntax/],
      ["unknown.yaml", original.replace("WBTC: {", "DOGE: {"), /unknown asset 'DOGE' — unknown\.yaml:\d+ balances\.DOGE — use one of WETH, USDC, WBTC/],
      ["negative.yaml", original.replace('collateral: "100"', 'collateral: "-100"'), /'-100' is negative — negative\.yaml:\d+ balances\.WETH\.collateral/],
      ["precise.yaml", original.replace('collateral: "50000"', 'collateral: "50000.0000001"'), /7 decimal places but only 6 .* balances\.USDC\.collateral — round it to 6/],
      ["exponent.yaml", original.replace('collateral: "100"', "collateral: 1e2"), /exponent notation/],
      ["huge.yaml", original.replace('collateral: "1.5"', 'collateral: "792281625142643375935.43950336"'), /beyond the circuit's bound of 2\^96/],
      ["duplicate.yaml", original.replace("  WBTC: {", '  WETH: { collateral: "1" }\n  WBTC: {'), /a key appears twice — duplicate\.yaml:\d+/],
    ];
    const checks = variants.map(async ([name, text, pattern]) => {
      writeFileSync(at(name), text);
      const out = `${name}.proof.json`;
      expectFailure(await run(...proveArgs(name, "attestation.json", out)), 1, pattern);
      expect(existsSync(at(out)), out).to.equal(false);
    });
    const flags: Array<[string[], RegExp]> = [
      [proveArgs("missing.yaml", "attestation.json", "m.json"), /portfolio file not found — missing\.yaml — check the path/],
      [proveArgs("portfolio.yaml", "attestation.json", "m.json", "--nonce", "-1"), /'-1' is not a non-negative integer — --nonce/],
      [proveArgs("portfolio.yaml", "attestation.json", "m.json", "--claim", "maybe"), /unknown claim 'maybe' — --claim — use solvent or insolvent/],
      [proveArgs("portfolio.yaml", "attestation.json", "m.json", "--rpc", "http://127.0.0.1:1"), /--rpc needs --deployment/],
      [["prove", "--portfolio", "portfolio.yaml", "--attestation", "attestation.json", "-o", "m.json"], /no venue given/],
    ];
    for (const [args, pattern] of flags) checks.push((async () => expectFailure(await run(...args), 1, pattern))());
    await Promise.all(checks);
    expect(existsSync(at("m.json"))).to.equal(false);
  });

  it("refuses an attestation of a different portfolio and a stale round file", async () => {
    writeFileSync(at("changed.yaml"), readFileSync(at("portfolio.yaml"), "utf8").replace('collateral: "100"', 'collateral: "101"'));
    expectFailure(await run(...proveArgs("changed.yaml", "attestation.json", "c.json")), 1, /signed for a different portfolio — attestation\.json — ask the attester to sign changed\.yaml/);
    const round = JSON.parse(readFileSync(at("round.json"), "utf8")) as { prices: string[] };
    round.prices[0] = "1";
    writeFileSync(at("bad-round.json"), JSON.stringify(round));
    const r = await run("prove", "--portfolio", "portfolio.yaml", "--attestation", "attestation.json", "--venue", "venue.yaml", "--round", "bad-round.json", "--nonce", "1", "-o", "c.json");
    expectFailure(r, 1, /context does not match .* — bad-round\.json:\d+ context/);
    expect(existsSync(at("c.json"))).to.equal(false);
  });
});
