/** The sequencer: admission, the pending pool, delayed-message feeds and the group-committing sealer. */
export { Sequencer, type SequencerOptions, type SequencerStats } from "./sequencer.ts";
export { checkAgainstState, checkStateless, DEFAULT_ADMISSION_LIMITS, type AccountState, type AdmissionLimits, type ChainRules, type DecodedCandidate } from "./admission.ts";
export { PendingPool, type PendingTx } from "./pool.ts";
export { InMemoryDelayedFeed, type DelayedFeed } from "./delayed.ts";
export { ConfigError, parseGenesisJson, parseSequencerArgs, startSequencerNode, type SequencerNode, type SequencerNodeConfig } from "./main.ts";
