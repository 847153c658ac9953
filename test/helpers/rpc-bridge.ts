/**
 * The in-process Hardhat chain as a JSON-RPC endpoint on a loopback port, so a CLI child process
 * (`solvency watch`) and the test share one chain the test can also drive directly.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

interface Eip1193 { request(a: { method: string; params?: unknown[] }): Promise<unknown> }

export async function rpcBridge(provider: Eip1193): Promise<{ url: string; close(): Promise<void>; server: Server }> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", async () => {
      const call = JSON.parse(body) as { id: number; method: string; params?: unknown[] };
      let reply: object;
      try {
        reply = { jsonrpc: "2.0", id: call.id, result: await provider.request({ method: call.method, params: call.params ?? [] }) };
      } catch (err) {
        const e = err as { code?: number; message?: string; data?: unknown };
        const data = typeof e.data === "string" ? e.data : (e.data as { data?: string } | undefined)?.data;
        reply = { jsonrpc: "2.0", id: call.id, error: { code: typeof e.code === "number" ? e.code : -32000, message: e.message ?? String(err), ...(data ? { data } : {}) } };
      }
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(reply, (_k, v: unknown) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
