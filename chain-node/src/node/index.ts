/** The node processes: the sequencer wired to L1, validators, and derivation from L1 alone for the escape tools. */
export { L1DelayedFeed } from "./l1-feed.ts";
export { bridgePayloadOf } from "./payload.ts";
export { DeploymentRecordError, rollupAddresses, type RollupAddresses } from "./rollup.ts";
export { startL1SequencerNode, type L1SequencerNode, type L1SequencerOptions } from "./sequencer-node.ts";
export { describePosted, startPostingLoop, type PostingLoop, type PostingLoopOptions } from "./posting-loop.ts";
export { startValidatorNode, type ValidatorNode, type ValidatorNodeOptions } from "./validator-node.ts";
export { BatchNotOnL1Error, deriveThroughBatch } from "./l1-derive.ts";
export { parseNodeArgs, readL1Key, type NodeProcessConfig, type SequencerProcessConfig, type ValidatorProcessConfig } from "./config.ts";
export { startNodeProcess, type RunningNode } from "./main.ts";
