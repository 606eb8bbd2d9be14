/**
 * Log pruning on L1 finality: once a batch's state commitment is final on L1, L1 is the archive of every log
 * entry up to that batch's last SEAL, and the log may forget them.
 *
 * One round ({@link LogPruner.pruneOnce}):
 * 1. reads from L1 the latest final commitment (`StateCommitment.lastFinalized`), the batch it covers and that
 *    batch's last L2 block (`SequencerInbox.batch(i).l2BlockEnd`);
 * 2. finds the log position of that block's SEAL by planning the log with the appliers' own rule (`planBlocks`),
 *    never past the SEAL of the local engine's head (what this node has applied);
 * 3. prunes the log up to that SEAL (`log.prune(seq)`), and reports what it removed.
 *
 * Rules:
 * - never beyond what is final: only entries up to the last SEAL of the latest final batch; every entry after it
 *   belongs to a block of a later batch (pending on L1, or not posted yet) and stays;
 * - never beyond what the engine has applied: if the engine has not applied the final batch's last block yet,
 *   the round prunes nothing (reason "engine-behind") instead of pruning less than a batch;
 * - the log therefore always starts right after the last SEAL of a final batch (or at 0);
 * - idempotent: a second round with nothing newly final prunes nothing (reason "up-to-date").
 *
 * Where the log was already pruned, the block its first entry belongs to is not written anywhere: the first SEAL
 * in the log gives it, and the plan is checked against the engine head (its SEAL's block and position) before
 * anything is pruned, so a log whose boundaries do not match the engine is refused ({@link PrunerError}), never
 * pruned on a guess. Works on any {@link ChainLog}; on etcd the prune is fenced by the leader key like an append
 * (only the leader prunes).
 */
import { isAddress, type Provider } from "ethers";
import { SequencerInbox__factory, StateCommitment__factory, type SequencerInbox, type StateCommitment } from "@sovereign-stack/sdk/typechain";

import { LogGapError, planBlocks, type ApplierState } from "../apply.ts";
import { storedHeader } from "../derive/deriver.ts";
import type { Engine } from "../engine/engine.ts";
import { engineBlockOf } from "../l1/batch.ts";
import type { ChainLog } from "../log/types.ts";

/** A bad pruner option: the message names the field. */
export class PrunerOptionError extends Error {
  override readonly name = "PrunerOptionError";
  readonly field: string;
  constructor(field: string, why: string) {
    super(`log pruner option ${field} ${why}`);
    this.field = field;
  }
}

/** The log, the engine and L1 disagree: nothing was pruned. */
export class PrunerError extends Error {
  override readonly name = "PrunerError";
}

/** Options of {@link LogPruner}. */
export interface LogPrunerOptions {
  /** The log to prune (on etcd: opened with this node's leadership). */
  readonly log: ChainLog;
  /** This node's engine: nothing past its head's SEAL is pruned. */
  readonly engine: Engine;
  /** Reads L1 (no key needed). */
  readonly provider: Provider;
  readonly stateCommitment: string;
  readonly sequencerInbox: string;
  /** Log entries read per round trip while locating SEALs (default 1024). */
  readonly pageSize?: number;
}

/** What the latest final commitment covers. */
export interface FinalPoint {
  readonly commitmentIndex: bigint;
  readonly batchIndex: bigint;
  /** The engine block number of the batch's last L2 block. */
  readonly block: bigint;
}

/** What one {@link LogPruner.pruneOnce} did. */
export type PruneOutcome =
  | {
      readonly pruned: true;
      readonly final: FinalPoint;
      /** Entries `seq <= uptoSeq` are gone: `uptoSeq` is the SEAL of `final.block`. */
      readonly uptoSeq: bigint;
      /** How many entries this round removed. */
      readonly removed: bigint;
      /** The log's readable range after the prune. */
      readonly firstSeq: bigint;
      readonly nextSeq: bigint;
    }
  | { readonly pruned: false; readonly reason: "nothing-final" }
  | { readonly pruned: false; readonly reason: "engine-behind"; readonly final: FinalPoint; readonly applied: bigint }
  | { readonly pruned: false; readonly reason: "up-to-date"; readonly final: FinalPoint; readonly firstSeq: bigint };

/** Where the plan of the log stands: the applier state (block boundaries only) and the SEALs found since. */
interface SealIndex {
  state: ApplierState;
  /** The log position of the SEAL of block `before + 1 + i` at index i, up to the planned position (8 bytes a block). */
  readonly seals: number[];
  /** The last block whose SEAL is before the log's first entry (0: none, the log starts at genesis)… */
  before: bigint;
  /** …and that SEAL's position (-1 for genesis). */
  beforeSeq: bigint;
}

/** The SEAL position of `block` if the plan has reached it. */
function sealOf(index: SealIndex, block: bigint): bigint | undefined {
  const i = block - index.before - 1n;
  return i < 0n || i >= BigInt(index.seals.length) ? undefined : BigInt(index.seals[Number(i)]!);
}

/** Prunes the log up to the last SEAL of the latest batch whose state commitment is final on L1. */
export class LogPruner {
  readonly #log: ChainLog;
  readonly #engine: Engine;
  readonly #sc: StateCommitment;
  readonly #inbox: SequencerInbox;
  readonly #page: bigint;
  #index: SealIndex | undefined;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(opts: LogPrunerOptions) {
    for (const field of ["stateCommitment", "sequencerInbox"] as const) if (!isAddress(opts[field])) throw new PrunerOptionError(field, "must be a 0x-prefixed 20-byte address");
    const page = opts.pageSize ?? 1024;
    if (!Number.isSafeInteger(page) || page < 1) throw new PrunerOptionError("pageSize", "must be a positive integer");
    if (opts.log === undefined || opts.log === null) throw new PrunerOptionError("log", "is required");
    if (opts.engine === undefined || opts.engine === null) throw new PrunerOptionError("engine", "is required");
    if (opts.provider === undefined || opts.provider === null) throw new PrunerOptionError("provider", "is required");
    this.#log = opts.log;
    this.#engine = opts.engine;
    this.#sc = StateCommitment__factory.connect(opts.stateCommitment, opts.provider);
    this.#inbox = SequencerInbox__factory.connect(opts.sequencerInbox, opts.provider);
    this.#page = BigInt(page);
  }

  /** The latest final commitment and the engine block its batch ends with, or null if none is final. */
  async finalPoint(): Promise<FinalPoint | null> {
    const [exists, commitmentIndex] = await this.#sc.lastFinalized();
    if (!exists) return null;
    const batchIndex = (await this.#sc.get(commitmentIndex)).batchIndex;
    const batch = await this.#inbox.batch(batchIndex);
    return { commitmentIndex, batchIndex, block: engineBlockOf(batch.l2BlockEnd) };
  }

  /** One pruning round (rounds run one at a time). */
  pruneOnce(): Promise<PruneOutcome> {
    const p = this.#tail.then(() => this.#round());
    this.#tail = p.catch(() => undefined);
    return p;
  }

  async #round(): Promise<PruneOutcome> {
    const final = await this.finalPoint();
    if (final === null) return { pruned: false, reason: "nothing-final" };
    const head = this.#engine.head();
    if (head.cursor === null || head.number < final.block) return { pruned: false, reason: "engine-behind", final, applied: head.number };
    const { firstSeq, nextSeq } = await this.#log.head();
    if (head.cursor.seq >= nextSeq) throw new PrunerError(`the engine's head block ${head.number} was sealed at log entry ${head.cursor.seq} but the log ends at ${nextSeq}: another log? nothing pruned`);
    let index: SealIndex;
    try {
      index = await this.#planTo(head.cursor.seq + 1n, firstSeq);
    } catch (e) {
      // A log that does not plan as expected: start over next round (a transient read failure keeps the plan).
      if (e instanceof PrunerError || e instanceof LogGapError) this.#index = undefined;
      throw e;
    }
    const last = head.number === index.before ? index.beforeSeq : sealOf(index, head.number);
    if (last !== head.cursor.seq) {
      this.#index = undefined;
      throw new PrunerError(
        `the log's SEALs do not match the engine: its head block ${head.number} was sealed at log entry ${head.cursor.seq}, ` +
          `the plan of the log from entry ${firstSeq} puts it at ${last ?? "no entry"}; nothing pruned`,
      );
    }
    if (final.block <= index.before) return { pruned: false, reason: "up-to-date", final, firstSeq };
    const seal = sealOf(index, final.block);
    if (seal === undefined) throw new PrunerError(`no SEAL of block ${final.block} in the log from entry ${firstSeq}; nothing pruned`);
    await this.#log.prune(seal);
    const after = await this.#log.head();
    index.seals.splice(0, Number(final.block - index.before));
    index.before = final.block;
    index.beforeSeq = seal;
    return { pruned: true, final, uptoSeq: seal, removed: after.firstSeq - firstSeq, firstSeq: after.firstSeq, nextSeq: after.nextSeq };
  }

  /** Plans the log's block boundaries from its first entry up to `toSeq` (exclusive). */
  async #planTo(toSeq: bigint, firstSeq: bigint): Promise<SealIndex> {
    if (this.#index === undefined || this.#index.beforeSeq + 1n !== firstSeq) this.#index = await this.#start(firstSeq);
    const index = this.#index;
    // Only block boundaries matter here: a DELAYED entry's payload does not move a SEAL.
    const anyPayload = (): Uint8Array => new Uint8Array(0);
    while (index.state.nextSeq < toSeq) {
      const to = index.state.nextSeq + this.#page < toSeq ? index.state.nextSeq + this.#page : toSeq;
      const entries = await this.#log.read(index.state.nextSeq, to);
      if (entries.length === 0 || entries[0]!.seq !== index.state.nextSeq) throw new PrunerError(`log entry ${index.state.nextSeq} is missing (the log was pruned meanwhile by another writer?); nothing pruned`);
      const step = planBlocks(index.state, entries, anyPayload);
      for (const b of step.blocks) {
        if (b.number !== index.before + 1n + BigInt(index.seals.length)) throw new PrunerError(`the plan of the log sealed block ${b.number} out of order; nothing pruned`);
        index.seals.push(Number(b.cursor.seq));
      }
      index.state = { ...step.state, open: [] };
    }
    return index;
  }

  /** The plan's starting point at the log's first entry. */
  async #start(firstSeq: bigint): Promise<SealIndex> {
    const start = await locateLogStart(this.#log, this.#engine, firstSeq, Number(this.#page));
    return {
      state: { nextBlock: start.block + 1n, lastTimestamp: start.timestamp, delayedNext: 0n, nextSeq: firstSeq, open: [] },
      seals: [],
      before: start.block,
      beforeSeq: firstSeq - 1n,
    };
  }
}

/** Where a (possibly pruned) log starts: the block whose SEAL is the entry just before its first one. */
export interface LogStart {
  /** The engine block sealed just before the log's first entry (0: the log starts at genesis). */
  readonly block: bigint;
  /** That block's timestamp. */
  readonly timestamp: bigint;
  /** The log's first entry. */
  readonly firstSeq: bigint;
}

/**
 * The block a log starting at `firstSeq` starts after. Pruning cuts the log right after a SEAL (see {@link LogPruner}),
 * so: nothing before entry 0 but the genesis; the engine head's block when its SEAL is entry `firstSeq - 1`; otherwise
 * the block before the first SEAL in the log. Callers check the plan that follows against the engine (the pruner checks
 * its head's SEAL position). Throws {@link PrunerError} if the log holds no SEAL yet or names a block the engine lacks.
 */
export async function locateLogStart(log: ChainLog, engine: Engine, firstSeq: bigint, pageSize = 1024): Promise<LogStart> {
  if (typeof firstSeq !== "bigint" || firstSeq < 0n) throw new PrunerOptionError("firstSeq", "must be a non-negative bigint");
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new PrunerOptionError("pageSize", "must be a positive integer");
  const at = async (block: bigint): Promise<LogStart> => ({ block, timestamp: block === 0n ? engine.genesis.timestamp : (await storedHeader(engine, block)).timestamp, firstSeq });
  if (firstSeq === 0n) return at(0n);
  const head = engine.head();
  if (head.cursor?.seq === firstSeq - 1n) return at(head.number);
  const page = BigInt(pageSize);
  let firstSeal: bigint | undefined;
  for (let from = firstSeq; firstSeal === undefined; from += page) {
    const entries = await log.read(from, from + page);
    if (entries.length === 0) throw new PrunerError(`the log from entry ${firstSeq} holds no SEAL: cannot tell which block it starts in`);
    for (const { entry } of entries) {
      if (entry.kind === "seal") {
        firstSeal = entry.block;
        break;
      }
    }
  }
  if (firstSeal < 2n || firstSeal - 1n > head.number) throw new PrunerError(`the log starts at entry ${firstSeq} and its first SEAL is of block ${firstSeal}, with the engine at block ${head.number}`);
  return at(firstSeal - 1n);
}
