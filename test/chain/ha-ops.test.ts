/**
 * The hot-standby operations commands (`npm run chain -- status | handover`, scripts/chain/ops.ts) against a real
 * etcd (scripts/lib/etcd.ts: found or installed, never skipped) and a real L1 with the stack deployed (Hardhat's
 * in-process network, served over HTTP to the commands as an `--rpc-url`). The test writes the nodes' rows, the
 * leader key and the log's meta keys itself, as the sequencer nodes would, and plays the nodes' side of a planned
 * handover (the leader resigns and calls `SequencerSet.handover`, the target wins).
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";

import { expect } from "chai";
import type { Etcd3 } from "etcd3";
import { Wallet, getAddress } from "ethers";

import { EtcdLeadership, connectEtcd, etcdLogKeys, haKeys, readHandoverRequest, writeNodeStatus, type NodeRole, type NodeStatus } from "@sovereign-stack/node";

import { collectStatus, formatStatus, idempotentEtcd, runHandover, type EtcdView, type HaOpsOptions, type HandoverOptions, type L1View } from "../../scripts/chain/ops.ts";
import { EtcdCluster, freePorts } from "../../scripts/lib/etcd.ts";
import { ROOT } from "../../scripts/lib/rpc.ts";
import { deployRollup, type Rollup } from "../rollup/fixture.ts";
import { sleep } from "./etcd-helpers.ts";
import { cleanupDirs, tempDir } from "./helpers.ts";

const PREFIX = "chain/31338/";

/** Serves an EIP-1193 provider as an HTTP JSON-RPC endpoint (what `hardhat node` does for a child process). */
async function serveRpc(provider: { request(a: { method: string; params?: unknown[] }): Promise<unknown> }): Promise<{ url: string; server: Server }> {
  type Req = { id: unknown; method: string; params?: unknown[] };
  const answer = async (m: Req) => {
    try {
      return { jsonrpc: "2.0", id: m.id, result: await provider.request({ method: m.method, params: m.params ?? [] }) };
    } catch (e) {
      const err = e as { code?: number; message?: string; data?: unknown };
      return { jsonrpc: "2.0", id: m.id, error: { code: err.code ?? -32000, message: err.message ?? String(e), data: err.data } };
    }
  };
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const msg = JSON.parse(body) as Req | Req[];
      void (Array.isArray(msg) ? Promise.all(msg.map(answer)) : answer(msg)).then((out) => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(out));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

/** Runs the chain tool as a user does; async, because this process serves its L1. */
function chainCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, "bin", "sovereign-chain.js"), ...args], { timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : -1, stdout, stderr });
    });
  });
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected the call to fail, it succeeded");
}

describe("chain status and handover (HA operations)", function () {
  this.timeout(120_000); // the commands as processes start slowly on a loaded 2-core machine
  let cluster: EtcdCluster;
  let client: Etcd3;
  let r: Rollup;
  let rpc: { url: string; server: Server };
  let deployment: string;
  let deadPort: number;
  const leaderships: EtcdLeadership[] = [];
  const keys = haKeys(PREFIX);
  const log = etcdLogKeys(PREFIX);

  const base = (): HaOpsOptions => ({ etcd: cluster.endpoints.join(","), rpcUrl: rpc.url, deployment, json: true });
  const seq = (i: number): string => r.sequencers[i]!.address;

  /** Writes a node's row as the node would, `ageMs` old (retried: the test's client sends each call once, like the nodes'). */
  async function row(id: string, address: string, role: NodeRole, rank: number | null, ageMs = 0, extra: Partial<NodeStatus> = {}): Promise<void> {
    await idempotentEtcd(() => writeNodeStatus(client, keys, {
      id,
      address: getAddress(address),
      rpcUrl: `http://127.0.0.1:${9000 + (rank ?? 9)}`,
      role,
      appliedSeq: "10",
      headBlock: "4",
      l1Active: false,
      rank,
      updatedAt: Date.now() - ageMs,
      lastHeartbeat: null,
      ...extra,
    }));
  }
  /** What the running nodes publish: who leads, and how old node-c's row is (10 s: it stopped writing). */
  const nodesNow = { leader: "node-a", cAgeMs: 10_000 };
  /** The three sequencer nodes: node-a (rank 0), node-b (rank 1) fresh, node-c (rank 2) as old as `nodesNow.cAgeMs`. */
  async function rows(leader = nodesNow.leader, cAgeMs = nodesNow.cAgeMs): Promise<void> {
    Object.assign(nodesNow, { leader, cAgeMs });
    await row("node-a", seq(0), leader === "node-a" ? "leader" : "standby", 0, 0, { l1Active: true });
    await row("node-b", seq(1), leader === "node-b" ? "leader" : "standby", 1, 0, { appliedSeq: "9" });
    await row("node-c", seq(2), "standby", 2, cAgeMs, { appliedSeq: "3" });
  }
  /** Rewrites the rows every second, as running nodes do, while `during` runs (the commands as processes start slowly). */
  async function liveRows<T>(during: () => Promise<T>): Promise<T> {
    await rows();
    const t = setInterval(() => void rows().catch(() => undefined), 1000);
    try {
      return await during();
    } finally {
      clearInterval(t);
    }
  }
  async function elect(candidate: string): Promise<EtcdLeadership> {
    const l = new EtcdLeadership({ client, key: log.leader, candidate, ttlSeconds: 2 });
    await l.campaign(AbortSignal.timeout(10_000));
    leaderships.push(l);
    return l;
  }
  /** Makes `candidate` the leader unless it already is (each test states who leads). */
  async function ensureLeader(candidate: string): Promise<void> {
    if ((await idempotentEtcd(() => EtcdLeadership.currentLeader(client, log.leader))) === candidate) return;
    for (const l of leaderships) if (l.isLeader()) await l.resign();
    await elect(candidate);
  }
  async function heartbeat(i: number): Promise<void> {
    const head = await r.stack.contracts.SequencerInbox.headAccumulator();
    await (await r.stack.contracts.SequencerSet.connect(r.sequencers[i]!).heartbeat(head)).wait();
  }

  before(async function () {
    this.timeout(240_000); // may install etcd-server with apt-get on a fresh machine
    cluster = await EtcdCluster.start({ members: 3 });
    client = connectEtcd({ hosts: cluster.endpoints, callTimeoutMs: 2000 });
    r = await deployRollup();
    rpc = await serveRpc(r.net.connection.provider);
    deployment = path.join(tempDir("ha-ops"), "deployment.json");
    writeFileSync(deployment, JSON.stringify(r.stack.deployment));
    deadPort = (await freePorts(1))[0]!;
    await client.put(log.first).value("0").exec();
    await client.put(log.next).value("10").exec();
    await client.put(keys.posted).value("6").exec();
    await client.put(keys.l1Cursor).value("42").exec();
  });
  after(async () => {
    for (const l of leaderships) await l.resign();
    client?.close();
    await new Promise<void>((res) => (rpc === undefined ? res() : rpc.server.close(() => res())));
    await cluster?.stop();
    cleanupDirs();
  });

  it("status: the leader orders and the active sequencer posts; node rows with stale ones marked; log range; readiness and SLA clocks", async () => {
    await ensureLeader("node-a");
    await rows();
    await heartbeat(1);
    const s = await collectStatus(base());
    expect(s.exitCode).to.equal(0);
    expect(s.orderingNode).to.equal("node-a");
    expect(s.postingAddress).to.equal(seq(0));
    expect(s.headline).to.equal(`NOW: node-a (${seq(0)}) orders transactions and posts them to L1 (it is the active sequencer).`);

    const e = s.etcd as EtcdView;
    expect(e.reachable).to.equal(true);
    expect(e.prefix, "found the one chain under chain/ without --etcd-prefix").to.equal(PREFIX);
    expect(e.leader).to.equal("node-a");
    expect(e.nodes.map((n) => [n.id, n.role, n.stale])).to.deep.equal([
      ["node-a", "leader", false],
      ["node-b", "standby", false],
      ["node-c", "standby", true],
    ]);
    expect(e.nodes[2]!.ageMs).to.be.greaterThan(9_000);
    expect(e.log).to.deep.equal({ first: "0", next: "10" });
    expect(e.posted).to.equal("6");
    expect(e.waitingForL1, "seqs 7, 8, 9 are not on L1 yet").to.equal("3");
    expect(e.l1Cursor).to.equal("42");
    expect(e.handover).to.equal(null);

    const l = s.l1 as L1View;
    expect(l.reachable).to.equal(true);
    expect(l.active).to.equal(seq(0));
    expect(l.activeRank).to.equal(0);
    expect(l.members.map((m) => [m.address, m.active, m.ready])).to.deep.equal([
      [seq(0), true, false],
      [seq(1), false, true],
      [seq(2), false, false],
    ]);
    const sla = await r.stack.contracts.SlaConfig.getSla();
    expect(l.sla.failoverDelay).to.equal(Number(sla.failoverDelay));
    expect(l.sla.heartbeatWindow).to.equal(Number(sla.heartbeatWindow));
    expect(l.sla.maxDowntime).to.equal(Number(sla.maxDowntime));
    expect(l.silentFor).to.equal(Number(await r.stack.contracts.SequencerSet.silentFor()));
    // claimActive needs silence > rank × failoverDelay: rank 1 may claim at that + 1 s, rank 2 at twice the delay.
    expect(l.members[0]!.mayClaimInSeconds).to.equal(null);
    expect(l.members[1]!.mayClaimInSeconds).to.equal(Math.max(0, l.sla.failoverDelay + 1 - l.silentFor));
    expect(l.members[2]!.mayClaimInSeconds).to.equal(Math.max(0, 2 * l.sla.failoverDelay + 1 - l.silentFor));
    expect(l.members[1]!.lastHeartbeat!.accumulator).to.equal(await r.stack.contracts.SequencerInbox.headAccumulator());
    expect(l.members[2]!.lastHeartbeat).to.equal(null);
    expect(l.autoExit.rule).to.equal("maxDowntime");
    expect(l.autoExit.opensAt).to.equal(l.lastBatchTime + l.sla.maxDowntime + 1);

    const text = formatStatus(s).split("\n");
    expect(text[0]).to.equal(s.headline);
    expect(text.find((x) => x.includes("node-c") && x.includes("standby"))).to.match(/STALE \(down or cut off from etcd\)/);
    expect(text.find((x) => x.trimStart().startsWith("node-a"))).to.not.match(/STALE/);
    expect(text.join("\n")).to.match(/log: entries \[0, 10\); on L1 up to seq 6; 3 wait for L1/);
    expect(text.join("\n")).to.match(/anyone may trigger the exit to L1/);
  });

  it("status as a process: one JSON object with --json and exit code 0; the human table starts with who orders and who posts", async () => {
    const j = await liveRows(() => chainCli(["status", "--etcd", cluster.endpoints.join(","), "--rpc-url", rpc.url, "--deployment", deployment, "--json"]));
    expect(j.code, j.stderr).to.equal(0);
    const out = JSON.parse(j.stdout) as { schemaVersion: number; ok: boolean; command: string; orderingNode: string; etcd: { nodes: { id: string; stale: boolean }[] }; l1: { members: unknown[] } };
    expect(out).to.include({ schemaVersion: 1, ok: true, command: "status", orderingNode: "node-a" });
    expect(out.etcd.nodes.find((n) => n.id === "node-c")!.stale).to.equal(true);
    expect(out.l1.members).to.have.length(3);
    const human = await liveRows(() => chainCli(["status", "--etcd", cluster.endpoints.join(","), "--etcd-prefix", PREFIX, "--rpc-url", rpc.url, "--deployment", deployment]));
    expect(human.code, human.stderr).to.equal(0);
    expect(human.stdout.split("\n")[0]).to.equal(`NOW: node-a (${seq(0)}) orders transactions and posts them to L1 (it is the active sequencer).`);
  });

  it("status with etcd down: says so, still prints the L1 half, exit code 1", async () => {
    const s = await collectStatus({ ...base(), etcd: `http://127.0.0.1:${deadPort}` });
    expect(s.exitCode).to.equal(1);
    expect(s.etcd.reachable).to.equal(false);
    expect((s.etcd as { error: string }).error).to.match(new RegExp(`cannot read etcd at http://127.0.0.1:${deadPort}`));
    expect((s.l1 as L1View).active).to.equal(seq(0));
    expect(s.headline).to.match(/^NOW: UNKNOWN who orders transactions \(etcd unreachable\); 0x[0-9a-fA-F]{40} posts batches to L1\.$/);
    const text = formatStatus(s);
    expect(text).to.match(/etcd: UNREACHABLE/).and.match(/RANK\s+ADDRESS/);
  });

  it("status and handover with one etcd member of three down: still read etcd (the cluster has its quorum)", async () => {
    await cluster.kill(1);
    try {
      // (the fixture's own lease may lapse while etcd re-elects its Raft leader: make sure node-a leads again)
      await ensureLeader("node-a");
      for (let i = 0; i < 3; i++) {
        const s = await collectStatus(base());
        expect(s.etcd, (s.etcd as { error?: string }).error).to.include({ reachable: true, leader: "node-a" });
        expect(s.exitCode).to.equal(0);
      }
      await rows("node-a");
      expect((await failure(runHandover({ ...base(), to: "node-a" }, () => {}))).message).to.match(/already the etcd leader/);
    } finally {
      cluster.restart(1);
      await cluster.waitHealthy(10_000);
    }
  });

  it("status with L1 down: says so, still prints the etcd half, exit code 1", async () => {
    await ensureLeader("node-a");
    await rows();
    const s = await collectStatus({ ...base(), rpcUrl: `http://127.0.0.1:${deadPort}` });
    expect(s.exitCode).to.equal(1);
    expect(s.l1.reachable).to.equal(false);
    expect((s.l1 as { error: string }).error).to.match(/cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    expect((s.etcd as EtcdView).leader).to.equal("node-a");
    expect(s.headline).to.equal(`NOW: node-a (${seq(0)}) orders transactions; UNKNOWN who posts to L1 (L1 unreachable).`);
    expect(formatStatus(s)).to.match(/L1: UNREACHABLE/).and.match(/node-b\s+standby/);
    const cli = await chainCli(["status", "--etcd", cluster.endpoints.join(","), "--rpc-url", `http://127.0.0.1:${deadPort}`, "--deployment", deployment, "--json"]);
    expect(cli.code).to.equal(1);
    expect(JSON.parse(cli.stdout)).to.include({ ok: false, command: "status", orderingNode: "node-a" });
  });

  it("bad flags name the flag and why (exit code 2)", async () => {
    expect((await failure(collectStatus({ ...base(), etcd: "localhost:2379" }))).message).to.match(/^--etcd: "localhost:2379" is not an etcd member URL/);
    expect((await failure(collectStatus({ ...base(), etcd: undefined })))).to.include({ name: "UsageError" });
    expect((await failure(collectStatus({ ...base(), etcdPrefix: "" }))).message).to.match(/^--etcd-prefix: must be a non-empty key prefix/);
    await client.put("chain/99/meta/next").value("0").exec();
    try {
      expect((await failure(collectStatus(base()))).message).to.equal("--etcd-prefix: several chains in etcd (chain/31338/, chain/99/, …); say which with --etcd-prefix");
      expect((await collectStatus({ ...base(), etcdPrefix: PREFIX })).etcd).to.include({ reachable: true, prefix: PREFIX });
    } finally {
      await client.delete().key("chain/99/meta/next").exec();
    }
    expect((await failure(runHandover({ ...base(), to: "node b!" }, () => {}))).message).to.match(/^--to: "node b!" is neither an address .* nor a node id/);
    expect((await failure(runHandover({ ...base() }, () => {}))).message).to.match(/^--to <node id or address> is required/);
    expect((await failure(runHandover({ ...base(), to: "node-b", wait: "0" }, () => {}))).message).to.match(/^--wait: expected whole seconds in 1\.\.3600, got "0"/);
    const cli = await chainCli(["handover", "--to", "node-b", "--wait", "soon", "--etcd", cluster.endpoints.join(","), "--rpc-url", rpc.url, "--json"]);
    expect(cli.code).to.equal(2);
    expect(JSON.parse(cli.stdout)).to.deep.include({ ok: false, error: { kind: "UsageError", message: '--wait: expected whole seconds in 1..3600, got "soon"', exitCode: 2 } });
  });

  it("handover refuses an unknown target, a non-member, a member without a live node, a target not ready on L1, and the current leader; it writes no request", async () => {
    await ensureLeader("node-a");
    await rows("node-a");
    const opts = (to: string): HandoverOptions => ({ ...base(), to, wait: "5" });
    const refused = async (to: string, re: RegExp): Promise<void> => {
      const e = await failure(runHandover(opts(to), () => {}));
      expect(e.name, e.message).to.equal("CliError");
      expect(e.message).to.match(re);
    };
    await refused("node-x", /^--to node-x: unknown target: no node row chain\/31338\/nodes\/node-x and not a SequencerSet member; nodes in etcd: node-a/);
    await refused(Wallet.createRandom().address, /unknown target/);
    await row("node-x", r.stranger.address, "standby", null);
    await refused("node-x", new RegExp(`^--to node-x: ${r.stranger.address} is not a SequencerSet member`));
    await client.delete().key(keys.node("node-x")).exec();
    await refused("node-c", /^--to node-c: its node row chain\/31338\/nodes\/node-c is 1\ds old: the node is down or cut off from etcd/);
    await rows("node-a", 0);
    await refused("node-c", new RegExp(`^--to node-c: ${seq(2)} is not ready on L1 \\(SequencerSet.isReady is false: it never heartbeated\\); wait for its next heartbeat`));
    await refused(seq(2), /is not ready on L1/);
    await client.delete().key(keys.node("node-c")).exec();
    await refused(seq(2), new RegExp(`^--to ${seq(2)}: ${seq(2)} is a SequencerSet member \\(rank 2\\) but no sequencer node publishes a row for it`));
    await refused("node-a", /^--to node-a: node-a is already the etcd leader and the active sequencer on L1; nothing to hand over/);
    const etcdDown = await failure(runHandover({ ...opts("node-b"), etcd: `http://127.0.0.1:${deadPort}` }, () => {}));
    expect(etcdDown.message).to.match(new RegExp(`^--etcd http://127.0.0.1:${deadPort}: cannot read etcd \\(.*ECONNREFUSED.*\\); no request written$`));
    const l1Down = await failure(runHandover({ ...opts("node-b"), rpcUrl: `http://127.0.0.1:${deadPort}` }, () => {}));
    expect(l1Down.message).to.match(/^cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    expect(await readHandoverRequest(client, keys), "a refused handover writes no request").to.equal(undefined);
  });

  it("handover writes the request, follows the nodes until the leader and the L1 role moved, and prints both gaps", async () => {
    await rows();
    await heartbeat(1);
    const lines: string[] = [];
    // The nodes' side: the leader sees the request, hands the L1 role over and resigns; the target wins and clears it.
    const nodes = (async () => {
      for (;;) {
        const req = await readHandoverRequest(client, keys);
        if (req !== undefined) {
          expect(req.to).to.equal("node-b");
          expect(req.by).to.equal("ops-test");
          break;
        }
        await sleep(50);
      }
      await sleep(1200); // stop, seal, post: long enough for a progress line
      await (await r.stack.contracts.SequencerSet.connect(r.sequencers[0]!).handover(seq(1))).wait();
      await ensureLeader("node-b");
      await client.delete().key(keys.handover).exec();
      await rows("node-b");
    })();
    const res = await runHandover({ ...base(), to: "node-b", wait: "20", by: "ops-test" }, (l) => lines.push(l));
    await nodes;
    expect(res).to.include({ to: "node-b", address: seq(1), by: "ops-test", previousLeader: "node-a", previousActive: seq(0), requestCleared: true });
    expect(res.offChainGapMs).to.be.greaterThanOrEqual(1200).and.equal(res.electedAt - res.requestedAt);
    expect(res.onChainGapMs).to.be.greaterThanOrEqual(1200).and.equal(res.activeAt - res.requestedAt);
    expect(res.l1Tx).to.match(/^0x[0-9a-f]{64}$/);
    const receipt = await r.net.ethers.provider.getTransactionReceipt(res.l1Tx!);
    expect(receipt!.from).to.equal(seq(0));
    expect(lines.find((l) => l.startsWith("handover: requested"))).to.match(/^handover: requested at .*: node-a → node-b \(0x[0-9a-fA-F]{40}, rank 1\); waiting up to 20 s/);
    expect(lines.some((l) => /^handover: \+1 s: etcd leader node-a; L1 active 0x/.test(l)), lines.join("\n")).to.equal(true);
    expect(await r.stack.contracts.SequencerSet.active()).to.equal(seq(1));
  });

  it("handover that does not complete in time: says what did and did not happen, exits 1, leaves the request in place", async () => {
    await rows("node-b");
    await heartbeat(0);
    const e = await failure(runHandover({ ...base(), to: "node-a", wait: "2" }, () => {}));
    expect(e.name).to.equal("CliError");
    expect(e.message).to.match(
      new RegExp(`^handover to node-a not complete after 2 s: the etcd leader is still node-b \\(not node-a\\); the L1 active sequencer is still ${seq(1)} \\(not ${seq(0)}\\)\\. The request is left in place at chain/31338/handover`),
    );
    expect((await readHandoverRequest(client, keys))?.to).to.equal("node-a");
    // status shows the pending request; with node-a elected off-chain but node-b still active, it says the batches wait
    await ensureLeader("node-a");
    await rows("node-a");
    const s = await collectStatus(base());
    expect((s.etcd as EtcdView).handover).to.include({ to: "node-a" });
    expect(s.headline).to.match(new RegExp(`^NOW: node-a \\(${seq(0)}\\) orders transactions; ${seq(1)} \\(node-b\\) posts batches to L1; the leader's batches wait in the log \\(it may claim the L1 role (now|in .+)\\)\\.$`));
    expect(formatStatus(s)).to.match(/handover request: to node-a by /);
    const cli = await liveRows(() => chainCli(["handover", "--to", "node-b", "--etcd", cluster.endpoints.join(","), "--rpc-url", rpc.url, "--deployment", deployment, "--wait", "1", "--json"]));
    expect(cli.code, cli.stdout + cli.stderr).to.equal(1);
    const env = JSON.parse(cli.stdout) as { ok: boolean; error: { kind: string; message: string; details: { requestPending: boolean } } };
    expect(env.ok).to.equal(false);
    expect(env.error.kind).to.equal("CliError");
    expect(env.error.message).to.match(new RegExp(`^handover to node-b not complete after 1 s: the etcd leader is still node-a \\(not node-b\\); ${seq(1)} took the L1 role after 0\\.0 s\\. The request is left in place`));
    expect(env.error.details.requestPending).to.equal(true);
  });
  it("status after the active sequencer fell silent past failoverDelay: the ready primary (rank 1's wait) may claim now, rank 2 later", async () => {
    // node-a leads off-chain, node-b (seq 1) holds the L1 role since the handover above and has posted nothing.
    const sla = await r.stack.contracts.SlaConfig.getSla();
    await r.increaseTime(sla.failoverDelay + 1n);
    await heartbeat(0);
    await rows("node-a");
    const s = await collectStatus(base());
    const l = s.l1 as L1View;
    expect(l.active).to.equal(seq(1));
    expect(l.silentFor).to.be.greaterThan(Number(sla.failoverDelay));
    expect(l.members[0]).to.include({ ready: true, mayClaimInSeconds: 0 });
    expect(l.members[2]!.mayClaimInSeconds).to.equal(2 * Number(sla.failoverDelay) + 1 - l.silentFor);
    expect(s.headline).to.equal(`NOW: node-a (${seq(0)}) orders transactions; ${seq(1)} (node-b) posts batches to L1; the leader's batches wait in the log (it may claim the L1 role now).`);
    expect(formatStatus(s)).to.match(new RegExp(`0\\s+${seq(0)}\\s+node-a\\s+primary\\s+ready\\s+0x[0-9a-f]{6}…[0-9a-f]{4} \\d+s ago\\s+now`));
  });
});
