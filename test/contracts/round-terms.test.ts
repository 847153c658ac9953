/**
 * The risk registry tells its price oracle of every change of its terms in the same transaction, so a
 * round's one terms slot carries the ratios in force and whether its risk version went stale, and the gate
 * reads nothing else about the round or the registry: wiring (once, by governance; no round before it),
 * who may tell, what a commitment change and a ratio change do to the newest and the previous round, and
 * that the gate refuses a stale round and uses the ratio in force at once.
 */
import { expect } from "chai";
import type { Contract } from "ethers";
import { deploy, deployPoseidon } from "../../verifier/contracts.ts";
import { CONFIG, INITIAL_RATIO_BPS, MAINTENANCE_RATIO_BPS, deployTestSystem, now, publishPrices, type TestSystem } from "../helpers/system.ts";

interface Terms { timestamp: bigint; supersededAt: bigint; riskVersion: bigint; initialRatioBps: bigint; maintenanceRatioBps: bigint; riskStale: boolean }

describe("contracts: rounds carry the registry's terms", function () {
  let sys: TestSystem;
  const terms = async (roundId: bigint): Promise<Terms> => {
    const t = await sys.oracle.getFunction("roundTerms")(roundId);
    return { timestamp: t[0], supersededAt: t[1], riskVersion: t[2], initialRatioBps: t[3], maintenanceRatioBps: t[4], riskStale: t[5] };
  };
  const publishNext = async (): Promise<bigint> => {
    await sys.helpers.time.increase(30);
    return (await publishPrices(sys.oracle, await now(sys))).round.roundId;
  };

  before(async function () {
    sys = await deployTestSystem();
  });

  it("is wired once, by governance, and an unwired oracle publishes no round", async function () {
    expect(await sys.registry.getFunction("oracle")()).to.equal(await sys.oracle.getAddress());
    await expect(sys.registry.getFunction("setOracle")(sys.alice.address)).to.be.revertedWithCustomError(sys.registry, "OracleAlreadySet");
    const poseidon8 = await deployPoseidon(8, sys.admin);
    const poseidon3 = await deployPoseidon(3, sys.admin);
    const registry = await deploy("RiskRegistry", sys.admin, [sys.admin.address, await poseidon8.getAddress(), CONFIG.assets, CONFIG.markets, 15000, 11000]);
    const oracle: Contract = await deploy("PriceOracle", sys.admin, [sys.admin.address, await registry.getAddress(), await poseidon8.getAddress(), await poseidon3.getAddress()]);
    for (const r of CONFIG.reporters!) await (await oracle.getFunction("addReporter")(r)).wait();
    await expect(publishPrices(oracle, await now(sys))).to.be.revertedWithCustomError(oracle, "NotWiredToRegistry");
    await expect(registry.connect(sys.alice).getFunction("setOracle")(await oracle.getAddress())).to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount");
    await expect(registry.getFunction("setOracle")("0x0000000000000000000000000000000000000000")).to.be.revertedWithCustomError(registry, "ZeroOracle");
    await expect(registry.getFunction("setOracle")(await oracle.getAddress())).to.emit(registry, "OracleSet");
    await publishPrices(oracle, await now(sys));
    expect(await oracle.getFunction("lastRoundId")()).to.equal(1n);
  });

  it("takes word of a change from its registry only", async function () {
    await expect(sys.oracle.getFunction("riskTermsChanged")(99, 20000, 12000)).to.be.revertedWithCustomError(sys.oracle, "NotRegistry");
  });

  it("a commitment change makes the newest and the previous round stale at once; refreshContext re-binds the newest alone", async function () {
    const snap = await sys.helpers.takeSnapshot();
    const prev = await publishNext();
    const last = await publishNext();
    const version = (await sys.registry.getFunction("version")()) as bigint;
    expect((await terms(last)).riskStale).to.equal(false);
    expect((await terms(last)).riskVersion).to.equal(version);
    await (await sys.registry.getFunction("setAsset")(0, { ...CONFIG.assets[0], collateralWeightBps: 7000 })).wait();
    expect((await terms(last)).riskStale).to.equal(true);
    expect((await terms(prev)).riskStale).to.equal(true);
    await (await sys.oracle.getFunction("refreshContext")()).wait();
    const fresh = await terms(last);
    expect(fresh.riskStale).to.equal(false);
    expect(fresh.riskVersion).to.equal(version + 1n);
    expect((await terms(prev)).riskStale).to.equal(true);
    // A round published after the change binds the new version from the start.
    const after = await publishNext();
    expect(await terms(after)).to.include({ riskStale: false, riskVersion: version + 1n });
    await snap.restore();
  });

  it("a ratio change reaches the newest and the previous round at once, without making them stale", async function () {
    const snap = await sys.helpers.takeSnapshot();
    const prev = await publishNext();
    const last = await publishNext();
    expect(await terms(last)).to.include({ initialRatioBps: INITIAL_RATIO_BPS, maintenanceRatioBps: MAINTENANCE_RATIO_BPS });
    await (await sys.registry.getFunction("setRatios")(17000, 12000)).wait();
    for (const id of [prev, last]) expect(await terms(id)).to.include({ initialRatioBps: 17000n, maintenanceRatioBps: 12000n, riskStale: false });
    await snap.restore();
  });

  it("the gate refuses a round made stale by a change before it looks at the proof", async function () {
    const snap = await sys.helpers.takeSnapshot();
    const last = await publishNext();
    await (await sys.registry.getFunction("setMarket")(0, CONFIG.markets[0])).wait();
    const version = (await sys.registry.getFunction("version")()) as bigint;
    const proof = { a: [1n, 2n], b: [[1n, 2n], [3n, 4n]], c: [1n, 2n] };
    const t = await now(sys);
    const basis = { roundId: last, attesterId: sys.attesterId, attestedAt: t, expiresAt: t + 3600n, liability: 0n, nonce: 1n };
    await expect(sys.gate.connect(sys.alice).getFunction("proveSolvency")(proof, basis, 2))
      .to.be.revertedWithCustomError(sys.gate, "StaleRiskParameters").withArgs(last, version - 1n, version);
    await (await sys.oracle.getFunction("refreshContext")()).wait();
    await expect(sys.gate.connect(sys.alice).getFunction("proveSolvency")(proof, basis, 2)).to.be.revertedWithCustomError(sys.gate, "InvalidProof");
    await snap.restore();
  });
});
