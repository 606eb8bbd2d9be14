/** High availability: the HA keys on etcd, the log follower, the node's L1 role (heartbeat, claim, handover) and the HA sequencer node. */
export * from "./keys.ts";
export * from "./follower.ts";
export * from "./l1-role.ts";
export * from "./ha-node.ts";
