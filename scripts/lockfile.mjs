#!/usr/bin/env node
/**
 * Lockfile checks for scripts/bootstrap.sh. Plain Node, no dependencies: it runs before anything is installed.
 *
 *   node scripts/lockfile.mjs covers                  package.json's dependency ranges are the ones the lockfile was made for
 *   node scripts/lockfile.mjs platform-only OLD NEW   OLD and NEW differ only in optional platform builds
 *
 * A registry serves some platforms' optional builds (Hardhat's EDR runtime, esbuild) on one day or
 * machine and not on another, and `npm install` records whichever it sees. Such entries never decide
 * what is installed on this machine, so a lockfile that differs in them alone is the same lockfile.
 * Anything else that differs is a real disagreement and is named in one line.
 */
import { readFileSync } from "node:fs";

const SECTIONS = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"];

function fail(line) {
  process.stderr.write(`bootstrap: ${line}\n`);
  process.exit(1);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    fail(`cannot read ${file}: ${err.message}`);
  }
}

/** Every direct dependency of package.json, with its range, as the lockfile's root entry must record it. */
function covers(pkgFile = "package.json", lockFile = "package-lock.json") {
  const pkg = readJson(pkgFile);
  const lock = readJson(lockFile);
  const root = lock.packages?.[""];
  if (lock.lockfileVersion < 2 || !root) fail(`${lockFile} is not an npm v2/v3 lockfile; run 'npm install' and commit it`);
  for (const section of SECTIONS) {
    const want = pkg[section] ?? {};
    const have = root[section] ?? {};
    for (const [name, range] of Object.entries(want)) {
      if (!(name in have)) fail(`package.json asks for ${name}@${range} (${section}) but ${lockFile} does not lock it; run 'npm install' and commit ${lockFile}`);
      if (have[name] !== range) fail(`package.json asks for ${name}@${range} but ${lockFile} was made for ${name}@${have[name]}; run 'npm install' and commit ${lockFile}`);
      if (!lock.packages[`node_modules/${name}`]) fail(`${lockFile} records ${name} as a dependency but locks no version of it; run 'npm install' and commit ${lockFile}`);
    }
    for (const name of Object.keys(have)) {
      if (!(name in want)) fail(`${lockFile} locks ${name} (${section}) which package.json no longer asks for; run 'npm install' and commit ${lockFile}`);
    }
  }
}

/** An entry npm installs only on some platforms, and only if the registry has it. */
const platformOptional = (entry) => entry?.optional === true && (entry.os !== undefined || entry.cpu !== undefined || entry.libc !== undefined);

/** The packages two lockfiles disagree on, other than optional platform builds. */
function platformOnly(oldFile, newFile) {
  const a = readJson(oldFile).packages ?? {};
  const b = readJson(newFile).packages ?? {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (JSON.stringify(a[key]) === JSON.stringify(b[key])) continue;
    if ((a[key] === undefined || platformOptional(a[key])) && (b[key] === undefined || platformOptional(b[key]))) continue;
    const name = key === "" ? "the project itself" : key.replace(/^.*node_modules\//, "");
    fail(`npm resolved ${name} differently from package-lock.json (${a[key]?.version ?? "absent"} locked, ${b[key]?.version ?? "absent"} resolved); run 'npm install' and commit package-lock.json`);
  }
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === "covers") covers(...args);
else if (cmd === "platform-only" && args.length === 2) platformOnly(args[0], args[1]);
else fail("usage: node scripts/lockfile.mjs covers | platform-only OLD NEW");
