/**
 * The embedded log (single-sequencer mode): LevelDB through classic-level, in its own directory.
 * Keys `log/<20-digit seq>`; the range bounds live under `meta/` and change in the same batch as the entries.
 * Every append and prune is one batch written with `sync: true`, so a resolved append survives a crash.
 * LevelDB's directory lock means one process; inside it, appends run one at a time.
 */
import { mkdirSync } from "node:fs";

import { ClassicLevel } from "classic-level";

import { decodeEntry, encodeEntry, parseSeqKey, seqKey, validateEntry } from "./codec.ts";
import { FencingError, LogError, type AppendOptions, type AppendResult, type ChainLog, type LogEntry, type LogHead, type SequencedEntry } from "./types.ts";

const ENTRY = "log/";
const META_FIRST = "meta/first";
const META_NEXT = "meta/next";

/** Options of {@link EmbeddedLog.open}. */
export interface EmbeddedLogOptions {
  /** Directory of the log's LevelDB (created if missing). */
  readonly dir: string;
  /** fsync every write (default true). Turn off only in benchmarks of something else. */
  readonly sync?: boolean;
}

/** The LevelDB-backed {@link ChainLog}. */
export class EmbeddedLog implements ChainLog {
  readonly #db: ClassicLevel<string, Uint8Array>;
  readonly #sync: boolean;
  #first: bigint;
  #next: bigint;
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(db: ClassicLevel<string, Uint8Array>, sync: boolean, first: bigint, next: bigint) {
    this.#db = db;
    this.#sync = sync;
    this.#first = first;
    this.#next = next;
  }

  /** Opens (or creates) the log in `opts.dir`. */
  static async open(opts: EmbeddedLogOptions): Promise<EmbeddedLog> {
    mkdirSync(opts.dir, { recursive: true });
    const db = new ClassicLevel<string, Uint8Array>(opts.dir, { keyEncoding: "utf8", valueEncoding: "view" });
    await db.open();
    const dec = new TextDecoder();
    const [first, next] = await db.getMany([META_FIRST, META_NEXT]);
    return new EmbeddedLog(db, opts.sync ?? true, first === undefined ? 0n : BigInt(dec.decode(first)), next === undefined ? 0n : BigInt(dec.decode(next)));
  }

  append(entries: readonly LogEntry[], opts: AppendOptions = {}): Promise<AppendResult> {
    return this.#serial(async () => {
      if (opts.expectNextSeq !== undefined && opts.expectNextSeq !== this.#next) {
        throw new FencingError("seq", `append expected to start at ${opts.expectNextSeq} but the log is at ${this.#next}`, opts.expectNextSeq, this.#next);
      }
      for (const e of entries) validateEntry(e);
      const firstSeq = this.#next;
      const nextSeq = firstSeq + BigInt(entries.length);
      if (entries.length > 0) {
        const batch = this.#db.batch();
        entries.forEach((e, i) => batch.put(seqKey(ENTRY, firstSeq + BigInt(i)), encodeEntry(e)));
        batch.put(META_NEXT, new TextEncoder().encode(nextSeq.toString()));
        await batch.write({ sync: this.#sync });
        this.#next = nextSeq;
      }
      return { firstSeq, nextSeq };
    });
  }

  async read(from: bigint, to: bigint, limit?: number): Promise<SequencedEntry[]> {
    this.#assertOpen();
    if (from < 0n || to < from) throw new LogError(`bad range [${from}, ${to})`);
    const lo = from < this.#first ? this.#first : from;
    const hi = to > this.#next ? this.#next : to;
    if (hi <= lo) return [];
    const out: SequencedEntry[] = [];
    for await (const [k, v] of this.#db.iterator({ gte: seqKey(ENTRY, lo), lt: seqKey(ENTRY, hi), ...(limit === undefined ? {} : { limit }) })) {
      out.push({ seq: parseSeqKey(ENTRY, k), entry: decodeEntry(v) });
    }
    return out;
  }

  async head(): Promise<LogHead> {
    this.#assertOpen();
    return { firstSeq: this.#first, nextSeq: this.#next };
  }

  prune(uptoSeq: bigint): Promise<void> {
    return this.#serial(async () => {
      const newFirst = (uptoSeq + 1n > this.#next ? this.#next : uptoSeq + 1n);
      if (newFirst <= this.#first) return;
      const batch = this.#db.batch();
      for await (const k of this.#db.keys({ gte: seqKey(ENTRY, this.#first), lt: seqKey(ENTRY, newFirst) })) batch.del(k);
      batch.put(META_FIRST, new TextEncoder().encode(newFirst.toString()));
      await batch.write({ sync: this.#sync });
      this.#first = newFirst;
    });
  }

  close(): Promise<void> {
    return this.#serial(async () => {
      this.#closed = true;
      await this.#db.close();
    }, true);
  }

  #serial<T>(fn: () => Promise<T>, allowClosed = false): Promise<T> {
    const run = async () => {
      if (!allowClosed) this.#assertOpen();
      else if (this.#closed) return undefined as T;
      return fn();
    };
    const p = this.#tail.then(run, run);
    this.#tail = p.catch(() => undefined);
    return p;
  }

  #assertOpen(): void {
    if (this.#closed) throw new LogError("log is closed");
  }
}
