/** The execution engine: see engine.ts. */
export { Engine, EngineError, type EngineOptions, type EngineStats } from "./engine.ts";
export { GENESIS_DEFAULTS, genesisFingerprint, makeCommon, type GenesisAccount, type GenesisConfig, type SupportedHardfork } from "./genesis.ts";
export { GenesisFormatError, genesisToJson, parseGenesisDocument } from "./genesis-json.ts";
export { nativeCrypto, nativeEcrecover, nativeRecoveries } from "./crypto.ts";
export { DecodedTxCache, decodeTx, MAX_TX_BYTES, type DecodedTx, type DecodeFailure } from "./decode.ts";
export { BlockStore } from "./store.ts";
export { orderedTrieRoot } from "./ordered-trie.ts";
export type * from "./types.ts";
export { ChainQueries, type FeeHistory, type LocatedLog, type LogFilter, type MinedTx } from "./queries.ts";
