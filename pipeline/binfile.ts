/**
 * The iden3 binary container that ptau, r1cs and zkey files share: a 4-byte magic, a version, and a
 * table of typed sections. Reading only the table and a header is instant even for a file of gigabytes,
 * so the setup checks its inputs before any slow step touches them.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

export interface Section { type: number; offset: number; size: number }

export interface BinFile {
  file: string;
  bytes: number;
  sections: Map<number, Section>;
  read(offset: number, length: number): Buffer;
}

/**
 * Opens a container, checks its magic and version 1 and that its sections tile the file exactly, and
 * passes it to `use`. `what` names the kind of file in error messages.
 */
export function withBinFile<T>(file: string, magic: string, what: string, use: (f: BinFile) => T): T {
  const bad = (why: string) => new Error(`${file} is not a valid ${what}: ${why}`);
  const fd = openSync(file, "r");
  try {
    const bytes = fstatSync(fd).size;
    const read = (offset: number, length: number): Buffer => {
      const buf = Buffer.alloc(length);
      if (offset + length > bytes || readSync(fd, buf, 0, length, offset) !== length) throw bad("it ends early (truncated?)");
      return buf;
    };
    const head = read(0, 12);
    if (head.toString("latin1", 0, 4) !== magic) throw bad(`it does not start with the '${magic}' magic`);
    if (head.readUInt32LE(4) !== 1) throw bad(`unsupported format version ${head.readUInt32LE(4)}`);
    const sections = new Map<number, Section>();
    let pos = 12;
    for (let i = 0, n = head.readUInt32LE(8); i < n; i++) {
      const h = read(pos, 12);
      const s = { type: h.readUInt32LE(0), offset: pos + 12, size: Number(h.readBigUInt64LE(4)) };
      if (sections.has(s.type)) throw bad(`section ${s.type} appears twice`);
      sections.set(s.type, s);
      pos = s.offset + s.size;
    }
    if (pos !== bytes) throw bad(`its sections cover ${pos} bytes but the file has ${bytes} (truncated or padded)`);
    return use({ file, bytes, sections, read });
  } finally {
    closeSync(fd);
  }
}

/** Reads a little-endian field element of n8 bytes. */
export function readLE(buf: Buffer, offset: number, n8: number): bigint {
  let v = 0n;
  for (let i = n8 - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[offset + i]!);
  return v;
}

export interface R1csHeader {
  prime: bigint;
  wires: number;
  outputs: number;
  publicInputs: number;
  privateInputs: number;
  constraints: number;
}

/** The header of a circom .r1cs file (section 1). */
export function readR1csHeader(file: string): R1csHeader {
  return withBinFile(file, "r1cs", "r1cs file", (f) => {
    const s = f.sections.get(1);
    if (!s) throw new Error(`${file} is not a valid r1cs file: it has no header section`);
    const h = f.read(s.offset, s.size);
    const n8 = h.readUInt32LE(0);
    const at = 4 + n8;
    return {
      prime: readLE(h, 4, n8),
      wires: h.readUInt32LE(at),
      outputs: h.readUInt32LE(at + 4),
      publicInputs: h.readUInt32LE(at + 8),
      privateInputs: h.readUInt32LE(at + 12),
      constraints: h.readUInt32LE(at + 24), // after nLabels (u64)
    };
  });
}
