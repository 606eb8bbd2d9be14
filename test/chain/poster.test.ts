/**
 * The batch poster on the in-process L1: batches of complete blocks under the size cap, exactly the log's
 * blocks and interleaving, posted only by the active sequencer, on top of the on-chain head, never twice.
 */
import { expect } from "chai";

import { BatchPoster, PosterOptionError, PosterOutOfSyncError, decodeBatch, engineBlockOf, type GenesisConfig } from "@sovereign-stack/node";

import { deployRollup, type Rollup } from "../rollup/fixture.ts";
import { cleanupDirs, tokenBytecode } from "./helpers.ts";
import { DELAYED_KEYS, TestSequencer, enqueueOnL1, l2Transfer, readAll } from "./l1.ts";
import { buildWorkload, makeGenesis, type Workload } from "./workload.ts";

describe("chain batch poster", function () {
  this.timeout(600_000);
  after(cleanupDirs);

  let r: Rollup;
  let w: Workload;
  let genesis: GenesisConfig;
  let seq: TestSequencer;

  before(async () => {
    r = await deployRollup();
    w = buildWorkload({ tokenBytecode: await tokenBytecode(), nBlocks: 12, perBlock: 12 });
    genesis = makeGenesis([...w.keys, ...DELAYED_KEYS]);
    seq = await TestSequencer.open(r, genesis, "poster-seq");
    for (let n = 0; n < 2; n++) await enqueueOnL1(r, l2Transfer(DELAYED_KEYS[0]!, n, w.keys[1]!.address, 5n));
    for (const b of w.blocks.slice(0, 8)) await seq.addBlock(b, b.number === 2n ? 1 : b.number === 5n ? 1 : 0);
  });
  after(async () => seq.close());

  it("refuses bad options with the field named", async () => {
    const c = r.stack.contracts;
    const base = { log: seq.log, engine: seq.engine, signer: await r.activeSigner(), sequencerInbox: await c.SequencerInbox.getAddress(), sequencerSet: await c.SequencerSet.getAddress() };
    expect(() => new BatchPoster({ ...base, maxBatchBytes: 10 })).to.throw(PosterOptionError, /maxBatchBytes/);
    expect(() => new BatchPoster({ ...base, maxBlocksPerBatch: 0 })).to.throw(PosterOptionError, /maxBlocksPerBatch/);
    expect(() => new BatchPoster({ ...base, sequencerSet: "set" })).to.throw(PosterOptionError, /sequencerSet/);
  });

  it("a poster without the active role posts nothing", async () => {
    const active = await r.activeSigner();
    const standby = r.sequencers.find((s) => s.address !== active.address)!;
    const p = await seq.poster(standby);
    expect(await p.isActive()).to.equal(false);
    expect(await p.postOnce()).to.deep.equal({ posted: false, reason: "not-active" });
    expect(await r.stack.contracts.SequencerInbox.batchCount()).to.equal(0n);
  });

  it("posts the log's blocks as batches of complete blocks under the size cap, each on the on-chain head", async () => {
    const p = await seq.poster(undefined, { maxBatchBytes: 2500 });
    const outs = await p.postAll();
    expect(outs.length, "the cap splits the 8 blocks into several batches").to.be.greaterThan(1);
    const { batches } = await readAll(r);
    expect(batches).to.have.length(outs.length);
    let next = 0n;
    let prev = "0x" + "00".repeat(32);
    for (const [i, b] of batches.entries()) {
      expect(b.l2BlockStart).to.equal(next);
      expect(b.prevAccumulator).to.equal(prev);
      if (b.l2BlockEnd > b.l2BlockStart) expect(b.data!.length, "a batch of several blocks stays under the cap").to.be.at.most(2500);
      const decoded = decodeBatch(b.data!);
      expect(decoded.ok).to.equal(true);
      if (!decoded.ok) continue;
      expect(BigInt(decoded.blocks.length)).to.equal(b.l2BlockEnd - b.l2BlockStart + 1n);
      for (const [k, blk] of decoded.blocks.entries()) {
        // The batch holds exactly the log's block: its timestamp, its txs, the delayed marker where the log put it.
        const wb = w.blocks[Number(b.l2BlockStart) + k]!;
        expect(blk.timestamp).to.equal(wb.timestamp);
        const txs = blk.items.filter((it) => it.kind === "tx").map((it) => (it.kind === "tx" ? Buffer.from(it.raw).toString("hex") : ""));
        expect(txs).to.deep.equal(wb.txs.map((t) => Buffer.from(t.raw).toString("hex")));
        const markerAt = blk.items.findIndex((it) => it.kind === "delayed");
        expect(markerAt).to.equal(wb.number === 2n || wb.number === 5n ? 1 : -1);
        expect(blk.timestamp >= b.minTimestamp && blk.timestamp <= b.maxTimestamp).to.equal(true);
      }
      expect(outs[i]!.posted && outs[i]!.index).to.equal(BigInt(i));
      next = b.l2BlockEnd + 1n;
      prev = b.accumulator;
    }
    expect(next).to.equal(8n);
    expect(batches[batches.length - 1]!.delayedCount).to.equal(2n);
  });

  it("a restarted poster derives its cursor from L1 and never re-posts a block L1 already has", async () => {
    const restarted = await seq.poster();
    expect(await restarted.postOnce()).to.deep.equal({ posted: false, reason: "nothing-to-post" });
    for (const b of w.blocks.slice(8, 10)) await seq.addBlock(b);
    const out = await restarted.postOnce();
    expect(out.posted).to.equal(true);
    if (out.posted) expect([out.batch.firstBlock, out.batch.lastBlock]).to.deep.equal([9n, 10n]);
    expect(await r.stack.contracts.SequencerInbox.nextL2Block()).to.equal(10n);
  });

  it("posts only blocks the engine has applied", async () => {
    const b11 = w.blocks[10]!;
    await seq.log.append([...b11.txs.map((t) => ({ kind: "tx" as const, raw: t.raw })), { kind: "seal", block: b11.number, timestamp: b11.timestamp }]);
    const p = await seq.poster();
    expect(await p.prepare(), "block 11 is sealed in the log but not applied").to.equal(null);
    await seq.addBlock({ ...w.blocks[11]!, txs: [] }); // applies 11 and 12
    const out = await p.postOnce();
    expect(out.posted && [out.batch.firstBlock, out.batch.lastBlock]).to.deep.equal([11n, 12n]);
    expect(engineBlockOf(await r.stack.contracts.SequencerInbox.nextL2Block()) - 1n).to.equal(seq.engine.head().number);
  });

  it("a stale prevAccumulator fails on L1 and cannot fork the sequence", async () => {
    const w2 = buildWorkload({ tokenBytecode: await tokenBytecode(), nBlocks: 14, perBlock: 3, seed: 9 });
    await seq.addBlock({ ...w2.blocks[12]!, number: 13n, timestamp: w.blocks[11]!.timestamp + 10n, txs: [] });
    const a = await seq.poster();
    const b = await seq.poster();
    const stale = (await a.prepare())!;
    expect((await b.postOnce()).posted).to.equal(true);
    const before = await r.stack.contracts.SequencerInbox.batchCount();
    await expect(a.send(stale)).to.be.revertedWithCustomError(r.stack.contracts.SequencerInbox, "StalePrevAccumulator");
    expect(await r.stack.contracts.SequencerInbox.batchCount()).to.equal(before);
  });

  it("stops with PosterOutOfSyncError when L1 consumed delayed messages the log has not ordered (a forced inclusion)", async () => {
    await enqueueOnL1(r, l2Transfer(DELAYED_KEYS[0]!, 2, w.keys[1]!.address, 5n));
    const sla = await r.stack.contracts.SlaConfig.getSla();
    await r.increaseTime(sla.inclusionWindow + 1n);
    await r.mine(sla.inclusionWindowBlocks + 1n);
    await (await r.stack.contracts.SequencerInbox.connect(r.stranger).forceInclude(3n)).wait();
    await seq.addBlock({ number: 14n, timestamp: w.blocks[11]!.timestamp + 20n, txs: [] });
    const p = await seq.poster();
    let err: unknown;
    try {
      await p.postOnce();
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(PosterOutOfSyncError);
  });
});
