/**
 * The on-chain hashes and commitments equal the TypeScript ones (prover/poseidon.ts, prover/commitments.ts),
 * which the circuit tests tie to the circuits: Poseidon(3, 5, 8), the chain hash, the risk commitment, the
 * price commitment and context, and the attester binding. Plus the registries' and oracle's input checks.
 */
import { expect } from "chai";
import fc from "fast-check";
import { keccak256 } from "ethers";
import { chainHash, poseidon } from "../../prover/poseidon.ts";
import { attesterBinding, contextHash, priceCommitment, riskCommitment, riskElements } from "../../prover/commitments.ts";
import { riskFactors } from "../../prover/model.ts";
import { FIELD, TAGS } from "../../prover/spec.ts";
import { attesterPublicKey } from "../../prover/attestation.ts";
import { deploy, readRiskFactors, readRound, registerAttester } from "../../verifier/contracts.ts";
import { ATTESTER_SECRET, OTHER_SECRET } from "../helpers/fixtures.ts";
import { CONFIG, MARKS, PRICES, deployTestSystem, type TestSystem } from "../helpers/system.ts";

describe("contracts: on-chain hashes and commitments equal the prover's", function () {
  let sys: TestSystem;
  const field = fc.bigInt({ min: 0n, max: FIELD - 1n });

  before(async function () {
    sys = await deployTestSystem();
  });

  for (const n of [3, 5, 8]) {
    it(`Poseidon${n} equals circomlibjs' Poseidon(${n}) on random and boundary field elements`, async function () {
      const h = sys[`poseidon${n}` as "poseidon3"];
      const edge = [Array(n).fill(0n), Array(n).fill(FIELD - 1n), Array.from({ length: n }, (_, i) => BigInt(i + 1))];
      for (const xs of edge) expect(await h.getFunction("poseidon")(xs)).to.equal(poseidon(xs));
      await fc.assert(fc.asyncProperty(fc.array(field, { minLength: n, maxLength: n }), async (xs) => {
        expect(await h.getFunction("poseidon")(xs)).to.equal(poseidon(xs));
      }), { numRuns: 15 });
    });

    it(`Poseidon${n} refuses an input that is not a field element`, async function () {
      const h = sys[`poseidon${n}` as "poseidon3"];
      const xs = Array(n).fill(1n);
      xs[n - 1] = FIELD;
      await expect(h.getFunction("poseidon")(xs)).to.be.revertedWithCustomError(h, "NotAFieldElement").withArgs(n - 1, FIELD);
    });
  }

  it("a hasher refuses constants contracts that are not its own", async function () {
    const wrong = await deploy("Poseidon5Constants1", sys.admin);
    const codehash = await sys.ethers.provider.getCode(await wrong.getAddress()).then((code) => keccak256(code));
    await expect(deploy("Poseidon3", sys.admin, [[await wrong.getAddress()]]))
      .to.be.revertedWithCustomError(sys.poseidon3, "WrongConstants").withArgs(0, codehash);
  });

  it("ChainHash.sol equals chainHash() for vectors of 0 to 22 elements (1 to 4 blocks)", async function () {
    const harness = await deploy("ChainHashHarness", sys.admin, [await sys.poseidon8.getAddress()]);
    await fc.assert(fc.asyncProperty(fc.array(field, { minLength: 0, maxLength: 22 }), field, async (xs, tag) => {
      expect(await harness.getFunction("hash")(tag, xs)).to.equal(chainHash(tag, xs));
    }), { numRuns: 12 });
    for (const len of [6, 7, 13, 14]) {
      const xs = Array.from({ length: len }, (_, i) => BigInt(i * 7919));
      expect(await harness.getFunction("hash")(TAGS.prices, xs)).to.equal(chainHash(TAGS.prices, xs));
    }
  });

  it("RiskRegistry derives the factors and commitment exactly as riskFactors() and riskCommitment()", async function () {
    const expected = riskFactors(CONFIG.assets, CONFIG.markets);
    expect(await readRiskFactors(sys.registry)).to.deep.equal(expected);
    expect(await sys.registry.getFunction("riskElements")()).to.deep.equal(riskElements(expected));
    expect(await sys.registry.getFunction("commitment")()).to.equal(riskCommitment(expected));
    expect(await sys.registry.getFunction("version")()).to.equal(1n);
  });

  it("an update commits the new factors and bumps the version", async function () {
    const assets = CONFIG.assets.map((a, i) => (i === 2 ? { decimals: 8, collateralWeightBps: 7000, liabilityWeightBps: 16384 } : a));
    const markets = CONFIG.markets.map((m, j) => (j === 1 ? { decimals: 6, profitWeightBps: 10000, lossWeightBps: 12000, maintenanceMarginBps: 10000 } : m));
    await expect(sys.registry.getFunction("setParameters")(assets, markets))
      .to.emit(sys.registry, "CommitmentUpdated").withArgs(2n, riskCommitment(riskFactors(assets, markets)));
    expect(await sys.registry.getFunction("commitment")()).to.equal(riskCommitment(riskFactors(assets, markets)));
    await (await sys.registry.getFunction("setAsset")(2, CONFIG.assets[2])).wait();
    await (await sys.registry.getFunction("setMarket")(1, CONFIG.markets[1])).wait();
    expect(await sys.registry.getFunction("commitment")()).to.equal(riskCommitment(riskFactors(CONFIG.assets, CONFIG.markets)));
    expect(await sys.registry.getFunction("version")()).to.equal(4n);
  });

  it("RiskRegistry refuses parameters outside the circuits' bounds, and non-governors", async function () {
    const r = sys.registry;
    const a = (d: number, cw: number, lw: number) => ({ decimals: d, collateralWeightBps: cw, liabilityWeightBps: lw });
    await expect(r.getFunction("setAsset")(0, a(19, 1, 1))).to.be.revertedWithCustomError(r, "DecimalsOutOfRange").withArgs(0, 19);
    await expect(r.getFunction("setAsset")(1, a(6, 10001, 1))).to.be.revertedWithCustomError(r, "WeightOutOfRange").withArgs("collateralWeightBps", 1, 10001, 10000);
    await expect(r.getFunction("setAsset")(1, a(6, 1, 16385))).to.be.revertedWithCustomError(r, "WeightOutOfRange").withArgs("liabilityWeightBps", 1, 16385, 16384);
    await expect(r.getFunction("setMarket")(0, { decimals: 18, profitWeightBps: 1, lossWeightBps: 1, maintenanceMarginBps: 10001 }))
      .to.be.revertedWithCustomError(r, "WeightOutOfRange").withArgs("maintenanceMarginBps", 0, 10001, 10000);
    await expect(r.getFunction("setAsset")(4, a(6, 1, 1))).to.be.revertedWithCustomError(r, "IndexOutOfRange").withArgs(4, 4);
    await expect(r.getFunction("setParameters")(CONFIG.assets.slice(1), CONFIG.markets)).to.be.revertedWithCustomError(r, "WrongLength");
    await expect(r.getFunction("setRatios")(10999, 11000)).to.be.revertedWithCustomError(r, "RatiosOutOfOrder").withArgs(10999, 11000);
    await expect(r.getFunction("setRatios")(12000, 9999)).to.be.revertedWithCustomError(r, "RatiosOutOfOrder").withArgs(12000, 9999);
    await expect(r.connect(sys.alice).getFunction("setAsset")(0, a(18, 1, 1))).to.be.revertedWithCustomError(r, "AccessControlUnauthorizedAccount");
  });

  it("PriceOracle commits the round and binds it to the risk commitment exactly as the prover computes it", async function () {
    const published = await readRound(sys.oracle, sys.round.round.roundId);
    const risk = riskCommitment(riskFactors(CONFIG.assets, CONFIG.markets));
    expect(published.round.prices).to.deep.equal(PRICES);
    expect(published.round.marks).to.deep.equal(MARKS);
    expect(published.priceCommitment).to.equal(priceCommitment(published.round));
    expect(published.riskCommitment).to.equal(risk);
    expect(published.context).to.equal(contextHash(priceCommitment(published.round), risk));
    const [context, timestamp, supersededAt, version] = await sys.oracle.getFunction("round")(published.round.roundId);
    expect([context, timestamp, supersededAt, version]).to.deep.equal([published.context, published.round.timestamp, 0n, 1n]);
  });

  it("SolvencyGate binds an attester key to this chain and gate as attesterBinding() does", async function () {
    const key = attesterPublicKey(OTHER_SECRET);
    const { attesterId, binding } = await registerAttester(sys.gate, key);
    expect(binding).to.equal(attesterBinding(key, sys.domain));
    expect(await sys.gate.getFunction("attesterBinding")(attesterId)).to.equal(binding);
    expect(await sys.gate.getFunction("attesterBinding")(sys.attesterId)).to.equal(attesterBinding(attesterPublicKey(ATTESTER_SECRET), sys.domain));
  });

  it("SolvencyGate refuses a key that is not a Baby Jubjub point", async function () {
    const key = attesterPublicKey(ATTESTER_SECRET);
    const operator = sys.admin.address;
    await expect(sys.gate.getFunction("registerAttester")(key.Ax, key.Ay + 1n, operator)).to.be.revertedWithCustomError(sys.gate, "InvalidAttesterKey");
    await expect(sys.gate.getFunction("registerAttester")(key.Ax + FIELD, key.Ay, operator)).to.be.revertedWithCustomError(sys.gate, "InvalidAttesterKey");
  });
});
