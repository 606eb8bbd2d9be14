import type { Stack } from "../clients.js";
import { InvalidInputError, guard } from "../errors.js";

/** The SLA parameters, in seconds (and L1 blocks for `inclusionWindowBlocks`). */
export interface SlaParams {
  readonly failoverDelay: number;
  readonly heartbeatWindow: number;
  readonly inclusionWindow: number;
  readonly inclusionWindowBlocks: number;
  readonly maxDowntime: number;
  readonly maxFinalityDelay: number;
  readonly finalityDelay: number;
}

/**
 * Defaults, chosen to beat the rollups people already trust (see README "Recovery window").
 * failover 5 min at rank 1; forced inclusion 1 h (Arbitrum 24 h, OP 12 h); downtime exit 4 h;
 * veto window 1 h; finality exit 12 h.
 */
export const DEFAULT_SLA: SlaParams = Object.freeze({
  failoverDelay: 5 * 60,
  heartbeatWindow: 10 * 60,
  inclusionWindow: 60 * 60,
  inclusionWindowBlocks: 300,
  maxDowntime: 4 * 60 * 60,
  maxFinalityDelay: 12 * 60 * 60,
  finalityDelay: 60 * 60,
});

/** L2BEAT Stage 1 council floor. */
export const STAGE1_MIN_COUNCIL = 8;
export const STAGE1_MIN_THRESHOLD_PCT = 75;

/** Reads every SLA parameter in one call. */
export async function getSla(stack: Stack): Promise<SlaParams> {
  return guard(async () => {
    const s = await stack.contracts.SlaConfig.getSla();
    return {
      failoverDelay: Number(s.failoverDelay),
      heartbeatWindow: Number(s.heartbeatWindow),
      inclusionWindow: Number(s.inclusionWindow),
      inclusionWindowBlocks: Number(s.inclusionWindowBlocks),
      maxDowntime: Number(s.maxDowntime),
      maxFinalityDelay: Number(s.maxFinalityDelay),
      finalityDelay: Number(s.finalityDelay),
    };
  });
}

/** Readiness of one sequencer. */
export interface SequencerStatus {
  readonly address: string;
  readonly rank: number;
  readonly active: boolean;
  /** Last heartbeat time (0 = never) and the accumulator it named. */
  readonly lastHeartbeat: number;
  readonly heartbeatAccumulator: string;
  /** Fresh heartbeat naming the current head. */
  readonly ready: boolean;
  /** When this standby may claim (seconds since epoch), if the active stays silent; null for the active one. */
  readonly mayClaimAt: number | null;
}

/** Everything an official needs to judge liveness, read in one go. */
export interface Liveness {
  readonly now: number;
  readonly inExit: boolean;
  readonly exitedAt: number | null;
  readonly sla: SlaParams;
  readonly active: string;
  readonly activeSilentFor: number;
  readonly sequencers: readonly SequencerStatus[];
  readonly headAccumulator: string;
  readonly batchCount: number;
  readonly lastBatchTime: number;
  /** Delayed-queue head: index, age, and when it may be forced in; null when the queue is empty. */
  readonly queueHead: { readonly index: number; readonly enqueuedAt: number; readonly age: number; readonly forceableAt: number; readonly forceableAtBlock: number; readonly pending: number } | null;
  readonly lastFinalizedTime: number;
  readonly lastFinalizedIndex: number | null;
  readonly autoTrigger: { readonly open: boolean; readonly rule: "maxDowntime" | "maxFinalityDelay"; readonly opensAt: number };
}

/** Reads the liveness picture: sequencers, queue head, finality and the automatic exit trigger. */
export async function liveness(stack: Stack): Promise<Liveness> {
  return guard(async () => {
    const c = stack.contracts;
    const provider = stack.runner.provider;
    if (provider == null) throw new InvalidInputError("stack.runner", "has no provider: connect() with a provider, or a signer that has one");
    const block = await provider.getBlock("latest");
    if (block === null) throw new InvalidInputError("stack.runner", "its node returned no latest block: point it at a synced node");
    const now = block.timestamp;
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
    const lastSignal = now - Number(silent);
    const sequencers: SequencerStatus[] = [];
    for (let i = 0; i < ranked.length; i++) {
      const addr = ranked[i]!;
      const [acc, at] = await c.SequencerSet.lastHeartbeat(addr);
      const isActive = addr.toLowerCase() === active.toLowerCase();
      const fresh = at > 0n && now - Number(at) <= sla.heartbeatWindow && acc === head;
      const rank = Math.max(i, 1);
      sequencers.push({
        address: addr,
        rank: i,
        active: isActive,
        lastHeartbeat: Number(at),
        heartbeatAccumulator: acc,
        ready: fresh,
        mayClaimAt: isActive ? null : lastSignal + sla.failoverDelay * rank + 1,
      });
    }
    let queueHead: Liveness["queueHead"] = null;
    if (queued > consumed) {
      const [ts, bn] = await c.DelayedInbox.messageTime(consumed);
      queueHead = {
        index: Number(consumed),
        enqueuedAt: Number(ts),
        age: now - Number(ts),
        forceableAt: Number(ts) + sla.inclusionWindow + 1,
        forceableAtBlock: Number(bn) + sla.inclusionWindowBlocks + 1,
        pending: Number(queued - consumed),
      };
    }
    return {
      now,
      inExit,
      exitedAt: inExit ? Number(exitedAt) : null,
      sla,
      active,
      activeSilentFor: Number(silent),
      sequencers,
      headAccumulator: head,
      batchCount: Number(batchCount),
      lastBatchTime: Number(lastBatchTime),
      queueHead,
      lastFinalizedTime: Number(lastFinTime),
      lastFinalizedIndex: lastFin[0] ? Number(lastFin[1]) : null,
      autoTrigger: { open: auto[0], rule: Number(auto[1]) === 3 ? "maxFinalityDelay" : "maxDowntime", opensAt: Number(auto[2]) },
    };
  });
}
