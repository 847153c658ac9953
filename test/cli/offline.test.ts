import { expect } from "chai";
import { existsSync, readFileSync, statSync, writeFileSync, chmodSync } from "node:fs";
import path from "node:path";
import { solvency, workdir, expectFailure, expectSuccess, writeRound, ALICE } from "../helpers/cli.ts";
import { isBuilt, ROOT } from "../../prover/artifacts.ts";

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
    for (const cmd of ["init", "keygen", "attest", "prove", "verify", "oracle", "submit", "status", "liquidate", "deposit", "withdraw", "repay", "balance", "setup", "audit"]) expect(r.stdout).to.contain(cmd);
    for (const cmd of [["status"], ["prove"], ["deposit"]]) {
      const help = await run(...cmd, "--help");
      expect(help.stdout, `${cmd.join(" ")} --help`).to.contain("solvency deploy").and.not.to.contain("scripts/deploy.ts");
    }
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
    expect(out).to.include({ ok: true, claim: "solvent", ratioBps: "15000" });
    expect(r.stdout, "the portfolio's own ratio is private: not in --json unless asked").not.to.contain("28902");
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
    const text = await run(...proveArgs("poor.yaml", "poor-attestation.json", "poor-proof.json"));
    expectFailure(text, 2, /solvency claim at 15000 bps does not hold: the portfolio's ratio is \d+ bps — poor\.yaml/);
    const r = await run(...proveArgs("poor.yaml", "poor-attestation.json", "poor-proof.json"), "--json");
    expectFailure(r, 2, /solvency claim at 15000 bps does not hold: the portfolio's ratio is private \(prove --show-ratio names it\) — poor\.yaml/);
    expect(existsSync(at("poor-proof.json"))).to.equal(false);
    const ratio = /ratio is (\d+) bps/.exec(text.stderr)![1]!;
    expect(r.stdout + r.stderr, "the private ratio is not in --json output").not.to.contain(ratio);
    const failed = JSON.parse(r.stdout) as { ok: boolean; error: Record<string, unknown> };
    expect(failed.ok).to.equal(false);
    expect(Object.keys(failed.error).sort(), "the documented error shape").to.deep.equal(["exitCode", "fix", "problem", "where"]);
    expect(failed.error.exitCode).to.equal(2);
    const shown = await run(...proveArgs("poor.yaml", "poor-attestation.json", "poor-proof.json"), "--json", "--show-ratio");
    expect((JSON.parse(shown.stdout) as { error: { problem: string } }).error.problem).to.contain(`ratio is ${ratio} bps`);
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

  it("verify tells the setup from the key that verified the proof, not from the proof file's readable field", async () => {
    const proof = JSON.parse(readFileSync(at("proof.json"), "utf8")) as { setup: { development: boolean } };
    expect(proof.setup.development).to.equal(true);
    writeFileSync(at("claims-production.json"), JSON.stringify({ ...proof, setup: { ...proof.setup, development: false } }));
    const r = await run("verify", "claims-production.json", "--json");
    expectSuccess(r);
    expect(r.stderr).to.match(/warning: the proof verifies under a development trusted setup/);
    expect(r.stderr).to.match(/the proof file says production setup, but its key is from a development setup/);
    expect(JSON.parse(r.stdout)).to.include({ development: true });
    // A key of unknown origin (here: the same key, re-serialised and edited so it is not the build's) is said to be unknown.
    const vkey = JSON.parse(readFileSync(path.join(ROOT, "build", "setup", "Solvency_4x2", "verification_key.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(at("other-key.json"), JSON.stringify({ ...vkey, curve: "bn128", note: "copied" }));
    const unknown = await run("verify", "claims-production.json", "--vkey", "other-key.json", "--json");
    expectSuccess(unknown);
    expect(unknown.stderr).to.match(/the verification key's trusted setup is unknown/);
    expect(JSON.parse(unknown.stdout)).to.include({ development: null });
  });

  it("with --json prints exactly one JSON document, for usage errors and help too", async () => {
    const usage = await run("prove", "--portfolo", "portfolio.yaml", "--json");
    expectFailure(usage, 1, /unknown option '--portfolo' \(did you mean --portfolio\?\) — solvency prove — see --help/);
    expect(JSON.parse(usage.stdout)).to.deep.equal({ ok: false, error: { problem: "unknown option '--portfolo' (did you mean --portfolio?)", where: "solvency prove", fix: "see --help", exitCode: 1 } });
    const missing = await run("verify", "--json");
    expect(missing.code).to.equal(1);
    expect((JSON.parse(missing.stdout) as { ok: boolean }).ok).to.equal(false);
    const help = await run("verify", "--help", "--json");
    expectSuccess(help);
    expect((JSON.parse(help.stdout) as { help: string }).help).to.match(/^Usage: solvency verify/);
    const failed = await run("verify", "nothing.json", "--json");
    expectFailure(failed, 1, /proof file not found/);
    expect(JSON.parse(failed.stdout)).to.deep.equal({ ok: false, error: { problem: "proof file not found", where: "nothing.json", fix: "check the path", exitCode: 1 } });
  });

  it("suggests the flag a misspelling meant, before complaining of a missing required one", async () => {
    expectFailure(await run("prove", "--portfolo", "portfolio.yaml", "--attestation", "attestation.json"), 1, /unknown option '--portfolo' \(did you mean --portfolio\?\)/);
    expectFailure(await run("oracle", "sign", "--prics", "prices.yaml"), 1, /unknown option '--prics' \(did you mean --prices\?\) — solvency oracle sign/);
  });

  it("-q leaves out the next-step hints, and a portfolio others can read is warned about", async () => {
    const quiet = await run("init", "--venue", "venue.yaml", "-o", "quiet.yaml", "-q");
    expectSuccess(quiet);
    expect(quiet.stdout).to.match(/^wrote quiet\.yaml/).and.not.to.match(/next:/);
    expect((await run("init", "--venue", "venue.yaml", "-o", "loud.yaml")).stdout).to.match(/next:/);
    writeFileSync(at("shared.yaml"), readFileSync(at("portfolio.yaml")));
    chmodSync(at("shared.yaml"), 0o644);
    const r = await run(...attestArgs("shared.yaml", "shared-attestation.json"));
    expectSuccess(r);
    expect(r.stderr).to.match(/warning: shared\.yaml is readable by others \(mode 0644\) but holds the hidden portfolio and its salt: restrict it with chmod 600 shared\.yaml/);
    chmodSync(at("shared.yaml"), 0o600);
    expect((await run(...attestArgs("shared.yaml", "shared-attestation-2.json"))).stderr).not.to.match(/readable by others/);
  });

  it("gives hints that lead somewhere: a negative debt, an asset the venue does not list", async () => {
    const original = readFileSync(at("portfolio.yaml"), "utf8");
    writeFileSync(at("doge.yaml"), original.replace("WBTC: {", "DOGE: {"));
    const r = await run(...proveArgs("doge.yaml", "attestation.json", "d.json"));
    expectFailure(r, 1, /unknown asset 'DOGE' .* — use one of WETH, USDC, WBTC: the universe is the venue's/);
    expect(r.stderr).not.to.match(/add it to universe/);
    writeFileSync(at("negative-debt.yaml"), original.replace('debt: "120000"', 'debt: "-120000"'));
    expectFailure(await run(...proveArgs("negative-debt.yaml", "attestation.json", "d.json")), 1, /'-120000' is negative — .* — a debt is never negative: record what you hold under collateral instead/);
  });

  it("refuses to deploy a venue whose instance is not built, with the one command that builds it", async function () {
    if (isBuilt("Solvency_16x4")) this.skip(); // `npm run build` sets up Solvency_4x2 only
    writeFileSync(at("venue16.yaml"), readFileSync(at("venue.yaml"), "utf8").replace("instance: Solvency_4x2", "instance: Solvency_16x4"));
    const r = await run("deploy", "--venue", "venue16.yaml", "--rpc", "http://127.0.0.1:9", "-o", "d16.json");
    expectFailure(r, 1, /instance Solvency_16x4 is not built: .* — build it first: npm run build:circuits -- Solvency_16x4 && npm run setup -- Solvency_16x4 && npm run build:contracts/);
    expect(existsSync(at("d16.json"))).to.equal(false);
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
