/**
 * Derivation's pure step: one L1 batch (plus the delayed messages it consumes) to the blocks it declares.
 *
 * Rules (total: any batch gives the same blocks on every node, never an exception):
 * - A batch always yields exactly `l2BlockEnd - l2BlockStart + 1` blocks and always consumes exactly the
 *   delayed messages `[previous delayedCount, delayedCount)`, in FIFO order (the contracts fix both).
 * - A sequenced batch is **valid** when its data is available (a direct `appendBatch` call whose data hashes
 *   to `dataHash`), decodes ({@link decodeBatch}), holds exactly the declared number of blocks and exactly as
 *   many delayed markers as messages it consumes, and its block timestamps strictly increase from the parent
 *   block's, stay within the header's `[minTimestamp, maxTimestamp]` and at most {@link MAX_L2_TIMESTAMP}.
 *   Its blocks are then the decoded blocks, each marker replaced by the next message's payload.
 * - An **invalid** sequenced batch yields the declared blocks **empty** except for the delayed messages it
 *   consumes (deposits are never lost to a bad batch), placed as in a forced batch.
 * - A **forced** batch (no data) yields one block per consumed message. The placement rule, shared by both:
 *   message k goes in block k, and the last block also takes every message beyond the block count.
 * - Fallback timestamps (invalid and forced batches): block k gets `max(previous + 1, minTimestamp)`, where
 *   "previous" is the block before it (the parent for the first). For a forced batch `minTimestamp` is the
 *   L1 time of the `forceInclude` call, so forced blocks follow L1 time.
 * - Transactions the engine cannot include (undecodable, bad signature, nonce, balance, over the block's gas)
 *   are skipped by the engine, deterministically, inside an otherwise valid block.
 */
import { keccak256 } from "ethers";

import { decodeBatch } from "../batch/codec.ts";
import type { BlockItem } from "../engine/types.ts";
import { BatchKind, engineBlockOf, type L1Batch } from "../l1/batch.ts";
import type { DelayedMessage } from "../l1/types.ts";

/** The largest L2 block timestamp a valid batch may declare: far beyond any real date, far below uint64, so fallback timestamps never overflow. */
export const MAX_L2_TIMESTAMP = 1n << 40n;

/** The payload the engine gets for a delayed message (the bridge plugs its deposit transaction in here). */
export type PayloadOf = (msg: DelayedMessage) => BlockItem;
/** The default {@link PayloadOf}: the message's own data. */
export const messageData = (msg: DelayedMessage): Uint8Array => msg.data;

/** One block to apply, in engine numbering. */
export interface DerivedBlock {
  readonly number: bigint;
  readonly timestamp: bigint;
  readonly txs: readonly BlockItem[];
}

/** What {@link planBatch} decided. */
export interface BatchPlan {
  readonly blocks: readonly DerivedBlock[];
  /** False when the batch was malformed and its fallback was used (always true for a forced batch). */
  readonly valid: boolean;
  /** Why the batch is malformed. */
  readonly reason?: string;
}

/** What a batch is planned against. */
export interface PlanContext {
  /** The timestamp of the block before the batch's first. */
  readonly parentTimestamp: bigint;
  /** Exactly the messages the batch consumes, in FIFO order. */
  readonly delayed: readonly DelayedMessage[];
  readonly payloadOf: PayloadOf;
}

/** Plans `batch`'s blocks. Pure and total. */
export function planBatch(batch: L1Batch, ctx: PlanContext): BatchPlan {
  const n = batch.l2BlockEnd - batch.l2BlockStart + 1n;
  if (batch.kind === BatchKind.Forced) return { blocks: fallback(batch, ctx, n), valid: true };
  const why = invalidity(batch, ctx, n);
  if (typeof why === "string") return { blocks: fallback(batch, ctx, n), valid: false, reason: why };
  return { blocks: why, valid: true };
}

/** The decoded blocks if `batch` is valid, else why not. */
function invalidity(batch: L1Batch, ctx: PlanContext, n: bigint): DerivedBlock[] | string {
  if (batch.data === null || keccak256(batch.data) !== batch.dataHash) return "data unavailable (not a direct appendBatch call, or not matching dataHash)";
  const decoded = decodeBatch(batch.data);
  if (!decoded.ok) return decoded.error.message;
  if (BigInt(decoded.blocks.length) !== n) return `holds ${decoded.blocks.length} blocks, the header declares ${n}`;
  let markers = 0;
  let prev = ctx.parentTimestamp;
  for (const [i, b] of decoded.blocks.entries()) {
    if (b.timestamp <= prev) return `block ${i}: timestamp ${b.timestamp} is not after ${prev}`;
    if (b.timestamp < batch.minTimestamp || b.timestamp > batch.maxTimestamp) return `block ${i}: timestamp ${b.timestamp} outside [${batch.minTimestamp}, ${batch.maxTimestamp}]`;
    if (b.timestamp > MAX_L2_TIMESTAMP) return `block ${i}: timestamp ${b.timestamp} above ${MAX_L2_TIMESTAMP}`;
    prev = b.timestamp;
    for (const it of b.items) if (it.kind === "delayed") markers++;
  }
  if (markers !== ctx.delayed.length) return `consumes ${markers} delayed messages, the header declares ${ctx.delayed.length}`;
  let next = 0;
  return decoded.blocks.map((b, i) => ({
    number: engineBlockOf(batch.l2BlockStart) + BigInt(i),
    timestamp: b.timestamp,
    txs: b.items.map((it) => (it.kind === "tx" ? it.raw : ctx.payloadOf(ctx.delayed[next++]!))),
  }));
}

/** The fallback blocks: empty but for the consumed messages, message k in block k (the rest in the last block). */
function fallback(batch: L1Batch, ctx: PlanContext, n: bigint): DerivedBlock[] {
  const payloads = ctx.delayed.map((m) => ctx.payloadOf(m));
  const blocks: DerivedBlock[] = [];
  let prev = ctx.parentTimestamp;
  const first = engineBlockOf(batch.l2BlockStart);
  for (let k = 0n; k < n; k++) {
    const timestamp = prev + 1n > batch.minTimestamp ? prev + 1n : batch.minTimestamp;
    const last = k === n - 1n;
    const txs = last ? payloads.slice(Number(k)) : payloads.slice(Number(k), Number(k) + 1);
    blocks.push({ number: first + k, timestamp, txs });
    prev = timestamp;
  }
  return blocks;
}
