/**
 * The networks an operator names on the command line. Light on purpose (no Hardhat, no ethers): the CLIs read
 * it before deciding whether they need anything heavier, and hardhat.config.ts builds its networks from it.
 */

export interface PublicNetwork {
  /** Chain id the endpoint must answer; undefined for `remote` (any chain). */
  readonly chainId?: number;
  /** Environment variable (or Hardhat keystore entry) holding the RPC URL. */
  readonly rpcVar: string;
  readonly description: string;
}

/** Public networks: their RPC URL comes from an environment variable (or the Hardhat keystore). */
export const PUBLIC_NETWORKS: Readonly<Record<string, PublicNetwork>> = {
  mainnet: { chainId: 1, rpcVar: "MAINNET_RPC_URL", description: "Ethereum mainnet" },
  sepolia: { chainId: 11155111, rpcVar: "SEPOLIA_RPC_URL", description: "Sepolia testnet" },
  holesky: { chainId: 17000, rpcVar: "HOLESKY_RPC_URL", description: "Holesky testnet" },
  remote: { rpcVar: "RPC_URL", description: "any endpoint, RPC_URL" },
};

/** `npx hardhat node` on this machine; LOCALHOST_URL overrides the URL (tests use another port). */
export function localhostUrl(): string {
  return process.env.LOCALHOST_URL ?? "http://127.0.0.1:8545";
}

/** Names the exit tool accepts (the embedded `hardhat` network has no state between two commands). */
export const EXIT_NETWORKS: readonly string[] = [...Object.keys(PUBLIC_NETWORKS), "localhost"];
/** Names the deploy tool accepts. */
export const DEPLOY_NETWORKS: readonly string[] = [...EXIT_NETWORKS, "hardhat"];

/** The default gas-paying key of commands that send a transaction anyone may send. */
export const RELAYER_KEY_VAR = "RELAYER_KEY";
/** The default signing key of a council member. */
export const COUNCIL_KEY_VAR = "COUNCIL_KEY";
/** The deployer's key on public networks. */
export const DEPLOYER_KEY_VAR = "DEPLOYER_KEY";

/** The host (and port) of an RPC URL: what a header may show (paths and queries often carry API keys). */
export function rpcHost(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return "(unparsable URL)";
  }
}

/** Whether the process may ask the operator a question: a terminal on stdin and not CI. */
export function isInteractive(): boolean {
  const ci = process.env.CI;
  return process.stdin.isTTY === true && (ci === undefined || ci === "" || ci === "false" || ci === "0");
}
