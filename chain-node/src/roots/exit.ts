/**
 * The exit tree of the L2 state: what `RollupVault.escape` and `RollupVault.withdraw` verify.
 *
 * Leaves (the SDK's `ExitTree`, the one place the leaf format lives; OpenZeppelin StandardMerkleTree leaves):
 * - `(account, l1Token, amount)` per L1 escape account and bridged token: the sum of the balances of every L2 holder
 *   that escapes to that account (a holder escapes to itself unless it named a beneficiary on the L2 bridge);
 * - `(withdrawalId, l1Recipient, l1Token, amount)` per withdrawal ever started on L2 (paid ones stay: the vault
 *   refuses a second payment by id).
 * Only L1-backed tokens appear; L2 gas and L2-native tokens are not escapable. An L2 with no leaves has exit root
 * `bytes32(0)`, against which no proof verifies.
 */
import { ExitTree, type EscapeBalance, type Withdrawal } from "@sovereign-stack/sdk/rollup";
import { ZeroHash } from "ethers";

import type { Engine } from "../engine/engine.ts";
import { readHoldings, readWithdrawals, type BridgedHolding } from "./l2state.ts";

/** The exit tree at an engine's head, with the leaves it was built from. */
export interface ExitTreeView {
  /** 0x-hex; `bytes32(0)` when there are no leaves. */
  readonly root: string;
  readonly balances: readonly EscapeBalance[];
  readonly withdrawals: readonly Withdrawal[];
  /** The holdings behind `balances` (who holds what on L2, and where it escapes to). */
  readonly holdings: readonly BridgedHolding[];
  /** null when there are no leaves. */
  readonly tree: ExitTree | null;
}

/** Sums holdings per (escape account, L1 token): one leaf per pair, as `RollupVault.escape` pays each pair once. */
export function escapeBalances(holdings: readonly BridgedHolding[]): EscapeBalance[] {
  const sums = new Map<string, EscapeBalance>();
  for (const h of holdings) {
    const key = `${h.escapeAccount}:${h.l1Token}`;
    const prev = sums.get(key);
    sums.set(key, { account: h.escapeAccount as EscapeBalance["account"], token: h.l1Token as EscapeBalance["token"], amount: (prev?.amount ?? 0n) + h.amount });
  }
  return [...sums.values()].filter((b) => b.amount > 0n);
}

/** Builds the exit tree from the L2 state at `engine`'s head. */
export async function exitTree(engine: Engine): Promise<ExitTreeView> {
  const holdings = await readHoldings(engine);
  const balances = escapeBalances(holdings);
  const withdrawals: Withdrawal[] = (await readWithdrawals(engine)).map((w) => ({
    withdrawalId: w.withdrawalId as Withdrawal["withdrawalId"],
    account: w.l1Recipient as Withdrawal["account"],
    token: w.l1Token as Withdrawal["token"],
    amount: w.amount,
  }));
  const tree = balances.length + withdrawals.length === 0 ? null : new ExitTree(balances, withdrawals);
  return { root: tree === null ? ZeroHash : tree.root, balances, withdrawals, holdings, tree };
}
