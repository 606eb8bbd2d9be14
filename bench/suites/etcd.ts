/**
 * npm run bench -- etcd
 *
 * The chain log on etcd (3 members on loopback, fsync on) beside the embedded LevelDB log (sync writes), in the
 * same run, with the same 1 KB tx entries. Each append is one fenced transaction (leader key + sequence checks)
 * holding 1, 32 or 128 entries, one in flight at a time; rows give entries per second and the p50 / p99 latency
 * of one append. The last rows are group commit as the sequencer uses it: many concurrent single-entry appends,
 * coalesced by the log into one transaction in flight. The ratio is etcd / embedded (below 1: etcd is slower).
 * Then leader failover: a writer process (4 clients) is SIGKILLed KILLS times while a standby campaigns; the rows
 * give the time from the kill to the standby's first acknowledgement (p50 and max, lease TTL 2 s; op-conductor's
 * reference is about 1 s, not measured here), and the log prints acknowledged entries lost over all kills.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import type { Etcd3 } from "etcd3";
import { EmbeddedLog, EtcdLeadership, EtcdLog, connectEtcd, etcdLogKeys, type ChainLog, type LogEntry } from "@sovereign-stack/node";

import { row, type BenchRow, type BenchSuite } from "../harness.ts";
import { EtcdCluster } from "../../scripts/lib/etcd.ts";
import { LogWriterProcess } from "../../scripts/lib/etcd-writer.ts";

const ENTRY_BYTES = 1024;
/** Entries per transaction, and how many sequential transactions to time for each. */
const MODES: readonly { per: number; txns: number }[] = [
  { per: 1, txns: 300 },
  { per: 32, txns: 80 },
  { per: 128, txns: 30 },
];
const CONCURRENT = 64;
const CONCURRENT_APPENDS = 2000;
const KILLS = 5;

interface Timing {
  readonly entriesPerSec: number;
  readonly p50: number;
  readonly p99: number;
}

function entries(n: number): LogEntry[] {
  return Array.from({ length: n }, () => ({ kind: "tx" as const, raw: randomBytes(ENTRY_BYTES) }));
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** `txns` sequential appends of `per` entries each (after a short warm-up). */
async function sequential(log: ChainLog, per: number, txns: number): Promise<Timing> {
  for (let i = 0; i < 5; i++) await log.append(entries(per));
  const batches = Array.from({ length: txns }, () => entries(per));
  const lat: number[] = [];
  const t0 = performance.now();
  for (const b of batches) {
    const s = performance.now();
    await log.append(b);
    lat.push(performance.now() - s);
  }
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return { entriesPerSec: (per * txns) / secs, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99) };
}

/** `total` single-entry appends from `concurrent` callers at once (each caller awaits its own append). */
async function concurrent(log: ChainLog, concurrentCallers: number, total: number): Promise<Timing> {
  const lat: number[] = [];
  let left = total;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrentCallers }, async () => {
      while (left > 0) {
        left--;
        const e = entries(1);
        const s = performance.now();
        await log.append(e);
        lat.push(performance.now() - s);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return { entriesPerSec: total / secs, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99) };
}

const r1 = (x: number) => Math.round(x * 10) / 10;

/** SIGKILL of the leading writer while a standby campaigns: ms to the standby's first ack, and acks lost. */
async function failover(cluster: EtcdCluster, client: Etcd3, round: number): Promise<{ gapMs: number; lost: number }> {
  const prefix = `bench-failover/${round}/${randomBytes(4).toString("hex")}/`;
  const a = new LogWriterProcess("A", cluster.endpoints, prefix);
  let b: LogWriterProcess | undefined;
  try {
    await a.waitFor("50 acks", () => a.acks().length >= 50, 15_000);
    b = new LogWriterProcess("B", cluster.endpoints, prefix);
    const standbyStarted = b;
    await standbyStarted.waitFor("campaign", () => standbyStarted.firstEvent("campaigning") !== undefined, 15_000);
    await new Promise((r) => setTimeout(r, 200));
    const killedAt = Date.now();
    await a.kill();
    const standby = b;
    await standby.waitFor("first ack", () => standby.acks().length > 0, 15_000);
    const gapMs = standby.firstEvent("ack")!.t - killedAt;
    await standby.kill();
    const log = await EtcdLog.open({ client, prefix });
    const { firstSeq, nextSeq } = await log.head();
    const inLog = new Map((await log.read(firstSeq, nextSeq)).map((e) => [e.seq, e.entry.kind === "tx" ? new TextDecoder().decode(e.entry.raw) : ""]));
    const lost = [...a.acks(), ...standby.acks()].filter((k) => inLog.get(k.seq) !== k.id).length;
    return { gapMs, lost };
  } finally {
    await Promise.all([a.kill(), b?.kill()]);
  }
}

const suite: BenchSuite = {
  name: "etcd",
  description: "fenced appends to the chain log on a 3-member etcd vs the embedded LevelDB log (1 KB entries)",
  async run(log) {
    const cluster = await EtcdCluster.start({ members: 3 });
    const client = connectEtcd({ hosts: cluster.endpoints, callTimeoutMs: 5000 });
    const dir = mkdtempSync(path.join(tmpdir(), "bench-etcd-embedded-"));
    const rows: BenchRow[] = [];
    try {
      const prefix = `bench/${randomBytes(4).toString("hex")}/`;
      const leadership = new EtcdLeadership({ client, key: etcdLogKeys(prefix).leader, candidate: "bench", ttlSeconds: 2 });
      await leadership.campaign(AbortSignal.timeout(10_000));
      const etcdLog = await EtcdLog.open({ client, prefix, leadership, commitTimeoutMs: 5000, maxEntriesPerTxn: 1000 });
      const embedded = await EmbeddedLog.open({ dir });
      const peer = "embedded LevelDB log (sync)";
      for (const m of MODES) {
        const ours = await sequential(etcdLog, m.per, m.txns);
        const base = await sequential(embedded, m.per, m.txns);
        log(`${m.per}/txn: etcd ${Math.round(ours.entriesPerSec)} entries/s p50 ${r1(ours.p50)} ms p99 ${r1(ours.p99)} ms; embedded ${Math.round(base.entriesPerSec)} entries/s`);
        rows.push(row(`fenced append, ${m.per} entr${m.per === 1 ? "y" : "ies"}/txn: entries/s`, "tx/s", Math.round(ours.entriesPerSec), Math.round(base.entriesPerSec), peer));
        rows.push(row(`fenced append, ${m.per}/txn: p50 latency`, "ms", r1(ours.p50), r1(base.p50), peer));
        rows.push(row(`fenced append, ${m.per}/txn: p99 latency`, "ms", r1(ours.p99), r1(base.p99), peer));
      }
      const ours = await concurrent(etcdLog, CONCURRENT, CONCURRENT_APPENDS);
      const base = await concurrent(embedded, CONCURRENT, CONCURRENT_APPENDS);
      log(`group commit, ${CONCURRENT} callers: etcd ${Math.round(ours.entriesPerSec)} entries/s p50 ${r1(ours.p50)} ms; embedded ${Math.round(base.entriesPerSec)} entries/s`);
      rows.push(row(`group commit, ${CONCURRENT} concurrent 1-entry appends: entries/s`, "tx/s", Math.round(ours.entriesPerSec), Math.round(base.entriesPerSec), peer));
      rows.push(row(`group commit, ${CONCURRENT} concurrent: p50 ack latency`, "ms", r1(ours.p50), r1(base.p50), peer));
      rows.push(row(`group commit, ${CONCURRENT} concurrent: p99 ack latency`, "ms", r1(ours.p99), r1(base.p99), peer));
      await etcdLog.close();
      await embedded.close();
      await leadership.resign();

      const gaps: number[] = [];
      let lost = 0;
      for (let k = 0; k < KILLS; k++) {
        const f = await failover(cluster, client, k);
        gaps.push(f.gapMs);
        lost += f.lost;
      }
      if (lost > 0) throw new Error(`failover lost ${lost} acknowledged entries: the log's invariant is broken`);
      gaps.sort((x, y) => x - y);
      log(`failover over ${KILLS} SIGKILLs: ${gaps.join(", ")} ms; acknowledged entries lost: ${lost}`);
      rows.push(row(`leader failover, SIGKILL to first new ack (lease 2 s): p50 of ${KILLS}`, "ms", quantile(gaps, 0.5)));
      rows.push(row(`leader failover, SIGKILL to first new ack (lease 2 s): max of ${KILLS}`, "ms", gaps.at(-1)!));
    } finally {
      client.close();
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    return rows;
  },
};

export default suite;
