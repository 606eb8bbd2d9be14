/**
 * The HA chain under chaos, as processes: an L1 hardhat node, 3 ranked sequencer nodes (`main.ts sequencer --etcd`),
 * a 3-member etcd cluster and 3 validators (scripts/chain/ha-cluster.ts), under load from several clients, each
 * with its own key, that move to the next sequencer URL on a refused connection or a timeout and re-send the same
 * signed bytes (scripts/chain/ha-load.ts). Scenarios, on one shared cluster (what a scenario kills is restarted
 * after it):
 * - SIGKILL of the primary: a standby leads and acknowledges within seconds; once L1 time passes its failover delay
 *   it claims the active role and posts the batches that waited; the validators commit;
 * - SIGSTOP of the leader, then SIGCONT: the zombie's term is fenced, it steps down, the new leader goes on;
 * - loss of one etcd member: acknowledgements go on;
 * - loss of two etcd members: no acknowledgement and no election while the quorum is lost; after the restore
 *   writes resume;
 * - a validator SIGKILLed and restarted right after a batch landed: it derives the same roots;
 * - a planned handover (`requestHandover`): the named standby leads and holds the active role, without L1 time travel.
 * Each ends with scripts/chain/ha-check.ts: every acknowledged transaction in the log and the chain exactly once in
 * log order, no transaction twice, the L1 batches a prefix of the log, the validators' roots equal the sequencer's.
 */
import { expect } from "chai";

import { l2BlockOf, requestHandover } from "@sovereign-stack/node";

import { HaCluster, type HaNode } from "../../scripts/chain/ha-cluster.ts";
import { checkHaInvariants, ensureLeaderActive, settle, summarize } from "../../scripts/chain/ha-check.ts";
import { HaLoad } from "../../scripts/chain/ha-load.ts";
import { linesSince, waitForLine } from "../../scripts/chain/processes.ts";

/** Lease TTL 2 s: expiry, the next campaign round, opening the log and the RPC. Slack for a shared 2-core box. */
const TAKEOVER_MS = 8000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("HA chain under chaos (3 sequencer processes on etcd, 3 validators, hardhat L1, load from 6 clients)", function () {
  this.timeout(120_000);
  let cluster: HaCluster;
  let load: HaLoad;
  const paused = new Set<number>();
  const note = (l: string) => console.log(`      ${l}`);

  before(async function () {
    this.timeout(300_000); // may install etcd-server with apt-get on a fresh machine; compiles nothing
    cluster = await HaCluster.start({ clients: 6 });
    load = new HaLoad({ urls: cluster.rpcUrls, keys: cluster.clientKeys, chainId: cluster.l2ChainId, token: cluster.l2Token, requestTimeoutMs: 2000, pauseMs: 50 });
  });
  /** Each node process and its line count when the scenario began, to print the role changes it saw. */
  let marks: { id: string; child: ReturnType<HaCluster["nodeProcess"]>; mark: number }[] = [];
  beforeEach(() => {
    marks = cluster.nodes.map((n) => ({ id: n.id, child: cluster.nodeProcess(n.index), mark: cluster.nodeProcess(n.index)?.lineCount ?? 0 }));
  });
  afterEach(async function () {
    this.timeout(120_000);
    await load?.stop();
    if (cluster === undefined) return;
    for (const m of marks) {
      if (m.child === undefined) continue;
      for (const l of linesSince(m.child, m.mark)) if (/elected|stepped down|claimed|handed over|handing over/.test(l)) note(`[${m.id}] ${l}`);
    }
    for (const i of paused) cluster.resumeNode(i);
    paused.clear();
    for (let i = 0; i < cluster.etcd.members.length; i++) if (!cluster.etcd.isRunning(i)) cluster.etcd.restart(i);
    await cluster.etcd.waitHealthy(15_000);
    for (const n of cluster.nodes) if (!cluster.isNodeRunning(n.index)) await cluster.restartNode(n.index);
  });
  after(async function () {
    this.timeout(60_000);
    await load?.stop(5000);
    await cluster?.stop();
  });

  /** Stops the load, settles the cluster (on L1 too unless told) and asserts every invariant. */
  async function expectInvariants(onL1 = true): Promise<void> {
    await load.stop();
    await settle(cluster, load, { onL1, timeoutMs: 90_000, log: note });
    const r = await checkHaInvariants(cluster, load);
    note(summarize(r));
    expect(r.violations, "broken invariants").to.deep.equal([]);
    expect(r.lostAcks).to.equal(0);
    expect(load.anomalies, "unexpected refusals").to.deep.equal([]);
    if (onL1) expect(r.commitments, "the validators committed").to.be.greaterThan(0);
  }

  const proc = (n: HaNode) => {
    const c = cluster.nodeProcess(n.index);
    if (c === undefined) throw new Error(`${n.id} was never started`);
    return c;
  };

  it("SIGKILL of the primary: a standby acknowledges within seconds; past the failover delay it claims the active role, posts the waiting batches, the validators commit", async () => {
    load.start();
    await load.waitForMoreAcks(40, "load on the primary", 30_000);
    const primary = await cluster.waitForLeader();
    expect(primary.id, "the primary leads first").to.equal("seq-0");
    expect((await cluster.activeNode())?.id).to.equal("seq-0");
    const killedAt = Date.now();
    await cluster.killNode(primary.index, "SIGKILL");
    const next = await cluster.waitForLeader({ notId: primary.id, timeoutMs: TAKEOVER_MS + 5000 });
    expect(next.id, "the rank-1 standby wins the election (its claim waits the least)").to.equal("seq-1");
    await load.waitForMoreAcks(30, `acknowledgements by ${next.id}`, 20_000);
    const gap = load.firstAckAfter(killedAt, primary.rpcUrl)!.ackedAt - killedAt;
    note(`${next.id} (rank ${next.index}) took over: SIGKILL to the first new acknowledgement ${gap} ms`);
    expect(gap, "SIGKILL to the first new acknowledgement, ms").to.be.lessThan(TAKEOVER_MS);
    // On L1 the dead primary still holds the role: the new leader's batches wait until its failover delay passes.
    expect((await cluster.activeNode())?.id).to.equal("seq-0");
    const mark = proc(next).lineCount;
    const advanced = await ensureLeaderActive(cluster, next, { timeoutMs: 60_000, log: note });
    expect(advanced).to.be.greaterThan(0);
    await waitForLine(proc(next), /claimed the active role on L1 \(tx (0x[0-9a-f]{64})\)/, next.id, 30_000, { fromLine: mark });
    await waitForLine(proc(next), /(posted batch \d+)/, next.id, 30_000, { fromLine: mark });
    await expectInvariants();
  });

  it("SIGSTOP of the leader, then SIGCONT: a standby takes over, the zombie's term is fenced and it steps down", async () => {
    load.start();
    await load.waitForMoreAcks(30, "load", 30_000);
    const zombie = await cluster.waitForLeader();
    const mark = proc(zombie).lineCount;
    cluster.pauseNode(zombie.index);
    paused.add(zombie.index);
    const next = await cluster.waitForLeader({ notId: zombie.id, timeoutMs: TAKEOVER_MS + 5000 });
    await load.waitForMoreAcks(30, `acknowledgements by ${next.id} while ${zombie.id} is frozen`, 20_000);
    cluster.resumeNode(zombie.index);
    paused.delete(zombie.index);
    const why = await waitForLine(proc(zombie), /stepped down: (.*)/, zombie.id, 20_000, { fromLine: mark });
    note(`${zombie.id} resumed and stepped down: ${why}`);
    await load.waitForMoreAcks(30, `acknowledgements after ${zombie.id} resumed`, 20_000);
    expect(await cluster.leader(), "the new leader keeps leading").to.equal(next.id);
    await expectInvariants();
  });

  it("loss of one etcd member: acknowledgements go on", async () => {
    load.start();
    await load.waitForMoreAcks(20, "load", 30_000);
    await cluster.etcd.kill(0);
    const lostAt = Date.now();
    await sleep(6000); // room for a Raft election if the killed member led, and for a lease that lived on it
    const during = load.acksBetween(lostAt + 3000).length;
    note(`${during} acknowledgements in the last 3 s with one member down`);
    expect(during, "acknowledgements in the last 3 s with one member down").to.be.greaterThan(10);
    cluster.etcd.restart(0);
    await cluster.etcd.waitHealthy(15_000);
    await expectInvariants();
  });

  it("loss of two etcd members: no acknowledgement and no election without the quorum; after the restore writes resume", async () => {
    load.start();
    await load.waitForMoreAcks(20, "load", 30_000);
    const before = await cluster.leader();
    const marks = cluster.nodes.map((n) => cluster.nodeProcess(n.index)!.lineCount);
    await Promise.all([cluster.etcd.kill(1), cluster.etcd.kill(2)]);
    const lostAt = Date.now();
    await sleep(5000); // more than twice the lease TTL
    const restoredAt = Date.now();
    cluster.etcd.restart(1);
    cluster.etcd.restart(2);
    await cluster.etcd.waitHealthy(15_000);
    // (A commit that reached the quorum just before the kill may still be answered in the first second.)
    expect(load.acksBetween(lostAt + 1000, restoredAt), "acknowledgements without a quorum").to.deep.equal([]);
    await load.waitForMoreAcks(20, "acknowledgements after the restore", 30_000);
    const elections = cluster.nodes.flatMap((n) =>
      linesSince(cluster.nodeProcess(n.index)!, marks[n.index]!).flatMap((l) => {
        const m = /sequencer: leader (\S+): elected at (\S+):/.exec(l);
        return m === null ? [] : [{ id: m[1]!, at: Date.parse(m[2]!) }];
      }),
    );
    const during = elections.filter((e) => e.at >= lostAt && e.at < restoredAt);
    note(`leader before ${before}, after ${await cluster.leader()}; elections since the loss: ${JSON.stringify(elections.map((e) => `${e.id} at +${e.at - lostAt} ms`))}`);
    expect(during, "elections while the quorum was lost").to.deep.equal([]);
    await expectInvariants();
  });

  it("a validator SIGKILLed right after a batch landed and restarted derives the same roots", async () => {
    load.start();
    await load.waitForMoreAcks(20, "load", 30_000);
    const leader = await cluster.waitForLeader();
    await ensureLeaderActive(cluster, leader, { log: note });
    const mark = proc(leader).lineCount;
    const batch = BigInt(await waitForLine(proc(leader), /posted batch (\d+) /, leader.id, 30_000, { fromLine: mark }));
    await cluster.killValidator(1);
    const derivedBefore = cluster.derived.length;
    await sleep(1500);
    await cluster.restartValidator(1);
    const end = Date.now() + 40_000;
    while (!cluster.derived.slice(derivedBefore).some((d) => d.validator === 1 && d.lastBatch >= batch)) {
      if (Date.now() > end) throw new Error(`the restarted validator did not derive batch ${batch} within 40 s`);
      await sleep(200);
    }
    await expectInvariants();
  });

  it("a new leader that posts the backlog which waited for its claim keeps its lease (no second failover)", async function () {
    this.timeout(240_000);
    // After a crash the new leader orders for failoverDelay × rank before it may post: the backlog then goes out in
    // full batches (up to 120 KB each). Posting must not cost the leader its 2 s lease.
    load.start();
    await load.waitForMoreAcks(20, "load", 30_000);
    const old = await cluster.waitForLeader();
    await cluster.killNode(old.index, "SIGKILL");
    const next = await cluster.waitForLeader({ notId: old.id, timeoutMs: TAKEOVER_MS + 5000 });
    if ((await cluster.activeNode())?.id === next.id) throw new Error(`${next.id} already holds the active role: no backlog can build up`);
    load.setPause(0);
    try {
      // About 5 minutes of 10 tx/s: what a rank-1 standby orders before the default failoverDelay lets it claim.
      await load.waitForMoreAcks(3000, `a backlog of acknowledgements by ${next.id}`, 120_000);
    } finally {
      load.setPause(50);
    }
    const mark = proc(next).lineCount;
    await load.stop();
    await ensureLeaderActive(cluster, next, { timeoutMs: 60_000, log: note });
    // The backlog: every block the leader has executed now. Wait until L1 holds it or the leader steps down.
    const backlog = BigInt(((await (await fetch(next.rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }) })).json()) as { result: string }).result);
    const steppedDown = () => linesSince(proc(next), mark).filter((l) => /stepped down/.test(l));
    const end = Date.now() + 60_000;
    const postedLines = () => linesSince(proc(next), mark).filter((l) => /posted batch/.test(l));
    while (((await cluster.nextL2BlockOnL1()) <= l2BlockOf(backlog) || postedLines().length === 0) && steppedDown().length === 0) {
      if (Date.now() > end) throw new Error(`${next.id} did not post its backlog through block ${backlog} within 60 s`);
      await sleep(250);
    }
    note(`${next.id}: backlog through block ${backlog}; posted: ${postedLines().map((l) => /\((.*)\)/.exec(l)?.[1]).join("; ") || "nothing"}`);
    expect(steppedDown(), `${next.id} stepped down while posting the backlog of ${backlog} blocks`).to.deep.equal([]);
    expect(await cluster.leader(), "the leader after posting the backlog").to.equal(next.id);
    await expectInvariants();
  });

  it("a planned handover: the named standby leads and holds the active role on L1 without L1 time travel", async () => {
    load.start();
    await load.waitForMoreAcks(20, "load", 30_000);
    const from = await cluster.waitForLeader();
    await ensureLeaderActive(cluster, from, { log: note });
    const to = cluster.nodes[(from.index + 1) % cluster.nodes.length]!;
    const mark = proc(from).lineCount;
    await requestHandover(cluster.etcdClient, cluster.haKeys, { to: to.id, requestedAt: Date.now(), by: "ha-chaos test" });
    const next = await cluster.waitForLeader({ notId: from.id, timeoutMs: 60_000 });
    expect(next.id, "the node the request named").to.equal(to.id);
    const handedTo = await waitForLine(proc(from), /handed over the active role to (0x[0-9a-fA-F]{40})/, from.id, 30_000, { fromLine: mark });
    expect(handedTo.toLowerCase()).to.equal(to.address.toLowerCase());
    await cluster.waitForActive(to.id, 30_000);
    await load.waitForMoreAcks(20, `acknowledgements by ${to.id}`, 20_000);
    await expectInvariants();
  });
});
