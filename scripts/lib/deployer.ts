/**
 * The deploy pipeline: deploys a manifest of components through the CREATE3 `StackFactory`, so every address is
 * computed before anything is deployed and contracts that refer to each other hold those references as
 * `immutable` constructor arguments (no wiring setters). It checks that each address holds the expected code,
 * records everything in deployments/<network>.json, and on a re-run skips what is already deployed with identical
 * init code. Used by `npm run deploy`, the demo and the tests.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

import { AbiCoder, Contract, Interface, keccak256, concat, hexlify, type BaseContract, type Signer, type Provider, type InterfaceAbi } from "ethers";
import { parseDeployment, type Address, type Deployment, type DeployedContract, type Hex } from "@sovereign-stack/sdk";

/** What a component's argument builder and wiring step see. */
export interface DeployContext {
  readonly network: string;
  readonly chainId: number;
  readonly deployer: Signer;
  /** Whether this is a throwaway local network (embedded or localhost): some safety floors are relaxed. */
  readonly local: boolean;
  /** Address of any component of the manifest: computed up front, so it may be used before that component exists. */
  addressOf(name: string): string;
  /** A typed-enough handle on a component deployed earlier. */
  contract(name: string): Promise<BaseContract>;
  log(line: string): void;
}

/** One deployable unit of the stack. */
export interface Component {
  /** Name in the deployment record and the SDK registry. */
  readonly name: string;
  /** Artifact to deploy; defaults to `name`. */
  readonly artifact?: string;
  /** Constructor arguments; may refer to any component of the manifest, earlier or later. */
  args(ctx: DeployContext): unknown[] | Promise<unknown[]>;
}

/** The artifact of the CREATE3 factory every component is deployed through. */
export const FACTORY = "StackFactory";

/** The artifact subset the pipeline needs. */
export interface DeployArtifact {
  readonly abi: InterfaceAbi;
  readonly bytecode: string;
  readonly deployedBytecode: string;
  readonly immutableReferences?: Readonly<Record<string, readonly { start: number; length: number }[]>>;
}

export interface DeployOptions {
  readonly network: string;
  readonly deployer: Signer;
  readonly provider: Provider;
  readArtifact(name: string): Promise<DeployArtifact>;
  readonly components: readonly Component[];
  /** Redeploy components whose init code changed. Without it a change is an error. */
  readonly force?: boolean;
  readonly local: boolean;
  readonly solcVersion: string;
  readonly gitCommit: string;
  /** Where to write the record; `null` keeps it in memory only. */
  readonly outFile: string | null;
  readonly log?: (line: string) => void;
}

export interface DeployResult {
  readonly deployment: Deployment;
  readonly deployed: string[];
  readonly skipped: string[];
}

/** Error for a configuration or state the operator has to fix; `message` says how. */
export class DeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeployError";
  }
}

/** Recursively converts bigints to decimal strings so that arguments fit JSON. */
export function toJsonValue(v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toJsonValue(x)]));
  }
  return v;
}

/** Wraps an artifact reader: each artifact is read once, and a missing one is a {@link DeployError} saying to compile. */
export function cachedArtifacts(read: (name: string) => Promise<DeployArtifact>): (name: string) => Promise<DeployArtifact> {
  const artifacts = new Map<string, DeployArtifact>();
  return async (name) => {
    let a = artifacts.get(name);
    if (a === undefined) {
      try {
        a = await read(name);
      } catch (e) {
        throw new DeployError(`no artifact for ${name} (${(e as Error).message.split("\n")[0]}); run \`npx hardhat compile\``);
      }
      artifacts.set(name, a);
    }
    return a;
  };
}

/** Zeroes the immutable slots of runtime code so that on-chain code compares with the artifact's. */
export function maskImmutables(code: string, refs: DeployArtifact["immutableReferences"]): string {
  const hex = code.toLowerCase().replace(/^0x/, "").split("");
  for (const list of Object.values(refs ?? {})) {
    for (const { start, length } of list) {
      for (let i = start * 2; i < (start + length) * 2 && i < hex.length; i++) hex[i] = "0";
    }
  }
  return "0x" + hex.join("");
}

/** Whether `onchain` is the runtime code of `artifact`, immutables aside. */
export function codeMatches(onchain: string, artifact: DeployArtifact): boolean {
  if (onchain.length !== artifact.deployedBytecode.length) return false;
  return maskImmutables(onchain, artifact.immutableReferences) === maskImmutables(artifact.deployedBytecode, artifact.immutableReferences);
}

/** The deployment record at `outFile`, or null when there is none; a corrupt record is an error saying what to do. */
export async function readPrevious(outFile: string | null): Promise<Deployment | null> {
  if (outFile === null) return null;
  let text: string;
  try {
    text = await readFile(outFile, "utf8");
  } catch {
    return null;
  }
  try {
    return parseDeployment(text);
  } catch (e) {
    throw new DeployError(`${outFile} is not a valid deployment record (${(e as Error).message}); move it aside or fix it`);
  }
}

async function writeAtomically(file: string, value: Deployment): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + "\n");
  await rename(tmp, file);
}

/** The factory salt of a component: its name under the record's deployment salt. */
export function componentSalt(name: string, deploymentSalt: string): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["string", "bytes32"], [name, deploymentSalt]));
}

/**
 * Deploys (or re-verifies) every component. The factory comes first (plain CREATE, once per network); then every
 * component's address is computed from the deployer and its salt, its init code is built with those addresses,
 * and it is deployed through the factory in manifest order. Progress is saved after each deployment.
 */
export async function deployStack(opts: DeployOptions): Promise<DeployResult> {
  const log = opts.log ?? (() => {});
  const { chainId: chainIdBig } = await opts.provider.getNetwork();
  const chainId = Number(chainIdBig);
  let previous = await readPrevious(opts.outFile);
  if (previous !== null && previous.chainId !== chainId) {
    if (!opts.local) {
      throw new DeployError(
        `${opts.outFile ?? "the previous record"} is for chain ${previous.chainId} but ${opts.network} is chain ${chainId}; check --network or move the file aside`,
      );
    }
    previous = null; // a restarted local chain: start over
  }
  const contracts: Record<string, DeployedContract> = { ...(previous?.contracts ?? {}) };
  let deploymentSalt = previous?.deploymentSalt ?? hexlify(randomBytes(32));
  const record = (): Deployment => ({
    network: opts.network,
    chainId,
    gitCommit: opts.gitCommit,
    solcVersion: opts.solcVersion,
    deploymentSalt: deploymentSalt as Hex,
    contracts: { ...contracts },
  });
  const save = async () => {
    if (opts.outFile !== null) await writeAtomically(opts.outFile, record());
  };
  const readArtifact = cachedArtifacts(opts.readArtifact);
  const deployerAddress = await opts.deployer.getAddress();

  // 1. The factory: reuse the recorded one if it still holds the factory's code.
  const factoryArtifact = await readArtifact(FACTORY);
  const recordedFactory = contracts[FACTORY];
  const recordedFactoryCode = recordedFactory === undefined ? "0x" : await opts.provider.getCode(recordedFactory.address);
  if (recordedFactory !== undefined && !codeMatches(recordedFactoryCode, factoryArtifact)) {
    if (!opts.local) {
      throw new DeployError(
        `${opts.outFile ?? "the record"} names ${FACTORY} at ${recordedFactory.address}, but that address holds ${recordedFactoryCode === "0x" ? "no code" : "other code"} on ${opts.network}: the record is stale (was the chain reset?). Move the file aside to deploy afresh`,
      );
    }
    for (const k of Object.keys(contracts)) delete contracts[k]; // a restarted local chain: start over
    deploymentSalt = hexlify(randomBytes(32));
  }
  if (contracts[FACTORY] === undefined) {
    const tx = await opts.deployer.sendTransaction({ data: factoryArtifact.bytecode });
    const receipt = await tx.wait();
    if (receipt === null || receipt.status !== 1 || receipt.contractAddress == null) {
      throw new DeployError(`deployment of ${FACTORY} failed in transaction ${tx.hash}`);
    }
    if (!codeMatches(await opts.provider.getCode(receipt.contractAddress), factoryArtifact)) {
      throw new DeployError(`${FACTORY} at ${receipt.contractAddress} does not hold the expected runtime code after deployment`);
    }
    contracts[FACTORY] = {
      address: receipt.contractAddress as Address,
      artifact: FACTORY,
      deployBlock: receipt.blockNumber,
      txHash: tx.hash as Hex,
      constructorArgs: [],
      initCodeHash: keccak256(factoryArtifact.bytecode) as Hex,
    };
    log(`  + ${FACTORY.padEnd(22)} ${receipt.contractAddress}  block ${receipt.blockNumber}, gas ${receipt.gasUsed}`);
    await save();
  }
  const factory = new Contract(contracts[FACTORY]!.address, factoryArtifact.abi, opts.deployer);

  // 2. Every address, computed up front.
  const predicted = new Map<string, string>();
  const predictAll = async () => {
    predicted.clear();
    for (const c of opts.components) {
      predicted.set(c.name, (await factory.getFunction("addressOf")(deployerAddress, componentSalt(c.name, deploymentSalt))) as string);
    }
  };
  await predictAll();
  const ctx: DeployContext = {
    network: opts.network,
    chainId,
    deployer: opts.deployer,
    local: opts.local,
    log,
    addressOf(name) {
      const a = predicted.get(name);
      if (a === undefined) throw new DeployError(`component ${name} is not in the manifest`);
      return a;
    },
    async contract(name) {
      const c = opts.components.find((x) => x.name === name);
      if (c === undefined) throw new DeployError(`unknown component ${name}`);
      return new Contract(ctx.addressOf(name), (await readArtifact(c.artifact ?? c.name)).abi, opts.deployer);
    },
  };
  const initCodeOf = async (c: Component): Promise<{ initCode: string; args: unknown[] }> => {
    const artifact = await readArtifact(c.artifact ?? c.name);
    const args = await c.args(ctx);
    try {
      return { initCode: concat([artifact.bytecode, new Interface(artifact.abi).encodeDeploy(args)]), args };
    } catch (e) {
      throw new DeployError(`bad constructor arguments for ${c.name}: ${(e as Error).message.split("\n")[0]}`);
    }
  };

  // 3. What is already there: unchanged (skip), changed (an error without --force), or missing.
  const changed: string[] = [];
  for (const c of opts.components) {
    const existing = contracts[c.name];
    if (existing === undefined || (await opts.provider.getCode(existing.address)) === "0x") continue;
    const { initCode } = await initCodeOf(c);
    if (existing.address !== predicted.get(c.name) || existing.initCodeHash !== keccak256(initCode)) changed.push(c.name);
  }
  if (changed.length > 0) {
    if (opts.force !== true) {
      throw new DeployError(
        `${changed.join(", ")} changed since deployed (new bytecode or constructor arguments); re-run with --force to redeploy the stack at new addresses`,
      );
    }
    // Immutable cross references: a changed component moves, so everything is redeployed at new addresses.
    log(`  ! --force: ${changed.join(", ")} changed; redeploying every component at new addresses`);
    deploymentSalt = hexlify(randomBytes(32));
    for (const c of opts.components) delete contracts[c.name];
    await predictAll();
  }

  // 4. Deploy what is missing, in manifest order.
  const deployed: string[] = [];
  const skipped: string[] = [];
  for (const c of opts.components) {
    const artifact = await readArtifact(c.artifact ?? c.name);
    const { initCode, args } = await initCodeOf(c);
    const initCodeHash = keccak256(initCode);
    const address = predicted.get(c.name)!;
    const existing = contracts[c.name];
    if (existing !== undefined && existing.address === address && existing.initCodeHash === initCodeHash) {
      const code = await opts.provider.getCode(address);
      if (code !== "0x") {
        if (!codeMatches(code, artifact)) {
          throw new DeployError(`${c.name} at ${address} does not hold the expected code; the record and the chain disagree, re-run with --force`);
        }
        log(`  = ${c.name.padEnd(22)} ${address}  (unchanged, skipped)`);
        skipped.push(c.name);
        continue;
      }
    }
    const salt = componentSalt(c.name, deploymentSalt);
    const tx = (await factory.getFunction("deploy")(salt, initCode)) as { hash: string; wait(): Promise<{ status: number | null; blockNumber: number; gasUsed: bigint } | null> };
    const receipt = await tx.wait();
    if (receipt === null || receipt.status !== 1) throw new DeployError(`deployment of ${c.name} failed in transaction ${tx.hash}`);
    const code = await opts.provider.getCode(address);
    if (!codeMatches(code, artifact)) {
      throw new DeployError(`${c.name} at ${address} does not hold the expected runtime code after deployment`);
    }
    contracts[c.name] = {
      address: address as Address,
      artifact: c.artifact ?? c.name,
      deployBlock: receipt.blockNumber,
      txHash: tx.hash as Hex,
      constructorArgs: toJsonValue(args) as unknown[],
      initCodeHash: initCodeHash as Hex,
    };
    deployed.push(c.name);
    log(`  + ${c.name.padEnd(22)} ${address}  block ${receipt.blockNumber}, gas ${receipt.gasUsed}`);
    await save();
  }
  const final = record();
  await save();
  return { deployment: final, deployed, skipped };
}
