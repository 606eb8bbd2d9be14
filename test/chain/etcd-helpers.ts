/**
 * Helpers of the etcd log tests: a local cluster (etcd is found or installed by scripts/lib/etcd.ts, never
 * skipped), a leader-fenced log on a fresh prefix, and the check that every acknowledged entry is in the log
 * exactly once at its acknowledged position.
 */
import { randomBytes } from "node:crypto";

import { expect } from "chai";
import type { Etcd3 } from "etcd3";

import { EtcdLeadership, EtcdLog, etcdLogKeys, type ChainLog, type EtcdLogOptions } from "@sovereign-stack/node";

/** A prefix no other test uses. */
export function freshPrefix(label: string): string {
  return `test/${label}/${randomBytes(4).toString("hex")}/`;
}

/** A log on `prefix` whose appends are fenced by a leadership won by `candidate`; close() also resigns. */
export async function openLeaderLog(client: Etcd3, prefix: string, candidate = "writer", extra: Partial<EtcdLogOptions> = {}): Promise<{ log: EtcdLog; leadership: EtcdLeadership; closeAll: () => Promise<void> }> {
  const leadership = new EtcdLeadership({ client, key: etcdLogKeys(prefix).leader, candidate, ttlSeconds: 2 });
  await leadership.campaign(AbortSignal.timeout(10_000));
  const log = await EtcdLog.open({ client, prefix, leadership, ...extra });
  return {
    log,
    leadership,
    closeAll: async () => {
      await log.close();
      await leadership.resign();
    },
  };
}

/** A ChainLog whose close() closes the log and resigns its leadership (for the shared contract suite). */
export async function openContractLog(client: Etcd3, prefix: string): Promise<ChainLog> {
  const { log, closeAll } = await openLeaderLog(client, prefix);
  return {
    append: (e, o) => log.append(e, o),
    read: (f, t, l) => log.read(f, t, l),
    head: () => log.head(),
    prune: (u) => log.prune(u),
    close: closeAll,
  };
}

/** An acknowledgement: the entry with payload `id` was acknowledged at `seq`. */
export interface Ack {
  readonly id: string;
  readonly seq: bigint;
}

/** Reads the whole log as payload strings by sequence number (tx entries' raw bytes as UTF-8). */
export async function logPayloads(log: ChainLog): Promise<Map<bigint, string>> {
  const { firstSeq, nextSeq } = await log.head();
  const out = new Map<bigint, string>();
  for (const e of await log.read(firstSeq, nextSeq)) {
    if (e.entry.kind === "tx") out.set(e.seq, new TextDecoder().decode(e.entry.raw));
  }
  expect(BigInt(out.size), "the log has no holes and only tx entries").to.equal(nextSeq - firstSeq);
  return out;
}

/** Every acknowledged id is in the log exactly once, at its acknowledged seq; no id is in the log twice. */
export function expectAcksExactlyOnce(acks: readonly Ack[], log: Map<bigint, string>): void {
  const seen = new Map<string, bigint>();
  for (const [seq, id] of log) {
    expect(seen.has(id), `payload ${id} ordered twice (at ${seen.get(id)} and ${seq})`).to.equal(false);
    seen.set(id, seq);
  }
  const ackedIds = new Set<string>();
  for (const a of acks) {
    expect(ackedIds.has(a.id), `payload ${a.id} acknowledged twice`).to.equal(false);
    ackedIds.add(a.id);
    expect(log.get(a.seq), `acknowledged ${a.id} at ${a.seq}`).to.equal(a.id);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
