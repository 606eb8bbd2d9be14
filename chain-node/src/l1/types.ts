/**
 * What the node reads from L1. Shared by the sequencer (which orders delayed messages), the validator (which
 * derives the chain from L1 alone) and the bridge (which turns deposits into L2 system transactions).
 */

/** `IDelayedInbox.MessageKind`, in the contract's order. */
export const DelayedMessageKind = {
  /** an L2 transaction: `data` is a raw signed transaction (or any bytes; derivation is total) */
  L2Transaction: 0,
  /** a deposit from the vault: `data` is `abi.encode(token, from, l2Recipient, amount)` */
  Deposit: 1,
} as const;

/** One of {@link DelayedMessageKind}'s values. */
export type DelayedMessageKind = (typeof DelayedMessageKind)[keyof typeof DelayedMessageKind];

/** A delayed message exactly as `DelayedInbox` recorded it (its `MessageEnqueued` event). */
export interface DelayedMessage {
  /** position in the queue (FIFO, from 0, no holes) */
  readonly index: bigint;
  /** L1 sender (for a deposit: the depositor), 0x-prefixed lowercase */
  readonly sender: string;
  readonly kind: DelayedMessageKind;
  /** the payload */
  readonly data: Uint8Array;
  /** L1 time and block of the enqueue */
  readonly timestamp: bigint;
  readonly blockNumber: bigint;
  /** the queue accumulator after this message, 0x-prefixed */
  readonly accumulator: string;
}
