/**
 * PriceOracle with a quorum of reporters: rounds relayed by anyone with signed EIP-712 reports, the per-slot
 * lower median committed exactly as the prover (and the circuit) computes it, and every refusal: quorum,
 * unknown, duplicate and unsorted signers, signatures for another chain or oracle, stale, future, replayed and
 * re-ordered observations, a reporter removed mid-flight, the circuit's bound, absolute bounds and the move guard.
 */
import { expect } from "chai";
import fc from "fast-check";
import { TypedDataEncoder, Wallet, type Contract } from "ethers";
import { contextHash, priceCommitment } from "../../prover/commitments.ts";
import { lowerMedian, slotMedians } from "../../oracle/median.ts";
import { bySigner, eip712Domain, reportCalldata, reportDigest, signReport, type SignedReport } from "../../oracle/signing.ts";
import { publishArgs, publishRound, readRound, relayState } from "../../verifier/contracts.ts";
import { packPrices } from "../../prover/commitments.ts";
import { MARKS, PRICES, REPORTERS, REPORTER_WALLETS, deployTestSystem, now, signedReports, type TestSystem } from "../helpers/system.ts";

describe("contracts: PriceOracle takes rounds from a quorum of reporters", function () {
  let sys: TestSystem;
  let o: Contract;
  const n = PRICES.length;
  const m = MARKS.length;
  const OUTSIDER = REPORTER_WALLETS[7]!;
  const sign = (at: bigint, opts: Parameters<typeof signedReports>[2] = {}): Promise<SignedReport[]> => signedReports(o, at, opts);
  /** Relays `reports` as anyone would (sorted by signer), or exactly in the order given. */
  const relay = async (at: bigint, reports: readonly SignedReport[], sorted = true) =>
    o.connect(sys.alice).getFunction("publishRound")(...(sorted ? await publishArgs(o, at, reports) : [at, reports.map(reportCalldata), await relayState(o)]));
  /** The newest round's medians, prices then marks, from its event. */
  const lastMedians = async (): Promise<bigint[]> => {
    const { round } = await readRound(o, (await o.getFunction("lastRoundId")()) as bigint);
    return [...round.prices, ...round.marks];
  };
  /** A fresh observation time: the chain moves on by `seconds` and the reporters observe now. */
  const tick = async (seconds = 30): Promise<bigint> => {
    await sys.helpers.time.increase(seconds);
    return now(sys);
  };

  before(async function () {
    sys = await deployTestSystem();
    o = sys.oracle;
  });

  it("starts with the configured reporters and quorum, and round 1 from three of them", async function () {
    expect([...(await o.getFunction("reporters")())].sort()).to.deep.equal(REPORTERS.map((w) => w.address).sort());
    expect(await o.getFunction("quorum")()).to.equal(3n);
    expect(sys.round.signers).to.have.length(3);
    expect(sys.round.round.prices).to.deep.equal(PRICES);
  });

  it("commits the per-slot lower median of five different reports exactly as the prover computes it", async function () {
    const at = await tick();
    const values = REPORTERS.map((_, j) => ({ prices: PRICES.map((p, i) => p + BigInt(((j * 7 + i * 3) % 5) - 2) * 10n ** 6n), marks: MARKS.map((p, i) => p - BigInt((j + i) % 4) * 10n ** 5n) }));
    const domain = { chainId: sys.domain.chainId, oracle: await o.getAddress() };
    const reports = await Promise.all(REPORTERS.map((w, j) => signReport(w, domain, { observedAt: at, ...values[j]! })));
    const published = await publishRound(o.connect(sys.bob) as Contract, at, reports);
    const medians = slotMedians(values.map((v) => [...v.prices, ...v.marks]));
    expect([...published.round.prices, ...published.round.marks]).to.deep.equal(medians);
    expect(published.round.timestamp).to.equal(at);
    expect(published.priceCommitment).to.equal(priceCommitment(published.round));
    expect(published.context).to.equal(contextHash(priceCommitment(published.round), published.riskCommitment));
    expect(published.signers.map(BigInt)).to.deep.equal(REPORTERS.map((w) => BigInt(w.address)).sort((a, b) => (a < b ? -1 : 1)));
    const [context, timestamp, supersededAt] = await o.getFunction("round")(published.round.roundId);
    expect([context, timestamp, supersededAt]).to.deep.equal([published.context, at, 0n]);
    expect(await lastMedians()).to.deep.equal(medians);
    expect((await readRound(o, published.round.roundId)).round).to.deep.equal(published.round);
  });

  it("hashes reports as oracle/signing.ts does (EIP-712 domain bound to this chain and oracle)", async function () {
    const domain = { chainId: sys.domain.chainId, oracle: await o.getAddress() };
    const r = { observedAt: 1234n, prices: PRICES, marks: MARKS };
    expect(await o.getFunction("reportDigest")(r.observedAt, r.prices, r.marks)).to.equal(reportDigest(domain, r));
    expect(await o.getFunction("domainSeparator")()).to.equal(TypedDataEncoder.hashDomain(eip712Domain(domain)));
  });

  it("commits medians equal to the TypeScript model for random reporter sets, odd and even counts, and ties", async function () {
    const snap = await sys.helpers.takeSnapshot();
    for (const w of REPORTER_WALLETS.slice(5, 7)) await (await o.getFunction("addReporter")(w.address)).wait();
    const value = fc.oneof(fc.constantFrom(10n ** 8n, 2n * 10n ** 8n, 3n * 10n ** 8n), fc.bigInt({ min: 1n, max: (1n << 56n) - 1n }));
    const scenario = fc.subarray([0, 1, 2, 3, 4, 5, 6], { minLength: 3 }).chain((who) => fc.record({
      who: fc.constant(who),
      values: fc.array(fc.array(value, { minLength: n + m, maxLength: n + m }), { minLength: who.length, maxLength: who.length }),
    }));
    await fc.assert(fc.asyncProperty(scenario, async ({ who, values }) => {
      const at = await tick(5);
      const domain = { chainId: sys.domain.chainId, oracle: await o.getAddress() };
      const reports = await Promise.all(who.map((w, j) => signReport(REPORTER_WALLETS[w]!, domain, { observedAt: at, prices: values[j]!.slice(0, n), marks: values[j]!.slice(n) })));
      const published = await publishRound(o, at, reports);
      expect([...published.round.prices, ...published.round.marks]).to.deep.equal(values[0]!.map((_, s) => lowerMedian(values.map((v) => v[s]!))));
      expect(published.priceCommitment).to.equal(priceCommitment(published.round));
    }), { numRuns: 12 });
    await snap.restore();
  });

  it("keeps a median inside the honest reporters' range when two of five report extreme values", async function () {
    const snap = await sys.helpers.takeSnapshot();
    const at = await tick();
    const domain = { chainId: sys.domain.chainId, oracle: await o.getAddress() };
    const honest = [0n, 1n, 2n].map((d) => ({ prices: PRICES.map((p) => p + d), marks: MARKS.map((p) => p + d) }));
    const liars = [{ prices: PRICES.map(() => 1n), marks: MARKS.map(() => 1n) }, { prices: PRICES.map(() => (1n << 56n) - 1n), marks: MARKS.map(() => (1n << 56n) - 1n) }];
    const reports = await Promise.all([...honest, ...liars].map((v, j) => signReport(REPORTERS[j]!, domain, { observedAt: at, ...v })));
    const published = await publishRound(o, at, reports);
    published.round.prices.forEach((p, i) => expect(p >= PRICES[i]! && p <= PRICES[i]! + 2n).to.equal(true));
    published.round.marks.forEach((p, i) => expect(p >= MARKS[i]! && p <= MARKS[i]! + 2n).to.equal(true));
    await snap.restore();
  });

  it("refuses fewer signatures than the quorum, an unknown signer, a duplicate and an unsorted order", async function () {
    const at = await tick();
    const three = await sign(at);
    await expect(relay(at, three.slice(0, 2))).to.be.revertedWithCustomError(o, "QuorumNotMet").withArgs(2, 3);
    const outsider = await sign(at, { signers: [REPORTERS[0]!, REPORTERS[1]!, OUTSIDER] });
    const index = bySigner(outsider).findIndex((r) => r.reporter === OUTSIDER.address);
    await expect(relay(at, outsider)).to.be.revertedWithCustomError(o, "UnknownSigner").withArgs(index, OUTSIDER.address);
    const sorted = bySigner(three);
    await expect(relay(at, [sorted[0]!, sorted[0]!, sorted[1]!], false))
      .to.be.revertedWithCustomError(o, "DuplicateSigner").withArgs(1, sorted[0]!.reporter);
    await expect(relay(at, [sorted[1]!, sorted[0]!, sorted[2]!], false))
      .to.be.revertedWithCustomError(o, "SignersNotSorted").withArgs(1, sorted[0]!.reporter, sorted[1]!.reporter);
    await expect(relay(at, three)).to.emit(o, "RoundPublished");
  });

  it("refuses signatures made for another chain or another oracle, and values altered after signing", async function () {
    const at = await tick();
    const otherChain = await sign(at, { chainId: 1n });
    await expect(relay(at, otherChain)).to.be.revertedWithCustomError(o, "UnknownSigner");
    const domain = { chainId: sys.domain.chainId, oracle: await sys.gate.getAddress() };
    const otherOracle = await Promise.all(REPORTERS.slice(0, 3).map((w) => signReport(w, domain, { observedAt: at, prices: PRICES, marks: MARKS })));
    await expect(relay(at, otherOracle)).to.be.revertedWithCustomError(o, "UnknownSigner");
    const good = await sign(at);
    const altered = good.map((r, j) => (j === 0 ? { ...r, prices: [r.prices[0]! * 2n, ...r.prices.slice(1)] } : r));
    await expect(relay(at, altered)).to.be.revertedWithCustomError(o, "UnknownSigner");
    await expect(relay(at + 1n, good)).to.be.revertedWithCustomError(o, "UnknownSigner");
  });

  it("refuses a relay's altered copy of the previous medians or of the guards", async function () {
    const at = await tick();
    const reports = await sign(at);
    const [, calldata, state] = await publishArgs(o, at, reports);
    const bumped = [...state.previousMedians];
    bumped[0] = bumped[0]! + 1n;
    await expect(o.getFunction("publishRound")(at, calldata, { ...state, previousMedians: bumped })).to.be.revertedWithCustomError(o, "StateMismatch").withArgs("previous medians");
    await expect(o.getFunction("publishRound")(at, calldata, { ...state, previousMedians: [] })).to.be.revertedWithCustomError(o, "StateMismatch").withArgs("previous medians");
    await expect(o.getFunction("publishRound")(at, calldata, { ...state, guards: state.guards.map(() => 0n).concat([0n]) })).to.be.revertedWithCustomError(o, "StateMismatch").withArgs("guards");
    expect(state.previousMedians).to.deep.equal(packPrices(await lastMedians()));
    await expect(o.getFunction("publishRound")(at, calldata, state)).to.emit(o, "RoundPublished");
  });

  it("refuses observations in the future, older than the governed age, replayed or re-ordered", async function () {
    const t = await tick(60);
    const future = await sign(t + 100n);
    await expect(relay(t + 100n, future)).to.be.revertedWithCustomError(o, "ObservationInFuture");
    const age = await o.getFunction("maxObservationAge")();
    const old = await sign(t - age - 1n);
    await expect(relay(t - age - 1n, old)).to.be.revertedWithCustomError(o, "ObservationTooOld");
    const first = await sign(t - 20n);
    const second = await sign(t - 10n);
    await expect(relay(t - 10n, second)).to.emit(o, "RoundPublished");
    const last = (await o.getFunction("lastRoundId")()) as bigint;
    await expect(relay(t - 20n, first)).to.be.revertedWithCustomError(o, "ObservationNotNewer").withArgs(t - 20n, t - 10n);
    await expect(relay(t - 10n, second)).to.be.revertedWithCustomError(o, "ObservationNotNewer").withArgs(t - 10n, t - 10n);
    expect(await o.getFunction("lastRoundId")()).to.equal(last);
  });

  it("refuses the signature of a reporter removed while its round was in flight", async function () {
    const snap = await sys.helpers.takeSnapshot();
    const at = await tick();
    const reports = await sign(at);
    await expect(o.getFunction("removeReporter")(REPORTERS[1]!.address)).to.emit(o, "ReporterRemoved").withArgs(REPORTERS[1]!.address, 4);
    expect(await o.getFunction("isReporter")(REPORTERS[1]!.address)).to.equal(false);
    await expect(relay(at, reports)).to.be.revertedWithCustomError(o, "UnknownSigner");
    const others = await sign(at, { signers: [REPORTERS[0]!, REPORTERS[2]!, REPORTERS[3]!] });
    await expect(relay(at, others)).to.emit(o, "RoundPublished");
    await snap.restore();
  });

  it("refuses a median that is zero or beyond the circuit's bound, whatever the guards", async function () {
    const at = await tick();
    const zero = await sign(at, { prices: [0n, ...PRICES.slice(1)] });
    await expect(relay(at, zero)).to.be.revertedWithCustomError(o, "PriceOutOfRange").withArgs("price", 0, 0);
    const limit = 1n << 56n;
    const big = await sign(at, { marks: [MARKS[0]!, limit] });
    await expect(relay(at, big)).to.be.revertedWithCustomError(o, "PriceOutOfRange").withArgs("mark", 1, limit);
    const short = await sign(at, { prices: PRICES.slice(1) });
    await expect(relay(at, short)).to.be.revertedWithCustomError(o, "WrongLength").withArgs("prices", n - 1, n);
    const edge = await sign(at, { prices: [...PRICES.slice(0, n - 1), limit - 1n] });
    await expect(relay(at, edge)).to.emit(o, "RoundPublished");
  });

  it("refuses a median outside a slot's bounds, and holds a move beyond its guard until the large-move quorum signs", async function () {
    const snap = await sys.helpers.takeSnapshot();
    const base = await lastMedians();
    await (await o.getFunction("setQuorum")(3, 5)).wait();
    await expect(o.getFunction("setGuard")(0, base[0]! / 2n, base[0]! * 2n, 1000)).to.emit(o, "GuardSet").withArgs(0, base[0]! / 2n, base[0]! * 2n, 1000);
    await (await o.getFunction("setGuard")(n + 1, 1n, (1n << 56n) - 1n, 500)).wait();
    expect(await o.getFunction("guard")(0)).to.deep.equal([base[0]! / 2n, base[0]! * 2n, 1000n]);

    let at = await tick();
    const below = await sign(at, { prices: [base[0]! / 2n - 1n, ...base.slice(1, n)], marks: base.slice(n) });
    await expect(relay(at, below)).to.be.revertedWithCustomError(o, "PriceOutOfBounds").withArgs("price", 0, base[0]! / 2n - 1n, base[0]! / 2n, base[0]! * 2n);

    const within = { prices: [(base[0]! * 109n) / 100n, ...base.slice(1, n)], marks: base.slice(n) };
    await expect(relay(at, await sign(at, within))).to.emit(o, "RoundPublished");

    at = await tick();
    const previous = await lastMedians();
    const crash = { prices: [(previous[0]! * 80n) / 100n, ...previous.slice(1, n)], marks: [previous[n]!, (previous[n + 1]! * 106n) / 100n] };
    await expect(relay(at, await sign(at, crash)))
      .to.be.revertedWithCustomError(o, "MoveNeedsLargerQuorum").withArgs("price", 0, previous[0]!, crash.prices[0]!, 3, 5);
    await expect(relay(at, await sign(at, { ...crash, signers: REPORTERS.slice(0, 4) }))).to.be.revertedWithCustomError(o, "MoveNeedsLargerQuorum");
    await expect(relay(at, await sign(at, { ...crash, signers: REPORTERS }))).to.emit(o, "RoundPublished");
    expect((await lastMedians())[0]).to.equal(crash.prices[0]);
    await snap.restore();
  });

  it("lets only governors change reporters, quorums, the observation age and guards, within their limits", async function () {
    const snap = await sys.helpers.takeSnapshot();
    const g = o.connect(sys.alice);
    for (const call of [g.getFunction("addReporter")(OUTSIDER.address), g.getFunction("removeReporter")(REPORTERS[0]!.address), g.getFunction("setQuorum")(3, 3), g.getFunction("setMaxObservationAge")(60), g.getFunction("setGuard")(0, 1, 2, 0)]) {
      await expect(call).to.be.revertedWithCustomError(o, "AccessControlUnauthorizedAccount");
    }
    await expect(o.getFunction("addReporter")(REPORTERS[0]!.address)).to.be.revertedWithCustomError(o, "AlreadyReporter");
    await expect(o.getFunction("addReporter")("0x0000000000000000000000000000000000000000")).to.be.revertedWithCustomError(o, "ZeroReporter");
    await expect(o.getFunction("removeReporter")(OUTSIDER.address)).to.be.revertedWithCustomError(o, "NotReporter");
    await expect(o.getFunction("setQuorum")(2, 3)).to.be.revertedWithCustomError(o, "InvalidQuorum").withArgs(2, 3, 5);
    await expect(o.getFunction("setQuorum")(4, 3)).to.be.revertedWithCustomError(o, "InvalidQuorum").withArgs(4, 3, 5);
    await expect(o.getFunction("setQuorum")(3, 6)).to.be.revertedWithCustomError(o, "InvalidQuorum").withArgs(3, 6, 5);
    await expect(o.getFunction("setQuorum")(5, 5)).to.emit(o, "QuorumSet").withArgs(5, 5);
    await expect(o.getFunction("setMaxObservationAge")(0)).to.be.revertedWithCustomError(o, "InvalidObservationAge");
    await expect(o.getFunction("setMaxObservationAge")(120)).to.emit(o, "MaxObservationAgeSet").withArgs(120);
    for (const [slot, min, max, move] of [[n + m, 1n, 2n, 0n], [0, 0n, 2n, 0n], [0, 3n, 2n, 0n], [0, 1n, 1n << 56n, 0n], [0, 1n, 2n, 10001n]] as const) {
      await expect(o.getFunction("setGuard")(slot, min, max, move)).to.be.revertedWithCustomError(o, "InvalidGuard");
    }
    for (const w of REPORTER_WALLETS.slice(5)) await (await o.getFunction("addReporter")(w.address)).wait();
    for (let i = 0; (await o.getFunction("reporters")()).length < 15; i++) await (await o.getFunction("addReporter")(Wallet.createRandom().address)).wait();
    await expect(o.getFunction("addReporter")(Wallet.createRandom().address)).to.be.revertedWithCustomError(o, "TooManyReporters").withArgs(16, 15);
    await snap.restore();
  });
});
