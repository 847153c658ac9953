/**
 * The whole-deployment part of the audit (`solvency audit --deployment FILE --rpc URL`): for every
 * contract the deployment file names, the runtime code on chain against the project's compiled build;
 * the wiring between them (the gate calls this verifier, oracle and registry; the venue this gate and
 * these tokens); the registry's risk parameters, commitment and ratios against the venue file; the
 * gate's and venue's policy; every role holder of every governed contract, the oracle's reporters and
 * quorum; and the registered attesters. The verifier's own code and key are compared by the verifier
 * part of the audit (contract.ts), with this deployment's verifier address.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { Contract, id as keccakText, ZeroHash, type JsonRpcProvider } from "ethers";
import { ROOT } from "../../prover/artifacts.ts";
import { readSetupInfo, setupArtifacts, verifierContractName } from "../../prover/setup-info.ts";
import { solidityKeyOrder, type Groth16VerificationKey } from "../verifying-key.ts";
import { registryParameters, venueRiskFactors } from "../../prover/venue.ts";
import { openProvider } from "../chain.ts";
import { contractAt, loadArtifact } from "../contracts.ts";
import { registeredAttesters, type RegisteredAttester } from "../attesters.ts";
import type { Deployment, ContractName } from "../deployment.ts";
import { check, displayPath, type Check } from "./check.ts";
import { maskImmutables, stripMetadata } from "./contract.ts";

export interface DeployedContract {
  name: ContractName;
  address: string;
  /** the compiled contract its code was compared with */
  artifact: string;
  codeBytes: number;
  /** matches the build; null when not compared (an external token) */
  matches: boolean | null;
}

export interface RoleHolders { contract: ContractName; role: string; holders: string[] }

export interface DeploymentAudit {
  file: string;
  rpc: string;
  chainId: string;
  instance: string;
  contracts: DeployedContract[];
  roles: RoleHolders[];
  reporters: string[];
  quorum: string | null;
  attesters: Array<Omit<RegisteredAttester, "id" | "ax" | "ay" | "binding"> & { id: string; ax: string; ay: string; binding: string }>;
  ratios: { initialBps: string; maintenanceBps: string } | null;
  checks: Check[];
}

/** The compiled contract each deployment entry must run. */
const ARTIFACT: Record<ContractName, (instance: string) => string> = {
  poseidon3: () => "Poseidon3",
  poseidon5: () => "Poseidon5",
  poseidon8: () => "Poseidon8",
  verifier: (i) => verifierContractName(i, "groth16"),
  registry: () => "RiskRegistry",
  oracle: () => "PriceOracle",
  gate: () => "SolvencyGate",
  venue: () => "MarginVenue",
  collateralToken: () => "MockERC20",
  creditToken: () => "MockERC20",
};

interface FullArtifact { contractName: string; deployedBytecode: string; immutableReferences?: Record<string, Array<{ start: number; length: number }>>; abi: unknown[] }

/** Hardhat's artifact with its runtime code and immutable ranges (the file loadArtifact reads, whole). */
function fullArtifact(name: string): FullArtifact {
  loadArtifact(name); // throws the build hint when the contract was never compiled
  const walk = (dir: string): string | undefined => {
    for (const entry of readdirSync(dir)) {
      const p = path.join(dir, entry);
      if (statSync(p).isDirectory()) {
        const found = walk(p);
        if (found) return found;
      } else if (entry === `${name}.json`) return p;
    }
    return undefined;
  };
  const file = walk(path.join(ROOT, "artifacts", "contracts"));
  if (!file) throw new Error(`no compiled contract ${name}: run npm run build:contracts`);
  return JSON.parse(readFileSync(file, "utf8")) as FullArtifact;
}

const sameCode = (deployed: string, a: FullArtifact): boolean =>
  maskImmutables(stripMetadata(deployed), a.immutableReferences) === maskImmutables(stripMetadata(a.deployedBytecode), a.immutableReferences);

const eq = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export interface DeploymentAuditOptions {
  deployment: Deployment;
  rpc: string;
  /** test tokens and a development setup fail instead of warn */
  production: boolean;
  log?: (line: string) => void;
}

export async function auditDeployment(opts: DeploymentAuditOptions): Promise<DeploymentAudit> {
  const d = opts.deployment;
  const checks: Check[] = [];
  const result: DeploymentAudit = {
    file: displayPath(d.file), rpc: opts.rpc, chainId: d.chainId.toString(), instance: d.instance,
    contracts: [], roles: [], reporters: [], quorum: null, attesters: [], ratios: null, checks,
  };
  const { provider, chainId } = await openProvider(opts.rpc);
  try {
    if (chainId !== d.chainId) {
      checks.push(check("chain", "The endpoint is the deployment's chain", "fail", `the endpoint is on chain ${chainId}, the deployment on chain ${d.chainId}`));
      return result;
    }
    opts.log?.(`deployment: comparing the code of ${Object.keys(d.contracts).length} contracts on chain ${chainId} with the build`);
    await auditCode(provider, d, opts.production, result);
    // A contract that is not what the file says may not answer the reads below: each part that cannot
    // be read is a failed check of its own, and the others still run.
    const part = async (id: string, title: string, fn: () => Promise<void>): Promise<void> => {
      try {
        await fn();
      } catch (err) {
        const e = err as { shortMessage?: string; message?: string };
        checks.push(check(id, title, "fail", `cannot be read from the chain: ${(e.shortMessage ?? e.message ?? String(err)).split("\n")[0]!.slice(0, 160)}`, undefined, "critical"));
      }
    };
    await part("wiring", "The contracts call each other as the deployment file says (the gate calls this verifier)", () => auditWiring(provider, d, checks));
    await part("gate-key", "The gate checks proofs with the zkey's verifying key", () => auditGateKey(provider, d, checks));
    await part("risk-parameters", "The registry's risk parameters, commitment and ratios are the venue file's", () => auditParameters(provider, d, result));
    opts.log?.("deployment: reading role holders, reporters and attesters from the chain's events");
    await part("roles", "Role holders of every governed contract are listed", () => auditRoles(provider, d, result));
    await part("attesters", "Registered attesters are listed, each key once", () => auditAttesters(provider, d, result));
    auditSetupFlag(d, checks);
  } finally {
    provider.destroy();
  }
  return result;
}

async function auditCode(provider: JsonRpcProvider, d: Deployment, production: boolean, result: DeploymentAudit): Promise<void> {
  const wrong: string[] = [];
  const testTokens: string[] = [];
  for (const [name, address] of Object.entries(d.contracts) as Array<[ContractName, string]>) {
    const artifactName = ARTIFACT[name](d.instance);
    const code = await provider.getCode(address);
    const codeBytes = (code.length - 2) / 2;
    const artifact = fullArtifact(artifactName);
    const token = name === "collateralToken" || name === "creditToken";
    const matches = codeBytes > 0 && sameCode(code, artifact);
    if (token) {
      result.contracts.push({ name, address, artifact: matches ? artifactName : "(external ERC-20, not compared)", codeBytes, matches: matches ? true : null });
      if (codeBytes === 0) wrong.push(`${name} at ${address}: no code`);
      else if (matches) testTokens.push(`${name} at ${address} is the project's MockERC20: anyone can mint it`);
      continue;
    }
    result.contracts.push({ name, address, artifact: artifactName, codeBytes, matches });
    if (!matches) wrong.push(codeBytes === 0 ? `${name} at ${address}: no code` : `${name} at ${address}: its runtime code (${codeBytes} bytes) is not ${artifactName}'s compiled code (${(artifact.deployedBytecode.length - 2) / 2} bytes)`);
  }
  result.checks.push(check("deployed-code", "Every contract of the deployment runs the build's code", wrong.length === 0 ? "pass" : "fail",
    wrong.length === 0 ? `${result.contracts.filter((c) => c.matches).length} contracts equal their compiled runtime code (metadata hash and immutables aside)`
      : `${wrong.length} contract${wrong.length === 1 ? "" : "s"} differ from the build: ${wrong.map((w) => w.split(":")[0]).join(", ")}`,
    wrong, "critical"));
  if (testTokens.length > 0) {
    result.checks.push(check("test-tokens", "The venue's tokens are real tokens", production ? "fail" : "warn",
      `${testTokens.length} test token${testTokens.length === 1 ? "" : "s"} (MockERC20, mintable by anyone): a development deployment, not for value`, testTokens, "high"));
  }
}

async function auditWiring(provider: JsonRpcProvider, d: Deployment, checks: Check[]): Promise<void> {
  const c = d.contracts;
  const at = (name: string, address: string): Contract => contractAt(name, address, provider);
  const links: Array<[string, Contract, string, string, ContractName]> = [
    ["gate", at("SolvencyGate", c.gate), "verifier", c.verifier, "verifier"],
    ["gate", at("SolvencyGate", c.gate), "oracle", c.oracle, "oracle"],
    ["gate", at("SolvencyGate", c.gate), "registry", c.registry, "registry"],
    ["gate", at("SolvencyGate", c.gate), "poseidon5", c.poseidon5, "poseidon5"],
    ["gate", at("SolvencyGate", c.gate), "venue", c.venue, "venue"],
    ["oracle", at("PriceOracle", c.oracle), "registry", c.registry, "registry"],
    ["oracle", at("PriceOracle", c.oracle), "poseidon8", c.poseidon8, "poseidon8"],
    ["oracle", at("PriceOracle", c.oracle), "poseidon3", c.poseidon3, "poseidon3"],
    ["registry", at("RiskRegistry", c.registry), "poseidon8", c.poseidon8, "poseidon8"],
    ["registry", at("RiskRegistry", c.registry), "oracle", c.oracle, "oracle"],
    ["venue", at("MarginVenue", c.venue), "gate", c.gate, "gate"],
    ["venue", at("MarginVenue", c.venue), "collateralToken", c.collateralToken, "collateralToken"],
    ["venue", at("MarginVenue", c.venue), "creditToken", c.creditToken, "creditToken"],
  ];
  const wrong: string[] = [];
  for (const [from, contract, getter, expected, name] of links) {
    let actual: string;
    try {
      actual = String(await contract.getFunction(getter)());
    } catch (err) {
      wrong.push(`${from}.${getter}() cannot be read (${(err as Error).message.split("\n")[0]!.slice(0, 80)})`);
      continue;
    }
    if (!eq(actual, expected)) wrong.push(`${from}.${getter}() is ${actual}, the deployment's ${name} is ${expected}`);
  }
  checks.push(check("wiring", "The contracts call each other as the deployment file says (the gate calls this verifier)", wrong.length === 0 ? "pass" : "fail",
    wrong.length === 0 ? `${links.length} links hold: the gate calls the deployment's verifier, oracle, registry and venue; the venue this gate and tokens` : `${wrong.length} links differ from the deployment file`,
    wrong, "critical"));
}

/** The gate runs the Groth16 check itself with a copy of the key: it must be the setup's key, and the verifier's. */
async function auditGateKey(provider: JsonRpcProvider, d: Deployment, checks: Check[]): Promise<void> {
  const gateKey = ((await contractAt("SolvencyGate", d.contracts.gate, provider).getFunction("verifyingKey")()) as bigint[]).map(BigInt);
  const verifierKey = ((await contractAt(`Groth16Verifier_${d.instance}`, d.contracts.verifier, provider).getFunction("verifyingKey")()) as bigint[]).map(BigInt);
  const wrong: string[] = [];
  const compare = (what: string, expected: bigint[]): void => {
    if (expected.length !== gateKey.length) wrong.push(`${what} has ${expected.length} key words, the gate ${gateKey.length}`);
    else expected.forEach((v, i) => { if (v !== gateKey[i]) wrong.push(`key word ${i}: gate ${gateKey[i]}, ${what} ${v}`); });
  };
  compare("the deployed verifier", verifierKey);
  const vkeyFile = setupArtifacts(d.instance, "groth16").vkey;
  const fromSetup = existsSync(vkeyFile);
  if (fromSetup) compare(displayPath(vkeyFile), solidityKeyOrder(JSON.parse(readFileSync(vkeyFile, "utf8")) as Groth16VerificationKey));
  checks.push(check("gate-key", "The gate checks proofs with the zkey's verifying key", wrong.length === 0 ? "pass" : "fail",
    wrong.length === 0 ? `the gate's ${gateKey.length} key words equal the deployed verifier's${fromSetup ? ` and ${displayPath(vkeyFile)}'s` : " (no setup of the instance here to compare with)"}`
      : `${wrong.length} key words differ`, wrong.slice(0, 8), "critical"));
}

async function auditParameters(provider: JsonRpcProvider, d: Deployment, result: DeploymentAudit): Promise<void> {
  const c = d.contracts;
  const registry = contractAt("RiskRegistry", c.registry, provider);
  const expected = registryParameters(d.venue);
  const wrong: string[] = [];
  const n = Number(await registry.getFunction("assetCount")());
  const m = Number(await registry.getFunction("marketCount")());
  if (n !== expected.assets.length || m !== expected.markets.length) wrong.push(`the registry has ${n} × ${m} slots, the venue's instance ${expected.assets.length} × ${expected.markets.length}`);
  for (let i = 0; i < Math.min(n, expected.assets.length); i++) {
    const a = (await registry.getFunction("asset")(i)) as { decimals: bigint; collateralWeightBps: bigint; liabilityWeightBps: bigint };
    const e = expected.assets[i]!;
    const symbol = d.venue.assets[i]?.symbol ?? `unused slot ${i}`;
    if (Number(a.decimals) !== e.decimals || Number(a.collateralWeightBps) !== e.collateralWeightBps || Number(a.liabilityWeightBps) !== e.liabilityWeightBps) {
      wrong.push(`asset ${i} (${symbol}): chain (decimals ${a.decimals}, collateral ${a.collateralWeightBps} bps, liability ${a.liabilityWeightBps} bps), venue file (${e.decimals}, ${e.collateralWeightBps}, ${e.liabilityWeightBps})`);
    }
  }
  for (let j = 0; j < Math.min(m, expected.markets.length); j++) {
    const p = (await registry.getFunction("market")(j)) as { decimals: bigint; profitWeightBps: bigint; lossWeightBps: bigint; maintenanceMarginBps: bigint };
    const e = expected.markets[j]!;
    const symbol = d.venue.markets[j]?.symbol ?? `unused slot ${j}`;
    if (Number(p.decimals) !== e.decimals || Number(p.profitWeightBps) !== e.profitWeightBps || Number(p.lossWeightBps) !== e.lossWeightBps || Number(p.maintenanceMarginBps) !== e.maintenanceMarginBps) {
      wrong.push(`market ${j} (${symbol}): chain (${p.decimals}, ${p.profitWeightBps}, ${p.lossWeightBps}, ${p.maintenanceMarginBps}), venue file (${e.decimals}, ${e.profitWeightBps}, ${e.lossWeightBps}, ${e.maintenanceMarginBps})`);
    }
  }
  const [, initial, maintenance] = (await registry.getFunction("terms")()) as [bigint, bigint, bigint];
  result.ratios = { initialBps: initial.toString(), maintenanceBps: maintenance.toString() };
  if (initial !== d.venue.ratios.initialBps) wrong.push(`initial ratio: chain ${initial} bps, venue file ${d.venue.ratios.initialBps} bps`);
  if (maintenance !== d.venue.ratios.maintenanceBps) wrong.push(`maintenance ratio: chain ${maintenance} bps, venue file ${d.venue.ratios.maintenanceBps} bps`);
  // The commitment the proofs are checked against, recomputed from the venue file.
  const { poseidonReady } = await import("../../prover/poseidon.ts");
  const { riskCommitment } = await import("../../prover/commitments.ts");
  await poseidonReady();
  const committed = (await registry.getFunction("commitment")()) as bigint;
  const recomputed = riskCommitment(venueRiskFactors(d.venue));
  if (committed !== recomputed) wrong.push(`risk commitment: chain ${committed}, recomputed from the venue file ${recomputed}`);
  result.checks.push(check("risk-parameters", "The registry's risk parameters, commitment and ratios are the venue file's", wrong.length === 0 ? "pass" : "fail",
    wrong.length === 0 ? `${d.venue.assets.length} assets, ${d.venue.markets.length} markets, the risk commitment and the ratios ${initial}/${maintenance} bps equal ${displayPath(d.file)}'s venue` : `${wrong.length} differences between the registry and the venue file`,
    wrong, "high"));

  const gate = contractAt("SolvencyGate", c.gate, provider);
  const venue = contractAt("MarginVenue", c.venue, provider);
  const policy: Array<[string, bigint, number]> = [
    ["gate maxPriceAge", (await gate.getFunction("maxPriceAge")()) as bigint, d.venue.policy.maxPriceAgeSeconds],
    ["gate maxAttestationAge", (await gate.getFunction("maxAttestationAge")()) as bigint, d.venue.policy.maxAttestationAgeSeconds],
    ["gate roundGrace", (await gate.getFunction("roundGrace")()) as bigint, d.venue.policy.roundGraceSeconds],
    ["venue gracePeriod", (await venue.getFunction("gracePeriod")()) as bigint, d.venue.policy.gracePeriodSeconds],
    ["venue keeperBonusBps", (await venue.getFunction("keeperBonusBps")()) as bigint, d.venue.policy.keeperBonusBps],
  ];
  const off = policy.filter(([, a, e]) => a !== BigInt(e)).map(([what, a, e]) => `${what}: chain ${a}, venue file ${e}`);
  result.checks.push(check("policy", "The gate's and venue's ages, grace period and keeper bonus are the venue file's", off.length === 0 ? "pass" : "fail",
    off.length === 0 ? policy.map(([what, a]) => `${what} ${a}`).join(", ") : `${off.length} settings differ from the venue file`, off, "medium"));
}

/** Role holders from RoleGranted/RoleRevoked events, per governed contract. */
async function auditRoles(provider: JsonRpcProvider, d: Deployment, result: DeploymentAudit): Promise<void> {
  const governed: Array<[ContractName, string]> = [["registry", "RiskRegistry"], ["oracle", "PriceOracle"], ["gate", "SolvencyGate"], ["venue", "MarginVenue"]];
  for (const [name, artifact] of governed) {
    const contract = contractAt(artifact, d.contracts[name], provider);
    const names = new Map<string, string>([[ZeroHash, "DEFAULT_ADMIN_ROLE"]]);
    for (const f of contract.interface.fragments) {
      if (f.type === "function" && "name" in f && /_ROLE$/.test(String(f.name)) && f.inputs.length === 0) {
        names.set(keccakText(String(f.name)), String(f.name));
      }
    }
    const holders = new Map<string, Set<string>>();
    const events = [
      ...(await contract.queryFilter(contract.filters.RoleGranted!(), 0)).map((e) => ({ e, grant: true })),
      ...(await contract.queryFilter(contract.filters.RoleRevoked!(), 0)).map((e) => ({ e, grant: false })),
    ].sort((a, b) => a.e.blockNumber - b.e.blockNumber || a.e.index - b.e.index);
    for (const { e, grant } of events) {
      if (!("args" in e)) continue;
      const [role, account] = e.args as unknown as [string, string];
      const set = holders.get(role) ?? new Set<string>();
      if (grant) set.add(account);
      else set.delete(account);
      holders.set(role, set);
    }
    for (const [role, set] of holders) result.roles.push({ contract: name, role: names.get(role) ?? role, holders: [...set] });
  }
  // Reporters: the oracle's own list where it keeps one (a quorum oracle), else REPORTER_ROLE's holders.
  const oracle = contractAt("PriceOracle", d.contracts.oracle, provider);
  const has = (name: string): boolean => oracle.interface.fragments.some((f) => f.type === "function" && "name" in f && f.name === name);
  result.reporters = has("reporters")
    ? ((await oracle.getFunction("reporters")()) as string[]).map(String)
    : result.roles.find((r) => r.contract === "oracle" && r.role === "REPORTER_ROLE")?.holders ?? [];
  if (has("quorum")) result.quorum = String(await oracle.getFunction("quorum")());
  const largeMove = has("largeMoveQuorum") ? String(await oracle.getFunction("largeMoveQuorum")()) : null;
  const items = result.roles.map((r) => `${r.contract} ${r.role}: ${r.holders.length ? r.holders.join(", ") : "nobody"}`);
  result.checks.push(check("roles", "Role holders of every governed contract are listed", "pass",
    `${result.roles.reduce((n, r) => n + r.holders.length, 0)} grants in force over ${result.roles.length} roles (below); check each holder is the party the venue names`, items, "info"));
  const n = result.reporters.length;
  const q = result.quorum === null ? null : Number(result.quorum);
  const [status, detail] = q === null
    ? [n <= 1 ? "warn" as const : "pass" as const, `the oracle has no quorum: ${n === 1 ? "its only reporter" : `each of its ${n} reporters`} publishes a round alone (${result.reporters.join(", ") || "none"})`]
    : q <= 1 ? ["warn" as const, `quorum ${q}: a single reporter's signature moves prices`]
      : n < q ? ["warn" as const, `${n} reporter${n === 1 ? "" : "s"}, fewer than the quorum ${q}: no round can be published until governance adds reporters`]
        : ["pass" as const, `quorum ${q} of ${n} reporters${largeMove ? `, ${largeMove} for a large move` : ""}: no single key moves prices`];
  result.checks.push(check("oracle-quorum", "No single key moves prices (a quorum of oracle reporters)", status, detail, result.reporters, "high"));
}

async function auditAttesters(provider: JsonRpcProvider, d: Deployment, result: DeploymentAudit): Promise<void> {
  const gate = contractAt("SolvencyGate", d.contracts.gate, provider);
  const list = await registeredAttesters(gate);
  result.attesters = list.map((a) => ({ id: a.id.toString(), ax: a.ax.toString(), ay: a.ay.toString(), binding: a.binding.toString(), status: a.status }));
  const active = list.filter((a) => a.status === "active");
  const keys = new Set(active.map((a) => `${a.ax}:${a.ay}`));
  result.checks.push(check("attesters", "Registered attesters are listed, each key once", keys.size !== active.length ? "warn" : "pass",
    `${active.length} active, ${list.length - active.length} revoked${keys.size !== active.length ? `; ${active.length - keys.size} keys registered more than once` : ""}: an attester's word is what a proof rests on, so each must be a party the venue accepts`,
    list.map((a) => `attester ${a.id} (${a.status}): Ax ${a.ax}, Ay ${a.ay}`), "medium"));
}

function auditSetupFlag(d: Deployment, checks: Check[]): void {
  let development: boolean;
  try {
    development = readSetupInfo(d.instance).development;
  } catch {
    checks.push(check("deployment-setup", "The deployment file states its setup truly", "skipped", `no setup record of ${d.instance} here`, undefined, "medium"));
    return;
  }
  if (d.development !== development) {
    checks.push(check("deployment-setup", "The deployment file states its setup truly", "fail",
      `the deployment file says ${d.development ? "development" : "production"}, the setup of ${d.instance} is ${development ? "development" : "production"}`, undefined, "high"));
  } else {
    checks.push(check("deployment-setup", "The deployment file states its setup truly", "pass", `${development ? "development" : "production"}, as the setup record says`));
  }
}
