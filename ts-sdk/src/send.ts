/** Sending prepared calls: one place for "send, report the hash, wait, fail clearly". */
import type { ContractRunner, Signer, TransactionReceipt } from "ethers";

import { TransactionFailedError, check, guard } from "./errors.js";
import type { Hex, PreparedCall } from "./types.js";

/** Options of every sending action. */
export interface SendOptions {
  /** Called once the transaction is sent, before its receipt: progress for an operator. */
  readonly onSent?: (hash: Hex) => void;
}

/** The runner as a signer, or an `InvalidInputError` saying to use the `prepare…` form. */
export function signerOf(runner: ContractRunner): Signer {
  check(typeof (runner as Partial<Signer>).sendTransaction === "function", "stack.runner", "must be a Signer to send; use the prepare… form for calldata to send from a Safe");
  return runner as Signer;
}

/**
 * Sends a prepared call and waits for a successful receipt.
 * @throws TransactionFailedError when it is dropped or reverts
 */
export async function send(signer: Signer, call: PreparedCall, options: SendOptions = {}): Promise<TransactionReceipt> {
  return guard(async () => {
    const tx = await signer.sendTransaction({ to: call.to, data: call.data, value: call.value });
    options.onSent?.(tx.hash as Hex);
    const receipt = await tx.wait();
    if (receipt === null) throw new TransactionFailedError({ hash: tx.hash as Hex, reason: "was dropped" });
    if (receipt.status !== 1) throw new TransactionFailedError({ hash: tx.hash as Hex, receipt });
    return receipt;
  });
}
