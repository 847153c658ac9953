/**
 * Project defaults for the flags every on-chain command repeats, as Hardhat and Foundry keep them:
 * `--deployment` and `--rpc` come from the command line, else from the environment (SOLVENCY_DEPLOYMENT,
 * SOLVENCY_RPC), else from a `solvency.config.json` in the working directory or the nearest folder
 * above it:
 *
 *   { "deployment": "deployment.json", "rpc": "http://127.0.0.1:8545" }
 *
 * A path in the config file is relative to the file's folder. Read when a command runs, so a broken
 * config file never stands in the way of --help.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { InputError } from "../prover/files.ts";

export const CONFIG_FILE = "solvency.config.json";
export const DEFAULT_RPC = "http://127.0.0.1:8545";

export interface ProjectDefaults {
  deployment?: string;
  rpc?: string;
  /** where each value came from, for messages: "SOLVENCY_RPC", "/path/solvency.config.json" */
  from: { deployment?: string; rpc?: string };
}

const schema = z.strictObject({
  deployment: z.string().min(1).optional(),
  rpc: z.string().min(1).optional(),
});

/** The nearest solvency.config.json from `dir` upwards, if any. */
export function findConfigFile(dir: string = process.cwd()): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const f = path.join(d, CONFIG_FILE);
    if (existsSync(f)) return f;
    if (path.dirname(d) === d) return undefined;
  }
}

function readConfigFile(file: string): z.infer<typeof schema> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new InputError(`not valid JSON (${(err as Error).message})`, file, `fix the file, e.g. {"deployment": "deployment.json", "rpc": "${DEFAULT_RPC}"}`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length ? ` ${issue.path.join(".")}` : "";
    throw new InputError(issue.code === "unrecognized_keys" ? `unknown key ${issue.keys.map((k) => `'${k}'`).join(", ")}` : issue.message, `${file}${at}`,
      "the file holds only \"deployment\" (a path) and \"rpc\" (a URL)");
  }
  return parsed.data;
}

/** The defaults from the environment and the config file (the environment wins). */
export function projectDefaults(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): ProjectDefaults {
  const out: ProjectDefaults = { from: {} };
  const file = findConfigFile(cwd);
  if (file) {
    const c = readConfigFile(file);
    if (c.deployment) {
      out.deployment = path.resolve(path.dirname(file), c.deployment);
      out.from.deployment = file;
    }
    if (c.rpc) {
      out.rpc = c.rpc;
      out.from.rpc = file;
    }
  }
  if (env.SOLVENCY_DEPLOYMENT) {
    out.deployment = env.SOLVENCY_DEPLOYMENT;
    out.from.deployment = "SOLVENCY_DEPLOYMENT";
  }
  if (env.SOLVENCY_RPC) {
    out.rpc = env.SOLVENCY_RPC;
    out.from.rpc = "SOLVENCY_RPC";
  }
  return out;
}

/** The deployment file: the flag, else the project default; refuses when there is none. */
export function deploymentFile(flag: string | undefined): string {
  const file = flag ?? projectDefaults().deployment;
  if (!file) {
    throw new InputError("no deployment given", "command line",
      `pass --deployment FILE (written by solvency deploy), or set SOLVENCY_DEPLOYMENT, or write {"deployment": "FILE"} to ${CONFIG_FILE}`);
  }
  return file;
}

/** The RPC endpoint: the flag, else the project default, else the local node. */
export const rpcUrl = (flag: string | undefined): string => flag ?? projectDefaults().rpc ?? DEFAULT_RPC;

export const DEPLOYMENT_HELP = `deployment file (from solvency deploy; default: SOLVENCY_DEPLOYMENT or ${CONFIG_FILE})`;
export const RPC_HELP = `JSON-RPC endpoint (default: SOLVENCY_RPC, ${CONFIG_FILE}, or ${DEFAULT_RPC})`;
