/**
 * Gas of publishing a price round, per universe size and number of reporters' signatures: for each
 * instance's N × M, a RiskRegistry of that size and a PriceOracle (the single-signature measurement uses
 * SingleReporterOracle, the same contract with a quorum of one allowed), seven reporters, and rounds relayed
 * with 1, 3, 5 and 7 signatures whose values differ per reporter and move every round (every slot guarded:
 * bounds and a 10% move limit, which the 0.1% moves respect), measured in the
 * steady state (after two warm-up rounds, so every storage write is a rewrite, as in operation).
 * Publishing needs no circuit, so the big instances need not be built.
 */
import type { Signer } from "ethers";
import { Wallet, type Contract } from "ethers";
import { deploy, deployPoseidon, publishRound } from "../verifier/contracts.ts";
import { signReport } from "../oracle/signing.ts";

export interface PublishGas { action: "publish round"; instance: string; signatures: number; gas: number }

/** Deterministic reporter keys for the measurement (never funded: reporters only sign). */
const KEYS = Array.from({ length: 7 }, (_, i) => new Wallet(`0x${(0x9a5e0000n + BigInt(i)).toString(16).padStart(64, "0")}`));

/** N and M from an instance name such as Solvency_16x4. */
export function universeOf(instance: string): { n: number; m: number } {
  const match = /^Solvency_(\d+)x(\d+)$/.exec(instance);
  if (!match) throw new Error(`'${instance}' is not a Solvency_NxM instance name`);
  return { n: Number(match[1]), m: Number(match[2]) };
}

/**
 * Measures publishing for each instance and signature count on the chain `signer` is connected to;
 * `now` returns the chain's latest block time.
 */
export async function measurePublishGas(signer: Signer, instances: readonly string[], signatureCounts: readonly number[], now: () => Promise<bigint>): Promise<PublishGas[]> {
  const admin = await signer.getAddress();
  const poseidon8 = await deployPoseidon(8, signer);
  const poseidon3 = await deployPoseidon(3, signer);
  const chainId = (await signer.provider!.getNetwork()).chainId;
  const out: PublishGas[] = [];
  for (const instance of instances) {
    const { n, m } = universeOf(instance);
    const assets = Array.from({ length: n }, (_, i) => ({ decimals: [18, 6, 8][i % 3]!, collateralWeightBps: 8000, liabilityWeightBps: 10500 }));
    const markets = Array.from({ length: m }, () => ({ decimals: 18, profitWeightBps: 9000, lossWeightBps: 10000, maintenanceMarginBps: 500 }));
    const registry = await deploy("RiskRegistry", signer, [admin, await poseidon8.getAddress(), assets, markets, 15000, 11000]);
    const oracle = await deploy("SingleReporterOracle", signer, [admin, await registry.getAddress(), await poseidon8.getAddress(), await poseidon3.getAddress()]);
    await (await registry.getFunction("setOracle")(await oracle.getAddress())).wait();
    for (const w of KEYS) await (await oracle.getFunction("addReporter")(w.address)).wait();
    await (await oracle.getFunction("setQuorum")(1, 1)).wait();
    // Every slot guarded as in operation: bounds at half and twice its price, moves up to 10% per round.
    for (let s = 0; s < n + m; s++) {
      const base = (s < n ? 1000n + BigInt(s) : 2000n + BigInt(s - n)) * 10n ** 8n;
      await (await oracle.getFunction("setGuard")(s, base / 2n, base * 2n, 1000)).wait();
    }
    let round = 0n;
    const publish = async (k: number): Promise<number> => {
      round += 1n;
      const observedAt = await now();
      const domain = { chainId, oracle: await oracle.getAddress() };
      // Reporter j sees each value off by j basis points; every round moves every value by 0.1%.
      const value = (base: bigint, j: number): bigint => (base * (10000n + 10n * round) * (10000n + BigInt(j))) / 10n ** 8n;
      const reports = await Promise.all(KEYS.slice(0, k).map((w, j) => signReport(w, domain, {
        observedAt,
        prices: Array.from({ length: n }, (_, i) => value((1000n + BigInt(i)) * 10n ** 8n, j)),
        marks: Array.from({ length: m }, (_, i) => value((2000n + BigInt(i)) * 10n ** 8n, j)),
      })));
      return Number((await publishRound(oracle as Contract, observedAt, reports)).receipt.gasUsed);
    };
    await publish(3);
    await publish(3);
    for (const k of signatureCounts) out.push({ action: "publish round", instance, signatures: k, gas: await publish(k) });
  }
  return out;
}
