/**
 * The batch codec. A batch is a run of complete sealed blocks:
 *
 *   data    = FORMAT_COLUMNS ‖ varint(n) ‖ signatures (n × 64 bytes) ‖ brotli( payload )
 *   payload = the sections below, in this order, each `varint(length) ‖ bytes` (layouts in `streams.ts`)
 *
 *   blocks     varint(block count), then per block varint(timestamp) ‖ varint(item count)
 *   kinds      one byte per item: 0 the next delayed message, 1 raw bytes, 2 a split transaction, 3 an EIP-1559 column transaction
 *   raw        per raw item: varint(length) ‖ the bytes, as is (any transaction, or any bytes)
 *   split      per split item: type byte (0 for legacy) ‖ varint(length) ‖ RLP(fields without r and s)
 *   flags      per EIP-1559 item: bit 0 set for a contract creation; bits 1-2 the data's form (0 empty, 1 words, 2 raw)
 *   chainIds, nonces, tips, feeCaps, gasLimits, values        integer columns, one value per EIP-1559 item
 *   addressRefs, newAddresses   the address table: every `to` and every address-shaped calldata word
 *   dataRaw    per raw-form data: varint(length) ‖ the bytes
 *   selectors  per words-form data: its first 4 bytes
 *   wordCounts per words-form data: varint(number of 32-byte words after the selector)
 *   wordKinds  per word: 0 an address (12 zero bytes, then an address whose first byte is not 0), 1 an integer
 *   wordInts   integer column of the integer words
 *
 * Signatures are `r ‖ s` (32 bytes each, big-endian). An EIP-1559 item folds its `yParity` into the top bit
 * of `s`, which is always 0 for a low-s signature. Integer columns store `mantissa × 10^exponent` with the
 * mantissa's bytes in planes, so amounts and fees lose their decimal zeros and each byte position compresses
 * on its own statistics. The signatures sit outside brotli (they are incompressible).
 *
 * Every transaction decodes byte for byte to the signed original: the encoder puts a transaction in a
 * column or split form only if that form rebuilds it exactly, and keeps it raw otherwise. The items keep the
 * log's interleaving of transactions and delayed messages. Block numbers are not encoded: they are the
 * header's `l2BlockStart..l2BlockEnd`.
 *
 * What each part saves per transfer (1,000 transfers, 40 recipients, ~30-bit random amounts; the
 * `npm run bench -- chain-l1` workload): decimal exponents 2.2 bytes, calldata words 4.0 (ERC-20 only), the
 * address table 0.8, byte planes 0.2, folding yParity 0.2. Brotli's window, mode, size hint, block size
 * and distance parameters changed nothing measurable at quality 11 and are left at their defaults. Format 0x01
 * (brotli over RLP, signatures split out) took 74.6 bytes per ETH transfer and 75.0 per ERC-20 transfer on
 * that workload; it is retired (the devnet starts fresh and nothing on L1 uses it) and now decodes as an
 * unknown format.
 *
 * Decoding is bounded (the decompressed payload and the rebuilt transactions are each capped) and total: any
 * input gives either the blocks or a {@link BatchDecodeError} value, never an exception.
 */
import { promisify } from "node:util";
import { brotliCompress, brotliCompressSync, brotliDecompressSync, constants as zc, type BrotliOptions } from "node:zlib";

import { RLP } from "@ethereumjs/rlp";
import { bigIntToUnpaddedBytes, bytesToBigInt } from "@ethereumjs/util";

import { AddressTableReader, AddressTableWriter, ByteReader, ByteWriter, IntColumnReader, IntColumnWriter, StreamShapeError, ADDRESS_BYTES } from "./streams.ts";

/** The first byte of a batch: its format. 0x02 is the column format above (0x01, brotli over RLP, is retired). */
export const FORMAT_COLUMNS = 0x02;
/** The largest decompressed payload, and the largest total of rebuilt transactions, a node accepts (bytes). Larger ones are malformed by definition. */
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
const SIG_BYTES = 64;
const EIP1559_TYPE = 0x02;
const SELECTOR_BYTES = 4;
const WORD_BYTES = 32;
const HIGH_BIT = 1n << 255n;
const MAX_U64 = (1n << 64n) - 1n;

/** Item kinds (the `kinds` section). */
const Kind = { Delayed: 0, Raw: 1, Split: 2, Eip1559: 3 } as const;
/** Calldata forms of a column-form transaction (bits 1-2 of its flags). */
const DataForm = { Empty: 0, Words: 1, Raw: 2 } as const;
/** Word kinds of words-form calldata. */
const WordKind = { Address: 0, Int: 1 } as const;
const CREATION_FLAG = 1;

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const u256 = (v: bigint): Uint8Array => {
  const out = new Uint8Array(32);
  for (let i = 31, x = v; i >= 0 && x > 0n; i--, x >>= 8n) out[i] = Number(x & 0xffn);
  return out;
};
const isInt = (b: Nested | undefined): b is Uint8Array => b instanceof Uint8Array && b.length <= 32;

// ---- The split form: any typed or legacy transaction, its r and s moved to the signature stream. ----

/** The raw transaction of a split item (`prefix` empty for legacy). */
function joinSplit(prefix: Uint8Array, fields: readonly Nested[], sig: Uint8Array): Uint8Array {
  const r = bytesToBigInt(sig.subarray(0, 32));
  const s = bytesToBigInt(sig.subarray(32, 64));
  return concat(prefix, RLP.encode([...fields, bigIntToUnpaddedBytes(r), bigIntToUnpaddedBytes(s)] as Nested[]));
}

/** The prefix, fields and 64 signature bytes of `raw`, or null if `raw` does not rebuild exactly from them. */
function splitTx(raw: Uint8Array): { prefix: Uint8Array; fields: Nested[]; sig: Uint8Array } | null {
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
  const r = list[list.length - 2];
  const s = list[list.length - 1];
  if (!isInt(r) || !isInt(s)) return null;
  const sig = concat(u256(bytesToBigInt(r)), u256(bytesToBigInt(s)));
  const fields = list.slice(0, -2);
  if (!sameBytes(joinSplit(prefix, fields, sig), raw)) return null;
  return { prefix, fields, sig };
}

// ---- The column form: an EIP-1559 transaction with an empty access list and a low-s signature. ----

/** The fields of a column-form transaction. */
interface Eip1559Tx {
  readonly chainId: bigint;
  readonly nonce: bigint;
  readonly tip: bigint;
  readonly feeCap: bigint;
  readonly gasLimit: bigint;
  /** Null for a contract creation. */
  readonly to: Uint8Array | null;
  readonly value: bigint;
  readonly data: Uint8Array;
  readonly yParity: 0 | 1;
  readonly r: bigint;
  readonly s: bigint;
}

const buildEip1559 = (t: Eip1559Tx): Uint8Array =>
  concat(
    Uint8Array.of(EIP1559_TYPE),
    RLP.encode([
      bigIntToUnpaddedBytes(t.chainId),
      bigIntToUnpaddedBytes(t.nonce),
      bigIntToUnpaddedBytes(t.tip),
      bigIntToUnpaddedBytes(t.feeCap),
      bigIntToUnpaddedBytes(t.gasLimit),
      t.to ?? new Uint8Array(),
      bigIntToUnpaddedBytes(t.value),
      t.data,
      [],
      bigIntToUnpaddedBytes(BigInt(t.yParity)),
      bigIntToUnpaddedBytes(t.r),
      bigIntToUnpaddedBytes(t.s),
    ]),
  );

/** The column fields of `raw`, or null if it is not an EIP-1559 transaction that rebuilds exactly from them. */
function parseEip1559(raw: Uint8Array): Eip1559Tx | null {
  if (raw.length === 0 || raw[0] !== EIP1559_TYPE) return null;
  let list: Nested;
  try {
    list = RLP.decode(raw.subarray(1)) as Nested;
  } catch {
    return null;
  }
  if (!Array.isArray(list) || list.length !== 12) return null;
  const [chainId, nonce, tip, feeCap, gasLimit, to, value, data, access, v, r, s] = list;
  if (![chainId, nonce, tip, feeCap, gasLimit, value, v, r, s].every(isInt)) return null;
  if (!(to instanceof Uint8Array) || (to.length !== 0 && to.length !== ADDRESS_BYTES) || !(data instanceof Uint8Array) || !Array.isArray(access) || access.length !== 0) return null;
  const yParity = bytesToBigInt(v as Uint8Array);
  const sv = bytesToBigInt(s as Uint8Array);
  if ((yParity !== 0n && yParity !== 1n) || sv >= HIGH_BIT) return null;
  const int = (b: Nested | undefined) => bytesToBigInt(b as Uint8Array);
  const t: Eip1559Tx = { chainId: int(chainId), nonce: int(nonce), tip: int(tip), feeCap: int(feeCap), gasLimit: int(gasLimit), to: to.length === 0 ? null : to, value: int(value), data, yParity: yParity === 1n ? 1 : 0, r: int(r), s: sv };
  return sameBytes(buildEip1559(t), raw) ? t : null;
}

/** The words form of calldata: a selector and whole 32-byte words. */
const wordsOf = (data: Uint8Array): number | null => (data.length >= SELECTOR_BYTES && (data.length - SELECTOR_BYTES) % WORD_BYTES === 0 ? (data.length - SELECTOR_BYTES) / WORD_BYTES : null);
const isAddressWord = (w: Uint8Array): boolean => w[12] !== 0 && w.subarray(0, 12).every((b) => b === 0);

// ---- Sections ----

/** The payload's sections, in format order (see the layout above). */
export const BATCH_SECTIONS = [
  "blocks",
  "kinds",
  "raw",
  "split",
  "flags",
  "chainIds",
  "nonces",
  "tips",
  "feeCaps",
  "gasLimits",
  "values",
  "addressRefs",
  "newAddresses",
  "dataRaw",
  "selectors",
  "wordCounts",
  "wordKinds",
  "wordInts",
] as const;
/** The name of one payload section. */
export type BatchSection = (typeof BATCH_SECTIONS)[number];
/** A batch before brotli: its sections and its signature stream. */
export interface BatchPayload {
  readonly sections: Readonly<Record<BatchSection, Uint8Array>>;
  readonly signatures: Uint8Array;
}

/** The payload bytes: each section as `varint(length) ‖ bytes`, in {@link BATCH_SECTIONS} order. */
export function joinSections(sections: Readonly<Partial<Record<BatchSection, Uint8Array>>>): Uint8Array {
  const w = new ByteWriter();
  for (const name of BATCH_SECTIONS) w.section(sections[name] ?? new Uint8Array());
  return w.finish();
}

function splitSections(payload: Uint8Array): Record<BatchSection, Uint8Array> {
  const r = new ByteReader(payload, "payload");
  const out = {} as Record<BatchSection, Uint8Array>;
  for (const name of BATCH_SECTIONS) out[name] = r.section();
  r.end();
  return out;
}

/**
 * Batch data from a payload: the format byte, the signature count, the signatures, then the joined sections
 * under brotli at `quality` (default {@link DEFAULT_BROTLI_QUALITY}). Missing sections are empty. The signature
 * stream must be whole signatures.
 */
export function packBatch(payload: { readonly sections: Readonly<Partial<Record<BatchSection, Uint8Array>>>; readonly signatures: Uint8Array }, quality = DEFAULT_BROTLI_QUALITY): Uint8Array {
  const joined = checkedJoin(payload, quality);
  return assemble(payload.signatures, brotliCompressSync(joined, brotliOptions(quality)));
}

/**
 * {@link packBatch} with brotli on libuv's thread pool: the same bytes, without blocking the event loop (brotli at
 * quality 11 takes long enough on a large batch to starve a leader's lease keep-alives).
 */
export async function packBatchAsync(payload: { readonly sections: Readonly<Partial<Record<BatchSection, Uint8Array>>>; readonly signatures: Uint8Array }, quality = DEFAULT_BROTLI_QUALITY): Promise<Uint8Array> {
  const joined = checkedJoin(payload, quality);
  return assemble(payload.signatures, await brotliCompressAsync(joined, brotliOptions(quality)));
}

const brotliCompressAsync = promisify(brotliCompress);

function brotliOptions(quality: number): BrotliOptions {
  return { params: { [zc.BROTLI_PARAM_QUALITY]: quality } };
}

function checkedJoin(payload: { readonly sections: Readonly<Partial<Record<BatchSection, Uint8Array>>>; readonly signatures: Uint8Array }, quality: number): Uint8Array {
  if (!Number.isInteger(quality) || quality < 0 || quality > 11) throw new RangeError(`quality must be an integer 0..11, got ${quality}`);
  if (payload.signatures.length % SIG_BYTES !== 0) throw new RangeError(`signatures must be whole ${SIG_BYTES}-byte signatures, got ${payload.signatures.length} bytes`);
  return joinSections(payload.sections);
}

function assemble(signatures: Uint8Array, packed: Uint8Array): Uint8Array {
  const head = new ByteWriter();
  head.byte(FORMAT_COLUMNS);
  head.varint(signatures.length / SIG_BYTES);
  return concat(head.finish(), signatures, packed);
}

// ---- Encoding ----

/** The payload's section writers. */
class PayloadWriter {
  readonly blocks = new ByteWriter();
  readonly kinds = new ByteWriter();
  readonly raw = new ByteWriter();
  readonly split = new ByteWriter();
  readonly flags = new ByteWriter();
  readonly chainIds = new IntColumnWriter();
  readonly nonces = new IntColumnWriter();
  readonly tips = new IntColumnWriter();
  readonly feeCaps = new IntColumnWriter();
  readonly gasLimits = new IntColumnWriter();
  readonly values = new IntColumnWriter();
  readonly addresses = new AddressTableWriter();
  readonly dataRaw = new ByteWriter();
  readonly selectors = new ByteWriter();
  readonly wordCounts = new ByteWriter();
  readonly wordKinds = new ByteWriter();
  readonly wordInts = new IntColumnWriter();
  readonly sigs = new ByteWriter();

  item(item: BatchItem): void {
    if (item.kind === "delayed") return this.kinds.byte(Kind.Delayed);
    const t = parseEip1559(item.raw);
    if (t !== null) return this.#eip1559(t);
    const split = splitTx(item.raw);
    if (split !== null) {
      this.kinds.byte(Kind.Split);
      this.split.byte(split.prefix.length === 0 ? 0 : split.prefix[0]!);
      this.split.section(RLP.encode(split.fields));
      return this.sigs.bytes(split.sig);
    }
    this.kinds.byte(Kind.Raw);
    this.raw.section(item.raw);
  }

  #eip1559(t: Eip1559Tx): void {
    this.kinds.byte(Kind.Eip1559);
    const words = wordsOf(t.data);
    const form = t.data.length === 0 ? DataForm.Empty : words === null ? DataForm.Raw : DataForm.Words;
    this.flags.byte((t.to === null ? CREATION_FLAG : 0) | (form << 1));
    this.chainIds.push(t.chainId);
    this.nonces.push(t.nonce);
    this.tips.push(t.tip);
    this.feeCaps.push(t.feeCap);
    this.gasLimits.push(t.gasLimit);
    if (t.to !== null) this.addresses.push(t.to);
    this.values.push(t.value);
    if (form === DataForm.Raw) this.dataRaw.section(t.data);
    if (form === DataForm.Words) {
      this.selectors.bytes(t.data.subarray(0, SELECTOR_BYTES));
      this.wordCounts.varint(words!);
      for (let k = 0; k < words!; k++) {
        const w = t.data.subarray(SELECTOR_BYTES + k * WORD_BYTES, SELECTOR_BYTES + (k + 1) * WORD_BYTES);
        if (isAddressWord(w)) {
          this.wordKinds.byte(WordKind.Address);
          this.addresses.push(w.subarray(12));
        } else {
          this.wordKinds.byte(WordKind.Int);
          this.wordInts.push(bytesToBigInt(w));
        }
      }
    }
    this.sigs.bytes(concat(u256(t.r), u256(t.s | (t.yParity === 1 ? HIGH_BIT : 0n))));
  }

  finish(): BatchPayload {
    return {
      sections: {
        blocks: this.blocks.finish(),
        kinds: this.kinds.finish(),
        raw: this.raw.finish(),
        split: this.split.finish(),
        flags: this.flags.finish(),
        chainIds: this.chainIds.finish(),
        nonces: this.nonces.finish(),
        tips: this.tips.finish(),
        feeCaps: this.feeCaps.finish(),
        gasLimits: this.gasLimits.finish(),
        values: this.values.finish(),
        addressRefs: this.addresses.refs.finish(),
        newAddresses: this.addresses.fresh.finish(),
        dataRaw: this.dataRaw.finish(),
        selectors: this.selectors.finish(),
        wordCounts: this.wordCounts.finish(),
        wordKinds: this.wordKinds.finish(),
        wordInts: this.wordInts.finish(),
      },
      signatures: this.sigs.finish(),
    };
  }
}

/** The sections and the signature stream of `blocks`, before brotli (the bench's view of where the bytes go). */
export function encodeBatchPayload(blocks: readonly BatchBlock[]): BatchPayload {
  const p = new PayloadWriter();
  p.blocks.varint(blocks.length);
  for (const b of blocks) {
    if (b.timestamp < 0n || b.timestamp > MAX_U64) throw new RangeError(`block timestamp must be a uint64, got ${b.timestamp}`);
    p.blocks.varint(b.timestamp);
    p.blocks.varint(b.items.length);
    for (const it of b.items) p.item(it);
  }
  return p.finish();
}

/** Encodes `blocks` as batch data at brotli `quality` (default {@link DEFAULT_BROTLI_QUALITY}). */
export function encodeBatch(blocks: readonly BatchBlock[], quality = DEFAULT_BROTLI_QUALITY): Uint8Array {
  if (!Number.isInteger(quality) || quality < 0 || quality > 11) throw new RangeError(`quality must be an integer 0..11, got ${quality}`);
  return packBatch(encodeBatchPayload(blocks), quality);
}

/** {@link encodeBatch} with brotli off the event loop (what the poster uses): the same bytes. */
export async function encodeBatchAsync(blocks: readonly BatchBlock[], quality = DEFAULT_BROTLI_QUALITY): Promise<Uint8Array> {
  if (!Number.isInteger(quality) || quality < 0 || quality > 11) throw new RangeError(`quality must be an integer 0..11, got ${quality}`);
  return packBatchAsync(encodeBatchPayload(blocks), quality);
}

// ---- Decoding ----

/** The payload's section readers. */
class PayloadReader {
  readonly blocks: ByteReader;
  readonly kinds: ByteReader;
  readonly raw: ByteReader;
  readonly split: ByteReader;
  readonly flags: ByteReader;
  readonly chainIds: IntColumnReader;
  readonly nonces: IntColumnReader;
  readonly tips: IntColumnReader;
  readonly feeCaps: IntColumnReader;
  readonly gasLimits: IntColumnReader;
  readonly values: IntColumnReader;
  readonly addresses: AddressTableReader;
  readonly dataRaw: ByteReader;
  readonly selectors: ByteReader;
  readonly wordCounts: ByteReader;
  readonly wordKinds: ByteReader;
  readonly wordInts: IntColumnReader;
  readonly sigs: ByteReader;
  readonly #maxBytes: number;
  #outBytes = 0;

  constructor(payload: Uint8Array, sigs: Uint8Array, maxBytes: number) {
    const s = splitSections(payload);
    this.blocks = new ByteReader(s.blocks, "blocks");
    this.kinds = new ByteReader(s.kinds, "kinds");
    this.raw = new ByteReader(s.raw, "raw items");
    this.split = new ByteReader(s.split, "split items");
    this.flags = new ByteReader(s.flags, "flags");
    this.chainIds = new IntColumnReader(s.chainIds, "chain ids");
    this.nonces = new IntColumnReader(s.nonces, "nonces");
    this.tips = new IntColumnReader(s.tips, "tips");
    this.feeCaps = new IntColumnReader(s.feeCaps, "fee caps");
    this.gasLimits = new IntColumnReader(s.gasLimits, "gas limits");
    this.values = new IntColumnReader(s.values, "values");
    this.addresses = new AddressTableReader(s.addressRefs, s.newAddresses);
    this.dataRaw = new ByteReader(s.dataRaw, "raw data");
    this.selectors = new ByteReader(s.selectors, "selectors");
    this.wordCounts = new ByteReader(s.wordCounts, "word counts");
    this.wordKinds = new ByteReader(s.wordKinds, "word kinds");
    this.wordInts = new IntColumnReader(s.wordInts, "word integers");
    this.sigs = new ByteReader(sigs, "signatures");
    this.#maxBytes = maxBytes;
  }

  /** Counts rebuilt bytes against the cap. */
  #out(raw: Uint8Array): Uint8Array {
    this.#outBytes += raw.length;
    if (this.#outBytes > this.#maxBytes) throw new TooLarge();
    return raw;
  }

  block(): BatchBlock {
    const timestamp = this.blocks.varint(64);
    const n = this.blocks.varint(32);
    if (n > BigInt(this.kinds.remaining)) throw new StreamShapeError(`a block of ${n} items, ${this.kinds.remaining} item kinds left`);
    const items: BatchItem[] = [];
    for (let j = 0n; j < n; j++) items.push(this.#item());
    return { timestamp, items };
  }

  #item(): BatchItem {
    const kind = this.kinds.byte();
    switch (kind) {
      case Kind.Delayed:
        return { kind: "delayed" };
      case Kind.Raw:
        return { kind: "tx", raw: this.#out(this.raw.section()) };
      case Kind.Split: {
        const type = this.split.byte();
        if (type > 0x7f) throw new StreamShapeError(`split item: type byte 0x${type.toString(16)} is not an EIP-2718 type`);
        let fields: Nested;
        try {
          fields = RLP.decode(this.split.section()) as Nested;
        } catch (e) {
          throw new BadRlp(e instanceof Error ? e.message : "undecodable");
        }
        if (!Array.isArray(fields)) throw new StreamShapeError("split item: the fields are not a list");
        const prefix = type === 0 ? new Uint8Array() : Uint8Array.of(type);
        return { kind: "tx", raw: this.#out(joinSplit(prefix, fields, this.sigs.bytes(SIG_BYTES))) };
      }
      case Kind.Eip1559:
        return { kind: "tx", raw: this.#out(buildEip1559(this.#eip1559())) };
      default:
        throw new StreamShapeError(`unknown item kind ${kind}`);
    }
  }

  #eip1559(): Eip1559Tx {
    const flags = this.flags.byte();
    const form = flags >> 1;
    if (form > DataForm.Raw) throw new StreamShapeError(`flags 0x${flags.toString(16)}: unknown data form`);
    const chainId = this.chainIds.next();
    const nonce = this.nonces.next();
    const tip = this.tips.next();
    const feeCap = this.feeCaps.next();
    const gasLimit = this.gasLimits.next();
    const to = (flags & CREATION_FLAG) !== 0 ? null : this.addresses.next();
    const value = this.values.next();
    let data = new Uint8Array();
    if (form === DataForm.Raw) data = this.dataRaw.section();
    if (form === DataForm.Words) {
      const n = this.wordCounts.varint(32);
      if (n > BigInt(this.wordKinds.remaining)) throw new StreamShapeError(`${n} calldata words, ${this.wordKinds.remaining} word kinds left`);
      const parts = [this.selectors.bytes(SELECTOR_BYTES)];
      for (let k = 0n; k < n; k++) {
        const wk = this.wordKinds.byte();
        if (wk === WordKind.Address) parts.push(new Uint8Array(12), this.addresses.next());
        else if (wk === WordKind.Int) parts.push(u256(this.wordInts.next()));
        else throw new StreamShapeError(`unknown word kind ${wk}`);
      }
      data = concat(...parts);
    }
    const sig = this.sigs.bytes(SIG_BYTES);
    const r = bytesToBigInt(sig.subarray(0, 32));
    const sHigh = bytesToBigInt(sig.subarray(32, 64));
    return { chainId, nonce, tip, feeCap, gasLimit, to, value, data, yParity: sHigh >= HIGH_BIT ? 1 : 0, r, s: sHigh & (HIGH_BIT - 1n) };
  }

  /** Throws unless every section and every signature was used. */
  end(): void {
    for (const s of [this.blocks, this.kinds, this.raw, this.split, this.flags]) s.end();
    for (const c of [this.chainIds, this.nonces, this.tips, this.feeCaps, this.gasLimits, this.values]) c.end();
    this.addresses.end();
    for (const s of [this.dataRaw, this.selectors, this.wordCounts, this.wordKinds]) s.end();
    this.wordInts.end();
    this.sigs.end();
  }
}

class TooLarge extends Error {}
class BadRlp extends Error {}

const fail = (reason: BatchDecodeReason, message: string): DecodedBatch => ({ ok: false, error: new BatchDecodeError(reason, message) });

/** Decodes batch data; never throws. `maxBytes` caps the decompressed payload and the rebuilt transactions (default {@link MAX_DECODED_BATCH_BYTES}). */
export function decodeBatch(data: Uint8Array, maxBytes = MAX_DECODED_BATCH_BYTES): DecodedBatch {
  if (data.length === 0) return fail("empty", "no bytes");
  if (data[0] !== FORMAT_COLUMNS) return fail("format", `unknown format byte 0x${data[0]!.toString(16).padStart(2, "0")}`);
  const head = new ByteReader(data.subarray(1), "header");
  let sigs: Uint8Array;
  try {
    sigs = head.bytes(Number(head.varint(32)) * SIG_BYTES);
  } catch (e) {
    return fail("shape", e instanceof Error ? e.message : "no signature count");
  }
  let payload: Uint8Array;
  try {
    payload = brotliDecompressSync(head.bytes(head.remaining), { maxOutputLength: maxBytes });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError) return fail("too-large", `decompresses to more than ${maxBytes} bytes`);
    return fail("decompress", "not a complete brotli stream");
  }
  try {
    const p = new PayloadReader(payload, sigs, maxBytes);
    const n = p.blocks.varint(32);
    if (n > BigInt(p.blocks.remaining)) throw new StreamShapeError(`${n} blocks, ${p.blocks.remaining} bytes of blocks left`);
    const blocks: BatchBlock[] = [];
    for (let i = 0n; i < n; i++) blocks.push(p.block());
    p.end();
    return { ok: true, blocks };
  } catch (e) {
    if (e instanceof TooLarge) return fail("too-large", `rebuilds more than ${maxBytes} bytes of transactions`);
    if (e instanceof BadRlp) return fail("rlp", e.message);
    if (e instanceof StreamShapeError) return fail("shape", e.message);
    // Anything else is a bug in this decoder; derivation still gets a value, never an exception.
    return fail("shape", e instanceof Error ? e.message : "undecodable");
  }
}
