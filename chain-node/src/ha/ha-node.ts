/**
 * A high-availability sequencer node: the same program as the single sequencer, with the chain log on etcd and the
 * leader elected through an etcd lease. Every node of the set runs this; at most one leads at a time.
 *
 * - **Standby.** It follows the log ({@link LogFollower}), so it holds the leader's state; it heartbeats its synced
 *   inbox accumulator to `SequencerSet` (proof of readiness), and it campaigns for the leader key. It serves no RPC:
 *   clients that reach it get a refused connection and move to the next URL.
 * - **Election.** The winner finishes applying the log, rebuilds its pending pool from the open block (the
 *   duplicate-transaction and nonce windows: `Sequencer.open` does both), then listens on its RPC port and orders
 *   and acknowledges at once. Its appends are fenced by its lease: a deposed leader can never write again.
 * - **L1 role.** It posts batches only while it holds the active role on L1. After a crash the new leader claims it
 *   with `claimActive()` as soon as the contract allows (silence beyond rank × failoverDelay) unless `autoClaim` is
 *   off; until then its batches wait in the log, nothing is lost.
 * - **Stepping down.** A lost lease, a fenced append, or a log in doubt ends the term: the node closes its RPC, drops
 *   its pool (every acknowledged transaction is in the log) and becomes a standby again.
 * - **Planned handover** (`P handover` names another node): the leader stops acknowledging, seals, posts every sealed
 *   block, calls `SequencerSet.handover(to)` once the target is ready, and resigns; other standbys hold back while a
 *   fresh request names someone else, so the target wins the election and posts at once.
 * - Every second it publishes its {@link NodeStatus} under `P nodes/<id>`; the leader raises `P meta/posted` after
 *   each batch and `P meta/l1cursor` as it reads L1.
 */
import type { Etcd3 } from "etcd3";
import type { Provider, Signer } from "ethers";

import { BatchPoster, type PostOutcome } from "../batch/poster.ts";
import type { Engine } from "../engine/engine.ts";
import { L1Reader } from "../l1/reader.ts";
import { EtcdLeadership } from "../log/etcd-leader.ts";
import { EtcdLog, etcdLogKeys, type EtcdLogKeys } from "../log/etcd.ts";
import { L1DelayedFeed } from "../node/l1-feed.ts";
import { describePosted, startPostingLoop, type PostingLoop } from "../node/posting-loop.ts";
import type { RollupAddresses } from "../node/rollup.ts";
import { RpcServer } from "../rpc/server.ts";
import { openNodeEngine } from "../sequencer/main.ts";
import { Sequencer } from "../sequencer/sequencer.ts";
import { LogFollower } from "./follower.ts";
import { LogPruner } from "./pruner.ts";
import { clearHandoverRequest, haKeys, raiseMetaNumber, readHandoverRequest, readNodeStatuses, writeNodeStatus, type HaKeys, type HandoverRequest, type NodeRole } from "./keys.ts";
import { L1Role, type L1RoleSnapshot } from "./l1-role.ts";

/** Options of {@link startHaSequencerNode}. */
export interface HaSequencerOptions {
  readonly dataDir: string;
  readonly rpcHost: string;
  readonly rpcPort: number;
  readonly chainId: number;
  readonly genesisFile: string | undefined;
  readonly sealIntervalMs: number;
  /** A client from `connectEtcd`; not closed by the node. */
  readonly etcd: Etcd3;
  /** The per-chain key prefix (e.g. `chain/31338/`). */
  readonly prefix: string;
  /** This node's id (default in the process: its L1 address). */
  readonly nodeId: string;
  /** Leader lease TTL, seconds: 2 or 3 (default 2). */
  readonly leaseTtlSeconds?: 2 | 3;
  readonly l1: Provider;
  /** The node's L1 key (with a provider): heartbeats, claims, posts. */
  readonly signer: Signer;
  readonly rollup: RollupAddresses;
  readonly confirmations?: number;
  readonly postIntervalMs?: number;
  readonly idlePostIntervalMs?: number;
  /** Milliseconds between readiness heartbeats while not active on L1 (default 10 000). */
  readonly heartbeatIntervalMs?: number;
  /** Milliseconds between log pruning rounds of the leader (entries of batches final on L1; default 30 000). */
  readonly pruneIntervalMs?: number;
  /** Claim the active role on L1 after a crash as soon as the contract allows (default true). */
  readonly autoClaim?: boolean;
  /** Seal clock (default: the wall clock). */
  readonly clock?: () => bigint;
  /** Progress and events, one line each (default `console.log`). */
  readonly log?: (line: string) => void;
}

/** A running HA sequencer node. */
export interface HaSequencerNode {
  readonly nodeId: string;
  readonly engine: Engine;
  /** What it does now. */
  role(): NodeRole;
  /** The L2 RPC URL while it leads, else undefined. */
  rpcUrl(): string | undefined;
  /** The sequencer while it leads (tests). */
  sequencer(): Sequencer | undefined;
  /** Posts every applied block now if it leads and holds the L1 role (tests, handover). */
  postNow(): Promise<PostOutcome[]>;
  /** Resigns if it leads (the next standby takes over at once), then stops everything. Idempotent. */
  stop(): Promise<void>;
}

/** A request is acted on only while this fresh. */
const HANDOVER_FRESH_MS = 60_000;
const STATUS_INTERVAL_MS = 1000;
/** How often a standby looks at the leader key. */
const CAMPAIGN_POLL_MS = 50;
/** The election delay per rank (see `#electionDelayMs`). */
const ELECTION_STEP_MS = 100;
/** One etcd transaction holds at most 127 entries (etcd's default 128 ops, one for the meta key); a tx may bring a seal. */
const ETCD_ENTRIES_PER_APPEND = 120;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The sequencer and its RPC: open while the leader orders; closed and reopened if the lease is in doubt. */
interface Session {
  readonly sequencer: Sequencer;
  readonly server: RpcServer;
}

interface Term {
  readonly leadership: EtcdLeadership;
  readonly log: EtcdLog;
  /** The ordering session, or undefined while suspended. */
  session: Session | undefined;
  readonly posting: PostingLoop;
  /** Resolves with why the term ended. */
  readonly ended: Promise<string>;
  end(why: string): void;
}

class HaNode implements HaSequencerNode {
  readonly nodeId: string;
  readonly engine: Engine;
  readonly #o: HaSequencerOptions;
  readonly #keys: HaKeys;
  readonly #logKeys: EtcdLogKeys;
  readonly #say: (line: string) => void;
  readonly #feed: L1DelayedFeed;
  readonly #readLog: EtcdLog;
  readonly #follower: LogFollower;
  readonly #l1: L1Role;
  #role: NodeRole = "standby";
  #term: Term | undefined;
  #stopped = false;
  #stopSignal = new AbortController();
  #main: Promise<void> = Promise.resolve();
  #side: NodeJS.Timeout[] = [];
  #snap: L1RoleSnapshot | undefined;
  #lastBeat: { accumulator: string; at: number } | null = null;
  #lastBeatSentAt = 0;
  #beating = false;
  #claiming = false;

  constructor(o: HaSequencerOptions, engine: Engine, readLog: EtcdLog) {
    this.#o = o;
    this.nodeId = o.nodeId;
    this.engine = engine;
    this.#keys = haKeys(o.prefix);
    this.#logKeys = etcdLogKeys(o.prefix);
    this.#say = o.log ?? ((l: string) => console.log(l));
    const reader = new L1Reader({ provider: o.l1, delayedInbox: o.rollup.delayedInbox, sequencerInbox: o.rollup.sequencerInbox, confirmations: o.confirmations ?? 0 });
    this.#feed = new L1DelayedFeed(reader, o.rollup.deployBlock);
    this.#readLog = readLog;
    this.#follower = new LogFollower({ engine, log: readLog, feed: this.#feed });
    this.#l1 = new L1Role(o.signer, o.rollup);
  }

  role(): NodeRole {
    return this.#role;
  }

  rpcUrl(): string | undefined {
    return this.#term?.session?.server.url;
  }

  sequencer(): Sequencer | undefined {
    return this.#term?.session?.sequencer;
  }

  postNow(): Promise<PostOutcome[]> {
    return this.#term === undefined ? Promise.resolve([]) : this.#term.posting.postNow();
  }

  /** Starts the follower, the side loops and the election loop. */
  async start(): Promise<void> {
    this.#snap = await this.#l1.snapshot().catch(() => undefined); // the election delay needs the rank from the start
    this.#follower.start();
    this.#every(STATUS_INTERVAL_MS, () => this.#publishStatus());
    this.#every(1000, () => this.#l1Tick());
    this.#main = this.#run();
    this.#say(`sequencer: ready: standby ${this.nodeId} (${await this.#o.signer.getAddress()}): following the etcd log`);
  }

  stop(): Promise<void> {
    if (this.#stopped) return this.#main;
    this.#stopped = true;
    this.#stopSignal.abort(new Error("stopping"));
    for (const t of this.#side) clearInterval(t);
    this.#term?.end("the node is stopping");
    return this.#main.then(async () => {
      await this.#follower.stop();
      await this.#readLog.close();
      await this.engine.close();
    });
  }

  #every(ms: number, fn: () => Promise<void>): void {
    let busy = false;
    const t = setInterval(() => {
      if (busy || this.#stopped) return;
      busy = true;
      fn()
        .catch(() => undefined)
        .finally(() => (busy = false));
    }, ms);
    this.#side.push(t);
  }

  /** The election loop: campaign, lead until the term ends, follow again. */
  async #run(): Promise<void> {
    while (!this.#stopped) {
      const leadership = await this.#campaign();
      if (leadership === undefined) return;
      this.#say(`sequencer: ${this.nodeId}: won the leader lease at ${new Date().toISOString()}; stopping the follower and opening the log`);
      await this.#follower.stop();
      let why: string;
      try {
        why = await this.#lead(leadership);
      } catch (e) {
        why = `could not take over: ${message(e)}`;
        await leadership.resign().catch(() => undefined);
      }
      this.#role = "standby";
      if (this.#stopped) return;
      this.#say(`sequencer: ${this.nodeId}: stepped down: ${why}`);
      this.#follower.start();
      await sleep(200); // let a handover target or the next rank win first
    }
  }

  /**
   * Campaigns until elected. Holds back while a fresh handover request names another node. Once the leader key is
   * free, a candidate waits its {@link #electionDelayMs} before it tries, so that the node holding the L1 role wins
   * (it posts at once) and otherwise the lowest rank wins (its `claimActive` waits the least).
   */
  async #campaign(): Promise<EtcdLeadership | undefined> {
    let freeSince: number | undefined;
    while (!this.#stopped) {
      // The leader key first: while someone leads, nothing else matters (one read per poll).
      const leader = await EtcdLeadership.currentLeader(this.#o.etcd, this.#logKeys.leader).catch(() => "unknown");
      if (leader !== undefined) {
        freeSince = undefined;
        await sleep(CAMPAIGN_POLL_MS);
        continue;
      }
      const req = await readHandoverRequest(this.#o.etcd, this.#keys).catch(() => undefined);
      const fresh = req !== undefined && Date.now() - req.requestedAt < HANDOVER_FRESH_MS;
      if (fresh && req.to !== this.nodeId) {
        freeSince = undefined;
        await sleep(250);
        continue;
      }
      freeSince ??= Date.now();
      if (Date.now() - freeSince < (fresh ? 0 : this.#electionDelayMs())) {
        await sleep(10);
        continue;
      }
      const leadership = new EtcdLeadership({ client: this.#o.etcd, key: this.#logKeys.leader, candidate: this.nodeId, ttlSeconds: this.#o.leaseTtlSeconds ?? 2, pollMs: CAMPAIGN_POLL_MS });
      try {
        await leadership.campaign(AbortSignal.any([this.#stopSignal.signal, AbortSignal.timeout(2000)]));
        return leadership;
      } catch {
        freeSince = undefined; // someone else won (or a stop): watch the key again
      }
    }
    return undefined;
  }

  /**
   * How long this node lets a free leader key stay free before it campaigns: 0 for the holder of the L1 active role,
   * `ELECTION_STEP_MS` × rank otherwise (the primary, which the contract makes wait like rank 1, just after rank 1),
   * and longest for a node that is not a member.
   */
  #electionDelayMs(): number {
    const snap = this.#snap;
    if (snap === undefined || snap.rank === null) return 10 * ELECTION_STEP_MS;
    if (snap.isActive) return 0;
    return ELECTION_STEP_MS * (snap.rank === 0 ? 1.5 : snap.rank);
  }

  /**
   * Opens an ordering session: the sequencer over the fenced log (applying the log to its end and rebuilding the
   * pending pool from the open block) and, only then, the RPC.
   */
  async #openSession(log: EtcdLog): Promise<Session> {
    const o = this.#o;
    const sequencer = await Sequencer.open({
      engine: this.engine,
      log,
      feed: this.#feed,
      sealIntervalMs: o.sealIntervalMs,
      maxEntriesPerAppend: ETCD_ENTRIES_PER_APPEND,
      ...(o.clock === undefined ? {} : { clock: o.clock }),
      onError: (e, where) => this.#say(`sequencer: ${this.nodeId}: ${where} failed: ${message(e)}`),
    });
    let server: RpcServer;
    try {
      server = await RpcServer.listen({ sequencer, host: o.rpcHost, port: o.rpcPort });
    } catch (e) {
      await sequencer.stop();
      throw e;
    }
    sequencer.start();
    return { sequencer, server };
  }

  async #closeSession(s: Session): Promise<void> {
    await s.server.close().catch(() => undefined);
    await s.sequencer.stop();
  }

  /**
   * One term as leader; resolves with why it ended. Within the term, a sequencer that halts while the lease is only
   * in doubt (etcd lost its quorum: keep-alives unanswered, the lease not known lost) or while a commit is in doubt
   * is closed and reopened from the log once the lease is confirmed again: no acknowledgement meanwhile, no leader
   * change, and nothing acknowledged is lost (it is in the log).
   */
  async #lead(leadership: EtcdLeadership): Promise<string> {
    const o = this.#o;
    const log = await EtcdLog.open({ client: o.etcd, prefix: o.prefix, leadership });
    let session: Session;
    try {
      session = await this.#openSession(log);
    } catch (e) {
      await log.close();
      throw e;
    }
    const poster = new BatchPoster({ log, engine: this.engine, signer: o.signer, sequencerInbox: o.rollup.sequencerInbox, sequencerSet: o.rollup.sequencerSet });
    const posting = startPostingLoop({
      poster,
      ...(o.postIntervalMs === undefined ? {} : { intervalMs: o.postIntervalMs }),
      ...(o.idlePostIntervalMs === undefined ? {} : { idlePostIntervalMs: o.idlePostIntervalMs }),
      exclusive: (fn) => this.#l1.exclusive(fn),
      mayPost: () => this.#role === "leader",
      onPosted: (out) => this.#posted(out),
      onError: (e) => this.#say(`sequencer: posting failed, retrying next round: ${message(e)}`),
    });
    let end!: (why: string) => void;
    let over = false;
    const ended = new Promise<string>((r) => (end = (why: string) => ((over = true), r(why))));
    const term: Term = { leadership, log, session, posting, ended, end };
    this.#term = term;
    this.#role = "leader";
    const unsubscribe = leadership.onLost((why) => end(`lost the leader lease: ${why}`));
    let checking = false;
    const check = async (): Promise<void> => {
      if (leadership.state !== "leader") return end(`the term is over (${leadership.state})`);
      const cur = term.session;
      if (cur !== undefined && cur.sequencer.halted !== null && this.#role === "leader") {
        term.session = undefined;
        this.#say(`sequencer: ${this.nodeId}: suspended: ${cur.sequencer.halted}; reopening from the log once the lease is confirmed`);
        await this.#closeSession(cur);
      } else if (cur === undefined && leadership.isLeader() && this.#role === "leader" && !over) {
        const next = await this.#openSession(log);
        if (over) return void (await this.#closeSession(next));
        term.session = next;
        this.#say(`sequencer: ${this.nodeId}: resumed ordering: ${next.sequencer.pendingCount} pending, L2 RPC ${next.server.url}`);
      }
    };
    const watch = setInterval(() => {
      if (checking || over) return;
      checking = true;
      check()
        .catch((e: unknown) => this.#say(`sequencer: ${this.nodeId}: could not reopen yet: ${message(e)}`))
        .finally(() => (checking = false));
    }, 100);
    const head = await log.head();
    this.#say(`sequencer: leader ${this.nodeId}: elected at ${new Date().toISOString()}: log applied to seq ${head.nextSeq}, ${session.sequencer.pendingCount} pending, L2 RPC ${session.server.url}`);
    const req = await readHandoverRequest(o.etcd, this.#keys).catch(() => undefined);
    if (req?.to === this.nodeId) await clearHandoverRequest(o.etcd, this.#keys).catch(() => undefined);
    const handoverWatch = setInterval(() => void this.#maybeHandOver(term), 500);
    const pruner = new LogPruner({ log, engine: this.engine, provider: o.l1, stateCommitment: o.rollup.stateCommitment, sequencerInbox: o.rollup.sequencerInbox });
    const pruning = setInterval(() => {
      if (this.#role !== "leader") return;
      pruner.pruneOnce().then(
        (r) => (r.pruned ? this.#say(`sequencer: ${this.nodeId}: pruned the log up to seq ${r.uptoSeq} (batch ${r.final.batchIndex} is final on L1; ${r.removed} entries)`) : undefined),
        (e: unknown) => this.#say(`sequencer: ${this.nodeId}: pruning failed, retrying: ${message(e)}`),
      );
    }, o.pruneIntervalMs ?? 30_000);
    let why: string;
    try {
      why = await ended;
    } finally {
      clearInterval(watch);
      clearInterval(handoverWatch);
      clearInterval(pruning);
      await pruner.pruneOnce().catch(() => undefined); // waits for a round in flight
      unsubscribe();
      this.#role = "stepping-down";
      while (checking) await sleep(20);
      if (term.session !== undefined) await this.#closeSession(term.session);
      await posting.stop();
      await log.close();
      await leadership.resign().catch(() => undefined);
      this.#term = undefined;
    }
    return why;
  }

  /** Records what the poster put on L1. */
  #posted(out: readonly PostOutcome[]): void {
    for (const p of out) {
      if (!p.posted) continue;
      this.#say(`sequencer: ${describePosted(p)}`);
    }
    const last = [...out].reverse().find((p) => p.posted);
    if (last?.posted) void raiseMetaNumber(this.#o.etcd, this.#keys.posted, last.batch.lastSeq).catch(() => undefined);
  }

  /** A planned handover, if a fresh request names another node. */
  async #maybeHandOver(term: Term): Promise<void> {
    if (this.#role !== "leader" || this.#term !== term) return;
    let req: HandoverRequest | undefined;
    try {
      req = await readHandoverRequest(this.#o.etcd, this.#keys);
    } catch {
      return;
    }
    if (req === undefined || req.to === this.nodeId || Date.now() - req.requestedAt >= HANDOVER_FRESH_MS || this.#role !== "leader") return;
    this.#role = "handing-over";
    try {
      const { statuses } = await readNodeStatuses(this.#o.etcd, this.#keys);
      const target = statuses.find((s) => s.id === req.to);
      if (target === undefined) throw new Error(`no node ${req.to} publishes a status`);
      this.#say(`sequencer: ${this.nodeId}: handing over to ${req.to} (${target.address}): sealing and posting`);
      const session = term.session;
      term.session = undefined;
      if (session !== undefined) {
        await session.server.close(); // no new transactions
        await session.sequencer.sealNow().catch(() => undefined); // close the open block (it may hold acknowledged transactions)
        await session.sequencer.stop();
      }
      const snap = await this.#l1.snapshot();
      if (snap.isActive) {
        await term.posting.postNow();
        const deadline = Date.now() + 45_000;
        for (;;) {
          try {
            const tx = await this.#l1.handover(target.address);
            this.#say(`sequencer: ${this.nodeId}: handed over the active role to ${target.address} (tx ${tx})`);
            break;
          } catch (e) {
            if (Date.now() > deadline) throw new Error(`SequencerSet.handover(${target.address}) kept failing: ${message(e)}`);
            await sleep(1000); // the target heartbeats the new inbox head
          }
        }
      }
      term.end(`planned handover to ${req.to}`);
    } catch (e) {
      term.end(`handover to ${req.to} failed, resigning anyway: ${message(e)}`);
    }
  }

  /** Once a second: read L1, heartbeat when due, claim the role when due. */
  async #l1Tick(): Promise<void> {
    const snap = await this.#l1.snapshot();
    this.#snap = snap;
    if (snap.rank === null || snap.isActive) return;
    const head = this.engine.head().number;
    const req = await readHandoverRequest(this.#o.etcd, this.#keys).catch(() => undefined);
    const target = req !== undefined && req.to === this.nodeId && Date.now() - req.requestedAt < HANDOVER_FRESH_MS;
    const interval = target || this.#role === "leader" ? 1000 : (this.#o.heartbeatIntervalMs ?? 10_000);
    const stale = snap.lastHeartbeat.accumulator !== snap.inboxHead || !snap.isReady;
    if (!this.#beating && stale && Date.now() - this.#lastBeatSentAt >= interval) {
      this.#beating = true;
      this.#lastBeatSentAt = Date.now();
      try {
        const beat = await this.#l1.heartbeatIfSynced(head, snap);
        if (beat !== null) this.#lastBeat = { accumulator: beat.accumulator, at: Math.floor(Date.now() / 1000) };
      } finally {
        this.#beating = false;
      }
    }
    if (this.#role === "leader" && (this.#o.autoClaim ?? true) && !this.#claiming) {
      this.#claiming = true;
      try {
        const tx = await this.#l1.claimIfDue(this.engine.head().number);
        if (tx !== null) {
          this.#say(`sequencer: ${this.nodeId}: claimed the active role on L1 (tx ${tx})`);
          void this.#term?.posting.postNow().then((out) => this.#posted(out), () => undefined);
        }
      } finally {
        this.#claiming = false;
      }
    }
  }

  async #publishStatus(): Promise<void> {
    const o = this.#o;
    const head = this.engine.head();
    const url = this.#term?.session?.server.url ?? `http://${o.rpcHost}:${o.rpcPort}`;
    await writeNodeStatus(o.etcd, this.#keys, {
      id: this.nodeId,
      address: await o.signer.getAddress(),
      rpcUrl: url,
      role: this.#role,
      appliedSeq: (head.cursor === null ? 0n : head.cursor.seq + 1n).toString(),
      headBlock: head.number.toString(),
      l1Active: this.#snap?.isActive ?? false,
      rank: this.#snap?.rank ?? null,
      updatedAt: Date.now(),
      lastHeartbeat: this.#lastBeat ?? (this.#snap !== undefined && this.#snap.lastHeartbeat.at > 0n ? { accumulator: this.#snap.lastHeartbeat.accumulator, at: Number(this.#snap.lastHeartbeat.at) } : null),
    });
    if (this.#role === "leader") await raiseMetaNumber(o.etcd, this.#keys.l1Cursor, this.#feed.cursor.fromBlock);
  }
}

/** Opens the engine and the log, and starts the node as a standby (it campaigns at once). */
export async function startHaSequencerNode(o: HaSequencerOptions): Promise<HaSequencerNode> {
  const engine = await openNodeEngine(o);
  let readLog: EtcdLog | undefined;
  try {
    readLog = await EtcdLog.open({ client: o.etcd, prefix: o.prefix });
    const node = new HaNode(o, engine, readLog);
    await node.start();
    return node;
  } catch (e) {
    await readLog?.close();
    await engine.close();
    throw e;
  }
}
