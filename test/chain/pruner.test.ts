/**
 * Log pruning on L1 finality (LogPruner), on the in-process L1 with the real deploy pipeline: a sequencer appends
 * and applies blocks, its poster posts batches, M validators derive from L1 alone and commit, chain time passes
 * the finality delay, and the pruner removes exactly the entries up to the last SEAL of the latest final batch.
 * Then a sequencer restarted on the pruned log resumes (its open block included), a fresh validator still derives
 * everything from L1 alone, and a new pruner instance picks up where the log starts. Run over the embedded log
 * and over the etcd log (a local etcd, found or installed, never skipped).
 */
import { expect } from "chai";
import type { Etcd3 } from "etcd3";

import {
  BatchPoster,
  EmbeddedLog,
  Engine,
  EtcdLeadership,
  EtcdLog,
  LogPruner,
  MemorySignatureBoard,
  PrunerError,
  PrunerOptionError,
  Sequencer,
  Validator,
  applyLog,
  connectEtcd,
  engineBlockOf,
  etcdLogKeys,
  storedHeader,
  type ChainLog,
  type GenesisConfig,
  type LogEntry,
  type PruneOutcome,
  type RootsProvider,
  type SequencedEntry,
} from "@sovereign-stack/node";

import { EtcdCluster } from "../../scripts/lib/etcd.ts";
import { deployRollup, type Rollup } from "../rollup/fixture.ts";
import { freshPrefix } from "./etcd-helpers.ts";
import { cleanupDirs, tempDir, tokenBytecode } from "./helpers.ts";
import { DELAYED_KEYS, l2Transfer, readerOf } from "./l1.ts";
import { buildWorkload, makeGenesis, type Workload, type WorkloadBlock } from "./workload.ts";

const fixedRoots: RootsProvider = async () => ({ exitRoot: "0x" + "e1".repeat(32), identityRoot: "0x" + "1d".repeat(32) });

/** A log store that can be closed and opened again (a process restart). */
interface LogStore {
  open(): Promise<ChainLog>;
  /** Releases what the store holds beyond its logs (after the last log is closed). */
  dispose(): Promise<void>;
}

function embeddedStore(): LogStore {
  const dir = tempDir("pruner-log");
  return { open: () => EmbeddedLog.open({ dir }), dispose: async () => undefined };
}

function etcdStore(client: () => Etcd3): LogStore {
  const prefix = freshPrefix("pruner");
  let resign: (() => Promise<void>) | undefined;
  return {
    async open() {
      await resign?.(); // a restart: the previous process's lease is gone
      // A 3 s lease (the longer one the HA node allows): the engine and the in-process L1 share this event loop.
      const leadership = new EtcdLeadership({ client: client(), key: etcdLogKeys(prefix).leader, candidate: "pruner-seq", ttlSeconds: 3 });
      await leadership.campaign(AbortSignal.timeout(10_000));
      resign = () => leadership.resign();
      return EtcdLog.open({ client: client(), prefix, leadership });
    },
    async dispose() {
      await resign?.();
    },
  };
}

const sealSeqOf = (entries: readonly SequencedEntry[], block: bigint): bigint => {
  const e = entries.find((x) => x.entry.kind === "seal" && x.entry.block === block);
  if (e === undefined) throw new Error(`no SEAL of block ${block} in the log`);
  return e.seq;
};

function pruneScenario(label: string, store: () => LogStore): void {
  it(`${label}: prunes nothing before finality or while the engine is behind, then exactly up to the final batch's last SEAL; a restarted sequencer and a fresh validator carry on`, async () => {
    const r: Rollup = await deployRollup();
    const w: Workload = buildWorkload({ tokenBytecode: await tokenBytecode(), nBlocks: 9, perBlock: 3 });
    const genesis: GenesisConfig = makeGenesis([...w.keys, ...DELAYED_KEYS]);
    const c = r.stack.contracts;
    const [sequencerInbox, sequencerSet, stateCommitment] = await Promise.all([c.SequencerInbox.getAddress(), c.SequencerSet.getAddress(), c.StateCommitment.getAddress()]);
    const provider = r.net.ethers.provider;
    const s = store();
    const engineDir = tempDir("pruner-engine");
    let engine = await Engine.open({ dataDir: engineDir, genesis });
    let log = await s.open();
    const lagging = await Engine.open({ dataDir: tempDir("pruner-lagging"), genesis });
    const validatorEngines: Engine[] = [];
    let sequencer: Sequencer | undefined;
    try {
      const addBlock = async (b: WorkloadBlock): Promise<void> => {
        const entries: LogEntry[] = [...b.txs.map((t) => ({ kind: "tx" as const, raw: t.raw })), { kind: "seal", block: b.number, timestamp: b.timestamp }];
        await log.append(entries);
        await applyLog(engine, log);
      };
      const poster = new BatchPoster({ log, engine, signer: await r.activeSigner(), sequencerInbox, sequencerSet });
      const [, threshold] = await c.StateCommitment.validators();
      const board = new MemorySignatureBoard();
      const validators: Validator[] = [];
      for (const v of r.validators.slice(0, Number(threshold))) {
        const e = await Engine.open({ dataDir: tempDir("pruner-validator"), genesis });
        validatorEngines.push(e);
        validators.push(new Validator({ engine: e, reader: await readerOf(r), deployBlock: 0n, signer: v, stateCommitment, board, roots: fixedRoots }));
      }
      const commitAll = async (): Promise<void> => {
        for (const v of validators) await v.step();
      };
      const pruner = new LogPruner({ log, engine, provider, stateCommitment, sequencerInbox });
      const laggingPruner = new LogPruner({ log, engine: lagging, provider, stateCommitment, sequencerInbox });

      // Batches 0 (blocks 1..3) and 1 (blocks 4..6), committed by M validators: not final yet.
      for (const b of w.blocks.slice(0, 3)) await addBlock(b);
      expect((await poster.postAll()).length).to.equal(1);
      for (const b of w.blocks.slice(3, 6)) await addBlock(b);
      expect((await poster.postAll()).length).to.equal(1);
      await commitAll();
      expect(await c.StateCommitment.count(), "one commitment, covering batch 1").to.equal(1n);
      expect((await c.StateCommitment.get(0n)).batchIndex).to.equal(1n);
      expect(await pruner.pruneOnce(), "before finality").to.deep.equal({ pruned: false, reason: "nothing-final" });
      expect((await log.head()).firstSeq, "nothing pruned before finality").to.equal(0n);

      // Past the finality delay; then batch 2 (blocks 7..9) is posted and committed, and is NOT final.
      const sla = await c.SlaConfig.getSla();
      await r.increaseTime(sla.finalityDelay + 1n);
      for (const b of w.blocks.slice(6, 9)) await addBlock(b);
      expect((await poster.postAll()).length).to.equal(1);
      await commitAll();
      expect(await c.StateCommitment.count()).to.equal(2n);
      const [, lastFinal] = await c.StateCommitment.lastFinalized();
      expect(lastFinal, "commitment 0 (batch 1) is final, commitment 1 (batch 2) is not").to.equal(0n);

      const before = await log.read(0n, (await log.head()).nextSeq);
      const finalSeal = sealSeqOf(before, 6n);
      expect(engineBlockOf((await c.SequencerInbox.batch(1n)).l2BlockEnd)).to.equal(6n);

      const behind = await laggingPruner.pruneOnce();
      expect(behind, "an engine that has not applied block 6 prunes nothing").to.deep.include({ pruned: false, reason: "engine-behind", applied: 0n });
      expect((await log.head()).firstSeq).to.equal(0n);

      // An engine that applied blocks 1..8 from another log (one skipped SEAL more: every position moves by one)
      // disagrees with this log about where its head was sealed: refused, nothing pruned.
      const otherLog = await EmbeddedLog.open({ dir: tempDir("pruner-other-log") });
      try {
        await otherLog.append([{ kind: "seal", block: 5n, timestamp: genesis.timestamp + 1n }, ...before.slice(0, Number(sealSeqOf(before, 8n)) + 1).map((e) => e.entry)]);
        await applyLog(lagging, otherLog);
      } finally {
        await otherLog.close();
      }
      expect(lagging.head().number).to.equal(8n);
      const mismatch = await laggingPruner.pruneOnce().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(mismatch).to.be.instanceOf(PrunerError);
      expect((mismatch as Error).message).to.match(new RegExp(`head block 8 was sealed at log entry ${sealSeqOf(before, 8n) + 1n}.*puts it at ${sealSeqOf(before, 8n)}; nothing pruned`));
      expect((await log.head()).firstSeq).to.equal(0n);

      // An engine that has applied exactly blocks 1..6 of this log (its head's SEAL is the last entry to prune).
      const atSix = await Engine.open({ dataDir: tempDir("pruner-at-six"), genesis });
      validatorEngines.push(atSix);
      const firstSixBlocks: ChainLog = {
        append: () => Promise.reject(new Error("read-only view")),
        read: (f, t, l) => log.read(f, t < finalSeal + 1n ? t : finalSeal + 1n, l),
        head: async () => ({ firstSeq: 0n, nextSeq: finalSeal + 1n }),
        prune: () => Promise.reject(new Error("read-only view")),
        close: async () => undefined,
      };
      await applyLog(atSix, firstSixBlocks);
      expect(atSix.head()).to.deep.include({ number: 6n, cursor: { seq: finalSeal, delayedNext: 0n } });

      const out: PruneOutcome = await pruner.pruneOnce();
      const final = { commitmentIndex: 0n, batchIndex: 1n, block: 6n };
      expect(out).to.deep.equal({ pruned: true, final, uptoSeq: finalSeal, removed: finalSeal + 1n, firstSeq: finalSeal + 1n, nextSeq: BigInt(before.length) });
      const head = await log.head();
      expect(head).to.deep.equal({ firstSeq: finalSeal + 1n, nextSeq: BigInt(before.length) });
      expect(await log.read(0n, finalSeal + 1n), "entries up to the final batch's last SEAL are gone").to.deep.equal([]);
      expect(await log.read(head.firstSeq, head.nextSeq), "every later entry is intact").to.deep.equal(before.slice(Number(finalSeal) + 1));
      expect(await pruner.pruneOnce(), "idempotent").to.deep.equal({ pruned: false, reason: "up-to-date", final, firstSeq: finalSeal + 1n });
      expect(await new LogPruner({ log, engine, provider, stateCommitment, sequencerInbox }).pruneOnce(), "a new pruner finds where the log starts").to.deep.equal({
        pruned: false,
        reason: "up-to-date",
        final,
        firstSeq: finalSeal + 1n,
      });
      expect(await new LogPruner({ log, engine: atSix, provider, stateCommitment, sequencerInbox }).pruneOnce(), "an engine whose head is the log's start").to.deep.equal({
        pruned: false,
        reason: "up-to-date",
        final,
        firstSeq: finalSeal + 1n,
      });
      expect(await log.head()).to.deep.equal(head);

      // An acknowledged transaction in the open block, then a restart of the sequencer on the pruned log.
      const open = l2Transfer(DELAYED_KEYS[0]!, 0, w.keys[1]!.address, 5n);
      await log.append([{ kind: "tx", raw: open }]);
      const rootAt9 = engine.head().stateRoot;
      await log.close();
      await engine.close();
      engine = await Engine.open({ dataDir: engineDir, genesis });
      log = await s.open();
      expect(await log.head(), "the reopened log").to.deep.equal({ firstSeq: head.firstSeq, nextSeq: head.nextSeq + 1n });
      sequencer = await Sequencer.open({ engine, log, sealIntervalMs: 3_600_000 });
      expect(engine.head().number).to.equal(9n);
      expect(engine.head().stateRoot).to.equal(rootAt9);
      expect(sequencer.pendingCount, "the open block's acknowledged transaction is pending again").to.equal(1);
      const second = await sequencer.submit(l2Transfer(DELAYED_KEYS[0]!, 1, w.keys[2]!.address, 7n));
      expect(await sequencer.sealNow()).to.equal(10n);
      const receipts = await engine.blocks.receipts(10n, engine.head().hash);
      expect(receipts.map((x) => x.status), "both transactions executed in block 10").to.deep.equal([1, 1]);
      expect(receipts[1]!.txHash).to.equal(second);
      expect(await engine.getNonce(DELAYED_KEYS[0]!.address)).to.equal(2n);
      await sequencer.stop();
      sequencer = undefined;

      // A poster opened on the pruned log posts block 10 as batch 3.
      const restartedPoster = new BatchPoster({ log, engine, signer: await r.activeSigner(), sequencerInbox, sequencerSet });
      const posted = await restartedPoster.postAll();
      expect(posted.map((p) => (p.posted ? [p.index, p.batch.firstBlock, p.batch.lastBlock, p.batch.txCount] : []))).to.deep.equal([[3n, 10n, 10n, 2]]);

      // A fresh validator derives batches 0..3 from L1 alone and reaches the sequencer's roots.
      const freshEngine = await Engine.open({ dataDir: tempDir("pruner-fresh"), genesis });
      validatorEngines.push(freshEngine);
      const fresh = new Validator({ engine: freshEngine, reader: await readerOf(r), deployBlock: 0n, signer: r.validators[0]!, stateCommitment, board: new MemorySignatureBoard(), roots: fixedRoots });
      const derived = await fresh.derive();
      expect(derived.map((d) => d.valid)).to.deep.equal([true, true, true, true]);
      expect(freshEngine.head().number).to.equal(10n);
      expect(freshEngine.head().stateRoot).to.equal(engine.head().stateRoot);
      for (const n of [3n, 6n, 9n]) expect((await storedHeader(freshEngine, n)).stateRoot).to.equal((await storedHeader(engine, n)).stateRoot);

      // Batch 2's commitment becomes final: a pruner on the restarted engine prunes up to block 9's SEAL.
      await r.increaseTime(sla.finalityDelay + 1n);
      const later = new LogPruner({ log, engine, provider, stateCommitment, sequencerInbox });
      const nineSeal = sealSeqOf(before, 9n);
      const out2 = await later.pruneOnce();
      expect(out2).to.deep.include({ pruned: true, uptoSeq: nineSeal, removed: nineSeal - finalSeal, firstSeq: nineSeal + 1n });
      const rest = await log.read(nineSeal + 1n, (await log.head()).nextSeq);
      expect(rest.map((e) => e.entry.kind), "block 10 (two txs and its SEAL) stays").to.deep.equal(["tx", "tx", "seal"]);
    } finally {
      await sequencer?.stop();
      await log.close();
      await s.dispose();
      for (const e of [engine, lagging, ...validatorEngines]) await e.close();
    }
  });
}

describe("log pruning on L1 finality (LogPruner)", function () {
  this.timeout(300_000);
  after(cleanupDirs);

  it("refuses bad options with the field named", async () => {
    const genesis = makeGenesis([]);
    const engine = await Engine.open({ dataDir: tempDir("pruner-opts"), genesis });
    const log = await EmbeddedLog.open({ dir: tempDir("pruner-opts-log") });
    try {
      const ok = { log, engine, provider: {} as never, stateCommitment: "0x" + "11".repeat(20), sequencerInbox: "0x" + "22".repeat(20) };
      expect(() => new LogPruner({ ...ok, stateCommitment: "0x12" })).to.throw(PrunerOptionError, /stateCommitment/);
      expect(() => new LogPruner({ ...ok, sequencerInbox: "nope" })).to.throw(PrunerOptionError, /sequencerInbox/);
      expect(() => new LogPruner({ ...ok, pageSize: 0 })).to.throw(PrunerOptionError, /pageSize/);
    } finally {
      await log.close();
      await engine.close();
    }
  });

  pruneScenario("embedded log", embeddedStore);

  describe("on etcd", () => {
    let cluster: EtcdCluster | undefined;
    let client: Etcd3 | undefined;
    before(async function () {
      this.timeout(240_000); // may install etcd-server with apt-get on a fresh machine
      cluster = await EtcdCluster.start({ members: 1 });
      client = connectEtcd({ hosts: cluster.endpoints });
    });
    after(async () => {
      client?.close();
      await cluster?.stop();
    });
    pruneScenario("etcd log", () => etcdStore(() => client!));
  });
});
