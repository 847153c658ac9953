/**
 * "Did you mean": an option the command does not know, told with the closest one it does, before
 * commander would report something else first (a missing required option).
 */
import type { Command } from "commander";

/** Edit distance (insertions, deletions, substitutions, adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The known name closest to `name`, if close enough to be a slip (distance ≤ 2, or ≤ a third of its length). */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const k of known) {
    const distance = editDistance(name, k);
    if (!best || distance < best.distance) best = { name: k, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined;
}

/** The subcommand `args` select, and the arguments after its name. */
function target(program: Command, args: readonly string[]): { cmd: Command; rest: string[] } {
  let cmd = program;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--" || a.startsWith("-")) break;
    const sub = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (!sub) break;
    cmd = sub;
  }
  return { cmd, rest: args.slice(i) };
}

const path = (c: Command): string => {
  const names: string[] = [];
  for (let x: Command | null = c; x; x = x.parent) names.unshift(x.name());
  return names.join(" ");
};

/**
 * The first long option in `args` that the selected command does not know, as a usage problem with a
 * suggestion; undefined when all are known (or the command passes unknown options on).
 */
export function misspeltOption(program: Command, args: readonly string[]): { problem: string; where: string } | undefined {
  const { cmd, rest } = target(program, args);
  if ((cmd as unknown as { _allowUnknownOption?: boolean })._allowUnknownOption) return undefined;
  const known = [...cmd.options.map((o) => o.long).filter((l): l is string => !!l), "--help"];
  if (cmd === program) known.push("--version");
  for (const a of rest) {
    if (a === "--") break;
    if (!a.startsWith("--")) continue;
    const name = a.split("=")[0]!;
    if (known.includes(name)) continue;
    const near = closest(name, known);
    return { problem: `unknown option '${name}'${near ? ` (did you mean ${near}?)` : ""}`, where: path(cmd) };
  }
  return undefined;
}
