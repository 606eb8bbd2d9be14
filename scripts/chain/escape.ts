/**
 * Escape without the operator: rebuild the exit tree of the last finalized commitment and print a citizen's escape
 * (and withdrawal) proofs. Shared by `sovereign-chain exit-tree` / `escape-proof`, the demo and the tests.
 *
 * The seam: {@link FinalizedStateSource} gives an Engine holding the L2 state the last finalized commitment covers.
 * Today that is the data directory of a node (a validator) that derived the chain up to that commitment
 * ({@link engineFromDataDir}); once derivation from L1 lands (`chain-node/src/derive/`) a source that derives it from
 * L1 alone plugs in here. Whatever the source, nothing is printed unless the rebuilt exit root equals the exit root
 * committed on L1: a wrong, stale or tampered state is refused, never served.
 */
import { existsSync, readdirSync } from "node:fs";

import { Engine, exitTree, identityRoot, type ExitTreeView, type GenesisConfig } from "@sovereign-stack/node";
import type { Stack } from "@sovereign-stack/sdk";
import { getAddress, isAddress } from "ethers";

import { CliError, UsageError } from "../lib/cli.ts";

/** The last finalized commitment on L1: the one `RollupVault.escape` proves against. */
export interface FinalizedCommitment {
  readonly index: bigint;
  readonly batchIndex: bigint;
  readonly exitRoot: string;
  readonly identityRoot: string;
}

/** Opens the L2 state a finalized commitment covers. The caller closes the engine. */
export type FinalizedStateSource = (commitment: FinalizedCommitment) => Promise<Engine>;

/** Reads the last finalized commitment from L1. */
export async function lastFinalizedCommitment(stack: Stack): Promise<FinalizedCommitment> {
  const sc = stack.contracts.StateCommitment;
  const [exists, index] = await sc.lastFinalized();
  if (!exists) throw new CliError("no commitment is final on L1 yet: there is no exit root to escape against (deposits are refunded instead: see RollupVault.refundDeposit)");
  const [exitRoot, idRoot] = await sc.roots(index);
  const stored = await sc.get(index);
  return { index, batchIndex: stored.batchIndex, exitRoot: exitRoot.toLowerCase(), identityRoot: idRoot.toLowerCase() };
}

/**
 * The data directory of a node that derived the chain up to the last finalized commitment (its head must be the
 * commitment's last block), opened with the node's genesis. Refuses a missing or empty directory rather than
 * creating a fresh chain there.
 */
export function engineFromDataDir(dataDir: string, genesis: GenesisConfig): FinalizedStateSource {
  return async () => {
    if (!existsSync(dataDir) || readdirSync(dataDir).length === 0) throw new UsageError(`--data-dir ${dataDir} holds no node data: give the engine directory of a node that derived the chain`);
    try {
      return await Engine.open({ dataDir, genesis });
    } catch (e) {
      const err = e as Error & { cause?: { code?: unknown; message?: unknown } };
      if (err.cause?.code === "LEVEL_LOCKED") throw new CliError(`--data-dir ${dataDir} is in use by a running node: stop it, or copy the directory and point --data-dir at the copy`);
      throw new CliError(`cannot open the node data in ${dataDir}: ${err.message}${typeof err.cause?.message === "string" ? ` (${err.cause.message})` : ""}`);
    }
  };
}

/** The exit tree of the last finalized commitment, checked against L1. */
export interface VerifiedExitTree {
  readonly commitment: FinalizedCommitment;
  readonly view: ExitTreeView;
  /** The L2 block the state is at. */
  readonly l2Block: bigint;
  /** Whether the identity root of the same state matches the commitment's too. */
  readonly identityRootMatches: boolean;
}

/** Rebuilds the exit tree from `source` and refuses it unless its root is the finalized commitment's exit root. */
export async function verifiedExitTree(stack: Stack, source: FinalizedStateSource): Promise<VerifiedExitTree> {
  const commitment = await lastFinalizedCommitment(stack);
  const engine = await source(commitment);
  try {
    const view = await exitTree(engine);
    const l2Block = engine.head().number;
    if (view.root.toLowerCase() !== commitment.exitRoot) {
      throw new CliError(
        `the exit root rebuilt from the L2 state at block ${l2Block} is ${view.root}, but finalized commitment ${commitment.index} (batch ${commitment.batchIndex}) committed ${commitment.exitRoot}: this state is not the one the commitment covers (a node ahead or behind it, or another chain); nothing printed`,
        { l2Block: l2Block.toString(), rebuiltExitRoot: view.root, committedExitRoot: commitment.exitRoot, commitmentIndex: commitment.index.toString() },
      );
    }
    const idRoot = await identityRoot(engine);
    return { commitment, view, l2Block, identityRootMatches: idRoot.toLowerCase() === commitment.identityRoot };
  } finally {
    await engine.close();
  }
}

/** The exit tree as printed and written by `exit-tree` (every leaf: anyone can rebuild every proof from it). */
export function exitTreeJson(v: VerifiedExitTree): Record<string, unknown> {
  return {
    format: "sovereign-exit-tree-v1",
    commitmentIndex: v.commitment.index,
    batchIndex: v.commitment.batchIndex,
    l2Block: v.l2Block,
    exitRoot: v.view.root,
    identityRootMatches: v.identityRootMatches,
    balances: v.view.balances.map((b) => ({ account: b.account, token: b.token, amount: b.amount })),
    withdrawals: v.view.withdrawals.map((w) => ({ withdrawalId: w.withdrawalId, account: w.account, token: w.token, amount: w.amount })),
  };
}

/** One escape claim: the arguments of `RollupVault.escape`. */
export interface EscapeClaim {
  readonly account: string;
  readonly token: string;
  readonly amount: bigint;
  readonly proof: readonly string[];
  /** Already paid on L1. */
  readonly paid: boolean;
}

/** One withdrawal claim: the arguments of `RollupVault.withdraw`. */
export interface WithdrawalClaim {
  readonly commitmentIndex: bigint;
  readonly withdrawalId: string;
  readonly account: string;
  readonly token: string;
  readonly amount: bigint;
  readonly proof: readonly string[];
  readonly paid: boolean;
}

/** What `escape-proof` prints. */
export interface EscapeProofReport {
  readonly commitmentIndex: bigint;
  readonly exitRoot: string;
  readonly escapes: readonly EscapeClaim[];
  readonly withdrawals: readonly WithdrawalClaim[];
}

/**
 * The escape proofs of `account` (all its bridged tokens, or only `token`) and the proofs of the withdrawals paying
 * it, from a verified exit tree. Refuses an account with nothing to claim.
 */
export async function escapeProofs(stack: Stack, v: VerifiedExitTree, account: string, token?: string): Promise<EscapeProofReport> {
  if (!isAddress(account)) throw new UsageError(`--account must be an address, got ${account}`);
  if (token !== undefined && !isAddress(token)) throw new UsageError(`--token must be an address, got ${token}`);
  const acct = getAddress(account);
  const tok = token === undefined ? undefined : getAddress(token);
  const tree = v.view.tree;
  const vault = stack.contracts.RollupVault;
  const escapes: EscapeClaim[] = [];
  for (const b of v.view.balances) {
    if (b.account !== acct || (tok !== undefined && b.token !== tok)) continue;
    escapes.push({ account: b.account, token: b.token, amount: b.amount, proof: tree!.escapeProof(b.account, b.token), paid: await vault.escapePaid(b.account, b.token) });
  }
  const withdrawals: WithdrawalClaim[] = [];
  for (const w of v.view.withdrawals) {
    if (w.account !== acct || (tok !== undefined && w.token !== tok)) continue;
    withdrawals.push({ commitmentIndex: v.commitment.index, withdrawalId: w.withdrawalId, account: w.account, token: w.token, amount: w.amount, proof: tree!.withdrawalProof(w.withdrawalId), paid: await vault.withdrawalPaid(w.withdrawalId) });
  }
  if (escapes.length + withdrawals.length === 0) {
    throw new CliError(`${acct} has ${tok === undefined ? "no bridged balance and no withdrawal" : `no balance of ${tok} and no withdrawal of it`} in the exit tree of finalized commitment ${v.commitment.index}`);
  }
  return { commitmentIndex: v.commitment.index, exitRoot: v.view.root, escapes, withdrawals };
}

/** The human-readable form of an escape-proof report. */
export function formatEscapeProofs(r: EscapeProofReport, vaultAddress: string): string {
  const lines = [`exit root ${r.exitRoot} (finalized commitment ${r.commitmentIndex}), verified against L1`];
  for (const e of r.escapes) {
    lines.push(`escape ${e.amount} of ${e.token} to ${e.account}${e.paid ? " (already paid)" : ""}`, `  RollupVault(${vaultAddress}).escape(${e.account}, ${e.token}, ${e.amount}, [${e.proof.join(", ")}])`);
  }
  for (const w of r.withdrawals) {
    lines.push(
      `withdrawal ${w.withdrawalId}: ${w.amount} of ${w.token} to ${w.account}${w.paid ? " (already paid)" : ""}`,
      `  RollupVault(${vaultAddress}).withdraw(${w.commitmentIndex}, ${w.withdrawalId}, ${w.account}, ${w.token}, ${w.amount}, [${w.proof.join(", ")}])`,
    );
  }
  lines.push("escape pays only in exit mode; anyone may send the call for the account");
  return lines.join("\n");
}
