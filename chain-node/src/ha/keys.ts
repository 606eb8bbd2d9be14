/**
 * The high-availability keys on etcd, beside the log's own (`etcdLogKeys`: `log/`, `meta/first`, `meta/next`,
 * `leader`), under the same per-chain prefix P (default `chain/<l2 chain id>/`):
 * - `P nodes/<node id>`: each sequencer node's status, JSON ({@link NodeStatus}), rewritten every second by the
 *   node itself (not bound to a lease: `status` shows its age, so a dead node is visible as a stale row);
 * - `P handover`: a planned handover request ({@link HandoverRequest}), written by `npm run chain -- handover`,
 *   acted on by the leader and deleted by the node that takes over;
 * - `P meta/posted`: the highest log sequence number whose block is in a batch on L1 (decimal), written by the
 *   poster after each batch lands;
 * - `P meta/l1cursor`: the L1 block up to which the delayed inbox has been read and ordered (decimal).
 *
 * Every reader validates what it reads: a malformed value is reported as such, never trusted.
 */
import type { Etcd3 } from "etcd3";

import { deadlineIn } from "../log/etcd-client.ts";
import { LogError } from "../log/types.ts";

/** The HA keys under `prefix`. */
export interface HaKeys {
  readonly nodesPrefix: string;
  node(id: string): string;
  readonly handover: string;
  readonly posted: string;
  readonly l1Cursor: string;
}

/** A node id: letters, digits, `.`, `_`, `-` (1..64 characters); the default is the node's L1 address. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** Checks a node id, naming `field` in the error. */
export function assertNodeId(id: unknown, field = "node id"): asserts id is string {
  if (typeof id !== "string" || !NODE_ID_PATTERN.test(id)) throw new LogError(`${field}: expected 1 to 64 letters, digits, ".", "_" or "-", got ${JSON.stringify(id)}`);
}

/** The HA keys of the chain whose log lives under `prefix` (e.g. `chain/31338/`). */
export function haKeys(prefix: string): HaKeys {
  if (typeof prefix !== "string" || prefix === "") throw new LogError("etcd prefix: must be a non-empty string");
  return {
    nodesPrefix: `${prefix}nodes/`,
    node: (id: string) => {
      assertNodeId(id);
      return `${prefix}nodes/${id}`;
    },
    handover: `${prefix}handover`,
    posted: `${prefix}meta/posted`,
    l1Cursor: `${prefix}meta/l1cursor`,
  };
}

/** The default per-chain prefix. */
export function defaultEtcdPrefix(l2ChainId: number | bigint): string {
  return `chain/${l2ChainId}/`;
}

/** What a node is doing now. */
export type NodeRole = "leader" | "standby" | "stepping-down" | "handing-over";

/** A sequencer node's status, as it publishes it under `P nodes/<id>`. */
export interface NodeStatus {
  /** The node id (default: its L1 address). */
  readonly id: string;
  /** Its L1 address (the key that heartbeats, claims and posts). */
  readonly address: string;
  /** Its L2 JSON-RPC URL (served only while it leads). */
  readonly rpcUrl: string;
  readonly role: NodeRole;
  /** The next log sequence number it has applied up to (exclusive), decimal. */
  readonly appliedSeq: string;
  /** Its head L2 block number, decimal. */
  readonly headBlock: string;
  /** Whether it held the active role in `SequencerSet` at its last L1 read. */
  readonly l1Active: boolean;
  /** Its rank in `SequencerSet` (0 = primary), or null if it is not a member. */
  readonly rank: number | null;
  /** Wall-clock ms when it wrote this. */
  readonly updatedAt: number;
  /** The last heartbeat it sent to L1 (accumulator, L1 time in seconds), if any. */
  readonly lastHeartbeat: { readonly accumulator: string; readonly at: number } | null;
}

/** A planned handover request. */
export interface HandoverRequest {
  /** The node id that should take over. */
  readonly to: string;
  /** Wall-clock ms of the request. */
  readonly requestedAt: number;
  /** Who asked (free text, for the record). */
  readonly by: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const decStr = (v: unknown): boolean => typeof v === "string" && /^\d+$/.test(v);

/** A JSON object stored under `key`, or a {@link LogError} naming the key. */
function parseObject(text: string, key: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new LogError(`${key}: not JSON (${(e as Error).message})`);
  }
  if (!isObj(v)) throw new LogError(`${key}: expected an object`);
  return v;
}

/** Parses a node status value; throws a {@link LogError} that names the key and the field. */
export function parseNodeStatus(text: string, key: string): NodeStatus {
  const v = parseObject(text, key);
  const bad = (field: string, why: string): never => {
    throw new LogError(`${key}: ${field} ${why}`);
  };
  if (typeof v["id"] !== "string" || !NODE_ID_PATTERN.test(v["id"])) bad("id", "must be a node id");
  if (typeof v["address"] !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(v["address"])) bad("address", "must be an address");
  if (typeof v["rpcUrl"] !== "string") bad("rpcUrl", "must be a string");
  if (!["leader", "standby", "stepping-down", "handing-over"].includes(v["role"] as string)) bad("role", "must be leader, standby, stepping-down or handing-over");
  if (!decStr(v["appliedSeq"])) bad("appliedSeq", "must be a decimal string");
  if (!decStr(v["headBlock"])) bad("headBlock", "must be a decimal string");
  if (typeof v["l1Active"] !== "boolean") bad("l1Active", "must be a boolean");
  if (v["rank"] !== null && !Number.isSafeInteger(v["rank"])) bad("rank", "must be an integer or null");
  if (!Number.isSafeInteger(v["updatedAt"])) bad("updatedAt", "must be milliseconds");
  const hb = v["lastHeartbeat"];
  if (hb !== null && !(isObj(hb) && typeof hb["accumulator"] === "string" && Number.isSafeInteger(hb["at"]))) bad("lastHeartbeat", "must be null or {accumulator, at}");
  return v as unknown as NodeStatus;
}

/** Parses a handover request value; throws a {@link LogError} that names the key and the field. */
export function parseHandoverRequest(text: string, key: string): HandoverRequest {
  const v = parseObject(text, key);
  if (typeof v["to"] !== "string" || !NODE_ID_PATTERN.test(v["to"])) throw new LogError(`${key}: to must be a node id`);
  if (!Number.isSafeInteger(v["requestedAt"])) throw new LogError(`${key}: requestedAt must be milliseconds`);
  if (typeof v["by"] !== "string") throw new LogError(`${key}: by must be a string`);
  return v as unknown as HandoverRequest;
}

/** Every node status under the prefix, by id (malformed values are returned as errors, not dropped). */
export async function readNodeStatuses(client: Etcd3, keys: HaKeys, timeoutMs = 2000): Promise<{ statuses: NodeStatus[]; malformed: { key: string; error: string }[] }> {
  const kvs = await client.getAll().prefix(keys.nodesPrefix).options(deadlineIn(timeoutMs)).strings();
  const statuses: NodeStatus[] = [];
  const malformed: { key: string; error: string }[] = [];
  for (const [key, value] of Object.entries(kvs)) {
    try {
      statuses.push(parseNodeStatus(value, key));
    } catch (e) {
      malformed.push({ key, error: (e as Error).message });
    }
  }
  statuses.sort((a, b) => (a.rank ?? 99) - (b.rank ?? 99) || a.id.localeCompare(b.id));
  return { statuses, malformed };
}

/** Writes this node's status. */
export async function writeNodeStatus(client: Etcd3, keys: HaKeys, s: NodeStatus, timeoutMs = 1000): Promise<void> {
  await client.put(keys.node(s.id)).value(JSON.stringify(s)).options(deadlineIn(timeoutMs)).exec();
}

/** The pending handover request, if any. */
export async function readHandoverRequest(client: Etcd3, keys: HaKeys, timeoutMs = 1000): Promise<HandoverRequest | undefined> {
  const v = await client.get(keys.handover).options(deadlineIn(timeoutMs)).string();
  return v === null ? undefined : parseHandoverRequest(v, keys.handover);
}

/** Records a handover request (replacing any earlier one). */
export async function requestHandover(client: Etcd3, keys: HaKeys, r: HandoverRequest, timeoutMs = 2000): Promise<void> {
  assertNodeId(r.to, "handover --to");
  await client.put(keys.handover).value(JSON.stringify(r)).options(deadlineIn(timeoutMs)).exec();
}

/** Deletes the handover request. */
export async function clearHandoverRequest(client: Etcd3, keys: HaKeys, timeoutMs = 1000): Promise<void> {
  await client.delete().key(keys.handover).options(deadlineIn(timeoutMs)).exec();
}

/** Reads a decimal meta value (`posted` or `l1Cursor`), or undefined if unset. */
export async function readMetaNumber(client: Etcd3, key: string, timeoutMs = 1000): Promise<bigint | undefined> {
  const v = await client.get(key).options(deadlineIn(timeoutMs)).string();
  if (v === null) return undefined;
  if (!/^\d+$/.test(v)) throw new LogError(`${key}: expected a decimal number, got ${JSON.stringify(v)}`);
  return BigInt(v);
}

/** Raises a decimal meta value to `value` (never lowers it: one transaction compares the stored value). */
export async function raiseMetaNumber(client: Etcd3, key: string, value: bigint, timeoutMs = 1000): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await client.get(key).options(deadlineIn(timeoutMs)).string();
    if (current !== null && /^\d+$/.test(current) && BigInt(current) >= value) return;
    const unchanged = current === null ? client.if(key, "Create", "==", 0) : client.if(key, "Value", "==", current);
    const r = await unchanged.then(client.put(key).value(value.toString())).options(deadlineIn(timeoutMs)).commit();
    if (r.succeeded) return;
  }
  throw new LogError(`${key}: could not raise it to ${value} (concurrent writers)`);
}
