import { getAddress } from "ethers";

import type { Stack } from "../clients.js";
import { InvalidInputError, guard } from "../errors.js";
import type { Address, Hex } from "../types.js";

/** The SLA parameters, in seconds (and L1 blocks for `inclusionWindowBlocks`), as the contract's uints. */
export interface SlaParams {
  readonly failoverDelay: bigint;
  readonly heartbeatWindow: bigint;
  readonly inclusionWindow: bigint;
  readonly inclusionWindowBlocks: bigint;
  readonly maxDowntime: bigint;
  readonly maxFinalityDelay: bigint;
  readonly finalityDelay: bigint;
}

/**
 * Defaults, chosen to beat the rollups people already trust (see README "Recovery window").
 * failover 5 min at rank 1; forced inclusion 1 h (Arbitrum 24 h, OP 12 h); downtime exit 4 h;
 * veto window 1 h; finality exit 12 h.
 */
export const DEFAULT_SLA: SlaParams = Object.freeze({
  failoverDelay: 5n * 60n,
  heartbeatWindow: 10n * 60n,
  inclusionWindow: 60n * 60n,
  inclusionWindowBlocks: 300n,
  maxDowntime: 4n * 60n * 60n,
  maxFinalityDelay: 12n * 60n * 60n,
  finalityDelay: 60n * 60n,
});

/** L2BEAT Stage 1 council floor. */
export const STAGE1_MIN_COUNCIL = 8n;
export const STAGE1_MIN_THRESHOLD_PCT = 75n;

/** Reads every SLA parameter in one call. */
export async function getSla(stack: Stack): Promise<SlaParams> {
  return guard(async () => {
    const s = await stack.contracts.SlaConfig.getSla();
    return {
      failoverDelay: s.failoverDelay,
      heartbeatWindow: s.heartbeatWindow,
      inclusionWindow: s.inclusionWindow,
      inclusionWindowBlocks: s.inclusionWindowBlocks,
      maxDowntime: s.maxDowntime,
      maxFinalityDelay: s.maxFinalityDelay,
      finalityDelay: s.finalityDelay,
    };
  });
}

/** Readiness of one sequencer. */
export interface SequencerStatus {
  readonly address: Address;
  /** Position in the ranked list (0 = first). */
  readonly rank: bigint;
  readonly active: boolean;
  /** Last heartbeat time (0 = never) and the accumulator it named. */
  readonly lastHeartbeat: bigint;
  readonly heartbeatAccumulator: Hex;
  /** Fresh heartbeat naming the current head. */
  readonly ready: boolean;
  /** When this standby may claim (seconds since epoch), if the active stays silent; null for the active one. */
  readonly mayClaimAt: bigint | null;
}

/** The delayed queue's head: index, age, and when it may be forced in. */
export interface QueueHead {
  readonly index: bigint;
  readonly enqueuedAt: bigint;
  readonly age: bigint;
  readonly forceableAt: bigint;
  readonly forceableAtBlock: bigint;
  readonly pending: bigint;
}

/** The automatic exit trigger's state. */
export interface AutoTriggerState {
  readonly open: boolean;
  readonly rule: "maxDowntime" | "maxFinalityDelay";
  /** Unix seconds. */
  readonly opensAt: bigint;
}

/** Everything an official needs to judge liveness, read in one go (every chain value a bigint). */
export interface Liveness {
  /** The latest block's timestamp. */
  readonly now: bigint;
  readonly inExit: boolean;
  readonly exitedAt: bigint | null;
  readonly sla: SlaParams;
  readonly active: Address;
  readonly activeSilentFor: bigint;
  readonly sequencers: readonly SequencerStatus[];
  readonly headAccumulator: Hex;
  readonly batchCount: bigint;
  readonly lastBatchTime: bigint;
  /** Null when the queue is empty. */
  readonly queueHead: QueueHead | null;
  readonly lastFinalizedTime: bigint;
  readonly lastFinalizedIndex: bigint | null;
  readonly autoTrigger: AutoTriggerState;
}

/** Reads the liveness picture: sequencers, queue head, finality and the automatic exit trigger. */
export async function liveness(stack: Stack): Promise<Liveness> {
  return guard(async () => {
    const c = stack.contracts;
    const provider = stack.runner.provider;
    if (provider == null) throw new InvalidInputError("stack.runner", "has no provider: connect() with a provider, or a signer that has one");
    const block = await provider.getBlock("latest");
    if (block === null) throw new InvalidInputError("stack.runner", "its node returned no latest block: point it at a synced node");
    const now = BigInt(block.timestamp);
    const [sla, inExit, exitedAt, active, silent, ranked, head, batchCount, lastBatchTime, consumed, queued, lastFinTime, lastFin, auto] = await Promise.all([
      getSla(stack),
      c.ExitController.inExit(),
      c.ExitController.exitedAt(),
      c.SequencerSet.active(),
      c.SequencerSet.silentFor(),
      c.SequencerSet.sequencers(),
      c.SequencerInbox.headAccumulator(),
      c.SequencerInbox.batchCount(),
      c.SequencerInbox.lastBatchTime(),
      c.SequencerInbox.delayedConsumed(),
      c.DelayedInbox.count(),
      c.StateCommitment.lastFinalizedTime(),
      c.StateCommitment.lastFinalized(),
      c.ExitController.autoTriggerStatus(),
    ]);
    const lastSignal = now - silent;
    const sequencers: SequencerStatus[] = [];
    for (let i = 0; i < ranked.length; i++) {
      const addr = getAddress(ranked[i]!) as Address;
      const [acc, at] = await c.SequencerSet.lastHeartbeat(addr);
      const isActive = addr.toLowerCase() === active.toLowerCase();
      const fresh = at > 0n && now - at <= sla.heartbeatWindow && acc === head;
      const rank = BigInt(Math.max(i, 1));
      sequencers.push({
        address: addr,
        rank: BigInt(i),
        active: isActive,
        lastHeartbeat: at,
        heartbeatAccumulator: acc as Hex,
        ready: fresh,
        mayClaimAt: isActive ? null : lastSignal + sla.failoverDelay * rank + 1n,
      });
    }
    let queueHead: QueueHead | null = null;
    if (queued > consumed) {
      const [ts, bn] = await c.DelayedInbox.messageTime(consumed);
      queueHead = {
        index: consumed,
        enqueuedAt: ts,
        age: now - ts,
        forceableAt: ts + sla.inclusionWindow + 1n,
        forceableAtBlock: bn + sla.inclusionWindowBlocks + 1n,
        pending: queued - consumed,
      };
    }
    return {
      now,
      inExit,
      exitedAt: inExit ? exitedAt : null,
      sla,
      active: getAddress(active) as Address,
      activeSilentFor: silent,
      sequencers,
      headAccumulator: head as Hex,
      batchCount,
      lastBatchTime,
      queueHead,
      lastFinalizedTime: lastFinTime,
      lastFinalizedIndex: lastFin[0] ? lastFin[1] : null,
      autoTrigger: { open: auto[0], rule: auto[1] === 3n ? "maxFinalityDelay" : "maxDowntime", opensAt: auto[2] },
    };
  });
}
