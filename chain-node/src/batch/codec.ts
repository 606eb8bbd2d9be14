/**
 * The batch codec. A batch is a run of complete sealed blocks:
 *
 *   data = FORMAT_BROTLI_RLP ‖ brotli( RLP([ [timestamp, [item, …]], … ]) )
 *
 * where an item is a raw signed transaction (an RLP byte string) or the empty RLP list, which means "consume
 * the next delayed message here" (its payload every node reads from L1). The items keep the log's
 * interleaving of transactions and delayed messages. Block numbers are not encoded: they are the header's
 * `l2BlockStart..l2BlockEnd`.
 *
 * Decoding is bounded (the decompressed size is capped) and total: any input gives either the blocks or a
 * {@link BatchDecodeError} value, never an exception.
 */
import { brotliCompressSync, brotliDecompressSync, constants as zc } from "node:zlib";

import { RLP } from "@ethereumjs/rlp";
import { bigIntToUnpaddedBytes, bytesToBigInt } from "@ethereumjs/util";

/** The first byte of a batch: its format. The only one so far is brotli over RLP. */
export const FORMAT_BROTLI_RLP = 0x01;
/** The largest decompressed batch a node accepts (bytes). Larger ones are malformed by definition. */
export const MAX_DECODED_BATCH_BYTES = 16 * 1024 * 1024;
/** Brotli quality used by default: 11 (the densest; a batch is compressed once, so its CPU cost is small; measured in `npm run bench -- chain-l1`). */
export const DEFAULT_BROTLI_QUALITY = 11;

/** One item of a block: a raw transaction, or the next delayed message. */
export type BatchItem = { readonly kind: "tx"; readonly raw: Uint8Array } | { readonly kind: "delayed" };

/** One block of a batch. */
export interface BatchBlock {
  readonly timestamp: bigint;
  readonly items: readonly BatchItem[];
}

/** Why a batch could not be decoded. */
export type BatchDecodeReason = "empty" | "format" | "decompress" | "too-large" | "rlp" | "shape";

/** A decoding failure, as a value (derivation turns it into its deterministic fallback). */
export class BatchDecodeError extends Error {
  override readonly name = "BatchDecodeError";
  readonly reason: BatchDecodeReason;
  constructor(reason: BatchDecodeReason, message: string) {
    super(`batch data ${reason}: ${message}`);
    this.reason = reason;
  }
}

/** The result of {@link decodeBatch}. */
export type DecodedBatch = { readonly ok: true; readonly blocks: readonly BatchBlock[] } | { readonly ok: false; readonly error: BatchDecodeError };

type Nested = Uint8Array | Nested[];
const DELAYED_ITEM: Nested[] = [];

/** The uncompressed RLP of `blocks` (the inner payload; also the bench's uncompressed baseline). */
export function encodeBatchRlp(blocks: readonly BatchBlock[]): Uint8Array {
  return RLP.encode(blocks.map((b) => [bigIntToUnpaddedBytes(b.timestamp), b.items.map((i) => (i.kind === "tx" ? i.raw : DELAYED_ITEM))]));
}

/** Encodes `blocks` as batch data (format byte, then brotli at `quality`, default {@link DEFAULT_BROTLI_QUALITY}). */
export function encodeBatch(blocks: readonly BatchBlock[], quality = DEFAULT_BROTLI_QUALITY): Uint8Array {
  if (!Number.isInteger(quality) || quality < 0 || quality > 11) throw new RangeError(`quality must be an integer 0..11, got ${quality}`);
  const rlp = encodeBatchRlp(blocks);
  const packed = brotliCompressSync(rlp, {
    params: { [zc.BROTLI_PARAM_QUALITY]: quality, [zc.BROTLI_PARAM_MODE]: zc.BROTLI_MODE_GENERIC, [zc.BROTLI_PARAM_SIZE_HINT]: rlp.length },
  });
  const out = new Uint8Array(1 + packed.length);
  out[0] = FORMAT_BROTLI_RLP;
  out.set(packed, 1);
  return out;
}

const fail = (reason: BatchDecodeReason, message: string): DecodedBatch => ({ ok: false, error: new BatchDecodeError(reason, message) });

/** Decodes batch data; never throws. `maxBytes` caps the decompressed size (default {@link MAX_DECODED_BATCH_BYTES}). */
export function decodeBatch(data: Uint8Array, maxBytes = MAX_DECODED_BATCH_BYTES): DecodedBatch {
  if (data.length === 0) return fail("empty", "no bytes");
  if (data[0] !== FORMAT_BROTLI_RLP) return fail("format", `unknown format byte 0x${data[0]!.toString(16).padStart(2, "0")}`);
  let rlp: Uint8Array;
  try {
    rlp = brotliDecompressSync(data.subarray(1), { maxOutputLength: maxBytes });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError) return fail("too-large", `decompresses to more than ${maxBytes} bytes`);
    return fail("decompress", "not a complete brotli stream");
  }
  let tree: Nested;
  try {
    tree = RLP.decode(rlp) as Nested;
  } catch (e) {
    return fail("rlp", e instanceof Error ? e.message : "undecodable");
  }
  if (!Array.isArray(tree)) return fail("shape", "the batch is not a list of blocks");
  const blocks: BatchBlock[] = [];
  for (let i = 0; i < tree.length; i++) {
    const b = tree[i]!;
    if (!Array.isArray(b) || b.length !== 2) return fail("shape", `block ${i} is not [timestamp, items]`);
    const [ts, items] = b;
    if (!(ts instanceof Uint8Array) || ts.length > 8 || (ts.length > 0 && ts[0] === 0)) return fail("shape", `block ${i}: the timestamp is not a canonical uint64`);
    if (!Array.isArray(items)) return fail("shape", `block ${i}: the items are not a list`);
    const out: BatchItem[] = [];
    for (let j = 0; j < items.length; j++) {
      const it = items[j]!;
      if (it instanceof Uint8Array) out.push({ kind: "tx", raw: it });
      else if (it.length === 0) out.push({ kind: "delayed" });
      else return fail("shape", `block ${i} item ${j}: a list that is not the delayed marker`);
    }
    blocks.push({ timestamp: bytesToBigInt(ts), items: out });
  }
  return { ok: true, blocks };
}
