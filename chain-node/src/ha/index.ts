/** High availability: the HA keys on etcd (node statuses, handover requests, posted and L1 cursors). */
export * from "./keys.ts";
export { LogPruner, PrunerError, PrunerOptionError, locateLogStart, type FinalPoint, type LogPrunerOptions, type LogStart, type PruneOutcome } from "./pruner.ts";
