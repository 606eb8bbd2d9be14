/**
 * The sequencer: admits raw transactions, appends them to the {@link ChainLog} with group commit, acknowledges
 * each one only once its append is durable, seals blocks at a fixed interval and applies the log to the engine.
 *
 * - **Group commit.** One append is in flight at a time; whatever arrives meanwhile goes into the next append.
 *   `submit` resolves with the hash only after the append holding the transaction resolved. A
 *   {@link FencingError} halts the sequencer (it was deposed: it must never write again); any other append
 *   failure answers an error to every transaction of that append and of the queue behind it, never a hash.
 * - **Sealing.** Every `sealIntervalMs` the sealer polls the {@link DelayedFeed}, appends `DELAYED(i)` for each
 *   new message (FIFO) and then `SEAL(block, timestamp)`, and applies the log with `applyLog`, handing it the
 *   messages as read (what each kind becomes is the applier's rule, `delayedItem`). Timestamps come
 *   from the injectable clock and strictly increase (`max(clock, last + 1)`). The writer also seals a block
 *   early when the next transaction's gas limit would overflow the block gas limit, so the engine never drops
 *   an acknowledged transaction for lack of block space.
 * - **Acknowledged but not executed.** Admission checks the head state plus the sender's pending transactions
 *   (delayed messages that are signed transactions count as pending too, from their append to their block's
 *   application), but the engine has the last word at execution: a transaction whose fee cap fell below a base
 *   fee that rose meanwhile (a block sealed early under load), or whose sender lost funds in a way the pool
 *   does not model (an L1 deposit system transaction, say), is skipped. It then has no receipt, `eth_getTransactionByHash` returns null once its
 *   block is applied, and the sequencer reports it in {@link SequencerStats.rejectedAtExecution} and through
 *   `onApplied` (each `BlockResult.rejected`, with the reason). It stays in the log: every node skips it alike.
 * - **Decoded once.** An acknowledged transaction's decoding (parsed, sender recovered at admission) is handed to
 *   the engine through `engine.decoded`, keyed by its exact bytes, so executing it does not parse and recover it
 *   again. Other nodes applying the same log (standbys, validators) decode it themselves.
 * - **Restart.** `Sequencer.open` on the same directories applies the log up to its end, then rebuilds the
 *   pending pool (hence the duplicate-hash and nonce windows) from the entries after the last applied SEAL.
 *   Nothing acknowledged is lost (it is in the log) and nothing is ordered twice (the pool refuses it).
 */
import { TransactionType } from "@ethereumjs/tx";
import { bytesToHex } from "@ethereumjs/util";

import { BoundedBytesMap, decodeTx, type DecodedTx } from "../engine/decode.ts";
import type { Engine } from "../engine/engine.ts";
import { ChainQueries } from "../engine/queries.ts";
import { applyLog, delayedItem, stateAfterHead, type ApplyReport } from "../apply.ts";
import type { DelayedMessage } from "../l1/types.ts";
import { FencingError, type ChainLog, type LogEntry } from "../log/types.ts";
import { RpcError, RpcErrorCode } from "../rpc/errors.ts";
import { DEFAULT_ADMISSION_LIMITS, checkAgainstState, checkFeeCap, decodeCandidate, type AccountState, type AdmissionLimits, type DecodedCandidate } from "./admission.ts";
import type { DelayedFeed } from "./delayed.ts";
import { PendingPool, type PendingTx } from "./pool.ts";

/** Options of {@link Sequencer.open}. */
export interface SequencerOptions {
  readonly engine: Engine;
  readonly log: ChainLog;
  /** Delayed messages (default: none). */
  readonly feed?: DelayedFeed;
  /** Milliseconds between seals (default 1000). */
  readonly sealIntervalMs?: number;
  /** Seconds since the epoch, for seal timestamps (default: the wall clock). */
  readonly clock?: () => bigint;
  readonly limits?: Partial<AdmissionLimits>;
  /** Most entries per append (default 4096). */
  readonly maxEntriesPerAppend?: number;
  /** Called after each apply with what the engine did (blocks, rejections, skipped entries). */
  readonly onApplied?: (report: ApplyReport) => void;
  /** Called with failures of the background sealer (poll, append, apply); default: `console.error`. */
  readonly onError?: (error: unknown, where: "poll" | "seal" | "apply") => void;
}

/** Counters of a running sequencer. */
export interface SequencerStats {
  /** Transactions acknowledged (durably appended) by this instance. */
  acknowledged: number;
  /** Appends written. */
  appends: number;
  /** SEAL entries written (interval and early seals). */
  seals: number;
  /** Blocks applied to the engine by this instance. */
  blocksApplied: number;
  /** Log transactions the engine skipped at execution (acknowledged, then rejected: see the module doc). */
  rejectedAtExecution: number;
  /** Delayed messages appended. */
  delayedAppended: number;
  /** Submissions of bytes refused before against state, judged again without decoding them a second time. */
  retriesWithoutDecode: number;
}

type Waiting =
  | { readonly kind: "tx"; readonly p: PendingTx; readonly resolve: (hash: string) => void; readonly reject: (e: unknown) => void }
  | { readonly kind: "seal"; readonly delayed: readonly bigint[]; readonly resolve: (n: bigint) => void; readonly reject: (e: unknown) => void };

/** A pool entry for an already ordered transaction. */
function pendingOf(d: DecodedTx, raw: Uint8Array): PendingTx {
  const tx = d.tx;
  const cap = "maxFeePerGas" in tx ? tx.maxFeePerGas : tx.gasPrice;
  return { hash: bytesToHex(tx.hash()), sender: d.sender.toString(), senderAddress: d.sender, nonce: tx.nonce, gasLimit: tx.gasLimit, maxCost: tx.gasLimit * cap + tx.value, raw, tx, seq: undefined };
}

const wallClock = (): bigint => BigInt(Math.floor(Date.now() / 1000));

/** The sequencer. Create with {@link Sequencer.open}, then {@link Sequencer.start} the sealer. */
export class Sequencer {
  readonly engine: Engine;
  readonly log: ChainLog;
  readonly queries: ChainQueries;
  readonly stats: SequencerStats = { acknowledged: 0, appends: 0, seals: 0, blocksApplied: 0, rejectedAtExecution: 0, delayedAppended: 0, retriesWithoutDecode: 0 };
  readonly #feed: DelayedFeed | undefined;
  readonly #interval: number;
  readonly #clock: () => bigint;
  readonly #limits: AdmissionLimits;
  readonly #maxEntries: number;
  readonly #onApplied: ((r: ApplyReport) => void) | undefined;
  readonly #onError: (e: unknown, where: "poll" | "seal" | "apply") => void;
  readonly #pool = new PendingPool();
  /**
   * Candidates that passed the state-free checks but were refused against state (per-sender cap, nonce gap, funds, a
   * full pool), by their exact bytes: a client retrying the same bytes costs a lookup, not a second sender recovery.
   */
  readonly #refused = new BoundedBytesMap<DecodedCandidate>(8192, "refused candidates");
  /** Delayed messages read from the feed and not yet consumed by an applied block, by index. */
  readonly #payloads = new Map<bigint, DelayedMessage>();
  readonly #chainId: bigint;
  // Log-side position (what has been appended), advanced only by successful appends.
  #nextSeq = 0n;
  #nextBlock = 1n;
  #lastTimestamp = 0n;
  #openGas = 0n;
  #delayedNext = 0n;
  // Admission view: bumped whenever the pool drops executed transactions (state and pool change together).
  #epoch = 0;
  readonly #accounts = new Map<string, AccountState>();
  /** The last log position of a signed delayed transaction the pool could not hold (nonce collision), if any. */
  #unpooledUpTo: bigint | null = null;
  #nextBaseFee = 0n;
  #queue: Waiting[] = [];
  #writer: Promise<void> | null = null;
  #tick: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  #halted: string | null = null;
  #stopped = false;

  private constructor(opts: SequencerOptions) {
    this.engine = opts.engine;
    this.log = opts.log;
    this.queries = new ChainQueries(opts.engine);
    this.#feed = opts.feed;
    this.#interval = opts.sealIntervalMs ?? 1000;
    this.#clock = opts.clock ?? wallClock;
    this.#limits = { ...DEFAULT_ADMISSION_LIMITS, ...opts.limits };
    this.#maxEntries = opts.maxEntriesPerAppend ?? 4096;
    this.#onApplied = opts.onApplied;
    this.#onError = opts.onError ?? ((e, where) => console.error(`sequencer ${where}:`, e));
    this.#chainId = BigInt(opts.engine.genesis.chainId);
    const positive = (name: string, v: number): void => {
      if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`Sequencer: ${name} must be a positive integer, got ${v}`);
    };
    positive("sealIntervalMs", this.#interval);
    positive("maxEntriesPerAppend", this.#maxEntries);
    positive("limits.maxTxBytes", this.#limits.maxTxBytes);
    positive("limits.maxPendingPerSender", this.#limits.maxPendingPerSender);
    positive("limits.maxPendingTotal", this.#limits.maxPendingTotal);
  }

  /**
   * Opens the sequencer over an engine and a log (fresh or after a restart): reads the delayed payloads the
   * log still needs, applies the log to the engine head and rebuilds the pending pool from the open block.
   */
  static async open(opts: SequencerOptions): Promise<Sequencer> {
    const s = new Sequencer(opts);
    await s.#resume();
    return s;
  }

  async #resume(): Promise<void> {
    const head0 = this.engine.head();
    await this.#pollDelayed(head0.cursor?.delayedNext ?? 0n);
    await this.#apply();
    const state = stateAfterHead(this.engine.head());
    this.#nextBlock = state.nextBlock;
    this.#lastTimestamp = state.lastTimestamp;
    this.#delayedNext = state.delayedNext;
    const { nextSeq } = await this.log.head();
    this.#nextSeq = nextSeq;
    // The open block: acknowledged before the restart, not yet sealed.
    for (const { seq, entry } of await this.log.read(state.nextSeq, nextSeq)) {
      if (entry.kind === "delayed" && entry.index === this.#delayedNext) this.#delayedNext++;
      if (entry.kind !== "tx") continue;
      const d = decodeTx(entry.raw, this.engine.common);
      if (!d.ok) continue; // the engine will skip it too
      this.#openGas += d.tx.gasLimit;
      this.engine.decoded.remember(entry.raw, d);
      const p = pendingOf(d, entry.raw);
      if (this.#pool.get(p.hash) !== undefined || this.#pool.bySenderNonce(p.sender, p.nonce) !== undefined) {
        this.#unpooledUpTo = seq; // a duplicate in the log: the engine skips it, the account cache is dropped after its block
        continue;
      }
      this.#pool.add(p);
      this.#pool.markLogged(p, seq);
    }
  }

  /** Starts sealing every `sealIntervalMs`. */
  start(): void {
    if (this.#timer !== null || this.#stopped) return;
    const loop = (): void => {
      const t0 = Date.now();
      this.#tick = this.sealNow()
        .catch(() => undefined)
        .finally(() => {
          if (this.#stopped || this.#halted !== null) return;
          this.#timer = setTimeout(loop, Math.max(0, this.#interval - (Date.now() - t0)));
        });
    };
    this.#timer = setTimeout(loop, this.#interval);
  }

  /** Stops sealing and waits for the append and apply in progress. Does not close the engine or the log. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#tick.catch(() => undefined);
    await this.#writer;
  }

  /** Why the sequencer stopped acknowledging (deposed, or a log failure it cannot resolve), or null. */
  get halted(): string | null {
    return this.#halted;
  }

  /** Pending transactions (acknowledged or being appended, not yet executed). */
  get pendingCount(): number {
    return this.#pool.size;
  }

  /** A pending transaction by hash (lowercase), if any. */
  pending(hash: string): PendingTx | undefined {
    return this.#pool.get(hash.toLowerCase());
  }

  /** The base fee of the next block. */
  get nextBaseFee(): bigint {
    return this.#nextBaseFee;
  }

  /** The nonce `address`'s next transaction should carry: the state nonce, after the pending ones. */
  async nextNonce(address: string): Promise<bigint> {
    const sender = address.toLowerCase();
    const { account } = await this.#account(sender);
    return this.#pool.nextNonce(sender, account.nonce);
  }

  /**
   * Admits a raw signed transaction, appends it to the log and resolves with its hash once the append is
   * durable. Rejects with an {@link RpcError}: the admission refusal, or -32002 if the log append failed or
   * the sequencer is halted or stopping. A rejection never means the transaction was acknowledged.
   */
  async submit(raw: Uint8Array): Promise<string> {
    this.#assertAccepting();
    const known = this.#refused.get(raw);
    if (known !== undefined) this.stats.retriesWithoutDecode++;
    const c = known ?? decodeCandidate(raw, { common: this.engine.common, chainId: this.#chainId, blockGasLimit: this.engine.genesis.gasLimit, nextBaseFee: this.#nextBaseFee }, this.#limits);
    checkFeeCap(c, this.#nextBaseFee);
    const { account } = await this.#account(c.sender);
    this.#assertAccepting();
    let p: PendingTx;
    try {
      p = checkAgainstState(c, account, this.#pool, this.#limits);
    } catch (e) {
      this.#refused.set(c.raw, c); // a retry of the same bytes skips the sender recovery
      throw e;
    }
    this.#refused.delete(raw);
    this.#pool.add(p);
    return new Promise<string>((resolve, reject) => {
      this.#queue.push({ kind: "tx", p, resolve, reject });
      this.#kick();
    });
  }

  /**
   * One sealer step, also used by tests: polls delayed messages, appends them and a SEAL, then applies the
   * log. Resolves with the sealed block number. Serialised with the timer's steps.
   */
  sealNow(): Promise<bigint> {
    const run = async (): Promise<bigint> => {
      if (this.#halted !== null) throw new RpcError(RpcErrorCode.Unavailable, `sequencer halted: ${this.#halted}`);
      try {
        await this.#pollDelayed(this.#delayedNext);
      } catch (e) {
        this.#onError(e, "poll"); // seal anyway: a slow L1 must not stop the chain
      }
      const delayed: bigint[] = [];
      for (let i = this.#delayedNext; this.#payloads.has(i); i++) delayed.push(i);
      let block: bigint;
      try {
        block = await new Promise<bigint>((resolve, reject) => {
          this.#queue.push({ kind: "seal", delayed, resolve, reject });
          this.#kick();
        });
      } catch (e) {
        this.#onError(e, "seal");
        throw e;
      }
      try {
        await this.#apply();
      } catch (e) {
        this.#onError(e, "apply");
        throw e;
      }
      return block;
    };
    const p = this.#tick.then(run, run);
    this.#tick = p.catch(() => undefined);
    return p;
  }

  async #pollDelayed(from: bigint): Promise<void> {
    if (this.#feed === undefined) return;
    let expect = from;
    while (this.#payloads.has(expect)) expect++;
    for (const m of await this.#feed.poll(expect)) {
      if (m.index !== expect) break; // FIFO and contiguous, or nothing
      this.#payloads.set(m.index, m);
      expect++;
    }
  }

  async #apply(): Promise<void> {
    const report = await applyLog(this.engine, this.log, { delayed: (i) => this.#payloads.get(i) });
    const head = this.engine.head();
    for (const i of this.#payloads.keys()) if (i < (head.cursor?.delayedNext ?? 0n)) this.#payloads.delete(i);
    this.#nextBaseFee = await this.queries.nextBaseFee();
    const done = head.cursor === null ? [] : this.#pool.removeThrough(head.cursor.seq);
    // An account's nonce and balance only go down through its own transactions (all of which the pool held) or
    // through EIP-7702 code; incoming value only makes a cached balance conservative. So only the senders of the
    // executed transactions are read again, unless a set-code transaction ran or an unpooled one may have.
    if (done.some((p) => p.tx.type === TransactionType.EOACodeEIP7702) || (this.#unpooledUpTo !== null && head.cursor !== null && head.cursor.seq >= this.#unpooledUpTo)) {
      this.#accounts.clear();
      this.#unpooledUpTo = null;
    } else {
      for (const p of done) this.#accounts.delete(p.sender);
    }
    this.#epoch++;
    this.stats.blocksApplied += report.blocks.length;
    for (const b of report.blocks) this.stats.rejectedAtExecution += b.rejected.length;
    this.#onApplied?.(report);
  }

  /**
   * The sender's account, read so that no pool cleaning slipped in between (see {@link #epoch}) and cached until
   * a block applies one of the sender's transactions (see {@link #apply}). A read that lands while
   * blocks are being applied sees a later state while the pool still holds the applied transactions: that only
   * makes the nonce rule exact and the balance rule stricter, never admits what it should not. The cache keeps
   * admission off the engine's lock (held for a whole block) for senders already seen.
   */
  async #account(sender: string): Promise<{ account: AccountState }> {
    for (;;) {
      const epoch = this.#epoch;
      const hit = this.#accounts.get(sender);
      if (hit !== undefined) return { account: hit };
      const account = await this.engine.getAccountState(sender);
      if (epoch === this.#epoch) {
        this.#accounts.set(sender, account);
        return { account };
      }
    }
  }

  #assertAccepting(): void {
    if (this.#halted !== null) throw new RpcError(RpcErrorCode.Unavailable, `sequencer halted: ${this.#halted}`);
    if (this.#stopped) throw new RpcError(RpcErrorCode.Unavailable, "sequencer is stopping");
  }

  #kick(): void {
    if (this.#writer !== null) return;
    this.#writer = this.#drain().finally(() => {
      this.#writer = null;
      if (this.#queue.length > 0) this.#kick();
    });
  }

  /** The group-commit writer: one append in flight; each append takes everything waiting (up to the cap). */
  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#takeBatch();
      // Plan the entries on copies of the log-side position; commit them only if the append succeeds.
      let nextBlock = this.#nextBlock;
      let lastTs = this.#lastTimestamp;
      let openGas = this.#openGas;
      let delayedNext = this.#delayedNext;
      let seals = 0;
      const entries: LogEntry[] = [];
      const txAt: number[] = [];
      const sealAt: bigint[] = [];
      const delayedAt: { index: bigint; at: number }[][] = [];
      const seal = (): bigint => {
        const now = this.#clock();
        lastTs = now > lastTs ? now : lastTs + 1n;
        entries.push({ kind: "seal", block: nextBlock, timestamp: lastTs });
        openGas = 0n;
        seals++;
        return nextBlock++;
      };
      for (const w of batch) {
        if (w.kind === "tx") {
          if (openGas + w.p.gasLimit > this.engine.genesis.gasLimit) seal();
          txAt.push(entries.length);
          entries.push({ kind: "tx", raw: w.p.raw });
          openGas += w.p.gasLimit;
        } else {
          const at: { index: bigint; at: number }[] = [];
          for (const i of w.delayed) {
            if (i !== delayedNext) continue;
            at.push({ index: i, at: entries.length });
            entries.push({ kind: "delayed", index: i });
            delayedNext++;
          }
          delayedAt.push(at);
          sealAt.push(seal());
        }
      }
      const delayedCount = Number(delayedNext - this.#delayedNext);
      try {
        const res = await this.log.append(entries, { expectNextSeq: this.#nextSeq });
        this.#nextSeq = res.nextSeq;
        this.#nextBlock = nextBlock;
        this.#lastTimestamp = lastTs;
        this.#openGas = openGas;
        this.#delayedNext = delayedNext;
        this.stats.appends++;
        this.stats.seals += seals;
        this.stats.delayedAppended += delayedCount;
        let t = 0;
        let s = 0;
        for (const w of batch) {
          if (w.kind === "tx") {
            this.#pool.markLogged(w.p, res.firstSeq + BigInt(txAt[t++]!));
            this.engine.decoded.remember(w.p.raw, { ok: true, tx: w.p.tx, sender: w.p.senderAddress }); // executed without decoding again
            this.stats.acknowledged++;
            w.resolve(w.p.hash);
          } else {
            for (const d of delayedAt[s]!) this.#poolDelayed(d.index, res.firstSeq + BigInt(d.at));
            w.resolve(sealAt[s++]!);
          }
        }
      } catch (e) {
        await this.#failAppend(batch, e);
      }
    }
  }

  /**
   * A delayed payload that is a signed transaction counts as pending for its sender from its append until its
   * block is applied, exactly like a citizen's: otherwise a transaction admitted in that window against the
   * older head state could reuse its nonce or spend the same balance, and be acknowledged only to be rejected at
   * execution. Payloads that are not transactions (or that collide with a pending nonce) are left to the engine.
   */
  #poolDelayed(index: bigint, seq: bigint): void {
    const message = this.#payloads.get(index);
    const payload = message === undefined ? null : delayedItem(index, message); // the applier's rule, not ours
    if (!(payload instanceof Uint8Array)) return;
    const d = decodeTx(payload, this.engine.common);
    if (!d.ok) return;
    this.engine.decoded.remember(payload, d);
    const p = pendingOf(d, payload);
    if (this.#pool.get(p.hash) !== undefined || this.#pool.bySenderNonce(p.sender, p.nonce) !== undefined) {
      this.#unpooledUpTo = seq; // the account cache is dropped whole once this entry's block is applied
      return;
    }
    this.#pool.add(p);
    this.#pool.markLogged(p, seq);
  }

  #takeBatch(): Waiting[] {
    let n = 0;
    let entries = 0;
    while (n < this.#queue.length) {
      const w = this.#queue[n]!;
      const cost = w.kind === "tx" ? 2 : w.delayed.length + 1; // a tx may bring an early seal
      if (n > 0 && entries + cost > this.#maxEntries) break;
      entries += cost;
      n++;
    }
    return this.#queue.splice(0, n);
  }

  /** An append failed: nothing of it is acknowledged; the queue behind it fails too (its nonces depend on it). */
  async #failAppend(batch: Waiting[], e: unknown): Promise<void> {
    const failed = [...batch, ...this.#queue.splice(0)];
    let reason: string;
    if (e instanceof FencingError) {
      this.#halted = `deposed: ${e.message}`;
      reason = this.#halted;
    } else {
      reason = `log append failed: ${e instanceof Error ? e.message : String(e)}`;
      // In doubt (the log moved although the append failed)? Then our view is stale: stop acknowledging.
      const head = await this.log.head().catch(() => null);
      if (head === null || head.nextSeq !== this.#nextSeq) this.#halted = `${reason}; the log's state is in doubt: restart the sequencer to resync from the log`;
    }
    for (const w of failed) {
      if (w.kind === "tx") this.#pool.remove(w.p.hash);
      w.reject(new RpcError(RpcErrorCode.Unavailable, `transaction not acknowledged: ${reason}`));
    }
  }
}
