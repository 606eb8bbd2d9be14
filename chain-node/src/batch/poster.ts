/**
 * The batch poster: turns the sealed blocks of the log into batches and posts them to
 * `SequencerInbox.appendBatch(data, header)`.
 *
 * - It posts only while this node's address is the active sequencer in `SequencerSet` (read before every
 *   batch), and only blocks the local engine has already applied.
 * - `prevAccumulator` is the on-chain head read just before posting, so a stale poster (a replaced
 *   sequencer, a second instance) can only fail on L1 (`StalePrevAccumulator`, `L2BlockRange`), never fork.
 * - Its cursor (the last block posted) is L1's own `nextL2Block`, read before every batch: a restarted
 *   poster never re-posts a block L1 already has. It plans blocks from the log with `planBlocks`, the rule
 *   every node applies, so the batch holds exactly the blocks the sequencer executed.
 * - Header: `delayedCount` is the log's delayed cursor after the last block; `[minTimestamp, maxTimestamp]`
 *   is `[min(first block time, L1 now), max(last block time, L1 now) + landingWindow]`, which contains every
 *   block's timestamp (derivation's rule) and the landing time as long as the transaction lands within the window.
 */
import { isAddress, type Signer } from "ethers";
import { SequencerInbox__factory, SequencerSet__factory, type SequencerInbox } from "@sovereign-stack/sdk/typechain";

import { planBlocks, type ApplierState, type BlockPlan } from "../apply.ts";
import type { Engine } from "../engine/engine.ts";
import { l2BlockOf } from "../l1/batch.ts";
import type { ChainLog } from "../log/types.ts";
import { encodeBatch, type BatchBlock, type BatchItem } from "./codec.ts";

/** The batch header `appendBatch` takes (`ISequencerInbox.BatchHeader`). */
export interface BatchHeader {
  readonly prevAccumulator: string;
  readonly delayedCount: bigint;
  readonly l2BlockStart: bigint;
  readonly l2BlockEnd: bigint;
  readonly minTimestamp: bigint;
  readonly maxTimestamp: bigint;
}

/** A batch ready to send. */
export interface PreparedBatch {
  readonly data: Uint8Array;
  readonly header: BatchHeader;
  /** Engine blocks it holds, and how many transactions and delayed markers. */
  readonly firstBlock: bigint;
  readonly lastBlock: bigint;
  /** The log sequence number of the SEAL that closes its last block: the batch holds the log up to here. */
  readonly lastSeq: bigint;
  readonly txCount: number;
  readonly delayedCount: number;
}

/** What {@link BatchPoster.postOnce} did. */
export type PostOutcome =
  | { readonly posted: true; readonly index: bigint; readonly batch: PreparedBatch; readonly txHash: string; readonly gasUsed: bigint }
  | { readonly posted: false; readonly reason: "not-active" | "nothing-to-post" | "exit-mode" };

/** The log and L1 disagree about what was posted (e.g. a forced inclusion the log has not ordered yet). */
export class PosterOutOfSyncError extends Error {
  override readonly name = "PosterOutOfSyncError";
}

/** A bad poster option. */
export class PosterOptionError extends Error {
  override readonly name = "PosterOptionError";
  readonly field: string;
  constructor(field: string, why: string) {
    super(`batch poster option ${field} ${why}`);
    this.field = field;
  }
}

/** Options of {@link BatchPoster}. */
export interface BatchPosterOptions {
  readonly log: ChainLog;
  /** The sequencer's engine: only blocks it has applied are posted. */
  readonly engine: Engine;
  /** Signs `appendBatch`; must have a provider. Keys come from the environment, never from the repository. */
  readonly signer: Signer;
  readonly sequencerInbox: string;
  readonly sequencerSet: string;
  /** Largest batch data in bytes (default 120 000, under the usual 128 KiB transaction size limit). */
  readonly maxBatchBytes?: number;
  /** Most blocks per batch (default 4096). */
  readonly maxBlocksPerBatch?: number;
  /** Seconds a posted batch may take to land (default 3600). */
  readonly landingWindow?: bigint;
  /** Brotli quality (default the codec's). */
  readonly quality?: number;
}

interface PlannedBlock {
  readonly plan: BlockPlan;
  readonly block: BatchBlock;
  /** delayed cursor before the block */
  readonly delayedBefore: bigint;
}

/** Posts the log's sealed blocks to L1 while this node holds the active role. */
export class BatchPoster {
  readonly #log: ChainLog;
  readonly #engine: Engine;
  readonly #signer: Signer;
  readonly #inbox: SequencerInbox;
  readonly #set: ReturnType<typeof SequencerSet__factory.connect>;
  readonly #maxBytes: number;
  readonly #maxBlocks: number;
  readonly #landingWindow: bigint;
  readonly #quality: number | undefined;
  /** Markers the planner puts where a delayed message goes (recognised by identity). */
  readonly #markers = new WeakSet<Uint8Array>();
  #state: ApplierState;
  #pending: PlannedBlock[] = [];
  /** The last block known to be on L1 and the log's delayed cursor after it (genesis: block 0, nothing consumed). */
  #posted = { block: 0n, delayedNext: 0n };

  constructor(opts: BatchPosterOptions) {
    const maxBytes = opts.maxBatchBytes ?? 120_000;
    const maxBlocks = opts.maxBlocksPerBatch ?? 4096;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 64) throw new PosterOptionError("maxBatchBytes", "must be an integer of at least 64");
    if (!Number.isSafeInteger(maxBlocks) || maxBlocks < 1 || maxBlocks > 1 << 20) throw new PosterOptionError("maxBlocksPerBatch", "must be an integer in 1..2^20");
    if ((opts.landingWindow ?? 3600n) < 1n) throw new PosterOptionError("landingWindow", "must be at least 1 second");
    if (opts.signer.provider === null) throw new PosterOptionError("signer", "has no provider");
    for (const field of ["sequencerInbox", "sequencerSet"] as const) if (!isAddress(opts[field])) throw new PosterOptionError(field, "must be a 0x-prefixed 20-byte address");
    this.#log = opts.log;
    this.#engine = opts.engine;
    this.#signer = opts.signer;
    this.#inbox = SequencerInbox__factory.connect(opts.sequencerInbox, opts.signer);
    this.#set = SequencerSet__factory.connect(opts.sequencerSet, opts.signer);
    this.#maxBytes = maxBytes;
    this.#maxBlocks = maxBlocks;
    this.#landingWindow = opts.landingWindow ?? 3600n;
    this.#quality = opts.quality;
    this.#state = { nextBlock: 1n, lastTimestamp: opts.engine.genesis.timestamp, delayedNext: 0n, nextSeq: 0n, open: [] };
  }

  /** Whether `signer` is the active sequencer now. */
  async isActive(): Promise<boolean> {
    const [active, me] = await Promise.all([this.#set.active(), this.#signer.getAddress()]);
    return active.toLowerCase() === me.toLowerCase();
  }

  /**
   * The next batch to post on top of L1's current head, or null if every applied block is on L1.
   * @throws PosterOutOfSyncError if L1 holds blocks or delayed messages the log does not have in that place
   */
  async prepare(): Promise<PreparedBatch | null> {
    const [nextL2, consumed, head, l1Block] = await Promise.all([this.#inbox.nextL2Block(), this.#inbox.delayedConsumed(), this.#inbox.headAccumulator(), this.#signer.provider!.getBlock("latest")]);
    if (l1Block === null) throw new PosterOutOfSyncError("cannot read the latest L1 block");
    const postedEngineBlock = nextL2; // engine block = L2 block + 1, so L1's next L2 block is the last engine block posted
    await this.#planUpTo();
    while (this.#pending.length > 0 && this.#pending[0]!.plan.number <= postedEngineBlock) {
      const done = this.#pending.shift()!;
      this.#posted = { block: done.plan.number, delayedNext: done.plan.cursor.delayedNext };
    }
    if (this.#state.nextBlock - 1n < postedEngineBlock) throw new PosterOutOfSyncError(`L1 holds blocks up to ${postedEngineBlock} but the log seals only up to ${this.#state.nextBlock - 1n}`);
    if (this.#posted.block === postedEngineBlock && this.#posted.delayedNext !== consumed) {
      throw new PosterOutOfSyncError(`L1 consumed ${consumed} delayed messages by block ${postedEngineBlock} where the log has ${this.#posted.delayedNext} (a forced inclusion the log has not ordered?)`);
    }
    const applied = this.#engine.head().number;
    const ready = this.#pending.filter((b) => b.plan.number <= applied);
    if (ready.length === 0) return null;
    const first = ready[0]!;
    if (first.plan.number !== postedEngineBlock + 1n) throw new PosterOutOfSyncError(`the next block to post is ${first.plan.number} but L1 expects ${postedEngineBlock + 1n}`);
    if (first.delayedBefore !== consumed) throw new PosterOutOfSyncError(`L1 consumed ${consumed} delayed messages where the log has ${first.delayedBefore} before block ${first.plan.number} (a forced inclusion the log has not ordered?)`);
    let take = Math.min(ready.length, this.#maxBlocks);
    for (;;) {
      const chosen = ready.slice(0, take);
      const blocks = chosen.map((b) => b.block);
      const data = encodeBatch(blocks, this.#quality);
      if (data.length <= this.#maxBytes || take === 1) return this.#prepared(chosen, data, head, BigInt(l1Block.timestamp));
      take = Math.max(1, Math.floor((take * this.#maxBytes) / data.length * 0.95));
    }
  }

  /** Sends a prepared batch (no role check: L1 refuses a non-active sender). Resolves once mined; throws on revert. */
  async send(batch: PreparedBatch): Promise<{ index: bigint; txHash: string; gasUsed: bigint }> {
    const tx = await this.#inbox.appendBatch(batch.data, batch.header);
    const receipt = await tx.wait();
    if (receipt === null) throw new PosterOutOfSyncError(`appendBatch transaction ${tx.hash} was dropped`);
    let index = -1n;
    for (const log of receipt.logs) {
      const ev = this.#inbox.interface.parseLog(log);
      if (ev?.name === "BatchAppended") index = ev.args.index as bigint;
    }
    return { index, txHash: receipt.hash, gasUsed: receipt.gasUsed };
  }

  /** Posts one batch if this node is the active sequencer and has unposted blocks. */
  async postOnce(): Promise<PostOutcome> {
    if (!(await this.isActive())) return { posted: false, reason: "not-active" };
    const batch = await this.prepare();
    if (batch === null) return { posted: false, reason: "nothing-to-post" };
    const sent = await this.send(batch);
    return { posted: true, batch, ...sent };
  }

  /** Posts batches until every applied block is on L1 or the role is lost; returns what was posted. */
  async postAll(): Promise<PostOutcome[]> {
    const out: PostOutcome[] = [];
    for (;;) {
      const r = await this.postOnce();
      if (!r.posted) return out;
      out.push(r);
    }
  }

  #prepared(chosen: readonly PlannedBlock[], data: Uint8Array, prevAccumulator: string, l1Now: bigint): PreparedBatch {
    const first = chosen[0]!;
    const last = chosen[chosen.length - 1]!;
    const firstTs = first.plan.timestamp;
    const lastTs = last.plan.timestamp;
    let txCount = 0;
    let delayedCount = 0;
    for (const b of chosen) for (const it of b.block.items) it.kind === "tx" ? txCount++ : delayedCount++;
    return {
      data,
      header: {
        prevAccumulator,
        delayedCount: last.plan.cursor.delayedNext,
        l2BlockStart: l2BlockOf(first.plan.number),
        l2BlockEnd: l2BlockOf(last.plan.number),
        minTimestamp: firstTs < l1Now ? firstTs : l1Now,
        maxTimestamp: (lastTs > l1Now ? lastTs : l1Now) + this.#landingWindow,
      },
      firstBlock: first.plan.number,
      lastBlock: last.plan.number,
      lastSeq: last.plan.cursor.seq,
      txCount,
      delayedCount,
    };
  }

  /** Plans every block the log seals after the last planned one (pure, no execution). */
  async #planUpTo(): Promise<void> {
    const { firstSeq, nextSeq } = await this.#log.head();
    if (this.#state.nextSeq < firstSeq) throw new PosterOutOfSyncError(`the log was pruned up to ${firstSeq} before the poster planned it (start the poster before pruning)`);
    const delayed = (): Uint8Array => {
      const marker = new Uint8Array(0);
      this.#markers.add(marker);
      return marker;
    };
    while (this.#state.nextSeq < nextSeq) {
      const to = this.#state.nextSeq + 1024n < nextSeq ? this.#state.nextSeq + 1024n : nextSeq;
      const step = planBlocks(this.#state, await this.#log.read(this.#state.nextSeq, to), delayed);
      let delayedBefore = this.#state.delayedNext;
      for (const plan of step.blocks) {
        const items: BatchItem[] = plan.txs.map((t) => (t instanceof Uint8Array ? (this.#markers.has(t) ? { kind: "delayed" } : { kind: "tx", raw: t }) : { kind: "delayed" }));
        this.#pending.push({ plan, block: { timestamp: plan.timestamp, items }, delayedBefore });
        delayedBefore = plan.cursor.delayedNext;
      }
      this.#state = step.state;
    }
  }
}
