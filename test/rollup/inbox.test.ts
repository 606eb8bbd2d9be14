import { expect } from "chai";
import { keccak256, AbiCoder } from "ethers";

import { deployRollup, MAX_U64, type Rollup } from "./fixture.ts";

describe("SequencerInbox", () => {
  let r: Rollup;
  beforeEach(async () => {
    r = await deployRollup();
  });

  it("lets only the active sequencer append", async () => {
    const inbox = r.stack.contracts.SequencerInbox;
    const [primary, standby] = r.sequencers;
    await expect(r.postBatch({ from: standby })).to.be.revertedWithCustomError(inbox, "NotActiveSequencer").withArgs(standby!.address, primary!.address);
    await expect(r.postBatch({ from: r.stranger })).to.be.revertedWithCustomError(inbox, "NotActiveSequencer");
    expect(await r.postBatch({ from: primary })).to.equal(0n);
  });

  it("commits each batch to prev accumulator, data hash, delayed count, L2 range and L1 time bounds", async () => {
    const inbox = r.stack.contracts.SequencerInbox;
    const delayed = r.stack.contracts.DelayedInbox;
    await (await delayed.connect(r.citizen).enqueue("0xaa")).wait();
    const data = "0xdeadbeef";
    const now = await r.now();
    const header = { prevAccumulator: "0x" + "00".repeat(32), delayedCount: 1n, l2BlockStart: 0n, l2BlockEnd: 4n, minTimestamp: BigInt(now - 10), maxTimestamp: BigInt(now + 1000) };
    const tx = await inbox.connect(r.sequencers[0]).appendBatch(data, header);
    const delayedAcc = await delayed.accumulatorAt(1);
    const expected = keccak256(
      AbiCoder.defaultAbiCoder().encode(
        ["bytes32", "uint8", "bytes32", "uint8", "uint64", "bytes32", "uint64", "uint64", "uint64", "uint64"],
        [header.prevAccumulator, 0, keccak256(data), 0, 1, delayedAcc, 0, 4, header.minTimestamp, header.maxTimestamp],
      ),
    );
    await expect(tx).to.emit(inbox, "BatchAppended");
    expect(await inbox.headAccumulator()).to.equal(expected);
    expect(await inbox.accumulatorOf(0)).to.equal(expected);
    expect(await inbox.delayedConsumed()).to.equal(1n);
    expect(await inbox.nextL2Block()).to.equal(5n);
  });

  it("refuses a batch that does not build on the head (no fork, no rewrite)", async () => {
    const inbox = r.stack.contracts.SequencerInbox;
    await r.postBatch();
    const head = await inbox.headAccumulator();
    const stale = { prevAccumulator: "0x" + "00".repeat(32), delayedCount: 0n, l2BlockStart: 1n, l2BlockEnd: 1n, minTimestamp: 0n, maxTimestamp: MAX_U64 };
    await expect(inbox.connect(r.sequencers[0]).appendBatch("0x01", stale)).to.be.revertedWithCustomError(inbox, "StalePrevAccumulator").withArgs(stale.prevAccumulator, head);
    expect(await inbox.accumulatorOf(0)).to.equal(head);
  });

  it("consumes delayed messages in FIFO order: never backwards, never past the queue", async () => {
    const inbox = r.stack.contracts.SequencerInbox;
    const delayed = r.stack.contracts.DelayedInbox;
    for (const d of ["0x01", "0x02"]) await (await delayed.connect(r.citizen).enqueue(d)).wait();
    await expect(r.postBatch({ delayedCount: 3n })).to.be.revertedWithCustomError(inbox, "DelayedCountOutOfRange").withArgs(3n, 0n, 2n);
    await r.postBatch({ delayedCount: 2n });
    await expect(r.postBatch({ delayedCount: 1n })).to.be.revertedWithCustomError(inbox, "DelayedCountOutOfRange").withArgs(1n, 2n, 2n);
  });

  it("requires a contiguous L2 block range and the L1 time bounds", async () => {
    const inbox = r.stack.contracts.SequencerInbox;
    const seq = r.sequencers[0]!;
    const head = await inbox.headAccumulator();
    await expect(inbox.connect(seq).appendBatch("0x01", { prevAccumulator: head, delayedCount: 0n, l2BlockStart: 1n, l2BlockEnd: 1n, minTimestamp: 0n, maxTimestamp: MAX_U64 })).to.be.revertedWithCustomError(inbox, "L2BlockRange");
    await expect(inbox.connect(seq).appendBatch("0x01", { prevAccumulator: head, delayedCount: 0n, l2BlockStart: 0n, l2BlockEnd: 0n, minTimestamp: 0n, maxTimestamp: 1n })).to.be.revertedWithCustomError(inbox, "OutsideTimeBounds");
    await expect(inbox.connect(seq).appendBatch("0x01", { prevAccumulator: head, delayedCount: 0n, l2BlockStart: 0n, l2BlockEnd: 0n, minTimestamp: MAX_U64 - 1n, maxTimestamp: MAX_U64 })).to.be.revertedWithCustomError(inbox, "OutsideTimeBounds");
  });

  it("records the last sequencer batch time (the downtime clock)", async () => {
    const inbox = r.stack.contracts.SequencerInbox;
    await r.increaseTime(1000);
    await r.postBatch();
    expect(await inbox.lastBatchTime()).to.equal(BigInt(await r.now()));
  });
});
