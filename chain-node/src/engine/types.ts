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

/**
 * An L1 deposit to credit on L2. The engine runs it as a system call from `SYSTEM_SENDER` (no key, no signature, no
 * nonce, no gas fee) to `L2Bridge.finalizeDeposit`. Only the applier creates one, from a DELAYED log entry whose L1
 * message is of kind Deposit; a log TX entry is always raw bytes, so no citizen or sequencer can forge one.
 */
export interface DepositItem {
  readonly kind: "deposit";
  /** The L1 delayed-message index (the bridge accepts each once, in increasing order). */
  readonly messageIndex: bigint;
  /** The message data as `RollupVault` encoded it: `abi.encode(token, from, l2Recipient, amount)`. */
  readonly data: Uint8Array;
}

/** One item of a block: a raw signed transaction (from a TX entry or a DELAYED L2Transaction message) or a deposit. */
export type BlockItem = Uint8Array | DepositItem;

/** One block to build and execute. Block boundaries and timestamps come from the log, never from the clock. */
export interface BlockInput {
  /** Must be the engine head's number + 1. */
  readonly number: bigint;
  /** Seconds; must be greater than the parent's. */
  readonly timestamp: bigint;
  /**
   * In order: raw signed transactions (EIP-2718 envelopes or legacy RLP; any bytes are accepted) and deposit items
   * (executed as system calls at their position).
   */
  readonly txs: readonly BlockItem[];
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

/**
 * A deposit system call's outcome. System calls are not transactions: they have no hash, no receipt and no block gas;
 * their effect is in the state root (and their logs here).
 */
export interface SystemCallResult {
  /** Index into {@link BlockInput.txs}. */
  readonly index: number;
  readonly messageIndex: bigint;
  /** False if the bridge reverted (e.g. a replayed index): nothing was credited. */
  readonly success: boolean;
  readonly gasUsed: bigint;
  readonly logs: readonly LogRecord[];
  /** EVM error when `success` is false. */
  readonly error?: string;
}

/** What `applyBlock` returns. */
export interface BlockResult {
  readonly number: bigint;
  readonly hash: string;
  readonly stateRoot: string;
  readonly gasUsed: bigint;
  readonly receipts: readonly Receipt[];
  readonly rejected: readonly RejectedTx[];
  /** Deposit system calls, in block order. */
  readonly systemCalls: readonly SystemCallResult[];
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
