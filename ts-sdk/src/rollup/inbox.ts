import { hexlify, type ContractTransactionReceipt } from "ethers";

import type { Stack } from "../clients.js";
import { InvalidInputError as SdkInputError, NotYetError, TransactionFailedError, check, guard } from "../errors.js";
import { send, signerOf, type SendOptions } from "../send.js";
import type { Hex, PreparedCall } from "../types.js";

/** Enqueues an L2 transaction on L1 (forced-inclusion path). Returns the queue index. */
export async function enqueue(stack: Stack, data: string | Uint8Array): Promise<{ index: bigint; receipt: ContractTransactionReceipt }> {
  return guard(async () => {
    const hex = typeof data === "string" ? data : hexlify(data);
    check(/^0x([0-9a-fA-F]{2})+$/.test(hex), "data", "must be non-empty hex bytes");
    const inbox = stack.contracts.DelayedInbox;
    const receipt = await (await inbox.enqueue(hex)).wait();
    if (receipt === null) throw new TransactionFailedError({ reason: "(enqueue) was dropped" });
    for (const log of receipt.logs) {
      const parsed = inbox.interface.parseLog(log);
      if (parsed?.name === "MessageEnqueued") return { index: parsed.args.index as bigint, receipt };
    }
    throw new SdkInputError("data", "the enqueue transaction emitted no MessageEnqueued event");
  });
}

/** What {@link prepareForceInclude} returns: the call, and how many queue messages it forces in. */
export interface PrepareForceIncludeReturnType extends PreparedCall {
  readonly included: bigint;
  /** The queue count after the call. */
  readonly newDelayedCount: bigint;
}

/**
 * Builds the permissionless `forceInclude` call for every queue message whose window (seconds and L1 blocks) has
 * passed, up to `upTo`. The messages are a prefix of the queue (times and blocks never decrease), found by binary
 * search: O(log n) reads.
 * @throws NotYetError with `opensAt` and `opensAtBlock` when nothing is forceable yet
 * @throws InvalidInputError when the queue is empty or in exit mode
 */
export async function prepareForceInclude(stack: Stack, upTo?: bigint | number): Promise<PrepareForceIncludeReturnType> {
  return guard(async () => {
    const c = stack.contracts;
    const provider = stack.runner.provider;
    if (provider == null) throw new SdkInputError("stack.runner", "has no provider: connect() with a provider, or a signer that has one");
    const [inExit, consumed, count, sla, block] = await Promise.all([
      c.ExitController.inExit(),
      c.SequencerInbox.delayedConsumed(),
      c.DelayedInbox.count(),
      c.SlaConfig.getSla(),
      provider.getBlock("latest"),
    ]);
    if (inExit) throw new SdkInputError("ExitController", "is in exit mode: the queue is frozen; use the escape hatch");
    if (block === null) throw new SdkInputError("stack", "cannot read the latest block");
    if (count <= consumed) throw new SdkInputError("queue", "is empty: nothing to force");
    if (upTo !== undefined) {
      check((typeof upTo === "bigint" || Number.isSafeInteger(upTo)) && BigInt(upTo) > consumed, "upTo", `must be a queue count above the ${consumed} messages already included`);
    }
    // The chain's next block has a later timestamp and number than `latest`.
    const now = BigInt(block.timestamp) + 1n;
    const nextBlock = BigInt(block.number) + 1n;
    const limit = upTo === undefined || BigInt(upTo) > count ? count : BigInt(upTo);
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
    if (lo === consumed) {
      const [ts, bn] = await c.DelayedInbox.messageTime(consumed);
      throw new NotYetError(`forcing queue message ${consumed} in`, {
        reason: "it is still within its inclusion window",
        opensAt: ts + sla.inclusionWindow + 1n,
        opensAtBlock: bn + sla.inclusionWindowBlocks + 1n,
      });
    }
    return {
      to: stack.address("SequencerInbox"),
      data: c.SequencerInbox.interface.encodeFunctionData("forceInclude", [lo]) as Hex,
      value: 0n,
      included: lo - consumed,
      newDelayedCount: lo,
    };
  }, { contract: "SequencerInbox" });
}

/**
 * Forces every queue message whose window has passed into the canonical sequence, from the stack's signer.
 * @throws NotYetError with `opensAt` and `opensAtBlock` when nothing is forceable yet
 */
export async function forceInclude(stack: Stack, upTo?: bigint | number, options: SendOptions = {}): Promise<{ included: bigint; receipt: ContractTransactionReceipt }> {
  return guard(async () => {
    const call = await prepareForceInclude(stack, upTo);
    const receipt = (await send(signerOf(stack.runner), call, options)) as ContractTransactionReceipt;
    return { included: call.included, receipt };
  });
}
