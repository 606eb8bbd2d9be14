/**
 * Failover drill: the seed's third question made real ("is there a fallback sequencer already standing by?").
 * An HA chain as separate processes (scripts/chain/ha-cluster.ts): an L1 hardhat node with the stack deployed and 3
 * ranked sequencers, a 3-member etcd cluster on loopback, the primary and two standbys (`main.ts sequencer --etcd`),
 * and 3 validators. Citizens send transactions from several clients (scripts/chain/ha-load.ts); the primary is killed
 * with SIGKILL in the middle of the load; the rank-1 standby takes over ordering within seconds; L1 time is advanced
 * past its failover delay, it claims the active role and posts the batches that waited; the validators commit; the
 * drill prints the off-chain gap (SIGKILL to the first new acknowledgement) and the on-chain gap, and checks that every
 * acknowledged transaction is in the chain exactly once (scripts/chain/ha-check.ts).
 *
 * It needs etcd: found on PATH or installed the way the tests do (Debian's etcd-server, as root). When it cannot get
 * etcd it says so in one line and the demo goes on.
 */
import { ISequencerInbox__factory } from "@sovereign-stack/sdk/typechain";

import { HaCluster } from "../../chain/ha-cluster.ts";
import { checkHaInvariants, ensureLeaderActive, settle, summarize } from "../../chain/ha-check.ts";
import { HaLoad } from "../../chain/ha-load.ts";
import { waitForLine } from "../../chain/processes.ts";
import { EtcdUnavailableError, ensureEtcd } from "../../lib/etcd.ts";
import type { Drill, DrillContext } from "../drills.ts";

export const failoverDrill: Drill = {
  name: "failover",
  async run({ timeline }: DrillContext) {
    try {
      ensureEtcd({ log: (l) => timeline.note(l) });
    } catch (e) {
      if (!(e instanceof EtcdUnavailableError)) throw e;
      timeline.note(`failover drill not run: ${e.message}`);
      return;
    }
    const cluster = await timeline.step(
      "an HA chain as processes: L1 hardhat node (stack with 3 ranked sequencers), 3-member etcd, primary + 2 standbys, 3 validators",
      () => HaCluster.start({ clients: 6 }),
    );
    const load = new HaLoad({ urls: cluster.rpcUrls, keys: cluster.clientKeys, chainId: cluster.l2ChainId, token: cluster.l2Token, requestTimeoutMs: 2000, pauseMs: 50 });
    try {
      timeline.note(`sequencer URLs (clients move to the next one on a refused connection or a timeout): ${cluster.rpcUrls.join(", ")}`);
      await timeline.step("1. citizens send transfers from 6 clients; the primary orders and acknowledges them", async () => {
        load.start();
        await load.waitForMoreAcks(60, "load on the primary", 60_000);
      });
      const primary = await cluster.waitForLeader();
      const marks = cluster.nodes.map((n) => cluster.nodeProcess(n.index)?.lineCount ?? 0);
      const l1AtKill = BigInt((await cluster.l1.getBlock("latest"))!.timestamp);
      const killedAt = Date.now();
      await timeline.step(`2. SIGKILL of the primary ${primary.id} in the middle of the load`, () => cluster.killNode(primary.index, "SIGKILL"));
      const next = await timeline.step("3. the rank-1 standby wins the etcd election and takes over ordering", async () => {
        const n = await cluster.waitForLeader({ notId: primary.id, timeoutMs: 30_000 });
        await load.waitForMoreAcks(30, `acknowledgements by ${n.id}`, 30_000);
        return n;
      });
      const firstAck = load.firstAckAfter(killedAt, primary.rpcUrl);
      const offChainGap = firstAck === undefined ? Number.POSITIVE_INFINITY : firstAck.ackedAt - killedAt;
      timeline.note(`off-chain gap: ${offChainGap} ms from SIGKILL to the first acknowledgement by ${next.id} (lease TTL 2 s)`);
      const active = await cluster.activeNode();
      timeline.note(`on L1 the dead ${active?.id ?? "?"} still holds the active role: ${next.id}'s batches wait in the log`);
      const advanced = await timeline.step(`4. L1 time passes ${next.id}'s failover delay (rank ${next.index} × failoverDelay): it claims the active role and posts the batches that waited`, async () => {
        const s = await ensureLeaderActive(cluster, next, { timeoutMs: 60_000, log: (l) => timeline.note(l) });
        const child = cluster.nodeProcess(next.index)!;
        timeline.note(await waitForLine(child, /(claimed the active role on L1 \(tx 0x[0-9a-f]{64}\))/, next.id, 60_000, { fromLine: marks[next.index]! }));
        timeline.note(await waitForLine(child, /(posted batch \d+ .*)/, next.id, 60_000, { fromLine: marks[next.index]! }));
        return s;
      });
      const inbox = ISequencerInbox__factory.connect(cluster.deployment.contracts["SequencerInbox"]!.address, cluster.l1);
      const firstNewBatchAt = await inbox.lastBatchTime();
      const wallToPost = Date.now() - killedAt;
      timeline.note(
        `on-chain gap: ${firstNewBatchAt - l1AtKill} s of L1 time from SIGKILL to ${next.id}'s first batch as the active sequencer (${advanced} s of it advanced here: rank ${next.index} × failoverDelay plus 5 s); ${(wallToPost / 1000).toFixed(1)} s of wall time`,
      );
      await load.stop();
      await timeline.step("5. the validators derive the new leader's batches from L1 and commit them", () => settle(cluster, load, { onL1: true, timeoutMs: 120_000, log: (l) => timeline.note(l) }));
      const report = await checkHaInvariants(cluster, load);
      timeline.note(summarize(report));
      timeline.section("Failover drill assertions");
      await timeline.assert("the rank-1 standby took over ordering within seconds of the SIGKILL", next.index === 1 && offChainGap < 10_000, `${next.id}, ${offChainGap} ms`);
      await timeline.assert("every acknowledged transaction is in the chain exactly once, at its log position", report.lostAcks === 0 && report.violations.length === 0, `${report.acked} acknowledged, ${report.violations.length} violations`);
      await timeline.assert("the validators' roots derived from L1 equal the sequencer's, and they committed", report.commitments > 0 && report.derivedRootsChecked > 0);
    } finally {
      await load.stop(5000);
      await cluster.stop();
    }
  },
};
