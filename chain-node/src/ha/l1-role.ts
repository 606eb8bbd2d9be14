/**
 * A sequencer node's dealings with `SequencerSet` on L1: reading its role and the SLA clocks, heartbeating its synced
 * inbox accumulator (proof of readiness), claiming the active role after a crash, and handing it over.
 *
 * The rule of when a claim or a handover is allowed lives in the contract, and only there: this class reads the
 * contract's own views (`silentFor`, `isReady`, `rankOf`, the SLA) to avoid sending a transaction that would revert,
 * and the contract decides. Every L1 transaction of the node goes through one lock ({@link L1Role.exclusive}) so that
 * the poster, the heartbeats and the claims never race for the same nonce.
 */
import type { Signer } from "ethers";
import { SequencerInbox__factory, SequencerSet__factory, SlaConfig__factory } from "@sovereign-stack/sdk/typechain";

import type { RollupAddresses } from "../node/rollup.ts";

/** What L1 says about this node now. */
export interface L1RoleSnapshot {
  readonly me: string;
  readonly active: string;
  readonly isActive: boolean;
  /** Rank in the list (0 = primary), or null if not a member. */
  readonly rank: number | null;
  readonly silentFor: bigint;
  readonly failoverDelay: bigint;
  readonly heartbeatWindow: bigint;
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
  #sla: ReturnType<typeof SlaConfig__factory.connect> | undefined;
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
    const sla = (this.#sla ??= SlaConfig__factory.connect(await this.#set.slaConfig(), this.#signer));
    const [active, list, silentFor, s, isReady, beat, inboxHead, next] = await Promise.all([
      this.#set.active(),
      this.#set.sequencers(),
      this.#set.silentFor(),
      sla.getSla(),
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
      silentFor,
      failoverDelay: s.failoverDelay,
      heartbeatWindow: s.heartbeatWindow,
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
   * Claims the active role if the contract would accept it now (silence beyond rank × failoverDelay, a member not
   * already active), heartbeating first if this node's readiness lapsed. Returns the claim's hash or null.
   */
  async claimIfDue(engineHead: bigint): Promise<string | null> {
    let s = await this.snapshot();
    if (s.isActive || s.rank === null) return null;
    const rank = BigInt(s.rank === 0 ? 1 : s.rank); // the contract makes a reclaiming primary wait like rank 1
    if (s.silentFor <= s.failoverDelay * rank) return null;
    if (!s.isReady) {
      if ((await this.heartbeatIfSynced(engineHead, s)) === null) return null;
      s = await this.snapshot();
      if (!s.isReady) return null;
    }
    return this.exclusive(async () => {
      const tx = await this.#set.claimActive();
      const r = await tx.wait();
      return r?.hash ?? tx.hash;
    });
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
