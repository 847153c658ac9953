/**
 * Gas of verifying one proof on chain, measured the same way for every proof system: the verifier that
 * the trusted setup exported (contracts/generated/<System>Verifier_<name>.sol) is compiled alone with
 * the project's compiler settings (hardhat.config.ts), deployed on an in-process Hardhat network, and
 * called with a real proof in a transaction. The verifiers are view functions, so the transaction's
 * gas is what a contract pays to verify: 21,000 for the transaction, the calldata, and the pairing
 * checks. The result is checked to be `true` first, so a wrong encoding cannot pass for a cheap proof.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import solc from "solc";
import { network } from "hardhat";
import hardhatConfig from "../hardhat.config.ts";
import { setupArtifacts, verifierContractName, type ProofSystem } from "../prover/setup-info.ts";

export interface VerifierGas {
  system: ProofSystem;
  contract: string;
  /** gas of the transaction that deployed the verifier */
  deployGas: number;
  /** gas of a transaction calling verifyProof with a valid proof */
  verifyGas: number;
  /** bytes of that transaction's calldata */
  calldataBytes: number;
}

/** A proof as snarkjs returns it, with its public signals (decimal strings) and the verifier to call. */
export interface SystemProof {
  system: ProofSystem;
  proof: unknown;
  publicSignals: string[];
  verifier: { file: string; contract: string };
}

/** The verifier the trusted setup exported for an instance (contracts/generated/). */
export const instanceVerifier = (name: string, system: ProofSystem): SystemProof["verifier"] =>
  ({ file: setupArtifacts(name, system).verifierSol, contract: verifierContractName(name, system) });

interface CompiledContract { abi: unknown[]; evm: { bytecode: { object: string } } }
interface SolcOutput {
  errors?: Array<{ severity: string; formattedMessage: string }>;
  contracts?: Record<string, Record<string, CompiledContract>>;
}

function compilerSettings(): object {
  const solidity = (hardhatConfig as { solidity?: { settings?: object } }).solidity;
  return solidity?.settings ?? {};
}

function compileVerifier(file: string, contract: string): CompiledContract {
  const input = {
    language: "Solidity",
    sources: { [path.basename(file)]: { content: readFileSync(file, "utf8") } },
    settings: { ...compilerSettings(), outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (out.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(`${file} does not compile:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
  const compiled = out.contracts?.[path.basename(file)]?.[contract];
  if (!compiled) throw new Error(`${file} has no contract ${contract}`);
  return compiled;
}

/**
 * The verifyProof arguments for a proof: snarkjs' exportSolidityCallData gives the words in the
 * verifier's parameter order (its text format differs per system, the order of the words does not).
 */
async function verifyArguments(p: SystemProof, snarkjs: typeof import("snarkjs")): Promise<unknown[]> {
  const text: string = p.system === "fflonk"
    ? await snarkjs.fflonk.exportSolidityCallData(p.publicSignals, p.proof)
    : await snarkjs[p.system].exportSolidityCallData(p.proof as never, p.publicSignals);
  const words = (text.match(/0x[0-9a-fA-F]+/g) ?? []).map((w) => BigInt(w));
  const pub = words.slice(-p.publicSignals.length);
  const head = words.slice(0, -p.publicSignals.length);
  if (p.system === "groth16") {
    if (head.length !== 8) throw new Error(`a Groth16 proof has 8 words, the call data had ${head.length}`);
    return [head.slice(0, 2), [head.slice(2, 4), head.slice(4, 6)], head.slice(6, 8), pub];
  }
  if (head.length !== 24) throw new Error(`a ${p.system} proof has 24 words, the call data had ${head.length}`);
  return [p.system === "fflonk" ? head.map((w) => "0x" + w.toString(16).padStart(64, "0")) : head, pub];
}

/** Deploys each proof's verifier and measures one verification with it. */
export async function verifierGas(proofs: SystemProof[]): Promise<VerifierGas[]> {
  const snarkjs = await import("snarkjs");
  const connection = await network.connect();
  try {
    const { ethers } = connection;
    const [signer] = await ethers.getSigners();
    const out: VerifierGas[] = [];
    for (const p of proofs) {
      const { contract } = p.verifier;
      const compiled = compileVerifier(p.verifier.file, contract);
      const factory = new ethers.ContractFactory(compiled.abi as never, compiled.evm.bytecode.object, signer);
      const deployed = await factory.deploy();
      const deployReceipt = await deployed.deploymentTransaction()!.wait();
      const args = await verifyArguments(p, snarkjs);
      const data = factory.interface.encodeFunctionData("verifyProof", args);
      const to = await deployed.getAddress();
      const [accepted] = factory.interface.decodeFunctionResult("verifyProof", await ethers.provider.call({ to, data }));
      if (accepted !== true) throw new Error(`${contract} rejected a valid ${p.system} proof: the call data is wrong`);
      const receipt = await (await signer.sendTransaction({ to, data })).wait();
      out.push({
        system: p.system,
        contract,
        deployGas: Number(deployReceipt!.gasUsed),
        verifyGas: Number(receipt!.gasUsed),
        calldataBytes: (data.length - 2) / 2,
      });
    }
    return out;
  } finally {
    await connection.close();
  }
}
