import { isAddress, isHexString } from "ethers";

import { InvalidInputError as SdkInputError, check } from "./errors.js";
import type { Address, Hex } from "./types.js";

/**
 * One deployed contract, as recorded by `npm run deploy` (the JSON file's shape; `parseDeployment` validates every
 * address and hash). `deployBlock` stays a `number`: this type is the JSON record itself, and a JSON file cannot hold a
 * bigint (block numbers are far below 2^53). Use {@link deployBlockOf} for a bigint to compute with.
 */
export interface DeployedContract {
  /** The contract's address. */
  readonly address: Address;
  /** The artifact (contract name) it was deployed from. */
  readonly artifact: string;
  /** The L1 block that holds the deployment transaction (a JSON number; see {@link deployBlockOf}). */
  readonly deployBlock: number;
  /** The deployment transaction. */
  readonly txHash: Hex;
  /** Constructor arguments, with bigints as decimal strings. */
  readonly constructorArgs: readonly unknown[];
  /** keccak256 of init code plus encoded arguments: a re-run compares it to decide whether to skip. */
  readonly initCodeHash: Hex;
}

/**
 * The content of `deployments/<network>.json`. `chainId` stays a `number` because this type is the JSON record itself
 * (a JSON file cannot hold a bigint, and every chain id fits a safe integer); {@link chainIdOf} gives the bigint that
 * ethers' `Network.chainId` is, for comparisons.
 */
export interface Deployment {
  readonly network: string;
  readonly chainId: number;
  readonly gitCommit: string;
  readonly solcVersion: string;
  /** The salt under which every component's CREATE3 address was computed (absent in older records). */
  readonly deploymentSalt?: Hex;
  readonly contracts: Readonly<Record<string, DeployedContract>>;
}

function parseContract(name: string, raw: unknown): DeployedContract {
  const field = `deployment.contracts.${name}`;
  check(typeof raw === "object" && raw !== null, field, "must be an object");
  const r = raw as Record<string, unknown>;
  check(typeof r.address === "string" && isAddress(r.address), `${field}.address`, "must be a 0x-prefixed 20-byte address");
  check(typeof r.artifact === "string" && r.artifact.length > 0, `${field}.artifact`, "must be a contract name");
  check(Number.isSafeInteger(r.deployBlock) && (r.deployBlock as number) >= 0, `${field}.deployBlock`, "must be a block number");
  check(typeof r.txHash === "string" && isHexString(r.txHash, 32), `${field}.txHash`, "must be a 32-byte hex transaction hash");
  check(Array.isArray(r.constructorArgs), `${field}.constructorArgs`, "must be an array");
  check(typeof r.initCodeHash === "string" && isHexString(r.initCodeHash, 32), `${field}.initCodeHash`, "must be a 32-byte hex hash");
  return {
    address: r.address as Address,
    artifact: r.artifact,
    deployBlock: r.deployBlock as number,
    txHash: r.txHash as Hex,
    constructorArgs: r.constructorArgs as unknown[],
    initCodeHash: r.initCodeHash as Hex,
  };
}

/**
 * Validates a parsed `deployments/<network>.json` (or its text) and returns it typed.
 * @throws InvalidInputError naming the first bad field.
 */
export function parseDeployment(input: unknown): Deployment {
  let raw: unknown = input;
  if (typeof input === "string") {
    try {
      raw = JSON.parse(input);
    } catch (e) {
      throw new SdkInputError("deployment", `is not valid JSON (${(e as Error).message})`);
    }
  }
  check(typeof raw === "object" && raw !== null && !Array.isArray(raw), "deployment", "must be a JSON object");
  const r = raw as Record<string, unknown>;
  check(typeof r.network === "string" && r.network.length > 0, "deployment.network", "must be the network name");
  check(Number.isSafeInteger(r.chainId) && (r.chainId as number) > 0, "deployment.chainId", "must be a positive integer");
  check(typeof r.gitCommit === "string", "deployment.gitCommit", "must be a string");
  check(typeof r.solcVersion === "string" && /^\d+\.\d+\.\d+/.test(r.solcVersion), "deployment.solcVersion", "must be a solc version such as 0.8.28");
  check(r.deploymentSalt === undefined || (typeof r.deploymentSalt === "string" && isHexString(r.deploymentSalt, 32)), "deployment.deploymentSalt", "must be a 32-byte hex salt");
  check(typeof r.contracts === "object" && r.contracts !== null && !Array.isArray(r.contracts), "deployment.contracts", "must be an object of name → contract");
  const contracts: Record<string, DeployedContract> = {};
  for (const [name, c] of Object.entries(r.contracts as Record<string, unknown>)) contracts[name] = parseContract(name, c);
  return {
    network: r.network,
    chainId: r.chainId as number,
    gitCommit: r.gitCommit,
    solcVersion: r.solcVersion,
    ...(r.deploymentSalt === undefined ? {} : { deploymentSalt: r.deploymentSalt as Hex }),
    contracts,
  };
}

/** A deployment's chain id as a bigint (ethers' `Network.chainId` type), for comparisons and arithmetic. */
export function chainIdOf(d: Pick<Deployment, "chainId">): bigint {
  return BigInt(d.chainId);
}

/** A contract's deployment block as a bigint, for arithmetic and log queries. */
export function deployBlockOf(c: Pick<DeployedContract, "deployBlock">): bigint {
  return BigInt(c.deployBlock);
}
