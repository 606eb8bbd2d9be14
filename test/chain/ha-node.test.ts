/**
 * The HA sequencer node in process: three nodes (the fixture's ranked sequencers) on one etcd, on the in-process L1
 * with the real deploy pipeline. One is elected and serves the L2 RPC; the others follow the log to the same state;
 * when the leader's term ends the next node takes over with every acknowledged transaction in place exactly once,
 * claims the active role on L1 once the contract allows and posts the batches that waited; a leader whose lease is
 * revoked behind its back is fenced and steps down; a planned handover moves both the etcd leadership and the
 * on-chain role. (Process-level chaos, SIGKILL and SIGSTOP, is in ha-chaos.test.ts.)
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { JsonRpcProvider, Wallet, id } from "ethers";
import type { Etcd3 } from "etcd3";

import { EtcdLeadership, EtcdLog, connectEtcd, etcdLogKeys, genesisToJson, haKeys, readNodeStatuses, requestHandover, rollupAddresses, startHaSequencerNode, type HaSequencerNode } from "@sovereign-stack/node";

import { devnetGenesis } from "../../scripts/chain/devnet.ts";
import { EtcdCluster } from "../../scripts/lib/etcd.ts";
import { deployRollup, type Rollup } from "../rollup/fixture.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, ms: number, f: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

describe("HA sequencer node (in process, 3 nodes on etcd)", function () {
  this.timeout(120_000);
  let r: Rollup;
  let cluster: EtcdCluster;
  let client: Etcd3;
  let dir: string;
  let genesisFile: string;
  const prefix = "chain/31338/";
  const nodes: (HaSequencerNode | undefined)[] = [];
  const alice = new Wallet(id("ha test: alice"));
  const bob = new Wallet(id("ha test: bob"));
  let nonce = 0;

  const start = async (i: number): Promise<HaSequencerNode> => {
    const n = await startHaSequencerNode({
      dataDir: path.join(dir, `node-${i}`),
      rpcHost: "127.0.0.1",
      rpcPort: 0,
      chainId: 31338,
      genesisFile,
      sealIntervalMs: 100,
      etcd: client,
      prefix,
      nodeId: `node-${i}`,
      l1: r.net.ethers.provider,
      signer: r.sequencers[i]!,
      rollup: rollupAddresses(r.stack.deployment),
      postIntervalMs: 300,
      idlePostIntervalMs: 0,
      heartbeatIntervalMs: 1000,
      log: () => undefined,
    });
    nodes[i] = n;
    return n;
  };
  const leader = () => until("a leader serving RPC", 15_000, async () => nodes.find((n) => n?.role() === "leader" && n.rpcUrl() !== undefined));
  const send = async (url: string, count: number): Promise<string[]> => {
    const p = new JsonRpcProvider(url, 31338, { staticNetwork: true, cacheTimeout: -1 });
    try {
      const hashes: string[] = [];
      for (let k = 0; k < count; k++) {
        const raw = await alice.signTransaction({ to: bob.address, value: 1n, nonce: nonce++, gasLimit: 21_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 0n, chainId: 31338n, type: 2 });
        hashes.push((await p.send("eth_sendRawTransaction", [raw])) as string);
      }
      return hashes;
    } finally {
      p.destroy();
    }
  };
  const receiptsIn = async (url: string, hashes: string[]): Promise<bigint[]> => {
    const p = new JsonRpcProvider(url, 31338, { staticNetwork: true, cacheTimeout: -1 });
    try {
      return await until("every acknowledged transaction executed", 15_000, async () => {
        const blocks: bigint[] = [];
        for (const h of hashes) {
          const rc = (await p.send("eth_getTransactionReceipt", [h])) as { blockNumber: string; status: string } | null;
          if (rc === null) return undefined;
          expect(rc.status).to.equal("0x1");
          blocks.push(BigInt(rc.blockNumber));
        }
        return blocks;
      });
    } finally {
      p.destroy();
    }
  };
  /** Every TX entry of the log, as hashes (a transaction's hash is keccak of its raw bytes). */
  const loggedTxs = async (): Promise<string[]> => {
    const log = await EtcdLog.open({ client, prefix });
    try {
      const head = await log.head();
      const { keccak256 } = await import("ethers");
      return (await log.read(head.firstSeq, head.nextSeq)).flatMap((e) => (e.entry.kind === "tx" ? [keccak256(e.entry.raw)] : []));
    } finally {
      await log.close();
    }
  };

  before(async function () {
    this.timeout(240_000); // may install etcd-server on a fresh machine
    r = await deployRollup();
    cluster = await EtcdCluster.start();
    client = connectEtcd({ hosts: cluster.endpoints });
    dir = mkdtempSync(path.join(tmpdir(), "ha-node-"));
    genesisFile = path.join(dir, "genesis.json");
    writeFileSync(genesisFile, genesisToJson(devnetGenesis([alice.address], r.deployer.address, BigInt((await r.now()) - 60))));
    for (let i = 0; i < 3; i++) await start(i);
  });
  after(async () => {
    for (const n of nodes) await n?.stop();
    client?.close();
    await cluster?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("elects one leader that acknowledges over its RPC; the standbys serve no RPC and apply the same log to the same state", async () => {
    const l = await leader();
    expect(nodes.filter((n) => n?.role() === "leader")).to.have.length(1);
    expect(await EtcdLeadership.currentLeader(client, etcdLogKeys(prefix).leader)).to.equal(l.nodeId);
    const hashes = await send(l.rpcUrl()!, 5);
    await receiptsIn(l.rpcUrl()!, hashes);
    const headNumber = l.engine.head().number;
    for (const n of nodes) {
      if (n === l) continue;
      expect(n!.rpcUrl()).to.equal(undefined);
      await until(`${n!.nodeId} to apply block ${headNumber}`, 10_000, async () => (n!.engine.head().number >= headNumber ? true : undefined));
      const { stateRoot } = await import("@sovereign-stack/node").then((m) => m.storedHeader(n!.engine, headNumber));
      expect(stateRoot, `${n!.nodeId} state root at block ${headNumber}`).to.equal((await import("@sovereign-stack/node").then((m) => m.storedHeader(l.engine, headNumber))).stateRoot);
    }
    const { statuses } = await until("three node statuses, the leader's saying so", 5000, async () => {
      const s = await readNodeStatuses(client, haKeys(prefix));
      return s.statuses.length === 3 && s.statuses.some((x) => x.role === "leader") ? s : undefined;
    });
    expect(statuses.filter((s) => s.role === "leader").map((s) => s.id)).to.deep.equal([l.nodeId]);
  });

  it("when the leader's term ends, the next node leads within seconds, with every acknowledged transaction once; it claims the L1 role after failoverDelay and posts what waited", async () => {
    const old = await leader();
    const before = await send(old.rpcUrl()!, 4);
    const oldIndex = nodes.indexOf(old);
    await old.stop(); // resigns: the fast path of a crash (the lease lapse is exercised in ha-chaos)
    nodes[oldIndex] = undefined;
    const t0 = Date.now();
    const next = await leader();
    expect(next).to.not.equal(old);
    expect([old.nodeId, next.nodeId], "the L1-active primary led; the rank-1 standby wins the election after it").to.deep.equal(["node-0", "node-1"]);
    expect(Date.now() - t0).to.be.lessThan(10_000);
    const after = await send(next.rpcUrl()!, 4);
    await receiptsIn(next.rpcUrl()!, [...before, ...after]);
    const logged = await loggedTxs();
    for (const h of [...before, ...after]) expect(logged.filter((x) => x === h), `${h} in the log`).to.have.length(1);
    // On L1 the stopped node still holds the active role: the new leader claims it once the contract allows.
    const set = r.stack.contracts.SequencerSet;
    const nextAddress = (await r.sequencers[nodes.indexOf(next)]!.getAddress()).toLowerCase();
    if ((await set.active()).toLowerCase() !== nextAddress) {
      const sla = await r.stack.contracts.SlaConfig.getSla();
      await r.increaseTime(sla.failoverDelay * 3n + 1n);
      await until("the new leader to claim the active role", 30_000, async () => ((await set.active()).toLowerCase() === nextAddress ? true : undefined));
    }
    const target = next.engine.head().number;
    await until("the waiting batches on L1", 30_000, async () => ((await r.stack.contracts.SequencerInbox.nextL2Block()) >= target - 1n ? true : undefined));
    await start(oldIndex); // back as a standby
  });

  it("a leader whose lease is revoked behind its back is fenced: it steps down, acknowledges nothing more, and another node leads", async () => {
    const l = await leader();
    const url = l.rpcUrl()!;
    await client.delete().key(etcdLogKeys(prefix).leader).exec(); // as if its lease had expired on the server
    await until(`${l.nodeId} to step down`, 10_000, async () => (l.role() !== "leader" || l.rpcUrl() !== url ? true : undefined));
    const next = await leader();
    const hashes = await send(next.rpcUrl()!, 2);
    await receiptsIn(next.rpcUrl()!, hashes);
    const logged = await loggedTxs();
    expect(new Set(logged).size, "no transaction ordered twice").to.equal(logged.length);
  });

  it("a planned handover moves the etcd leadership and the on-chain role to the named node in one request", async () => {
    const l = await leader();
    const set = r.stack.contracts.SequencerSet;
    const lAddress = (await r.sequencers[nodes.indexOf(l)]!.getAddress()).toLowerCase();
    if ((await set.active()).toLowerCase() !== lAddress) {
      // The fenced leader of the previous case still holds the L1 role: the new leader claims it once allowed.
      await r.increaseTime((await r.stack.contracts.SlaConfig.getSla()).failoverDelay * 3n + 1n);
      await until("the leader to claim the L1 role", 30_000, async () => ((await set.active()).toLowerCase() === lAddress ? true : undefined));
    }
    const target = nodes.find((n) => n !== undefined && n !== l)!;
    const targetAddress = (await r.sequencers[nodes.indexOf(target)]!.getAddress()).toLowerCase();
    const before = await send(l.rpcUrl()!, 3);
    await requestHandover(client, haKeys(prefix), { to: target.nodeId, requestedAt: Date.now(), by: "ha-node test" });
    await until(`${target.nodeId} to lead`, 60_000, async () => (target.role() === "leader" && target.rpcUrl() !== undefined ? true : undefined));
    await until(`${target.nodeId} to hold the L1 role`, 60_000, async () => ((await set.active()).toLowerCase() === targetAddress ? true : undefined));
    const after = await send(target.rpcUrl()!, 2);
    await receiptsIn(target.rpcUrl()!, [...before, ...after]);
    const logged = await loggedTxs();
    for (const h of [...before, ...after]) expect(logged.filter((x) => x === h), `${h} in the log`).to.have.length(1);
    expect(await client.get(haKeys(prefix).handover).string(), "the request is cleared by the new leader").to.equal(null);
  });
});
