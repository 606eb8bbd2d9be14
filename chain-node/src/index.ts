/**
 * @sovereign-stack/node — the chain node: one program in three roles (sequencer, standby, validator).
 * Modules so far: the execution engine (`engine/`), the chain log (`log/`), the log applier (`apply.ts`), the L1
 * reader (`l1/`), batches (`batch/`), derivation from L1 (`derive/`), the validator (`validator/`), the L2 bridge
 * (`bridge/`), the exit and identity roots (`roots/`), the sequencer (`sequencer/`) and the L2 JSON-RPC (`rpc/`).
 */
export const NODE_PACKAGE = "@sovereign-stack/node";
export * from "./engine/index.ts";
export * from "./log/index.ts";
export * from "./apply.ts";
export * from "./l1/index.ts";
export * from "./batch/index.ts";
export * from "./derive/index.ts";
export * from "./validator/index.ts";
export * from "./bridge/index.ts";
export * from "./roots/index.ts";
export * from "./sequencer/index.ts";
export * from "./rpc/index.ts";
export * from "./node/index.ts";
export * from "./ha/index.ts";
