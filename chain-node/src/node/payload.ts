/**
 * What a validator's derivation gives the engine for a delayed message: the same rule the sequencer's applier
 * uses (`delayedItem`: an L2Transaction message is its raw transaction, a Deposit becomes the bridge's system call),
 * so both reach the same state. A kind with no effect becomes empty bytes, which the engine skips like any
 * undecodable transaction (the L1 reader refuses unknown kinds before that could happen).
 */
import { delayedItem } from "../apply.ts";
import type { PayloadOf } from "../derive/plan.ts";

/** The {@link PayloadOf} every node derives with. */
export const bridgePayloadOf: PayloadOf = (m) => delayedItem(m.index, m) ?? new Uint8Array(0);
