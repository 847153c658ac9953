/**
 * The end-to-end story on an in-process Hardhat chain, with the real circuit, prover and contracts:
 * a venue is deployed, a quorum of three oracle reporters signs prices and a relayer publishes their medians, an attester vouches for an institution's hidden
 * portfolio, the institution proves solvency and borrows, prices crash, the maintenance proof can no
 * longer be made, the attester posts an insolvency proof and a keeper liquidates.
 *
 *   npm run demo            (builds first)      tsx scripts/demo.ts
 *
 * Every step checks what it expects and the demo exits 0 only if all of them behaved.
 */
import path from "node:path";
import { network } from "hardhat";
import type { Contract, Signer } from "ethers";
import { ROOT } from "../prover/artifacts.ts";
import { loadVenue, venueRiskFactors } from "../prover/venue.ts";
import { loadPrices } from "../prover/prices.ts";
import { loadPortfolio, encodePortfolio } from "../prover/portfolio.ts";
import { generateAttesterKey, signAttestation } from "../prover/attester.ts";
import { portfolioCommitment, unpackStatement } from "../prover/commitments.ts";
import { poseidonReady } from "../prover/poseidon.ts";
import { Prover, releaseProvingResources } from "../prover/prove.ts";
import { ClaimDoesNotHold, type ProofRequest } from "../prover/witness.ts";
import { ratioBpsOf, valuate } from "../prover/ratio.ts";
import { formatDecimal } from "../prover/decimal.ts";
import { publishRound, readRiskFactors, registerAttester } from "../verifier/contracts.ts";
import { signReport, type SignedReport } from "../oracle/signing.ts";
import { slotMedians } from "../oracle/median.ts";
import { proofCalldata } from "../verifier/calldata.ts";
import { TIERS } from "../verifier/chain.ts";
import { deployVenue } from "../pipeline/deploy.ts";
import { instance as instanceSpec } from "../prover/artifacts.ts";
import { venueScenarios } from "../prover/venue.ts";
import { scenarioCommitment, StressClaimDoesNotHold, type StressRequest } from "../prover/stress.ts";
import { proveStress } from "../prover/prove-stress.ts";
import { deploy } from "../verifier/contracts.ts";
import { loadHistory } from "../risk/history.ts";
import { minRows } from "../risk/haircuts.ts";
import { calibrate } from "../risk/calibrate.ts";

const EXAMPLES = path.join(ROOT, "examples");
/** Value units per US dollar (circuits/spec.json units.value: one value unit is 1e-26 USD). */
const USD_DECIMALS = 26;
const CREDIT_DECIMALS = 18;
/** The small stress instance the demo's stress tier uses (circuits/manifest.json). */
const STRESS_INSTANCE = "Stress_4x2x4";

class DemoFailure extends Error {}

let stepNo = 0;
const step = (title: string): void => console.log(`\n${++stepNo}. ${title}`);
const say = (text: string): void => console.log(`   ${text}`);
function expectThat(ok: boolean, what: string): void {
  if (!ok) throw new DemoFailure(`step ${stepNo}: expected ${what}`);
  say(`✔ ${what}`);
}
const usd = (valueUnits: bigint): string => `$${Number(formatDecimal(valueUnits / 10n ** 20n, USD_DECIMALS - 20)).toLocaleString("en-US", { maximumFractionDigits: 2 })}`;
const bps = (b: bigint | null): string => (b === null ? "unbounded" : `${(Number(b) / 100).toFixed(2)}%`);
const tx = async (p: Promise<{ wait(): Promise<unknown> }>): Promise<void> => void (await (await p).wait());

async function main(): Promise<void> {
  console.log("zk-solvency demo: a private solvency proof gating credit and liquidation on a local chain");
  await poseidonReady();
  const { ethers, networkHelpers } = await network.connect();
  const [governor, institution, attesterAccount, keeper, ...others] = (await ethers.getSigners()) as unknown as Signer[];
  const reporters = others.slice(0, 4);
  const reporterAddresses = await Promise.all(reporters.map((r) => r.getAddress()));
  const [instAddr, keeperAddr] = await Promise.all([institution!.getAddress(), keeper!.getAddress()]);
  const chainTime = async (): Promise<bigint> => BigInt(await networkHelpers.time.latest());

  step("Governance deploys the system for the example venue (examples/venue.yaml)");
  const venue = loadVenue(path.join(EXAMPLES, "venue.yaml"));
  const deployed = await deployVenue(governor!, venue, { reporters: reporterAddresses, quorum: 3, largeMoveQuorum: 4 });
  const { gate, venue: margin, oracle, registry, collateral, credit } = deployed.system;
  say(`venue "${venue.name}", circuit ${venue.instance.name}: assets ${venue.assets.map((a) => a.symbol).join(", ")}; perpetuals ${venue.markets.map((m) => m.symbol).join(", ")}`);
  say(`required ratios: initial ${bps(venue.ratios.initialBps)}, maintenance ${bps(venue.ratios.maintenanceBps)}`);
  say(`gate ${deployed.contracts.gate}, venue ${deployed.contracts.venue}`);
  say(`oracle: 4 reporters, a round needs 3 signatures; a move of more than 20% in WETH needs all 4`);
  await tx(oracle.getFunction("setGuard")(0, 100n * 10n ** 8n, 100_000n * 10n ** 8n, 2000));
  /** Each reporter observes the quote with its own small error (in basis points): the oracle keeps the medians. */
  const errorsBps = [0n, 8n, -5n, 3n];
  const sign = async (quote: { prices: bigint[]; marks: bigint[] }, signers: number[]): Promise<{ observedAt: bigint; reports: SignedReport[] }> => {
    const observedAt = await chainTime();
    const domain = { chainId: deployed.chainId, oracle: deployed.contracts.oracle };
    const skew = (xs: bigint[], e: bigint): bigint[] => xs.map((x) => (x * (10000n + e)) / 10000n || 1n);
    const reports = await Promise.all(signers.map((i) => signReport(reporters[i]!, domain, { observedAt, prices: skew(quote.prices, errorsBps[i]!), marks: skew(quote.marks, errorsBps[i]!) })));
    return { observedAt, reports };
  };
  const onChainFactors = await readRiskFactors(registry);
  expectThat(JSON.stringify(onChainFactors, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ===
    JSON.stringify(venueRiskFactors(venue), (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)), "the registry commits exactly the venue file's risk factors");

  step("Governance registers a custodian as attester (its Baby Jubjub key)");
  const attesterKey = await generateAttesterKey();
  const { attesterId } = await registerAttester(gate, attesterKey.publicKey);
  expectThat(attesterId === 1n, "the gate knows attester 1");

  step("Three reporters sign their prices (examples/prices.yaml) and the institution relays the round");
  const quote = loadPrices(path.join(EXAMPLES, "prices.yaml"), venue);
  const signed1 = await sign(quote, [0, 1, 2]);
  const round1 = await publishRound(oracle.connect(institution!) as Contract, signed1.observedAt, signed1.reports);
  const p1s = round1.round.prices;
  say(`reporters' WETH: ${signed1.reports.map((r) => `$${formatDecimal(r.prices[0]!, 8)}`).join(", ")}; median kept`);
  say(`round ${round1.round.roundId}: WETH $${formatDecimal(p1s[0]!, 8)}, USDC $${formatDecimal(p1s[1]!, 8)}, WBTC $${formatDecimal(p1s[2]!, 8)}`);
  expectThat(round1.round.roundId === 1n && round1.signers.length === 3, "the oracle stored round 1 from three reporters' signatures");
  expectThat(JSON.stringify([...round1.round.prices, ...round1.round.marks].map(String)) ===
    JSON.stringify(slotMedians(signed1.reports.map((r) => [...r.prices, ...r.marks])).map(String)), "the committed prices are the per-slot medians");

  step("The institution escrows 10 collateral tokens with the venue (what a liquidation can seize)");
  const escrow = 10n * 10n ** 18n;
  const asInst = (c: Contract): Contract => c.connect(institution!) as Contract;
  await tx(collateral.getFunction("mint")(instAddr, escrow));
  await tx(asInst(collateral).getFunction("approve")(deployed.contracts.venue, escrow));
  await tx(asInst(margin).getFunction("deposit")(escrow));
  expectThat(((await margin.getFunction("positionOf")(instAddr)) as bigint[])[0] === escrow, "10 tokens are in escrow");

  step("The attester signs the institution's hidden portfolio (examples/portfolio.yaml)");
  const portfolio = loadPortfolio(path.join(EXAMPLES, "portfolio.yaml"));
  const encoded = encodePortfolio(portfolio, venue.instance);
  const u = portfolio.universe;
  const amounts = (xs: bigint[]): string => xs.flatMap((x, i) => (x === 0n ? [] : [`${formatDecimal(x, u.assets[i]!.decimals)} ${u.assets[i]!.symbol}`])).join(", ") || "nothing";
  const positions = portfolio.positions.flatMap((q, j) => (q.size === 0n ? [] : [`${q.size > 0n ? "long" : "short"} ${formatDecimal(q.size < 0n ? -q.size : q.size, u.markets[j]!.decimals)} ${u.markets[j]!.symbol} from $${formatDecimal(q.entryPrice, 8)}`]));
  say(`holdings (private): ${amounts(portfolio.collateral)}; owes ${amounts(portfolio.debt)}${positions.length ? `; ${positions.join(", ")}` : ""}`);
  const attestedAt = await chainTime();
  const expiresAt = attestedAt + 8n * 3600n;
  const attestation = signAttestation(attesterKey, venue.instance.name, BigInt(instAddr), { chainId: deployed.chainId, gate: BigInt(deployed.contracts.gate) }, attestedAt, expiresAt, portfolioCommitment(encoded));
  say(`the custodian attests the portfolio for 8 hours: a lien that lapses at ${new Date(Number(expiresAt) * 1000).toISOString()}`);
  const basis = (roundId: bigint, liability: bigint, nonce: bigint) => ({ roundId, attesterId, attestedAt, expiresAt, liability, nonce });
  say(`the chain will only ever see the commitment ${attestation.portfolioCommitment.toString().slice(0, 20)}…`);
  expectThat(attestation.account === BigInt(instAddr), "the attestation binds this account, chain and gate");

  const prover = Prover.load(venue.instance.name);
  const risk = venueRiskFactors(venue);
  const request = (round: typeof round1.round, claim: 0n | 1n, ratioBps: bigint, nonce: bigint, publicLiability: bigint): ProofRequest =>
    ({ portfolio: encoded, round, risk, attestation, publicLiability, nonce, ratioBps, claim });
  const prove = async (req: ProofRequest, label: string) => {
    const t0 = performance.now();
    const r = await prover.prove(req);
    say(`${label}: proved and verified locally in ${((performance.now() - t0) / 1000).toFixed(1)}s`);
    return r;
  };

  step("The institution proves solvency at the initial ratio and submits the proof");
  const v1 = valuate(encoded, round1.round, risk, 0n);
  say(`weighted collateral ${usd(v1.collateralSide / 10000n)} vs weighted liabilities ${usd(v1.liabilitySide / 10000n)}: ratio ${bps(ratioBpsOf(v1))} (known only to the prover)`);
  const p1 = await prove(request(round1.round, 1n, venue.ratios.initialBps, 1n, 0n), "solvency proof");
  await tx(asInst(gate).getFunction("proveSolvency")(proofCalldata(p1.proof), basis(round1.round.roundId, 0n, 1n), TIERS.initial));
  expectThat((await gate.getFunction("isSolvent")(instAddr, TIERS.initial)) as boolean, "the gate records the account as solvent (initial tier)");

  step("The institution borrows 40,000 credit tokens; the proof counts the new debt");
  const borrow = 40_000n * 10n ** BigInt(CREDIT_DECIMALS);
  const liabilityFactor = (await margin.getFunction("liabilityFactor")()) as bigint;
  const newDebt = borrow * liabilityFactor;
  const v2 = valuate(encoded, round1.round, risk, newDebt);
  say(`with the venue's debt of ${usd(newDebt)} the ratio is ${bps(ratioBpsOf(v2))}, still above ${bps(venue.ratios.initialBps)}`);
  const p2 = await prove(request(round1.round, 1n, venue.ratios.initialBps, 2n, newDebt), "borrow proof");
  await tx(asInst(margin).getFunction("borrow")(borrow, proofCalldata(p2.proof), basis(round1.round.roundId, newDebt, 2n)));
  expectThat(((await margin.getFunction("positionOf")(instAddr)) as bigint[])[1] === borrow, "the venue lent 40,000 credit tokens");
  expectThat(((await credit.getFunction("balanceOf")(instAddr)) as bigint) === borrow, "the institution holds them");

  step("Governance adds a stress tier: joint scenarios calibrated from price history, plus an extreme correlated crash");
  const calibrated = calibrate(loadHistory(path.join(EXAMPLES, "history.csv"), { minRows: minRows(10) }), { confidence: 0.99, horizonDays: 10, stepBps: 50, maxScenarios: 3 });
  const extreme = { name: "extreme: WETH, WBTC and ETH-PERP −35% together", multipliersBps: { WETH: 6500, WBTC: 6500, "ETH-PERP": 6500 } };
  const stressVenue = { ...venue, stress: { ratioBps: 10000n, scenarios: [...calibrated.scenarios.map((c) => ({ name: c.name, multipliersBps: c.multipliersBps })), extreme] } };
  const stressInstance = instanceSpec(STRESS_INSTANCE);
  const scenarios = venueScenarios(stressVenue, stressInstance.assets, stressInstance.positions, stressInstance.scenarios!);
  for (const [i, sc] of stressVenue.stress.scenarios.entries()) say(`scenario ${i + 1}: ${sc.name}: ${Object.entries(sc.multipliersBps).map(([k, m]) => `${k} ${((m - 10000) / 100).toFixed(1)}%`).join(", ")}`);
  const stressVerifier = await deploy(`Groth16Verifier_${STRESS_INSTANCE}`, governor!);
  const stressGate = await deploy("StressGate", governor!, [
    { admin: await governor!.getAddress(), verifier: await stressVerifier.getAddress(), gate: deployed.contracts.gate, poseidon8: deployed.contracts.poseidon8, stressRatioBps: 10000 },
    scenarios.matrix,
  ]);
  await tx(margin.getFunction("setStressRequirement")(await stressGate.getAddress(), true, false));
  say(`stress gate ${await stressGate.getAddress()} (circuit ${STRESS_INSTANCE}): every scenario at a 100% stress ratio, required to borrow`);
  expectThat(BigInt(await stressGate.getFunction("scenarioCommitment")()) === scenarioCommitment(scenarios.matrix), "the stress gate commits exactly these scenarios");

  const stressProver = Prover.load(STRESS_INSTANCE);
  const stressRequest = (nonce: bigint, publicLiability: bigint): StressRequest => ({
    portfolio: encoded, round: round1.round, risk, attestation, publicLiability, nonce, ratioBps: 10000n, claim: 1n,
    scenarios: scenarios.matrix, scenarioNames: scenarios.names,
  });

  step("The institution asks for 70,000 more credit: the plain initial ratio holds, the extreme crash does not");
  const big = 70_000n * 10n ** BigInt(CREDIT_DECIMALS);
  const bigDebt = (borrow + big) * liabilityFactor;
  say(`plain ratio with ${usd(bigDebt)} of venue debt: ${bps(ratioBpsOf(valuate(encoded, round1.round, risk, bigDebt)))} (≥ ${bps(venue.ratios.initialBps)})`);
  const pBig = await prove(request(round1.round, 1n, venue.ratios.initialBps, 3n, bigDebt), "initial-tier proof");
  let stressRefused: StressClaimDoesNotHold | undefined;
  try {
    await proveStress(stressProver, stressRequest(1n, bigDebt));
  } catch (err) {
    if (!(err instanceof StressClaimDoesNotHold)) throw err;
    stressRefused = err;
  }
  say(stressRefused ? `prover: ${stressRefused.message}` : "prover: (no refusal)");
  expectThat(stressRefused !== undefined && stressRefused.result.failing.length === 1 && scenarios.names[stressRefused.result.failing[0]!] === extreme.name, "the prover names the one scenario that fails: the extreme correlated crash");
  let venueRefused = false;
  try {
    await tx(asInst(margin).getFunction("borrow")(big, proofCalldata(pBig.proof), basis(round1.round.roundId, bigDebt, 3n)));
  } catch (err) {
    venueRefused = /NotStressed/.test(String((err as Error).message)) || (margin.interface.parseError((err as { data?: string }).data ?? "0x")?.name === "NotStressed");
  }
  expectThat(venueRefused, "the venue refuses the borrow: it requires the stress tier");

  step("It asks for 20,000 instead: the portfolio survives every scenario, so it proves the stress tier and borrows");
  const more = 20_000n * 10n ** BigInt(CREDIT_DECIMALS);
  const moreDebt = (borrow + more) * liabilityFactor;
  const ps = await proveStress(stressProver, stressRequest(1n, moreDebt));
  say(`stress proof: proved and verified locally in ${(ps.milliseconds / 1000).toFixed(1)}s; worst scenario ratio ${bps(ps.stress.valuations.map(ratioBpsOf).reduce((a, b) => (b !== null && (a === null || b < a) ? b : a), null as bigint | null))}`);
  await tx(asInst(stressGate).getFunction("proveStress")(proofCalldata(ps.proof), basis(round1.round.roundId, moreDebt, 1n)));
  expectThat((await stressGate.getFunction("isStressed")(instAddr, moreDebt)) as boolean, "the stress gate records the account for its debt after the borrow");
  const pMore = await prove(request(round1.round, 1n, venue.ratios.initialBps, 3n, moreDebt), "initial-tier proof");
  await tx(asInst(margin).getFunction("borrow")(more, proofCalldata(pMore.proof), basis(round1.round.roundId, moreDebt, 3n)));
  expectThat(((await margin.getFunction("positionOf")(instAddr)) as bigint[])[1] === borrow + more, "the venue lent 20,000 more credit tokens");
  const debtNow = moreDebt;

  step("Prices crash (examples/prices-crash.yaml): three reporters sign, but the move is beyond WETH's guard");
  await networkHelpers.time.increase(600);
  const crashQuote = loadPrices(path.join(EXAMPLES, "prices-crash.yaml"), venue);
  const three = await sign(crashQuote, [0, 1, 2]);
  let held = "";
  try {
    await publishRound(oracle, three.observedAt, three.reports);
  } catch (err) {
    const e = err as { revert?: { name?: string }; data?: string; message: string };
    held = e.revert?.name ?? (typeof e.data === "string" ? oracle.interface.parseError(e.data)?.name : undefined) ?? e.message;
  }
  expectThat(held === "MoveNeedsLargerQuorum", "a 53% move in WETH with three signatures is held (MoveNeedsLargerQuorum)");
  const four = await sign(crashQuote, [0, 1, 2, 3]);
  const round2 = await publishRound(oracle, four.observedAt, four.reports);
  const c2 = round2.round;
  say(`round ${c2.roundId} from four reporters: WETH $${formatDecimal(c2.prices[0]!, 8)}, WBTC $${formatDecimal(c2.prices[2]!, 8)}, ETH-PERP mark $${formatDecimal(c2.marks[0]!, 8)}`);
  expectThat(round2.round.roundId === 2n && round2.signers.length === 4, "with every reporter confirming it, round 2 is on chain");

  step("The institution tries to prove the maintenance ratio at the new prices: the prover refuses");
  const v3 = valuate(encoded, round2.round, risk, debtNow);
  say(`weighted collateral ${usd(v3.collateralSide / 10000n)} vs weighted liabilities ${usd(v3.liabilitySide / 10000n)}: ratio ${bps(ratioBpsOf(v3))} < ${bps(venue.ratios.maintenanceBps)}`);
  let refused: ClaimDoesNotHold | undefined;
  try {
    await prover.prove(request(round2.round, 1n, venue.ratios.maintenanceBps, 4n, debtNow));
  } catch (err) {
    if (!(err instanceof ClaimDoesNotHold)) throw err;
    refused = err;
  }
  say(refused ? `prover: ${refused.message}` : "prover: (no refusal)");
  expectThat(refused !== undefined, "no solvency proof can be made: the circuit would reject it and the prover says why");

  step("The attester, who holds the witness, posts an insolvency proof (no portfolio revealed)");
  const p3 = await prove(request(round2.round, 0n, venue.ratios.maintenanceBps, 1n, debtNow), "insolvency proof");
  const s3 = unpackStatement(p3.signals.statement);
  say(`the proof states only: account ${instAddr}, claim ${s3.claim === 0n ? "below" : "above"} ${bps(s3.ratioBps)}, round ${round2.round.roundId}`);
  await tx((gate.connect(attesterAccount!) as Contract).getFunction("proveInsolvency")(instAddr, proofCalldata(p3.proof), basis(round2.round.roundId, debtNow, 1n)));
  expectThat((await gate.getFunction("isInsolvent")(instAddr)) as boolean, "the gate marks the account insolvent");
  expectThat(Number(await margin.getFunction("liquidationReason")(instAddr)) === 2, "the venue now allows liquidation (reason: insolvent)");

  step("A keeper liquidates the account");
  const before = (await collateral.getFunction("balanceOf")(keeperAddr)) as bigint;
  await tx((margin.connect(keeper!) as Contract).getFunction("liquidate")(instAddr));
  const bonus = ((await collateral.getFunction("balanceOf")(keeperAddr)) as bigint) - before;
  say(`the keeper received ${formatDecimal(bonus, 18)} collateral tokens (bonus ${bps(BigInt(venue.policy.keeperBonusBps))}); the rest of the escrow went to the venue`);
  expectThat(bonus === (escrow * BigInt(venue.policy.keeperBonusBps)) / 10000n, "the keeper's bonus is exactly its share of the escrow");
  const [escrowLeft, debtLeft] = (await margin.getFunction("positionOf")(instAddr)) as bigint[];
  expectThat(escrowLeft === 0n && debtLeft === 0n, "the escrow was seized and the debt written off");
  expectThat((await margin.getFunction("isFrozen")(instAddr)) as boolean, "the account is frozen until it proves initial-tier solvency again");

  console.log("\nDone: every step behaved as expected.");
  if (p1.setup.development) console.log(`Note: ${venue.instance.name} uses a development trusted setup; its proofs convince no one outside testing.`);
}

let code = 0;
try {
  await main();
} catch (err) {
  code = 1;
  console.error(`\nerror: ${err instanceof DemoFailure ? err.message : (err as Error).message.split("\n")[0]} — scripts/demo.ts — ${err instanceof DemoFailure ? "the system did not behave as the story expects" : "run `npm run build` first, or rerun to see whether it persists"}`);
}
await releaseProvingResources();
process.exit(code);
