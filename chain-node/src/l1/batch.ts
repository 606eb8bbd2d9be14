/**
 * A batch as L1 recorded it (`SequencerInbox.BatchAppended`), with its data read from the posting
 * transaction's calldata.
 */
import type { BatchAccumulatorFields } from "./accumulator.ts";

/** `ISequencerInbox.BatchKind`, in the contract's order. */
export const BatchKind = {
  /** posted by the active sequencer, with data */
  Sequenced: 0,
  /** forced in by anyone from the delayed queue: one L2 block per message, no data */
  Forced: 1,
} as const;

/** One of {@link BatchKind}'s values. */
export type BatchKind = (typeof BatchKind)[keyof typeof BatchKind];

/**
 * Engine block number = inbox L2 block number + 1: the inbox numbers the sealed blocks from 0 (its
 * `nextL2Block` starts at 0) while the engine's block 0 is the genesis. This is the one place that says so.
 */
export const ENGINE_BLOCK_OFFSET = 1n;
/** The engine block number of inbox L2 block `l2Block`. */
export const engineBlockOf = (l2Block: bigint): bigint => l2Block + ENGINE_BLOCK_OFFSET;
/** The inbox L2 block number of engine block `engineBlock` (>= 1). */
export const l2BlockOf = (engineBlock: bigint): bigint => engineBlock - ENGINE_BLOCK_OFFSET;

/** One batch of the canonical sequence. Hex strings are 0x-prefixed lowercase. */
export interface L1Batch extends BatchAccumulatorFields {
  readonly index: bigint;
  readonly kind: BatchKind;
  readonly accumulator: string;
  readonly prevAccumulator: string;
  readonly poster: string;
  /**
   * The batch data (calldata of the `appendBatch` call), or null: always for a forced batch; for a sequenced
   * batch when the posting transaction is not a direct `appendBatch` call to the inbox or its data does not
   * hash to `dataHash` (derivation then treats the batch as malformed, deterministically).
   */
  readonly data: Uint8Array | null;
  /** L1 block, its time, and the transaction that appended the batch. */
  readonly l1BlockNumber: bigint;
  readonly l1Timestamp: bigint;
  readonly l1TxHash: string;
}
