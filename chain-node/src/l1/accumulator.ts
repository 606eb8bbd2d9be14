/**
 * The two L1 accumulator steps, exactly as the contracts compute them (`DelayedInbox.hashMessage` and
 * `SequencerInbox.hashBatch`); the tests call the contracts' pure functions to prove equality. Every node
 * component that checks an accumulator goes through here.
 */
import { AbiCoder, keccak256 } from "ethers";

import type { DelayedMessage } from "./types.ts";

const abi = AbiCoder.defaultAbiCoder();

/** The zero accumulator (before the first message or batch). */
export const ZERO_ACCUMULATOR = "0x" + "00".repeat(32);

/** `ISequencerInbox.DataSource.Calldata`: where sequenced batch data lives today. */
const DATA_SOURCE_CALLDATA = 0;

/** The fields of a delayed message the accumulator covers (the payload through its hash). */
export type DelayedMessageFields = Pick<DelayedMessage, "sender" | "kind" | "timestamp" | "blockNumber" | "data">;

/** `DelayedInbox.hashMessage(prevAcc, sender, kind, timestamp, blockNumber, keccak256(data))`. */
export function hashDelayedMessage(prevAcc: string, m: DelayedMessageFields): string {
  return keccak256(abi.encode(["bytes32", "address", "uint8", "uint64", "uint64", "bytes32"], [prevAcc, m.sender, m.kind, m.timestamp, m.blockNumber, keccak256(m.data)]));
}

/** The fields of a batch the accumulator covers (see `ISequencerInbox.BatchAppended`). */
export interface BatchAccumulatorFields {
  readonly dataHash: string;
  readonly kind: number;
  readonly delayedCount: bigint;
  readonly delayedAccumulator: string;
  readonly l2BlockStart: bigint;
  readonly l2BlockEnd: bigint;
  readonly minTimestamp: bigint;
  readonly maxTimestamp: bigint;
}

/** `SequencerInbox.hashBatch(prevAcc, dataHash, kind, …)`, with the calldata data source. */
export function hashBatch(prevAcc: string, b: BatchAccumulatorFields): string {
  return keccak256(
    abi.encode(
      ["bytes32", "uint8", "bytes32", "uint8", "uint64", "bytes32", "uint64", "uint64", "uint64", "uint64"],
      [prevAcc, DATA_SOURCE_CALLDATA, b.dataHash, b.kind, b.delayedCount, b.delayedAccumulator, b.l2BlockStart, b.l2BlockEnd, b.minTimestamp, b.maxTimestamp],
    ),
  );
}
