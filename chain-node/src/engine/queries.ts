/**
 * Read-only queries over the engine's block store for the JSON-RPC: headers and blocks by number or hash,
 * transactions by hash, receipts, logs with filters, fee history and the next base fee. A small LRU keeps the
 * last decoded blocks (receipt polling by many clients hits the same few blocks).
 */
import { createBlockFromRLP, createBlockHeaderFromBytesArray, type Block, type BlockHeader } from "@ethereumjs/block";
import { RLP } from "@ethereumjs/rlp";
import type { TypedTransaction } from "@ethereumjs/tx";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { Bloom } from "@ethereumjs/vm";

import type { Engine } from "./engine.ts";
import type { LogRecord, Receipt } from "./types.ts";

/** A log with where it was emitted. */
export interface LocatedLog extends LogRecord {
  readonly blockNumber: bigint;
  readonly blockHash: string;
  readonly transactionHash: string;
  readonly transactionIndex: number;
  /** Position among all logs of the block. */
  readonly logIndex: number;
}

/** An `eth_getLogs` filter, resolved to block numbers. */
export interface LogFilter {
  readonly fromBlock: bigint;
  readonly toBlock: bigint;
  /** Any of these addresses (lowercase); empty: any address. */
  readonly addresses: readonly string[];
  /** Per position: null (any) or any of these topics (lowercase). */
  readonly topics: readonly (readonly string[] | null)[];
}

/** A mined transaction with its location. */
export interface MinedTx {
  readonly tx: TypedTransaction;
  readonly blockNumber: bigint;
  readonly blockHash: string;
  readonly index: number;
  readonly baseFee: bigint;
}

/** `eth_feeHistory`'s answer, as bigints. */
export interface FeeHistory {
  readonly oldestBlock: bigint;
  /** One per block plus the next block's. */
  readonly baseFeePerGas: readonly bigint[];
  readonly gasUsedRatio: readonly number[];
  /** Per block, one tip per requested percentile (absent when no percentiles were asked). */
  readonly reward?: readonly (readonly bigint[])[];
}

/** Reads the chain the engine has applied. */
export class ChainQueries {
  readonly #engine: Engine;
  readonly #cacheSize: number;
  readonly #blocks = new Map<bigint, Block>();
  readonly #headers = new Map<bigint, BlockHeader>();

  constructor(engine: Engine, cacheSize = 32) {
    this.#engine = engine;
    this.#cacheSize = cacheSize;
  }

  /** The head block number. */
  headNumber(): bigint {
    return this.#engine.head().number;
  }

  /** The header of block `n`, or undefined past the head. */
  async header(n: bigint): Promise<BlockHeader | undefined> {
    const hit = this.#headers.get(n) ?? this.#blocks.get(n)?.header;
    if (hit !== undefined) return hit;
    const rlp = await this.#engine.blocks.blockRlp(n);
    if (rlp === undefined) return undefined;
    const values = RLP.decode(rlp) as unknown as Uint8Array[][];
    const h = createBlockHeaderFromBytesArray(values[0]!, { common: this.#engine.common, skipConsensusFormatValidation: true });
    remember(this.#headers, n, h, this.#cacheSize * 8);
    return h;
  }

  /** Block `n` with its transactions, or undefined past the head. */
  async block(n: bigint): Promise<Block | undefined> {
    const hit = this.#blocks.get(n);
    if (hit !== undefined) return hit;
    const rlp = await this.#engine.blocks.blockRlp(n);
    if (rlp === undefined) return undefined;
    const b = createBlockFromRLP(rlp, { common: this.#engine.common, skipConsensusFormatValidation: true });
    remember(this.#blocks, n, b, this.#cacheSize);
    return b;
  }

  /** The number of the block with this hash, or undefined. */
  numberOfHash(hash: string): Promise<bigint | undefined> {
    return this.#engine.blocks.numberOfHash(hash);
  }

  /** The receipts of block `n` (empty past the head). */
  async receipts(n: bigint): Promise<Receipt[]> {
    const h = await this.header(n);
    return h === undefined ? [] : this.#engine.blocks.receipts(n, bytesToHex(h.hash()));
  }

  /** The receipt of a mined transaction, or undefined. */
  async receipt(txHash: string): Promise<Receipt | undefined> {
    const loc = await this.#engine.blocks.txLocation(txHash);
    if (loc === undefined) return undefined;
    return (await this.receipts(loc.blockNumber))[loc.index];
  }

  /** A mined transaction, or undefined. */
  async minedTx(txHash: string): Promise<MinedTx | undefined> {
    const loc = await this.#engine.blocks.txLocation(txHash);
    if (loc === undefined) return undefined;
    const b = await this.block(loc.blockNumber);
    const tx = b?.transactions[loc.index];
    if (b === undefined || tx === undefined) return undefined;
    return { tx, blockNumber: loc.blockNumber, blockHash: bytesToHex(b.hash()), index: loc.index, baseFee: b.header.baseFeePerGas ?? 0n };
  }

  /** The logs matching `f`, in chain order. The caller caps the range. */
  async logs(f: LogFilter): Promise<LocatedLog[]> {
    const out: LocatedLog[] = [];
    const addrBytes = f.addresses.map((a) => hexToBytes(a as `0x${string}`));
    const topicBytes = f.topics.map((alts) => (alts === null ? null : alts.map((t) => hexToBytes(t as `0x${string}`))));
    const head = this.headNumber();
    const to = f.toBlock > head ? head : f.toBlock;
    for (let n = f.fromBlock; n <= to; n++) {
      const h = await this.header(n);
      if (h === undefined) break;
      if (!bloomMayMatch(h.logsBloom, addrBytes, topicBytes)) continue;
      const rs = await this.#engine.blocks.receipts(n, bytesToHex(h.hash()));
      let logIndex = 0;
      for (const r of rs) {
        for (const l of r.logs) {
          if (logMatches(l, f)) out.push({ ...l, blockNumber: n, blockHash: r.blockHash, transactionHash: r.txHash, transactionIndex: r.index, logIndex });
          logIndex++;
        }
      }
    }
    return out;
  }

  /** The base fee of the block after the head (EIP-1559 from the head's header). */
  async nextBaseFee(): Promise<bigint> {
    const h = await this.header(this.headNumber());
    if (h === undefined) throw new Error(`queries: head block ${this.headNumber()} is missing from the store`);
    return h.calcNextBaseFee();
  }

  /**
   * `eth_feeHistory` over `count` blocks ending at `newest`: base fees (plus the next block's), gas used
   * ratios and, per requested percentile, the effective tip such that that share of the block's gas paid at
   * most it (geth's rule; 0 for an empty block).
   */
  async feeHistory(count: number, newest: bigint, percentiles: readonly number[] | undefined): Promise<FeeHistory> {
    const last = newest > this.headNumber() ? this.headNumber() : newest;
    const first = last - BigInt(count) + 1n < 0n ? 0n : last - BigInt(count) + 1n;
    const baseFees: bigint[] = [];
    const ratios: number[] = [];
    const rewards: bigint[][] = [];
    for (let n = first; n <= last; n++) {
      const h = (await this.header(n))!;
      const baseFee = h.baseFeePerGas ?? 0n;
      baseFees.push(baseFee);
      ratios.push(Number(h.gasUsed) / Number(h.gasLimit));
      if (percentiles !== undefined) rewards.push(tipPercentiles(await this.receipts(n), baseFee, h.gasUsed, percentiles));
    }
    baseFees.push((await this.header(last))!.calcNextBaseFee());
    return { oldestBlock: first, baseFeePerGas: baseFees, gasUsedRatio: ratios, ...(percentiles === undefined ? {} : { reward: rewards }) };
  }
}

function remember<V>(m: Map<bigint, V>, k: bigint, v: V, cap: number): void {
  m.set(k, v);
  if (m.size > cap) m.delete(m.keys().next().value!);
}

function bloomMayMatch(bits: Uint8Array, addresses: readonly Uint8Array[], topics: readonly (readonly Uint8Array[] | null)[]): boolean {
  const bloom = new Bloom(bits);
  if (addresses.length > 0 && !addresses.some((a) => bloom.check(a))) return false;
  return topics.every((alts) => alts === null || alts.length === 0 || alts.some((t) => bloom.check(t)));
}

function logMatches(l: LogRecord, f: LogFilter): boolean {
  if (f.addresses.length > 0 && !f.addresses.includes(l.address)) return false;
  for (let i = 0; i < f.topics.length; i++) {
    const alts = f.topics[i];
    if (alts === null || alts === undefined || alts.length === 0) continue;
    const t = l.topics[i];
    if (t === undefined || !alts.includes(t)) return false;
  }
  return true;
}

function tipPercentiles(receipts: readonly Receipt[], baseFee: bigint, gasUsed: bigint, percentiles: readonly number[]): bigint[] {
  if (receipts.length === 0 || gasUsed === 0n) return percentiles.map(() => 0n);
  const sorted = receipts.map((r) => ({ tip: r.effectiveGasPrice - baseFee, gas: r.gasUsed })).sort((a, b) => (a.tip < b.tip ? -1 : a.tip > b.tip ? 1 : 0));
  return percentiles.map((p) => {
    const threshold = (Number(gasUsed) * p) / 100;
    let sum = 0;
    for (const s of sorted) {
      sum += Number(s.gas);
      if (sum >= threshold) return s.tip;
    }
    return sorted[sorted.length - 1]!.tip;
  });
}
