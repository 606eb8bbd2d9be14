/**
 * The chain log: the ordered entries that decide everything (order, block boundaries, timestamps).
 * Applying it is a pure function, so every node that reads the same log reaches the same state.
 */

/** A citizen's raw signed transaction, in the order the sequencer admitted it. */
export interface TxEntry {
  readonly kind: "tx";
  readonly raw: Uint8Array;
}

/** Consume delayed message `index` (its payload is read from L1 by every node). */
export interface DelayedEntry {
  readonly kind: "delayed";
  readonly index: bigint;
}

/** Close the open block as L2 block `block` with `timestamp` (seconds). */
export interface SealEntry {
  readonly kind: "seal";
  readonly block: bigint;
  readonly timestamp: bigint;
}

/** One log entry. */
export type LogEntry = TxEntry | DelayedEntry | SealEntry;

/** An entry with its position. Sequence numbers start at 0 and have no holes. */
export interface SequencedEntry {
  readonly seq: bigint;
  readonly entry: LogEntry;
}

/** Where the log stands: entries `[firstSeq, nextSeq)` are readable (earlier ones were pruned). */
export interface LogHead {
  readonly firstSeq: bigint;
  readonly nextSeq: bigint;
}

/** Preconditions of an append. An append that fails one writes nothing and throws {@link FencingError}. */
export interface AppendOptions {
  /**
   * The append must start exactly at this sequence number: if another writer appended first (or this
   * writer's view is stale) the append is refused instead of forking the log.
   */
  readonly expectNextSeq?: bigint;
}

/** What an append wrote: sequence numbers `[firstSeq, nextSeq)`. */
export interface AppendResult {
  readonly firstSeq: bigint;
  readonly nextSeq: bigint;
}

/** Why a fenced append was refused. */
export type FencingReason = "seq" | "leader";

/** An append refused by its precondition: nothing was written. Never retry it blindly. */
export class FencingError extends Error {
  override readonly name = "FencingError";
  readonly reason: FencingReason;
  /** The sequence number the writer expected (for reason "seq"). */
  readonly expected: bigint | undefined;
  /** The log's actual next sequence number, when known. */
  readonly actual: bigint | undefined;
  constructor(reason: FencingReason, message: string, expected?: bigint, actual?: bigint) {
    super(message);
    this.reason = reason;
    this.expected = expected;
    this.actual = actual;
  }
}

/** A bad request to the log (malformed range, unknown entry encoding, closed log). */
export class LogError extends Error {
  override readonly name = "LogError";
}

/**
 * The log. Implementations: {@link EmbeddedLog} (LevelDB, single sequencer) and, next, etcd (high
 * availability, where the leader lease is the second precondition: a deposed leader's append fails with
 * reason "leader").
 */
export interface ChainLog {
  /**
   * Appends `entries` as one group commit (one write). Resolves only once the write is durable; only then
   * may the sequencer acknowledge the transactions. Appending zero entries is allowed (a fenced no-op check).
   */
  append(entries: readonly LogEntry[], opts?: AppendOptions): Promise<AppendResult>;
  /** Entries with `from <= seq < to` that still exist, in order (at most `limit`, default unbounded). */
  read(from: bigint, to: bigint, limit?: number): Promise<SequencedEntry[]>;
  /** The readable range. */
  head(): Promise<LogHead>;
  /** Deletes every entry with `seq <= uptoSeq` (L1 is the archive once their batch is final). Durable. */
  prune(uptoSeq: bigint): Promise<void>;
  /** Releases the store. */
  close(): Promise<void>;
}
