/**
 * Validators on the in-process L1: each derives the chain from L1 alone, signs the EIP-712 commitment, and
 * any validator that sees M of N signatures on the board commits on L1. The exit and identity roots come
 * from a FIXED test provider here: the bridge's real RootsProvider is not merged yet.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import { BoardInputError, DirectorySignatureBoard, Engine, MemorySignatureBoard, Validator, ValidatorOptionError, engineBlockOf, storedHeader, type BoardSignature, type GenesisConfig, type RootsProvider, type SignatureBoard } from "@sovereign-stack/node";

import { deployRollup, type Rollup } from "../rollup/fixture.ts";
import { cleanupDirs, tempDir, tokenBytecode } from "./helpers.ts";
import { DELAYED_KEYS, TestSequencer, enqueueOnL1, l2Transfer, readAll, readerOf } from "./l1.ts";
import { buildWorkload, makeGenesis, type Workload } from "./workload.ts";

const EXIT_ROOT = "0x" + "e1".repeat(32);
const IDENTITY_ROOT = "0x" + "1d".repeat(32);
/** Test-only roots: a fixed provider, standing in for the bridge's until it is merged. */
const fixedRoots: RootsProvider = async () => ({ exitRoot: EXIT_ROOT, identityRoot: IDENTITY_ROOT });

describe("chain validators", function () {
  this.timeout(600_000);
  after(cleanupDirs);

  let r: Rollup;
  let w: Workload;
  let genesis: GenesisConfig;
  let seq: TestSequencer;

  const validatorOf = async (signer: HardhatEthersSigner, board: SignatureBoard, dataDir = tempDir("validator")): Promise<Validator> =>
    new Validator({
      engine: await Engine.open({ dataDir, genesis }),
      reader: await readerOf(r, { pageSize: 50 }),
      deployBlock: 0n,
      signer,
      stateCommitment: await r.stack.contracts.StateCommitment.getAddress(),
      board,
      roots: fixedRoots,
    });

  before(async () => {
    r = await deployRollup();
    w = buildWorkload({ tokenBytecode: await tokenBytecode(), nBlocks: 9, perBlock: 8 });
    genesis = makeGenesis([...w.keys, ...DELAYED_KEYS]);
    seq = await TestSequencer.open(r, genesis, "validator-seq");
    await enqueueOnL1(r, l2Transfer(DELAYED_KEYS[0]!, 0, w.keys[1]!.address, 5n));
    const poster = await seq.poster();
    for (const b of w.blocks) {
      await seq.addBlock(b, b.number === 2n ? 1 : 0);
      if (b.number % 3n === 0n) await poster.postAll();
    }
  });
  after(async () => seq.close());

  it("refuses bad options with the field named", async () => {
    const opts = { engine: seq.engine, reader: await readerOf(r), deployBlock: 0n, signer: r.validators[0]!, stateCommitment: await r.stack.contracts.StateCommitment.getAddress(), board: new MemorySignatureBoard(), roots: fixedRoots };
    expect(() => new Validator({ ...opts, commitEvery: 0 })).to.throw(ValidatorOptionError, /commitEvery/);
    expect(() => new Validator({ ...opts, deadlineWindow: 0n })).to.throw(ValidatorOptionError, /deadlineWindow/);
    expect(() => new Validator({ ...opts, stateCommitment: "0xabc" })).to.throw(ValidatorOptionError, /stateCommitment/);
  });

  it("M of N validators derive from L1 alone and commit the sequencer's state root; fewer than M commit nothing", async () => {
    const sc = r.stack.contracts.StateCommitment;
    const [, threshold] = await sc.validators();
    const board = new DirectorySignatureBoard(tempDir("board"));
    const vs = await Promise.all(r.validators.map((s) => validatorOf(s, board)));
    try {
      const { batches } = await readAll(r);
      expect(batches).to.have.length(3);
      for (let i = 0; i < Number(threshold) - 1; i++) {
        const step = await vs[i]!.step();
        expect(step.derived.map((d) => d.valid)).to.deep.equal([true, true, true]);
        expect(step.submitted).to.deep.equal([]);
        expect(step.signed.length).to.equal(3);
        if (i === 0) {
          // The digest signed is the contract's own commitmentDigest for the same data and deadline.
          const s = step.signed[0]!;
          const deadline = vs[0]!.recordedRoots.get(s.data.batchIndex)!.deadline;
          expect(await sc.commitmentDigest(s.data, deadline)).to.equal(s.digest);
        }
      }
      expect(await sc.count(), "fewer than M signatures: nothing committed").to.equal(0n);
      const last = await vs[Number(threshold) - 1]!.step();
      expect(last.submitted).to.deep.equal([0n]);
      expect(await sc.count()).to.equal(1n);
      const stored = await sc.get(0n);
      expect(stored.batchIndex, "the latest batch with M signatures").to.equal(2n);
      expect(stored.exitRoot).to.equal(EXIT_ROOT);
      expect(stored.identityRoot).to.equal(IDENTITY_ROOT);
      const [ev] = await sc.queryFilter(sc.filters.CommitmentSubmitted());
      expect(ev!.args.data.l2StateRoot).to.equal((await storedHeader(seq.engine, engineBlockOf(batches[2]!.l2BlockEnd))).stateRoot);
      expect(ev!.args.data.accumulator).to.equal(batches[2]!.accumulator);
      for (const v of vs) if (v !== vs[Number(threshold) - 1]) expect((await v.step()).submitted, "nothing left to commit").to.deep.equal([]);
      for (const v of vs) expect(v.engine.head().stateRoot).to.equal(seq.engine.head().stateRoot);
    } finally {
      for (const v of vs) await v.engine.close();
    }
  });

  it("two validators racing to submit the same commitment: one commits, the other tolerates it", async () => {
    const sc = r.stack.contracts.StateCommitment;
    for (const b of [10n, 11n, 12n]) await seq.addBlock({ number: b, timestamp: w.blocks[8]!.timestamp + 10n * (b - 9n), txs: [] });
    await (await seq.poster()).postAll();
    const shared = new MemorySignatureBoard();
    let release!: () => void;
    const released = new Promise<void>((res) => (release = res));
    // The late validator's board holds back its reads until released, so it sees M signatures only after
    // another validator has committed them.
    let signed!: () => void;
    const lateSigned = new Promise<void>((res) => (signed = res));
    const lagging: SignatureBoard = {
      put: async (d, s: BoardSignature) => {
        await shared.put(d, s);
        signed();
      },
      list: async (d) => (await released, shared.list(d)),
    };
    const a = await validatorOf(r.validators[0]!, shared);
    const b = await validatorOf(r.validators[1]!, shared);
    const late = await validatorOf(r.validators[2]!, lagging);
    const first = await validatorOf(r.validators[3]!, shared);
    try {
      expect((await a.step()).submitted).to.deep.equal([]);
      expect((await b.step()).submitted).to.deep.equal([]);
      const lateStep = late.step();
      await lateSigned; // it has read the commitment count (1) and signed index 1
      expect((await first.step()).submitted, "the third signature commits").to.deep.equal([1n]);
      release();
      expect((await lateStep).submitted, "the late submitter lost the race without an error").to.deep.equal([]);
      expect(await sc.count()).to.equal(2n);
      expect((await sc.get(1n)).batchIndex).to.equal(3n);
    } finally {
      for (const v of [a, b, late, first]) await v.engine.close();
    }
  });

  it("a restarted validator resumes from its disk without re-executing; with commitEvery 2 it records every second batch", async () => {
    const board = new MemorySignatureBoard();
    const dir = tempDir("validator-restart");
    const first = await validatorOf(r.validators[0]!, board, dir);
    await first.derive();
    const head = first.engine.head();
    await first.engine.close();
    for (const b of [13n, 14n]) await seq.addBlock({ number: b, timestamp: w.blocks[8]!.timestamp + 10n * (b - 9n), txs: [] });
    await (await seq.poster()).postAll();
    for (const b of [15n]) await seq.addBlock({ number: b, timestamp: w.blocks[8]!.timestamp + 10n * (b - 9n), txs: [] });
    await (await seq.poster()).postAll();
    const restarted = new Validator({
      engine: await Engine.open({ dataDir: dir, genesis }),
      reader: await readerOf(r),
      deployBlock: 0n,
      signer: r.validators[0]!,
      stateCommitment: await r.stack.contracts.StateCommitment.getAddress(),
      board,
      roots: fixedRoots,
      commitEvery: 2,
    });
    try {
      expect(restarted.engine.head()).to.deep.equal(head);
      const ds = await restarted.derive();
      expect(ds.map((d) => d.results.length), "only the two new batches execute").to.deep.equal([0, 0, 0, 0, 2, 1]);
      expect(restarted.engine.head().stateRoot).to.equal(seq.engine.head().stateRoot);
      // Batches 1, 3 and 5 end a pair. The restarted engine stood at batch 3's end, so its roots are known again;
      // batch 1's state is behind the disk head and is not recorded.
      expect([...restarted.recordedRoots.keys()]).to.deep.equal([3n, 5n]);
      expect(restarted.recordedRoots.get(5n)!.l2StateRoot).to.equal(seq.engine.head().stateRoot);
    } finally {
      await restarted.engine.close();
    }
  });

  it("the directory board round-trips signatures, ignores foreign files and refuses a malformed digest", async () => {
    const dir = tempDir("board-files");
    const board = new DirectorySignatureBoard(dir);
    const digest = "0x" + "ab".repeat(32);
    await board.put(digest, { signer: "0x" + "11".repeat(20), signature: "0x" + "22".repeat(65) });
    await board.put(digest, { signer: "0x" + "11".repeat(20), signature: "0x" + "33".repeat(65) });
    mkdirSync(path.join(dir, digest), { recursive: true });
    writeFileSync(path.join(dir, digest, "garbage.json"), "{not json");
    expect(await new DirectorySignatureBoard(dir).list(digest)).to.deep.equal([{ signer: "0x" + "11".repeat(20), signature: "0x" + "33".repeat(65) }]);
    expect(await board.list("0x" + "cd".repeat(32))).to.deep.equal([]);
    let err: unknown;
    try {
      await board.put("0x1234", { signer: "0x" + "11".repeat(20), signature: "0x00" });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(BoardInputError);
    expect((err as BoardInputError).field).to.equal("digest");
  });
});
