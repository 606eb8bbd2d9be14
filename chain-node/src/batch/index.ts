/** Batches: the codec (brotli over RLP of blocks) and the poster. */
export { BatchDecodeError, DEFAULT_BROTLI_QUALITY, FORMAT_BROTLI_RLP, MAX_DECODED_BATCH_BYTES, decodeBatch, encodeBatch, encodeBatchRlp, type BatchBlock, type BatchDecodeReason, type BatchItem, type DecodedBatch } from "./codec.ts";
export { BatchPoster, PosterOptionError, PosterOutOfSyncError, type BatchHeader, type BatchPosterOptions, type PostOutcome, type PreparedBatch } from "./poster.ts";
