/**
 * Gas of a proof submission for one circuit instance, against the bare Groth16 verification of the same
 * proof: a whole system for the instance's N × M universe on the Hardhat chain `signer` is connected to,
 * real proofs from the instance's zkey, and the submissions the gate's cost decides:
 *   verify proof (bare)                        the generated verifier's verifyProof, called in a transaction
 *   prove solvency (first proof of the account) the account's slot goes from zero to non-zero
 *   prove solvency (first proof on a round)    a renewal on a new round nobody primed yet: four scalar products
 *   prime verifier key                         once per round and attester (anyone: a watcher, the attester)
 *   prove solvency (later proof)               a renewal on a primed round and attester: two scalar products
 *   prove insolvency                           posted by a keeper, on the primed round
 * Ratios are taken against the bare verification in benchmark/report.ts and the README.
 */
import type { Signer, TransactionReceipt } from "ethers";
import { Prover } from "../prover/prove.ts";
import { attest, attesterPublicKey } from "../prover/attestation.ts";
import { portfolioCommitment } from "../prover/commitments.ts";
import type { EncodedPortfolio } from "../prover/model.ts";
import { signReport } from "../oracle/signing.ts";
import { deploySystem, publishRound, readRiskFactors, registerAttester } from "../verifier/contracts.ts";
import { proofCalldata } from "../verifier/calldata.ts";
import { ATTESTER_SECRET, REPORTER_KEYS, portfolio as richPortfolio, round as fixtureRound, universe } from "../test/helpers/fixtures.ts";
import { Wallet } from "ethers";
import { universeOf } from "./oracle-gas.ts";

export interface SubmissionGas { action: string; instance: string; gas: number }

const INITIAL = 2;
const MAINTENANCE = 1;

/** Measures the submission actions for `instance` (its zkey must be built); `now` returns the chain's latest block time. */
export async function measureSubmissionGas(signer: Signer, instance: string, now: () => Promise<bigint>, advance: (seconds: number) => Promise<void>): Promise<SubmissionGas[]> {
  const { n, m } = universeOf(instance);
  const { assets, markets } = universe(n, m);
  const reporters = REPORTER_KEYS.slice(0, 3).map((k) => new Wallet(k));
  const sys = await deploySystem(signer, {
    instance, assets, markets, initialRatioBps: 15000, maintenanceRatioBps: 11000, maxPriceAge: 3600, maxAttestationAge: 86400,
    roundGrace: 300, gracePeriod: 3600, keeperBonusBps: 500, reporters: reporters.map((w) => w.address), quorum: 3,
  });
  const account = await signer.getAddress();
  const chainId = (await signer.provider!.getNetwork()).chainId;
  const { attesterId } = await registerAttester(sys.gate, attesterPublicKey(ATTESTER_SECRET));
  const fixture = fixtureRound(n, m);
  const publish = async () => {
    const observedAt = await now();
    const domain = { chainId, oracle: await sys.oracle.getAddress() };
    const reports = await Promise.all(reporters.map((w) => signReport(w, domain, { observedAt, prices: fixture.prices, marks: fixture.marks })));
    return publishRound(sys.oracle, observedAt, reports);
  };
  const prover = Prover.load(instance);
  const risk = await readRiskFactors(sys.registry);
  const rich: EncodedPortfolio = richPortfolio(n, m);
  const poor: EncodedPortfolio = { ...rich, collateral: rich.collateral.map(() => 0n), debt: rich.debt.map((_, i) => (i === 0 ? 10n ** 18n : 0n)) };
  const domain = { chainId, gate: BigInt(await sys.gate.getAddress()) };
  const attestedAt = await now();
  const expiresAt = attestedAt + 86400n;
  const prove = async (round: Awaited<ReturnType<typeof publish>>, p: EncodedPortfolio, nonce: bigint, claim: 0n | 1n, ratioBps: bigint) => {
    const attestation = attest(ATTESTER_SECRET, BigInt(account), domain, attestedAt, expiresAt, portfolioCommitment(p));
    const r = await prover.prove({ portfolio: p, round: round.round, risk, attestation, publicLiability: 0n, nonce, ratioBps, claim });
    const basis = { roundId: round.round.roundId, attesterId, attestedAt, expiresAt, liability: 0n, nonce };
    return { proof: proofCalldata(r.proof), signals: r.signals, basis };
  };
  const gas = async (tx: Promise<{ wait(): Promise<TransactionReceipt | null> }>): Promise<number> => {
    const receipt = await (await tx).wait();
    if (!receipt || receipt.status !== 1) throw new Error(`${instance}: a measured transaction failed`);
    return Number(receipt.gasUsed);
  };
  const out: SubmissionGas[] = [];
  const record = (action: string, g: number): void => {
    out.push({ action, instance, gas: g });
  };

  const round1 = await publish();
  const first = await prove(round1, rich, 1n, 1n, 15000n);
  record("prove solvency (first proof of the account)", await gas(sys.gate.getFunction("proveSolvency")(first.proof, first.basis, INITIAL)));
  await advance(60);
  const round2 = await publish();
  const renewal = await prove(round2, rich, 2n, 1n, 11000n);
  const later = await prove(round2, rich, 3n, 1n, 11000n);
  const insolvent = await prove(round2, poor, 1n, 0n, 11000n);
  const s = later.signals;
  const verifierData = sys.verifier.interface.encodeFunctionData("verifyProof", [later.proof.a, later.proof.b, later.proof.c, [s.context, s.attesterBinding, s.statement, s.terms]]);
  record("verify proof (bare)", await gas(signer.sendTransaction({ to: await sys.verifier.getAddress(), data: verifierData })));
  record("prove solvency (first proof on a round)", await gas(sys.gate.getFunction("proveSolvency")(renewal.proof, renewal.basis, MAINTENANCE)));
  record("prime verifier key", await gas(sys.gate.getFunction("primeVerifierKey")(round2.round.roundId, attesterId)));
  record("prove solvency (later proof)", await gas(sys.gate.getFunction("proveSolvency")(later.proof, later.basis, MAINTENANCE)));
  record("prove insolvency", await gas(sys.gate.getFunction("proveInsolvency")(account, insolvent.proof, insolvent.basis)));
  return out;
}
