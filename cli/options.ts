/**
 * Parsing of command-line values (integers, addresses, tiers) into the library's types, and the
 * sources of a venue: a venue file or a deployment file that embeds one. Every bad value becomes one
 * InputError naming the flag.
 */
import { getAddress } from "ethers/address";
import { InputError } from "../prover/files.ts";
import { loadVenue, type Venue } from "../prover/venue.ts";
import { loadDeployment, type Deployment } from "../verifier/deployment.ts";
import { projectDefaults, CONFIG_FILE } from "./config.ts";

export function parseUint(text: string, flag: string, max?: bigint): bigint {
  const t = text.trim();
  if (!/^(?:[0-9]+|0x[0-9a-fA-F]+)$/.test(t)) throw new InputError(`'${text}' is not a non-negative integer`, flag, "write decimal digits, e.g. 12");
  const v = BigInt(t);
  if (max !== undefined && v > max) throw new InputError(`${text} is above ${max}`, flag, `give a value up to ${max}`);
  return v;
}

const DURATION_UNITS: Record<string, bigint> = { s: 1n, m: 60n, h: 3600n, d: 86400n, w: 604800n };

/** A duration such as 90s, 30m, 24h, 7d or 2w (or plain seconds), in seconds; positive and at most `max`. */
export function parseDuration(text: string, flag: string, max?: bigint): bigint {
  const m = /^([0-9]+)([smhdw]?)$/.exec(text.trim());
  if (!m) throw new InputError(`'${text}' is not a duration`, flag, "write a number with a unit: 90s, 30m, 24h, 7d or 2w");
  const seconds = BigInt(m[1]!) * DURATION_UNITS[m[2] || "s"]!;
  if (seconds === 0n) throw new InputError("the duration is zero", flag, "give a positive duration, e.g. 24h");
  if (max !== undefined && seconds > max) throw new InputError(`${text} is longer than ${max} seconds`, flag, `give at most ${max / 86400n}d`);
  return seconds;
}

export function parseAddress(text: string, flag: string): string {
  try {
    return getAddress(text.trim());
  } catch {
    throw new InputError(`'${text}' is not an Ethereum address`, flag, "write 0x followed by 40 hex digits");
  }
}

export type Tier = "initial" | "maintenance";
export function parseTier(text: string): Tier {
  if (text === "initial" || text === "maintenance") return text;
  throw new InputError(`unknown tier '${text}'`, "--tier", "use initial or maintenance");
}

export type Claim = "solvent" | "insolvent";
export function parseClaim(text: string): Claim {
  if (text === "solvent" || text === "insolvent") return text;
  throw new InputError(`unknown claim '${text}'`, "--claim", "use solvent or insolvent");
}

export interface VenueSource { venue?: string; deployment?: string }

/**
 * The venue from --venue, or the one embedded in --deployment (by default the project's deployment:
 * SOLVENCY_DEPLOYMENT or solvency.config.json); refuses both flags, or none without a default.
 */
export function venueFrom(o: VenueSource): { venue: Venue; deployment?: Deployment } {
  if (o.venue && o.deployment) throw new InputError("both --venue and --deployment were given", "command line", "give one: a deployment file already holds its venue");
  if (o.venue) return { venue: loadVenue(o.venue) };
  const file = o.deployment ?? projectDefaults().deployment;
  if (file) {
    const deployment = loadDeployment(file);
    return { venue: deployment.venue, deployment };
  }
  throw new InputError("no venue given", "command line", `pass --venue FILE (the venue file) or --deployment FILE (written by solvency deploy), or set SOLVENCY_DEPLOYMENT or ${CONFIG_FILE}`);
}

/** Unix time now, in seconds. */
export const nowSeconds = (): bigint => BigInt(Math.floor(Date.now() / 1000));
