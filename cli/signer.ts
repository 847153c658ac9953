/**
 * The transaction signer of the on-chain commands: a private key from the environment
 * (SOLVENCY_PRIVATE_KEY) or an encrypted JSON keystore (--keystore FILE) whose password comes from
 * SOLVENCY_KEYSTORE_PASSWORD or a hidden prompt. A key is never taken from a flag: flags end up in
 * shell history and process listings.
 */
import type { Provider, Signer } from "ethers";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { InputError, readText } from "../prover/files.ts";

export interface SignerOptions { keystore?: string }

/** Reads a line from the terminal without echoing it. */
async function promptHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new InputError("no keystore password", "SOLVENCY_KEYSTORE_PASSWORD", "set SOLVENCY_KEYSTORE_PASSWORD, or run in a terminal to be asked for it");
  }
  process.stderr.write(question);
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  try {
    return await new Promise<string>((resolve) => rl.question("", resolve));
  } finally {
    rl.close();
    process.stderr.write("\n");
  }
}

/** The signing key; `provider` null for offline signing (solvency oracle sign). */
export async function signerFrom(o: SignerOptions, provider: Provider | null): Promise<Signer> {
  const { Wallet } = await import("ethers");
  const envKey = process.env.SOLVENCY_PRIVATE_KEY;
  if (o.keystore) {
    const json = readText(o.keystore, "keystore file");
    const password = process.env.SOLVENCY_KEYSTORE_PASSWORD ?? (await promptHidden(`password for ${o.keystore}: `));
    try {
      return (await Wallet.fromEncryptedJson(json, password)).connect(provider);
    } catch (err) {
      const m = (err as Error).message;
      if (/password/i.test(m)) throw new InputError("wrong keystore password", o.keystore, "check SOLVENCY_KEYSTORE_PASSWORD or the password typed");
      throw new InputError("the keystore is not an encrypted JSON wallet", o.keystore, "give a keystore made by solvency account new, geth or ethers");
    }
  }
  if (envKey) {
    try {
      return new Wallet(envKey.trim(), provider);
    } catch {
      throw new InputError("SOLVENCY_PRIVATE_KEY is not a private key", "SOLVENCY_PRIVATE_KEY", "set it to 0x followed by 64 hex digits");
    }
  }
  throw new InputError("no signing key", "environment", "set SOLVENCY_PRIVATE_KEY, or pass --keystore FILE (password from SOLVENCY_KEYSTORE_PASSWORD or a prompt)");
}

/** Encrypts a private key into a keystore (scrypt, as geth and ethers write them). */
export async function encryptKey(privateKey: string, password: string): Promise<{ address: string; json: string }> {
  const { Wallet } = await import("ethers");
  const w = new Wallet(privateKey);
  return { address: w.address, json: await w.encrypt(password) };
}
