/**
 * @sovereign-stack/node — the chain node: one program in three roles (sequencer, standby, validator).
 * Modules so far: the execution engine (`engine/`), the chain log (`log/`), the log applier (`apply.ts`), the
 * sequencer (`sequencer/`) and the L2 JSON-RPC (`rpc/`).
 */
export const NODE_PACKAGE = "@sovereign-stack/node";
export * from "./engine/index.ts";
export * from "./log/index.ts";
export * from "./apply.ts";
export * from "./sequencer/index.ts";
export * from "./rpc/index.ts";
