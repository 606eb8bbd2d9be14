/**
 * Opening a Hardhat network by name from a plain Node script, with errors that say what to fix.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkConnection } from "hardhat/types/network";

import config, { SOLC_VERSION } from "../../hardhat.config.ts";
import { DeployError, deployStack, type Component, type DeployResult } from "./deployer.ts";
import { DEPLOYER_KEY_VAR, DEPLOY_NETWORKS, PUBLIC_NETWORKS, isInteractive, rpcHost } from "./networks.ts";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The project's Hardhat runtime, rooted at the repository whatever the working directory. */
export const hre = await createHardhatRuntimeEnvironment(config, {}, ROOT);
export { SOLC_VERSION };

/** Networks whose state is throwaway: the embedded EDR network and `npx hardhat node`. */
export function isLocalNetwork(name: string): boolean {
  const cfg = hre.config.networks[name];
  if (cfg === undefined) return false;
  if (cfg.type === "edr-simulated") return true;
  return name === "localhost";
}

export interface OpenNetwork {
  readonly name: string;
  readonly connection: NetworkConnection;
  readonly ethers: HardhatEthers;
  readonly chainId: number;
  readonly local: boolean;
  signers(): Promise<HardhatEthersSigner[]>;
}

/** The configuration variables a network needs that the environment does not hold. */
function missingVariables(name: string): string[] {
  const pub = PUBLIC_NETWORKS[name];
  if (pub === undefined) return [];
  return [pub.rpcVar, DEPLOYER_KEY_VAR].filter((v) => (process.env[v] ?? "") === "");
}

/** Opens a network from hardhat.config.ts. Throws a DeployError that names the fix. */
export async function openNetwork(name: string): Promise<OpenNetwork> {
  const known = Object.keys(hre.config.networks);
  if (!known.includes(name) || !DEPLOY_NETWORKS.includes(name)) {
    throw new DeployError(`--network ${name} does not exist; choose one of: ${DEPLOY_NETWORKS.join(", ")} (see hardhat.config.ts)`);
  }
  const missing = missingVariables(name);
  if (missing.length > 0 && !isInteractive()) {
    // Hardhat would open its keystore and prompt for the password, which blocks (or dies) without a terminal.
    throw new DeployError(
      `network ${name} needs ${missing.join(" and ")}, not set in the environment; a non-interactive run (no terminal, or CI) does not prompt for the Hardhat keystore password: export ${missing.map((v) => `${v}=…`).join(" ")}`,
    );
  }
  let connection: NetworkConnection;
  try {
    connection = await hre.network.create({ network: name });
  } catch (e) {
    const msg = (e as Error).message;
    const variable = /Configuration Variable ['"]?([A-Z0-9_]+)/i.exec(msg)?.[1];
    if (variable !== undefined) {
      throw new DeployError(
        `network ${name} needs the configuration variable ${variable}: export ${variable}=… or store it with \`npx hardhat keystore set ${variable}\``,
      );
    }
    throw new DeployError(`cannot open network ${name}: ${msg.split("\n")[0]}`);
  }
  const { ethers } = connection;
  let chainId: number;
  try {
    chainId = Number((await ethers.provider.getNetwork()).chainId);
  } catch (e) {
    const msg = (e as Error).message;
    // a configuration variable that could not be resolved is not the RPC's fault
    const variable = /(?:Configuration Variable|variable)\s+['"]?([A-Z][A-Z0-9_]+)['"]?.*not (?:found|set)|([A-Z][A-Z0-9_]+) not found/i.exec(msg);
    const v = variable?.[1] ?? variable?.[2];
    if (v !== undefined) {
      throw new DeployError(`network ${name} needs ${v}: export ${v}=… or store it with \`npx hardhat keystore set ${v}\``);
    }
    const cfg = hre.config.networks[name];
    const url = cfg?.type === "http" && typeof cfg.url === "string" ? cfg.url : undefined;
    const where = cfg?.type === "http" ? ` at ${url === undefined ? "its RPC URL" : rpcHost(url)}` : "";
    const pub = PUBLIC_NETWORKS[name];
    throw new DeployError(
      `network ${name} does not answer${where} (${msg.split("\n")[0]}); ${name === "localhost" ? "start it with `npx hardhat node`" : `check ${pub?.rpcVar ?? "its RPC URL"}`}`,
    );
  }
  const expected = PUBLIC_NETWORKS[name]?.chainId;
  if (expected !== undefined && expected !== chainId) {
    throw new DeployError(`the RPC URL of ${name} (${PUBLIC_NETWORKS[name]!.rpcVar}) answers chain ${chainId}, not ${name} (chain ${expected}); check it`);
  }
  return {
    name,
    connection,
    ethers,
    chainId,
    local: isLocalNetwork(name),
    async signers() {
      const s = await ethers.getSigners();
      if (s.length === 0) throw new DeployError(`network ${name} has no account to sign with: set DEPLOYER_KEY (environment or \`npx hardhat keystore set DEPLOYER_KEY\`)`);
      return s;
    },
  };
}

/** The current git commit, or "unknown" outside a checkout. */
export function gitCommit(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
    return dirty.length > 0 ? `${head}-dirty` : head;
  } catch {
    return "unknown";
  }
}

/** Deploys `components` to an open network with the project's artifacts. */
export async function deployTo(
  net: OpenNetwork,
  components: readonly Component[],
  opts: { force?: boolean; outFile: string | null; log?: (l: string) => void },
): Promise<DeployResult> {
  const [deployer] = await net.signers();
  return deployStack({
    network: net.name,
    deployer: deployer!,
    provider: net.ethers.provider,
    readArtifact: (n) => hre.artifacts.readArtifact(n),
    components,
    force: opts.force ?? false,
    local: net.local,
    solcVersion: SOLC_VERSION,
    gitCommit: gitCommit(),
    outFile: opts.outFile,
    log: opts.log,
  });
}

/** deployments/<network>.json under the project root. */
export function deploymentFile(network: string): string {
  return path.join(ROOT, "deployments", `${network}.json`);
}
