/**
 * The L2 JSON-RPC methods: exactly these are served (a public RPC must never expose a dev node's
 * `hardhat_*` / `evm_*` / `debug_*` methods, nor sign for anyone). Any other name is -32601.
 * State is served at the head only: a tag naming an older block is refused with -32000.
 */
import { bytesToHex } from "@ethereumjs/util";

import { EngineError } from "../engine/engine.ts";
import type { CallRequest } from "../engine/types.ts";
import type { Sequencer } from "../sequencer/sequencer.ts";
import { RpcError, RpcErrorCode, invalidParam } from "./errors.ts";
import { formatBlock, formatLog, formatReceipt, formatTx, q, type Json } from "./format.ts";
import { address, arity, blockRef, bool, callRequest, data, hash32, quantity, type BlockRef } from "./params.ts";

/** Settings of the method table. */
export interface MethodOptions {
  /** Largest `eth_getLogs` block range (default 10 000). */
  readonly maxLogRange: bigint;
  /** Largest `eth_feeHistory` block count (default 1024). */
  readonly maxFeeHistory: number;
  /** The priority fee suggested to clients (default 0: the sequencer orders first come, first served, so a tip buys nothing). */
  readonly suggestedPriorityFee: bigint;
  /** `web3_clientVersion`. */
  readonly clientVersion: string;
}

/** Default {@link MethodOptions}. */
export const DEFAULT_METHOD_OPTIONS: MethodOptions = { maxLogRange: 10_000n, maxFeeHistory: 1024, suggestedPriorityFee: 0n, clientVersion: "sovereign-node/0.1.0" };

/** One method: its params array in, its JSON result out. */
export type Method = (params: readonly unknown[]) => Promise<Json>;

const REVERT_SELECTOR = "0x08c379a0";

/** The method table over one sequencer. */
export function makeMethods(seq: Sequencer, options: Partial<MethodOptions> = {}): ReadonlyMap<string, Method> {
  const o = { ...DEFAULT_METHOD_OPTIONS, ...options };
  const engine = seq.engine;
  const chain = seq.queries;

  const resolveNumber = async (name: string, ref: BlockRef): Promise<bigint | undefined> => {
    switch (ref.kind) {
      case "latest":
        return chain.headNumber();
      case "earliest":
        return 0n;
      case "number":
        return ref.number <= chain.headNumber() ? ref.number : undefined;
      case "hash": {
        const n = await chain.numberOfHash(ref.hash);
        if (n === undefined) throw new RpcError(RpcErrorCode.Server, `${name}: unknown block ${ref.hash}`);
        return n;
      }
    }
  };
  /** State reads: the head only. */
  const atHead = async (name: string, tag: unknown): Promise<void> => {
    const ref = blockRef(name, tag);
    const n = await resolveNumber(name, ref);
    const head = chain.headNumber();
    if (n === undefined) throw new RpcError(RpcErrorCode.Server, `${name}: block not found (head is ${head})`);
    if (n !== head) throw new RpcError(RpcErrorCode.Server, `historical state is not available: this node serves state at its head (block ${head}), not block ${n}`);
  };
  const blockJson = async (n: bigint | undefined, full: boolean): Promise<Json> => {
    if (n === undefined) return null;
    const b = await chain.block(n);
    return b === undefined ? null : formatBlock(b, full);
  };
  const callFailure = (res: { returnData: string; error?: string }): RpcError => {
    if (res.error === "revert") {
      const reason = decodeRevertReason(res.returnData);
      return new RpcError(RpcErrorCode.ExecutionReverted, reason === undefined ? "execution reverted" : `execution reverted: ${reason}`, res.returnData);
    }
    return new RpcError(RpcErrorCode.Server, res.error ?? "execution failed");
  };

  const m = new Map<string, Method>();
  const def = (name: string, min: number, max: number, fn: (p: readonly unknown[]) => Promise<Json> | Json): void => {
    m.set(name, async (p) => {
      arity(p, min, max);
      return fn(p);
    });
  };

  def("eth_chainId", 0, 0, () => q(engine.genesis.chainId));
  def("net_version", 0, 0, () => String(engine.genesis.chainId));
  def("web3_clientVersion", 0, 0, () => o.clientVersion);
  def("eth_blockNumber", 0, 0, () => q(chain.headNumber()));
  def("eth_getBalance", 1, 2, async (p) => {
    const a = address("address", p[0]);
    await atHead("block", p[1]);
    return q(await engine.getBalance(a));
  });
  def("eth_getTransactionCount", 1, 2, async (p) => {
    const a = address("address", p[0]);
    if (p[1] === "pending") return q(await seq.nextNonce(a));
    await atHead("block", p[1]);
    return q(await engine.getNonce(a));
  });
  def("eth_getCode", 1, 2, async (p) => {
    const a = address("address", p[0]);
    await atHead("block", p[1]);
    return engine.getCode(a);
  });
  def("eth_getStorageAt", 2, 3, async (p) => {
    const a = address("address", p[0]);
    const slot = typeof p[1] === "string" && p[1].length === 66 ? BigInt(hash32("slot", p[1])) : quantity("slot", p[1]);
    await atHead("block", p[2]);
    return engine.getStorageAt(a, slot);
  });
  def("eth_call", 1, 2, async (p) => {
    const req = callRequest("transaction", p[0]);
    await atHead("block", p[1]);
    const res = await engine.call(req);
    if (!res.success) throw callFailure(res);
    return res.returnData;
  });
  def("eth_estimateGas", 1, 2, async (p) => {
    const req: CallRequest = callRequest("transaction", p[0]);
    await atHead("block", p[1]);
    try {
      return q(await engine.estimateGas(req));
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      throw callFailure(await engine.call(req));
    }
  });
  def("eth_sendRawTransaction", 1, 1, async (p) => seq.submit(data("rawTransaction", p[0])));
  def("eth_getTransactionReceipt", 1, 1, async (p) => {
    const h = hash32("transactionHash", p[0]);
    const r = await chain.receipt(h);
    if (r === undefined) return null;
    const earlier = (await chain.receipts(r.blockNumber)).slice(0, r.index).reduce((n, x) => n + x.logs.length, 0);
    return formatReceipt(r, earlier);
  });
  def("eth_getTransactionByHash", 1, 1, async (p) => {
    const h = hash32("transactionHash", p[0]);
    const mined = await chain.minedTx(h);
    if (mined !== undefined) return formatTx(mined.tx, mined.tx.getSenderAddress().toString(), { blockHash: mined.blockHash, blockNumber: mined.blockNumber, index: mined.index, baseFee: mined.baseFee });
    const pending = seq.pending(h);
    return pending === undefined ? null : formatTx(pending.tx, pending.sender, { blockHash: null, blockNumber: null, index: null, baseFee: null });
  });
  def("eth_getBlockByNumber", 1, 2, async (p) => {
    const full = p[1] === undefined ? false : bool("fullTransactions", p[1]);
    const ref = blockRef("block", p[0]);
    if (ref.kind === "hash") throw invalidParam("block", "eth_getBlockByNumber takes a number or tag; use eth_getBlockByHash");
    return blockJson(await resolveNumber("block", ref), full);
  });
  def("eth_getBlockByHash", 1, 2, async (p) => {
    const h = hash32("blockHash", p[0]);
    const full = p[1] === undefined ? false : bool("fullTransactions", p[1]);
    return blockJson(await chain.numberOfHash(h), full);
  });
  def("eth_getLogs", 1, 1, async (p) => {
    const f = p[0];
    if (typeof f !== "object" || f === null || Array.isArray(f)) throw invalidParam("filter", "expected a filter object");
    const fo = f as Record<string, unknown>;
    const addresses = fo["address"] === undefined || fo["address"] === null ? [] : Array.isArray(fo["address"]) ? fo["address"].map((a, i) => address(`filter.address[${i}]`, a)) : [address("filter.address", fo["address"])];
    const rawTopics = fo["topics"] ?? [];
    if (!Array.isArray(rawTopics) || rawTopics.length > 4) throw invalidParam("filter.topics", "expected an array of at most 4 positions");
    const topics = rawTopics.map((t, i) => (t === null ? null : Array.isArray(t) ? t.map((x, j) => hash32(`filter.topics[${i}][${j}]`, x)) : [hash32(`filter.topics[${i}]`, t)]));
    let from: bigint;
    let to: bigint;
    if (fo["blockHash"] !== undefined) {
      if (fo["fromBlock"] !== undefined || fo["toBlock"] !== undefined) throw invalidParam("filter.blockHash", "cannot be combined with fromBlock/toBlock");
      const n = await chain.numberOfHash(hash32("filter.blockHash", fo["blockHash"]));
      if (n === undefined) throw new RpcError(RpcErrorCode.Server, "filter.blockHash: unknown block");
      from = to = n;
    } else {
      const head = chain.headNumber();
      const fromRef = blockRef("filter.fromBlock", fo["fromBlock"]);
      const toRef = blockRef("filter.toBlock", fo["toBlock"]);
      // Numbers past the head count towards the range cap as asked; the scan itself stops at the head.
      from = fromRef.kind === "number" ? fromRef.number : ((await resolveNumber("filter.fromBlock", fromRef)) ?? head);
      to = toRef.kind === "number" ? toRef.number : ((await resolveNumber("filter.toBlock", toRef)) ?? head);
      if (from > to) return [];
      if (to - from + 1n > o.maxLogRange) throw new RpcError(RpcErrorCode.LimitExceeded, `query exceeds the block range limit: ${to - from + 1n} blocks asked, at most ${o.maxLogRange}`);
    }
    return (await chain.logs({ fromBlock: from, toBlock: to, addresses, topics })).map(formatLog);
  });
  def("eth_gasPrice", 0, 0, () => q(seq.nextBaseFee * 2n + o.suggestedPriorityFee));
  def("eth_maxPriorityFeePerGas", 0, 0, () => q(o.suggestedPriorityFee));
  def("eth_feeHistory", 2, 3, async (p) => {
    const count = typeof p[0] === "number" && Number.isInteger(p[0]) ? BigInt(p[0]) : quantity("blockCount", p[0]);
    if (count < 1n || count > BigInt(o.maxFeeHistory)) throw invalidParam("blockCount", `must be between 1 and ${o.maxFeeHistory}, got ${count}`);
    const newest = await resolveNumber("newestBlock", blockRef("newestBlock", p[1]));
    if (newest === undefined) throw new RpcError(RpcErrorCode.Server, `newestBlock: block not found (head is ${chain.headNumber()})`);
    let percentiles: number[] | undefined;
    if (p[2] !== undefined && p[2] !== null) {
      if (!Array.isArray(p[2]) || p[2].length > 100) throw invalidParam("rewardPercentiles", "expected an array of at most 100 numbers");
      percentiles = p[2].map((x, i) => {
        if (typeof x !== "number" || !(x >= 0 && x <= 100)) throw invalidParam(`rewardPercentiles[${i}]`, `expected a number in [0, 100], got ${JSON.stringify(x)}`);
        return x;
      });
      if (percentiles.some((x, i) => i > 0 && x < percentiles![i - 1]!)) throw invalidParam("rewardPercentiles", "must be in ascending order");
    }
    const fh = await chain.feeHistory(Number(count), newest, percentiles);
    return {
      oldestBlock: q(fh.oldestBlock),
      baseFeePerGas: fh.baseFeePerGas.map(q),
      gasUsedRatio: [...fh.gasUsedRatio],
      ...(fh.reward === undefined ? {} : { reward: fh.reward.map((r) => r.map(q)) }),
    };
  });
  return m;
}

/** The string of an `Error(string)` revert, if that is what the data is. */
function decodeRevertReason(ret: string): string | undefined {
  if (!ret.startsWith(REVERT_SELECTOR) || ret.length < 10 + 128) return undefined;
  try {
    const body = Buffer.from(ret.slice(10), "hex");
    const len = Number(BigInt(bytesToHex(body.subarray(32, 64))));
    if (64 + len > body.length) return undefined;
    return body.subarray(64, 64 + len).toString("utf8");
  } catch {
    return undefined;
  }
}
