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
import { startPostingLoop, type PostingLoop } from "./posting-loop.ts";
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
  const reader = new L1Reader({ provider: o.l1, delayedInbox: o.rollup.delayedInbox, sequencerInbox: o.rollup.sequencerInbox, confirmations: o.confirmations ?? 0 });
  const feed = new L1DelayedFeed(reader, o.rollup.deployBlock);
  const node = await startSequencerNode(o.node, { feed, ...(o.clock === undefined ? {} : { clock: o.clock }) });
  const poster = new BatchPoster({ log: node.log, engine: node.engine, signer: o.signer, sequencerInbox: o.rollup.sequencerInbox, sequencerSet: o.rollup.sequencerSet });
  let loop: PostingLoop;
  try {
    loop = startPostingLoop({
      poster,
      ...(o.postIntervalMs === undefined ? {} : { intervalMs: o.postIntervalMs }),
      ...(o.idlePostIntervalMs === undefined ? {} : { idlePostIntervalMs: o.idlePostIntervalMs }),
      ...(o.onPosted === undefined ? {} : { onPosted: o.onPosted }),
      ...(o.onError === undefined ? {} : { onError: o.onError }),
    });
  } catch (e) {
    await node.stop(); // a bad interval must not leave the sequencer and its stores open
    throw e;
  }
  let stopping: Promise<void> | undefined;
  return {
    node,
    poster,
    feed,
    postNow: () => loop.postNow(),
    stop: () =>
      (stopping ??= (async () => {
        await loop.stop();
        await node.stop();
      })()),
  };
}
