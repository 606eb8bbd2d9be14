/**
 * The batch posting loop: every `intervalMs`, posts the applied, sealed blocks to `SequencerInbox` while this
 * node's key holds the active role (checked before every batch). Shared by the single sequencer and the HA leader.
 *
 * The loop never blocks sealing or acknowledging: a failed round (L1 down, role lost, a revert) is reported and
 * retried on the next tick; nothing it does can lose an acknowledged transaction (they are in the log).
 * Idle chains cost little L1 gas: a batch whose blocks are all empty waits until `idlePostIntervalMs` has passed
 * since the last post; any block with content goes out on the next round.
 */
import type { BatchPoster, PostOutcome } from "../batch/poster.ts";

/** The one-line report of a posted batch, as the node processes print it. */
export function describePosted(p: Extract<PostOutcome, { posted: true }>): string {
  return `posted batch ${p.index} (L2 blocks ${p.batch.header.l2BlockStart}..${p.batch.header.l2BlockEnd}, ${p.batch.txCount} txs, ${p.batch.data.length} bytes, ${p.gasUsed} L1 gas)`;
}

/** Options of {@link startPostingLoop}. */
export interface PostingLoopOptions {
  readonly poster: BatchPoster;
  /** Milliseconds between rounds (default 2000); 0 runs no timer (the caller posts with `postNow`). */
  readonly intervalMs?: number;
  /** Milliseconds an all-empty batch waits after the last post (default 60 000). */
  readonly idlePostIntervalMs?: number;
  /** Runs each round (every L1 transaction of the node shares one lock, so nonces never race; default: directly). */
  readonly exclusive?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Called before each timed round; the round runs only if it returns true (default: always). */
  readonly mayPost?: () => boolean;
  /** Each round's outcomes (default: nothing). */
  readonly onPosted?: (outcomes: readonly PostOutcome[]) => void;
  /** Failures of a round (default: `console.error`). */
  readonly onError?: (error: unknown) => void;
}

/** A running posting loop. */
export interface PostingLoop {
  /** Posts every applied block now, empty or not (serialised with the loop); resolves with what was posted. */
  postNow(): Promise<PostOutcome[]>;
  /** Stops the timer and waits for a round in flight. Idempotent. */
  stop(): Promise<void>;
}

/** Starts the loop. */
export function startPostingLoop(o: PostingLoopOptions): PostingLoop {
  const interval = o.intervalMs ?? 2000;
  if (!Number.isSafeInteger(interval) || interval < 0) throw new RangeError(`postIntervalMs must be a non-negative integer, got ${o.intervalMs}`);
  const idle = o.idlePostIntervalMs ?? 60_000;
  if (!Number.isSafeInteger(idle) || idle < 0) throw new RangeError(`idlePostIntervalMs must be a non-negative integer, got ${o.idlePostIntervalMs}`);
  const onError = o.onError ?? ((e: unknown) => console.error("batch poster:", e));
  let lastPostAt = Date.now();
  /** Posts while this node holds the role and has applied blocks; all-empty batches only when `force` or idle long enough. */
  const round = async (force: boolean): Promise<PostOutcome[]> => {
    const out: PostOutcome[] = [];
    for (;;) {
      if (!(await o.poster.isActive())) return out;
      const batch = await o.poster.prepare();
      if (batch === null) return out;
      if (!force && batch.txCount + batch.delayedCount === 0 && Date.now() - lastPostAt < idle) return out;
      const sent = await o.poster.send(batch);
      lastPostAt = Date.now();
      out.push({ posted: true, batch, ...sent });
    }
  };
  let chain: Promise<unknown> = Promise.resolve();
  const serialised = (force: boolean): Promise<PostOutcome[]> => {
    const run = (): Promise<PostOutcome[]> => (o.exclusive === undefined ? round(force) : o.exclusive(() => round(force)));
    const p = chain.then(run);
    chain = p.catch(() => undefined);
    return p;
  };
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const loop = (): void => {
    if (o.mayPost !== undefined && !o.mayPost()) {
      if (!stopped) timer = setTimeout(loop, interval);
      return;
    }
    serialised(false)
      .then(
        (out) => (out.length > 0 ? o.onPosted?.(out) : undefined),
        (e: unknown) => onError(e),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, interval);
      });
  };
  if (interval > 0) timer = setTimeout(loop, interval);
  let stopping: Promise<void> | undefined;
  return {
    postNow: () => serialised(true),
    stop: () =>
      (stopping ??= (async () => {
        stopped = true;
        if (timer !== null) clearTimeout(timer);
        await chain;
      })()),
  };
}
