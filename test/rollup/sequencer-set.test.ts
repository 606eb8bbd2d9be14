import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";

import { deployRollup, type Rollup } from "./fixture.ts";
import { DEFAULT_SLA } from "@sovereign-stack/sdk";

describe("SequencerSet: ranked hot standbys", () => {
  let r: Rollup;
  beforeEach(async () => {
    r = await deployRollup();
  });

  it("starts with the primary active and lists the ranks", async () => {
    const set = r.stack.contracts.SequencerSet;
    expect(await set.active()).to.equal(r.sequencers[0]!.address);
    expect(await set.sequencers()).to.deep.equal(r.sequencers.map((s) => s.address));
    expect(await set.rankOf(r.sequencers[2]!.address)).to.equal(2n);
    await expect(set.rankOf(r.stranger.address)).to.be.revertedWithCustomError(set, "NotMember");
  });

  it("accepts heartbeats from members only; the active one's heartbeat renews its lease", async () => {
    const set = r.stack.contracts.SequencerSet;
    await expect(set.connect(r.stranger).heartbeat("0x" + "00".repeat(32))).to.be.revertedWithCustomError(set, "NotMember");
    await r.increaseTime(200);
    expect(await set.silentFor()).to.be.greaterThanOrEqual(200n);
    await expect(set.connect(r.sequencers[0]).heartbeat("0x" + "00".repeat(32))).to.emit(set, "Heartbeat").withArgs(r.sequencers[0]!.address, "0x" + "00".repeat(32), true);
    expect(await set.silentFor()).to.equal(0n);
  });

  it("a batch renews the lease too", async () => {
    const set = r.stack.contracts.SequencerSet;
    await r.increaseTime(250);
    await r.postBatch();
    expect(await set.silentFor()).to.equal(0n);
  });

  it("refuses a claim before the rank's failover delay, and from an unready standby", async () => {
    const set = r.stack.contracts.SequencerSet;
    const inbox = r.stack.contracts.SequencerInbox;
    const [, s1, s2] = r.sequencers;
    await r.postBatch();
    const head = await inbox.headAccumulator();
    await (await set.connect(s1).heartbeat(head)).wait();
    await expect(set.connect(s1).claimActive()).to.be.revertedWithCustomError(set, "ActiveNotSilent");
    await r.increaseTime(DEFAULT_SLA.failoverDelay + 1n);
    // s2 (rank 2) must wait twice as long
    await (await set.connect(s2).heartbeat(head)).wait();
    await expect(set.connect(s2).claimActive()).to.be.revertedWithCustomError(set, "ActiveNotSilent");
    // a standby whose heartbeat names an old head is not ready
    await (await set.connect(s1).heartbeat("0x" + "ab".repeat(32))).wait();
    await expect(set.connect(s1).claimActive()).to.be.revertedWithCustomError(set, "NotReady");
    await expect(set.connect(r.stranger).claimActive()).to.be.revertedWithCustomError(set, "NotMember");
  });

  it("refuses a standby whose heartbeat is stale, even if it named the head", async () => {
    const set = r.stack.contracts.SequencerSet;
    const head = await r.stack.contracts.SequencerInbox.headAccumulator();
    await (await set.connect(r.sequencers[1]).heartbeat(head)).wait();
    await r.increaseTime(DEFAULT_SLA.heartbeatWindow + 1n);
    await expect(set.connect(r.sequencers[1]).claimActive()).to.be.revertedWithCustomError(set, "NotReady");
  });

  it("a ready standby claims after the failover delay; the replaced sequencer's batches revert", async () => {
    const set = r.stack.contracts.SequencerSet;
    const inbox = r.stack.contracts.SequencerInbox;
    const [primary, s1] = r.sequencers;
    await r.postBatch();
    await r.increaseTime(DEFAULT_SLA.failoverDelay);
    await (await set.connect(s1).heartbeat(await inbox.headAccumulator())).wait();
    await expect(set.connect(s1).claimActive()).to.emit(set, "ActiveChanged");
    expect(await set.active()).to.equal(s1!.address);
    await expect(r.postBatch({ from: primary })).to.be.revertedWithCustomError(inbox, "NotActiveSequencer");
    await r.postBatch({ from: s1 });
    await expect(set.connect(s1).claimActive()).to.be.revertedWithCustomError(set, "AlreadyActive");
  });

  it("rank 2 may claim after twice the delay when rank 1 never shows up", async () => {
    const set = r.stack.contracts.SequencerSet;
    const head = await r.stack.contracts.SequencerInbox.headAccumulator();
    await r.increaseTime(2n * DEFAULT_SLA.failoverDelay);
    await (await set.connect(r.sequencers[2]).heartbeat(head)).wait();
    await expect(set.connect(r.sequencers[2]).claimActive()).to.emit(set, "ActiveChanged").withArgs(r.sequencers[0]!.address, r.sequencers[2]!.address, 1, anyValue);
  });

  it("handover moves the role in a planned way, only to a ready member, only by the active one", async () => {
    const set = r.stack.contracts.SequencerSet;
    const [primary, s1, s2] = r.sequencers;
    await expect(set.connect(s1).handover(s2!.address)).to.be.revertedWithCustomError(set, "NotActive");
    await expect(set.connect(primary).handover(s1!.address)).to.be.revertedWithCustomError(set, "NotReady");
    await expect(set.connect(primary).handover(r.stranger.address)).to.be.revertedWithCustomError(set, "NotMember");
    await (await set.connect(s1).heartbeat(await r.stack.contracts.SequencerInbox.headAccumulator())).wait();
    await expect(set.connect(primary).handover(s1!.address)).to.emit(set, "ActiveChanged").withArgs(primary!.address, s1!.address, 2, 0);
    expect(await set.active()).to.equal(s1!.address);
  });

  it("only the governor may replace the list", async () => {
    const set = r.stack.contracts.SequencerSet;
    await expect(set.connect(r.stranger).setSequencers([r.stranger.address])).to.be.revertedWithCustomError(set, "NotGovernor");
  });
});
