/**
 * The engine's public data types: what `applyBlock` takes and returns, and what the block store serves.
 */

/** Where the log stood when a block was sealed: persisted with the block so a restart resumes after it. */
export interface LogCursor {
  /** Sequence number of the last log entry this block consumed (its SEAL). */
  readonly seq: bigint;
  /** The next delayed-message index to consume (FIFO). */
  readonly delayedNext: bigint;
}

/** One block to build and execute. Block boundaries and timestamps come from the log, never from the clock. */
export interface BlockInput {
  /** Must be the engine head's number + 1. */
  readonly number: bigint;
  /** Seconds; must be greater than the parent's. */
  readonly timestamp: bigint;
  /** Raw signed transactions (EIP-2718 envelopes or legacy RLP), in order. Any bytes are accepted. */
  readonly txs: readonly Uint8Array[];
  /** Optional log position to persist atomically with the block. */
  readonly cursor?: LogCursor;
}

/** A transaction left out of the block, with why. Deterministic: the same input always gives the same list. */
export interface RejectedTx {
  /** Index into {@link BlockInput.txs}. */
  readonly index: number;
  readonly reason: string;
}

/** An EVM log. */
export interface LogRecord {
  readonly address: string;
  readonly topics: readonly string[];
  readonly data: string;
}

/** The receipt of an included transaction. Hex strings are 0x-prefixed lowercase. */
export interface Receipt {
  readonly txHash: string;
  readonly blockNumber: bigint;
  readonly blockHash: string;
  /** Position in the block (among included transactions). */
  readonly index: number;
  readonly type: number;
  readonly from: string;
  readonly to: string | null;
  readonly contractAddress: string | null;
  /** 1 success, 0 reverted/failed. */
  readonly status: 0 | 1;
  readonly gasUsed: bigint;
  readonly cumulativeGasUsed: bigint;
  readonly effectiveGasPrice: bigint;
  readonly logs: readonly LogRecord[];
}

/** What `applyBlock` returns. */
export interface BlockResult {
  readonly number: bigint;
  readonly hash: string;
  readonly stateRoot: string;
  readonly gasUsed: bigint;
  readonly receipts: readonly Receipt[];
  readonly rejected: readonly RejectedTx[];
}

/** The engine's head: the last block applied. */
export interface Head {
  readonly number: bigint;
  readonly hash: string;
  readonly stateRoot: string;
  readonly timestamp: bigint;
  readonly cursor: LogCursor | null;
}

/** A call or gas estimate request (the `eth_call` shape, values as bigints). */
export interface CallRequest {
  readonly from?: string;
  readonly to?: string;
  readonly data?: string | Uint8Array;
  readonly value?: bigint;
  readonly gas?: bigint;
}

/** Result of `call`. */
export interface CallResult {
  readonly success: boolean;
  readonly returnData: string;
  readonly gasUsed: bigint;
  /** EVM error name when `success` is false (e.g. "revert", "out of gas"). */
  readonly error?: string;
}
