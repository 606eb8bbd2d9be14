/** The chain log: the interface, its entry codec, the embedded (LevelDB) implementation and the etcd one (with its leadership). */
export * from "./types.ts";
export { decodeEntry, encodeEntry, parseSeqKey, seqKey, SEQ_DIGITS } from "./codec.ts";
export { EmbeddedLog, type EmbeddedLogOptions } from "./embedded.ts";
export { connectEtcd, type EtcdConnectOptions } from "./etcd-client.ts";
export { EtcdLeadership, type EtcdLeadershipOptions, type LeaderFence } from "./etcd-leader.ts";
export { CommitError, EtcdLog, etcdLogKeys, type EtcdKv, type EtcdLogKeys, type EtcdLogOptions } from "./etcd.ts";
