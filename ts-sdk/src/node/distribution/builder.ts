/**
 * The national-scale distribution tree builder (Node only). Streams a CSV of `index,account,amount` rows, checks
 * every row, and writes a proof store (see ./format.ts) whose root equals `StandardMerkleTree.of(rows,
 * ["uint256", "address", "uint256"]).root` for the same rows.
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
import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, stat, writeFile, type FileHandle } from "node:fs/promises";
import path from "node:path";

import { InvalidInputError } from "../../errors.js";
import type { Hex } from "../../types.js";
import { CSV_HEADER, DUMP_LIMIT, FILES, MAX_ROWS, NODE_SIZE, RECORD_SIZE, STORE_FORMAT, type StoreManifest } from "./format.js";
import { Keccak } from "./keccak.js";

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
  readonly phase: "parse" | "accounts" | "sort" | "tree" | "write" | "done";
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

/** Writes sequentially through a buffer, hashing (sha256) what it writes. */
class HashedWriter {
  readonly sha = createHash("sha256");
  bytes = 0;
  private buf: Buffer;
  private fill = 0;
  private constructor(private readonly fh: FileHandle, size: number) {
    this.buf = Buffer.allocUnsafe(size);
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
      for (let off = 0; off < data.length; off += 1 << 30) {
        const part = data.subarray(off, Math.min(data.length, off + (1 << 30)));
        this.sha.update(part);
        await writeAll(this.fh, part);
        this.bytes += part.length;
      }
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

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/**
 * Sorts row numbers 0..n-1 by a 32-bit key (LSD radix, two 16-bit passes), then orders rows with equal keys with
 * `tie` (a full comparison). Stable.
 */
export function sortRowsByKey(keys: Uint32Array, n: number, tie: (a: number, b: number) => number): Uint32Array {
  const a = new Uint32Array(n);
  const b = new Uint32Array(n);
  const count = new Uint32Array(65536);
  for (let i = 0; i < n; i++) count[keys[i]! & 0xffff]!++;
  let sum = 0;
  for (let k = 0; k < 65536; k++) {
    const c = count[k]!;
    count[k] = sum;
    sum += c;
  }
  for (let i = 0; i < n; i++) b[count[keys[i]! & 0xffff]!++] = i;
  count.fill(0);
  for (let i = 0; i < n; i++) count[keys[i]! >>> 16]!++;
  sum = 0;
  for (let k = 0; k < 65536; k++) {
    const c = count[k]!;
    count[k] = sum;
    sum += c;
  }
  for (let i = 0; i < n; i++) {
    const r = b[i]!;
    a[count[keys[r]! >>> 16]!++] = r;
  }
  // equal keys: full comparison
  for (let i = 0; i < n; ) {
    let j = i + 1;
    const k = keys[a[i]!]!;
    while (j < n && keys[a[j]!]! === k) j++;
    if (j - i > 1) {
      const run = Array.from(a.subarray(i, j)).sort((x, y) => tie(x, y) || x - y);
      a.set(run, i);
    }
    i = j;
  }
  return a;
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
  try {
    const result = await buildInto(opts, tmp, size, t0);
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

async function buildInto(opts: BuildDistributionOptions, dir: string, size: number, t0: number): Promise<Omit<BuildDistributionResult, "dir" | "ms">> {
  const keccak = await Keccak.create();
  const every = opts.progressEvery ?? 1_000_000;
  const report = (phase: BuildProgress["phase"], rows: number, bytesRead: number): void => opts.onProgress?.({ phase, rows, bytesRead, totalBytes: size, elapsedMs: performance.now() - t0 });

  // Upper bound on rows: pages are only touched as rows arrive.
  const cap = Math.min(MAX_ROWS, Math.floor(size / MIN_ROW_BYTES) + 2);
  const tree = new Uint8Array((2 * cap - 1) * NODE_SIZE);
  let accounts = new Uint8Array(cap * 20);
  let indexOfRow = new Uint32Array(cap);
  let seen = new Uint8Array(1 << 16); // bitset of indices
  let maxIndex = -1;
  let maxIndexRow = 0;
  let total = 0n;
  let n = 0;
  let headerLines = 0;
  const records = await HashedWriter.open(path.join(dir, FILES.records));
  const scratch = new Uint8Array(96);
  const inner = new Uint8Array(32);
  const amountView = new DataView(scratch.buffer, 64, 32);
  const lineOf = (row: number): number => row + 1 + headerLines;

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
    if (upper && lower) {
      const want = keccak.checksum(accounts, at);
      if (want.slice(2) !== buf.toString("latin1", c1 + 3, c2)) throw new DistributionCsvError(line, `account ${buf.toString("latin1", c1 + 1, c2)} has a bad EIP-55 checksum (expected ${want})`);
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
    scratch.fill(0, 0, 64);
    if (e - a0 <= 15) {
      let v = 0;
      for (let i = a0; i < e; i++) v = v * 10 + (buf[i]! - C0);
      scratch.fill(0, 64, 88);
      amountView.setUint32(24, Math.floor(v / 0x1_0000_0000));
      amountView.setUint32(28, v >>> 0);
      total += BigInt(v);
    } else {
      const v = BigInt(buf.toString("latin1", a0, e));
      if (v >> 256n !== 0n) throw new DistributionCsvError(line, `amount ${buf.toString("latin1", a0, Math.min(e, a0 + 90))} overflows uint256 (at most 2^256-1)`);
      amountView.setBigUint64(0, v >> 192n);
      amountView.setBigUint64(8, (v >> 128n) & 0xffff_ffff_ffff_ffffn);
      amountView.setBigUint64(16, (v >> 64n) & 0xffff_ffff_ffff_ffffn);
      amountView.setBigUint64(24, v & 0xffff_ffff_ffff_ffffn);
      total += v;
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
    if (index > maxIndex) {
      maxIndex = index;
      maxIndexRow = n;
    }
    indexOfRow[n] = index;
    // leaf = keccak(keccak(abi.encode(index, account, amount)))
    scratch[28] = index >>> 24;
    scratch[29] = (index >>> 16) & 0xff;
    scratch[30] = (index >>> 8) & 0xff;
    scratch[31] = index & 0xff;
    scratch.set(accounts.subarray(at, at + 20), 44);
    keccak.hashInto(scratch, 0, 96, inner, 0);
    keccak.hashInto(inner, 0, 32, tree, n * NODE_SIZE);
    // record: index u32 LE | account | amount
    const rb = records.buffer;
    const ro = records.at;
    rb.writeUInt32LE(index, ro);
    rb.set(accounts.subarray(at, at + 20), ro + 4);
    rb.set(scratch.subarray(64, 96), ro + 24);
    records.advance(RECORD_SIZE);
    n++;
    if (n % every === 0) report("parse", n, bytesRead);
  };

  // ---- parse
  let line = 0;
  let bytesRead = 0;
  try {
    line = await parseAll();
  } catch (e) {
    await records.abort();
    throw e;
  }
  async function parseAll(): Promise<number> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(opts.csv, { highWaterMark: 4 << 20 })) {
    // the records buffer (8 MB) holds the rows of one chunk (at most (4 MB + 1 MB carry) / 47 bytes × 56 bytes)
    const c = chunk as Buffer;
    bytesRead += c.length;
    await records.flush();
    if (carry.length > 1 << 20) throw new DistributionCsvError(line + 1, "line longer than 1 MB (is this a CSV of index,account,amount?)");
    const buf = carry.length > 0 ? Buffer.concat([carry, c]) : c;
    let s = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, s);
      if (nl < 0) break;
      line++;
      parseLine(buf, s, nl, line);
      s = nl + 1;
    }
    carry = Buffer.from(buf.subarray(s));
  }
  if (carry.length > 0) {
    await records.flush();
    line++;
    parseLine(carry, 0, carry.length, line);
  }
  return line;
  }
  if (n === 0) {
    await records.abort();
    throw new DistributionCsvError(0, "the CSV has no rows");
  }
  const recordsFile = await records.close();
  if (maxIndex >= n) throw new DistributionCsvError(lineOf(maxIndexRow), `index ${maxIndex} is out of range: the ${n} rows must use indices 0..${n - 1}`);
  report("accounts", n, size);

  // ---- accounts: duplicates, and the lookup order
  const files: Record<string, { bytes: number; sha256: string }> = { [FILES.records]: recordsFile };
  {
    const keys = new Uint32Array(n);
    for (let r = 0; r < n; r++) keys[r] = ((accounts[r * 20]! << 24) | (accounts[r * 20 + 1]! << 16) | (accounts[r * 20 + 2]! << 8) | accounts[r * 20 + 3]!) >>> 0;
    const order = sortRowsByKey(keys, n, (x, y) => compareBytes(accounts, x * 20, y * 20, 20));
    for (let i = 1; i < n; i++) {
      const x = order[i - 1]!;
      const y = order[i]!;
      if (keys[x] === keys[y] && compareBytes(accounts, x * 20, y * 20, 20) === 0) {
        const [first, dup] = x < y ? [x, y] : [y, x];
        throw new DistributionCsvError(lineOf(dup), `account ${keccak.checksum(accounts, dup * 20)} is a duplicate (first at line ${lineOf(first)}): one leaf per account`);
      }
    }
    files[FILES.byAccount] = await writeFileHashed(path.join(dir, FILES.byAccount), new Uint8Array(order.buffer, 0, n * 4));
    const byIndex = new Uint32Array(n);
    for (let r = 0; r < n; r++) byIndex[indexOfRow[r]!] = r;
    files[FILES.byIndex] = await writeFileHashed(path.join(dir, FILES.byIndex), new Uint8Array(byIndex.buffer));
  }
  // release the per-row account bytes and indices before the tree's internal nodes are touched
  accounts = new Uint8Array(0);
  indexOfRow = new Uint32Array(0);
  report("sort", n, size);

  // ---- sort the leaves (ascending, as StandardMerkleTree.of) and lay them out like its tree array
  const T = 2 * n - 1;
  const positions = new Uint32Array(n);
  {
    const keys = new Uint32Array(n);
    for (let r = 0; r < n; r++) {
      const o = r * NODE_SIZE;
      keys[r] = ((tree[o]! << 24) | (tree[o + 1]! << 16) | (tree[o + 2]! << 8) | tree[o + 3]!) >>> 0;
    }
    const order = sortRowsByKey(keys, n, (x, y) => compareBytes(tree, x * NODE_SIZE, y * NODE_SIZE, NODE_SIZE));
    // leaf of row i moves to slot n-1+i; then slot T-1-r (local n-1-r) takes the leaf of rank r.
    tree.copyWithin((n - 1) * NODE_SIZE, 0, n * NODE_SIZE);
    const base = (n - 1) * NODE_SIZE;
    for (let r = 0; r < n; r++) positions[order[r]!] = T - 1 - r;
    // in-place permutation: new[d] = old[src(d)], src(d) = order[n-1-d] (local slots)
    const done = new Uint8Array((n >>> 3) + 1);
    const tmp = new Uint8Array(NODE_SIZE);
    for (let s0 = 0; s0 < n; s0++) {
      if ((done[s0 >>> 3]! & (1 << (s0 & 7))) !== 0) continue;
      let d = s0;
      tmp.set(tree.subarray(base + d * NODE_SIZE, base + d * NODE_SIZE + NODE_SIZE));
      for (;;) {
        done[d >>> 3]! |= 1 << (d & 7);
        const src = order[n - 1 - d]!;
        if (src === s0) {
          tree.set(tmp, base + d * NODE_SIZE);
          break;
        }
        tree.copyWithin(base + d * NODE_SIZE, base + src * NODE_SIZE, base + src * NODE_SIZE + NODE_SIZE);
        d = src;
      }
    }
  }
  files[FILES.positions] = await writeFileHashed(path.join(dir, FILES.positions), new Uint8Array(positions.buffer));
  report("tree", n, size);

  // ---- internal nodes
  for (let i = n - 2; i >= 0; i--) {
    keccak.hashPairInto(tree, (2 * i + 1) * NODE_SIZE, (2 * i + 2) * NODE_SIZE, tree, i * NODE_SIZE);
    if (i % every === 0 && i > 0) report("tree", n, size);
  }
  const root = ("0x" + Buffer.from(tree.subarray(0, 32)).toString("hex")) as Hex;
  let depth = 0;
  for (let p = T - 1; p > 0; p = (p - 1) >> 1) depth++;
  report("write", n, size);
  files[FILES.tree] = await writeFileHashed(path.join(dir, FILES.tree), tree.subarray(0, T * NODE_SIZE));
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
    const rec = await open(path.join(dir, FILES.records), "r");
    try {
      const chunkRows = 1 << 16;
      const rb = Buffer.allocUnsafe(chunkRows * RECORD_SIZE);
      for (let r0 = 0; r0 < n; r0 += chunkRows) {
        const rows = Math.min(chunkRows, n - r0);
        await rec.read(rb, 0, rows * RECORD_SIZE, r0 * RECORD_SIZE);
        const parts: string[] = [];
        for (let k = 0; k < rows; k++) {
          const o = k * RECORD_SIZE;
          const amount = BigInt("0x" + rb.toString("hex", o + 24, o + 56));
          parts.push(`${r0 + k === 0 ? "" : ","}{"value":["${rb.readUInt32LE(o)}","${keccak.checksum(rb, o + 4)}","${amount}"],"treeIndex":${positions[r0 + k]}}`);
        }
        await w.writeString(parts.join(""));
      }
    } finally {
      await rec.close();
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
