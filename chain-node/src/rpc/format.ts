/**
 * The JSON shapes of the standard Ethereum JSON-RPC (as geth answers them): quantities as 0x-hex without
 * leading zeros, data as 0x-hex.
 */
import type { Block } from "@ethereumjs/block";
import type { TypedTransaction } from "@ethereumjs/tx";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { Bloom } from "@ethereumjs/vm";

import type { LocatedLog } from "../engine/queries.ts";
import type { Receipt } from "../engine/types.ts";

/** A JSON object. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A QUANTITY. */
export const q = (n: bigint | number): string => `0x${n.toString(16)}`;

/** Where a transaction sits (null fields for a pending one). */
export interface TxPlace {
  readonly blockHash: string | null;
  readonly blockNumber: bigint | null;
  readonly index: number | null;
  /** The block's base fee (for a mined EIP-1559 transaction's `gasPrice`). */
  readonly baseFee: bigint | null;
}

/** A transaction object (`eth_getTransactionByHash`, full blocks). */
export function formatTx(tx: TypedTransaction, from: string, place: TxPlace): Json {
  const out: Record<string, Json> = {
    hash: bytesToHex(tx.hash()),
    type: q(tx.type),
    nonce: q(tx.nonce),
    from,
    to: tx.to === undefined ? null : tx.to.toString(),
    value: q(tx.value),
    gas: q(tx.gasLimit),
    input: bytesToHex(tx.data),
    v: q(tx.v ?? 0n),
    r: q(tx.r ?? 0n),
    s: q(tx.s ?? 0n),
    blockHash: place.blockHash,
    blockNumber: place.blockNumber === null ? null : q(place.blockNumber),
    transactionIndex: place.index === null ? null : q(place.index),
  };
  if ("maxFeePerGas" in tx) {
    out["maxFeePerGas"] = q(tx.maxFeePerGas);
    out["maxPriorityFeePerGas"] = q(tx.maxPriorityFeePerGas);
    out["gasPrice"] = q(place.baseFee === null ? tx.maxFeePerGas : tx.getEffectivePriorityFee(place.baseFee) + place.baseFee);
  } else {
    out["gasPrice"] = q(tx.gasPrice);
  }
  if ("chainId" in tx) {
    out["chainId"] = q(tx.chainId);
    out["yParity"] = q(tx.v ?? 0n);
  } else if (tx.v !== undefined && tx.v >= 35n) {
    out["chainId"] = q((tx.v - 35n) / 2n);
  }
  if ("accessList" in tx) out["accessList"] = tx.accessList.map(([a, keys]) => ({ address: bytesToHex(a), storageKeys: keys.map((k) => bytesToHex(k)) }));
  return out;
}

/** A log object. */
export function formatLog(l: LocatedLog): Json {
  return {
    address: l.address,
    topics: [...l.topics],
    data: l.data,
    blockNumber: q(l.blockNumber),
    blockHash: l.blockHash,
    transactionHash: l.transactionHash,
    transactionIndex: q(l.transactionIndex),
    logIndex: q(l.logIndex),
    removed: false,
  };
}

/** A receipt object; `firstLogIndex` is the block-wide index of its first log. */
export function formatReceipt(r: Receipt, firstLogIndex: number): Json {
  const bloom = new Bloom();
  for (const l of r.logs) {
    bloom.add(hexToBytes(l.address as `0x${string}`));
    for (const t of l.topics) bloom.add(hexToBytes(t as `0x${string}`));
  }
  return {
    transactionHash: r.txHash,
    transactionIndex: q(r.index),
    blockHash: r.blockHash,
    blockNumber: q(r.blockNumber),
    from: r.from,
    to: r.to,
    contractAddress: r.contractAddress,
    cumulativeGasUsed: q(r.cumulativeGasUsed),
    gasUsed: q(r.gasUsed),
    effectiveGasPrice: q(r.effectiveGasPrice),
    status: q(r.status),
    type: q(r.type),
    logsBloom: bytesToHex(bloom.bitvector),
    logs: r.logs.map((l, i) =>
      formatLog({ ...l, blockNumber: r.blockNumber, blockHash: r.blockHash, transactionHash: r.txHash, transactionIndex: r.index, logIndex: firstLogIndex + i }),
    ),
  };
}

/** A block object, with transaction hashes or (with `full`) transaction objects. */
export function formatBlock(b: Block, full: boolean): Json {
  const h = b.header;
  const hash = bytesToHex(b.hash());
  const baseFee = h.baseFeePerGas ?? null;
  const out: Record<string, Json> = {
    number: q(h.number),
    hash,
    parentHash: bytesToHex(h.parentHash),
    nonce: bytesToHex(h.nonce),
    sha3Uncles: bytesToHex(h.uncleHash),
    logsBloom: bytesToHex(h.logsBloom),
    transactionsRoot: bytesToHex(h.transactionsTrie),
    stateRoot: bytesToHex(h.stateRoot),
    receiptsRoot: bytesToHex(h.receiptTrie),
    miner: h.coinbase.toString(),
    difficulty: q(h.difficulty),
    totalDifficulty: q(0),
    extraData: bytesToHex(h.extraData),
    size: q(b.serialize().length),
    gasLimit: q(h.gasLimit),
    gasUsed: q(h.gasUsed),
    timestamp: q(h.timestamp),
    mixHash: bytesToHex(h.mixHash),
    uncles: [],
    transactions: b.transactions.map((tx, i) =>
      full ? formatTx(tx, tx.getSenderAddress().toString(), { blockHash: hash, blockNumber: h.number, index: i, baseFee }) : bytesToHex(tx.hash()),
    ),
  };
  if (baseFee !== null) out["baseFeePerGas"] = q(baseFee);
  if (h.withdrawalsRoot !== undefined) {
    out["withdrawalsRoot"] = bytesToHex(h.withdrawalsRoot);
    out["withdrawals"] = [];
  }
  if (h.blobGasUsed !== undefined) out["blobGasUsed"] = q(h.blobGasUsed);
  if (h.excessBlobGas !== undefined) out["excessBlobGas"] = q(h.excessBlobGas);
  if (h.parentBeaconBlockRoot !== undefined) out["parentBeaconBlockRoot"] = bytesToHex(h.parentBeaconBlockRoot);
  if (h.requestsHash !== undefined) out["requestsHash"] = bytesToHex(h.requestsHash);
  return out;
}
