/**
 * Hardhat configuration: Solidity 0.8.28 from the npm `solc` package (no compiler download needed),
 * optimised, cancun; the local simulated chain keeps chain id 31337, the domain the tests prove for.
 */
import { createRequire } from "node:module";
import { defineConfig } from "hardhat/config";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";

const require = createRequire(import.meta.url);

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    version: "0.8.28",
    path: require.resolve("solc/soljson.js"),
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun" },
  },
  paths: { sources: "./contracts", tests: { mocha: "./test" } },
});
