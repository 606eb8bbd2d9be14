/**
 * Applying the log: a pure function of the log entries (and the delayed-message payloads, which every node
 * reads from L1) to blocks. TX and DELAYED entries accumulate into the open block; a SEAL closes it with the
 * given number and timestamp.
 *
 * Totality rules (deterministic, never a crash):
 * - a SEAL whose number is not the next block, or whose timestamp is not after the previous block's, is
 *   skipped: the open block stays open for the next valid SEAL;
 * - a DELAYED entry whose index is not the next one in FIFO order (duplicate, gap) is skipped;
 * - a DELAYED entry becomes a block item by its L1 message's kind: an L2Transaction's payload is a raw transaction
 *   like any TX entry's; a Deposit becomes a {@link DepositItem}, which the engine runs as a system call. This is the
 *   only place a deposit item is made, so a TX entry (whatever its bytes) can never act as the system sender. A message
 *   of an unknown kind is consumed (FIFO advances) and has no effect;
 * - a DELAYED entry whose payload is unknown stops the applier with {@link MissingDelayedError}: the node
 *   must read it from L1 first (guessing would fork the state);
 * - transactions the engine cannot include are skipped by the engine (see `BlockResult.rejected`).
 *
 * A restarted node resumes from its engine head: the head's cursor names the SEAL that closed it, and only
 * entries after it are read again (the open block's entries are re-read, never re-executed twice).
 */
import type { Engine } from "./engine/engine.ts";
import type { BlockItem, BlockResult, Head, LogCursor } from "./engine/types.ts";
import { DelayedMessageKind, type DelayedMessage } from "./l1/types.ts";
import type { ChainLog, SequencedEntry } from "./log/types.ts";

/**
 * A delayed message as read from L1, or undefined if this node does not know it yet. A bare `Uint8Array` stands for
 * an L2Transaction message's payload (for callers that only carry raw transactions).
 */
export type DelayedPayloads = (index: bigint) => DelayedMessage | Uint8Array | undefined;

/** The block item a delayed message becomes, or null for a kind that has no effect. */
export function delayedItem(index: bigint, message: DelayedMessage | Uint8Array): BlockItem | null {
  if (message instanceof Uint8Array) return message;
  switch (message.kind) {
    case DelayedMessageKind.L2Transaction:
      return message.data;
    case DelayedMessageKind.Deposit:
      return { kind: "deposit", messageIndex: index, data: message.data };
    default:
      return null;
  }
}

/** A log entry that had no effect, and why. */
export interface SkippedEntry {
  readonly seq: bigint;
  readonly reason: string;
}

/** One block to build, as decided by the log. */
export interface BlockPlan {
  readonly number: bigint;
  readonly timestamp: bigint;
  readonly txs: readonly BlockItem[];
  /** The SEAL's position and the delayed cursor after this block: persisted with the block. */
  readonly cursor: LogCursor;
}

/** Thrown when a DELAYED entry's payload is not available. */
export class MissingDelayedError extends Error {
  override readonly name = "MissingDelayedError";
  readonly index: bigint;
  readonly seq: bigint;
  constructor(index: bigint, seq: bigint) {
    super(`delayed message ${index} (log entry ${seq}) has no payload yet: read it from L1 first`);
    this.index = index;
    this.seq = seq;
  }
}

/** Thrown when the entries a node needs were pruned from the log (it must derive from L1 instead). */
export class LogGapError extends Error {
  override readonly name = "LogGapError";
}

/** The applier's position: everything the next entry's effect depends on. */
export interface ApplierState {
  /** The next block number a SEAL may close. */
  readonly nextBlock: bigint;
  /** The last sealed block's timestamp. */
  readonly lastTimestamp: bigint;
  /** The next delayed index in FIFO order. */
  readonly delayedNext: bigint;
  /** The next log sequence number to read. */
  readonly nextSeq: bigint;
  /** Items of the open block. */
  readonly open: readonly BlockItem[];
}

/** The state right after the engine's head block (nothing open). */
export function stateAfterHead(head: Head): ApplierState {
  return {
    nextBlock: head.number + 1n,
    lastTimestamp: head.timestamp,
    delayedNext: head.cursor?.delayedNext ?? 0n,
    nextSeq: head.cursor === null ? 0n : head.cursor.seq + 1n,
    open: [],
  };
}

/**
 * The pure step: feeds `entries` (consecutive, starting at `state.nextSeq`) and returns the blocks they seal,
 * the entries that had no effect, and the new state. Same inputs, same outputs.
 */
export function planBlocks(state: ApplierState, entries: readonly SequencedEntry[], delayed: DelayedPayloads): { state: ApplierState; blocks: BlockPlan[]; skipped: SkippedEntry[] } {
  let { nextBlock, lastTimestamp, delayedNext, nextSeq } = state;
  let open = [...state.open];
  const blocks: BlockPlan[] = [];
  const skipped: SkippedEntry[] = [];
  for (const { seq, entry } of entries) {
    if (seq !== nextSeq) throw new LogGapError(`log entry ${seq} read where ${nextSeq} was expected`);
    nextSeq = seq + 1n;
    switch (entry.kind) {
      case "tx":
        open.push(entry.raw);
        break;
      case "delayed": {
        if (entry.index !== delayedNext) {
          skipped.push({ seq, reason: `delayed ${entry.index} out of FIFO order (next is ${delayedNext})` });
          break;
        }
        const message = delayed(entry.index);
        if (message === undefined) throw new MissingDelayedError(entry.index, seq);
        const item = delayedItem(entry.index, message);
        if (item === null) skipped.push({ seq, reason: `delayed ${entry.index} has an unknown message kind: consumed, no effect` });
        else open.push(item);
        delayedNext++;
        break;
      }
      case "seal": {
        if (entry.block !== nextBlock) {
          skipped.push({ seq, reason: `seal of block ${entry.block} where ${nextBlock} is next` });
          break;
        }
        if (entry.timestamp <= lastTimestamp) {
          skipped.push({ seq, reason: `seal timestamp ${entry.timestamp} not after ${lastTimestamp}` });
          break;
        }
        blocks.push({ number: entry.block, timestamp: entry.timestamp, txs: open, cursor: { seq, delayedNext } });
        open = [];
        nextBlock++;
        lastTimestamp = entry.timestamp;
        break;
      }
    }
  }
  return { state: { nextBlock, lastTimestamp, delayedNext, nextSeq, open }, blocks, skipped };
}

/** What {@link applyLog} did. */
export interface ApplyReport {
  readonly blocks: readonly BlockResult[];
  readonly skipped: readonly SkippedEntry[];
  /** Transactions read after the last SEAL (the open block), not yet applied. */
  readonly openTxs: number;
}

/** Options of {@link applyLog}. */
export interface ApplyLogOptions {
  readonly delayed?: DelayedPayloads;
  /** Entries read per round trip (default 1024). */
  readonly pageSize?: number;
}

const noDelayed: DelayedPayloads = () => undefined;

/**
 * Brings `engine` up to date with `log`: reads the entries after the engine head's SEAL and applies every
 * block they seal. Never replays a block the engine already has.
 */
export async function applyLog(engine: Engine, log: ChainLog, opts: ApplyLogOptions = {}): Promise<ApplyReport> {
  const delayed = opts.delayed ?? noDelayed;
  const page = BigInt(opts.pageSize ?? 1024);
  let state = stateAfterHead(engine.head());
  const { firstSeq, nextSeq } = await log.head();
  if (state.nextSeq < firstSeq) throw new LogGapError(`engine needs log entry ${state.nextSeq} but the log starts at ${firstSeq}`);
  const results: BlockResult[] = [];
  const skipped: SkippedEntry[] = [];
  while (state.nextSeq < nextSeq) {
    const to = state.nextSeq + page < nextSeq ? state.nextSeq + page : nextSeq;
    const entries = await log.read(state.nextSeq, to);
    const step = planBlocks(state, entries, delayed);
    for (const b of step.blocks) results.push(await engine.applyBlock(b));
    skipped.push(...step.skipped);
    state = step.state;
  }
  return { blocks: results, skipped, openTxs: state.open.length };
}
