/**
 * A standby's log follower: applies the chain log to the engine as the leader appends it, so that the standby holds
 * the leader's state block for block (applying the log is a pure function: same log, same state).
 *
 * Every `intervalMs` it applies every sealed block the log holds beyond the engine head (`applyLog`). A DELAYED entry
 * names an L1 message by index: its payload is read from L1 through the {@link DelayedFeed} (every node reads the
 * same L1), and the follower waits for L1 rather than guessing when the message is not visible yet.
 */
import { applyLog, MissingDelayedError, type ApplyReport } from "../apply.ts";
import type { Engine } from "../engine/engine.ts";
import type { DelayedMessage } from "../l1/types.ts";
import type { ChainLog } from "../log/types.ts";
import type { DelayedFeed } from "../sequencer/delayed.ts";

/** How often a follower reads new delayed messages from L1 even when the log needs none yet. */
const FEED_POLL_MS = 1000;

/** Options of {@link LogFollower}. */
export interface LogFollowerOptions {
  readonly engine: Engine;
  readonly log: ChainLog;
  readonly feed: DelayedFeed;
  /** Milliseconds between rounds (default 100). */
  readonly intervalMs?: number;
  /** Called after a round that applied blocks. */
  readonly onApplied?: (report: ApplyReport) => void;
  /** Failures of a round (etcd or L1 unreachable); the next round retries. Default: nothing. */
  readonly onError?: (error: unknown) => void;
}

/** Applies the log to the engine in the background. {@link start}, then {@link stop} before anyone else writes the engine. */
export class LogFollower {
  readonly #o: LogFollowerOptions;
  readonly #interval: number;
  readonly #payloads = new Map<bigint, DelayedMessage>();
  #timer: NodeJS.Timeout | null = null;
  #lastFeedPoll = 0;
  #round: Promise<unknown> = Promise.resolve();
  #running = false;

  constructor(o: LogFollowerOptions) {
    this.#interval = o.intervalMs ?? 100;
    if (!Number.isSafeInteger(this.#interval) || this.#interval < 1) throw new RangeError(`LogFollower intervalMs must be a positive integer, got ${o.intervalMs}`);
    this.#o = o;
  }

  /** Starts following (no-op if running). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    const loop = (): void => {
      this.#round = this.applyNow()
        .then(
          (r) => (r.blocks.length > 0 ? this.#o.onApplied?.(r) : undefined),
          (e: unknown) => this.#o.onError?.(e),
        )
        .finally(() => {
          if (this.#running) this.#timer = setTimeout(loop, this.#interval);
        });
    };
    this.#timer = setTimeout(loop, 0);
  }

  /** Stops following and waits for the round in flight: the engine is then free for the caller. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#round.catch(() => undefined);
  }

  /**
   * Applies every sealed block the log holds beyond the engine head. Reads missing delayed payloads from L1 and
   * retries; throws {@link MissingDelayedError} if L1 does not show the message yet (the next round retries).
   */
  async applyNow(): Promise<ApplyReport> {
    if (Date.now() - this.#lastFeedPoll >= FEED_POLL_MS) {
      // Keep the L1 feed's cursor near L1's head, so that a standby elected leader reads little of L1 before it orders.
      this.#lastFeedPoll = Date.now();
      for (const m of await this.#o.feed.poll(this.#o.engine.head().cursor?.delayedNext ?? 0n)) this.#payloads.set(m.index, m);
    }
    const blocks: ApplyReport["blocks"][number][] = [];
    const skipped: ApplyReport["skipped"][number][] = [];
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await applyLog(this.#o.engine, this.#o.log, { delayed: (i) => this.#payloads.get(i) });
        blocks.push(...r.blocks);
        skipped.push(...r.skipped);
        this.#forgetConsumed();
        return { blocks, skipped, openTxs: r.openTxs };
      } catch (e) {
        if (!(e instanceof MissingDelayedError) || attempt > 0) throw e;
        for (const m of await this.#o.feed.poll(e.index)) this.#payloads.set(m.index, m);
        if (!this.#payloads.has(e.index)) throw e;
      }
    }
  }

  #forgetConsumed(): void {
    const next = this.#o.engine.head().cursor?.delayedNext ?? 0n;
    for (const i of this.#payloads.keys()) if (i < next) this.#payloads.delete(i);
  }
}
