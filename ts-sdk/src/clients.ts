import { Interface, getAddress, type ContractRunner, type Provider } from "ethers";

import { CONTRACT_ABIS, contractClient, type ContractName, type ContractTypes } from "./registry.js";
import { InvalidInputError, check, guard } from "./errors.js";
import { parseDeployment, type Deployment } from "./deployment.js";
import type { Address } from "./types.js";

/** Typed clients for every contract the SDK knows, bound to a deployment. */
export type StackContracts = { readonly [K in ContractName]: ContractTypes[K] };

/** What {@link connect} returns. */
export interface Stack {
  /** The validated deployment record. */
  readonly deployment: Deployment;
  /** Typed contract clients; reading one the deployment lacks throws an {@link InvalidInputError}. */
  readonly contracts: StackContracts;
  /** The runner the clients were bound to. */
  readonly runner: ContractRunner;
  /** Whether the deployment records `name`. */
  has(name: ContractName | (string & {})): boolean;
  /** The deployed address of `name`: an SDK contract or any other name the record holds (e.g. `TestToken`). */
  address(name: ContractName | (string & {})): Address;
}

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** When the runner has a provider, refuse a deployment made for another chain (default true). */
  readonly checkChainId?: boolean;
  /**
   * When the runner has a provider, check in one batched round of `eth_getCode` that every recorded address holds
   * code and that each SDK contract's code has every function of its ABI (default true).
   */
  readonly verifyCode?: boolean;
}

/** Names of all contracts the SDK has typed clients for. */
export const CONTRACT_NAMES = Object.keys(CONTRACT_ABIS) as ContractName[];

const selectorCache = new Map<ContractName, string[]>();

/** The function selectors of `name`'s ABI, without leading zero bytes (solc pushes them with the shortest PUSH). */
function selectors(name: ContractName): string[] {
  let out = selectorCache.get(name);
  if (out === undefined) {
    const found: string[] = [];
    new Interface(CONTRACT_ABIS[name]).forEachFunction((f) => found.push(f.selector.slice(2).replace(/^(00)+/, "")));
    out = found;
    selectorCache.set(name, out);
  }
  return out;
}

/**
 * Why the code at a recorded address is not the contract the record names, or null when it is.
 * @param name the deployment name
 * @param code the runtime code read from the chain
 */
export function codeMismatch(name: string, code: string): string | null {
  if (code === "0x" || code === "") return "holds no code";
  if (!(name in CONTRACT_ABIS)) return null;
  const hex = code.toLowerCase();
  const missing = selectors(name as ContractName).filter((s) => !hex.includes(s));
  return missing.length === 0 ? null : `holds code that lacks ${missing.length} of the ${name} functions (another contract or an older build)`;
}

async function checkChain(provider: Provider, dep: Deployment): Promise<void> {
  const { chainId } = await provider.getNetwork();
  if (chainId !== BigInt(dep.chainId)) {
    throw new InvalidInputError("deployment.chainId", `the deployment is for chain ${dep.chainId} (${dep.network}) but the runner is connected to chain ${chainId}`);
  }
}

async function verifyCode(provider: Provider, dep: Deployment): Promise<void> {
  const entries = Object.entries(dep.contracts);
  const codes = await Promise.all(entries.map(([, c]) => provider.getCode(c.address)));
  entries.forEach(([name, c], i) => {
    const why = codeMismatch(name, codes[i]!);
    if (why !== null) {
      throw new InvalidInputError(
        `deployment.contracts.${name}`,
        `the recorded address ${c.address} ${why} on chain ${dep.chainId}: the deployment record is wrong or stale (was the chain reset?); deploy again with \`npm run deploy -- --network ${dep.network}\` or fix the record`,
      );
    }
  });
}

/**
 * Binds typed clients to a deployment, after checking it against the chain.
 *
 * @param runner a signer (to send transactions) or provider (read-only)
 * @param deployment a parsed deployment or its JSON text (in Node, `@sovereign-stack/sdk/node` also takes a path)
 * @param options see {@link ConnectOptions}
 * @throws InvalidInputError naming the bad or stale field (`deployment.chainId`, `deployment.contracts.<Name>`)
 * @throws RpcError when the node cannot be reached
 */
export async function connect(runner: ContractRunner, deployment: Deployment | string, options: ConnectOptions = {}): Promise<Stack> {
  check(runner !== null && typeof runner === "object", "runner", "must be an ethers Signer or Provider");
  check(
    typeof deployment !== "string" || deployment.trimStart().startsWith("{"),
    "deployment",
    "must be a deployment record or its JSON text; to read a file, import connect or readDeployment from @sovereign-stack/sdk/node",
  );
  const dep = parseDeployment(deployment);
  const provider: Provider | null = runner.provider ?? null;
  if (provider !== null) {
    await guard(async () => {
      if (options.checkChainId !== false) await checkChain(provider, dep);
      if (options.verifyCode !== false) await verifyCode(provider, dep);
    });
  }
  const cache = new Map<ContractName, unknown>();
  const address = (name: string): Address => {
    const entry = dep.contracts[name];
    if (entry === undefined) {
      throw new InvalidInputError(`deployment.contracts.${name}`, `is missing from the ${dep.network} deployment; run \`npm run deploy -- --network ${dep.network}\``);
    }
    return getAddress(entry.address) as Address;
  };
  const contracts = {} as StackContracts;
  for (const name of CONTRACT_NAMES) {
    Object.defineProperty(contracts, name, {
      enumerable: true,
      get() {
        if (!cache.has(name)) cache.set(name, contractClient(name, address(name), runner));
        return cache.get(name);
      },
    });
  }
  return { deployment: dep, contracts, runner, has: (name) => dep.contracts[name] !== undefined, address };
}
