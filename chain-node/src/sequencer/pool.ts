/**
 * The sequencer's pending transactions: admitted (or being appended) but not yet executed by the engine.
 * Indexed by hash (duplicate check, `eth_getTransactionByHash` of a pending tx) and by sender (nonce and
 * balance accounting, the per-sender cap), and kept in log order so that applying a block drops exactly the
 * entries its SEAL consumed.
 */
import type { TypedTransaction } from "@ethereumjs/tx";
import type { Address } from "@ethereumjs/util";

/** One pending transaction. */
export interface PendingTx {
  /** 0x-prefixed lowercase transaction hash. */
  readonly hash: string;
  /** 0x-prefixed lowercase sender address. */
  readonly sender: string;
  readonly nonce: bigint;
  readonly gasLimit: bigint;
  /** gas limit × fee cap + value: what the sender must be able to pay. */
  readonly maxCost: bigint;
  readonly raw: Uint8Array;
  readonly tx: TypedTransaction;
  /** The recovered sender (`sender` is its lowercase hex). */
  readonly senderAddress: Address;
  /** Log position once the append that holds it is durable (undefined while reserved). */
  seq: bigint | undefined;
}

/** Pending transactions of one sender. */
interface SenderPending {
  readonly byNonce: Map<bigint, PendingTx>;
  maxNonce: bigint;
  totalCost: bigint;
}

/** The pool. Not thread-safe across awaits: callers check and add in one synchronous step. */
export class PendingPool {
  readonly #byHash = new Map<string, PendingTx>();
  readonly #bySender = new Map<string, SenderPending>();
  /** Appended transactions in log order (ascending seq). */
  #logged: PendingTx[] = [];

  /** Number of pending transactions. */
  get size(): number {
    return this.#byHash.size;
  }

  /** The pending transaction with this hash (lowercase), if any. */
  get(hash: string): PendingTx | undefined {
    return this.#byHash.get(hash);
  }

  /** The sender's pending transaction with this nonce, if any. */
  bySenderNonce(sender: string, nonce: bigint): PendingTx | undefined {
    return this.#bySender.get(sender)?.byNonce.get(nonce);
  }

  /** How many transactions the sender has pending. */
  countOf(sender: string): number {
    return this.#bySender.get(sender)?.byNonce.size ?? 0;
  }

  /** The sum of the sender's pending max costs. */
  costOf(sender: string): bigint {
    return this.#bySender.get(sender)?.totalCost ?? 0n;
  }

  /** The nonce the sender's next transaction should carry: after the state nonce and every pending one. */
  nextNonce(sender: string, stateNonce: bigint): bigint {
    const s = this.#bySender.get(sender);
    if (s === undefined || s.maxNonce + 1n < stateNonce) return stateNonce;
    return s.maxNonce + 1n;
  }

  /** Adds a transaction (its hash must not be pending). */
  add(p: PendingTx): void {
    if (this.#byHash.has(p.hash)) throw new Error(`pool: ${p.hash} is already pending`);
    this.#byHash.set(p.hash, p);
    let s = this.#bySender.get(p.sender);
    if (s === undefined) {
      s = { byNonce: new Map(), maxNonce: p.nonce, totalCost: 0n };
      this.#bySender.set(p.sender, s);
    }
    s.byNonce.set(p.nonce, p);
    if (p.nonce > s.maxNonce) s.maxNonce = p.nonce;
    s.totalCost += p.maxCost;
  }

  /** Records the log position of an added transaction (appends arrive in seq order). */
  markLogged(p: PendingTx, seq: bigint): void {
    p.seq = seq;
    this.#logged.push(p);
  }

  /** Removes one transaction (a reservation whose append failed). */
  remove(hash: string): void {
    const p = this.#byHash.get(hash);
    if (p === undefined) return;
    this.#byHash.delete(hash);
    const s = this.#bySender.get(p.sender)!;
    s.byNonce.delete(p.nonce);
    s.totalCost -= p.maxCost;
    if (s.byNonce.size === 0) this.#bySender.delete(p.sender);
    else if (p.nonce === s.maxNonce) s.maxNonce = [...s.byNonce.keys()].reduce((a, b) => (a > b ? a : b));
    if (p.seq !== undefined) this.#logged = this.#logged.filter((x) => x !== p);
  }

  /** Drops every logged transaction with `seq <= seq` (the engine executed, or rejected, them) and returns them. */
  removeThrough(seq: bigint): PendingTx[] {
    let n = 0;
    while (n < this.#logged.length && this.#logged[n]!.seq! <= seq) n++;
    const done = this.#logged.slice(0, n);
    this.#logged = this.#logged.slice(n);
    for (const p of done) {
      p.seq = undefined; // already out of #logged
      this.remove(p.hash);
    }
    return done;
  }

  /** Removes everything. */
  clear(): void {
    this.#byHash.clear();
    this.#bySender.clear();
    this.#logged = [];
  }
}
