/**
 * The chain end to end, in process (scripts/chain/scenario.ts, the flow of the demo's chain drill) on the in-process
 * L1 with the real deploy pipeline: deposits → L2 transactions through the RPC with plain ethers → batches posted by
 * the sequencer holding the role → 3 validators derive from L1 alone and commit M-of-N → a withdrawal paid on L1 →
 * council exit → a stranger rebuilds the exit tree from L1 alone and the citizens escape. Bounded: the whole flow
 * must finish within the mocha timeout below.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import type { Contract } from "ethers";

import { BatchNotOnL1Error, Engine, GENESIS_DEFAULTS, L1DelayedFeed, L1Reader, deriveThroughBatch, genesisToJson, rollupAddresses, startL1SequencerNode } from "@sovereign-stack/node";

import { runChainScenario, type ScenarioReport, type StepRunner } from "../../scripts/chain/scenario.ts";
import { deployRollup, type Rollup } from "../rollup/fixture.ts";

describe("chain end to end (sequencer + poster + validators + escape, in process)", function () {
  this.timeout(180_000);

  let r: Rollup;
  let report: ScenarioReport;
  const steps: string[] = [];
  const run: StepRunner = async (title, fn) => {
    steps.push(title);
    return fn();
  };

  before(async () => {
    r = await deployRollup();
  });

  it("deposits, transacts over the RPC, posts, commits the sequencer's roots, pays a withdrawal and escapes from an L1-only rebuild, never paying more than deposited", async () => {
    const [, threshold] = await r.stack.contracts.StateCommitment.validators();
    report = await runChainScenario(
      {
        provider: r.net.ethers.provider,
        stack: r.stack,
        sequencer: await r.activeSigner(),
        validators: r.validators.slice(0, Number(threshold)),
        council: r.council,
        citizens: [r.citizen, r.signers[18]!],
        stranger: r.stranger,
        deployToken: async () => (await r.net.ethers.deployContract("TestToken", ["T", "T"])) as unknown as Contract,
        increaseTime: (s) => r.increaseTime(s),
      },
      run,
    );
    expect(steps.map((s) => s.slice(0, 2))).to.include.members(["1.", "2.", "3.", "4.", "5.", "6.", "7."]);
    expect(report.batchesPosted).to.be.greaterThan(0);
    expect(report.l2Balances, "alice sent bob 250; bob withdrew 100").to.deep.equal({ alice: 750n, bob: 750n });
    for (const h of report.validatorHeads) expect(h.stateRoot, `validator head at block ${h.block}`).to.equal(report.sequencerStateRootAtBatchEnd);
    expect(report.committed.l2StateRoot).to.equal(report.sequencerStateRootAtBatchEnd);
    expect(report.committed.exitRoot).to.equal(report.sequencerRoots.exitRoot);
    expect(report.committed.identityRoot).to.equal(report.sequencerRoots.identityRoot);
    expect(report.rebuiltExitRoot).to.equal(report.committed.exitRoot);
    expect(report.deposited).to.equal(1600n);
    expect(report.paidOut, "withdrawal 100 + escapes 750 + 750").to.equal(1600n);
    expect(report.vaultBalanceAfter).to.equal(0n);
    expect(report.doubleEscapeRefused).to.equal(true);
    expect(await r.stack.contracts.ExitController.inExit()).to.equal(true);
  });

  it("the L1 delayed feed serves every deposit message in FIFO order from any index, and nothing below it", async () => {
    const a = rollupAddresses(r.stack.deployment);
    const feed = new L1DelayedFeed(new L1Reader({ provider: r.net.ethers.provider, delayedInbox: a.delayedInbox, sequencerInbox: a.sequencerInbox }), a.deployBlock);
    const all = await feed.poll(0n);
    expect(all.map((m) => [m.index, m.kind])).to.deep.equal([
      [0n, 1],
      [1n, 1],
    ]);
    expect((await feed.poll(1n)).map((m) => m.index)).to.deep.equal([1n]);
    expect(await feed.poll(2n)).to.deep.equal([]);
    let err: unknown;
    try {
      await feed.poll(-1n);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(RangeError);
  });

  it("deriving up to a batch L1 does not hold is refused, never served as a partial state", async () => {
    const a = rollupAddresses(r.stack.deployment);
    const reader = new L1Reader({ provider: r.net.ethers.provider, delayedInbox: a.delayedInbox, sequencerInbox: a.sequencerInbox });
    const dir = mkdtempSync(path.join(tmpdir(), "chain-e2e-derive-"));
    const engine = await Engine.open({ dataDir: dir, genesis: { ...GENESIS_DEFAULTS, chainId: 31338, timestamp: 1n, alloc: {} } });
    try {
      const batches = await r.stack.contracts.SequencerInbox.batchCount();
      let err: unknown;
      try {
        await deriveThroughBatch(engine, reader, a.deployBlock, batches);
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(BatchNotOnL1Error);
      expect((err as Error).message).to.match(new RegExp(`L1 holds ${batches} batches; batch ${batches} is not among them`));
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the posting loop sends a batch with content on its next round but holds back batches of only empty blocks until the idle interval", async () => {
    const l1 = await deployRollup();
    const dir = mkdtempSync(path.join(tmpdir(), "chain-e2e-idle-"));
    const genesisFile = path.join(dir, "genesis.json");
    writeFileSync(genesisFile, genesisToJson({ ...GENESIS_DEFAULTS, chainId: 31338, timestamp: BigInt(Math.floor(Date.now() / 1000)) - 60n, alloc: {} }));
    const inbox = l1.stack.contracts.SequencerInbox;
    const s = await startL1SequencerNode({
      node: { dataDir: path.join(dir, "seq"), rpcHost: "127.0.0.1", rpcPort: 0, chainId: 31338, sealIntervalMs: 50, genesisFile },
      l1: l1.net.ethers.provider,
      signer: await l1.activeSigner(),
      rollup: rollupAddresses(l1.stack.deployment),
      postIntervalMs: 50,
      idlePostIntervalMs: 600_000,
    });
    try {
      await new Promise((r) => setTimeout(r, 800));
      expect(s.node.engine.head().number, "empty blocks were sealed").to.be.greaterThan(3n);
      expect(await inbox.batchCount(), "but not posted").to.equal(0n);
      await (await l1.stack.contracts.DelayedInbox.connect(l1.citizen).enqueue("0xf00d")).wait();
      const end = Date.now() + 20_000;
      while ((await inbox.batchCount()) === 0n) {
        if (Date.now() > end) throw new Error("the batch holding the delayed message was not posted within 20 s");
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await inbox.delayedConsumed(), "the posted batch consumes the message").to.equal(1n);
      // blocks sealed after the head of now are certainly not in the posted batch: wait for two of them
      const headAtPost = s.node.engine.head().number;
      while (s.node.engine.head().number < headAtPost + 2n) await new Promise((r) => setTimeout(r, 20));
      const forced = await s.postNow();
      expect(forced.length, "postNow posts the empty blocks sealed since").to.be.greaterThan(0);
      expect(forced.every((p) => p.posted && p.batch.txCount + p.batch.delayedCount === 0)).to.equal(true);
    } finally {
      await s.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
