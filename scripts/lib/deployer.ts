/**
 * The deploy pipeline: deploys a manifest of components in dependency order, checks that each address
 * holds the expected code, records everything in deployments/<network>.json, and on a re-run skips what
 * is already deployed with identical init code. Used by `npm run deploy`, the demo and the tests.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

import { Contract, Interface, keccak256, concat, type BaseContract, type Signer, type Provider, type InterfaceAbi } from "ethers";
import { parseDeployment, type Deployment, type DeployedContract } from "@sovereign-stack/sdk";

/** What a component's argument builder and wiring step see. */
export interface DeployContext {
  readonly network: string;
  readonly chainId: number;
  readonly deployer: Signer;
  /** Whether this is a throwaway local network (embedded or localhost): some safety floors are relaxed. */
  readonly local: boolean;
  /** Address of a component deployed earlier in the manifest. */
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
  /** Constructor arguments; may refer to earlier components. */
  args(ctx: DeployContext): unknown[] | Promise<unknown[]>;
  /** Idempotent wiring run after the component exists (fresh or skipped). */
  after?(ctx: DeployContext): Promise<void>;
}

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

async function readPrevious(outFile: string | null): Promise<Deployment | null> {
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

/** Deploys (or re-verifies) every component in order. Progress is saved after each deployment. */
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
  const record = (): Deployment => ({
    network: opts.network,
    chainId,
    gitCommit: opts.gitCommit,
    solcVersion: opts.solcVersion,
    contracts: { ...contracts },
  });
  const artifacts = new Map<string, DeployArtifact>();
  const artifactOf = async (c: Component): Promise<DeployArtifact> => {
    const name = c.artifact ?? c.name;
    let a = artifacts.get(name);
    if (a === undefined) {
      try {
        a = await opts.readArtifact(name);
      } catch (e) {
        throw new DeployError(`no artifact for ${name} (${(e as Error).message.split("\n")[0]}); run \`npx hardhat compile\``);
      }
      artifacts.set(name, a);
    }
    return a;
  };
  const ctx: DeployContext = {
    network: opts.network,
    chainId,
    deployer: opts.deployer,
    local: opts.local,
    log,
    addressOf(name) {
      const c = contracts[name];
      if (c === undefined) throw new DeployError(`component ${name} is used before it is deployed: fix the manifest order`);
      return c.address;
    },
    async contract(name) {
      const c = opts.components.find((x) => x.name === name);
      if (c === undefined) throw new DeployError(`unknown component ${name}`);
      return new Contract(ctx.addressOf(name), (await artifactOf(c)).abi, opts.deployer);
    },
  };
  const deployed: string[] = [];
  const skipped: string[] = [];
  for (const c of opts.components) {
    const artifact = await artifactOf(c);
    const args = await c.args(ctx);
    const iface = new Interface(artifact.abi);
    let encodedArgs: string;
    try {
      encodedArgs = iface.encodeDeploy(args);
    } catch (e) {
      throw new DeployError(`bad constructor arguments for ${c.name}: ${(e as Error).message.split("\n")[0]}`);
    }
    const initCode = concat([artifact.bytecode, encodedArgs]);
    const initCodeHash = keccak256(initCode);
    const existing = contracts[c.name];
    if (existing !== undefined) {
      const code = await opts.provider.getCode(existing.address);
      const same = existing.initCodeHash === initCodeHash;
      if (code !== "0x" && same) {
        if (!codeMatches(code, artifact)) {
          throw new DeployError(`${c.name} at ${existing.address} does not hold the expected code; the record and the chain disagree, re-run with --force`);
        }
        log(`  = ${c.name.padEnd(22)} ${existing.address}  (unchanged, skipped)`);
        skipped.push(c.name);
        if (c.after) await c.after(ctx);
        continue;
      }
      if (code !== "0x" && !same && opts.force !== true) {
        throw new DeployError(
          `${c.name} changed since it was deployed at ${existing.address} (new bytecode or constructor arguments); re-run with --force to redeploy it`,
        );
      }
    }
    const tx = await opts.deployer.sendTransaction({ data: initCode });
    const receipt = await tx.wait();
    if (receipt === null || receipt.status !== 1 || receipt.contractAddress == null) {
      throw new DeployError(`deployment of ${c.name} failed in transaction ${tx.hash}`);
    }
    const code = await opts.provider.getCode(receipt.contractAddress);
    if (!codeMatches(code, artifact)) {
      throw new DeployError(`${c.name} at ${receipt.contractAddress} does not hold the expected runtime code after deployment`);
    }
    contracts[c.name] = {
      address: receipt.contractAddress,
      artifact: c.artifact ?? c.name,
      deployBlock: receipt.blockNumber,
      txHash: tx.hash,
      constructorArgs: toJsonValue(args) as unknown[],
      initCodeHash,
    };
    deployed.push(c.name);
    log(`  + ${c.name.padEnd(22)} ${receipt.contractAddress}  block ${receipt.blockNumber}, gas ${receipt.gasUsed}`);
    if (opts.outFile !== null) await writeAtomically(opts.outFile, record());
    if (c.after) await c.after(ctx);
  }
  const final = record();
  if (opts.outFile !== null) await writeAtomically(opts.outFile, final);
  return { deployment: final, deployed, skipped };
}
