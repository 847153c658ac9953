/**
 * The install a new user gets: scripts/bootstrap.sh in a fresh clone with an empty HOME. It must
 * succeed whichever optional platform builds the lockfile lists (the registry serves a different set
 * on different machines), never leave the work tree dirty, and refuse in one line a package.json that
 * the lockfile does not cover. npm's download cache is shared with this machine's so that the test does
 * not depend on the network; everything else (HOME, node_modules, the clone) is new.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ROOT } from "../../prover/artifacts.ts";

const INSTALL_FILES = ["package.json", "package-lock.json", "scripts/bootstrap.sh", "scripts/lockfile.mjs"];

interface Sh { code: number | null; out: string }

function sh(cwd: string, command: string, env: NodeJS.ProcessEnv = {}): Sh {
  const r = spawnSync("bash", ["-c", command], { cwd, env: { ...process.env, ...env }, encoding: "utf8", timeout: 600_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A clone of the project whose install files are the work tree's, committed, so `git status` starts clean. */
function freshClone(root: string): string {
  const dir = path.join(root, "clone");
  expect(sh(root, `git clone -q ${JSON.stringify(ROOT)} clone`).code).to.equal(0);
  for (const f of INSTALL_FILES) copyFileSync(path.join(ROOT, f), path.join(dir, f));
  sh(dir, "git add -A && git -c user.name=t -c user.email=t@t commit -qm 'work tree install files' || true");
  return dir;
}

function npmCache(): string {
  return sh(ROOT, "npm config get cache").out.trim();
}

/** bootstrap.sh's install step, as .ci/run and the README run it, with this Node first on PATH. */
function bootstrap(dir: string, home: string): Sh {
  const nodeBin = path.dirname(process.execPath);
  return sh(dir, "source scripts/bootstrap.sh && zks_prepare", {
    HOME: home,
    PATH: `${nodeBin}:${process.env.PATH ?? ""}`,
    npm_config_cache: npmCache(),
    npm_config_prefer_offline: "true",
  });
}

/** The lockfile without the optional platform builds for anything but x64 Linux. */
function stripForeignPlatforms(lockFile: string): number {
  const lock = JSON.parse(readFileSync(lockFile, "utf8")) as { packages: Record<string, { optional?: boolean; os?: string[]; cpu?: string[] }> };
  let removed = 0;
  for (const [key, entry] of Object.entries(lock.packages)) {
    const foreign = entry.optional === true && (!(entry.os ?? ["linux"]).includes("linux") || !(entry.cpu ?? ["x64"]).includes("x64"));
    if (foreign) {
      delete lock.packages[key];
      removed++;
    }
  }
  writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
  return removed;
}

describe("install on a fresh machine (scripts/bootstrap.sh)", function () {
  this.timeout(900_000);
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "zks-install-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("installs from the committed lockfile with npm ci and leaves git status clean", () => {
    const dir = freshClone(root);
    const run = bootstrap(dir, path.join(root, "home"));
    expect(run.code, run.out).to.equal(0);
    expect(run.out).not.to.match(/npm ci refused/);
    expect(sh(dir, "git status --porcelain").out).to.equal("");
    expect(sh(dir, "test -d node_modules/hardhat && test -d node_modules/snarkjs").code).to.equal(0);
  });

  it("installs from a lockfile that lacks other platforms' optional builds and leaves git status clean", () => {
    const dir = freshClone(root);
    const removed = stripForeignPlatforms(path.join(dir, "package-lock.json"));
    expect(removed).to.be.greaterThan(0);
    sh(dir, "git -c user.name=t -c user.email=t@t commit -qam 'lockfile made where fewer platforms were served'");
    const run = bootstrap(dir, path.join(root, "home"));
    expect(run.code, run.out).to.equal(0);
    expect(run.out).to.match(/only optional platform builds differ/);
    expect(sh(dir, "git status --porcelain").out).to.equal("");
    expect(sh(dir, "test -d node_modules/@nomicfoundation/edr").code).to.equal(0);
  });

  it("refuses, in one line naming the package, a package.json that the lockfile does not cover", () => {
    const dir = freshClone(root);
    const pkgFile = path.join(dir, "package.json");
    const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { dependencies: Record<string, string> };
    pkg.dependencies.zod = "^3.22.0";
    writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
    const run = bootstrap(dir, path.join(root, "home"));
    expect(run.code).to.equal(1);
    const lines = run.out.split("\n").filter((l) => l.startsWith("bootstrap:"));
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/zod@\^3\.22\.0.*package-lock\.json/);
    expect(sh(dir, "test -e node_modules").code, "nothing was installed").not.to.equal(0);
    expect(sh(dir, "git status --porcelain").out.trim()).to.equal("M package.json");
  });
});
