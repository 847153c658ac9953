/**
 * The attesters a gate has registered, read from its AttesterRegistered events and its status
 * mapping: id, key, binding and whether it is active. The CLI refuses to register a key twice with
 * it, and the deployment audit lists them.
 */
import type { Contract } from "ethers";

export interface RegisteredAttester {
  id: bigint;
  ax: bigint;
  ay: bigint;
  binding: bigint;
  status: "active" | "revoked" | "unknown";
}

const STATUS = ["unknown", "active", "revoked"] as const;

export async function registeredAttesters(gate: Contract, fromBlock = 0): Promise<RegisteredAttester[]> {
  const logs = await gate.queryFilter(gate.filters.AttesterRegistered!(), fromBlock);
  const out: RegisteredAttester[] = [];
  for (const log of logs) {
    if (!("args" in log)) continue;
    const [id, ax, ay, binding] = log.args as unknown as [bigint, bigint, bigint, bigint];
    const status = STATUS[Number(await gate.getFunction("attesterStatus")(id))] ?? "unknown";
    out.push({ id, ax, ay, binding, status });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}
