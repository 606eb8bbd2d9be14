/**
 * Leadership over a chain log on etcd: a leader key bound to a lease (TTL 2 to 3 s).
 *
 * - `campaign` creates the key only if it does not exist (one transaction), bound to this candidate's lease, and
 *   waits while someone else holds it. The key's value names the candidate and its lease, so it is unique per term.
 * - The lease is kept alive every TTL/4. The `etcd3` client only reports a lease "lost" after twice its TTL, so
 *   this class keeps its own clock: it records when each successful keep-alive was SENT; the lease surely lives
 *   until that instant plus the TTL the server granted (minus a safety margin). Past that, {@link isLeader} is
 *   false and the log refuses to append, before etcd itself would refuse (etcd deletes the key when the lease
 *   expires, so the log's fenced transaction fails too: the local clock only makes the stop prompt).
 * - A keep-alive answered with TTL <= 0 (the lease is gone) or a leader key no longer ours ends the term:
 *   `onLost` listeners run once. A quorum loss that heals before the lease expired on the server does not end
 *   the term (etcd extends leases across its own leader changes), so the leader resumes without a leader change.
 * - The log's fence is the leader key's value AND its mod revision. To close the door on an append whose commit
 *   timed out, {@link refreshFence} re-puts the key (same value, same lease): a transaction still in flight that
 *   compares the old revision can then never apply.
 */
import type { Etcd3, IKeyValue, Watcher } from "etcd3";

import { cancelWatcher, deadlineIn } from "./etcd-client.ts";
import { FencingError, LogError } from "./types.ts";

/** What a fenced transaction compares: the leader key holds `value` and was last written at `modRevision`. */
export interface LeaderFence {
  readonly key: string;
  readonly value: string;
  readonly modRevision: string;
  readonly leaseId: string;
}

/** Options of {@link EtcdLeadership}. */
export interface EtcdLeadershipOptions {
  /** A client from `connectEtcd` (retries off). Not closed by this class. */
  readonly client: Etcd3;
  /** The leader key, e.g. `etcdLogKeys(prefix).leader`. */
  readonly key: string;
  /** This candidate's name (node id), shown by {@link EtcdLeadership.currentLeader}. No `#`. */
  readonly candidate: string;
  /** Lease TTL in whole seconds: 2 or 3 (default 2). */
  readonly ttlSeconds?: number;
  /** Deadline of each etcd call, ms (default 1000). */
  readonly callTimeoutMs?: number;
  /** Milliseconds between polls of the leader key while waiting to be elected (default 100). */
  readonly pollMs?: number;
}

type State = "idle" | "campaigning" | "leader" | "lost" | "resigned";

/** One candidate's term: campaign, lead, lose or resign. A lost or resigned term is over; start a new one. */
export class EtcdLeadership {
  readonly key: string;
  readonly candidate: string;
  readonly ttlSeconds: number;
  readonly #client: Etcd3;
  readonly #callMs: number;
  readonly #pollMs: number;
  #state: State = "idle";
  #leaseId: string | undefined;
  #value: string | undefined;
  #modRevision: string | undefined;
  /** Wall-clock ms until which the lease surely lives on the server. */
  #validUntil = 0;
  #keepAliveTimer: NodeJS.Timeout | undefined;
  #keepAliveBusy = false;
  readonly #lostListeners = new Set<(why: string) => void>();

  constructor(opts: EtcdLeadershipOptions) {
    if (typeof opts.key !== "string" || opts.key === "") throw new LogError("leadership key: must be a non-empty string");
    if (typeof opts.candidate !== "string" || opts.candidate === "" || opts.candidate.includes("#")) {
      throw new LogError(`leadership candidate: must be a non-empty name without "#", got "${String(opts.candidate)}"`);
    }
    const ttl = opts.ttlSeconds ?? 2;
    if (ttl !== 2 && ttl !== 3) throw new LogError(`leadership ttlSeconds: must be 2 or 3, got ${String(ttl)}`);
    this.key = opts.key;
    this.candidate = opts.candidate;
    this.ttlSeconds = ttl;
    this.#client = opts.client;
    this.#callMs = opts.callTimeoutMs ?? 1000;
    this.#pollMs = opts.pollMs ?? 100;
  }

  /** The state of this term. */
  get state(): State {
    return this.#state;
  }

  /**
   * Campaigns until elected (resolves), aborted (rejects with the signal's reason) or the lease is lost while
   * waiting (a new lease is granted and the campaign goes on).
   */
  async campaign(signal?: AbortSignal): Promise<void> {
    if (this.#state !== "idle") throw new LogError(`leadership: campaign needs a fresh term, this one is ${this.#state}`);
    this.#state = "campaigning";
    try {
      for (;;) {
        signal?.throwIfAborted();
        try {
          if (this.#leaseId === undefined || Date.now() > this.#validUntil) await this.#grant();
          const value = `${this.candidate}#${this.#leaseId!}`;
          // Read first, so that waiting candidates poll with reads, not with writes through Raft.
          const existing = (await this.#client.kv.range({ key: Buffer.from(this.key) }, deadlineIn(this.#callMs))).kvs[0];
          let won: string | undefined;
          if (existing !== undefined) {
            // Our own value (with our lease) means an earlier attempt committed but its answer was lost.
            if (existing.value.toString() === value) won = existing.mod_revision;
          } else {
            const res = await this.#client.kv.txn(
              {
                compare: [{ key: Buffer.from(this.key), target: "Create", result: "Equal", create_revision: 0 }],
                success: [{ request_put: { key: Buffer.from(this.key), value: Buffer.from(value), lease: this.#leaseId! } }],
                failure: [],
              },
              deadlineIn(this.#callMs),
            );
            if (res.succeeded) won = res.header.revision;
          }
          if (won !== undefined && Date.now() < this.#validUntil) {
            this.#value = value;
            this.#modRevision = won;
            this.#state = "leader";
            return;
          }
        } catch (e) {
          if (e instanceof LogError) throw e;
          // etcd unreachable or slow: keep campaigning (nothing is written without the create-if-absent check).
        }
        await sleep(this.#pollMs, signal);
      }
    } catch (e) {
      if (this.#state === "campaigning") this.#state = "idle";
      await this.#dropLease();
      throw e;
    }
  }

  /** True while elected and the lease surely has not expired on the server (by this process's clock). */
  isLeader(): boolean {
    return this.#state === "leader" && Date.now() < this.#validUntil;
  }

  /** Milliseconds the lease surely has left (0 if not leader or it may have expired). */
  leaseMsLeft(): number {
    return this.#state === "leader" ? Math.max(0, this.#validUntil - Date.now()) : 0;
  }

  /** The fence for the next transaction; throws {@link FencingError} ("leader") unless {@link isLeader}. */
  fence(): LeaderFence {
    if (this.#state !== "leader") throw new FencingError("leader", `not the leader of ${this.key} (term ${this.#state})`);
    if (Date.now() >= this.#validUntil) {
      throw new FencingError("leader", `the lease of ${this.key} may have expired (no keep-alive answered for ${this.ttlSeconds} s): not appending`);
    }
    return { key: this.key, value: this.#value!, modRevision: this.#modRevision!, leaseId: this.#leaseId! };
  }

  /**
   * Adopts the leader key's new mod revision after the log moved it (see the module comment), or after the log
   * found the key still holding this term's value at a later revision (only this term writes that value, so the
   * later revision is this term's own re-put whose answer was lost). Used by the log.
   */
  refreshFence(newModRevision: string): void {
    if (this.#state === "leader" && BigInt(newModRevision) > BigInt(this.#modRevision!)) this.#modRevision = newModRevision;
  }

  /** Ends the term because the log saw the fence fail (the key is no longer ours). */
  markLost(why: string): void {
    this.#lose(why);
  }

  /** Runs `cb` once when this term is lost (lease gone or key taken). Returns an unsubscribe function. */
  onLost(cb: (why: string) => void): () => void {
    this.#lostListeners.add(cb);
    return () => this.#lostListeners.delete(cb);
  }

  /** Gives up leadership: deletes the key if it is still ours and revokes the lease. */
  async resign(): Promise<void> {
    const was = this.#state;
    this.#state = "resigned";
    this.#stopKeepAlive();
    if (was === "leader" && this.#value !== undefined) {
      try {
        await this.#client.kv.txn(
          {
            compare: [{ key: Buffer.from(this.key), target: "Value", result: "Equal", value: Buffer.from(this.#value) }],
            success: [{ request_delete_range: { key: Buffer.from(this.key) } }],
            failure: [],
          },
          deadlineIn(this.#callMs),
        );
      } catch {
        // The lease revocation below (or its expiry) removes the key anyway.
      }
    }
    await this.#dropLease();
  }

  /** The candidate named by the leader key now, or undefined when nobody leads. */
  static async currentLeader(client: Etcd3, key: string, callTimeoutMs = 1000): Promise<string | undefined> {
    const res = await client.kv.range({ key: Buffer.from(key) }, deadlineIn(callTimeoutMs));
    return candidateOf(res.kvs[0]);
  }

  /**
   * Calls `onChange` with the current leader's name (undefined when none), then on every change of the leader
   * key (never twice in a row with the same value). If etcd cancels the watch (e.g. compaction), it re-reads the
   * key and watches again. Returns a function that stops watching.
   */
  static async watchLeader(client: Etcd3, key: string, onChange: (leader: string | undefined) => void, callTimeoutMs = 1000): Promise<() => Promise<void>> {
    let last: string | undefined | null = null;
    const report = (l: string | undefined) => {
      if (l !== last) {
        last = l;
        onChange(l);
      }
    };
    let stopped = false;
    let watcher: Watcher | undefined;
    const start = async (): Promise<void> => {
      const now = await client.kv.range({ key: Buffer.from(key) }, deadlineIn(callTimeoutMs));
      report(candidateOf(now.kvs[0]));
      if (stopped) return;
      const w = client
        .watch()
        .key(key)
        .startRevision(String(BigInt(now.header.revision) + 1n))
        .watcher();
      watcher = w;
      w.on("put", (kv) => report(candidateOf(kv)));
      w.on("delete", () => report(undefined));
      w.on("error", () => {
        void cancelWatcher(w);
        if (!stopped) setTimeout(() => void start().catch(() => undefined), callTimeoutMs).unref();
      });
    };
    await start();
    return async () => {
      stopped = true;
      if (watcher !== undefined) await cancelWatcher(watcher);
    };
  }

  async #grant(): Promise<void> {
    await this.#dropLease();
    const sent = Date.now();
    const res = await this.#client.leaseClient.leaseGrant({ TTL: this.ttlSeconds }, deadlineIn(this.#callMs));
    this.#leaseId = res.ID;
    this.#validUntil = sent + Number(res.TTL) * 1000 - this.#marginMs();
    this.#startKeepAlive();
  }

  /** Safety margin for clock-rate differences and scheduling: a tenth of the TTL. */
  #marginMs(): number {
    return this.ttlSeconds * 100;
  }

  #startKeepAlive(): void {
    this.#stopKeepAlive();
    const every = (this.ttlSeconds * 1000) / 4;
    this.#keepAliveTimer = setInterval(() => void this.#keepAliveOnce(), every);
    this.#keepAliveTimer.unref();
  }

  #stopKeepAlive(): void {
    if (this.#keepAliveTimer !== undefined) clearInterval(this.#keepAliveTimer);
    this.#keepAliveTimer = undefined;
  }

  async #keepAliveOnce(): Promise<void> {
    if (this.#keepAliveBusy || this.#leaseId === undefined) return;
    this.#keepAliveBusy = true;
    const id = this.#leaseId;
    const sent = Date.now();
    try {
      const ttl = await keepAlive(this.#client, id, (this.ttlSeconds * 1000) / 2);
      if (id !== this.#leaseId) return;
      if (ttl <= 0) {
        this.#validUntil = 0;
        this.#lose(`the lease of ${this.key} expired on the server`);
        return;
      }
      this.#validUntil = Math.max(this.#validUntil, sent + ttl * 1000 - this.#marginMs());
    } catch {
      // No answer: the clock in #validUntil decides; the next tick tries again.
    } finally {
      this.#keepAliveBusy = false;
    }
  }

  #lose(why: string): void {
    if (this.#state === "campaigning") {
      // Lost the lease while waiting: the campaign grants a new one.
      this.#validUntil = 0;
      return;
    }
    if (this.#state !== "leader") return;
    this.#state = "lost";
    this.#validUntil = 0;
    this.#stopKeepAlive();
    for (const cb of [...this.#lostListeners]) cb(why);
    void this.#dropLease();
  }

  async #dropLease(): Promise<void> {
    this.#stopKeepAlive();
    const id = this.#leaseId;
    this.#leaseId = undefined;
    if (id === undefined) return;
    try {
      await this.#client.leaseClient.leaseRevoke({ ID: id }, deadlineIn(this.#callMs));
    } catch {
      // It expires by itself within its TTL.
    }
  }
}

function candidateOf(kv: IKeyValue | undefined): string | undefined {
  if (kv === undefined) return undefined;
  const v = kv.value.toString();
  const i = v.lastIndexOf("#");
  return i < 0 ? v : v.slice(0, i);
}

/** One keep-alive round trip on its own stream; resolves with the TTL the server granted (<= 0: lease gone). */
async function keepAlive(client: Etcd3, leaseId: string, timeoutMs: number): Promise<number> {
  const stream = await client.leaseClient.leaseKeepAlive(deadlineIn(timeoutMs));
  try {
    return await new Promise<number>((resolve, reject) => {
      stream.on("data", (res: { TTL: string }) => resolve(Number(res.TTL)));
      stream.on("error", reject);
      stream.on("end", () => reject(new Error("keep-alive stream ended")));
      stream.write({ ID: leaseId });
    });
  } finally {
    stream.end();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
