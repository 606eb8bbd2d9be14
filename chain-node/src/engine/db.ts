/**
 * The engine's LevelDB layout and the adapter that lets the Merkle Patricia trie store its nodes in it.
 *
 * One classic-level database per data directory, binary keys, one-byte prefixes:
 *
 * | prefix | key | value |
 * | --- | --- | --- |
 * | `t` | trie node hash (or `c`+code hash) | trie node / contract code |
 * | `m` | name | metadata (head, genesis fingerprint) |
 * | `b` | block number, 8 bytes big-endian | block RLP |
 * | `r` | block number | receipts RLP |
 * | `h` | block hash | block number |
 * | `x` | transaction hash | RLP [block number, index] |
 */
import { ClassicLevel } from "classic-level";
import type { BatchDBOp, DB, EncodingOpts } from "@ethereumjs/util";

/** Key prefixes of the engine's database. */
export const PREFIX = {
  trie: 0x74, // t
  meta: 0x6d, // m
  block: 0x62, // b
  receipts: 0x72, // r
  hash: 0x68, // h
  tx: 0x78, // x
} as const;

/** The raw key/value database (binary keys and values). */
export type Level = ClassicLevel<Uint8Array, Uint8Array>;

/** Opens (creating if missing) the engine database at `dir`. */
export async function openLevel(dir: string): Promise<Level> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
  await db.open();
  return db;
}

/** `prefix ‖ body`. */
export function key(prefix: number, body: Uint8Array): Uint8Array {
  const k = new Uint8Array(1 + body.length);
  k[0] = prefix;
  k.set(body, 1);
  return k;
}

/** A block number as 8 big-endian bytes (so keys sort by number). */
export function u64(n: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n);
  return b;
}

/** `m` + UTF-8 name. */
export function metaKey(name: string): Uint8Array {
  return key(PREFIX.meta, new TextEncoder().encode(name));
}

const HEX_RE = /^[0-9a-f]*$/;

function hexKeyToBytes(k: string): Uint8Array {
  // The trie's CheckpointDB always hands us unprefixed lowercase hex keys.
  if (k.length % 2 !== 0 || !HEX_RE.test(k)) throw new Error(`trie db: unexpected key ${k.slice(0, 20)}`);
  return Buffer.from(k, "hex");
}

/**
 * The ethereumjs `DB` interface over the engine's LevelDB, under the `t` prefix. The trie is created with
 * `valueEncoding: "view"` (bytes), so values pass through unchanged.
 */
export class LevelTrieDB implements DB<string, string | Uint8Array> {
  readonly #db: Level;

  constructor(db: Level) {
    this.#db = db;
  }

  async get(k: string, _opts?: EncodingOpts): Promise<Uint8Array | undefined> {
    return this.#db.get(key(PREFIX.trie, hexKeyToBytes(k)));
  }

  async put(k: string, v: string | Uint8Array, _opts?: EncodingOpts): Promise<void> {
    await this.#db.put(key(PREFIX.trie, hexKeyToBytes(k)), toBytes(v));
  }

  async del(k: string, _opts?: EncodingOpts): Promise<void> {
    await this.#db.del(key(PREFIX.trie, hexKeyToBytes(k)));
  }

  async batch(ops: BatchDBOp<string, string | Uint8Array>[]): Promise<void> {
    const b = this.#db.batch();
    for (const op of ops) {
      const k = key(PREFIX.trie, hexKeyToBytes(op.key));
      if (op.type === "put") b.put(k, toBytes(op.value));
      else b.del(k);
    }
    await b.write();
  }

  shallowCopy(): DB<string, string | Uint8Array> {
    return new LevelTrieDB(this.#db);
  }

  async open(): Promise<void> {}
}

function toBytes(v: string | Uint8Array): Uint8Array {
  if (typeof v !== "string") return v;
  // valueEncoding "string" would hand us unprefixed hex; the engine always uses "view", but stay correct.
  return Buffer.from(v, "hex");
}
