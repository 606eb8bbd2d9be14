/** What the node reads from L1: delayed messages and batches, with their accumulators checked. */
export * from "./types.ts";
export { ZERO_ACCUMULATOR, hashBatch, hashDelayedMessage, type BatchAccumulatorFields, type DelayedMessageFields } from "./accumulator.ts";
export { BatchKind, ENGINE_BLOCK_OFFSET, engineBlockOf, l2BlockOf, type L1Batch } from "./batch.ts";
export { L1ConsistencyError, L1Reader, L1ReaderOptionError, initialCursor, type L1Cursor, type L1ReaderOptions, type L1Update } from "./reader.ts";
