/**
 * Powers-of-tau files for the trusted setup: reading and checking a ptau file's structure, hashing it,
 * recognising the published Hermez/Polygon ceremony files by their blake2b hashes, and finding or making
 * a development file in the per-user cache ($XDG_CACHE_HOME/zk-solvency/ptau, keyed by power).
 *
 * A ptau file made on this machine has one contributor, so its toxic waste is not provably destroyed:
 * such a file is always recorded as development. Only a file the user supplies (--ptau) counts as a
 * ceremony file, and then only once it is checked: by the published hash when its name says it is one
 * of the Hermez files, otherwise by snarkjs' full powers-of-tau verification.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, existsSync, linkSync, copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../prover/artifacts.ts";
import { writeFileAtomic, toJson } from "../prover/files.ts";
import { snark, recordingLogger } from "../verifier/snarkjs-api.ts";
import { withBinFile, readLE } from "./binfile.ts";
import { timed, atomicOutput, withLock, clock, type Log } from "./steps.ts";

/** BN254 base field modulus, as a ptau file's header stores it. */
const BN254_Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const G1_BYTES = 64;
const G2_BYTES = 128;

/**
 * blake2b-512 of the Hermez/Polygon perpetual powers of tau files, prepared for phase 2 (54 contributions
 * and a beacon). Source: the table in iden3/snarkjs README.md, section "7. Prepare phase 2", as of commit
 * d060f24d39735927ac5f1b7941e5e3ed08a4d1a5. The power-28 file has no suffix.
 */
export const HERMEZ_PTAU_BLAKE2B: Readonly<Record<string, string>> = {
  "powersOfTau28_hez_final_08.ptau": "d6a8fb3a04feb600096c3b791f936a578c4e664d262e4aa24beed1b7a9a96aa5eb72864d628db247e9293384b74b36ffb52ca8d148d6e1b8b51e279fdf57b583",
  "powersOfTau28_hez_final_09.ptau": "94f108a80e81b5d932d8e8c9e8fd7f46cf32457e31462deeeef37af1b71c2c1b3c71fb0d9b59c654ec266b042735f50311f9fd1d4cadce47ab234ad163157cb5",
  "powersOfTau28_hez_final_10.ptau": "6cfeb8cda92453099d20120bdd0e8a5c4e7706c2da9a8f09ccc157ed2464d921fd0437fb70db42104769efd7d6f3c1f964bcf448c455eab6f6c7d863e88a5849",
  "powersOfTau28_hez_final_11.ptau": "47c282116b892e5ac92ca238578006e31a47e7c7e70f0baa8b687f0a5203e28ea07bbbec765a98dcd654bad618475d4661bfaec3bd9ad2ed12e7abc251d94d33",
  "powersOfTau28_hez_final_12.ptau": "ded2694169b7b08e898f736d5de95af87c3f1a64594013351b1a796dbee393bd825f88f9468c84505ddd11eb0b1465ac9b43b9064aa8ec97f2b73e04758b8a4a",
  "powersOfTau28_hez_final_13.ptau": "58efc8bf2834d04768a3d7ffcd8e1e23d461561729beaac4e3e7a47829a1c9066d5320241e124a1a8e8aa6c75be0ba66f65bc8239a0542ed38e11276f6fdb4d9",
  "powersOfTau28_hez_final_14.ptau": "eeefbcf7c3803b523c94112023c7ff89558f9b8e0cf5d6cdcba3ade60f168af4a181c9c21774b94fbae6c90411995f7d854d02ebd93fb66043dbb06f17a831c1",
  "powersOfTau28_hez_final_15.ptau": "982372c867d229c236091f767e703253249a9b432c1710b4f326306bfa2428a17b06240359606cfe4d580b10a5a1f63fbed499527069c18ae17060472969ae6e",
  "powersOfTau28_hez_final_16.ptau": "6a6277a2f74e1073601b4f9fed6e1e55226917efb0f0db8a07d98ab01df1ccf43eb0e8c3159432acd4960e2f29fe84a4198501fa54c8dad9e43297453efec125",
  "powersOfTau28_hez_final_17.ptau": "6247a3433948b35fbfae414fa5a9355bfb45f56efa7ab4929e669264a0258976741dfbe3288bfb49828e5df02c2e633df38d2245e30162ae7e3bcca5b8b49345",
  "powersOfTau28_hez_final_18.ptau": "7e6a9c2e5f05179ddfc923f38f917c9e6831d16922a902b0b4758b8e79c2ab8a81bb5f29952e16ee6c5067ed044d7857b5de120a90704c1d3b637fd94b95b13e",
  "powersOfTau28_hez_final_19.ptau": "bca9d8b04242f175189872c42ceaa21e2951e0f0f272a0cc54fc37193ff6648600eaf1c555c70cdedfaf9fb74927de7aa1d33dc1e2a7f1a50619484989da0887",
  "powersOfTau28_hez_final_20.ptau": "89a66eb5590a1c94e3f1ee0e72acf49b1669e050bb5f93c73b066b564dca4e0c7556a52b323178269d64af325d8fdddb33da3a27c34409b821de82aa2bf1a27b",
  "powersOfTau28_hez_final_21.ptau": "9aef0573cef4ded9c4a75f148709056bf989f80dad96876aadeb6f1c6d062391f07a394a9e756d16f7eb233198d5b69407cca44594c763ab4a5b67ae73254678",
  "powersOfTau28_hez_final_22.ptau": "0d64f63dba1a6f11139df765cb690da69d9b2f469a1ddd0de5e4aa628abb28f787f04c6a5fb84a235ec5ea7f41d0548746653ecab0559add658a83502d1cb21b",
  "powersOfTau28_hez_final_23.ptau": "3063a0bd81d68711197c8820a92466d51aeac93e915f5136d74f63c394ee6d88c5e8016231ea6580bec02e25d491f319d92e77f5c7f46a9caa8f3b53c0ea544f",
  "powersOfTau28_hez_final_24.ptau": "fa404d140d5819d39984833ca5ec3632cd4995f81e82db402371a4de7c2eae8687c62bc632a95b0c6aadba3fb02680a94e09174b7233ccd26d78baca2647c733",
  "powersOfTau28_hez_final_25.ptau": "0377d860cdb09a8a31ea1b0b8c04335614c8206357181573bf294c25d5ca7dff72387224fbd868897e6769f7805b3dab02854aec6d69d7492883b5e4e5f35eeb",
  "powersOfTau28_hez_final_26.ptau": "418dee4a74b9592198bd8fd02ad1aea76f9cf3085f206dfd7d594c9e264ae919611b1459a1cc920c2f143417744ba9edd7b8d51e44be9452344a225ff7eead19",
  "powersOfTau28_hez_final_27.ptau": "10ffd99837c512ef99752436a54b9810d1ac8878d368fb4b806267bdd664b4abf276c9cd3c4b9039a1fa4315a0c326c0e8e9e8fe0eb588ffd4f9021bf7eae1a1",
  "powersOfTau28_hez_final.ptau": "55c77ce8562366c91e7cda394cf7b7c15a06c12d8c905e8b36ba9cf5e13eb37d1a429c589e8eaba4c591bc4b88a0e2828745a53e170eac300236f5c1a326f41a",
};

/**
 * The beacon that closes a development ptau file. It is public and fixed: a development file makes no
 * claim that its last contribution was unpredictable.
 */
export const DEV_PTAU_BEACON = Buffer.from("zk-solvency development powers of tau", "ascii").toString("hex");

/** What a ptau file's sections say about it. */
export interface PtauHeader {
  /** log2 of the number of powers the file holds */
  power: number;
  /** log2 of the powers of the ceremony it was cut from */
  ceremonyPower: number;
  /** number of phase-1 contributions recorded in the file */
  contributions: number;
  /** holds the Lagrange-basis sections (12 to 15) that a Groth16 phase 2 needs */
  prepared: boolean;
  bytes: number;
}

/** A ptau file as the setup uses it: where it is, where it came from, how it was checked. */
export interface PtauRecord {
  path: string;
  origin: string;
  development: boolean;
  power: number;
  sha256: string;
  blake2b: string;
  verification: string;
}

/**
 * Reads a ptau file's section table and header and checks that every section has the size its power
 * implies, so a truncated, foreign or half-prepared file is refused before any slow step reads it.
 */
export function readPtauHeader(file: string): PtauHeader {
  if (!existsSync(file)) throw new Error(`powers-of-tau file not found: ${file}`);
  return withBinFile(file, "ptau", "powers-of-tau file", ({ sections, read, bytes }) => {
    const bad = (why: string) => new Error(`${file} is not a valid powers-of-tau file: ${why}`);
    const header = sections.get(1);
    if (!header) throw bad("it has no header section");
    const h = read(header.offset, header.size);
    const n8 = h.readUInt32LE(0);
    if (n8 !== 32 || readLE(h, 4, n8) !== BN254_Q) throw bad("it is not for the BN254 (bn128) curve");
    const power = h.readUInt32LE(4 + n8);
    const ceremonyPower = h.readUInt32LE(8 + n8);
    if (power < 1 || power > 28) throw bad(`its power ${power} is outside 1..28`);

    const n = 2 ** power;
    const expected: Record<number, number> = {
      2: (2 * n - 1) * G1_BYTES, // tau^i G1 up to 2n-2
      3: n * G2_BYTES,
      4: n * G1_BYTES,
      5: n * G1_BYTES,
      6: G2_BYTES,
    };
    const lagrange: Record<number, number> = {
      12: (4 * n - 1) * G1_BYTES, // Lagrange bases for every domain 2^0 .. 2^(power+1)
      13: (2 * n - 1) * G2_BYTES,
      14: (2 * n - 1) * G1_BYTES,
      15: (2 * n - 1) * G1_BYTES,
    };
    for (const [type, size] of Object.entries(expected)) {
      const s = sections.get(Number(type));
      if (!s) throw bad(`section ${type} is missing`);
      if (s.size !== size) throw bad(`section ${type} has ${s.size} bytes, a power-${power} file has ${size}`);
    }
    const present = Object.keys(lagrange).filter((t) => sections.has(Number(t)));
    if (present.length > 0 && present.length < 4) throw bad("it is only partly prepared for phase 2 (sections 12-15)");
    for (const [type, size] of Object.entries(lagrange)) {
      const s = sections.get(Number(type));
      if (s && s.size !== size) throw bad(`section ${type} has ${s.size} bytes, a prepared power-${power} file has ${size}`);
    }
    const contributionsSection = sections.get(7);
    if (!contributionsSection) throw bad("it has no contributions section");
    const contributions = read(contributionsSection.offset, 4).readUInt32LE(0);
    return { power, ceremonyPower, contributions, prepared: present.length === 4, bytes };
  });
}

/**
 * Checks that a ptau file can serve a setup needing 2^neededPower: prepared for phase 2 (every system
 * snarkjs sets up reads the Lagrange sections) and large enough. Messages say what to do about it.
 */
export function requirePtau(file: string, header: PtauHeader, neededPower: number): void {
  if (!header.prepared) {
    throw new Error(`${file} is not prepared for phase 2; run 'snarkjs powersoftau prepare phase2 ${path.basename(file)} <out>.ptau' or use a *_final ptau file`);
  }
  if (header.power < neededPower) {
    throw new Error(`${file} holds 2^${header.power} powers but the circuit needs 2^${neededPower}; use a ptau file of power ${neededPower} or more`);
  }
}

/** sha256 and blake2b-512 of a file in one streaming pass. */
export async function hashFile(file: string): Promise<{ sha256: string; blake2b: string }> {
  const s = createHash("sha256");
  const b = createHash("blake2b512");
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 22 })) {
    s.update(chunk as Buffer);
    b.update(chunk as Buffer);
  }
  return { sha256: s.digest("hex"), blake2b: b.digest("hex") };
}

/** The per-user ptau cache; files there outlive clones of the repository. */
export function ptauCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "zk-solvency", "ptau");
}

/** Development ptau files shipped beside the repository in a shared workspace, if any. */
export const SHARED_PTAU_DIR = path.resolve(ROOT, "..", "shared", "ptau");

const sidecarOf = (file: string): string => `${file}.json`;

function readSidecar(file: string): PtauRecord | undefined {
  try {
    return JSON.parse(readFileSync(sidecarOf(file), "utf8")) as PtauRecord;
  } catch {
    return undefined;
  }
}

function writeSidecar(record: PtauRecord): void {
  writeFileAtomic(sidecarOf(record.path), toJson(record), { overwrite: true });
}

/** `dev_<k>.ptau` files in a folder with k ≥ power, smallest first (largest first if asked). */
function devFiles(dir: string, power: number, largest = false): Array<{ file: string; power: number }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => ({ f, m: /^dev_(\d+)\.ptau$/.exec(f) }))
    .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null && Number(x.m[1]) >= power)
    .map((x) => ({ file: path.join(dir, x.f), power: Number(x.m[1]) }))
    .sort((a, b) => (largest ? b.power - a.power : a.power - b.power));
}

/** A cached development file, re-hashed and compared with its record so a damaged file is never used. */
async function cachedDevPtau(power: number, log: Log, largest: boolean): Promise<PtauRecord | undefined> {
  for (const { file } of devFiles(ptauCacheDir(), power, largest)) {
    const record = readSidecar(file);
    if (!record) continue;
    const header = readPtauHeader(file);
    const hashes = await hashFile(file);
    if (hashes.sha256 !== record.sha256 || !header.prepared) {
      log(`  cached ${path.basename(file)} does not match its record; removing it`);
      rmSync(file, { force: true });
      rmSync(sidecarOf(file), { force: true });
      continue;
    }
    return { ...record, path: file };
  }
  return undefined;
}

/** Copies a shared development file into the cache after checking it against its published sha256. */
async function sharedDevPtau(power: number, log: Log, largest: boolean): Promise<PtauRecord | undefined> {
  for (const { file, power: k } of devFiles(SHARED_PTAU_DIR, power, largest)) {
    const sumFile = `${file}.sha256`;
    if (!existsSync(sumFile)) continue;
    const expected = readFileSync(sumFile, "utf8").trim().split(/\s+/)[0]!.toLowerCase();
    const header = readPtauHeader(file);
    const hashes = await hashFile(file);
    if (hashes.sha256 !== expected) {
      log(`  ${file} does not match ${path.basename(sumFile)}; not using it`);
      continue;
    }
    if (!header.prepared || header.power !== k) continue;
    const cacheDir = ptauCacheDir();
    mkdirSync(cacheDir, { recursive: true });
    const target = path.join(cacheDir, `dev_${k}.ptau`);
    await atomicOutput(target, async (tmp) => {
      try {
        linkSync(file, tmp);
      } catch {
        copyFileSync(file, tmp);
      }
    });
    const record: PtauRecord = {
      path: target,
      origin: "development: ../shared/ptau",
      development: true,
      power: header.power,
      ...hashes,
      verification: `sha256 matches ${path.relative(path.dirname(ROOT), sumFile)}`,
    };
    writeSidecar(record);
    log(`  copied ${path.relative(path.dirname(ROOT), file)} into ${cacheDir} (sha256 checked)`);
    return record;
  }
  return undefined;
}

/**
 * Makes a development ptau of the given power on this machine: a new accumulator, one contribution
 * with fresh random entropy, a beacon, and phase-2 preparation (the slow step: about 28 minutes for
 * power 16 on two cores, over a minute already for power 10).
 */
/**
 * Measured wall seconds of each step of making a development ptau on two cores, by power; each power
 * above the table about doubles the last. Used only to tell the user what to expect.
 */
export function devPtauSeconds(power: number): { total: number; prepare: number } {
  const measured: Record<number, { total: number; prepare: number }> = {
    10: { total: 81, prepare: 70 },
    12: { total: 90, prepare: 75 },
    14: { total: 270, prepare: 240 },
    16: { total: 1700, prepare: 1680 },
  };
  const known = Object.keys(measured).map(Number).filter((k) => k >= power).sort((a, b) => a - b)[0];
  if (known !== undefined) return measured[known]!;
  const scale = 2 ** (power - 16);
  return { total: measured[16]!.total * scale, prepare: measured[16]!.prepare * scale };
}

export async function generateDevPtau(power: number, log: Log, dir = ptauCacheDir()): Promise<PtauRecord> {
  mkdirSync(dir, { recursive: true });
  const target = path.join(dir, `dev_${power}.ptau`);
  const tmp = (n: number) => path.join(dir, `.dev_${power}.${process.pid}.${n}.ptau`);
  const logger = recordingLogger();
  const curve = await snark.curves.getCurveFromName("bn128");
  const expected = devPtauSeconds(power);
  log(`  no development powers-of-tau file of power ${power} in ${dir}${existsSync(SHARED_PTAU_DIR) ? ` or ${SHARED_PTAU_DIR}` : ""}:`);
  log(`  generating one now, once for this machine: expect about ${clock(expected.total)} on two cores (the cache keeps it for every later build)`);
  log(`  it has one contributor, so it is for development only: never use a setup made from it for value`);
  try {
    await timed(log, "ptau 1/4: new accumulator", () => snark.powersOfTau.newAccumulator(curve, power, tmp(0), logger));
    await timed(log, "ptau 2/4: contribution", () =>
      snark.powersOfTau.contribute(tmp(0), tmp(1), "zk-solvency development contribution", randomBytes(64).toString("hex"), logger));
    const beacon = await timed(log, "ptau 3/4: beacon", () =>
      snark.powersOfTau.beacon(tmp(1), tmp(2), "zk-solvency development beacon", DEV_PTAU_BEACON, 10, logger));
    if (beacon.value === false) throw new Error(`powers-of-tau beacon failed: ${logger.lastError() ?? "unknown error"}`);
    await atomicOutput(target, (out) => timed(log, "ptau 4/4: prepare phase 2", () => snark.powersOfTau.preparePhase2(tmp(2), out, logger), { expectSeconds: expected.prepare }));
  } finally {
    for (const n of [0, 1, 2]) rmSync(tmp(n), { force: true });
  }
  const header = readPtauHeader(target);
  const record: PtauRecord = {
    path: target,
    origin: "development: generated on this machine",
    development: true,
    power: header.power,
    ...(await hashFile(target)),
    verification: "made by this setup",
  };
  writeSidecar(record);
  return record;
}

/**
 * A development ptau of at least the given power: cached, else copied from ../shared, else generated.
 * The smallest that fits serves Groth16; PLONK and FFLONK, whose size snarkjs decides while setting up,
 * take the largest there is.
 */
export async function devPtau(power: number, log: Log, largest = false): Promise<PtauRecord> {
  const cached = await cachedDevPtau(power, log, largest);
  if (cached) return cached;
  // Another build may be copying or generating the same file: wait for it, then look again.
  return withLock(path.join(ptauCacheDir(), ".dev.lock"), "the development ptau cache", log, async () =>
    (await cachedDevPtau(power, log, largest)) ?? (await sharedDevPtau(power, log, largest)) ?? (await generateDevPtau(power, log)));
}

/**
 * A ptau file the user supplies. Structure and size are always checked. A file named like a published
 * Hermez file must have its published blake2b; any other file is verified in full by snarkjs once (the
 * result is remembered in the cache by its blake2b, so later runs only re-hash it). A file whose hash is
 * that of a known development file is recorded as development whatever its name.
 */
export async function ceremonyPtau(file: string, neededPower: number, log: Log): Promise<PtauRecord> {
  const abs = path.resolve(file);
  const header = readPtauHeader(abs);
  requirePtau(abs, header, neededPower);
  const hashes = await hashFile(abs);
  const base = { path: abs, power: header.power, ...hashes };

  const dev = knownDevelopmentHashes().get(hashes.sha256);
  if (dev) return { ...base, origin: dev, development: true, verification: "sha256 equals a development ptau's" };

  const published = HERMEZ_PTAU_BLAKE2B[path.basename(abs)];
  if (published) {
    if (published !== hashes.blake2b) {
      throw new Error(`${abs} is named like a published Hermez ptau file but its blake2b-512 is ${hashes.blake2b.slice(0, 16)}…, not the published ${published.slice(0, 16)}…; download it again`);
    }
    return { ...base, origin: `ceremony: ${abs}`, development: false, verification: "blake2b-512 equals the published hash (iden3/snarkjs README)" };
  }

  const cacheDir = ptauCacheDir();
  const recordFile = path.join(cacheDir, `ceremony-${hashes.blake2b.slice(0, 32)}.ptau`);
  const known = readSidecar(recordFile);
  if (known && known.blake2b === hashes.blake2b) return { ...known, path: abs };

  log(`  ${path.basename(abs)} is not a published file: verifying every contribution (snarkjs powersoftau verify; slow for large files)`);
  const logger = recordingLogger();
  const { value: ok } = await timed(log, "ptau: verify", () => snark.powersOfTau.verify(abs, logger));
  if (ok !== true) throw new Error(`${abs} fails powers-of-tau verification: ${logger.lastError() ?? "invalid file"}`);
  const record: PtauRecord = { ...base, origin: `ceremony: ${abs}`, development: false, verification: "snarkjs powersoftau verify passed" };
  mkdirSync(cacheDir, { recursive: true });
  writeSidecar({ ...record, path: recordFile });
  return record;
}

/** sha256 → origin of every development ptau this machine knows: the cache's records and ../shared's sums. */
function knownDevelopmentHashes(): Map<string, string> {
  const known = new Map<string, string>();
  for (const { file } of devFiles(ptauCacheDir(), 0)) {
    const r = readSidecar(file);
    if (r?.development) known.set(r.sha256, r.origin);
  }
  for (const { file } of devFiles(SHARED_PTAU_DIR, 0)) {
    const sum = `${file}.sha256`;
    if (existsSync(sum)) known.set(readFileSync(sum, "utf8").trim().split(/\s+/)[0]!.toLowerCase(), "development: ../shared/ptau");
  }
  return known;
}
