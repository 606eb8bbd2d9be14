/**
 * The chain log on etcd (high availability). Same semantics as {@link EmbeddedLog}; the leader lease is the
 * second precondition of every append.
 *
 * Layout under a per-chain prefix P:
 * - `P log/<20-digit seq>`: the entries (same bytes as the embedded log, see codec.ts);
 * - `P meta/first`, `P meta/next`: the readable range `[first, next)`, decimal, changed in the same
 *   transaction as the entries;
 * - `P leader`: the leader key, bound to the leader's lease (see etcd-leader.ts).
 *
 * Appends are group-committed: concurrent callers queue, and ONE transaction is in flight at a time, holding
 * every queued request that fits (their order in the log is their call order). The transaction is:
 *   if  value(leader) == mine AND mod_revision(leader) == my fence revision
 *       AND value(meta/next) == first AND create_revision(log/first) == 0
 *   then put every entry and meta/next
 *   else read leader and meta/next (to say why: "leader" or "seq").
 * A transaction that errors or times out is in doubt. It is resolved before anything else: one transaction
 * re-puts the leader key (moving its mod revision, so the doubtful one can never apply later) and reads the
 * entries' keys back. The callers resolve only if the keys hold exactly our bytes; otherwise they are rejected.
 * An append never resolves in doubt: if etcd cannot answer the read-back in time, the callers get a
 * {@link CommitError} with outcome "unknown" and the next commit resolves the doubt first.
 */
import type { Etcd3, IKeyValue, IRequestOp, ITxnRequest, ITxnResponse } from "etcd3";

import { decodeEntry, encodeEntry, parseSeqKey, seqKey, validateEntry } from "./codec.ts";
import { cancelWatcher, deadlineIn } from "./etcd-client.ts";
import type { EtcdLeadership, LeaderFence } from "./etcd-leader.ts";
import { FencingError, LogError, type AppendOptions, type AppendResult, type ChainLog, type LogEntry, type LogHead, type SequencedEntry } from "./types.ts";

/** The keys of one chain's log under `prefix`. */
export interface EtcdLogKeys {
  readonly entryPrefix: string;
  readonly first: string;
  readonly next: string;
  readonly leader: string;
}

/** The keys of the log under `prefix` (e.g. `chain/31337/`). */
export function etcdLogKeys(prefix: string): EtcdLogKeys {
  if (typeof prefix !== "string" || prefix === "") throw new LogError("etcd log prefix: must be a non-empty string");
  return { entryPrefix: `${prefix}log/`, first: `${prefix}meta/first`, next: `${prefix}meta/next`, leader: `${prefix}leader` };
}

/** An append whose commit failed without a fencing verdict. */
export class CommitError extends LogError {
  /** "not-written": read back, definitely absent (safe to retry). "unknown": etcd did not answer the read-back. */
  readonly outcome: "not-written" | "unknown";
  constructor(outcome: "not-written" | "unknown", message: string) {
    super(message);
    this.outcome = outcome;
  }
}

/** The part of the etcd KV API the log uses (a seam for fault-injection tests). */
export interface EtcdKv {
  txn(req: ITxnRequest, options: { deadline: number }): Promise<ITxnResponse>;
}

/** Options of {@link EtcdLog.open}. */
export interface EtcdLogOptions {
  /** A client from `connectEtcd` (retries off). Not closed by the log. */
  readonly client: Etcd3;
  /** Per-chain key prefix, e.g. `chain/31337/`. */
  readonly prefix: string;
  /** The leadership whose lease fences appends. Without it the log is read-only (appends throw "leader"). */
  readonly leadership?: EtcdLeadership;
  /** Deadline of one commit transaction, ms (default 2000). */
  readonly commitTimeoutMs?: number;
  /** How long to keep trying to read back a commit in doubt, ms (default 10 000). */
  readonly resolveTimeoutMs?: number;
  /** Most entries in one transaction: the server's --max-txn-ops minus one (default 127, etcd's default 128 - 1). */
  readonly maxEntriesPerTxn?: number;
  /** Most entry bytes in one transaction (default 1 MiB, under etcd's 1.5 MiB request limit). */
  readonly maxTxnBytes?: number;
  /** Replaces the KV transaction call (fault-injection tests only). */
  readonly kv?: EtcdKv;
}

interface Pending {
  readonly values: Buffer[];
  readonly bytes: number;
  readonly expectNextSeq: bigint | undefined;
  readonly resolve: (r: AppendResult) => void;
  readonly reject: (e: Error) => void;
}

interface Batch {
  readonly first: bigint;
  readonly next: bigint;
  readonly values: Buffer[];
  readonly members: { p: Pending; first: bigint; next: bigint }[];
}

/** The etcd-backed {@link ChainLog}. */
export class EtcdLog implements ChainLog {
  readonly keys: EtcdLogKeys;
  readonly #client: Etcd3;
  readonly #kv: EtcdKv;
  readonly #leadership: EtcdLeadership | undefined;
  readonly #commitMs: number;
  readonly #resolveMs: number;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  #queue: Pending[] = [];
  #committing = false;
  #idle: Promise<void> = Promise.resolve();
  #idleResolve: (() => void) | undefined;
  /** The next sequence number as this writer knows it (undefined: read it from etcd first). */
  #next: bigint | undefined;
  /** A commit whose outcome is unknown; resolved before the next one. */
  #doubt: { batch: Batch; fence: LeaderFence } | undefined;
  #closed = false;

  private constructor(opts: EtcdLogOptions) {
    this.keys = etcdLogKeys(opts.prefix);
    this.#client = opts.client;
    this.#kv = opts.kv ?? opts.client.kv;
    this.#leadership = opts.leadership;
    this.#commitMs = positiveInt("commitTimeoutMs", opts.commitTimeoutMs ?? 2000);
    this.#resolveMs = positiveInt("resolveTimeoutMs", opts.resolveTimeoutMs ?? 10_000);
    this.#maxEntries = positiveInt("maxEntriesPerTxn", opts.maxEntriesPerTxn ?? 127);
    this.#maxBytes = positiveInt("maxTxnBytes", opts.maxTxnBytes ?? 1 << 20);
    if (opts.leadership !== undefined && opts.leadership.key !== this.keys.leader) {
      throw new LogError(`etcd log: the leadership's key ${opts.leadership.key} is not this log's leader key ${this.keys.leader}`);
    }
  }

  /** Opens the log under `opts.prefix`, creating its meta keys if this is a new chain. */
  static async open(opts: EtcdLogOptions): Promise<EtcdLog> {
    const log = new EtcdLog(opts);
    const k = log.keys;
    await log.#client.kv.txn(
      {
        compare: [{ key: Buffer.from(k.next), target: "Version", result: "Equal", version: 0 }],
        success: [{ request_put: { key: Buffer.from(k.next), value: Buffer.from("0") } }, { request_put: { key: Buffer.from(k.first), value: Buffer.from("0") } }],
        failure: [],
      },
      deadlineIn(log.#commitMs),
    );
    return log;
  }

  /** The leadership fencing this log's appends, if any. */
  get leadership(): EtcdLeadership | undefined {
    return this.#leadership;
  }

  append(entries: readonly LogEntry[], opts: AppendOptions = {}): Promise<AppendResult> {
    if (this.#closed) return Promise.reject(new LogError("log is closed"));
    if (!Array.isArray(entries)) return Promise.reject(new LogError("append: entries must be an array"));
    let values: Buffer[];
    try {
      for (const e of entries) validateEntry(e);
      values = entries.map((e) => Buffer.from(encodeEntry(e)));
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const bytes = values.reduce((s, v) => s + v.length, 0);
    if (values.length > this.#maxEntries) {
      return Promise.reject(new LogError(`append: ${values.length} entries exceed one transaction's limit of ${this.#maxEntries} (maxEntriesPerTxn)`));
    }
    if (bytes > this.#maxBytes) return Promise.reject(new LogError(`append: ${bytes} bytes exceed one transaction's limit of ${this.#maxBytes} (maxTxnBytes)`));
    return new Promise<AppendResult>((resolve, reject) => {
      this.#queue.push({ values, bytes, expectNextSeq: opts.expectNextSeq, resolve, reject });
      if (!this.#committing) void this.#commitLoop();
    });
  }

  async read(from: bigint, to: bigint, limit?: number): Promise<SequencedEntry[]> {
    this.#assertOpen();
    if (from < 0n || to < from) throw new LogError(`bad range [${from}, ${to})`);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new LogError(`read: limit must be a non-negative integer, got ${limit}`);
    if (to === from || limit === 0) return [];
    const hi = to > MAX_SEQ_EXCLUSIVE ? MAX_SEQ_EXCLUSIVE : to;
    const end = Buffer.from(seqKey(this.keys.entryPrefix, hi - 1n) + "\0");
    // In pages, so that no single answer outgrows gRPC's message limit. Entries never change once written, so
    // pages read at different revisions still give one consistent run (a prune can only remove a prefix).
    const out: SequencedEntry[] = [];
    let cursor = from;
    for (;;) {
      const want = limit === undefined ? READ_PAGE : Math.min(READ_PAGE, limit - out.length);
      const res = await this.#client.kv.range({ key: Buffer.from(seqKey(this.keys.entryPrefix, cursor)), range_end: end, limit: want }, deadlineIn(this.#commitMs));
      for (const kv of res.kvs) out.push({ seq: parseSeqKey(this.keys.entryPrefix, kv.key.toString()), entry: decodeEntry(kv.value) });
      if (!res.more || res.kvs.length === 0 || (limit !== undefined && out.length >= limit)) return out;
      cursor = out[out.length - 1]!.seq + 1n;
    }
  }

  async head(): Promise<LogHead> {
    this.#assertOpen();
    const res = await this.#client.kv.range({ key: Buffer.from(this.keys.first), range_end: Buffer.from(this.keys.next + "\0") }, deadlineIn(this.#commitMs));
    return this.#parseHead(res.kvs);
  }

  /** Deletes every entry with `seq <= uptoSeq`, fenced by the leader key like an append (only the leader prunes). */
  prune(uptoSeq: bigint): Promise<void> {
    this.#assertOpen();
    return this.#exclusive(async () => {
      const fence = this.#fence();
      const head = await this.head();
      const newFirst = uptoSeq + 1n > head.nextSeq ? head.nextSeq : uptoSeq + 1n;
      if (newFirst <= head.firstSeq) return;
      let res: ITxnResponse | undefined;
      let failure: unknown;
      try {
        res = await this.#kv.txn(
          {
            compare: [...fenceCompares(fence), valueEquals(this.keys.first, head.firstSeq)],
            success: [
              { request_delete_range: { key: Buffer.from(seqKey(this.keys.entryPrefix, head.firstSeq)), range_end: Buffer.from(seqKey(this.keys.entryPrefix, newFirst)) } },
              put(this.keys.first, Buffer.from(newFirst.toString())),
            ],
            failure: [],
          },
          deadlineIn(this.#commitMs),
        );
      } catch (e) {
        failure = e;
      }
      if (res?.succeeded === true) return;
      // Refused or in doubt: a prune is idempotent, so what counts is whether the log now starts late enough.
      if ((await this.head()).firstSeq >= newFirst) return;
      if (failure !== undefined) {
        throw new CommitError("unknown", `prune to ${uptoSeq} not confirmed (${failure instanceof Error ? failure.message : String(failure)}); pruning is idempotent: call it again`);
      }
      throw new FencingError("leader", `prune refused: ${this.keys.leader} no longer holds this writer's lease`);
    });
  }

  /** Waits for the queue to drain, then refuses further calls. Does not close the client or resign. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#idle;
  }

  /**
   * The entries from `fromSeq` on, in order, as they are appended (for standbys). Ends when `signal` aborts.
   * Throws {@link LogError} if `fromSeq` was already pruned. Wakes on a watch of `meta/next`, and polls every
   * `pollMs` in case the watch stream is down.
   */
  async *tail(fromSeq: bigint, signal?: AbortSignal, pollMs = 250): AsyncGenerator<SequencedEntry> {
    let from = fromSeq;
    let wake: (() => void) | undefined;
    // A background watch (it reconnects by itself); the poll below covers the time it is down.
    const watcher = this.#client.watch().key(this.keys.next).watcher();
    const onPut = () => wake?.();
    watcher.on("put", onPut);
    watcher.on("error", () => undefined);
    const onAbort = () => wake?.();
    signal?.addEventListener("abort", onAbort);
    try {
      while (!signal?.aborted) {
        const got = await this.read(from, MAX_SEQ_EXCLUSIVE, 256);
        if (got.length > 0 && got[0]!.seq !== from) throw new LogError(`tail: entry ${from} is gone (pruned); the log starts at ${got[0]!.seq}`);
        if (got.length === 0) {
          const head = await this.head();
          if (from < head.firstSeq) throw new LogError(`tail: entry ${from} is gone (pruned); the log starts at ${head.firstSeq}`);
          if (head.nextSeq > from) continue;
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, pollMs);
            wake = () => {
              clearTimeout(t);
              resolve();
            };
          });
          wake = undefined;
          continue;
        }
        for (const e of got) {
          yield e;
          from = e.seq + 1n;
          if (signal?.aborted) return;
        }
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      watcher.off("put", onPut);
      await cancelWatcher(watcher);
    }
  }

  // ---- group commit ----

  async #commitLoop(): Promise<void> {
    this.#committing = true;
    this.#idle = new Promise((r) => (this.#idleResolve = r));
    try {
      while (this.#queue.length > 0) {
        try {
          await this.#commitOnce();
        } catch (e) {
          // A failure of the machinery itself: fail what is queued rather than hang.
          for (const p of this.#queue.splice(0)) p.reject(e as Error);
        }
      }
    } finally {
      this.#committing = false;
      this.#idleResolve?.();
    }
  }

  /** Runs `fn` with the commit loop held (nothing else in flight). */
  async #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.#committing) await this.#idle;
    this.#committing = true;
    this.#idle = new Promise((r) => (this.#idleResolve = r));
    try {
      return await fn();
    } finally {
      this.#committing = false;
      this.#idleResolve?.();
      if (this.#queue.length > 0) void this.#commitLoop();
    }
  }

  async #commitOnce(): Promise<void> {
    let fence: LeaderFence;
    try {
      fence = this.#fence();
      if (this.#doubt !== undefined) {
        await this.#resolveDoubt();
        if (this.#doubt !== undefined) throw new CommitError("not-written", "append not sent: an earlier append is still in doubt (etcd does not answer)");
      }
      fence = this.#fence();
      if (this.#next === undefined) this.#next = (await this.head()).nextSeq;
    } catch (e) {
      for (const p of this.#queue.splice(0)) p.reject(e as Error);
      return;
    }
    const batch = this.#takeBatch(this.#next);
    if (batch === undefined) return;
    let res: ITxnResponse;
    try {
      res = await this.#kv.txn(this.#appendTxn(batch, fence), deadlineIn(this.#commitMs));
    } catch (e) {
      this.#doubt = { batch, fence };
      const why = e instanceof Error ? e.message : String(e);
      await this.#resolveDoubt(why);
      return;
    }
    if (res.succeeded) {
      this.#next = batch.next;
      for (const m of batch.members) m.p.resolve({ firstSeq: m.first, nextSeq: m.next });
      return;
    }
    const err = this.#whyRefused(res, fence, batch.first);
    for (const m of batch.members) m.p.reject(err);
  }

  /** Takes every queued request that fits one transaction, at consecutive positions from `first`. */
  #takeBatch(first: bigint): Batch | undefined {
    const members: Batch["members"] = [];
    const values: Buffer[] = [];
    let pos = first;
    let bytes = 0;
    while (this.#queue.length > 0) {
      const p = this.#queue[0]!;
      if (members.length > 0 && (values.length + p.values.length > this.#maxEntries || bytes + p.bytes > this.#maxBytes)) break;
      this.#queue.shift();
      if (p.expectNextSeq !== undefined && p.expectNextSeq !== pos) {
        p.reject(new FencingError("seq", `append expected to start at ${p.expectNextSeq} but the log is at ${pos}`, p.expectNextSeq, pos));
        continue;
      }
      const next = pos + BigInt(p.values.length);
      members.push({ p, first: pos, next });
      values.push(...p.values);
      bytes += p.bytes;
      pos = next;
    }
    return members.length === 0 ? undefined : { first, next: pos, values, members };
  }

  #appendTxn(b: Batch, fence: LeaderFence): ITxnRequest {
    const k = this.keys;
    const compare = [...fenceCompares(fence), valueEquals(k.next, b.first)];
    const success: IRequestOp[] = [];
    if (b.values.length > 0) {
      compare.push({ key: Buffer.from(seqKey(k.entryPrefix, b.first)), target: "Create", result: "Equal", create_revision: 0 });
      b.values.forEach((v, i) => success.push(put(seqKey(k.entryPrefix, b.first + BigInt(i)), v)));
      success.push(put(k.next, Buffer.from(b.next.toString())));
    }
    return { compare, success, failure: [{ request_range: { key: Buffer.from(k.leader) } }, { request_range: { key: Buffer.from(k.next) } }] };
  }

  #whyRefused(res: ITxnResponse, fence: LeaderFence, first: bigint): FencingError | CommitError {
    const leader = res.responses[0]?.response_range.kvs[0];
    const nextKv = res.responses[1]?.response_range.kvs[0];
    if (leader !== undefined && leader.value.toString() === fence.value && leader.mod_revision !== fence.modRevision) {
      // Still our term: our own fence re-put landed after its answer was lost. Nothing of this batch was written.
      this.#leadership?.refreshFence(leader.mod_revision);
      return new CommitError("not-written", `append not written: the leader key moved to revision ${leader.mod_revision} by this writer's own fence refresh; retry`);
    }
    if (leader === undefined || leader.value.toString() !== fence.value) {
      const why = `append refused: ${this.keys.leader} no longer holds this writer's lease (${leader === undefined ? "no leader" : `held by ${leader.value.toString()}`})`;
      this.#leadership?.markLost(why);
      return new FencingError("leader", why);
    }
    const actual = nextKv === undefined ? undefined : BigInt(nextKv.value.toString());
    this.#next = actual;
    return new FencingError("seq", `append expected to start at ${first} but the log is at ${actual}`, first, actual);
  }

  /**
   * Settles the commit in doubt: re-put the leader key if it is still ours (so the doubtful transaction can
   * never apply later) and read the batch's keys back in the same transaction. Retries until resolveTimeoutMs.
   */
  async #resolveDoubt(cause?: string): Promise<void> {
    const { batch, fence } = this.#doubt!;
    const k = this.keys;
    const range: IRequestOp = {
      request_range: {
        key: Buffer.from(seqKey(k.entryPrefix, batch.first)),
        range_end: Buffer.from(seqKey(k.entryPrefix, batch.first + BigInt(Math.max(batch.values.length, 1)))),
      },
    };
    const until = Date.now() + this.#resolveMs;
    let last = cause ?? "";
    for (;;) {
      try {
        const res = await this.#kv.txn(
          { compare: fenceCompares(fence), success: [put(k.leader, Buffer.from(fence.value), fence.leaseId), range], failure: [range, { request_range: { key: Buffer.from(k.leader) } }] },
          deadlineIn(this.#commitMs),
        );
        this.#doubt = undefined;
        // Either we just moved the leader key's revision, or it had already moved: by our own earlier re-put (the
        // key still holds this term's value: adopt its revision) or by a new leader. In every case the doubtful
        // transaction, which compares the old revision, can never apply any more.
        const leaderNow = res.succeeded ? undefined : res.responses[1]!.response_range.kvs[0];
        const stillOurs = res.succeeded || (leaderNow !== undefined && leaderNow.value.toString() === fence.value);
        if (res.succeeded) this.#leadership?.refreshFence(res.header.revision);
        else if (stillOurs) this.#leadership?.refreshFence(leaderNow!.mod_revision);
        const kvs = res.responses[res.succeeded ? 1 : 0]!.response_range.kvs;
        const ours = kvs.length === batch.values.length && kvs.every((kv, i) => kv.value.equals(batch.values[i]!));
        if (ours) {
          this.#next = batch.next;
          for (const m of batch.members) m.p.resolve({ firstSeq: m.first, nextSeq: m.next });
          return;
        }
        this.#next = undefined;
        const err = stillOurs
          ? new CommitError("not-written", `append not written: the commit failed (${last}) and the read-back found no entries at ${batch.first}`)
          : new FencingError("leader", `append not written: the commit failed (${last}) and ${k.leader} no longer holds this writer's lease`);
        if (!stillOurs) this.#leadership?.markLost(err.message);
        for (const m of batch.members) m.p.reject(err);
        return;
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
        if (Date.now() + 100 >= until) {
          const err = new CommitError("unknown", `append outcome unknown: etcd did not answer the read-back within ${this.#resolveMs} ms (${last}); the next append resolves it first`);
          for (const m of batch.members) m.p.reject(err);
          // Members are settled; the doubt stays so the next commit resolves the log's position first.
          this.#doubt = { batch: { ...batch, members: [] }, fence };
          return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  #fence(): LeaderFence {
    if (this.#leadership === undefined) throw new FencingError("leader", "this etcd log was opened without a leadership: it is read-only");
    return this.#leadership.fence();
  }

  #parseHead(kvs: IKeyValue[]): LogHead {
    let first: bigint | undefined;
    let next: bigint | undefined;
    for (const kv of kvs) {
      const key = kv.key.toString();
      if (key === this.keys.first) first = BigInt(kv.value.toString());
      else if (key === this.keys.next) next = BigInt(kv.value.toString());
    }
    if (first === undefined || next === undefined) throw new LogError(`etcd log under ${this.keys.next.slice(0, -"meta/next".length)} has no meta keys: open it with EtcdLog.open`);
    return { firstSeq: first, nextSeq: next };
  }

  #assertOpen(): void {
    if (this.#closed) throw new LogError("log is closed");
  }
}

const MAX_SEQ_EXCLUSIVE = 10n ** 20n - 1n;
/** Entries per range call of {@link EtcdLog.read}. */
const READ_PAGE = 256;

function fenceCompares(f: LeaderFence): NonNullable<ITxnRequest["compare"]> {
  return [
    { key: Buffer.from(f.key), target: "Value", result: "Equal", value: Buffer.from(f.value) },
    { key: Buffer.from(f.key), target: "Mod", result: "Equal", mod_revision: f.modRevision },
  ];
}

function valueEquals(key: string, n: bigint): NonNullable<ITxnRequest["compare"]>[number] {
  return { key: Buffer.from(key), target: "Value", result: "Equal", value: Buffer.from(n.toString()) };
}

function put(key: string, value: Buffer, lease?: string): IRequestOp {
  return { request_put: { key: Buffer.from(key), value, ...(lease === undefined ? {} : { lease }) } };
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v <= 0) throw new LogError(`etcd log ${name}: must be a positive integer, got ${String(v)}`);
  return v;
}
