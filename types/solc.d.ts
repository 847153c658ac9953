// Minimal typings for the part of the solc npm package (solc-js) the benchmark uses: the standard-JSON compiler.
declare module "solc" {
  /** Compiles a standard-JSON input (as text) and returns the standard-JSON output (as text). */
  export function compile(input: string): string;
  export function version(): string;
  const solc: { compile: typeof compile; version: typeof version };
  export default solc;
}
