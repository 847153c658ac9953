/**
 * Where the audited artifacts come from: the project's version and git commit (and whether the working
 * tree differs from it), the tools, and a fresh compile of the circuit from today's sources whose r1cs
 * must hash like the one the setup used. The recompile runs in a temporary folder under build/ and
 * leaves the build's own artifacts untouched.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { ROOT, type InstanceSpec } from "../../prover/artifacts.ts";
import { check, sha256File, displayPath, type Check } from "./check.ts";

export interface Provenance {
  package: { name: string; version: string };
  git: { commit: string; dirty: boolean; changed: string[] } | null;
  node: string;
  snarkjs: string | null;
  recompile: { r1csSha256: string; builtSha256: string; seconds: number } | null;
  checks: Check[];
}

const readJson = (file: string): Record<string, unknown> => JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;

function git(): Provenance["git"] {
  const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" });
  if (head.status !== 0) return null;
  const status = spawnSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, encoding: "utf8" });
  const changed = status.status === 0 ? status.stdout.split("\n").map((l) => l.slice(3).trim()).filter(Boolean) : [];
  return { commit: head.stdout.trim(), dirty: changed.length > 0, changed };
}

/** Compiles `inst` from circuits/ into a temporary folder (r1cs only) and returns the r1cs's sha256. */
export async function recompileR1cs(inst: InstanceSpec): Promise<string> {
  const { CIRCOM, mainSource, tagsSource } = await import("../../pipeline/compile.ts");
  // circom2 runs under WASI with the working folder as its only root: the folder must be inside the project.
  mkdirSync(path.join(ROOT, "build"), { recursive: true });
  const dir = mkdtempSync(path.join(ROOT, "build", ".recompile-"));
  const rel = (p: string): string => path.relative(ROOT, p);
  try {
    const generated = path.join(dir, "generated");
    mkdirSync(generated);
    writeFileSync(path.join(generated, "tags.circom"), tagsSource());
    const main = path.join(dir, `${inst.name}.circom`);
    writeFileSync(main, mainSource(inst));
    const out = path.join(dir, "out");
    mkdirSync(out);
    const run = spawnSync(process.execPath, [CIRCOM, rel(main), "--r1cs", "--O2", "-l", "node_modules", "-l", "circuits", "-l", rel(generated), "-o", rel(out)],
      { cwd: ROOT, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    const r1cs = path.join(out, `${inst.name}.r1cs`);
    if (run.status !== 0 || !existsSync(r1cs)) throw new Error(`circom failed: ${`${run.stdout}\n${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, "").trim().split("\n").slice(-3).join(" ")}`);
    return sha256File(r1cs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function provenanceOf(inst: InstanceSpec, r1cs: string, opts: { recompile: boolean; production?: boolean; log?: (line: string) => void }): Promise<Provenance> {
  const pkg = readJson(path.join(ROOT, "package.json"));
  const snarkjsPkg = path.join(ROOT, "node_modules", "snarkjs", "package.json");
  const g = git();
  const checks: Check[] = [];
  // Uncommitted changes are named in the detail; under --production they make a warning.
  checks.push(check("git", "The audited tree is a committed version", g === null ? (opts.production ? "warn" : "pass") : g.dirty && opts.production ? "warn" : "pass",
    g === null ? "not a git checkout: the version cannot be tied to a commit" : g.dirty ? `commit ${g.commit.slice(0, 12)} with ${g.changed.length} uncommitted change${g.changed.length === 1 ? "" : "s"}: the report describes files no commit holds` : `commit ${g.commit}`,
    g?.dirty ? g.changed.slice(0, 20) : undefined, g === null ? "low" : "medium"));
  let recompile: Provenance["recompile"] = null;
  if (!opts.recompile) {
    checks.push(check("recompile", "The circuit recompiled from source gives the audited r1cs", "skipped", "skipped with --skip-recompile", undefined, "medium"));
  } else if (!existsSync(r1cs)) {
    checks.push(check("recompile", "The circuit recompiled from source gives the audited r1cs", "fail", `${displayPath(r1cs)} is missing`));
  } else {
    opts.log?.(`recompiling ${inst.name} from circuits/ to compare the r1cs (circom, tens of seconds)`);
    const t0 = performance.now();
    try {
      const fresh = await recompileR1cs(inst);
      const built = sha256File(r1cs);
      recompile = { r1csSha256: fresh, builtSha256: built, seconds: Math.round((performance.now() - t0) / 100) / 10 };
      checks.push(check("recompile", "The circuit recompiled from source gives the audited r1cs", fresh === built ? "pass" : "fail",
        fresh === built ? `a fresh compile of circuits/ hashes as ${displayPath(r1cs)} (sha256 ${built}) in ${recompile.seconds}s`
          : `a fresh compile of circuits/ gives r1cs sha256 ${fresh}, the audited ${displayPath(r1cs)} has ${built}: the setup was made for other sources`));
    } catch (err) {
      checks.push(check("recompile", "The circuit recompiled from source gives the audited r1cs", "fail", `the sources do not compile: ${(err as Error).message}`));
    }
  }
  return {
    package: { name: String(pkg.name), version: String(pkg.version) },
    git: g,
    node: process.version,
    snarkjs: existsSync(snarkjsPkg) ? String(readJson(snarkjsPkg).version) : null,
    recompile,
    checks,
  };
}
