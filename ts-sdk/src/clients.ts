import type { ContractRunner, Provider } from "ethers";

import { CONTRACT_FACTORIES, type ContractName } from "./registry.js";
import { SdkInputError, check } from "./errors.js";
import { parseDeployment, readDeployment, type Deployment } from "./deployment.js";

type Factories = typeof CONTRACT_FACTORIES;

/** Typed clients for every contract the SDK knows, bound to a deployment. */
export type StackContracts = { readonly [K in ContractName]: ReturnType<Factories[K]["connect"]> };

/** What {@link connect} returns. */
export interface Stack {
  /** The validated deployment record. */
  readonly deployment: Deployment;
  /** Typed contract clients; reading one the deployment lacks throws a clear error. */
  readonly contracts: StackContracts;
  /** Whether the deployment has `name`. */
  has(name: ContractName): boolean;
  /** The deployed address of `name`. */
  address(name: ContractName): string;
}

/** Names of all contracts the SDK has typed clients for. */
export const CONTRACT_NAMES = Object.keys(CONTRACT_FACTORIES) as ContractName[];

/**
 * Binds typed clients to a deployment.
 *
 * @param runner a signer (to send transactions) or provider (read-only)
 * @param deployment a parsed deployment, its JSON text, or (in Node) the path of `deployments/<network>.json`
 * @param options.checkChainId when the runner has a provider, refuse a deployment made for another chain (default true)
 */
export async function connect(
  runner: ContractRunner,
  deployment: Deployment | string,
  options: { checkChainId?: boolean } = {},
): Promise<Stack> {
  check(runner !== null && typeof runner === "object", "runner", "must be an ethers Signer or Provider");
  let dep: Deployment;
  if (typeof deployment === "string") {
    dep = deployment.trimStart().startsWith("{") ? parseDeployment(deployment) : await readDeployment(deployment);
  } else {
    dep = parseDeployment(deployment);
  }
  const provider: Provider | null = runner.provider ?? null;
  if (options.checkChainId !== false && provider !== null) {
    const { chainId } = await provider.getNetwork();
    if (chainId !== BigInt(dep.chainId)) {
      throw new SdkInputError(
        "deployment.chainId",
        `the deployment is for chain ${dep.chainId} (${dep.network}) but the runner is connected to chain ${chainId}`,
      );
    }
  }
  const cache = new Map<ContractName, unknown>();
  const address = (name: ContractName): string => {
    const entry = dep.contracts[name];
    if (entry === undefined) {
      throw new SdkInputError(
        `deployment.contracts.${name}`,
        `is missing from the ${dep.network} deployment; run \`npm run deploy -- --network ${dep.network}\``,
      );
    }
    return entry.address;
  };
  const contracts = {} as StackContracts;
  for (const name of CONTRACT_NAMES) {
    Object.defineProperty(contracts, name, {
      enumerable: true,
      get() {
        if (!cache.has(name)) cache.set(name, CONTRACT_FACTORIES[name].connect(address(name), runner));
        return cache.get(name);
      },
    });
  }
  return { deployment: dep, contracts, has: (name) => dep.contracts[name] !== undefined, address };
}
