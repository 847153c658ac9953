/**
 * A JSON-RPC endpoint over an in-process Hardhat chain, for CLI tests that drive on-chain commands as
 * child processes: starts in a second, unlike `hardhat node`. Chain 31337 with Hardhat's funded test
 * accounts (the keys in test/helpers/cli.ts).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { network } from "hardhat";
import { ROOT } from "../../prover/artifacts.ts";

export interface RpcNode {
  url: string;
  /** a JSON-RPC call straight to the chain */
  request(method: string, params?: unknown[]): Promise<unknown>;
  close(): Promise<void>;
}

export async function startRpcNode(): Promise<RpcNode> {
  const connection = await network.connect();
  const provider = connection.provider;
  const answer = async (call: { id?: unknown; method: string; params?: unknown[] }): Promise<unknown> => {
    try {
      return { jsonrpc: "2.0", id: call.id ?? null, result: await provider.request({ method: call.method, params: call.params ?? [] }) };
    } catch (err) {
      const e = err as { code?: number; message?: string; data?: unknown };
      return { jsonrpc: "2.0", id: call.id ?? null, error: { code: typeof e.code === "number" ? e.code : -32603, message: e.message ?? String(err), data: e.data } };
    }
  };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      void (async () => {
        let reply: unknown;
        try {
          const parsed = JSON.parse(body) as unknown;
          reply = Array.isArray(parsed) ? await Promise.all(parsed.map((c) => answer(c as never))) : await answer(parsed as never);
        } catch {
          reply = { jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } };
        }
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(reply));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    request: (method, params = []) => provider.request({ method, params }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.close?.();
    },
  };
}

/** Starts `hardhat node` on a free port, as a user would in a second terminal; resolves once it serves JSON-RPC. */
export function startHardhatNode(port: number): Promise<{ url: string; stop(): void }> {
  const bin = path.join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");
  const child = spawn(process.execPath, [existsSync(bin) ? bin : path.join(ROOT, "node_modules", ".bin", "hardhat"), "node", "--port", String(port)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error(`hardhat node did not start:\n${log}`)), 120_000);
    child.stdout!.on("data", (d: Buffer) => {
      log += d.toString();
      if (/Started HTTP and WebSocket JSON-RPC server/.test(log)) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${port}`, stop: () => child.kill() });
      }
    });
    child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
    child.on("exit", (code) => reject(new Error(`hardhat node exited (${code}):\n${log}`)));
  });
}
