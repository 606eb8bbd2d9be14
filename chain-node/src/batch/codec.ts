/**
 * The batch codec. A batch is a run of complete sealed blocks:
 *
 *   data    = FORMAT_BROTLI_RLP ‖ brotli( RLP([ blocks, signatures ]) )
 *   blocks  = [ [timestamp, [item, …]], … ]
 *
 * An item is one of:
 * - the empty list: "consume the next delayed message here" (its payload every node reads from L1);
 * - `[typePrefix, [field, …]]`: a signed transaction whose last two fields (`r`, `s`) were moved to
 *   `signatures` (64 bytes each, `r ‖ s`, left-padded, in item order). `typePrefix` is the EIP-2718 type byte
 *   (empty for a legacy transaction). The raw transaction is `typePrefix ‖ RLP([...fields, r, s])`, byte for
 *   byte the original: the encoder splits a transaction only if it rebuilds exactly;
 * - a byte string: any other raw transaction (or any bytes), as is.
 * Moving the incompressible signatures out of the way of the compressible fields saves about 2 bytes per
 * transfer (measured in `npm run bench -- chain-l1`). The items keep the log's interleaving of transactions
 * and delayed messages. Block numbers are not encoded: they are the header's `l2BlockStart..l2BlockEnd`.
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
const SIG_BYTES = 64;

const stripZeros = (b: Uint8Array): Uint8Array => {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return b.subarray(i);
};
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** The raw transaction of a split item. */
function joinTx(prefix: Uint8Array, fields: readonly Nested[], sig: Uint8Array): Uint8Array {
  const body = RLP.encode([...fields, stripZeros(sig.subarray(0, 32)), stripZeros(sig.subarray(32, 64))] as Nested[]);
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix);
  out.set(body, prefix.length);
  return out;
}

/** `[prefix, fields]` and the 64 signature bytes of `raw`, or null if `raw` does not rebuild exactly from them. */
function splitTx(raw: Uint8Array): { item: Nested; sig: Uint8Array } | null {
  if (raw.length === 0) return null;
  const typed = raw[0]! >= 0x01 && raw[0]! <= 0x7f;
  const prefix = typed ? raw.subarray(0, 1) : raw.subarray(0, 0);
  let list: Nested;
  try {
    list = RLP.decode(raw.subarray(prefix.length)) as Nested;
  } catch {
    return null;
  }
  if (!Array.isArray(list) || list.length < 3) return null;
  const r = list[list.length - 2]!;
  const s = list[list.length - 1]!;
  if (!(r instanceof Uint8Array) || !(s instanceof Uint8Array) || r.length > 32 || s.length > 32) return null;
  const sig = new Uint8Array(SIG_BYTES);
  sig.set(r, 32 - r.length);
  sig.set(s, SIG_BYTES - s.length);
  const fields = list.slice(0, -2);
  if (!sameBytes(joinTx(prefix, fields, sig), raw)) return null;
  return { item: [prefix, fields], sig };
}

/** The uncompressed payload of `blocks`: `RLP([blocks, signatures])` (also the bench's uncompressed baseline). */
export function encodeBatchRlp(blocks: readonly BatchBlock[]): Uint8Array {
  const sigs: Uint8Array[] = [];
  const tree = blocks.map((b) => [
    bigIntToUnpaddedBytes(b.timestamp),
    b.items.map((i): Nested => {
      if (i.kind === "delayed") return DELAYED_ITEM;
      const split = splitTx(i.raw);
      if (split === null) return i.raw;
      sigs.push(split.sig);
      return split.item;
    }),
  ]);
  const sigBytes = new Uint8Array(sigs.length * SIG_BYTES);
  sigs.forEach((sig, k) => sigBytes.set(sig, k * SIG_BYTES));
  return RLP.encode([tree, sigBytes] as Nested[]);
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
  if (!Array.isArray(tree) || tree.length !== 2 || !Array.isArray(tree[0]) || !(tree[1] instanceof Uint8Array)) return fail("shape", "the batch is not [blocks, signatures]");
  const [list, sigs] = tree as [Nested[], Uint8Array];
  if (sigs.length % SIG_BYTES !== 0) return fail("shape", `the signatures are ${sigs.length} bytes, not a multiple of ${SIG_BYTES}`);
  let sigAt = 0;
  const blocks: BatchBlock[] = [];
  for (let i = 0; i < list.length; i++) {
    const b = list[i]!;
    if (!Array.isArray(b) || b.length !== 2) return fail("shape", `block ${i} is not [timestamp, items]`);
    const [ts, items] = b;
    if (!(ts instanceof Uint8Array) || ts.length > 8 || (ts.length > 0 && ts[0] === 0)) return fail("shape", `block ${i}: the timestamp is not a canonical uint64`);
    if (!Array.isArray(items)) return fail("shape", `block ${i}: the items are not a list`);
    const out: BatchItem[] = [];
    for (let j = 0; j < items.length; j++) {
      const it = items[j]!;
      if (it instanceof Uint8Array) {
        out.push({ kind: "tx", raw: it });
      } else if (it.length === 0) {
        out.push({ kind: "delayed" });
      } else {
        const [prefix, fields] = it;
        if (it.length !== 2 || !(prefix instanceof Uint8Array) || prefix.length > 1 || (prefix.length === 1 && (prefix[0]! < 0x01 || prefix[0]! > 0x7f)) || !Array.isArray(fields)) {
          return fail("shape", `block ${i} item ${j}: a list that is neither the delayed marker nor [type, fields]`);
        }
        if (sigAt + SIG_BYTES > sigs.length) return fail("shape", `block ${i} item ${j}: no signature left for it`);
        out.push({ kind: "tx", raw: joinTx(prefix, fields, sigs.subarray(sigAt, sigAt + SIG_BYTES)) });
        sigAt += SIG_BYTES;
      }
    }
    blocks.push({ timestamp: bytesToBigInt(ts), items: out });
  }
  if (sigAt !== sigs.length) return fail("shape", `${(sigs.length - sigAt) / SIG_BYTES} signatures left over`);
  return { ok: true, blocks };
}
