/**
 * The national-scale distribution tree builder (Node only). Streams a CSV of `index,account,amount` rows, checks
 * every row, and writes a proof store (see ./format.ts) whose root equals `StandardMerkleTree.of(rowsInIndexOrder,
 * ["uint256", "address", "uint256"], { sortLeaves: false }).root`: leaves in index order, like the SDK's
 * `DistributionTree`, so that consecutive indices are neighbours in the tree.
 *
 * CSV: an optional header line `index,account,amount`; then one row per line, `\n` or `\r\n`; no blank lines, no
 * quotes, no spaces. `index`: decimal, the rows' indices are exactly 0..n-1 in any order (the contract's claim
 * bitmap is keyed by index, so dense indices cost the fewest storage words). `account`: 0x + 40 hex digits (a
 * mixed-case address must carry a valid EIP-55 checksum). `amount`: decimal integer from 0 to 2^256-1. Each
 * index and each account appears once.
 *
 * Memory: one flat buffer laid out like OpenZeppelin's tree array (64 bytes per leaf), plus about 30 bytes per row
 * while checking accounts; pages are touched only as they fill. Nothing is written to `out` until the whole store
 * is complete: it is built in a sibling temporary directory and renamed into place.
 */
import { createHash, type Hash } from "node:crypto";
import { endianness } from "node:os";
import { mkdir, open, readFile, rename, rm, stat, writeFile, type FileHandle } from "node:fs/promises";
import path from "node:path";

import { InvalidInputError } from "../../errors.js";
import type { Hex } from "../../types.js";
import { CSV_HEADER, DUMP_LIMIT, FILES, MAX_ROWS, NODE_SIZE, RECORD_SIZE, STORE_FORMAT, type StoreManifest } from "./format.js";
import { Keccak, matchesChecksum } from "./keccak.js";
import { inlineHasher, startingHasher } from "./hash-pool.js";
import { IO_BASE, KeccakKernel } from "./keccak-kernel.js";
import { rowSortScratch, sortRows, type RowSortScratch } from "./row-sort.js";

export { sortRowsByKey } from "./row-sort.js";

/** A CSV row (or the file) is invalid: `line` is 1-based (0 when the error concerns the whole file). */
export class DistributionCsvError extends InvalidInputError {
  override name = "DistributionCsvError";
  readonly line: number;
  constructor(line: number, reason: string) {
    super("csv", line > 0 ? `line ${line}: ${reason}` : reason);
    this.line = line;
  }
}

/** Progress of a build, reported every `progressEvery` rows and at each phase. */
export interface BuildProgress {
  readonly phase: "parse" | "accounts" | "tree" | "write" | "done";
  readonly rows: number;
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly elapsedMs: number;
}

/** Options of {@link buildDistribution}. */
export interface BuildDistributionOptions {
  /** The CSV file. */
  readonly csv: string;
  /** The store directory to create (must not exist, unless `overwrite`). */
  readonly out: string;
  /** Replace an existing `out` (only once the new store is complete). */
  readonly overwrite?: boolean;
  readonly onProgress?: (p: BuildProgress) => void;
  /** Rows between progress reports (default 1,000,000). */
  readonly progressEvery?: number;
  /** Write `tree.json` (OpenZeppelin's dump) up to this many leaves (default {@link DUMP_LIMIT}). */
  readonly dumpLimit?: number;
  /** Bytes per read of the CSV (default 1 MB; 64 bytes to 8 MB). */
  readonly readBytes?: number;
  /** Hashing threads: 1 hashes on the calling thread; more start worker threads (default: one per core, or 1 for a
   *  CSV under 32 MB). */
  readonly threads?: number;
}

/** What {@link buildDistribution} returns. */
export interface BuildDistributionResult {
  readonly root: Hex;
  readonly count: number;
  readonly total: bigint;
  readonly depth: number;
  readonly dir: string;
  readonly manifest: StoreManifest;
  readonly ms: number;
}

/** Bytes per write of a large array (each hashed while the previous one is written). */
const WRITE_PART = 32 << 20;

/** Writes sequentially through a buffer, hashing (sha256) what it writes. */
class HashedWriter {
  readonly sha = createHash("sha256");
  bytes = 0;
  private buf: Buffer;
  private fill = 0;
  private constructor(private readonly fh: FileHandle, size: number) {
    // its own ArrayBuffer (offset 0): the parser writes records as aligned 32-bit words
    this.buf = Buffer.from(new ArrayBuffer(size));
  }
  static async open(file: string, size = 8 << 20): Promise<HashedWriter> {
    return new HashedWriter(await open(file, "w"), size);
  }
  get buffer(): Buffer {
    return this.buf;
  }
  get at(): number {
    return this.fill;
  }
  advance(n: number): void {
    this.fill += n;
  }
  async write(data: Uint8Array): Promise<void> {
    if (data.length >= this.buf.length) {
      await this.flush();
      // hash each part while the previous one is being written
      let writing: Promise<void> = Promise.resolve();
      for (let off = 0; off < data.length; off += WRITE_PART) {
        const part = data.subarray(off, Math.min(data.length, off + WRITE_PART));
        this.sha.update(part);
        await writing;
        writing = writeAll(this.fh, part);
        this.bytes += part.length;
      }
      await writing;
      return;
    }
    if (this.fill + data.length > this.buf.length) await this.flush();
    this.buf.set(data, this.fill);
    this.fill += data.length;
  }
  async writeString(s: string): Promise<void> {
    await this.write(Buffer.from(s, "utf8"));
  }
  async flush(): Promise<void> {
    if (this.fill === 0) return;
    const part = this.buf.subarray(0, this.fill);
    this.sha.update(part);
    await writeAll(this.fh, part);
    this.bytes += this.fill;
    this.fill = 0;
  }
  /** Closes without flushing (after a failure; the directory is removed). */
  async abort(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }
  async close(): Promise<{ bytes: number; sha256: string }> {
    await this.flush();
    await this.fh.close();
    return { bytes: this.bytes, sha256: (this.sha as Hash).digest("hex") };
  }
}

/**
 * Writes `tree.bin` in two parts: the tail (the leaves, from byte `split`) as soon as it is final, while the internal
 * nodes are still being hashed, then the head; the sha256 of the whole file, in order, is computed while the head is
 * written. At 40M leaves this took the write phase from 16 s to a few (bench suite `distribution`).
 */
class TreeFileWriter {
  private tail: Promise<void> | undefined;
  private closed = false;
  private constructor(
    private readonly fh: FileHandle,
    private readonly data: Uint8Array,
    private readonly split: number,
  ) {}

  static async open(file: string, data: Uint8Array, split: number): Promise<TreeFileWriter> {
    return new TreeFileWriter(await open(file, "w"), data, split);
  }

  /** Starts writing bytes [split, end): they must not change afterwards. */
  startTail(): void {
    this.tail = writeRangeAt(this.fh, this.data, this.split, this.data.length);
    this.tail.catch(() => undefined); // awaited by finish; a failure surfaces there
  }

  /** Writes bytes [0, split) (final by now), waits for the tail, and returns the file's size and sha256. */
  async finish(): Promise<{ bytes: number; sha256: string }> {
    const head = writeRangeAt(this.fh, this.data, 0, this.split);
    head.catch(() => undefined); // awaited below
    const sha = createHash("sha256");
    for (let off = 0; off < this.data.length; off += WRITE_PART) {
      sha.update(this.data.subarray(off, Math.min(this.data.length, off + WRITE_PART)));
      await new Promise<void>((resolve) => setImmediate(resolve)); // lets the writes' continuations run
    }
    await head;
    await this.tail;
    await this.close();
    return { bytes: this.data.length, sha256: sha.digest("hex") };
  }

  /** Closes the file (after a failure the directory is removed). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail?.catch(() => undefined);
    await this.fh.close();
  }
}

/** Writes data[from, to) at the same offset of the file, in parts of up to 1 GB (one positioned write each). */
async function writeRangeAt(fh: FileHandle, data: Uint8Array, from: number, to: number): Promise<void> {
  let off = from;
  while (off < to) {
    const { bytesWritten } = await fh.write(data, off, Math.min(to - off, 1 << 30), off);
    off += bytesWritten;
  }
}

async function writeAll(fh: FileHandle, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) {
    const { bytesWritten } = await fh.write(data, off, data.length - off);
    off += bytesWritten;
  }
}

const C0 = 0x30;
const C9 = 0x39;
const MIN_ROW_BYTES = 47; // "0,0x" + 40 hex + ",0\n"
/** Mixed-case accounts whose EIP-55 checksums are hashed in one kernel call. */
const CHECK_BATCH = 1024;
/** Rows (and internal nodes) per hashing job. */
const BATCH = 16384;
/**
 * CSVs smaller than this (about 350,000 rows) are hashed on the builder's thread: on a loaded 2-core machine,
 * starting two workers took longer than hashing 100k rows here (bench suite `distribution`, 100k row: 1.7 s inline,
 * 2.6 s with workers).
 */
const INLINE_BELOW = 32 << 20;
/**
 * Bytes per read of the CSV by default: small enough that the read buffers and the records buffer stay in the
 * caches and are reused rather than touched fresh (bench suite `distribution`, 100k row).
 */
const DEFAULT_READ = 1 << 20;
/** The longest line the parser accepts (a line cut between two reads is copied whole). */
const MAX_LINE = 1 << 20;
/** Leaf-block buffers the parser fills in turn. */
const RING = 4;
/**
 * Byte → its hex digit value in the low 4 bits, with flags: {@link HEX_UPPER} for A-F, {@link HEX_LOWERCASE} for
 * a-f; 255 for any other byte (so {@link HEX_INVALID} is set).
 */
const HEX = new Uint8Array(256).fill(255);
const HEX_UPPER = 16;
const HEX_LOWERCASE = 32;
const HEX_INVALID = 0xc0;
for (let d = 0; d < 10; d++) HEX[0x30 + d] = d;
for (let d = 0; d < 6; d++) {
  HEX[0x41 + d] = HEX_UPPER | (10 + d);
  HEX[0x61 + d] = HEX_LOWERCASE | (10 + d);
}

/** Amounts of up to this many digits (below 2^96) take the fast path's three-limb arithmetic. */
const FAST_AMOUNT_DIGITS = 28;
const LIMB = 4294967296;
const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000];

/** The 32-bit word with its bytes in reverse order (a big-endian word written through a little-endian view). */
function bswap32(v: number): number {
  return (v << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Two rows with the same account: `row` repeats the account of the earlier row `first`. */
interface DuplicateAccount {
  readonly row: number;
  readonly first: number;
}

/**
 * Rows 0..n-1 ordered by their 20-byte account (`accounts`, 20 bytes per row), and the duplicate whose repeating
 * row comes first in the file, if any.
 */
function accountOrder(accounts: Uint8Array, n: number, scratch: RowSortScratch): { order: Uint32Array; duplicate: DuplicateAccount | undefined } {
  const keys = new Uint32Array(n);
  for (let r = 0; r < n; r++) keys[r] = ((accounts[r * 20]! << 24) | (accounts[r * 20 + 1]! << 16) | (accounts[r * 20 + 2]! << 8) | accounts[r * 20 + 3]!) >>> 0;
  // equal accounts end up adjacent, in row order
  const { order, sortedKeys } = sortRows(keys, n, (x, y) => compareBytes(accounts, x * 20, y * 20, 20), scratch);
  let duplicate: DuplicateAccount | undefined;
  let runStart = 0;
  for (let i = 1; i < n; i++) {
    const x = order[i - 1]!;
    const y = order[i]!;
    if (sortedKeys[i - 1] !== sortedKeys[i] || compareBytes(accounts, x * 20, y * 20, 20) !== 0) {
      runStart = i;
      continue;
    }
    if (i === runStart + 1 && (duplicate === undefined || y < duplicate.row)) duplicate = { row: y, first: order[runStart]! };
  }
  release(keys);
  return { order, duplicate };
}

/** The duplicate account that comes first in the file among rows 0..n-1, if any. */
function firstDuplicateAccount(accounts: Uint8Array, n: number): DuplicateAccount | undefined {
  return n > 1 ? accountOrder(accounts, n, rowSortScratch(n)).duplicate : undefined;
}

/**
 * Frees the memory of typed arrays now, by detaching their buffers, instead of at some later garbage collection: at
 * 40M rows the per-row tables are about 1.6 GB, and the tree's upper half is touched right after them (bench suite
 * `distribution`, 40M row: peak RSS 4.1 GB when they were left to the collector). The arrays are unusable afterwards.
 */
function release(...views: { readonly buffer: ArrayBufferLike }[]): void {
  for (const v of views) {
    const b = v.buffer as ArrayBufferLike & { transfer?: (length: number) => ArrayBuffer; detached?: boolean };
    if (!(b instanceof SharedArrayBuffer) && typeof b.transfer === "function" && b.detached !== true) b.transfer(0);
  }
}

function compareBytes(buf: Uint8Array, a: number, b: number, len: number): number {
  for (let k = 0; k < len; k++) {
    const d = buf[a + k]! - buf[b + k]!;
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Builds the proof store of a CSV (see the module comment for the CSV rules).
 * @throws DistributionCsvError (an InvalidInputError, field `csv`) naming the line of the first bad row; nothing
 *   is left in `out` or beside it
 * @throws InvalidInputError (field `out`) when `out` exists and `overwrite` is not set
 */
export async function buildDistribution(opts: BuildDistributionOptions): Promise<BuildDistributionResult> {
  const t0 = performance.now();
  const out = path.resolve(opts.out);
  let size: number;
  try {
    const s = await stat(opts.csv);
    if (!s.isFile()) throw new Error("not a file");
    size = s.size;
  } catch (e) {
    throw new InvalidInputError("csv", `cannot read ${opts.csv} (${(e as { code?: string }).code ?? (e as Error).message})`, { cause: e });
  }
  const exists = await stat(out).then(
    () => true,
    () => false,
  );
  if (exists && opts.overwrite !== true) throw new InvalidInputError("out", `${out} already exists; choose a new directory or pass overwrite`);
  await mkdir(path.dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp);
  const cleanup: (() => Promise<void>)[] = [];
  try {
    const result = await buildInto(opts, tmp, size, t0, cleanup).finally(() => Promise.all(cleanup.map((f) => f())));
    if (exists) {
      const old = `${out}.old-${process.pid}-${Date.now()}`;
      await rename(out, old);
      await rename(tmp, out);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, out);
    }
    const ms = performance.now() - t0;
    opts.onProgress?.({ phase: "done", rows: result.count, bytesRead: size, totalBytes: size, elapsedMs: ms });
    return { ...result, dir: out, ms };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

async function buildInto(
  opts: BuildDistributionOptions,
  dir: string,
  size: number,
  t0: number,
  cleanup: (() => Promise<void>)[],
): Promise<Omit<BuildDistributionResult, "dir" | "ms">> {
  if (endianness() !== "LE") throw new Error("tree builder: the parser writes little-endian words; this machine is big-endian");
  const keccak = await Keccak.create();
  // EIP-55 checks of the fast path's mixed-case accounts, batched on the kernel (hashed CHECK_BATCH at a time)
  const checkKernel = await KeccakKernel.create(CHECK_BATCH * (40 + 32));
  const pendingText = new Uint8Array(CHECK_BATCH * 40);
  const pendingRow = new Uint32Array(CHECK_BATCH);
  let pending = 0;
  const every = opts.progressEvery ?? 1_000_000;
  const readBytes = opts.readBytes ?? DEFAULT_READ;
  if (!Number.isInteger(readBytes) || readBytes < 64 || readBytes > 8 << 20) throw new InvalidInputError("readBytes", `must be an integer from 64 to ${8 << 20}, is ${readBytes}`);
  if (opts.threads !== undefined && (!Number.isInteger(opts.threads) || opts.threads < 1 || opts.threads > 64)) {
    throw new InvalidInputError("threads", `must be an integer from 1 to 64, is ${opts.threads}`);
  }
  const report = (phase: BuildProgress["phase"], rows: number, bytesRead: number): void => opts.onProgress?.({ phase, rows, bytesRead, totalBytes: size, elapsedMs: performance.now() - t0 });

  // Upper bound on rows: pages are only touched as rows arrive.
  const cap = Math.min(MAX_ROWS, Math.floor(size / MIN_ROW_BYTES) + 2);
  // shared with the hashing workers; pages are touched only as nodes are written
  const treeShared = new SharedArrayBuffer((2 * cap - 1) * NODE_SIZE);
  const tree = new Uint8Array(treeShared);
  let accounts = new Uint8Array(cap * 20);
  let accountWords = new Int32Array(accounts.buffer);
  let indexOfRow = new Uint32Array(cap);
  let seen = new Uint8Array(1 << 16); // bitset of indices
  let maxIndex = -1;
  let n = 0;
  let headerLines = 0;
  // holds the records of one read (flushed before each): at most (readBytes + MAX_LINE) / MIN_ROW_BYTES rows
  const records = await HashedWriter.open(path.join(dir, FILES.records), (Math.ceil((readBytes + MAX_LINE) / MIN_ROW_BYTES) + 1) * RECORD_SIZE);
  // Leaves are hashed in batches by the worker pool: each row's abi.encode(index, account, amount) block is
  // written straight into a ring slot (bytes that stay zero are never touched), BATCH rows per job; the parser
  // fills the next slot while the workers hash the previous ones.
  const slots = Array.from({ length: RING }, () => new SharedArrayBuffer(BATCH * 96));
  const slotBytes = slots.map((b) => new Uint8Array(b));
  const slotWords = slots.map((b) => new Int32Array(b));
  const recWords = new Int32Array(records.buffer.buffer, records.buffer.byteOffset, records.buffer.length >> 2);
  // the workers start while the parser reads the first batches (hashed on this thread until they are up)
  // (below INLINE_BELOW bytes of CSV, or with threads: 1, on this thread: starting workers would cost more)
  const hashData = { tree: treeShared, slots, batch: BATCH, kernel: await KeccakKernel.module() };
  const threads = opts.threads ?? (size < INLINE_BELOW ? 1 : undefined);
  const hasherReady = threads === 1 ? inlineHasher(hashData) : startingHasher(hashData, threads);
  hasherReady.catch(() => undefined); // awaited by the first job; a failure surfaces there
  cleanup.push(() => hasherReady.then((p) => p.close(), () => undefined));
  const inflight: (Promise<void> | undefined)[] = new Array<Promise<void> | undefined>(RING);
  let slot = 0;
  let mem = slotBytes[0]!;
  let memWords = slotWords[0]!;
  let batchFirst = 0; // first row of the current batch
  const flushLeaves = (): void => {
    const k = n - batchFirst;
    if (k === 0) return;
    const s0 = slot;
    const dstAt = batchFirst * NODE_SIZE;
    const job = hasherReady.then((pool) => pool.run({ kind: "leaves", slot: s0, srcAt: 0, dstAt, count: k }));
    job.catch(() => undefined); // awaited in turn; a failure surfaces there
    inflight[slot] = job;
    slot = (slot + 1) % RING;
    mem = slotBytes[slot]!;
    memWords = slotWords[slot]!;
    batchFirst = n;
  };
  /** Waits until the slot the parser writes next is free again. */
  const slotReady = async (): Promise<void> => {
    const p = inflight[slot];
    if (p !== undefined) {
      inflight[slot] = undefined;
      await p;
    }
  };
  const totalLimbs = new Float64Array(8); // 32-bit limbs of the running total, carries deferred
  const limbs = new Float64Array(8);
  const lineOf = (row: number): number => row + 1 + headerLines;
  const duplicateAccountError = (d: DuplicateAccount): DistributionCsvError =>
    new DistributionCsvError(lineOf(d.row), `account ${keccak.checksum(accounts, d.row * 20)} is a duplicate (first at line ${lineOf(d.first)}): one leaf per account`);

  const parseLine = (buf: Buffer, s: number, e: number, line: number): void => {
    if (e > s && buf[e - 1] === 0x0d) e--;
    if (line === 1 && e > s && ((buf[s]! | 0x20) >= 0x61 && (buf[s]! | 0x20) <= 0x7a)) {
      const h = buf.toString("latin1", s, e).trim().toLowerCase();
      if (h !== CSV_HEADER) throw new DistributionCsvError(1, `the header must be "${CSV_HEADER}" (or no header at all), found "${h.slice(0, 60)}"`);
      headerLines = 1;
      return;
    }
    if (e === s) throw new DistributionCsvError(line, "empty line (blank lines are not allowed)");
    const c1 = buf.indexOf(0x2c, s);
    const c2 = c1 < 0 || c1 >= e ? -1 : buf.indexOf(0x2c, c1 + 1);
    if (c1 < 0 || c1 >= e || c2 < 0 || c2 >= e) throw new DistributionCsvError(line, `expected 3 fields "index,account,amount", found "${buf.toString("latin1", s, Math.min(e, s + 100))}"`);
    const c3 = buf.indexOf(0x2c, c2 + 1);
    if (c3 >= 0 && c3 < e) throw new DistributionCsvError(line, "more than 3 fields (index,account,amount)");
    if (n >= MAX_ROWS) throw new DistributionCsvError(line, `more than ${MAX_ROWS} rows`);
    // index
    if (c1 === s) throw new DistributionCsvError(line, "index is empty");
    let index = 0;
    for (let i = s; i < c1; i++) {
      const c = buf[i]!;
      if (c < C0 || c > C9) throw new DistributionCsvError(line, `index "${buf.toString("latin1", s, c1)}" is not a non-negative decimal integer`);
      index = index * 10 + (c - C0);
      if (index > MAX_ROWS) throw new DistributionCsvError(line, `index ${buf.toString("latin1", s, c1)} is too large (indices run 0..n-1, n at most ${MAX_ROWS})`);
    }
    // account
    if (c2 - c1 - 1 !== 42 || buf[c1 + 1] !== 0x30 || (buf[c1 + 2] !== 0x78 && buf[c1 + 2] !== 0x58)) {
      throw new DistributionCsvError(line, `account "${buf.toString("latin1", c1 + 1, Math.min(c2, c1 + 60))}" is not an address (0x + 40 hex digits)`);
    }
    const at = n * 20;
    let upper = false;
    let lower = false;
    for (let k = 0; k < 20; k++) {
      const p = c1 + 3 + 2 * k;
      const h = hexVal(buf[p]!);
      const l = hexVal(buf[p + 1]!);
      if (h < 0 || l < 0) throw new DistributionCsvError(line, `account "${buf.toString("latin1", c1 + 1, c2)}" is not an address (non-hex digit)`);
      const ch = buf[p]!;
      const cl = buf[p + 1]!;
      if (ch >= 0x41 && ch <= 0x46) upper = true;
      else if (ch >= 0x61) lower = true;
      if (cl >= 0x41 && cl <= 0x46) upper = true;
      else if (cl >= 0x61) lower = true;
      accounts[at + k] = (h << 4) | l;
    }
    if (upper && lower && !keccak.hasChecksum(buf, c1 + 3)) {
      const want = keccak.checksum(accounts, at);
      throw new DistributionCsvError(line, `account ${buf.toString("latin1", c1 + 1, c2)} has a bad EIP-55 checksum (expected ${want})`);
    }
    // amount
    const a0 = c2 + 1;
    if (a0 === e) throw new DistributionCsvError(line, "amount is empty");
    for (let i = a0; i < e; i++) {
      const c = buf[i]!;
      if (c < C0 || c > C9) {
        const txt = buf.toString("latin1", a0, e);
        const why = c === 0x2d ? "is negative" : c === 0x2e || c === 0x65 || c === 0x45 ? "is not an integer (write it in base units, without decimals or exponent)" : "is not a decimal integer";
        throw new DistributionCsvError(line, `amount "${txt.slice(0, 90)}" ${why}`);
      }
    }
    const blk = (n - batchFirst) * 96;
    const ro = records.at;
    const rb = records.buffer;
    if (e - a0 <= 77) {
      amountToBlock(buf, a0, e, blk + 64, ro + 24, rb);
    } else {
      const v = BigInt(buf.toString("latin1", a0, e));
      if (v >> 256n !== 0n) throw new DistributionCsvError(line, `amount ${buf.toString("latin1", a0, Math.min(e, a0 + 90))} overflows uint256 (at most 2^256-1)`);
      for (let k = 0; k < 8; k++) limbs[k] = Number((v >> BigInt(32 * k)) & 0xffff_ffffn);
      writeLimbs(blk + 64, ro + 24, rb);
    }
    // duplicate index
    const byte = index >>> 3;
    if (byte >= seen.length) {
      let len = seen.length;
      while (len <= byte) len *= 2;
      const grown = new Uint8Array(len);
      grown.set(seen);
      seen = grown;
    }
    const bit = 1 << (index & 7);
    if ((seen[byte]! & bit) !== 0) {
      let first = 0;
      while (indexOfRow[first] !== index) first++;
      throw new DistributionCsvError(line, `index ${index} is a duplicate (first at line ${lineOf(first)})`);
    }
    seen[byte]! |= bit;
    if (index > maxIndex) maxIndex = index;
    indexOfRow[n] = index;
    for (let k = 0; k < 20; k++) mem[blk + 44 + k] = rb[ro + 4 + k] = accounts[at + k]!;
    commitRow(index, blk, ro, rb);
  };

  /** Big-endian limbs → the block's amount bytes and the record's; adds them to the total. */
  const writeLimbs = (memAt: number, recAt: number, rb: Buffer): void => {
    for (let k = 0; k < 8; k++) {
      const v = limbs[k]!;
      totalLimbs[k]! += v;
      const o = 4 * (7 - k);
      mem[memAt + o] = rb[recAt + o] = v >>> 24;
      mem[memAt + o + 1] = rb[recAt + o + 1] = (v >>> 16) & 0xff;
      mem[memAt + o + 2] = rb[recAt + o + 2] = (v >>> 8) & 0xff;
      mem[memAt + o + 3] = rb[recAt + o + 3] = v & 0xff;
    }
  };

  /** Decimal digits buf[a0, e) (at most 77: always below 2^256) → 32-bit limbs, then {@link writeLimbs}. */
  const amountToBlock = (buf: Buffer, a0: number, e: number, memAt: number, recAt: number, rb: Buffer): void => {
    limbs.fill(0);
    let active = 1;
    for (let i = a0; i < e; ) {
      const g = Math.min(4, e - i);
      let carry = 0;
      for (let j = 0; j < g; j++) carry = carry * 10 + (buf[i + j]! - C0);
      i += g;
      const mult = g === 4 ? 10_000 : g === 3 ? 1000 : g === 2 ? 100 : 10;
      for (let k = 0; k < active; k++) {
        const x = limbs[k]! * mult + carry;
        carry = Math.floor(x / 4294967296);
        limbs[k] = x - carry * 4294967296;
      }
      if (carry !== 0) limbs[active++] = carry;
    }
    writeLimbs(memAt, recAt, rb);
  };

  /** Row bookkeeping shared by the fast and the general parser: the record, the batch, the counters. */
  const commitRow = (index: number, blk: number, ro: number, rb: Buffer): void => {
    mem[blk + 28] = rb[ro + 3] = index >>> 24;
    mem[blk + 29] = rb[ro + 2] = (index >>> 16) & 0xff;
    mem[blk + 30] = rb[ro + 1] = (index >>> 8) & 0xff;
    mem[blk + 31] = rb[ro] = index & 0xff;
    records.advance(RECORD_SIZE);
    n++;
    if (n - batchFirst === BATCH) flushLeaves();
    if ((n & 0xfffff) === 0) normalizeTotal();
    if (n % every === 0) report("parse", n, bytesRead);
  };

  const normalizeTotal = (): void => {
    for (let k = 0; k < 7; k++) {
      const carry = Math.floor(totalLimbs[k]! / 4294967296);
      totalLimbs[k]! -= carry * 4294967296;
      totalLimbs[k + 1]! += carry;
    }
  };

  /**
   * Checks the queued accounts' EIP-55 checksums (one kernel call) and empties the queue.
   * @returns the error of the first bad one (its line), if any
   */
  const checkPending = (): DistributionCsvError | undefined => {
    const count = pending;
    pending = 0;
    if (count === 0) return undefined;
    const m = checkKernel.mem;
    for (let j = 0; j < count * 40; j++) m[IO_BASE + j] = pendingText[j]! | 0x20; // digits keep their code; letters lowercased
    const out = IO_BASE + CHECK_BATCH * 40;
    checkKernel.hex40(IO_BASE, out, count);
    for (let j = 0; j < count; j++) {
      if (!matchesChecksum(pendingText, j * 40, m, out + 32 * j)) {
        const row = pendingRow[j]!;
        return new DistributionCsvError(lineOf(row), `account 0x${Buffer.from(pendingText.subarray(j * 40, j * 40 + 40)).toString("latin1")} has a bad EIP-55 checksum (expected ${keccak.checksum(accounts, row * 20)})`);
      }
    }
    return undefined;
  };
  /** Queues the mixed-case account at buf[at, at+40) of row `n` for {@link checkPending}. */
  const queueChecksum = (buf: Buffer, at: number): void => {
    buf.copy(pendingText, pending * 40, at, at + 40);
    pendingRow[pending++] = n;
    if (pending === CHECK_BATCH) {
      const bad = checkPending();
      if (bad !== undefined) throw bad;
    }
  };

  /**
   * The common row, `index,0x<40 hex digits, one case or EIP-55>,amount` with at most {@link FAST_AMOUNT_DIGITS} amount
   * digits, parsed in one pass from `s` with no allocation: the account, index and amount go into the leaf block,
   * the record and the account table as aligned 32-bit words. Returns the start of the next line; -1 when the line
   * is not complete in `buf`; -2 when the row needs the general parser (anything else: it gives the precise error,
   * or handles the valid rarer forms).
   */
  const parseFast = (buf: Buffer, s: number, len: number): number => {
    if (s >= len) return -1;
    let i = s;
    let c = buf[i]!;
    if (c < C0 || c > C9) return -2;
    let index = 0;
    do {
      index = index * 10 + (c - C0);
      c = buf[++i]!;
    } while (c >= C0 && c <= C9 && i < len);
    if (i + 46 > len) return -1;
    if (c !== 0x2c || i - s > 10 || index > MAX_ROWS || buf[i + 1] !== 0x30 || buf[i + 2] !== 0x78 || buf[i + 43] !== 0x2c) return -2;
    if (n >= MAX_ROWS) return -2;
    const byte = index >>> 3;
    if (byte >= seen.length || (seen[byte]! & (1 << (index & 7))) !== 0) return -2;
    const bw = (n - batchFirst) * 24; // the leaf block, in words
    const rw = records.at >> 2; // the record, in words (records are 56 bytes: word-aligned)
    const aw = n * 5;
    // account: 5 words, each 4 bytes in memory order (little-endian words)
    let flags = 0;
    for (let k = 0, p = i + 3; k < 5; k++, p += 8) {
      const h0 = HEX[buf[p]!]!, l0 = HEX[buf[p + 1]!]!, h1 = HEX[buf[p + 2]!]!, l1 = HEX[buf[p + 3]!]!;
      const h2 = HEX[buf[p + 4]!]!, l2 = HEX[buf[p + 5]!]!, h3 = HEX[buf[p + 6]!]!, l3 = HEX[buf[p + 7]!]!;
      flags |= h0 | l0 | h1 | l1 | h2 | l2 | h3 | l3;
      memWords[bw + 11 + k] = recWords[rw + 1 + k] = accountWords[aw + k] =
        (((h0 & 15) << 4) | (l0 & 15)) | ((((h1 & 15) << 4) | (l1 & 15)) << 8) | ((((h2 & 15) << 4) | (l2 & 15)) << 16) | ((((h3 & 15) << 4) | (l3 & 15)) << 24);
    }
    if ((flags & HEX_INVALID) !== 0) return -2;
    // mixed case: an EIP-55 checksum, checked here (the general parser names a bad one)
    // mixed case: an EIP-55 checksum, checked in a batch once the row is taken (a bad one fails the build at its line)
    const mixed = (flags & (HEX_UPPER | HEX_LOWERCASE)) === (HEX_UPPER | HEX_LOWERCASE);
    // amount
    const a0 = i + 44;
    let e = a0;
    while (e < len && (c = buf[e]!) >= C0 && c <= C9) e++;
    if (e >= len) return -1;
    const digits = e - a0;
    if (digits === 0 || digits > FAST_AMOUNT_DIGITS) return -2;
    let next = e + 1;
    if (c === 0x0d) {
      if (e + 1 >= len) return -1;
      if (buf[e + 1] !== 0x0a) return -2;
      next = e + 2;
    } else if (c !== 0x0a) return -2;
    // three 32-bit limbs (at most 28 digits < 2^96), Horner in groups of up to 6 digits (limb × 10^6 + carry < 2^53)
    let m0 = 0;
    let m1 = 0;
    let m2 = 0;
    for (let p = a0, g = digits % 6 || 6; p < e; p += g, g = 6) {
      let carry = 0;
      for (let j = 0; j < g; j++) carry = carry * 10 + (buf[p + j]! - C0);
      const mult = POW10[g]!;
      let x = m0 * mult + carry;
      carry = Math.floor(x / LIMB);
      m0 = x - carry * LIMB;
      x = m1 * mult + carry;
      carry = Math.floor(x / LIMB);
      m1 = x - carry * LIMB;
      m2 = m2 * mult + carry; // below 2^32: at most 28 digits
    }
    totalLimbs[0]! += m0;
    totalLimbs[1]! += m1;
    totalLimbs[2]! += m2;
    // big-endian uint256: words 0..4 zero, then limbs 2, 1, 0 byte-swapped
    const b = bw + 16;
    const r = rw + 6;
    memWords[b] = memWords[b + 1] = memWords[b + 2] = memWords[b + 3] = memWords[b + 4] = 0;
    recWords[r] = recWords[r + 1] = recWords[r + 2] = recWords[r + 3] = recWords[r + 4] = 0;
    memWords[b + 5] = recWords[r + 5] = bswap32(m2);
    memWords[b + 6] = recWords[r + 6] = bswap32(m1);
    memWords[b + 7] = recWords[r + 7] = bswap32(m0);
    // index: big-endian in the block's first word, little-endian u32 in the record
    memWords[bw + 7] = bswap32(index);
    recWords[rw] = index;
    if (mixed) queueChecksum(buf, i + 3);
    seen[byte]! |= 1 << (index & 7);
    if (index > maxIndex) maxIndex = index;
    indexOfRow[n] = index;
    records.advance(RECORD_SIZE);
    n++;
    if (n - batchFirst === BATCH) flushLeaves();
    if ((n & 0xfffff) === 0) normalizeTotal();
    if (n % every === 0) report("parse", n, bytesRead);
    return next;
  };

  // ---- parse
  let line = 0;
  let bytesRead = 0;
  try {
    line = await parseAll();
  } catch (e) {
    await records.abort();
    // a queued account with a bad checksum comes before the failing line; a duplicate account among the rows read
    // may come before either: the first bad line in file order is reported
    const bad = e instanceof DistributionCsvError ? (checkPending() ?? e) : e;
    const dup = bad instanceof DistributionCsvError ? firstDuplicateAccount(accounts, n) : undefined;
    if (dup !== undefined && lineOf(dup.row) < (bad as DistributionCsvError).line) throw duplicateAccountError(dup);
    throw bad;
  }
  /** Parses the complete lines of buf from s; returns where the first incomplete line starts. */
  async function parseRows(buf: Buffer, s: number): Promise<number> {
    const len = buf.length;
    for (;;) {
      if (inflight[slot] !== undefined && n === batchFirst) await slotReady();
      if (line > 0) {
        const next = parseFast(buf, s, len);
        if (next >= 0) {
          line++;
          s = next;
          continue;
        }
        if (next === -1) return s;
      }
      const nl = buf.indexOf(0x0a, s);
      if (nl < 0) return s;
      line++;
      parseLine(buf, s, nl, line);
      s = nl + 1;
    }
  }
  /**
   * Reads the CSV into two reused buffers in turn (the next read runs while this one is parsed). Each buffer keeps
   * {@link MAX_LINE} bytes before its data for the line cut by the previous read, copied there (only that line).
   */
  async function parseAll(): Promise<number> {
    const fh = await open(opts.csv, "r");
    try {
      const bufs = [Buffer.allocUnsafe(MAX_LINE + readBytes), Buffer.allocUnsafe(MAX_LINE + readBytes)];
      let which = 0;
      let reading = fh.read(bufs[0]!, MAX_LINE, readBytes, 0);
      let tail = 0; // bytes of the cut line, just before MAX_LINE in the current buffer
      for (;;) {
        const buf = bufs[which]!;
        const { bytesRead: got } = await reading;
        if (got === 0) break;
        bytesRead += got;
        reading = fh.read(bufs[1 - which]!, MAX_LINE, readBytes, bytesRead);
        reading.catch(() => undefined); // awaited next turn; a failure surfaces there
        await records.flush();
        const end = MAX_LINE + got;
        const rest = await parseRows(buf.subarray(0, end), MAX_LINE - tail);
        tail = end - rest;
        if (tail > MAX_LINE) throw new DistributionCsvError(line + 1, `line longer than ${MAX_LINE >> 20} MB (is this a CSV of index,account,amount?)`);
        which = 1 - which;
        buf.copy(bufs[which]!, MAX_LINE - tail, rest, end);
      }
      if (tail > 0) {
        await records.flush();
        line++;
        if (inflight[slot] !== undefined && n === batchFirst) await slotReady();
        parseLine(bufs[which]!, MAX_LINE - tail, MAX_LINE, line);
      }
    } finally {
      await fh.close();
    }
    const bad = checkPending();
    if (bad !== undefined) throw bad;
    flushLeaves();
    await Promise.all(inflight);
    return line;
  }
  if (n === 0) {
    await records.abort();
    throw new DistributionCsvError(0, "the CSV has no rows");
  }
  const recordsFile = await records.close();
  normalizeTotal();
  const total = totalLimbs.reduce((t, v, k) => t + (BigInt(v) << BigInt(32 * k)), 0n);
  report("accounts", n, size);

  // ---- accounts: duplicates, and the lookup order
  const files: Record<string, { bytes: number; sha256: string }> = { [FILES.records]: recordsFile };
  // the account sort's buffers (released before the tree is hashed)
  let scratch = rowSortScratch(n);
  {
    const { order, duplicate } = accountOrder(accounts, n, scratch);
    // the rules known only once every row is read (indices 0..n-1, one leaf per account): the first bad row
    let outOfRange = -1;
    if (maxIndex >= n) for (outOfRange = 0; indexOfRow[outOfRange]! < n; outOfRange++);
    if (outOfRange >= 0 && (duplicate === undefined || outOfRange < duplicate.row)) {
      const index = indexOfRow[outOfRange]!;
      throw new DistributionCsvError(lineOf(outOfRange), `index ${index} is out of range: the ${n} rows must use indices 0..${n - 1}`);
    }
    if (duplicate !== undefined) throw duplicateAccountError(duplicate);
    files[FILES.byAccount] = await writeFileHashed(path.join(dir, FILES.byAccount), new Uint8Array(order.buffer, order.byteOffset, n * 4));
  }
  const byIndex = new Uint32Array(n);
  for (let r = 0; r < n; r++) byIndex[indexOfRow[r]!] = r;
  files[FILES.byIndex] = await writeFileHashed(path.join(dir, FILES.byIndex), new Uint8Array(byIndex.buffer));
  // release the per-row account bytes, indices and sort buffers before the tree's upper half is touched
  release(accounts, indexOfRow, seen, scratch.keys, scratch.rows, scratch.rows2);
  accounts = new Uint8Array(0);
  accountWords = new Int32Array(0);
  indexOfRow = new Uint32Array(0);
  seen = new Uint8Array(0);
  scratch = rowSortScratch(0);
  report("tree", n, size);

  // ---- lay the leaves out in index order, like StandardMerkleTree.of(rowsInIndexOrder, types, { sortLeaves: false })
  const T = 2 * n - 1;
  {
    // gather: slot T-1-k takes the leaf of index k. Leaves sit at rows [0, n), their slots are [n-1, 2n-1): they
    // overlap in slot n-1 only, written last (k = n-1) after every read of row n-1. Rows already in index order (the
    // usual CSV) are a plain reversal.
    const words = new Int32Array(treeShared, 0, T * 8);
    for (let k = 0; k < n; k++) {
      const row = byIndex[k]!;
      const slotOf = T - 1 - k;
      const src = row * 8;
      const dst = slotOf * 8;
      const w0 = words[src]!, w1 = words[src + 1]!, w2 = words[src + 2]!, w3 = words[src + 3]!;
      const w4 = words[src + 4]!, w5 = words[src + 5]!, w6 = words[src + 6]!, w7 = words[src + 7]!;
      words[dst] = w0;
      words[dst + 1] = w1;
      words[dst + 2] = w2;
      words[dst + 3] = w3;
      words[dst + 4] = w4;
      words[dst + 5] = w5;
      words[dst + 6] = w6;
      words[dst + 7] = w7;
    }
  }

  // the leaves are final: tree.bin's second half is written while the internal nodes are hashed
  const treeFile = await TreeFileWriter.open(path.join(dir, FILES.tree), tree.subarray(0, T * NODE_SIZE), (n - 1) * NODE_SIZE);
  cleanup.push(() => treeFile.close());
  treeFile.startTail();

  // ---- internal nodes, in runs of consecutive nodes whose children are all done (children of i are 2i+1 and
  // 2i+2: a run [lo, hi] with 2lo+1 > hi reads only finished nodes, laid out as consecutive pairs), each run split
  // into jobs of up to BATCH nodes across the workers
  const pool = await hasherReady;
  for (let hi = n - 2; hi >= 0; ) {
    const lo = Math.max(Math.floor((hi - 1) / 2) + 1, 0);
    const jobs: Promise<void>[] = [];
    for (let j = lo; j <= hi; j += BATCH) {
      const k = Math.min(BATCH, hi - j + 1);
      jobs.push(pool.run({ kind: "pairs", slot: -1, srcAt: (2 * j + 1) * NODE_SIZE, dstAt: j * NODE_SIZE, count: k }));
    }
    await Promise.all(jobs);
    report("tree", n, size);
    hi = lo - 1;
  }
  const root = ("0x" + Buffer.from(tree.subarray(0, 32)).toString("hex")) as Hex;
  let depth = 0;
  for (let p = T - 1; p > 0; p = (p - 1) >> 1) depth++;
  report("write", n, size);
  files[FILES.tree] = await treeFile.finish();
  files[FILES.root] = await writeFileHashed(path.join(dir, FILES.root), Buffer.from(root + "\n"));

  // ---- OpenZeppelin dump (byte-identical to JSON.stringify(StandardMerkleTree.dump()))
  if (n <= (opts.dumpLimit ?? DUMP_LIMIT)) {
    const w = await HashedWriter.open(path.join(dir, FILES.dump));
    await w.writeString('{"format":"standard-v1","leafEncoding":["uint256","address","uint256"],"tree":[');
    const nodesPerChunk = 1 << 14;
    for (let i0 = 0; i0 < T; i0 += nodesPerChunk) {
      const i1 = Math.min(T, i0 + nodesPerChunk);
      const hexes = Buffer.from(tree.buffer, tree.byteOffset + i0 * NODE_SIZE, (i1 - i0) * NODE_SIZE).toString("hex");
      const parts: string[] = [];
      for (let i = i0; i < i1; i++) parts.push((i === 0 ? '"0x' : ',"0x') + hexes.slice((i - i0) * 64, (i - i0 + 1) * 64) + '"');
      await w.writeString(parts.join(""));
    }
    await w.writeString('],"values":[');
    // values in index order (OpenZeppelin's dump lists them in the order given to `of`), read from records.bin
    const rb = await readFile(path.join(dir, FILES.records));
    const chunk = 1 << 16;
    for (let k0 = 0; k0 < n; k0 += chunk) {
      const parts: string[] = [];
      for (let k = k0; k < Math.min(n, k0 + chunk); k++) {
        const o = byIndex[k]! * RECORD_SIZE;
        const amount = BigInt("0x" + rb.toString("hex", o + 24, o + 56));
        parts.push(`${k === 0 ? "" : ","}{"value":["${k}","${keccak.checksum(rb, o + 4)}","${amount}"],"treeIndex":${T - 1 - k}}`);
      }
      await w.writeString(parts.join(""));
    }
    await w.writeString("]}");
    files[FILES.dump] = await w.close();
  }

  const manifest: StoreManifest = {
    format: STORE_FORMAT,
    leafEncoding: ["uint256", "address", "uint256"],
    root,
    count: n,
    total: total.toString(),
    depth,
    files: Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
  await writeFile(path.join(dir, FILES.manifest), JSON.stringify(manifest, null, 2) + "\n");
  return { root, count: n, total, depth, manifest };
}

async function writeFileHashed(file: string, data: Uint8Array): Promise<{ bytes: number; sha256: string }> {
  const w = await HashedWriter.open(file, 1 << 20);
  await w.write(data);
  return w.close();
}
