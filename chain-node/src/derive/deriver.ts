/**
 * The deriver: applies L1 batches, in order, to an engine, from L1 data alone. It checks that every batch
 * builds on the previous one (`prevAccumulator`), that its accumulator is the contract's hash of its fields
 * (so `dataHash` and the delayed-queue accumulator are the ones L1 recorded), and that the delayed
 * accumulator it names is the queue's after the messages it consumes. Blocks come from {@link planBatch}.
 *
 * Restart: the engine persists its head; the deriver is fed the batches from the first one again, skips
 * every block the engine already holds (it only checks the accumulators) and resumes inside a batch if a
 * crash left it half applied. Nothing is executed twice.
 */
import { RLP } from "@ethereumjs/rlp";
import { bytesToBigInt, bytesToHex } from "@ethereumjs/util";

import type { Engine } from "../engine/engine.ts";
import type { BlockResult } from "../engine/types.ts";
import { ZERO_ACCUMULATOR, hashBatch } from "../l1/accumulator.ts";
import { engineBlockOf, type L1Batch } from "../l1/batch.ts";
import type { DelayedMessage } from "../l1/types.ts";
import { messageData, planBatch, type PayloadOf } from "./plan.ts";

/** L1 inputs that break a rule the contracts enforce (wrong RPC, reorg, a message not read yet). */
export class DerivationInputError extends Error {
  override readonly name = "DerivationInputError";
}

/** Where derivation stands on L1. */
export interface DeriverPosition {
  readonly batchNext: bigint;
  readonly batchAccumulator: string;
  readonly delayedConsumed: bigint;
  /** The delayed queue's accumulator after the consumed messages. */
  readonly delayedAccumulator: string;
}

/** What applying one batch did. */
export interface BatchDerivation {
  readonly batch: L1Batch;
  readonly valid: boolean;
  readonly reason?: string;
  /** Blocks executed now (empty when the engine already held them). */
  readonly results: readonly BlockResult[];
  /** The state root after the batch's last block. */
  readonly stateRoot: string;
}

/** Options of {@link Deriver}. */
export interface DeriverOptions {
  /** The payload given to the engine for a delayed message (default: its data). */
  readonly payloadOf?: PayloadOf;
}

/** The header fields derivation needs of a stored block. */
export async function storedHeader(engine: Engine, number: bigint): Promise<{ stateRoot: string; timestamp: bigint }> {
  const rlp = await engine.blocks.blockRlp(number);
  if (rlp === undefined) throw new DerivationInputError(`engine has no block ${number}`);
  const header = (RLP.decode(rlp) as Uint8Array[][])[0]!;
  return { stateRoot: bytesToHex(header[3]!), timestamp: bytesToBigInt(header[11]!) };
}

/** Applies L1 batches to an engine. One per engine. */
export class Deriver {
  readonly #engine: Engine;
  readonly #payloadOf: PayloadOf;
  readonly #delayed = new Map<bigint, DelayedMessage>();
  #pos: DeriverPosition = { batchNext: 0n, batchAccumulator: ZERO_ACCUMULATOR, delayedConsumed: 0n, delayedAccumulator: ZERO_ACCUMULATOR };

  constructor(engine: Engine, opts: DeriverOptions = {}) {
    this.#engine = engine;
    this.#payloadOf = opts.payloadOf ?? messageData;
  }

  get position(): DeriverPosition {
    return this.#pos;
  }

  /** Makes delayed messages known (from the L1 reader, already checked against their accumulator chain). */
  addDelayed(msgs: readonly DelayedMessage[]): void {
    for (const m of msgs) this.#delayed.set(m.index, m);
  }

  /** Applies the next batch. Throws {@link DerivationInputError} only for L1 inconsistencies, never for bad batch contents. */
  async applyBatch(batch: L1Batch): Promise<BatchDerivation> {
    const pos = this.#pos;
    if (batch.index !== pos.batchNext) throw new DerivationInputError(`batch ${batch.index} given where ${pos.batchNext} is next`);
    if (batch.prevAccumulator !== pos.batchAccumulator) throw new DerivationInputError(`batch ${batch.index} builds on ${batch.prevAccumulator}, not on ${pos.batchAccumulator}`);
    if (hashBatch(pos.batchAccumulator, batch) !== batch.accumulator) throw new DerivationInputError(`batch ${batch.index}: accumulator ${batch.accumulator} is not the hash of its fields`);
    if (batch.delayedCount < pos.delayedConsumed) throw new DerivationInputError(`batch ${batch.index} consumes back to ${batch.delayedCount} from ${pos.delayedConsumed}`);
    const delayed: DelayedMessage[] = [];
    for (let i = pos.delayedConsumed; i < batch.delayedCount; i++) {
      const m = this.#delayed.get(i);
      if (m === undefined) throw new DerivationInputError(`batch ${batch.index} consumes delayed message ${i}, which was not read from L1 yet`);
      delayed.push(m);
    }
    const queueAcc = delayed.length > 0 ? delayed[delayed.length - 1]!.accumulator : pos.delayedAccumulator;
    if (queueAcc !== batch.delayedAccumulator) throw new DerivationInputError(`batch ${batch.index}: delayed accumulator ${batch.delayedAccumulator} is not the queue's ${queueAcc}`);

    const first = engineBlockOf(batch.l2BlockStart);
    const last = engineBlockOf(batch.l2BlockEnd);
    const head = this.#engine.head().number;
    if (head < first - 1n) throw new DerivationInputError(`engine head ${head} is behind batch ${batch.index}'s parent block ${first - 1n}`);
    const results: BlockResult[] = [];
    let valid = true;
    let reason: string | undefined;
    if (head < last) {
      const parent = await storedHeader(this.#engine, first - 1n);
      const plan = planBatch(batch, { parentTimestamp: parent.timestamp, delayed, payloadOf: this.#payloadOf });
      valid = plan.valid;
      reason = plan.reason;
      for (const b of plan.blocks) if (b.number > head) results.push(await this.#engine.applyBlock({ number: b.number, timestamp: b.timestamp, txs: b.txs }));
    }
    this.#pos = { batchNext: batch.index + 1n, batchAccumulator: batch.accumulator, delayedConsumed: batch.delayedCount, delayedAccumulator: queueAcc };
    for (const m of delayed) this.#delayed.delete(m.index);
    const stateRoot = results.length > 0 ? results[results.length - 1]!.stateRoot : (await storedHeader(this.#engine, last)).stateRoot;
    return { batch, valid, ...(reason === undefined ? {} : { reason }), results, stateRoot };
  }
}
