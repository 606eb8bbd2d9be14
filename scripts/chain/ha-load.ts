/**
 * The load of the HA chaos tests and the failover bench: several clients, each with its own funded key and its
 * own nonce sequence, sending ETH and ERC-20 transfers one after the other (`eth_sendRawTransaction`, waiting for
 * each answer, as a wallet does) to a list of sequencer URLs. On a refused connection or a timeout a client moves
 * to the next URL and re-sends the SAME signed bytes: it never signs a different transaction with a nonce it has
 * used, so a transaction that reached the log before the failover can only be found again, never replaced.
 *
 * What it records:
 * - an ACKNOWLEDGEMENT is a successful `eth_sendRawTransaction`: hash, client, nonce, the time the acknowledged
 *   request was sent and the time its answer arrived;
 * - "already known" (the leader holds it in its pool, its append may still fail) is not an answer: the client
 *   re-sends the same bytes until they are acknowledged or answered "nonce too low";
 * - "nonce too low" after an earlier attempt of the same bytes that may have reached a sequencer (timed out, reset,
 *   refused as unavailable) means the nonce is spent, by these bytes since no other transaction ever carries it:
 *   the transaction is UNKNOWN (ordered, never acknowledged to this client), recorded as such, and the client moves
 *   on to its next nonce;
 * - "unavailable" refusals (-32002: the append failed or is in doubt, the sequencer is halted or stopping) are
 *   counted and the same bytes go to the next URL; back-pressure refusals are retried after 50 ms;
 * - any other refusal is recorded as an anomaly (none is expected) and the same bytes are retried.
 *
 * The clients' state (next nonce, the transaction in flight) outlives `stop()`, so one load can run again and
 * again across scenarios on the same chain without ever reusing a nonce.
 */
import { Interface, Transaction, type HDNodeWallet } from "ethers";

/** An acknowledged transaction. */
export interface LoadAck {
  readonly hash: string;
  readonly client: number;
  readonly nonce: number;
  /** Wall-clock ms when the acknowledged request was sent, and when its answer arrived. */
  readonly sentAt: number;
  readonly ackedAt: number;
  /** The URL that acknowledged it. */
  readonly url: string;
}

/** A transaction whose fate this client never learned from an acknowledgement. */
export interface LoadUnknown {
  readonly hash: string;
  readonly client: number;
  readonly nonce: number;
  /** The answer that told us it is already ordered ("already known", "nonce too low"). */
  readonly reason: string;
  readonly at: number;
}

/** A refusal no client expects (a bug in the sequencer or in the load). */
export interface LoadAnomaly {
  readonly client: number;
  readonly nonce: number;
  readonly url: string;
  readonly message: string;
  readonly at: number;
}

/** Options of {@link HaLoad}. */
export interface HaLoadOptions {
  /** Sequencer L2 RPC URLs, in the order clients try them. */
  readonly urls: readonly string[];
  /** One funded key per client. */
  readonly keys: readonly HDNodeWallet[];
  readonly chainId: bigint | number;
  /** An ERC-20 each client holds: every other transaction is a transfer of it (default: ETH transfers only). */
  readonly token?: string;
  /** Per-request timeout, ms (default 2000). */
  readonly requestTimeoutMs?: number;
  /** Pause of each client between two acknowledged transactions, ms (default 50). */
  readonly pauseMs?: number;
  /** `maxFeePerGas` of every transaction, wei (default 100 gwei). */
  readonly maxFeePerGas?: bigint;
}

const ERC20 = new Interface(["function transfer(address to, uint256 amount) returns (bool)"]);
const BACK_PRESSURE = /^(account limit exceeded|txpool is full)/;
const ALREADY_POOLED = /^already known/;
const NONCE_SPENT = /^nonce too low/;
/** The node's "not acknowledged, try again" code (`RpcErrorCode.Unavailable`). */
const UNAVAILABLE = -32002;

/** Why a request got no JSON-RPC answer. */
type NoAnswer = { readonly kind: "refused" } | { readonly kind: "in-doubt"; readonly why: string };

interface ClientState {
  nextNonce: number | undefined;
  /** The signed transaction in flight (sent at least once, or about to be). */
  current: { raw: string; hash: string; nonce: number; mayHaveArrived: boolean } | undefined;
  urlIndex: number;
}

/** The load; see the module comment. */
export class HaLoad {
  readonly acks: LoadAck[] = [];
  readonly unknowns: LoadUnknown[] = [];
  readonly anomalies: LoadAnomaly[] = [];
  /** Requests that got no answer (refused connections, timeouts, resets), for the record. */
  noAnswer = 0;
  /** Requests refused as unavailable (-32002), for the record. */
  unavailable = 0;
  readonly #o: Required<Omit<HaLoadOptions, "token">> & Pick<HaLoadOptions, "token">;
  readonly #clients: ClientState[];
  #running: Promise<void>[] = [];
  #pauseMs: number;
  #stopping = false;

  constructor(o: HaLoadOptions) {
    if (o.urls.length === 0) throw new RangeError("HaLoad: urls must name at least one sequencer");
    for (const u of o.urls) if (!/^https?:\/\//.test(u)) throw new RangeError(`HaLoad: urls: "${u}" is not an http(s) URL`);
    if (o.keys.length === 0) throw new RangeError("HaLoad: keys must hold at least one client key");
    const timeout = o.requestTimeoutMs ?? 2000;
    if (!Number.isInteger(timeout) || timeout < 50) throw new RangeError(`HaLoad: requestTimeoutMs must be an integer >= 50, got ${timeout}`);
    const pause = o.pauseMs ?? 50;
    if (!Number.isInteger(pause) || pause < 0) throw new RangeError(`HaLoad: pauseMs must be a non-negative integer, got ${pause}`);
    this.#o = { urls: [...o.urls], keys: [...o.keys], chainId: o.chainId, token: o.token, requestTimeoutMs: timeout, pauseMs: pause, maxFeePerGas: o.maxFeePerGas ?? 100n * 10n ** 9n };
    this.#clients = o.keys.map(() => ({ nextNonce: undefined, current: undefined, urlIndex: 0 }));
    this.#pauseMs = pause;
  }

  /** Sets each client's pause between two acknowledged transactions, ms (0: as fast as acknowledgements come). */
  setPause(ms: number): void {
    if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`HaLoad: pause must be a non-negative integer, got ${ms}`);
    this.#pauseMs = ms;
  }

  /** Whether the clients are running. */
  get running(): boolean {
    return this.#running.length > 0;
  }

  /** Starts every client (no-op if running). */
  start(): void {
    if (this.running) return;
    this.#stopping = false;
    this.#running = this.#clients.map((_, i) => this.#runClient(i));
  }

  /**
   * Stops the clients: each finishes the transaction in flight (acknowledged, or known to be ordered) within
   * `drainMs`, then stops. A client still in doubt after that keeps its transaction for the next `start()`.
   */
  async stop(drainMs = 15_000): Promise<void> {
    this.#stopping = true;
    this.#drainUntil = Date.now() + drainMs;
    await Promise.all(this.#running);
    this.#running = [];
  }

  /** Acknowledgements whose answer arrived in `[from, to)` (ms). */
  acksBetween(from: number, to = Infinity): LoadAck[] {
    return this.acks.filter((a) => a.ackedAt >= from && a.ackedAt < to);
  }

  /** The first acknowledgement that arrived at or after `t`, if any, not counting those from `exceptUrl` (a node just killed may still answer a request in flight). */
  firstAckAfter(t: number, exceptUrl?: string): LoadAck | undefined {
    let best: LoadAck | undefined;
    for (const a of this.acks) if (a.ackedAt >= t && a.url !== exceptUrl && (best === undefined || a.ackedAt < best.ackedAt)) best = a;
    return best;
  }

  /** Waits until `n` more acknowledgements than now arrived (or rejects after `timeoutMs`, naming `what`). */
  async waitForMoreAcks(n: number, what: string, timeoutMs: number): Promise<void> {
    const target = this.acks.length + n;
    const end = Date.now() + timeoutMs;
    while (this.acks.length < target) {
      if (Date.now() > end) throw new Error(`${what}: ${this.acks.length - (target - n)} of ${n} acknowledgements within ${timeoutMs / 1000} s (anomalies: ${JSON.stringify(this.anomalies.slice(-3))})`);
      await sleep(50);
    }
  }

  #drainUntil = Infinity;

  async #runClient(i: number): Promise<void> {
    const st = this.#clients[i]!;
    const key = this.#o.keys[i]!;
    while (!this.#stopping || (st.current !== undefined && Date.now() < this.#drainUntil)) {
      if (st.current === undefined) {
        if (this.#stopping) return;
        if (st.nextNonce === undefined) {
          st.nextNonce = await this.#pendingNonce(i, key.address);
          if (st.nextNonce === undefined) continue;
        }
        const nonce = st.nextNonce;
        const raw = this.#sign(i, key, nonce);
        st.current = { raw, hash: Transaction.from(raw).hash!, nonce, mayHaveArrived: false };
      }
      const cur = st.current;
      const url = this.#o.urls[st.urlIndex]!;
      const sentAt = Date.now();
      const r = await this.#send(url, cur.raw);
      const at = Date.now();
      if ("kind" in r) {
        this.noAnswer++;
        if (r.kind === "in-doubt") cur.mayHaveArrived = true;
        st.urlIndex = (st.urlIndex + 1) % this.#o.urls.length;
        if (st.urlIndex === 0) await sleep(20); // every URL refused in turn: do not spin
        continue;
      }
      if (r.result !== undefined) {
        this.acks.push({ hash: cur.hash, client: i, nonce: cur.nonce, sentAt, ackedAt: at, url });
        if (r.result.toLowerCase() !== cur.hash.toLowerCase()) this.anomalies.push({ client: i, nonce: cur.nonce, url, message: `acknowledged with hash ${r.result}, expected ${cur.hash}`, at });
        this.#next(st);
        if (this.#pauseMs > 0) await sleep(this.#pauseMs);
        continue;
      }
      const message = r.error?.message ?? "an answer with neither result nor error";
      if (BACK_PRESSURE.test(message)) {
        await sleep(50);
        continue;
      }
      if (r.error?.code === UNAVAILABLE) {
        this.unavailable++;
        cur.mayHaveArrived = true; // an append in doubt may have landed
        st.urlIndex = (st.urlIndex + 1) % this.#o.urls.length;
        await sleep(50);
        continue;
      }
      if (ALREADY_POOLED.test(message) && cur.mayHaveArrived) {
        await sleep(100); // pending at the leader: ask again until acknowledged or its nonce is spent
        continue;
      }
      if (NONCE_SPENT.test(message) && cur.mayHaveArrived) {
        this.unknowns.push({ hash: cur.hash, client: i, nonce: cur.nonce, reason: message, at });
        this.#next(st);
        continue;
      }
      // Anything else (e.g. a leader that is handing over and refuses writes): record it, try the next URL.
      this.anomalies.push({ client: i, nonce: cur.nonce, url, message, at });
      cur.mayHaveArrived = true;
      st.urlIndex = (st.urlIndex + 1) % this.#o.urls.length;
      await sleep(100);
    }
  }

  #next(st: ClientState): void {
    st.nextNonce = st.current!.nonce + 1;
    st.current = undefined;
  }

  #sign(i: number, key: HDNodeWallet, nonce: number): string {
    const to = this.#o.keys[(i + 1) % this.#o.keys.length]!.address;
    const erc20 = this.#o.token !== undefined && nonce % 2 === 1;
    const tx = Transaction.from({
      type: 2,
      chainId: this.#o.chainId,
      nonce,
      maxFeePerGas: this.#o.maxFeePerGas,
      maxPriorityFeePerGas: 1n,
      gasLimit: erc20 ? 80_000n : 21_000n,
      to: erc20 ? this.#o.token! : to,
      value: erc20 ? 0n : BigInt(nonce + 1),
      data: erc20 ? ERC20.encodeFunctionData("transfer", [to, BigInt(nonce + 1)]) : "0x",
    });
    tx.signature = key.signingKey.sign(tx.unsignedHash);
    return tx.serialized;
  }

  /** The client's next nonce from whichever sequencer answers (undefined if none does now). */
  async #pendingNonce(i: number, address: string): Promise<number | undefined> {
    const st = this.#clients[i]!;
    for (let k = 0; k < this.#o.urls.length; k++) {
      const url = this.#o.urls[(st.urlIndex + k) % this.#o.urls.length]!;
      const r = await this.#call(url, "eth_getTransactionCount", [address, "pending"]);
      if (!("kind" in r) && typeof r.result === "string") {
        st.urlIndex = (st.urlIndex + k) % this.#o.urls.length;
        return Number(BigInt(r.result));
      }
    }
    await sleep(100);
    return undefined;
  }

  #send(url: string, raw: string): Promise<RpcAnswer | NoAnswer> {
    return this.#call(url, "eth_sendRawTransaction", [raw]);
  }

  async #call(url: string, method: string, params: unknown[]): Promise<RpcAnswer | NoAnswer> {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
        signal: AbortSignal.timeout(this.#o.requestTimeoutMs),
      });
      return (await res.json()) as RpcAnswer;
    } catch (e) {
      const code = (e as { cause?: { code?: string } }).cause?.code;
      // Refused: nothing reached a server. Anything else (timeout, reset, a cut answer) may have reached one.
      return code === "ECONNREFUSED" ? { kind: "refused" } : { kind: "in-doubt", why: code ?? (e as Error).name };
    }
  }
}

/** A JSON-RPC answer. */
interface RpcAnswer {
  readonly result?: string;
  readonly error?: { readonly code: number; readonly message: string };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
