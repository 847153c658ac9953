/**
 * What an oracle reporter signs: an EIP-712 PriceReport (observation time, one price per asset slot, one mark
 * per perpetual market) under the domain of one PriceOracle on one chain, exactly as PriceOracle.sol hashes it.
 * A signature made for another chain or oracle, time or set of values recovers some other address, which the
 * contract refuses as an unknown signer.
 */
import { Signature, TypedDataEncoder, getAddress, verifyTypedData, type TypedDataDomain, type TypedDataField } from "ethers";

/** The EIP-712 domain name and version PriceOracle's constructor passes to OpenZeppelin's EIP712. */
export const ORACLE_EIP712_NAME = "zk-solvency PriceOracle";
export const ORACLE_EIP712_VERSION = "1";

export const PRICE_REPORT_TYPES: Record<string, TypedDataField[]> = {
  PriceReport: [
    { name: "observedAt", type: "uint64" },
    { name: "prices", type: "uint256[]" },
    { name: "marks", type: "uint256[]" },
  ],
};

/** Which oracle a report is for. */
export interface OracleDomain { chainId: bigint; oracle: string }

/** One reporter's observation of a round: unix time, prices and marks (USD, fixed point with 8 decimals). */
export interface PriceReport { observedAt: bigint; prices: bigint[]; marks: bigint[] }

/** A report with its reporter and 65-byte signature (0x r ‖ s ‖ v). */
export interface SignedReport extends PriceReport { reporter: string; signature: string }

/** The contract's calldata for one report: values and the EIP-2098 compact signature. */
export interface ReportCalldata { prices: bigint[]; marks: bigint[]; r: string; vs: string }

/** Anything that signs EIP-712 data (an ethers Wallet or JSON-RPC signer). */
export interface TypedDataSigner {
  getAddress(): Promise<string>;
  signTypedData(domain: TypedDataDomain, types: Record<string, TypedDataField[]>, value: Record<string, unknown>): Promise<string>;
}

export const eip712Domain = (d: OracleDomain): TypedDataDomain => ({
  name: ORACLE_EIP712_NAME, version: ORACLE_EIP712_VERSION, chainId: d.chainId, verifyingContract: getAddress(d.oracle),
});

const value = (r: PriceReport): Record<string, unknown> => ({ observedAt: r.observedAt, prices: r.prices, marks: r.marks });

/** The digest a reporter signs (PriceOracle.reportDigest). */
export const reportDigest = (d: OracleDomain, r: PriceReport): string => TypedDataEncoder.hash(eip712Domain(d), PRICE_REPORT_TYPES, value(r));

/** Signs a report for the oracle `d`. */
export async function signReport(signer: TypedDataSigner, d: OracleDomain, r: PriceReport): Promise<SignedReport> {
  const signature = await signer.signTypedData(eip712Domain(d), PRICE_REPORT_TYPES, value(r));
  return { ...r, prices: [...r.prices], marks: [...r.marks], reporter: getAddress(await signer.getAddress()), signature };
}

/** The address whose signature `signature` is over the report for oracle `d`. */
export const recoverReporter = (d: OracleDomain, r: PriceReport, signature: string): string =>
  getAddress(verifyTypedData(eip712Domain(d), PRICE_REPORT_TYPES, value(r), signature));

/** A report as PriceOracle.publishRound takes it. */
export function reportCalldata(s: SignedReport): ReportCalldata {
  const sig = Signature.from(s.signature);
  return { prices: s.prices, marks: s.marks, r: sig.r, vs: sig.yParityAndS };
}

/** The reports in the order the contract requires: by reporter address, ascending. */
export const bySigner = (reports: readonly SignedReport[]): SignedReport[] =>
  [...reports].sort((a, b) => (BigInt(a.reporter) < BigInt(b.reporter) ? -1 : BigInt(a.reporter) > BigInt(b.reporter) ? 1 : 0));
