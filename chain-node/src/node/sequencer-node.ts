/**
 * The sequencer wired to L1: the sequencer and its JSON-RPC (`startSequencerNode`), fed delayed messages by an
 * {@link L1DelayedFeed}, and a {@link BatchPoster} loop that posts the sealed, applied blocks to `SequencerInbox`
 * while this node's key holds the active role in `SequencerSet` (checked before every batch).
 *
 * The poster never blocks sealing or acknowledging: a failed post (L1 down, role lost, a revert) is reported and
 * retried on the next tick; nothing it does can lose an acknowledged transaction (they are in the log).
 *
 * Idle chains cost little L1 gas: a batch whose blocks are all empty (no transaction, no delayed message) waits until
 * `idlePostIntervalMs` has passed since the last post (default 60 s, far inside the SLA's heartbeat window and
 * `maxDowntime`, so the posts still prove the sequencer alive); any block with content goes out on the next round.
 */
import type { Provider, Signer } from "ethers";

import { BatchPoster, type PostOutcome } from "../batch/poster.ts";
import { L1Reader } from "../l1/reader.ts";
import { startSequencerNode, type SequencerNode, type SequencerNodeConfig } from "../sequencer/main.ts";
import { L1DelayedFeed } from "./l1-feed.ts";
import type { RollupAddresses } from "./rollup.ts";

/** Options of {@link startL1SequencerNode}. */
export interface L1SequencerOptions {
  readonly node: SequencerNodeConfig;
  /** The L1 provider the feed reads through. */
  readonly l1: Provider;
  /** The sequencer's L1 key (with a provider): signs `appendBatch`. From the environment or a key file, never the repository. */
  readonly signer: Signer;
  readonly rollup: RollupAddresses;
  /** Milliseconds between posting rounds (default 2000); 0 runs no timer (the caller posts with `postNow`). */
  readonly postIntervalMs?: number;
  /** Milliseconds an all-empty batch waits after the last post (default 60 000). */
  readonly idlePostIntervalMs?: number;
  /** L1 confirmations before a delayed message is ordered (default 0: a local L1). */
  readonly confirmations?: number;
  /** Seal clock (default: the wall clock). */
  readonly clock?: () => bigint;
  /** Each posting round's outcomes (default: nothing). */
  readonly onPosted?: (outcomes: readonly PostOutcome[]) => void;
  /** Failures of the posting loop (default: `console.error`). */
  readonly onError?: (error: unknown) => void;
}

/** A running sequencer wired to L1. */
export interface L1SequencerNode {
  readonly node: SequencerNode;
  readonly poster: BatchPoster;
  readonly feed: L1DelayedFeed;
  /** Posts every applied block now, empty or not (serialised with the loop); resolves with what was posted. */
  postNow(): Promise<PostOutcome[]>;
  /** Stops the posting loop (waiting for a post in flight), then the sequencer and its stores. Idempotent. */
  stop(): Promise<void>;
}

/** Starts the sequencer, its RPC, the L1 feed and the posting loop. */
export async function startL1SequencerNode(o: L1SequencerOptions): Promise<L1SequencerNode> {
  const interval = o.postIntervalMs ?? 2000;
  if (!Number.isSafeInteger(interval) || interval < 0) throw new RangeError(`postIntervalMs must be a non-negative integer, got ${o.postIntervalMs}`);
  const reader = new L1Reader({ provider: o.l1, delayedInbox: o.rollup.delayedInbox, sequencerInbox: o.rollup.sequencerInbox, confirmations: o.confirmations ?? 0 });
  const feed = new L1DelayedFeed(reader, o.rollup.deployBlock);
  const node = await startSequencerNode(o.node, { feed, ...(o.clock === undefined ? {} : { clock: o.clock }) });
  const poster = new BatchPoster({ log: node.log, engine: node.engine, signer: o.signer, sequencerInbox: o.rollup.sequencerInbox, sequencerSet: o.rollup.sequencerSet });
  const onError = o.onError ?? ((e: unknown) => console.error("batch poster:", e));
  const idle = o.idlePostIntervalMs ?? 60_000;
  if (!Number.isSafeInteger(idle) || idle < 0) throw new RangeError(`idlePostIntervalMs must be a non-negative integer, got ${o.idlePostIntervalMs}`);
  let lastPostAt = Date.now();
  /** Posts while this node holds the role and has applied blocks; all-empty batches only when `force` or idle long enough. */
  const round = async (force: boolean): Promise<PostOutcome[]> => {
    const out: PostOutcome[] = [];
    for (;;) {
      if (!(await poster.isActive())) return out;
      const batch = await poster.prepare();
      if (batch === null) return out;
      if (!force && batch.txCount + batch.delayedCount === 0 && Date.now() - lastPostAt < idle) return out;
      const sent = await poster.send(batch);
      lastPostAt = Date.now();
      out.push({ posted: true, batch, ...sent });
    }
  };
  let chain: Promise<unknown> = Promise.resolve();
  const serialised = (force: boolean): Promise<PostOutcome[]> => {
    const p = chain.then(() => round(force));
    chain = p.catch(() => undefined);
    return p;
  };
  const postNow = (): Promise<PostOutcome[]> => serialised(true);
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const loop = (): void => {
    serialised(false).then(
      (out) => (out.length > 0 ? o.onPosted?.(out) : undefined),
      (e: unknown) => onError(e),
    ).finally(() => {
      if (!stopped) timer = setTimeout(loop, interval);
    });
  };
  if (interval > 0) timer = setTimeout(loop, interval);
  let stopping: Promise<void> | undefined;
  return {
    node,
    poster,
    feed,
    postNow,
    stop: () =>
      (stopping ??= (async () => {
        stopped = true;
        if (timer !== null) clearTimeout(timer);
        await chain;
        await node.stop();
      })()),
  };
}
