/**
 * The chain tool's escape commands (loaded by scripts/chain.ts only when one runs). Logic lives in escape.ts.
 */
import { access, writeFile } from "node:fs/promises";

import { connect, readDeployment, type Stack } from "@sovereign-stack/sdk";
import { isAddress, type Provider } from "ethers";

import { CliError, UsageError, emit, info, toJson, userPath } from "../lib/cli.ts";
import { deploymentPath, openRpc, resolveEndpoint } from "../lib/rpc.ts";
import { engineFromDataDir, escapeProofs, exitTreeJson, formatEscapeProofs, verifiedExitTree, type VerifiedExitTree } from "./escape.ts";
import { readGenesisFile } from "./genesis-file.ts";
import { l1DerivedSource } from "./l1-source.ts";

interface EscapeOpts {
  network?: string;
  rpcUrl?: string;
  deployment?: string;
  timeout?: string;
  json: boolean;
  dataDir?: string;
  genesis?: string;
}

async function openStack(o: EscapeOpts): Promise<{ stack: Stack; provider: Provider }> {
  const ep = await resolveEndpoint(o);
  const rpc = await openRpc(ep, (l) => console.error(l));
  info(o, `L1 ${rpc.name} (chain ${rpc.chainId}) via ${rpc.host}`);
  const file = await deploymentPath(o, rpc, rpc.chainId);
  try {
    await access(file);
  } catch {
    throw new CliError(`no deployment record at ${file}: pass --deployment <file> (the record of the rollup's L1 contracts)`);
  }
  return { stack: await connect(rpc.provider, await readDeployment(file)), provider: rpc.provider };
}

async function rebuild(o: EscapeOpts): Promise<{ stack: Stack; tree: VerifiedExitTree }> {
  if (o.genesis === undefined) throw new UsageError("--genesis <file> is required: the L2 genesis JSON the chain was started with");
  const genesis = await readGenesisFile(userPath(o.genesis));
  const { stack, provider } = await openStack(o);
  // Default: derive the L2 state from L1 alone (no operator, no node). --data-dir reuses a node's engine instead.
  const source = o.dataDir === undefined ? l1DerivedSource(provider, stack, genesis) : engineFromDataDir(userPath(o.dataDir), genesis);
  info(o, o.dataDir === undefined ? "deriving the L2 state from L1 alone (batch calldata and delayed messages)" : `reading the L2 state from ${o.dataDir}`);
  const tree = await verifiedExitTree(stack, source);
  info(o, `exit root ${tree.view.root} rebuilt from L2 block ${tree.l2Block} equals finalized commitment ${tree.commitment.index}'s`);
  return { stack, tree };
}

export async function exitTreeCommand(o: EscapeOpts & { out?: string; force: boolean }): Promise<void> {
  const { tree } = await rebuild(o);
  const json = exitTreeJson(tree);
  if (o.out !== undefined) {
    const file = userPath(o.out);
    if (!o.force && (await access(file).then(() => true, () => false))) throw new CliError(`${file} already exists: refusing to overwrite it (pass --force, or choose another --out)`);
    await writeFile(file, toJson(json) + "\n");
    info(o, `wrote ${file}`);
  }
  const human = [
    `exit tree of finalized commitment ${tree.commitment.index} (batch ${tree.commitment.batchIndex}), L2 block ${tree.l2Block}`,
    `root ${tree.view.root}: ${tree.view.balances.length} escape balances, ${tree.view.withdrawals.length} withdrawals${tree.identityRootMatches ? "" : " (note: the identity root of this state differs from the commitment's)"}`,
    ...tree.view.balances.map((b) => `  escape     ${b.account} ${b.token} ${b.amount}`),
    ...tree.view.withdrawals.map((w) => `  withdrawal ${w.withdrawalId} ${w.account} ${w.token} ${w.amount}`),
  ].join("\n");
  emit(o, human, { command: "exit-tree", ...json });
}

export async function escapeProofCommand(o: EscapeOpts & { account: string; token?: string }): Promise<void> {
  if (!isAddress(o.account)) throw new UsageError(`--account must be an address (0x and 40 hex digits), got ${o.account}`);
  if (o.token !== undefined && !isAddress(o.token)) throw new UsageError(`--token must be an address (0x and 40 hex digits), got ${o.token}`);
  const { stack, tree } = await rebuild(o);
  const report = await escapeProofs(stack, tree, o.account, o.token);
  emit(o, formatEscapeProofs(report, await stack.contracts.RollupVault.getAddress()), { command: "escape-proof", ...report });
}
