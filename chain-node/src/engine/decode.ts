/**
 * Total decoding of raw transaction bytes: any input gives either a signed transaction with a recovered sender,
 * or a deterministic rejection reason. Never throws.
 */
import type { Common } from "@ethereumjs/common";
import { TransactionType, createTxFromRLP, type TypedTransaction } from "@ethereumjs/tx";
import type { Address } from "@ethereumjs/util";

/** A decoded transaction and its sender. */
export interface DecodedTx {
  readonly ok: true;
  readonly tx: TypedTransaction;
  readonly sender: Address;
}

/** Why bytes are not an admissible transaction. */
export interface DecodeFailure {
  readonly ok: false;
  readonly reason: string;
}

/** Maximum accepted size of one raw transaction (bytes); larger inputs are rejected before parsing. */
export const MAX_TX_BYTES = 128 * 1024;

/** First line of an error message, without the ethereumjs debug suffix (" (tx type=… hash=…)"). */
export function reasonOf(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n")[0]!.replace(/ \((?:tx|block) [^)]*\)\s*$/, "").replace(/\s*\(.*hash=.*\)$/, "").slice(0, 200);
}

const decodeCommons = new WeakMap<Common, Common>();

/**
 * The `Common` transactions are decoded with. ethereumjs' transaction constructors copy the Common they are
 * given and merge the transaction parameters into the copy (JSON round trips and a cache rebuild): about a third
 * of the cost of parsing. A decoded transaction only reads its Common (fixed chain and hardfork), so every
 * decode shares one copy whose `copy()` returns itself and which merges each parameter set once.
 */
function decodeCommon(common: Common): Common {
  let shared = decodeCommons.get(common);
  if (shared === undefined) {
    const c = common.copy();
    const merge = c.updateParams.bind(c);
    const merged = new Set<unknown>();
    c.updateParams = (params) => {
      if (!merged.has(params)) {
        merge(params);
        merged.add(params);
      }
      return c;
    };
    c.copy = () => c;
    decodeCommons.set(common, c);
    shared = c;
  }
  return shared;
}

/**
 * Decodes `raw` for the chain of `common`: wrong chain id, blob transactions (no blobs on this chain),
 * malformed RLP and invalid signatures (including high-s) are all failures.
 */
export function decodeTx(raw: Uint8Array, common: Common): DecodedTx | DecodeFailure {
  if (raw.length === 0) return { ok: false, reason: "decode: empty" };
  if (raw.length > MAX_TX_BYTES) return { ok: false, reason: `decode: larger than ${MAX_TX_BYTES} bytes` };
  if (raw[0] === TransactionType.BlobEIP4844) return { ok: false, reason: "decode: blob transactions are not supported" };
  let tx: TypedTransaction;
  try {
    tx = createTxFromRLP(raw, { common: decodeCommon(common) });
  } catch (e) {
    const reason = reasonOf(e);
    return { ok: false, reason: /chain ?id/i.test(reason) ? "decode: wrong chain id" : `decode: ${reason}` };
  }
  if (tx.type === TransactionType.BlobEIP4844) return { ok: false, reason: "decode: blob transactions are not supported" };
  if (!tx.isSigned()) return { ok: false, reason: "signature: unsigned" };
  try {
    return { ok: true, tx, sender: tx.getSenderAddress() };
  } catch (e) {
    return { ok: false, reason: `signature: ${reasonOf(e)}` };
  }
}

/**
 * A map keyed by exact bytes, bounded: past `capacity` entries the oldest is dropped (for caches whose miss only costs
 * recomputing the value). Capacity 0 holds nothing.
 */
export class BoundedBytesMap<V> {
  readonly capacity: number;
  readonly #byBytes = new Map<string, V>();

  /** @param owner names the cache in a bad-capacity error */
  constructor(capacity: number, owner = "BoundedBytesMap") {
    if (!Number.isSafeInteger(capacity) || capacity < 0) throw new RangeError(`${owner}: capacity must be a non-negative integer, got ${capacity}`);
    this.capacity = capacity;
  }

  /** Entries held. */
  get size(): number {
    return this.#byBytes.size;
  }

  /** The value of exactly these bytes, if held. */
  get(raw: Uint8Array): V | undefined {
    return this.#byBytes.size === 0 ? undefined : this.#byBytes.get(bytesKey(raw));
  }

  /** Holds `value` for these bytes as the newest entry, dropping the oldest past capacity. */
  set(raw: Uint8Array, value: V): void {
    if (this.capacity === 0) return;
    const k = bytesKey(raw);
    this.#byBytes.delete(k);
    this.#byBytes.set(k, value);
    if (this.#byBytes.size > this.capacity) this.#byBytes.delete(this.#byBytes.keys().next().value!);
  }

  /** Forgets these bytes; whether they were held. */
  delete(raw: Uint8Array): boolean {
    return this.#byBytes.size > 0 && this.#byBytes.delete(bytesKey(raw));
  }
}

/**
 * Decoded transactions by their exact bytes: what admission already decoded (and whose sender it recovered) handed
 * to execution, so that the sequencer's engine does not parse and recover each transaction a second time. Decoding
 * is a pure function of the bytes and the chain's `Common` (see {@link decodeTx}), so a hit is exactly what decoding
 * again would give; a miss (a validator deriving from L1, a standby applying the log, a restart) decodes as always.
 * Each entry is taken once; past `capacity` the oldest entries are dropped (a dropped entry only costs a decode).
 */
export class DecodedTxCache {
  readonly #held: BoundedBytesMap<DecodedTx>;
  /** Lookups answered from the cache, and lookups that had to decode. */
  readonly stats = { hits: 0, misses: 0 };

  constructor(capacity: number) {
    this.#held = new BoundedBytesMap(capacity, "DecodedTxCache");
  }

  get capacity(): number {
    return this.#held.capacity;
  }

  /** Entries held. */
  get size(): number {
    return this.#held.size;
  }

  /** Remembers the decoding of `raw`; `decoded` must be what `decodeTx(raw, common)` returns for the engine's Common. */
  remember(raw: Uint8Array, decoded: DecodedTx): void {
    this.#held.set(raw, decoded);
  }

  /** The remembered decoding of `raw` (and forgets it), or decodes it. */
  decode(raw: Uint8Array, common: Common): DecodedTx | DecodeFailure {
    const hit = this.#held.get(raw);
    if (hit !== undefined) {
      this.#held.delete(raw);
      this.stats.hits++;
      return hit;
    }
    this.stats.misses++;
    return decodeTx(raw, common);
  }
}

/** The bytes as a string key (one char per byte: a Map key that compares by content). */
function bytesKey(raw: Uint8Array): string {
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("latin1");
}
