/**
 * The lines `sovereign-exit status` prints for situations a live chain rarely shows on demand: a standby that never
 * heartbeated once its failover delay has passed, no finalized commitment hours after genesis, an open trigger.
 */
import { expect } from "chai";

import { DEFAULT_SLA, NotYetError, type Hex, type Liveness } from "@sovereign-stack/sdk";

import { formatStatus, type StatusReport } from "../../scripts/exit/commands.ts";
import { exitCodeOf, CliError, UsageError, isOperatorError } from "../../scripts/lib/cli.ts";

const NOW = 1_800_000_000n;
const HEAD: Hex = `0x${"11".repeat(32)}`;
const ZERO: Hex = `0x${"00".repeat(32)}`;

function report(over: Partial<Liveness> = {}): StatusReport {
  const liveness: Liveness = {
    now: NOW,
    inExit: false,
    exitedAt: null,
    sla: DEFAULT_SLA,
    active: "0x00000000000000000000000000000000000000a1",
    activeSilentFor: 4n * 3600n + 14n * 60n,
    sequencers: [
      { address: "0x00000000000000000000000000000000000000a1", rank: 0n, active: true, lastHeartbeat: 0n, heartbeatAccumulator: ZERO, ready: false, mayClaimAt: null },
      // silent long past its failover delay, but it never heartbeated: it cannot claim
      { address: "0x00000000000000000000000000000000000000b2", rank: 1n, active: false, lastHeartbeat: 0n, heartbeatAccumulator: ZERO, ready: false, mayClaimAt: NOW - 3600n },
      { address: "0x00000000000000000000000000000000000000c3", rank: 2n, active: false, lastHeartbeat: NOW - 60n, heartbeatAccumulator: HEAD, ready: true, mayClaimAt: NOW - 600n },
    ],
    headAccumulator: HEAD,
    batchCount: 0n,
    lastBatchTime: NOW - (4n * 3600n + 14n * 60n),
    queueHead: null,
    lastFinalizedTime: NOW - (4n * 3600n + 14n * 60n),
    lastFinalizedIndex: null,
    autoTrigger: { open: true, rule: "maxDowntime", opensAt: NOW - 14n * 60n },
    ...over,
  };
  return { liveness, council: { members: [], threshold: 6, signed: [], missing: [], problems: [], payload: null } };
}

describe("exit tool: status lines", () => {
  it("a standby that never heartbeated cannot claim, whatever the clock says", () => {
    const text = formatStatus(report(), "--network mainnet");
    expect(text).to.match(/standby 1 0x0+b2 {2}not ready \(never heartbeated\); cannot claim until it heartbeats the current head$/m);
    expect(text).to.not.match(/never heartbeated\); may claim now/);
    expect(text).to.match(/standby 2 0x0+c3 {2}READY; may claim now$/m);
  });

  it("no finalized commitment and no batch yet read as genesis, not as an age of nothing", () => {
    const text = formatStatus(report(), "--network mainnet");
    expect(text).to.match(/Last finalized commitment: none yet \(genesis\); the finality clock started 4h 14m 00s ago/);
    expect(text).to.not.match(/none yet, /);
    expect(text).to.match(/Batches: none yet \(genesis\)/);
    const later = formatStatus(report({ lastFinalizedIndex: 3n, batchCount: 7n }), "--network mainnet");
    expect(later).to.match(/Last finalized commitment: #3, finalized 4h 14m 00s ago/);
    expect(later).to.match(/Batches: 7; last sequencer batch/);
  });

  it("the trigger hint is a command that works: it names the network", () => {
    expect(formatStatus(report(), "--network mainnet")).to.match(/AUTOMATIC EXIT TRIGGER: OPEN NOW \(maxDowntime breached\) — anyone may run `sovereign-exit trigger-auto --network mainnet`/);
    const late = report({ queueHead: { index: 4n, enqueuedAt: NOW - 7200n, age: 7200n, forceableAt: NOW - 3599n, forceableAtBlock: 10n, pending: 2n } });
    expect(formatStatus(late, "--network sepolia")).to.match(/head #4 is 2h 00m 00s old .* SLA BREACHED; .*\(`sovereign-exit force-include --network sepolia`\)/);
  });

  it("maps errors to exit codes by name, so the SDK's own error classes map the same way", () => {
    expect(exitCodeOf(new CliError("x"))).to.equal(1);
    expect(exitCodeOf(new UsageError("x"))).to.equal(2);
    expect(exitCodeOf(new NotYetError("x", { opensAt: NOW }))).to.equal(3);
    const sdkNotYet = Object.assign(new Error("opens later"), { name: "NotYetError" });
    expect(exitCodeOf(sdkNotYet)).to.equal(3);
    expect(isOperatorError(Object.assign(new Error("bad"), { name: "InvalidInputError" }))).to.equal(true);
    expect(exitCodeOf(new Error("boom"))).to.equal(1);
  });
});
