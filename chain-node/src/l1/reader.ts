/**
 * The L1 reader: delayed messages (`DelayedInbox.MessageEnqueued`) in FIFO order with their accumulator chain
 * checked, and batches (`SequencerInbox.BatchAppended`) with their data read from the posting transaction's
 * calldata. Paged `eth_getLogs`, a confirmation depth, resumable from a cursor.
 *
 * An inconsistency (a hole in the queue, an accumulator that does not chain) is not something a malformed
 * batch can cause: the contracts enforce both. It means the RPC is wrong or L1 reorganised below the
 * confirmation depth, so it throws {@link L1ConsistencyError} instead of guessing.
 */
import { getAddress, getBytes, isAddress, keccak256, type Log, type Provider } from "ethers";
import { DelayedInbox__factory, SequencerInbox__factory } from "@sovereign-stack/sdk/typechain";

import { ZERO_ACCUMULATOR, hashDelayedMessage } from "./accumulator.ts";
import { BatchKind, type L1Batch } from "./batch.ts";
import { DelayedMessageKind, type DelayedMessage } from "./types.ts";

const delayedIface = DelayedInbox__factory.createInterface();
const inboxIface = SequencerInbox__factory.createInterface();
const MESSAGE_ENQUEUED = delayedIface.getEvent("MessageEnqueued").topicHash;
const BATCH_APPENDED = inboxIface.getEvent("BatchAppended").topicHash;
const APPEND_BATCH = inboxIface.getFunction("appendBatch");

/** L1 data that breaks a rule the contracts enforce: a wrong RPC or a reorg below the confirmation depth. */
export class L1ConsistencyError extends Error {
  override readonly name = "L1ConsistencyError";
}

/** A bad reader option. */
export class L1ReaderOptionError extends Error {
  override readonly name = "L1ReaderOptionError";
  readonly field: string;
  constructor(field: string, why: string) {
    super(`L1 reader option ${field} ${why}`);
    this.field = field;
  }
}

/** Where the reader stands: the next L1 block to scan and the next message and batch with their accumulators. */
export interface L1Cursor {
  readonly fromBlock: bigint;
  readonly delayedNext: bigint;
  readonly delayedAccumulator: string;
  readonly batchNext: bigint;
  readonly batchAccumulator: string;
}

/** The cursor of a fresh deployment, scanning from `deployBlock`. */
export function initialCursor(deployBlock: bigint): L1Cursor {
  return { fromBlock: deployBlock, delayedNext: 0n, delayedAccumulator: ZERO_ACCUMULATOR, batchNext: 0n, batchAccumulator: ZERO_ACCUMULATOR };
}

/** Options of {@link L1Reader}. */
export interface L1ReaderOptions {
  readonly provider: Provider;
  readonly delayedInbox: string;
  readonly sequencerInbox: string;
  /** Blocks below the latest that are considered final enough to read (default 0: read up to the latest). */
  readonly confirmations?: number;
  /** L1 blocks per `eth_getLogs` call (default 2000). */
  readonly pageSize?: number;
}

/** What one {@link L1Reader.poll} read. */
export interface L1Update {
  readonly delayed: DelayedMessage[];
  readonly batches: L1Batch[];
  readonly cursor: L1Cursor;
}

const lower = (a: string): string => a.toLowerCase();

/** Reads the rollup's L1 events. Stateless apart from the cursor the caller passes in. */
export class L1Reader {
  readonly #provider: Provider;
  readonly #delayed: string;
  readonly #inbox: string;
  readonly #confirmations: bigint;
  readonly #pageSize: bigint;

  constructor(opts: L1ReaderOptions) {
    if (!Number.isSafeInteger(opts.confirmations ?? 0) || (opts.confirmations ?? 0) < 0) throw new L1ReaderOptionError("confirmations", "must be a non-negative integer");
    if (!Number.isSafeInteger(opts.pageSize ?? 2000) || (opts.pageSize ?? 2000) < 1) throw new L1ReaderOptionError("pageSize", "must be a positive integer");
    for (const field of ["delayedInbox", "sequencerInbox"] as const) if (!isAddress(opts[field])) throw new L1ReaderOptionError(field, "must be a 0x-prefixed 20-byte address");
    this.#provider = opts.provider;
    this.#delayed = lower(getAddress(opts.delayedInbox));
    this.#inbox = lower(getAddress(opts.sequencerInbox));
    this.#confirmations = BigInt(opts.confirmations ?? 0);
    this.#pageSize = BigInt(opts.pageSize ?? 2000);
  }

  /** Reads everything from `cursor.fromBlock` up to the latest block minus the confirmation depth. */
  async poll(cursor: L1Cursor): Promise<L1Update> {
    const latest = BigInt(await this.#provider.getBlockNumber());
    const to = latest - this.#confirmations;
    let c = cursor;
    const delayed: DelayedMessage[] = [];
    const batches: L1Batch[] = [];
    for (let from = cursor.fromBlock; from <= to; from += this.#pageSize) {
      const end = from + this.#pageSize - 1n < to ? from + this.#pageSize - 1n : to;
      const logs = await this.#provider.getLogs({ address: [this.#delayed, this.#inbox], topics: [[MESSAGE_ENQUEUED, BATCH_APPENDED]], fromBlock: from, toBlock: end });
      for (const log of logs) {
        const addr = lower(log.address);
        if (addr === this.#delayed && log.topics[0] === MESSAGE_ENQUEUED) {
          const m = this.#message(log, c);
          delayed.push(m);
          c = { ...c, delayedNext: m.index + 1n, delayedAccumulator: m.accumulator };
        } else if (addr === this.#inbox && log.topics[0] === BATCH_APPENDED) {
          const b = await this.#batch(log, c);
          batches.push(b);
          c = { ...c, batchNext: b.index + 1n, batchAccumulator: b.accumulator };
        }
      }
      c = { ...c, fromBlock: end + 1n };
    }
    return { delayed, batches, cursor: c };
  }

  #message(log: Log, c: L1Cursor): DelayedMessage {
    const ev = delayedIface.parseLog(log);
    if (ev === null) throw new L1ConsistencyError(`undecodable MessageEnqueued log in tx ${log.transactionHash}`);
    const index = ev.args.index as bigint;
    if (index !== c.delayedNext) throw new L1ConsistencyError(`delayed message ${index} read where ${c.delayedNext} was expected (hole or reorg)`);
    const kind = Number(ev.args.kind);
    if (kind !== DelayedMessageKind.L2Transaction && kind !== DelayedMessageKind.Deposit) throw new L1ConsistencyError(`delayed message ${index} has unknown kind ${kind}`);
    const m: DelayedMessage = {
      index,
      sender: lower(ev.args.sender as string),
      kind,
      data: getBytes(ev.args.data as string),
      timestamp: ev.args.timestamp as bigint,
      blockNumber: ev.args.blockNumber as bigint,
      accumulator: lower(ev.args.accumulator as string),
    };
    const expected = hashDelayedMessage(c.delayedAccumulator, m);
    if (expected !== m.accumulator) throw new L1ConsistencyError(`delayed message ${index}: accumulator ${m.accumulator} does not chain from ${c.delayedAccumulator} (expected ${expected})`);
    return m;
  }

  async #batch(log: Log, c: L1Cursor): Promise<L1Batch> {
    const ev = inboxIface.parseLog(log);
    if (ev === null) throw new L1ConsistencyError(`undecodable BatchAppended log in tx ${log.transactionHash}`);
    const a = ev.args;
    const index = a.index as bigint;
    if (index !== c.batchNext) throw new L1ConsistencyError(`batch ${index} read where ${c.batchNext} was expected (hole or reorg)`);
    const kind = Number(a.kind);
    if (kind !== BatchKind.Sequenced && kind !== BatchKind.Forced) throw new L1ConsistencyError(`batch ${index} has unknown kind ${kind}`);
    const dataHash = lower(a.dataHash as string);
    const block = await this.#provider.getBlock(log.blockNumber);
    if (block === null) throw new L1ConsistencyError(`L1 block ${log.blockNumber} of batch ${index} is unavailable`);
    return {
      index,
      kind,
      accumulator: lower(a.accumulator as string),
      prevAccumulator: lower(a.prevAccumulator as string),
      dataHash,
      delayedCount: a.delayedCount as bigint,
      delayedAccumulator: lower(a.delayedAccumulator as string),
      l2BlockStart: a.l2BlockStart as bigint,
      l2BlockEnd: a.l2BlockEnd as bigint,
      minTimestamp: a.minTimestamp as bigint,
      maxTimestamp: a.maxTimestamp as bigint,
      poster: lower(a.poster as string),
      data: kind === BatchKind.Forced ? null : await this.#calldata(log.transactionHash, dataHash),
      l1BlockNumber: BigInt(log.blockNumber),
      l1Timestamp: BigInt(block.timestamp),
      l1TxHash: log.transactionHash,
    };
  }

  /** The `data` argument of a direct `appendBatch` call to the inbox, if it hashes to `dataHash`; else null. */
  async #calldata(txHash: string, dataHash: string): Promise<Uint8Array | null> {
    const tx = await this.#provider.getTransaction(txHash);
    if (tx === null) throw new L1ConsistencyError(`transaction ${txHash} that appended a batch is unavailable`);
    if (tx.to === null || lower(tx.to) !== this.#inbox || !tx.data.startsWith(APPEND_BATCH.selector)) return null;
    try {
      const data = getBytes(inboxIface.decodeFunctionData(APPEND_BATCH, tx.data)[0] as string);
      return keccak256(data) === dataHash ? data : null;
    } catch {
      return null;
    }
  }
}
