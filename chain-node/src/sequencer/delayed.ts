/**
 * Where the sequencer reads delayed messages from. The L1-backed feed (DelayedInbox events) implements the same
 * interface; {@link InMemoryDelayedFeed} serves tests and local runs.
 */
import type { DelayedMessage, DelayedMessageKind } from "../l1/types.ts";

/** A FIFO source of delayed messages. */
export interface DelayedFeed {
  /**
   * The messages known so far with `index >= nextIndex`, in FIFO order, contiguous from `nextIndex` (possibly
   * none). The sequencer calls it once per seal interval.
   */
  poll(nextIndex: bigint): Promise<DelayedMessage[]>;
}

/** A delayed-message queue held in memory. */
export class InMemoryDelayedFeed implements DelayedFeed {
  readonly #messages: DelayedMessage[] = [];

  /** Enqueues a message; returns its index. */
  push(data: Uint8Array, opts: { kind?: DelayedMessageKind; sender?: string; timestamp?: bigint } = {}): bigint {
    const index = BigInt(this.#messages.length);
    this.#messages.push({
      index,
      sender: (opts.sender ?? "0x0000000000000000000000000000000000000000").toLowerCase(),
      kind: opts.kind ?? 0,
      data,
      timestamp: opts.timestamp ?? 0n,
      blockNumber: 0n,
      accumulator: "0x" + "00".repeat(32),
    });
    return index;
  }

  /** How many messages were pushed. */
  get length(): number {
    return this.#messages.length;
  }

  poll(nextIndex: bigint): Promise<DelayedMessage[]> {
    if (nextIndex < 0n) return Promise.reject(new RangeError(`nextIndex must be >= 0, got ${nextIndex}`));
    return Promise.resolve(this.#messages.slice(Number(nextIndex)));
  }
}
