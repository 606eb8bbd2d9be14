/**
 * Blocks, receipts, the transaction index and the head, in the engine's LevelDB (see db.ts for the layout).
 * One block is written in one batch together with the new head, so a reader never sees a head without its block.
 */
import { RLP } from "@ethereumjs/rlp";
import { bigIntToUnpaddedBytes, bytesToBigInt, bytesToHex, hexToBytes } from "@ethereumjs/util";

import { PREFIX, key, metaKey, u64, type Level } from "./db.ts";
import type { Head, LogRecord, Receipt } from "./types.ts";

const HEAD = metaKey("head");
const GENESIS = metaKey("genesis");

type Nested = Uint8Array | Nested[];

const hex = (b: Uint8Array): string => bytesToHex(b);
const big = (b: bigint): Uint8Array => bigIntToUnpaddedBytes(b);
const optAddr = (a: string | null): Uint8Array => (a === null ? new Uint8Array() : hexToBytes(a as `0x${string}`));
const readOptAddr = (b: Uint8Array): string | null => (b.length === 0 ? null : hex(b));

function asList(x: Nested | undefined, what: string): Nested[] {
  if (!Array.isArray(x)) throw new Error(`store: corrupt ${what}`);
  return x;
}
function asBytes(x: Nested | undefined, what: string): Uint8Array {
  if (!(x instanceof Uint8Array)) throw new Error(`store: corrupt ${what}`);
  return x;
}

/** Encodes a block's receipts (block number, hash and index are implied by where they are stored). */
export function encodeReceipts(rs: readonly Receipt[]): Uint8Array {
  return RLP.encode(
    rs.map((r) => [
      hexToBytes(r.txHash as `0x${string}`),
      big(BigInt(r.type)),
      hexToBytes(r.from as `0x${string}`),
      optAddr(r.to),
      optAddr(r.contractAddress),
      big(BigInt(r.status)),
      big(r.gasUsed),
      big(r.cumulativeGasUsed),
      big(r.effectiveGasPrice),
      r.logs.map((l) => [hexToBytes(l.address as `0x${string}`), l.topics.map((t) => hexToBytes(t as `0x${string}`)), hexToBytes(l.data as `0x${string}`)]),
    ]),
  );
}

/** Decodes what {@link encodeReceipts} wrote. */
export function decodeReceipts(bytes: Uint8Array, blockNumber: bigint, blockHash: string): Receipt[] {
  return asList(RLP.decode(bytes) as Nested, "receipts").map((item, index) => {
    const f = asList(item, "receipt");
    const b = (i: number) => asBytes(f[i], "receipt field");
    const logs: LogRecord[] = asList(f[9], "logs").map((l) => {
      const lf = asList(l, "log");
      return {
        address: hex(asBytes(lf[0], "log address")),
        topics: asList(lf[1], "topics").map((t) => hex(asBytes(t, "topic"))),
        data: hex(asBytes(lf[2], "log data")),
      };
    });
    return {
      txHash: hex(b(0)),
      blockNumber,
      blockHash,
      index,
      type: Number(bytesToBigInt(b(1))),
      from: hex(b(2)),
      to: readOptAddr(b(3)),
      contractAddress: readOptAddr(b(4)),
      status: bytesToBigInt(b(5)) === 1n ? 1 : 0,
      gasUsed: bytesToBigInt(b(6)),
      cumulativeGasUsed: bytesToBigInt(b(7)),
      effectiveGasPrice: bytesToBigInt(b(8)),
      logs,
    };
  });
}

function encodeHead(h: Head): Uint8Array {
  const cursor = h.cursor === null ? [] : [big(h.cursor.seq), big(h.cursor.delayedNext)];
  return RLP.encode([big(h.number), hexToBytes(h.hash as `0x${string}`), hexToBytes(h.stateRoot as `0x${string}`), big(h.timestamp), cursor]);
}

function decodeHead(bytes: Uint8Array): Head {
  const f = asList(RLP.decode(bytes) as Nested, "head");
  const b = (i: number) => asBytes(f[i], "head field");
  const c = asList(f[4], "head cursor");
  return {
    number: bytesToBigInt(b(0)),
    hash: hex(b(1)),
    stateRoot: hex(b(2)),
    timestamp: bytesToBigInt(b(3)),
    cursor: c.length === 0 ? null : { seq: bytesToBigInt(asBytes(c[0], "cursor")), delayedNext: bytesToBigInt(asBytes(c[1], "cursor")) },
  };
}

/** A block as persisted: its RLP plus its receipts. */
export interface StoredBlock {
  readonly head: Head;
  readonly blockRlp: Uint8Array;
  readonly receipts: readonly Receipt[];
  readonly txHashes: readonly string[];
}

/** Reads and writes blocks, receipts, the tx index and the head. */
export class BlockStore {
  readonly #db: Level;

  constructor(db: Level) {
    this.#db = db;
  }

  /** The head, or null for a fresh directory. */
  async readHead(): Promise<Head | null> {
    const v = await this.#db.get(HEAD);
    return v === undefined ? null : decodeHead(v);
  }

  /** The genesis fingerprint the directory was created with, or null. */
  async readGenesisFingerprint(): Promise<string | null> {
    const v = await this.#db.get(GENESIS);
    return v === undefined ? null : new TextDecoder().decode(v);
  }

  /** Writes a block, its receipts, its tx index entries and the new head in one batch (and, for genesis, the fingerprint). */
  async writeBlock(b: StoredBlock, genesisFingerprint?: string): Promise<void> {
    const n = u64(b.head.number);
    const batch = this.#db.batch();
    batch.put(key(PREFIX.block, n), b.blockRlp);
    batch.put(key(PREFIX.receipts, n), encodeReceipts(b.receipts));
    batch.put(key(PREFIX.hash, hexToBytes(b.head.hash as `0x${string}`)), n);
    b.txHashes.forEach((h, i) => batch.put(key(PREFIX.tx, hexToBytes(h as `0x${string}`)), RLP.encode([big(b.head.number), big(BigInt(i))])));
    batch.put(HEAD, encodeHead(b.head));
    if (genesisFingerprint !== undefined) batch.put(GENESIS, new TextEncoder().encode(genesisFingerprint));
    await batch.write();
  }

  /** The block RLP at `number`, or undefined. */
  async blockRlp(number: bigint): Promise<Uint8Array | undefined> {
    return this.#db.get(key(PREFIX.block, u64(number)));
  }

  /** The block number for a block hash, or undefined. */
  async numberOfHash(hash: string): Promise<bigint | undefined> {
    const v = await this.#db.get(key(PREFIX.hash, hexToBytes(hash as `0x${string}`)));
    return v === undefined ? undefined : new DataView(v.buffer, v.byteOffset, 8).getBigUint64(0);
  }

  /** The receipts of block `number` (empty if the block is unknown). */
  async receipts(number: bigint, blockHash: string): Promise<Receipt[]> {
    const v = await this.#db.get(key(PREFIX.receipts, u64(number)));
    return v === undefined ? [] : decodeReceipts(v, number, blockHash);
  }

  /** Where a transaction was included, or undefined. */
  async txLocation(txHash: string): Promise<{ blockNumber: bigint; index: number } | undefined> {
    const v = await this.#db.get(key(PREFIX.tx, hexToBytes(txHash as `0x${string}`)));
    if (v === undefined) return undefined;
    const f = asList(RLP.decode(v) as Nested, "tx location");
    return { blockNumber: bytesToBigInt(asBytes(f[0], "tx location")), index: Number(bytesToBigInt(asBytes(f[1], "tx location"))) };
  }
}
