/**
 * `deploy --dry-run`: what a deploy would do, read-only. For each component of the manifest: unchanged (the
 * record's address holds it with identical init code), new (not in the record, or no code at its address), or
 * changed (bytecode, constructor arguments, or both). Sends nothing and writes nothing.
 */

import { Contract, Interface, concat, keccak256, type Provider, type Signer } from "ethers";

import { DeployError, FACTORY, cachedArtifacts, readPrevious, codeMatches, componentSalt, toJsonValue, type Component, type DeployArtifact, type DeployContext } from "./deployer.ts";

export type PlanStatus = "unchanged" | "new" | "changed";

export interface PlanEntry {
  readonly name: string;
  readonly status: PlanStatus;
  /** For "changed": what differs. For "new": why. */
  readonly detail?: string;
  readonly address?: string;
}

export interface DeployPlan {
  readonly chainId: number;
  /** Why nothing of the record is reused (no record, another chain, a reset local chain); null when it is. */
  readonly fresh: string | null;
  readonly entries: readonly PlanEntry[];
}

export interface PlanOptions {
  readonly network: string;
  readonly deployer: Signer;
  readonly provider: Provider;
  readArtifact(name: string): Promise<DeployArtifact>;
  readonly components: readonly Component[];
  readonly local: boolean;
  readonly outFile: string;
}


const allNew = (chainId: number, components: readonly Component[], fresh: string): DeployPlan => ({
  chainId,
  fresh,
  entries: [{ name: FACTORY, status: "new" }, ...components.map((c) => ({ name: c.name, status: "new" as const }))],
});

/** Computes the plan. Throws the pipeline's DeployError for a stale record on a public network. */
export async function planDeployment(opts: PlanOptions): Promise<DeployPlan> {
  const chainId = Number((await opts.provider.getNetwork()).chainId);
  const previous = await readPrevious(opts.outFile);
  if (previous === null) return allNew(chainId, opts.components, `no record at ${opts.outFile}`);
  if (previous.chainId !== chainId) {
    if (!opts.local) throw new DeployError(`${opts.outFile} is for chain ${previous.chainId} but ${opts.network} is chain ${chainId}; check --network or move the file aside`);
    return allNew(chainId, opts.components, `the record is for chain ${previous.chainId} (a restarted local chain)`);
  }
  const factoryArtifact = await opts.readArtifact(FACTORY);
  const recordedFactory = previous.contracts[FACTORY];
  if (recordedFactory === undefined) return allNew(chainId, opts.components, "the record has no factory");
  const factoryCode = await opts.provider.getCode(recordedFactory.address);
  if (!codeMatches(factoryCode, factoryArtifact)) {
    const stale = `${opts.outFile} names ${FACTORY} at ${recordedFactory.address}, but that address holds ${factoryCode === "0x" ? "no code" : "other code"} on ${opts.network}: the record is stale (was the chain reset?). Move the file aside to deploy afresh`;
    if (!opts.local) throw new DeployError(stale);
    return allNew(chainId, opts.components, "the recorded factory is gone (a restarted local chain)");
  }
  const salt = previous.deploymentSalt;
  if (salt === undefined) return allNew(chainId, opts.components, "the record has no deployment salt");
  const factory = new Contract(recordedFactory.address, factoryArtifact.abi, opts.provider);
  const deployer = await opts.deployer.getAddress();
  const predicted = new Map<string, string>();
  for (const c of opts.components) {
    predicted.set(c.name, (await factory.getFunction("addressOf")(deployer, componentSalt(c.name, salt))) as string);
  }
  const artifactOf = cachedArtifacts(opts.readArtifact);
  const ctx: DeployContext = {
    network: opts.network,
    chainId,
    deployer: opts.deployer,
    local: opts.local,
    log: () => {},
    addressOf(name) {
      const a = predicted.get(name);
      if (a === undefined) throw new DeployError(`component ${name} is not in the manifest`);
      return a;
    },
    async contract(name) {
      const c = opts.components.find((x) => x.name === name);
      if (c === undefined) throw new DeployError(`unknown component ${name}`);
      return new Contract(ctx.addressOf(name), (await artifactOf(c.artifact ?? c.name)).abi, opts.provider);
    },
  };
  const entries: PlanEntry[] = [{ name: FACTORY, status: "unchanged", address: recordedFactory.address }];
  for (const c of opts.components) {
    const existing = previous.contracts[c.name];
    if (existing === undefined) {
      entries.push({ name: c.name, status: "new", detail: "not in the record" });
      continue;
    }
    if ((await opts.provider.getCode(existing.address)) === "0x") {
      entries.push({ name: c.name, status: "new", detail: `no code at the recorded ${existing.address}` });
      continue;
    }
    const artifact = await artifactOf(c.artifact ?? c.name);
    const iface = new Interface(artifact.abi);
    const args = await c.args(ctx);
    let initCode: string;
    try {
      initCode = concat([artifact.bytecode, iface.encodeDeploy(args)]);
    } catch (e) {
      throw new DeployError(`bad constructor arguments for ${c.name}: ${(e as Error).message.split("\n")[0]}`);
    }
    if (existing.address === predicted.get(c.name) && existing.initCodeHash === keccak256(initCode)) {
      entries.push({ name: c.name, status: "unchanged", address: existing.address });
      continue;
    }
    const argsChanged = JSON.stringify(toJsonValue(args)) !== JSON.stringify(existing.constructorArgs);
    let bytecodeChanged = true;
    try {
      bytecodeChanged = keccak256(concat([artifact.bytecode, iface.encodeDeploy(existing.constructorArgs)])) !== existing.initCodeHash;
    } catch {
      bytecodeChanged = true; // the constructor's signature changed
    }
    const what = [bytecodeChanged ? "bytecode" : null, argsChanged ? "arguments" : null].filter((x) => x !== null).join(" and ") || "address";
    entries.push({ name: c.name, status: "changed", detail: what, address: existing.address });
  }
  return { chainId, fresh: null, entries };
}

/** The plan as lines for the terminal. */
export function formatPlan(plan: DeployPlan): string[] {
  const mark = { unchanged: "=", new: "+", changed: "~" } as const;
  const lines = plan.fresh === null ? [] : [`  (deploying afresh: ${plan.fresh})`];
  for (const e of plan.entries) lines.push(`  ${mark[e.status]} ${e.name.padEnd(24)} ${e.status}${e.detail !== undefined ? `: ${e.detail}` : ""}${e.address !== undefined ? `  ${e.address}` : ""}`);
  const changed = plan.entries.filter((e) => e.status === "changed").length;
  const fresh = plan.entries.filter((e) => e.status === "new").length;
  lines.push(`plan: ${plan.entries.length - changed - fresh} unchanged, ${fresh} new, ${changed} changed${changed > 0 ? " (a deploy refuses without --force; --force redeploys every component at new addresses)" : ""}; nothing was sent`);
  return lines;
}
