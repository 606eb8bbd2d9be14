/** The chain log: the interface, its entry codec and the embedded (LevelDB) implementation. */
export * from "./types.ts";
export { decodeEntry, encodeEntry, parseSeqKey, seqKey, SEQ_DIGITS } from "./codec.ts";
export { EmbeddedLog, type EmbeddedLogOptions } from "./embedded.ts";
