/**
 * Circuit inputs for tests that the prover's own builder refuses to make: inputs for claims that do not
 * hold, and inputs with arbitrary field values (out-of-range balances, field-negative numbers) in which
 * every commitment, the statement and the attester's signature are recomputed to agree with those
 * values. The latter is the strongest attacker a circuit faces, one whose attester signs anything, so
 * that the only thing left to refuse a bad value is the constraint that checks it.
 */
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { artifacts, manifest } from "../../prover/artifacts.ts";
import { attest } from "../../prover/attestation.ts";
import { attestationMessage, attesterBinding, contextHash, packStatement, type Domain } from "../../prover/commitments.ts";
import type { EncodedPortfolio, PriceRound, RiskFactors } from "../../prover/model.ts";
import { chainHash } from "../../prover/poseidon.ts";
import { FIELD, STATEMENT_FIELDS, TERMS_FIELDS, TAGS, spec } from "../../prover/spec.ts";
import { buildInput, ClaimDoesNotHold, type CircuitInput, type ProofRequest } from "../../prover/witness.ts";
import { ConstraintChecker, type ConstraintFailure } from "../../verifier/constraints.ts";
import { WitnessError } from "../../verifier/witness_calculator.ts";
import { ATTESTER_SECRET, EDDSA } from "./fixtures.ts";

const checkers = new Map<string, Promise<ConstraintChecker>>();

/** One loaded checker per compiled instance, shared by every suite of a mocha run. */
export function checkerFor(name: string): Promise<ConstraintChecker> {
  const a = artifacts(name);
  if (!existsSync(a.wasm) || !existsSync(a.r1cs) || !existsSync(a.sym)) {
    throw new Error(`${name} is not compiled: run \`npx tsx scripts/compile-circuits.ts ${name}\``);
  }
  let c = checkers.get(name);
  if (!c) {
    c = ConstraintChecker.forInstance(name);
    checkers.set(name, c);
  }
  return c;
}

/** The circuit input for a request whether or not its claim holds (the builder refuses false claims). */
export function inputFor(req: ProofRequest): CircuitInput {
  try {
    return buildInput(req).input;
  } catch (err) {
    if (!(err instanceof ClaimDoesNotHold)) throw err;
    // Exactly one of the two claims holds: build the other and restate the claim.
    const { input } = buildInput({ ...req, claim: req.claim === 1n ? 0n : 1n });
    const a = req.attestation;
    const statement = packStatement({ account: a.account, nonce: req.nonce, attestedAt: a.attestedAt, ratioBps: req.ratioBps, claim: req.claim });
    return { ...input, claim: req.claim.toString(), statement: statement.toString() };
  }
}

/** Every private value of the circuit as a plain integer, unchecked: any of them may be out of range. */
export interface RawCase {
  collateral: bigint[];
  debt: bigint[];
  positionSize: bigint[];
  positionShort: bigint[];
  positionEntry: bigint[];
  salt: bigint;
  round: PriceRound;
  risk: RiskFactors;
  account: bigint;
  nonce: bigint;
  attestedAt: bigint;
  expiresAt: bigint;
  ratioBps: bigint;
  claim: bigint;
  publicLiability: bigint;
  domain: Domain;
}

export function rawCase(req: ProofRequest): RawCase {
  const p = req.portfolio;
  return {
    collateral: [...p.collateral],
    debt: [...p.debt],
    positionSize: p.positions.map((q) => (q.size < 0n ? -q.size : q.size)),
    positionShort: p.positions.map((q) => (q.size < 0n ? 1n : 0n)),
    positionEntry: p.positions.map((q) => q.entryPrice),
    salt: p.salt,
    round: req.round,
    risk: req.risk,
    account: req.attestation.account,
    nonce: req.nonce,
    attestedAt: req.attestation.attestedAt,
    expiresAt: req.attestation.expiresAt,
    ratioBps: req.ratioBps,
    claim: req.claim,
    publicLiability: req.publicLiability,
    domain: req.attestation.domain,
  };
}

export const mod = (x: bigint): bigint => ((x % FIELD) + FIELD) % FIELD;

const AMOUNT_SHIFT = BigInt(spec.bounds.amountBits);

/**
 * The attester's signature over any (attestedAt, expiresAt), in order or not: the circuit does not order
 * them (the gate does), so a raw case at a boundary of one may need the other anywhere.
 */
function attestUnordered(secret: Uint8Array, account: bigint, domain: Domain, attestedAt: bigint, expiresAt: bigint, portfolio: bigint): ReturnType<typeof attest> {
  if (expiresAt > attestedAt) return attest(secret, account, domain, attestedAt, expiresAt, portfolio);
  // attest() refuses an expiry at or before the attestation time: sign the same message directly
  const E = EDDSA();
  const msg = attestationMessage(account, domain, attestedAt, expiresAt, portfolio);
  const sig = E.signPoseidon(secret, E.F.e(msg));
  const keyed = attest(secret, account, domain, 0n, 1n, portfolio); // for the key and the other fields
  return { ...keyed, attestedAt, expiresAt, signature: { R8x: E.F.toObject(sig.R8[0]), R8y: E.F.toObject(sig.R8[1]), S: sig.S } };
}

/** The portfolio's elements as the circuit computes them: in the field, without range checks. */
export function rawPortfolioElements(c: RawCase): bigint[] {
  return [
    c.salt,
    ...c.collateral.map((x, i) => x + (c.debt[i]! << AMOUNT_SHIFT)),
    ...c.positionSize.map((s, j) => s + (c.positionShort[j]! << AMOUNT_SHIFT) + (c.positionEntry[j]! << (AMOUNT_SHIFT + 1n))),
  ].map(mod);
}

/** The terms as the circuit computes them from their fields: a field sum, without range checks. */
export function rawTerms(c: RawCase): bigint {
  const fields: Record<string, bigint> = { publicLiability: c.publicLiability, expiresAt: c.expiresAt };
  return mod(TERMS_FIELDS.reduce((s, f) => s + (fields[f.name]! << BigInt(f.offset)), 0n));
}

/** The statement as the circuit computes it from its fields: a field sum, without range checks. */
export function rawStatement(c: RawCase): bigint {
  const fields: Record<string, bigint> = { account: c.account, nonce: c.nonce, attestedAt: c.attestedAt, ratioBps: c.ratioBps, claim: c.claim };
  return mod(STATEMENT_FIELDS.reduce((s, f) => s + (fields[f.name]! << BigInt(f.offset)), 0n));
}

export interface RawSigning {
  /** the attester's secret (default: the registered fixture attester) */
  secret?: Uint8Array;
  /** what the attester signs, when it differs from the case */
  signed?: Partial<{ account: bigint; domain: Domain; attestedAt: bigint; expiresAt: bigint; portfolioCommitment: bigint }>;
}

/**
 * The full circuit input for a raw case: public signals, commitments and the signature recomputed in
 * the field from the raw values, so they agree with them whatever their range.
 */
export function rawInput(c: RawCase, signing: RawSigning = {}): CircuitInput {
  const elements = rawPortfolioElements(c);
  const portfolio = chainHash(TAGS.portfolio, elements);
  const domain = { chainId: mod(c.domain.chainId), gate: mod(c.domain.gate) };
  const s = signing.signed ?? {};
  const attestation = attestUnordered(signing.secret ?? ATTESTER_SECRET, mod(s.account ?? c.account), s.domain ?? domain,
    mod(s.attestedAt ?? c.attestedAt), mod(s.expiresAt ?? c.expiresAt), s.portfolioCommitment ?? portfolio);
  const r = c.round;
  const f = c.risk;
  // The price commitment's packing (hashing.priceRound) in the field, as the circuit computes it whatever the ranges.
  const pr = spec.hashing.priceRound;
  const values = [...r.prices, ...r.marks];
  const words: bigint[] = [];
  for (let w = 0; w * pr.pricesPerElement < values.length; w++) {
    let acc = 0n;
    for (let i = 0; i < pr.pricesPerElement && w * pr.pricesPerElement + i < values.length; i++) {
      acc += mod(values[w * pr.pricesPerElement + i]!) << BigInt(spec.bounds.priceBits * i);
    }
    words.push(mod(acc));
  }
  const prices = chainHash(TAGS.prices, [mod(r.roundId + (r.timestamp << BigInt(pr.roundIdBits))), ...words]);
  const risk = chainHash(TAGS.risk, [...f.collateralFactor, ...f.debtFactor, ...f.profitFactor, ...f.lossFactor, ...f.marginFactor].map(mod));
  const str = (x: bigint): string => mod(x).toString();
  return {
    context: str(contextHash(prices, risk)),
    attesterBinding: str(attesterBinding(attestation.attester, domain)),
    statement: str(rawStatement(c)),
    terms: str(rawTerms(c)),
    collateral: c.collateral.map(str),
    debt: c.debt.map(str),
    positionSize: c.positionSize.map(str),
    positionShort: c.positionShort.map(str),
    positionEntry: c.positionEntry.map(str),
    salt: str(c.salt),
    roundId: str(r.roundId),
    roundTime: str(r.timestamp),
    prices: r.prices.map(str),
    marks: r.marks.map(str),
    collateralFactor: f.collateralFactor.map(str),
    debtFactor: f.debtFactor.map(str),
    profitFactor: f.profitFactor.map(str),
    lossFactor: f.lossFactor.map(str),
    marginFactor: f.marginFactor.map(str),
    account: str(c.account),
    nonce: str(c.nonce),
    attestedAt: str(c.attestedAt),
    expiresAt: str(c.expiresAt),
    publicLiability: str(c.publicLiability),
    ratioBps: str(c.ratioBps),
    claim: str(c.claim),
    attesterAx: str(attestation.attester.Ax),
    attesterAy: str(attestation.attester.Ay),
    chainId: str(c.domain.chainId),
    gate: str(c.domain.gate),
    sigR8x: str(attestation.signature.R8x),
    sigR8y: str(attestation.signature.R8y),
    sigS: str(attestation.signature.S),
  };
}

/** The model's view of a raw case whose values are all in range (positions signed again). */
export function modelPortfolio(c: RawCase): EncodedPortfolio {
  return {
    collateral: c.collateral,
    debt: c.debt,
    positions: c.positionSize.map((s, j) => ({ size: c.positionShort[j] === 1n ? -s : s, entryPrice: c.positionEntry[j]! })),
    salt: c.salt,
  };
}

/** Does the circuit accept the input: a witness is generated and every constraint holds. */
export function accepts(checker: ConstraintChecker, input: CircuitInput): boolean {
  try {
    return checker.check(checker.witness(input)).length === 0;
  } catch (err) {
    if (err instanceof WitnessError) return false;
    throw err;
  }
}

/** The constraints violated by the witness a prover computes with every generated check skipped. */
export async function attackerFailures(checker: ConstraintChecker, input: CircuitInput): Promise<ConstraintFailure[]> {
  return checker.check((await checker.uncheckedWitness(input)).witness);
}

/** A failure in the final comparison BPS·C vs ratio·L (and its link to the claim bit). */
export const inComparison = (f: ConstraintFailure): boolean =>
  f.signals.includes("main.weightedCollateral") && f.signals.includes("main.requiredCollateral");

/**
 * The wires in no constraint, by name with anonymous components' line/column suffixes dropped. In every
 * instance these are the two IsZero inverses of EdDSA's equality checks: circomlib's
 * ForceEqualIfEnabled with enabled = 1 becomes the linear equality in = 0 under the optimizer, which
 * drops in·inv = 0 and leaves inv in no constraint, feeding nothing.
 */
export function unusedSignals(checker: ConstraintChecker): string[] {
  return checker.unusedWires().flatMap((w) => checker.symbols.namesOf(w)).map((n) => n.replace(/_\d+_\d+(?=\.|$)/g, ""));
}
export const EXPECTED_UNUSED = ["main.Attestation.verifier.eqCheckX.isz.inv", "main.Attestation.verifier.eqCheckY.isz.inv"];

/** Every `circom --inspect` warning of an instance's build is an unused output of a sub-component, justified in the manifest. */
export function expectWarningsJustified(name: string): void {
  const info = JSON.parse(readFileSync(artifacts(name).circuitInfo, "utf8")) as { inspect: Array<{ code: string; template: string; message: string; justification: string }> };
  expect(info.inspect.length).to.be.greaterThan(0);
  for (const w of info.inspect) {
    const accepted = manifest.acceptedWarnings.find((a) => a.code === w.code && a.template === w.template);
    expect(accepted, `${w.code} in ${w.template}`).to.not.equal(undefined);
    expect(w.justification).to.equal(accepted!.justification);
    expect(w.code).to.equal("CA02");
    expect(w.message).to.match(/signals? that do(es)? not appear in any constraint of the father component/);
  }
}

/**
 * The wrap-around attack on an honest input: slot `i`'s collateral + 2^96 and debt − 1 pack to the same
 * portfolio element, so the commitment and the attester's genuine signature still match.
 */
export function wrapAround(input: CircuitInput, i: number): CircuitInput {
  const bump = (xs: CircuitInput[string], by: bigint): string[] =>
    (xs as string[]).map((x, k) => (k === i ? (BigInt(x) + by).toString() : x));
  if (BigInt((input.debt as string[])[i]!) === 0n) throw new RangeError(`slot ${i} has no debt to take 1 from`);
  return { ...input, collateral: bump(input.collateral, 2n ** AMOUNT_SHIFT), debt: bump(input.debt, -1n) };
}

/**
 * The same attack on the packed prices: price `i` + 2^56 and price `i + 1` − 1 pack to the same element of
 * the price commitment, so the context still matches.
 */
export function priceWrapAround(input: CircuitInput, i: number): CircuitInput {
  const shift = BigInt(spec.bounds.priceBits);
  const prices = (input.prices as string[]).map((x, k) => (k === i ? BigInt(x) + (1n << shift) : k === i + 1 ? BigInt(x) - 1n : BigInt(x)).toString());
  return { ...input, prices };
}
