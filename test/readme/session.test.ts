import { expect } from "chai";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../../prover/artifacts.ts";
import { startHardhatNode } from "../helpers/rpc-node.ts";

/** The README's session block, exactly as a reader would copy it. */
export function readmeSession(): string {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const m = /<!-- session:start -->\n```bash\n([\s\S]*?)```\n<!-- session:end -->/.exec(readme);
  if (!m) throw new Error("README.md has no session block between <!-- session:start --> and <!-- session:end -->");
  return m[1]!;
}

describe("README: the CLI session runs verbatim against a local hardhat node @slow", function () {
  let node: { url: string; stop(): void } | undefined;
  after(() => node?.stop());

  it("defines every variable it uses and hides nothing behind an ellipsis", () => {
    const script = readmeSession();
    expect(script).not.to.match(/…|\.\.\./);
    const defined = new Set(["PWD", ...[...script.matchAll(/^(?:export )?([A-Z][A-Z0-9_]*)=/gm)].map((x) => x[1]!)]);
    for (const [, name] of script.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)) expect(defined, `$${name} is used but never set`).to.include(name);
  });

  it("runs line by line in bash, from deployment to liquidation and the deployment audit", async () => {
    node = await startHardhatNode(20000 + Math.floor(Math.random() * 20000));
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("SOLVENCY_")));
    const run = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      // -e: any line that fails stops the session, as it would stop a reader.
      const child = spawn("bash", ["-e", "-c", readmeSession()], { cwd: ROOT, env: { ...clean, SOLVENCY_RPC: node!.url }, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, out }));
    });
    expect(run.code, run.out).to.equal(0);
    expect(run.out).to.match(/deposited 100 COLL/);
    expect(run.out).to.match(/accepted: 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 is solvent \(initial tier\)/);
    expect(run.out).to.match(/repaid 1000 CRED/);
    expect(run.out).to.match(/refused with exit 2 \(expected: below the maintenance ratio\)/);
    expect(run.out).to.match(/liquidated 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 \(insolvent\): escrow 90 COLL seized/);
    expect(run.out).to.match(/Solvency_4x2: PASS \(development setup/);
  });
});
