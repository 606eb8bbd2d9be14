import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

import { DEPLOYER_KEY_VAR, PUBLIC_NETWORKS, localhostUrl } from "./scripts/lib/networks.ts";

const require = createRequire(import.meta.url);
const root = path.dirname(fileURLToPath(import.meta.url));

/** Pinned compiler: the `solc` npm package's soljson.js, so compilation never downloads anything. */
export const SOLC_VERSION = "0.8.28";
const solcPackage = require("solc/package.json") as { version: string };
if (solcPackage.version !== SOLC_VERSION) {
  throw new Error(
    `hardhat.config.ts: the installed solc npm package is ${solcPackage.version} but the project pins ${SOLC_VERSION}; run the install step again`,
  );
}

const COMPILER = {
  version: SOLC_VERSION,
  path: require.resolve("solc/soljson.js"),
  settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 10_000 } },
};

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    profiles: { default: COMPILER, production: COMPILER },
  },
  paths: {
    sources: "./contracts",
    tests: { mocha: "./test", solidity: "./test" },
  },
  typechain: {
    outDir: path.join(root, "ts-sdk", "src", "typechain"),
  },
  test: {
    solidity: {
      fuzz: { runs: 256 },
      invariant: { runs: 64, depth: 32, failOnRevert: false },
    },
  },
  networks: {
    // The embedded in-process network: what `npm run demo` and the tests use.
    hardhat: { type: "edr-simulated", chainType: "l1" },
    // `npx hardhat node` on this machine (LOCALHOST_URL overrides the port, e.g. for tests).
    localhost: { type: "http", chainType: "l1", url: localhostUrl() },
    // mainnet, sepolia, holesky (MAINNET_RPC_URL, SEPOLIA_RPC_URL, HOLESKY_RPC_URL) and remote (RPC_URL): the RPC
    // URL and DEPLOYER_KEY come from the environment or `npx hardhat keystore set NAME` (scripts/lib/networks.ts).
    ...Object.fromEntries(
      Object.entries(PUBLIC_NETWORKS).map(([name, n]) => [
        name,
        { type: "http" as const, chainType: "l1" as const, url: configVariable(n.rpcVar), accounts: [configVariable(DEPLOYER_KEY_VAR)] },
      ]),
    ),
  },
});
