/**
 * The verifier part of the audit: the Groth16 verifier contract holds the zkey's verification key
 * (constants parsed from the generated .sol against the key exported from the zkey itself), its source
 * is exactly snarkjs' template for that key, and a deployed verifier runs the bytecode a fresh compile
 * of that source gives (Hardhat's artifact, metadata hash aside).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../../prover/artifacts.ts";
import { snark, recordingLogger } from "../snarkjs-api.ts";
import { verifierSource } from "../verifier-source.ts";
import { check, displayPath, type Check } from "./check.ts";

/** BN254: the scalar field r and the base field q, as the verifier template states them. */
const FIELDS = {
  r: 21888242871839275222246405745257275088548364400416034343698204186575808495617n,
  q: 21888242871839275222246405745257275088696311157297823662689037894645226208583n,
};

export interface VerificationKey {
  nPublic: number;
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  IC: string[][];
}

/** Reads a deployed contract's runtime code. */
export interface CodeSource { getCode(address: string): Promise<string> }

export interface VerifierAuditOptions {
  name: string;
  zkey: string;
  /** the verification key the setup wrote (verification_key.json) */
  vkey: string;
  sol: string;
  contract: string;
  /** Hardhat's artifacts folder (artifacts/) */
  artifactsDir?: string;
  deployed?: { address: string; rpc?: string; source?: CodeSource };
}

export interface VerifierAudit {
  sol: string;
  contract: string;
  nPublic: number | null;
  constants: Array<{ name: string; expected: string; actual: string | null }>;
  deployed: { address: string; chainId: string | null; codeBytes: number } | null;
  checks: Check[];
}

/** `uint256 constant NAME = VALUE;` declarations of a Solidity source. */
export function solidityConstants(source: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const m of source.matchAll(/uint256\s+constant\s+(\w+)\s*=\s*(\d+)\s*;/g)) out.set(m[1]!, BigInt(m[2]!));
  return out;
}

/**
 * The constants snarkjs' Groth16 template writes for a verification key. G2 coordinates are written
 * imaginary part first (x1 = x[1], x2 = x[0]), the order the EIP-197 pairing precompile reads.
 */
export function expectedConstants(vk: VerificationKey): Map<string, bigint> {
  const out = new Map<string, bigint>([["r", FIELDS.r], ["q", FIELDS.q]]);
  out.set("alphax", BigInt(vk.vk_alpha_1[0]!));
  out.set("alphay", BigInt(vk.vk_alpha_1[1]!));
  for (const [label, g2] of [["beta", vk.vk_beta_2], ["gamma", vk.vk_gamma_2], ["delta", vk.vk_delta_2]] as const) {
    out.set(`${label}x1`, BigInt(g2[0]![1]!));
    out.set(`${label}x2`, BigInt(g2[0]![0]!));
    out.set(`${label}y1`, BigInt(g2[1]![1]!));
    out.set(`${label}y2`, BigInt(g2[1]![0]!));
  }
  vk.IC.forEach((p, i) => {
    out.set(`IC${i}x`, BigInt(p[0]!));
    out.set(`IC${i}y`, BigInt(p[1]!));
  });
  return out;
}

/** Runtime code without the trailing CBOR metadata (its length is the last two bytes). */
export function stripMetadata(code: string): string {
  const hex = code.replace(/^0x/, "").toLowerCase();
  if (hex.length < 4) return hex;
  const cborBytes = parseInt(hex.slice(-4), 16);
  const total = (cborBytes + 2) * 2;
  return total <= hex.length ? hex.slice(0, hex.length - total) : hex;
}

/** Zeroes the byte ranges of immutables, which the deployed code fills in at construction. */
export function maskImmutables(hex: string, refs: Record<string, Array<{ start: number; length: number }>> | undefined): string {
  let out = hex;
  for (const ranges of Object.values(refs ?? {})) {
    for (const { start, length } of ranges) out = out.slice(0, start * 2) + "00".repeat(length) + out.slice((start + length) * 2);
  }
  return out;
}

async function rpcCall(url: string, method: string, params: unknown[]): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(15_000),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}`);
  const body = (await res.json()) as { result?: unknown; error?: { message?: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message ?? "error"}`);
  return body.result;
}

/** Reads code over JSON-RPC (eth_getCode at the latest block). */
export const rpcCodeSource = (url: string): CodeSource & { chainId(): Promise<string> } => ({
  getCode: async (address) => String(await rpcCall(url, "eth_getCode", [address, "latest"])),
  chainId: async () => BigInt(String(await rpcCall(url, "eth_chainId", []))).toString(),
});

interface HardhatArtifact {
  contractName: string;
  sourceName: string;
  inputSourceName?: string;
  deployedBytecode: string;
  immutableReferences?: Record<string, Array<{ start: number; length: number }>>;
  buildInfoId?: string;
}

export async function auditVerifier(opts: VerifierAuditOptions): Promise<VerifierAudit> {
  const checks: Check[] = [];
  const result: VerifierAudit = { sol: displayPath(opts.sol), contract: opts.contract, nPublic: null, constants: [], deployed: null, checks };
  if (!existsSync(opts.sol)) {
    checks.push(check("verifier-key", "The verifier contract holds the zkey's verification key", "fail", `${displayPath(opts.sol)} is missing (npm run setup writes it)`));
    return result;
  }
  const source = readFileSync(opts.sol, "utf8");
  const vk = (await snark.zKey.exportVerificationKey(opts.zkey, recordingLogger())) as unknown as VerificationKey;
  result.nPublic = vk.nPublic;

  // ---- the key the setup wrote is the zkey's -------------------------------------------------------
  if (existsSync(opts.vkey)) {
    const same = JSON.stringify(JSON.parse(readFileSync(opts.vkey, "utf8"))) === JSON.stringify(vk);
    checks.push(check("vkey-file", "verification_key.json is the zkey's key", same ? "pass" : "fail",
      same ? `${displayPath(opts.vkey)} equals the key exported from the zkey` : `${displayPath(opts.vkey)} differs from the key exported from ${displayPath(opts.zkey)}`));
  }

  // ---- the contract's constants are the key ---------------------------------------------------------
  const expected = expectedConstants(vk);
  const actual = solidityConstants(source);
  result.constants = [...expected].map(([name, v]) => ({ name, expected: v.toString(), actual: actual.get(name)?.toString() ?? null }));
  const wrong = result.constants.filter((c) => c.actual !== c.expected).map((c) => `${c.name}: contract ${c.actual ?? "(missing)"}, zkey ${c.expected}`);
  const extraIc = [...actual.keys()].filter((k) => /^IC\d+[xy]$/.test(k) && !expected.has(k));
  wrong.push(...extraIc.map((k) => `${k}: in the contract, not in the key (the key has ${vk.IC.length} IC points)`));
  const arity = /uint\[(\d+)\]\s+calldata\s+_pubSignals/.exec(source);
  if (!arity || Number(arity[1]) !== vk.nPublic) wrong.push(`verifyProof takes ${arity ? arity[1] : "no"} public signals, the key has ${vk.nPublic}`);
  checks.push(check("verifier-key", "The verifier contract holds the zkey's verification key", wrong.length === 0 ? "pass" : "fail",
    wrong.length === 0 ? `${expected.size} constants (α, β, γ, δ, ${vk.IC.length} IC points, r, q) and ${vk.nPublic} public signals equal the key exported from the zkey` : `${wrong.length} differences between ${displayPath(opts.sol)} and the zkey`,
    wrong));

  // ---- the whole source is snarkjs' template for this key ------------------------------------------
  const regenerated = await verifierSource(opts.zkey, opts.name, "groth16");
  const lines = (s: string) => s.split("\n");
  const differing = lines(regenerated).map((l, i) => [i + 1, l, lines(source)[i]] as const).filter(([, a, b]) => a !== b);
  const lengthDiffers = lines(regenerated).length !== lines(source).length;
  const sameSource = differing.length === 0 && !lengthDiffers;
  checks.push(check("verifier-source", "The verifier source is snarkjs' template for the zkey", sameSource ? "pass" : "fail",
    sameSource ? `${displayPath(opts.sol)} is byte for byte what the setup generates from the zkey`
      : `${displayPath(opts.sol)} differs from the source generated from the zkey in ${differing.length || "its length:"} line${differing.length === 1 ? "" : "s"}${lengthDiffers ? " and in length" : ""}`,
    differing.slice(0, 8).map(([n, a, b]) => `line ${n}: expected '${a.trim()}', found '${(b ?? "(end of file)").trim()}'`)));

  if (opts.deployed) result.deployed = await auditDeployed(opts, source, checks);
  return result;
}

async function auditDeployed(opts: VerifierAuditOptions, source: string, checks: Check[]): Promise<VerifierAudit["deployed"]> {
  const { address, rpc } = opts.deployed!;
  const title = `The verifier deployed at ${address} runs this source's bytecode`;
  const artifactFile = path.join(opts.artifactsDir ?? path.join(ROOT, "artifacts"), "contracts", "generated", `${opts.contract}.sol`, `${opts.contract}.json`);
  if (!existsSync(artifactFile)) {
    checks.push(check("deployed", title, "fail", `no compiled artifact ${displayPath(artifactFile)}: run 'npm run build:contracts'`));
    return null;
  }
  const artifact = JSON.parse(readFileSync(artifactFile, "utf8")) as HardhatArtifact;
  // A stale artifact would compare the chain against an old compile: it must come from today's source.
  const compiledSource = compiledSourceOf(artifact, path.dirname(path.dirname(path.dirname(artifactFile))));
  if (compiledSource !== undefined && compiledSource !== source) {
    checks.push(check("deployed", title, "fail", `${displayPath(artifactFile)} was compiled from another version of ${displayPath(opts.sol)}: run 'npm run build:contracts'`));
    return null;
  }
  const reader = opts.deployed!.source ?? (rpc ? rpcCodeSource(rpc) : undefined);
  if (!reader) throw new Error("a deployed verifier needs an RPC endpoint (--rpc) or a code source");
  let code: string;
  let chainId: string | null = null;
  try {
    code = await reader.getCode(address);
    if ("chainId" in reader && typeof reader.chainId === "function") chainId = await (reader.chainId as () => Promise<string>)();
  } catch (err) {
    checks.push(check("deployed", title, "fail", `cannot read the code at ${address}${rpc ? ` from ${rpc}` : ""}: ${(err as Error).message}`));
    return null;
  }
  const deployedHex = stripMetadata(code);
  const codeBytes = (code.length - 2) / 2;
  if (deployedHex.length === 0) {
    checks.push(check("deployed", title, "fail", `no contract at ${address}${chainId ? ` on chain ${chainId}` : ""}`));
    return { address, chainId, codeBytes: 0 };
  }
  const expected = maskImmutables(stripMetadata(artifact.deployedBytecode), artifact.immutableReferences);
  const same = maskImmutables(deployedHex, artifact.immutableReferences) === expected;
  checks.push(check("deployed", title, same ? "pass" : "fail",
    same ? `${codeBytes} bytes of runtime code${chainId ? ` on chain ${chainId}` : ""} equal ${artifact.contractName}'s compiled runtime code (metadata hash aside)`
      : `the runtime code at ${address} (${codeBytes} bytes) is not ${artifact.contractName}'s compiled runtime code (${(artifact.deployedBytecode.length - 2) / 2} bytes)`));
  return { address, chainId, codeBytes };
}

/** The source text a Hardhat 3 artifact was compiled from, read from its build info. */
function compiledSourceOf(artifact: HardhatArtifact, artifactsDir: string): string | undefined {
  if (!artifact.buildInfoId) return undefined;
  const file = path.join(artifactsDir, "build-info", `${artifact.buildInfoId}.json`);
  if (!existsSync(file)) return undefined;
  const info = JSON.parse(readFileSync(file, "utf8")) as { input?: { sources?: Record<string, { content?: string }> } };
  return info.input?.sources?.[artifact.inputSourceName ?? artifact.sourceName]?.content;
}
