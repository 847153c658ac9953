/**
 * Checks a command makes before its first transaction or its first slow step, so that nothing it is
 * told is lost: the output file can be written (it does not exist unless --force, its folder exists
 * and is writable), and private files are not open to others.
 */
import { accessSync, constants, existsSync, statSync } from "node:fs";
import path from "node:path";
import { InputError } from "../prover/files.ts";
import type { Output } from "./output.ts";

/** Refuses an output file that writeFileAtomic would refuse later, and a folder it could not write. */
export function checkOutputFile(file: string, force: boolean, flag: string): void {
  const dir = path.dirname(path.resolve(file));
  if (!existsSync(dir)) throw new InputError("the output directory does not exist", `${flag} ${file}`, `create ${dir} first or choose another path`);
  if (existsSync(file)) {
    if (statSync(file).isDirectory()) throw new InputError("the output path is a directory", `${flag} ${file}`, "give a file name");
    if (!force) throw new InputError("the output file already exists", `${flag} ${file}`, "choose another path, or pass --force to replace it");
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new InputError("the output directory is not writable", `${flag} ${file}`, "check the directory's permissions or choose another path");
  }
}

/** Warns when a file of private data (a portfolio: balances and salt) can be read by the group or others. */
export function warnIfShared(out: Output, file: string, what: string): void {
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
  } catch {
    return; // the loader reports a missing file
  }
  if (mode & 0o077) out.warn(`${file} is readable by others (mode ${mode.toString(8).padStart(4, "0")}) but holds the ${what}: restrict it with chmod 600 ${file}`);
}
