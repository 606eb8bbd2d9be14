import { expect } from "chai";
import { AbiCoder, keccak256 } from "ethers";
import { DEFAULT_SLA, enqueue, forceInclude, NotYetError } from "@sovereign-stack/sdk";

import { deployRollup, type Rollup } from "./fixture.ts";

describe("DelayedInbox and forced inclusion", () => {
  let r: Rollup;
  beforeEach(async () => {
    r = await deployRollup();
  });

  it("records each message's time, block and accumulator entry", async () => {
    const delayed = r.stack.contracts.DelayedInbox.connect(r.citizen);
    const tx = await delayed.enqueue("0xc0ffee");
    const receipt = (await tx.wait())!;
    const block = (await r.net.ethers.provider.getBlock(receipt.blockNumber))!;
    const [ts, bn] = await delayed.messageTime(0);
    expect(ts).to.equal(BigInt(block.timestamp));
    expect(bn).to.equal(BigInt(block.number));
    const acc = keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "address", "uint8", "uint64", "uint64", "bytes32"], ["0x" + "00".repeat(32), r.citizen.address, 0, ts, bn, keccak256("0xc0ffee")]));
    expect(await delayed.accumulatorAt(1)).to.equal(acc);
    await expect(tx).to.emit(delayed, "MessageEnqueued").withArgs(0, r.citizen.address, 0, "0xc0ffee", ts, bn, acc);
    await expect(delayed.enqueue("0x")).to.be.revertedWithCustomError(delayed, "EmptyMessage");
    await expect(delayed.enqueueDeposit(r.citizen.address, "0x01")).to.be.revertedWithCustomError(delayed, "NotDepositor");
  });

  it("refuses to force before the window has passed in seconds AND in blocks", async () => {
    const inbox = r.stack.contracts.SequencerInbox.connect(r.stranger);
    await (await r.stack.contracts.DelayedInbox.connect(r.citizen).enqueue("0x01")).wait();
    await expect(inbox.forceInclude(1)).to.be.revertedWithCustomError(inbox, "InclusionWindowOpen");
    await r.increaseTime(DEFAULT_SLA.inclusionWindow + 1n); // seconds passed, blocks not
    await expect(inbox.forceInclude(1)).to.be.revertedWithCustomError(inbox, "InclusionWindowOpen");
    await r.mine(DEFAULT_SLA.inclusionWindowBlocks + 1n);
    await expect(inbox.forceInclude(1)).to.emit(inbox, "ForcedInclusion").withArgs(0, 0, 1, r.stranger.address);
  });

  it("refuses to force by blocks alone", async () => {
    const inbox = r.stack.contracts.SequencerInbox.connect(r.stranger);
    await (await r.stack.contracts.DelayedInbox.connect(r.citizen).enqueue("0x01")).wait();
    await r.mine(DEFAULT_SLA.inclusionWindowBlocks + 5n);
    await expect(inbox.forceInclude(1)).to.be.revertedWithCustomError(inbox, "InclusionWindowOpen");
  });

  it("forces messages in FIFO order, emits the SLA breach, and the sequencer must build on it", async () => {
    const inbox = r.stack.contracts.SequencerInbox;
    const delayed = r.stack.contracts.DelayedInbox.connect(r.citizen);
    for (const d of ["0x01", "0x02", "0x03"]) await (await delayed.enqueue(d)).wait();
    await r.increaseTime(DEFAULT_SLA.inclusionWindow + 1n);
    await r.mine(DEFAULT_SLA.inclusionWindowBlocks + 1n);
    await (await delayed.enqueue("0x04")).wait(); // fresh: not forceable
    await expect(inbox.connect(r.stranger).forceInclude(4)).to.be.revertedWithCustomError(inbox, "InclusionWindowOpen");
    const tx = inbox.connect(r.stranger).forceInclude(3);
    await expect(tx).to.emit(inbox, "InclusionSlaBreached");
    expect(await inbox.delayedConsumed()).to.equal(3n);
    expect((await inbox.batch(0)).kind).to.equal(1n);
    expect(await inbox.nextL2Block()).to.equal(3n); // one L2 block per forced message
    await expect(inbox.connect(r.stranger).forceInclude(3)).to.be.revertedWithCustomError(inbox, "NothingToForce");
    await expect(inbox.connect(r.stranger).forceInclude(9)).to.be.revertedWithCustomError(inbox, "DelayedCountOutOfRange");
    // the sequencer's next batch builds on the forced sequence and cannot re-consume
    await expect(r.postBatch({ delayedCount: 2n })).to.be.revertedWithCustomError(inbox, "DelayedCountOutOfRange");
    await r.postBatch({ delayedCount: 4n });
    expect(await inbox.delayedConsumed()).to.equal(4n);
  });

  it("a sequencer batch that includes a late message reports the breach", async () => {
    await (await r.stack.contracts.DelayedInbox.connect(r.citizen).enqueue("0x01")).wait();
    await r.increaseTime(DEFAULT_SLA.inclusionWindow + 5n);
    const inbox = r.stack.contracts.SequencerInbox;
    const seq = r.sequencers[0]!;
    const start = await inbox.nextL2Block();
    await expect(
      inbox.connect(seq).appendBatch("0x01", { prevAccumulator: await inbox.headAccumulator(), delayedCount: 1n, l2BlockStart: start, l2BlockEnd: start, minTimestamp: 0n, maxTimestamp: (1n << 64n) - 1n }),
    ).to.emit(inbox, "InclusionSlaBreached");
  });

  it("SDK enqueue/forceInclude explain when forcing is not yet possible", async () => {
    const citizenStack = { ...r.stack, contracts: r.stack.contracts } as typeof r.stack;
    const { index } = await enqueue(citizenStack, "0xabcd");
    expect(index).to.equal(0n);
    let err: unknown;
    try {
      await forceInclude(r.stack);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(NotYetError);
    expect((err as Error).message).to.match(/within its inclusion window\): try again from .* and L1 block \d+/);
    const [ts, bn] = await r.stack.contracts.DelayedInbox.messageTime(0n);
    expect((err as NotYetError).opensAt).to.equal(ts + DEFAULT_SLA.inclusionWindow + 1n);
    expect((err as NotYetError).opensAtBlock).to.equal(bn + DEFAULT_SLA.inclusionWindowBlocks + 1n);
    await r.increaseTime(DEFAULT_SLA.inclusionWindow + 1n);
    await r.mine(DEFAULT_SLA.inclusionWindowBlocks + 1n);
    const res = await forceInclude(r.stack);
    expect(res.included).to.equal(1n);
  });

  it("SDK forceInclude forces exactly the overdue prefix of a long queue", async () => {
    const delayed = r.stack.contracts.DelayedInbox.connect(r.citizen);
    for (let i = 0; i < 7; i++) await (await delayed.enqueue("0x0" + (i + 1))).wait();
    await r.increaseTime(DEFAULT_SLA.inclusionWindow + 1n);
    await r.mine(DEFAULT_SLA.inclusionWindowBlocks + 1n);
    for (let i = 0; i < 3; i++) await (await delayed.enqueue("0x1" + i)).wait(); // still inside the window
    let err: unknown;
    try {
      await forceInclude(r.stack, 0);
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).to.match(/^upTo: must be a queue count above/);
    expect((await forceInclude(r.stack, 4n)).included).to.equal(4n);
    expect((await forceInclude(r.stack)).included).to.equal(3n);
    expect(await r.stack.contracts.SequencerInbox.delayedConsumed()).to.equal(7n);
  });
});
