/**
 * Deposit refunds in exit mode: every deposit whose delayed message the last finalized commitment does not cover
 * is paid back to its depositor by `RollupVault.refundDeposit`. The rule (which deposits are covered) lives in the
 * contracts; this module reads the deposits from the `MessageEnqueued` events and asks the contracts.
 */
import { AbiCoder, getAddress, type ContractTransactionReceipt } from "ethers";

import type { Stack } from "../clients.js";
import { TransactionFailedError, check, guard } from "../errors.js";
import type { Address } from "../types.js";

/** `IDelayedInbox.MessageKind.Deposit`. */
const DEPOSIT_KIND = 1n;

/** A deposit as its delayed message records it. */
export interface DepositMessage {
  readonly messageIndex: bigint;
  readonly token: Address;
  readonly from: Address;
  readonly l2Recipient: Address;
  readonly amount: bigint;
  readonly timestamp: bigint;
  readonly blockNumber: bigint;
}

/** Every deposit message on the delayed queue, from the `MessageEnqueued` events (from block `fromBlock`). */
export async function depositMessages(stack: Stack, fromBlock: bigint | number = 0n): Promise<DepositMessage[]> {
  return guard(async () => {
    const inbox = stack.contracts.DelayedInbox;
    const logs = await inbox.queryFilter(inbox.filters.MessageEnqueued(), Number(fromBlock));
    const coder = AbiCoder.defaultAbiCoder();
    const out: DepositMessage[] = [];
    for (const l of logs) {
      if (l.args.kind !== DEPOSIT_KIND) continue;
      const [token, from, l2Recipient, amount] = coder.decode(["address", "address", "address", "uint256"], l.args.data);
      out.push({
        messageIndex: l.args.index,
        token: getAddress(token as string) as Address,
        from: getAddress(from as string) as Address,
        l2Recipient: getAddress(l2Recipient as string) as Address,
        amount: amount as bigint,
        timestamp: l.args.timestamp,
        blockNumber: l.args.blockNumber,
      });
    }
    return out;
  });
}

/**
 * The deposits the vault would refund now: exit mode, not covered by the last finalized commitment, not yet
 * refunded. Empty outside exit mode.
 */
export async function refundableDeposits(stack: Stack, fromBlock: bigint | number = 0n): Promise<DepositMessage[]> {
  return guard(async () => {
    const c = stack.contracts;
    if (!(await c.ExitController.inExit())) return [];
    const covered = await c.StateCommitment.lastFinalizedDelayedCount();
    const all = await depositMessages(stack, fromBlock);
    const open: DepositMessage[] = [];
    for (const d of all) {
      if (d.messageIndex < covered) continue;
      if (await c.RollupVault.depositRefunded(d.messageIndex)) continue;
      open.push(d);
    }
    return open;
  });
}

/** Refunds one deposit to its depositor (exit mode; anyone may pay the gas). */
export async function refundDeposit(stack: Stack, d: DepositMessage): Promise<ContractTransactionReceipt> {
  return guard(async () => {
    check(typeof d.messageIndex === "bigint" && d.messageIndex >= 0n, "deposit.messageIndex", "must be a non-negative bigint");
    const tx = await stack.contracts.RollupVault.refundDeposit(d.messageIndex, d.token, d.from, d.l2Recipient, d.amount, d.timestamp, d.blockNumber);
    const receipt = await tx.wait();
    if (receipt === null) throw new TransactionFailedError({ reason: "(refundDeposit) was dropped" });
    return receipt;
  });
}
