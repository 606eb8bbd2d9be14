/**
 * The chain log on etcd: the shared ChainLog contract, leader fencing, group commit (one transaction in
 * flight, order kept, each caller resolved exactly once), commits in doubt resolved by read-back, the follower
 * tail and the leader watch. Runs against a real local etcd (found or installed; never skipped).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import type { Etcd3, ITxnRequest, ITxnResponse } from "etcd3";

import { CommitError, EtcdLeadership, EtcdLog, FencingError, LogError, connectEtcd, etcdLogKeys, type EtcdKv, type LogEntry, type SequencedEntry } from "@sovereign-stack/node";

import { ETCD_INSTALL_HINT, EtcdCluster, EtcdUnavailableError, ensureEtcd, findEtcd } from "../../scripts/lib/etcd.ts";
import { expectAcksExactlyOnce, freshPrefix, logPayloads, openContractLog, openLeaderLog, sleep, type Ack } from "./etcd-helpers.ts";
import { chainLogContract, tx } from "./log-contract.ts";
import { rejection } from "../lib/rejection.ts";

const payload = (s: string): LogEntry => ({ kind: "tx", raw: new TextEncoder().encode(s) });

describe("chain log (etcd)", function () {
  this.timeout(20_000);
  let cluster: EtcdCluster;
  let client: Etcd3;

  before(async function () {
    this.timeout(240_000); // may install etcd-server with apt-get on a fresh machine
    cluster = await EtcdCluster.start({ members: 1 });
    client = connectEtcd({ hosts: cluster.endpoints });
  });
  after(async () => {
    client?.close();
    await cluster?.stop();
  });

  describe("the ChainLog contract", () => {
    chainLogContract({ newStore: (label) => freshPrefix(label), open: (prefix) => openContractLog(client, prefix) });
  });

  it("refuses a deposed writer whose lease no longer holds the leader key, writing nothing (reason leader)", async () => {
    const prefix = freshPrefix("fence-leader");
    const a = await openLeaderLog(client, prefix, "a");
    expect(await a.log.append([payload("a0")])).to.deep.equal({ firstSeq: 0n, nextSeq: 1n });
    // A's lease expires on the server while A is unaware (as when A is paused): the key goes, B is elected.
    await client.kv.deleteRange({ key: Buffer.from(etcdLogKeys(prefix).leader) });
    const b = await openLeaderLog(client, prefix, "b");
    expect(a.leadership.isLeader(), "A still believes it leads").to.equal(true);
    let lostWhy: string | undefined;
    a.leadership.onLost((why) => (lostWhy = why));
    const err = await rejection(a.log.append([payload("a1"), payload("a2")]));
    expect(err).to.be.instanceOf(FencingError);
    expect(err).to.include({ reason: "leader" });
    expect(lostWhy).to.be.a("string");
    expect(a.leadership.isLeader()).to.equal(false);
    // Even at the right position, A is refused at once from now on.
    expect(await rejection(a.log.append([payload("a3")], { expectNextSeq: 1n }))).to.include({ reason: "leader" });
    expect(await b.log.append([payload("b0")])).to.deep.equal({ firstSeq: 1n, nextSeq: 2n });
    expect([...(await logPayloads(b.log)).values()]).to.deep.equal(["a0", "b0"]);
    expect(await EtcdLeadership.currentLeader(client, etcdLogKeys(prefix).leader)).to.equal("b");
    await b.closeAll();
    await a.log.close();
  });

  it("refuses a second candidate while the leader holds the key, and elects it once the leader resigns", async () => {
    const prefix = freshPrefix("campaign");
    const a = await openLeaderLog(client, prefix, "a");
    const b = new EtcdLeadership({ client, key: etcdLogKeys(prefix).leader, candidate: "b" });
    const seen: (string | undefined)[] = [];
    const stop = await EtcdLeadership.watchLeader(client, etcdLogKeys(prefix).leader, (l) => seen.push(l));
    const won = b.campaign(AbortSignal.timeout(10_000));
    await sleep(500);
    expect(b.isLeader()).to.equal(false);
    const readOnly = await EtcdLog.open({ client, prefix });
    expect(await rejection(readOnly.append([payload("x")]))).to.include({ reason: "leader" });
    await a.closeAll();
    await won;
    expect(b.isLeader()).to.equal(true);
    for (const until = Date.now() + 5000; seen.at(-1) !== "b" && Date.now() < until; ) await sleep(20); // the watch event may lag
    await stop();
    expect(seen[0]).to.equal("a");
    expect(seen.at(-1)).to.equal("b");
    await b.resign();
  });

  it("group-commits many concurrent appenders in call order, one transaction in flight, each resolved once with its range", async () => {
    const prefix = freshPrefix("group");
    let inFlight = 0;
    let maxInFlight = 0;
    let txns = 0;
    const kv: EtcdKv = {
      txn: async (req: ITxnRequest, o: { deadline: number }): Promise<ITxnResponse> => {
        inFlight++;
        txns++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          return await client.kv.txn(req, o);
        } finally {
          inFlight--;
        }
      },
    };
    const { log, closeAll } = await openLeaderLog(client, prefix, "w", { kv, maxEntriesPerTxn: 64 });
    const callers = 300;
    const sizes = Array.from({ length: callers }, (_, i) => 1 + (i % 3));
    let settled = 0;
    const results = await Promise.all(
      sizes.map((n, i) =>
        log.append(Array.from({ length: n }, (_, j) => payload(`c${i}.${j}`))).then((r) => {
          settled++;
          return r;
        }),
      ),
    );
    expect(settled).to.equal(callers);
    expect(maxInFlight).to.equal(1);
    expect(txns).to.be.lessThan(callers / 4); // coalesced, not one transaction per caller
    // Call order is log order: caller i's range starts where caller i-1's ended.
    let expectFirst = 0n;
    const acks: Ack[] = [];
    results.forEach((r, i) => {
      expect(r).to.deep.equal({ firstSeq: expectFirst, nextSeq: expectFirst + BigInt(sizes[i]!) });
      for (let j = 0; j < sizes[i]!; j++) acks.push({ id: `c${i}.${j}`, seq: r.firstSeq + BigInt(j) });
      expectFirst = r.nextSeq;
    });
    const content = await logPayloads(log);
    expect(BigInt(content.size)).to.equal(expectFirst);
    expectAcksExactlyOnce(acks, content);
    // One append larger than one transaction can hold is refused whole.
    expect(await rejection(log.append(Array.from({ length: 65 }, (_, i) => tx(i))))).to.be.instanceOf(LogError);
    await closeAll();
  });

  it("resolves a commit whose answer was lost by reading the keys back, and rejects one that never landed", async () => {
    const prefix = freshPrefix("doubt");
    let mode: "pass" | "lose-answer" | "drop" = "pass";
    const timeout = () => Object.assign(new Error("4 DEADLINE_EXCEEDED: Deadline exceeded (injected)"), { code: 4 });
    const kv: EtcdKv = {
      txn: async (req, o) => {
        const m = mode;
        mode = "pass"; // only the commit itself fails; the read-back goes through
        if (m === "drop") throw timeout();
        const res = await client.kv.txn(req, o);
        if (m === "lose-answer") throw timeout();
        return res;
      },
    };
    const { log, leadership, closeAll } = await openLeaderLog(client, prefix, "w", { kv });
    await log.append([payload("p0")]);

    mode = "lose-answer"; // committed, but the client saw a timeout
    expect(await log.append([payload("p1"), payload("p2")])).to.deep.equal({ firstSeq: 1n, nextSeq: 3n });

    mode = "drop"; // never reached etcd
    const err = await rejection(log.append([payload("p3")]));
    expect(err).to.be.instanceOf(CommitError);
    expect(err).to.include({ outcome: "not-written" });
    expect(leadership.isLeader(), "a lost commit does not cost the lease").to.equal(true);

    expect(await log.append([payload("p4")])).to.deep.equal({ firstSeq: 3n, nextSeq: 4n });
    expect([...(await logPayloads(log)).values()]).to.deep.equal(["p0", "p1", "p2", "p4"]);
    await closeAll();
  });

  it("settles a prune whose answer was lost by reading the head back", async () => {
    const prefix = freshPrefix("prune-doubt");
    let lose = false;
    const kv: EtcdKv = {
      txn: async (req, o) => {
        const res = await client.kv.txn(req, o);
        if (lose) {
          lose = false;
          throw Object.assign(new Error("4 DEADLINE_EXCEEDED: injected"), { code: 4 });
        }
        return res;
      },
    };
    const { log, closeAll } = await openLeaderLog(client, prefix, "w", { kv });
    await log.append(Array.from({ length: 10 }, (_, i) => payload(`z${i}`)));
    lose = true;
    await log.prune(4n);
    expect(await log.head()).to.deep.equal({ firstSeq: 5n, nextSeq: 10n });
    expect((await log.read(0n, 10n)).map((e) => e.seq)).to.deep.equal([5n, 6n, 7n, 8n, 9n]);
    await closeAll();
  });

  it("keeps the term when the answers of both the commit and its first read-back are lost", async () => {
    const prefix = freshPrefix("doubt2");
    let lose = 0; // how many of the next transactions commit but lose their answer
    const kv: EtcdKv = {
      txn: async (req, o) => {
        const res = await client.kv.txn(req, o);
        if (lose > 0) {
          lose--;
          throw Object.assign(new Error("4 DEADLINE_EXCEEDED: injected"), { code: 4 });
        }
        return res;
      },
    };
    const { log, leadership, closeAll } = await openLeaderLog(client, prefix, "w", { kv });
    lose = 2; // the append, then the read-back that moves the fence
    expect(await log.append([payload("q0")])).to.deep.equal({ firstSeq: 0n, nextSeq: 1n });
    expect(leadership.isLeader()).to.equal(true);
    expect(await log.append([payload("q1")])).to.deep.equal({ firstSeq: 1n, nextSeq: 2n });
    expect([...(await logPayloads(log)).values()]).to.deep.equal(["q0", "q1"]);
    await closeAll();
  });

  it("never resolves while etcd cannot answer the read-back, and settles the doubt before the next append", async () => {
    const prefix = freshPrefix("unknown");
    let down = false;
    const kv: EtcdKv = {
      txn: async (req, o) => {
        if (down) throw Object.assign(new Error("14 UNAVAILABLE: injected"), { code: 14 });
        return client.kv.txn(req, o);
      },
    };
    const { log, closeAll } = await openLeaderLog(client, prefix, "w", { kv, resolveTimeoutMs: 400 });
    down = true;
    const err = await rejection(log.append([payload("u0")]));
    expect(err).to.be.instanceOf(CommitError);
    expect(err).to.include({ outcome: "unknown" });
    down = false;
    expect(await log.append([payload("u1")])).to.deep.equal({ firstSeq: 0n, nextSeq: 1n });
    expect([...(await logPayloads(log)).values()]).to.deep.equal(["u1"]);
    await closeAll();
  });

  it("reads ranges longer than one etcd page in order, honouring the limit", async () => {
    const prefix = freshPrefix("pages");
    const { log, closeAll } = await openLeaderLog(client, prefix, "w");
    for (let i = 0; i < 5; i++) await log.append(Array.from({ length: 120 }, (_, j) => payload(`r${i * 120 + j}`)));
    const all = await log.read(0n, 1000n);
    expect(all.map((e) => e.seq)).to.deep.equal(Array.from({ length: 600 }, (_, i) => BigInt(i)));
    expect((await log.read(100n, 600n, 300)).map((e) => e.seq)).to.deep.equal(Array.from({ length: 300 }, (_, i) => BigInt(100 + i)));
    expect((await logPayloads(log)).get(599n)).to.equal("r599");
    await closeAll();
  });

  it("tails new entries in order for a follower, from any position", async () => {
    const prefix = freshPrefix("tail");
    const { log, closeAll } = await openLeaderLog(client, prefix, "w");
    await log.append([payload("t0"), payload("t1")]);
    const follower = await EtcdLog.open({ client, prefix });
    const ac = new AbortController();
    const got: SequencedEntry[] = [];
    const done = (async () => {
      for await (const e of follower.tail(1n, ac.signal)) {
        got.push(e);
        if (got.length === 5) ac.abort();
      }
    })();
    for (let i = 2; i < 6; i++) {
      await sleep(30);
      await log.append([payload(`t${i}`)]);
    }
    await done;
    expect(got.map((e) => e.seq)).to.deep.equal([1n, 2n, 3n, 4n, 5n]);
    expect(got.map((e) => new TextDecoder().decode((e.entry as { raw: Uint8Array }).raw))).to.deep.equal(["t1", "t2", "t3", "t4", "t5"]);
    await log.prune(2n);
    const pruned = follower.tail(0n);
    expect(await rejection(pruned.next())).to.be.instanceOf(LogError);
    await closeAll();
  });

  it("finds etcd on PATH, and without it (install not allowed) fails with how to install it", () => {
    expect(findEtcd()).to.be.a("string");
    expect(findEtcd("/nonexistent-dir")).to.equal(undefined);
    let err: unknown;
    try {
      ensureEtcd({ envPath: "/nonexistent-dir", install: false });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(EtcdUnavailableError);
    expect((err as Error).message).to.include(ETCD_INSTALL_HINT).and.include("apt-get install -y etcd-server");
  });

  it("installs etcd-server with apt-get when etcd is missing on Debian as root, saying so in one line", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fake-apt-"));
    try {
      const bin = path.join(dir, "bin");
      mkdirSync(bin);
      const calls = path.join(dir, "calls");
      // A stand-in for apt-get: records its arguments; "install" puts an etcd on the searched PATH.
      const fakeApt = path.join(dir, "apt-get");
      writeFileSync(fakeApt, `#!/bin/sh\necho "$*" >> ${calls}\nif [ "$1" = install ]; then printf '#!/bin/sh\\n' > ${bin}/etcd; chmod +x ${bin}/etcd; fi\n`, { mode: 0o755 });
      const lines: string[] = [];
      const isRootDebian = process.getuid?.() === 0 && existsSync("/etc/debian_version");
      if (isRootDebian) {
        expect(ensureEtcd({ envPath: bin, aptGet: fakeApt, log: (l) => lines.push(l) })).to.equal(path.join(bin, "etcd"));
        expect(lines).to.have.length(1);
        expect(lines[0]).to.match(/installing Debian's etcd-server/);
        const argv = readFileSync(calls, "utf8").trim().split("\n");
        expect(argv.at(-1)).to.equal("install -y --no-install-recommends etcd-server");
        // A failing apt-get is an EtcdUnavailableError that says how to install etcd.
        rmSync(path.join(bin, "etcd"));
        writeFileSync(fakeApt, "#!/bin/sh\necho 'E: Unable to locate package etcd-server' >&2\nexit 100\n", { mode: 0o755 });
        let err: unknown;
        try {
          ensureEtcd({ envPath: bin, aptGet: fakeApt, log: () => undefined });
        } catch (e) {
          err = e;
        }
        expect(err).to.be.instanceOf(EtcdUnavailableError);
        expect((err as Error).message).to.include("Unable to locate package").and.include(ETCD_INSTALL_HINT);
      } else {
        expect(() => ensureEtcd({ envPath: bin, aptGet: fakeApt, log: (l) => lines.push(l) })).to.throw(EtcdUnavailableError, /not installed automatically/);
        expect(existsSync(calls), "apt-get not run").to.equal(false);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects bad configuration naming the field", () => {
    expect(() => connectEtcd({ hosts: [] })).to.throw(LogError, /hosts/);
    expect(() => connectEtcd({ hosts: ["127.0.0.1:2379"] })).to.throw(LogError, /member URL/);
    expect(() => new EtcdLeadership({ client, key: "k", candidate: "c", ttlSeconds: 10 })).to.throw(LogError, /ttlSeconds/);
    expect(() => new EtcdLeadership({ client, key: "k", candidate: "a#b" })).to.throw(LogError, /candidate/);
  });
});
