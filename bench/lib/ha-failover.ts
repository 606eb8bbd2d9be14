/**
 * The HA failover rows of `npm run bench -- chain` (issue 11's bench additions to suite `chain`).
 *
 * Failover of the HA chain as processes (scripts/chain/ha-cluster.ts: hardhat L1, 3 ranked sequencer nodes on a
 * 3-member etcd, 3 validators) under load from several clients (scripts/chain/ha-load.ts, each moving to the next
 * sequencer URL on a refused connection or a timeout). KILLS times: SIGKILL the current leader, time the gap to the
 * first acknowledgement any client gets after the kill, restart the killed node as a standby. Rows: that gap's p50
 * and max (goal ≤ lease TTL + 1 s; op-conductor's documented figure is about 1 s for a new leader, not measured
 * here: no OP Stack runs on this machine). Then the invariants (scripts/chain/ha-check.ts) over the whole run:
 * acknowledged transactions lost over all kills (goal 0) is logged, and the suite fails if it is not 0 or if any
 * invariant broke.
 */
import { row, type BenchRow } from "../harness.ts";
import { HaCluster } from "../../scripts/chain/ha-cluster.ts";
import { checkHaInvariants, settle, summarize } from "../../scripts/chain/ha-check.ts";
import { HaLoad } from "../../scripts/chain/ha-load.ts";
import { waitForLine } from "../../scripts/chain/processes.ts";

const KILLS = 5;
const LEASE_TTL_S = 2;
const CLIENTS = 4;

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Runs the failover measurement (an HA cluster as processes, KILLS SIGKILLs under load) and returns its rows. */
export async function haFailoverRows(log: (line: string) => void): Promise<BenchRow[]> {
  const cluster = await HaCluster.start({ clients: CLIENTS, leaseTtl: LEASE_TTL_S });
  const load = new HaLoad({ urls: cluster.rpcUrls, keys: cluster.clientKeys, chainId: cluster.l2ChainId, token: cluster.l2Token, requestTimeoutMs: 2000, pauseMs: 50 });
  try {
    load.start();
    await load.waitForMoreAcks(30, "load before the first kill", 30_000);
    const gaps: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      const leader = await cluster.waitForLeader({ timeoutMs: 30_000 });
      await load.waitForMoreAcks(20, `load on ${leader.id}`, 30_000);
      const marks = cluster.nodes.map((n) => cluster.nodeProcess(n.index)!.lineCount);
      const killedAt = Date.now();
      await cluster.killNode(leader.index, "SIGKILL");
      const end = Date.now() + 30_000;
      while (load.firstAckAfter(killedAt, leader.rpcUrl) === undefined) {
        if (Date.now() > end) throw new Error(`kill ${k + 1}: no acknowledgement within 30 s of SIGKILL of ${leader.id}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      const gap = load.firstAckAfter(killedAt, leader.rpcUrl)!.ackedAt - killedAt;
      const next = await cluster.waitForLeader({ notId: leader.id, timeoutMs: 30_000 });
      const won = Date.parse(await waitForLine(cluster.nodeProcess(next.index)!, /sequencer: \S+: won the leader lease at (\S+);/, next.id, 5000, { fromLine: marks[next.index]! }));
      const elected = Date.parse(await waitForLine(cluster.nodeProcess(next.index)!, /sequencer: leader \S+: elected at (\S+):/, next.id, 5000, { fromLine: marks[next.index]! }));
      gaps.push(gap);
      log(`kill ${k + 1}: SIGKILL of ${leader.id}; ${next.id} (rank ${next.index}) won the lease after ${won - killedAt} ms, had the log applied and its RPC listening after ${elected - killedAt} ms; first new acknowledgement after ${gap} ms; restarting ${leader.id} as a standby`);
      await cluster.restartNode(leader.index);
    }
    await load.stop();
    await settle(cluster, load, { onL1: false, timeoutMs: 60_000 });
    const report = await checkHaInvariants(cluster, load);
    log(summarize(report));
    log(`acknowledged transactions lost over ${KILLS} kills: ${report.lostAcks} (goal 0); ${load.unknowns.length} in doubt resolved as already ordered; ${load.noAnswer} requests without an answer`);
    if (report.violations.length > 0) throw new Error(`broken invariants:\n${report.violations.slice(0, 20).join("\n")}`);
    if (load.anomalies.length > 0) throw new Error(`unexpected refusals: ${JSON.stringify(load.anomalies.slice(0, 5))}`);
    const sorted = [...gaps].sort((a, b) => a - b);
    const goal = `goal ≤ ${LEASE_TTL_S * 1000 + 1000} ms (lease TTL + 1 s); op-conductor: about 1 s (documented, not measured)`;
    const rows: BenchRow[] = [
      row(`HA failover, SIGKILL of the leader to the first new ack, p50 of ${KILLS} (${goal})`, "ms", quantile(sorted, 0.5)),
      row(`HA failover, SIGKILL of the leader to the first new ack, max of ${KILLS} (${goal})`, "ms", sorted[sorted.length - 1]!),
      row(`acknowledged transactions lost over all ${KILLS} kills (goal 0; ${report.acked} acknowledged)`, "count", report.lostAcks),
    ];
    return rows;
  } finally {
    await load.stop(5000);
    await cluster.stop();
  }
}
