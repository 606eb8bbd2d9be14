/**
 * Deposits as system calls: the calldata of `L2Bridge.finalizeDeposit` built from an L1 deposit message.
 */
import { AbiCoder, concat, getBytes, id } from "ethers";

import type { DepositItem } from "../engine/types.ts";

/** `finalizeDeposit(uint256,address,address,address,uint256)`'s selector. */
export const FINALIZE_DEPOSIT_SELECTOR = id("finalizeDeposit(uint256,address,address,address,uint256)").slice(0, 10);

/**
 * The calldata of the system call for a deposit: the selector, the message index, then the message data as the vault
 * encoded it (`abi.encode(token, from, l2Recipient, amount)`: exactly the remaining four arguments). Data that is not
 * four well-formed words makes the call revert in the bridge's ABI decoder: deterministic, never a crash.
 */
export function depositCalldata(item: DepositItem): Uint8Array {
  return getBytes(concat([FINALIZE_DEPOSIT_SELECTOR, AbiCoder.defaultAbiCoder().encode(["uint256"], [item.messageIndex]), item.data]));
}
