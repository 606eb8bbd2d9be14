/**
 * @sovereign-stack/node — the chain node: one program in three roles (sequencer, standby, validator).
 * Modules so far: the execution engine (`engine/`), the chain log (`log/`), the log applier (`apply.ts`), what the node
 * reads from L1 (`l1/`), the L2 bridge (`bridge/`) and the exit and identity roots (`roots/`).
 */
export const NODE_PACKAGE = "@sovereign-stack/node";
export * from "./engine/index.ts";
export * from "./log/index.ts";
export * from "./apply.ts";
export * from "./l1/types.ts";
export * from "./bridge/index.ts";
export * from "./roots/index.ts";
