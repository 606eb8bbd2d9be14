/**
 * The sequencer's {@link DelayedFeed} over L1: the delayed messages `DelayedInbox` recorded, read through the
 * {@link L1Reader} (paged `eth_getLogs`, accumulator chain checked), served in FIFO order. The messages carry their
 * kind, so the applier turns deposits into the bridge's system calls (`delayedItem`, the one place that rule lives).
 */
import type { L1Reader, L1Cursor } from "../l1/reader.ts";
import { initialCursor } from "../l1/reader.ts";
import type { DelayedMessage } from "../l1/types.ts";
import type { DelayedFeed } from "../sequencer/delayed.ts";

/** A FIFO feed of L1 delayed messages. Keeps only the messages the sequencer has not consumed yet. */
export class L1DelayedFeed implements DelayedFeed {
  readonly #reader: L1Reader;
  readonly #known = new Map<bigint, DelayedMessage>();
  #cursor: L1Cursor;
  #polling: Promise<void> | null = null;

  /**
   * @param reader the L1 reader over the rollup's inboxes
   * @param deployBlock the L1 block the rollup was deployed at (reading starts there)
   */
  constructor(reader: L1Reader, deployBlock: bigint) {
    if (deployBlock < 0n) throw new RangeError(`deployBlock must be >= 0, got ${deployBlock}`);
    this.#reader = reader;
    this.#cursor = initialCursor(deployBlock);
  }

  /** How far L1 has been read. */
  get cursor(): L1Cursor {
    return this.#cursor;
  }

  async poll(nextIndex: bigint): Promise<DelayedMessage[]> {
    if (nextIndex < 0n) throw new RangeError(`nextIndex must be >= 0, got ${nextIndex}`);
    // One L1 read at a time: concurrent polls share it (the cursor must advance once per read).
    this.#polling ??= this.#read().finally(() => (this.#polling = null));
    await this.#polling;
    for (const i of [...this.#known.keys()]) if (i < nextIndex) this.#known.delete(i);
    const out: DelayedMessage[] = [];
    for (let i = nextIndex; this.#known.has(i); i++) out.push(this.#known.get(i)!);
    return out;
  }

  async #read(): Promise<void> {
    const update = await this.#reader.poll(this.#cursor);
    for (const m of update.delayed) this.#known.set(m.index, m);
    this.#cursor = update.cursor;
  }
}
