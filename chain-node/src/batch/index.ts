/** Batches: the codec (transaction columns under brotli, signatures beside) and the poster. */
export {
  BATCH_SECTIONS,
  BatchDecodeError,
  DEFAULT_BROTLI_QUALITY,
  FORMAT_COLUMNS,
  MAX_DECODED_BATCH_BYTES,
  decodeBatch,
  encodeBatch,
  encodeBatchAsync,
  encodeBatchPayload,
  joinSections,
  packBatch,
  packBatchAsync,
  type BatchBlock,
  type BatchDecodeReason,
  type BatchItem,
  type BatchPayload,
  type BatchSection,
  type DecodedBatch,
} from "./codec.ts";
export { BatchPoster, PosterOptionError, PosterOutOfSyncError, type BatchHeader, type BatchPosterOptions, type PostOutcome, type PreparedBatch } from "./poster.ts";
