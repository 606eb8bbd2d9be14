import { hexlify, type ContractTransactionReceipt } from "ethers";

import type { Stack } from "../clients.js";
import { check, SdkInputError } from "../errors.js";

/** Enqueues an L2 transaction on L1 (forced-inclusion path). Returns the queue index. */
export async function enqueue(stack: Stack, data: string | Uint8Array): Promise<{ index: number; receipt: ContractTransactionReceipt }> {
  const hex = typeof data === "string" ? data : hexlify(data);
  check(/^0x([0-9a-fA-F]{2})+$/.test(hex), "data", "must be non-empty hex bytes");
  const inbox = stack.contracts.DelayedInbox;
  const receipt = await (await inbox.enqueue(hex)).wait();
  if (receipt === null) throw new SdkInputError("data", "the enqueue transaction was dropped");
  for (const log of receipt.logs) {
    const parsed = inbox.interface.parseLog(log);
    if (parsed?.name === "MessageEnqueued") return { index: Number(parsed.args.index), receipt };
  }
  throw new SdkInputError("data", "the enqueue transaction emitted no MessageEnqueued event");
}

/**
 * Forces every queue message whose window has passed into the canonical sequence.
 * Throws with the time it becomes possible when nothing is forceable yet.
 */
export async function forceInclude(stack: Stack, upTo?: number): Promise<{ included: number; receipt: ContractTransactionReceipt }> {
  const c = stack.contracts;
  const provider = c.DelayedInbox.runner?.provider;
  if (provider == null) throw new SdkInputError("stack", "its runner has no provider");
  const [consumed, count, sla, block] = await Promise.all([
    c.SequencerInbox.delayedConsumed(),
    c.DelayedInbox.count(),
    c.SlaConfig.getSla(),
    provider.getBlock("latest"),
  ]);
  if (block === null) throw new SdkInputError("stack", "cannot read the latest block");
  if (count <= consumed) throw new SdkInputError("queue", "is empty: nothing to force");
  if (upTo !== undefined) {
    check(Number.isSafeInteger(upTo) && BigInt(upTo) > consumed, "upTo", `must be a queue count above the ${consumed} messages already included`);
  }
  // The chain's next block has a later timestamp and number than `latest`.
  const now = BigInt(block.timestamp) + 1n;
  const nextBlock = BigInt(block.number) + 1n;
  // Queue times and blocks never decrease, so the forceable messages are a prefix: binary search for its end.
  const limit = upTo === undefined ? count : BigInt(Math.min(upTo, Number(count)));
  const forceable = async (i: bigint): Promise<boolean> => {
    const [ts, bn] = await c.DelayedInbox.messageTime(i);
    return now > ts + sla.inclusionWindow && nextBlock > bn + sla.inclusionWindowBlocks;
  };
  let lo = consumed; // messages [consumed, lo) are forceable
  let hi = limit; // messages [hi, limit) are not
  while (lo < hi) {
    const mid = (lo + hi) / 2n;
    if (await forceable(mid)) lo = mid + 1n;
    else hi = mid;
  }
  const target = lo;
  if (target === consumed) {
    const [ts, bn] = await c.DelayedInbox.messageTime(consumed);
    throw new SdkInputError(
      "queue",
      `message ${consumed} is still within its inclusion window: forceable after ${new Date(Number(ts + sla.inclusionWindow + 1n) * 1000).toISOString()} and L1 block ${bn + sla.inclusionWindowBlocks + 1n}`,
    );
  }
  const receipt = await (await c.SequencerInbox.forceInclude(target)).wait();
  if (receipt === null) throw new SdkInputError("queue", "the forceInclude transaction was dropped");
  return { included: Number(target - consumed), receipt };
}
