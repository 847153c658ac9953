/**
 * The watcher's status, as `solvency watch status` prints it and the optional HTTP endpoint serves it:
 * the chain head it last saw, and per account its record on chain, when that record lapses, the next
 * action and any alert.
 */
import { createServer, type Server } from "node:http";
import { InputError } from "../prover/files.ts";
import type { WatchStatus } from "./service.ts";

export function parseStatus(text: string, file: string): WatchStatus {
  let s: WatchStatus;
  try {
    s = JSON.parse(text) as WatchStatus;
  } catch {
    throw new InputError("the status file is not JSON", file, "point --status-file at the file `solvency watch` writes");
  }
  if (s.kind !== "zk-solvency/watch-status") throw new InputError("not a watch status file", file, "point --status-file at the file `solvency watch` writes");
  return s;
}

const when = (t: string | undefined): string => (t && t !== "0" ? new Date(Number(t) * 1000).toISOString() : "-");

export function statusLines(s: WatchStatus): string[] {
  const lines = [
    `watcher pid ${s.pid}, ${s.engine} engine, ${s.ticks} passes, updated ${s.updatedAt}`,
    s.head ? `chain: block ${s.head.block}, round ${s.head.roundId} published ${when(s.head.roundTime)}` : "chain: not read yet",
  ];
  for (const a of s.accounts) {
    const r = a.record;
    const rec = r ? `round ${r.round}, tier ${r.tier}${r.insolvent ? ", INSOLVENT" : ""}, valid until ${when(r.validUntil)}` : "";
    lines.push(`${a.role.padEnd(11)} ${a.account}  ${rec}${a.ratioBps !== undefined ? `, ratio ${a.ratioBps ?? "unbounded"} bps` : ""}`);
    lines.push(`${"".padEnd(11)} next: ${a.next}${a.last ? `; last: ${a.last}` : ""}`);
    for (const al of a.alerts) lines.push(`${"".padEnd(11)} ALERT ${al}`);
  }
  return lines;
}

/** Serves the latest status as JSON on 127.0.0.1:`port` (GET /status; /health answers ok). */
export async function serveStatus(port: number, status: () => WatchStatus): Promise<Server> {
  const server = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === "/health") return void res.end(JSON.stringify({ ok: true }));
    res.end(JSON.stringify(status(), null, 2));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return server;
}
