/**
 * `solvency setup` (the trusted setup of circuit instances, through scripts/setup.ts) and
 * `solvency audit` (the audit report, through verifier/audit.ts).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { action, common, type CommonOptions } from "../command.ts";
import { parseUint } from "../options.ts";
import { CliError, EXIT } from "../output.ts";
import { manifest, instance as instanceSpec, defaultInstances } from "../../prover/artifacts.ts";
import { PROOF_SYSTEMS, type ProofSystem } from "../../prover/setup-info.ts";
import { InputError } from "../../prover/files.ts";
import { rpcUrl } from "../config.ts";

interface SetupCliOptions extends CommonOptions { all?: boolean; system: string; ptau?: string; beacon?: string; beaconIterations?: string; force?: boolean }

const AUDIT_MODULE = fileURLToPath(new URL("../../verifier/audit.ts", import.meta.url));

export function registerBuild(program: Command): void {
  common(program.command("setup"))
    .description("run the trusted setup of circuit instances (default: the manifest's default instances)")
    .argument("[instances...]", `instance names (${manifest.instances.map((i) => i.name).join(", ")})`)
    .option("--all", "every instance in circuits/manifest.json")
    .option("--system <system>", `proof system (${PROOF_SYSTEMS.join(", ")})`, "groth16")
    .option("--ptau <file>", "a powers-of-tau file from a public ceremony (without it the setup is development-only)")
    .option("--beacon <hex>", "the phase-2 beacon: a value nobody could know in advance, e.g. a future block hash")
    .option("--beacon-iterations <n>", "log2 of the beacon's hash iterations")
    .option("-f, --force", "redo the setup even if it is up to date")
    .action(action<[string[]], SetupCliOptions>(async (out, names, o) => {
      if (!(PROOF_SYSTEMS as readonly string[]).includes(o.system)) throw new InputError(`unknown proof system '${o.system}'`, "--system", `use one of ${PROOF_SYSTEMS.join(", ")}`);
      const selected = o.all ? manifest.instances : names.length ? names.map((n) => {
        try {
          return instanceSpec(n);
        } catch (err) {
          throw new InputError((err as Error).message, "<instances>", "name an instance from circuits/manifest.json");
        }
      }) : defaultInstances();
      const { setup, DEFAULT_BEACON_ITERATIONS } = await import("../../pipeline/setup.ts");
      const opts = {
        system: o.system as ProofSystem, ptau: o.ptau, beacon: o.beacon, force: !!o.force,
        beaconIterations: o.beaconIterations ? Number(parseUint(o.beaconIterations, "--beacon-iterations", 63n)) : DEFAULT_BEACON_ITERATIONS,
      };
      const results = [];
      for (const inst of selected) {
        const info = await out.step(`setting up ${inst.name} (${o.system})`, () => setup(inst, opts, (line) => out.note(line)));
        results.push({ instance: inst.name, system: info.system, development: info.development, constraints: info.circuit.constraints, zkeySha256: info.zkey.sha256 });
      }
      out.result({ setups: results }, results.map((r) => `${r.instance} (${r.system}): ${r.constraints} constraints, ${r.development ? "DEVELOPMENT setup: not for value" : "production setup"}, zkey sha256 ${r.zkeySha256}`));
    }));

  common(program.command("audit"))
    .description("audit circuits, trusted setup, verifiers and (--deployment FILE --rpc URL) a whole deployment (solvency audit -- --help lists its flags)")
    .argument("[args...]", "the audit's own arguments (see solvency audit -- --help)")
    .allowUnknownOption()
    .action(action<[string[]], CommonOptions>(async (out, args, o) => {
      if (!existsSync(AUDIT_MODULE)) {
        throw new CliError("the audit module is not part of this build", "verifier/audit.ts", "update the project to a version that includes the audit", EXIT.input);
      }
      type Report = { instances?: Array<{ instance: string; passed: boolean; incomplete?: boolean; findings?: Array<{ severity: string; status: string; title: string }> }> };
      const mod = (await import(AUDIT_MODULE)) as { runAudit?: (args: string[], opts: { json: boolean; log: (l: string) => void }) => Promise<{ ok: boolean; report?: Report; lines?: string[]; files?: string[] }> };
      if (typeof mod.runAudit !== "function") {
        throw new CliError("verifier/audit.ts does not export runAudit(args, opts)", "verifier/audit.ts", "update the project: the CLI calls runAudit", EXIT.input);
      }
      // The deployment's RPC endpoint, like every on-chain command's, defaults to SOLVENCY_RPC or solvency.config.json.
      if (args.includes("--deployment") && !args.includes("--rpc")) args = [...args, "--rpc", rpcUrl(undefined)];
      const r = await mod.runAudit(args, { json: !!o.json, log: (l) => out.note(l) });
      out.result({ passed: r.ok, files: r.files ?? [], report: r.report ?? null }, r.lines ?? []);
      if (!r.ok) {
        const instances = r.report?.instances ?? [];
        const failed = instances.filter((i) => !i.passed && !i.incomplete);
        const findings = instances.flatMap((i) => (i.findings ?? []).filter((f) => f.status === (failed.length ? "fail" : "skipped")).map((f) => `${f.severity}: ${f.title.toLowerCase()}`));
        if (failed.length) throw new CliError(`the audit failed: ${findings.join("; ") || failed.map((i) => i.instance).join(", ")}`, "audit report", "read the findings in the report and fix each", EXIT.claim);
        throw new CliError(`the audit is incomplete: not checked: ${findings.join("; ")}`, "audit report", "run it without the --skip-… flags to complete it", EXIT.claim);
      }
    }));
}
