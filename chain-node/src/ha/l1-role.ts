/**
 * A sequencer node's dealings with `SequencerSet` on L1: reading its role and readiness, heartbeating its synced
 * inbox accumulator (proof of readiness), claiming the active role after a crash, and handing it over.
 *
 * The rule of when a claim or a handover is allowed lives in the contract, and only there: a claim is tried as an
 * eth_call first and sent only if the contract would accept it. Every L1 transaction of the node goes through one
 * lock ({@link L1Role.exclusive}) so that the poster, the heartbeats and the claims never race for the same nonce.
 */
import type { Signer } from "ethers";
import { SequencerInbox__factory, SequencerSet__factory } from "@sovereign-stack/sdk/typechain";

import type { RollupAddresses } from "../node/rollup.ts";

/** What L1 says about this node now (the SLA clocks are the contract's business: see {@link L1Role.claimIfDue}). */
export interface L1RoleSnapshot {
  readonly me: string;
  readonly active: string;
  readonly isActive: boolean;
  /** Rank in the list (0 = primary), or null if not a member. */
  readonly rank: number | null;
  readonly isReady: boolean;
  readonly lastHeartbeat: { readonly accumulator: string; readonly at: bigint };
  readonly inboxHead: string;
  /** The last engine block on L1 (engine block = L2 block + 1). */
  readonly postedEngineBlock: bigint;
}

/** The node's view of, and actions on, `SequencerSet`. */
export class L1Role {
  readonly #signer: Signer;
  readonly #set: ReturnType<typeof SequencerSet__factory.connect>;
  readonly #inbox: ReturnType<typeof SequencerInbox__factory.connect>;
  #lock: Promise<unknown> = Promise.resolve();
  #me: string | undefined;

  constructor(signer: Signer, rollup: RollupAddresses) {
    if (signer.provider === null) throw new RangeError("L1Role: the signer has no provider");
    this.#signer = signer;
    this.#set = SequencerSet__factory.connect(rollup.sequencerSet, signer);
    this.#inbox = SequencerInbox__factory.connect(rollup.sequencerInbox, signer);
  }

  /** Runs `fn` with the node's L1 transaction lock held. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.#lock.then(fn, fn);
    this.#lock = p.catch(() => undefined);
    return p;
  }

  async #address(): Promise<string> {
    return (this.#me ??= (await this.#signer.getAddress()).toLowerCase());
  }

  /** Reads the role, the SLA clocks and the inbox head. */
  async snapshot(): Promise<L1RoleSnapshot> {
    const me = await this.#address();
    const [active, list, isReady, beat, inboxHead, next] = await Promise.all([
      this.#set.active(),
      this.#set.sequencers(),
      this.#set.isReady(me),
      this.#set.lastHeartbeat(me),
      this.#inbox.headAccumulator(),
      this.#inbox.nextL2Block(),
    ]);
    const rank = list.findIndex((a) => a.toLowerCase() === me);
    return {
      me,
      active: active.toLowerCase(),
      isActive: active.toLowerCase() === me,
      rank: rank < 0 ? null : rank,
      isReady,
      lastHeartbeat: { accumulator: beat.accumulator, at: beat.at },
      inboxHead,
      postedEngineBlock: next,
    };
  }

  /**
   * Heartbeats the inbox head if this node has applied every block L1 holds (`engineHead` >= L1's last engine
   * block); returns the transaction hash, or null if not synced or not a member.
   */
  async heartbeatIfSynced(engineHead: bigint, snap?: L1RoleSnapshot): Promise<{ accumulator: string; txHash: string } | null> {
    return this.exclusive(async () => {
      const s = snap ?? (await this.snapshot());
      if (s.rank === null || engineHead < s.postedEngineBlock) return null;
      const tx = await this.#set.heartbeat(s.inboxHead);
      const r = await tx.wait();
      return { accumulator: s.inboxHead, txHash: r?.hash ?? tx.hash };
    });
  }

  /**
   * Claims the active role if the contract would accept it now. The contract decides (a `claimActive` eth_call from
   * this node's address; the rule is not re-implemented here): if its only objection is `NotReady`, this node
   * heartbeats the inbox head first (when synced) and asks again. Returns the claim's hash, or null if not due.
   */
  async claimIfDue(engineHead: bigint): Promise<string | null> {
    let objection = await this.#claimObjection();
    if (objection === "NotReady") {
      if ((await this.heartbeatIfSynced(engineHead)) === null) return null;
      objection = await this.#claimObjection();
    }
    if (objection !== null) return null;
    return this.exclusive(async () => {
      const tx = await this.#set.claimActive();
      const r = await tx.wait();
      return r?.hash ?? tx.hash;
    });
  }

  /** Why `claimActive` would revert now (the contract's error name, "unknown" if L1 did not say), or null if it would not. */
  async #claimObjection(): Promise<string | null> {
    try {
      await this.#set.claimActive.staticCall();
      return null;
    } catch (e) {
      return (e as { revert?: { name?: string } | null }).revert?.name ?? "unknown";
    }
  }

  /** Hands the active role to `to` (this node must hold it; `to` must be ready). Returns the transaction hash. */
  async handover(to: string): Promise<string> {
    return this.exclusive(async () => {
      const tx = await this.#set.handover(to);
      const r = await tx.wait();
      return r?.hash ?? tx.hash;
    });
  }
}
