/**
 * Helpers of the L1-side chain tests: a sequencer-side engine fed from an EmbeddedLog (with delayed messages
 * read from the in-process L1), the poster, and readers/validators over the same L1.
 */
import { Transaction, type Wallet } from "ethers";

import { BatchPoster, EmbeddedLog, Engine, L1Reader, applyLog, initialCursor, messageData, type DelayedMessage, type GenesisConfig, type L1Batch, type L1Cursor, type LogEntry } from "@sovereign-stack/node";

import type { Rollup } from "../rollup/fixture.ts";
import { tempDir } from "./helpers.ts";
import { CHAIN_ID, testKeys, type WorkloadBlock } from "./workload.ts";

/** Keys whose L2 transactions only ever arrive as delayed messages (funded in the genesis). */
export const DELAYED_KEYS = testKeys(2, 500);

/** A signed type-2 ETH transfer on the L2. */
export function l2Transfer(key: Wallet, nonce: number, to: string, value: bigint, gasLimit = 21_000n): Uint8Array {
  const tx = Transaction.from({ type: 2, chainId: CHAIN_ID, nonce, to, value, gasLimit, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n });
  tx.signature = key.signingKey.sign(tx.unsignedHash);
  return Uint8Array.from(Buffer.from(tx.serialized.slice(2), "hex"));
}

/** Enqueues `raw` on L1's DelayedInbox from the citizen; returns the message index. */
export async function enqueueOnL1(r: Rollup, raw: Uint8Array): Promise<bigint> {
  const inbox = r.stack.contracts.DelayedInbox.connect(r.citizen);
  const index = await r.stack.contracts.DelayedInbox.count();
  await (await inbox.enqueue(raw)).wait();
  return index;
}

/** An L1 reader over the fixture's network. */
export async function readerOf(r: Rollup, opts: { pageSize?: number; confirmations?: number } = {}): Promise<L1Reader> {
  return new L1Reader({ provider: r.net.ethers.provider, delayedInbox: await r.stack.contracts.DelayedInbox.getAddress(), sequencerInbox: await r.stack.contracts.SequencerInbox.getAddress(), ...opts });
}

/** Every batch and delayed message on L1 so far. */
export async function readAll(r: Rollup): Promise<{ batches: L1Batch[]; delayed: DelayedMessage[] }> {
  const u = await (await readerOf(r)).poll(initialCursor(0n));
  return { batches: u.batches, delayed: u.delayed };
}

/** The sequencer side: a log, an engine applying it, delayed payloads read from L1, and a poster. */
export class TestSequencer {
  readonly delayed = new Map<bigint, DelayedMessage>();
  #cursor: L1Cursor = initialCursor(0n);
  #nextDelayed = 0n;
  private constructor(
    readonly r: Rollup,
    readonly log: EmbeddedLog,
    readonly engine: Engine,
    readonly reader: L1Reader,
  ) {}

  static async open(r: Rollup, genesis: GenesisConfig, label: string): Promise<TestSequencer> {
    const log = await EmbeddedLog.open({ dir: tempDir(`${label}-log`) });
    const engine = await Engine.open({ dataDir: tempDir(`${label}-engine`), genesis });
    return new TestSequencer(r, log, engine, await readerOf(r));
  }

  /** A poster signing with `signer` (default: the active sequencer). */
  async poster(signer = undefined as undefined | Awaited<ReturnType<Rollup["activeSigner"]>>, opts: { maxBatchBytes?: number } = {}): Promise<BatchPoster> {
    const c = this.r.stack.contracts;
    return new BatchPoster({ log: this.log, engine: this.engine, signer: signer ?? (await this.r.activeSigner()), sequencerInbox: await c.SequencerInbox.getAddress(), sequencerSet: await c.SequencerSet.getAddress(), ...opts });
  }

  /** Reads new delayed messages from L1. */
  async syncL1(): Promise<void> {
    const u = await this.reader.poll(this.#cursor);
    for (const m of u.delayed) this.delayed.set(m.index, m);
    this.#cursor = u.cursor;
  }

  /** Orders block `b`'s transactions, then `delayedCount` next delayed messages (after the first tx), seals, and applies. */
  async addBlock(b: WorkloadBlock, delayedCount = 0): Promise<void> {
    await this.syncL1();
    const entries: LogEntry[] = b.txs.map((t) => ({ kind: "tx" as const, raw: t.raw }));
    const at = Math.min(1, entries.length);
    for (let i = 0; i < delayedCount; i++) entries.splice(at + i, 0, { kind: "delayed", index: this.#nextDelayed++ });
    entries.push({ kind: "seal", block: b.number, timestamp: b.timestamp });
    await this.log.append(entries);
    await applyLog(this.engine, this.log, { delayed: (i) => { const m = this.delayed.get(i); return m === undefined ? undefined : messageData(m); } });
  }

  async close(): Promise<void> {
    await this.engine.close();
    await this.log.close();
  }
}
