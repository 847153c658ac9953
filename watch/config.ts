/**
 * The watcher's configuration file (YAML or JSON): which roles this process plays and for which accounts.
 * Paths are relative to the file; private keys are never in it, only the names of the environment
 * variables that hold them.
 *
 *   institution:
 *     tier: maintenance            # or initial
 *     bufferBps: 1000              # alert when the ratio is within 1000 bps of the tier's ratio
 *     renewBefore: 6h              # warn this long before an attestation expires
 *     accounts:
 *       - portfolio: alice.yaml
 *         attestation: alice-attestation.json
 *         keyEnv: ALICE_KEY         # the account's own key: a solvency proof is sent by its account
 *   attester:
 *     key: attester-key.json
 *     keyEnv: ATTESTER_TX_KEY      # pays the gas of insolvency proofs
 *     attestationTtl: 24h
 *     primeKeys: true              # cache each new round's verifying key for this attester (≈96k gas a round,
 *                                  # ≈16k saved on every client's proof on it: worth it from six proofs a round)
 *     clients:
 *       - portfolio: bob.yaml       # the portfolio names its account
 *   keeper:
 *     keyEnv: KEEPER_KEY
 *     accounts: ["0x..."]          # default: every account that deposited into the venue
 */
import path from "node:path";
import { z } from "zod";
import type { Provider } from "ethers";
import { InputError, loadDocument, validate } from "../prover/files.ts";
import { loadPortfolio, checkUniverse, encodePortfolio } from "../prover/portfolio.ts";
import { universeOf, type Venue } from "../prover/venue.ts";
import { integerText } from "../prover/schema.ts";
import { loadAttestation, loadAttesterKey } from "../prover/attester.ts";
import { portfolioCommitment } from "../prover/commitments.ts";
import type { Roles } from "./types.ts";

const DURATION = /^([0-9]+)([smhd]?)$/;
const UNITS: Record<string, bigint> = { "": 1n, s: 1n, m: 60n, h: 3600n, d: 86400n };
const duration = z.string().regex(DURATION, { error: "a duration such as 90s, 30m, 6h or 1d" })
  .transform((t) => { const m = DURATION.exec(t)!; return BigInt(m[1]!) * UNITS[m[2]!]!; });
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { error: "the name of an environment variable, e.g. ALICE_KEY" });
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, { error: "a 0x-prefixed 20-byte hex address" });

// The file is read with YAML's failsafe schema (prover/files.ts): every scalar is text.
const schema = z.strictObject({
  institution: z.strictObject({
    tier: z.enum(["initial", "maintenance"]).default("maintenance"),
    bufferBps: integerText(0, 1_000_000, " bps").default(1000),
    renewBefore: duration.prefault("6h"),
    accounts: z.array(z.strictObject({ portfolio: z.string(), attestation: z.string(), keyEnv: envName })).min(1),
  }).optional(),
  attester: z.strictObject({
    key: z.string(),
    keyEnv: envName,
    attestationTtl: duration.prefault("24h"),
    primeKeys: z.boolean().default(false),
    clients: z.array(z.strictObject({ portfolio: z.string(), account: address.optional() })).min(1),
  }).optional(),
  keeper: z.strictObject({ keyEnv: envName, accounts: z.array(address).optional() }).optional(),
});

async function signer(env: string, where: string, provider: Provider) {
  const { Wallet } = await import("ethers");
  const key = process.env[env];
  if (!key) throw new InputError(`the environment variable ${env} is not set`, where, `export ${env}=0x... (the private key) before starting the watcher`);
  try {
    return new Wallet(key.trim(), provider);
  } catch {
    throw new InputError(`${env} is not a private key`, where, `set ${env} to 0x followed by 64 hex digits`);
  }
}

/** Loads the configuration and everything it names; refuses it whole if any part is wrong. */
export async function loadWatchConfig(file: string, venue: Venue, provider: Provider): Promise<Roles> {
  const doc = loadDocument(file, "watch configuration");
  const c = validate(schema, doc);
  if (!c.institution && !c.attester && !c.keeper) throw new InputError("no role configured", file, "add institution:, attester: or keeper:");
  const rel = (p: string): string => path.resolve(path.dirname(file), p);
  const encoded = (p: string) => {
    const portfolio = loadPortfolio(rel(p));
    checkUniverse(portfolio, universeOf(venue), venue.name);
    return { portfolio, encoded: encodePortfolio(portfolio, venue.instance) };
  };
  const roles: Roles = {};
  if (c.institution) {
    const accounts = [];
    for (const [i, a] of c.institution.accounts.entries()) {
      const where = doc.where(["institution", "accounts", i]);
      const { encoded: portfolio } = encoded(a.portfolio);
      const attestation = await loadAttestation(rel(a.attestation));
      if (portfolioCommitment(portfolio) !== attestation.portfolioCommitment) {
        throw new InputError("the attestation was signed for a different portfolio", rel(a.attestation), `ask the attester to sign ${a.portfolio} as it is now`);
      }
      const s = await signer(a.keyEnv, where, provider);
      const account = await s.getAddress();
      if (BigInt(account) !== attestation.account) throw new InputError(`${a.keyEnv} is the key of ${account}, not of the attested account`, where, "give the key of the account the attestation names");
      accounts.push({ account, portfolio, attestation, signer: s });
    }
    roles.institution = { tier: c.institution.tier, bufferBps: BigInt(c.institution.bufferBps), renewBeforeSeconds: c.institution.renewBefore, accounts };
  }
  if (c.attester) {
    const key = await loadAttesterKey(rel(c.attester.key));
    const clients = c.attester.clients.map((cl, i) => {
      const { portfolio, encoded: p } = encoded(cl.portfolio);
      const account = cl.account ?? portfolio.account;
      if (!account) throw new InputError("the client's account is unknown", doc.where(["attester", "clients", i]), "add account: 0x... here or in the portfolio file");
      return { account, portfolio: p };
    });
    roles.attester = { secret: key.secret, attestationTtlSeconds: c.attester.attestationTtl, primeKeys: c.attester.primeKeys, clients, signer: await signer(c.attester.keyEnv, doc.where(["attester"]), provider) };
  }
  if (c.keeper) roles.keeper = { accounts: c.keeper.accounts, signer: await signer(c.keeper.keyEnv, doc.where(["keeper"]), provider) };
  return roles;
}
