/**
 * The engine on its own: determinism, restart from disk without replay, totality against garbage input.
 */
import { expect } from "chai";
import { Transaction, Wallet, toBeHex } from "ethers";

import { DecodedTxCache, EmbeddedLog, Engine, EngineError, MissingDelayedError, applyLog, decodeTx, planBlocks, stateAfterHead, type BlockResult, type DecodedTx, type LogEntry } from "@sovereign-stack/node";

import { blockEntries, cleanupDirs, runThroughLog, tempDir, tokenBytecode } from "./helpers.ts";
import { CHAIN_ID, GAS_LIMIT, T0, buildWorkload, makeGenesis, prng, type Workload } from "./workload.ts";

const summary = (rs: readonly BlockResult[]) => rs.map((r) => ({ n: r.number, root: r.stateRoot, hash: r.hash, gas: r.gasUsed, rejected: r.rejected, txs: r.receipts.map((x) => x.txHash) }));

describe("chain engine", function () {
  this.timeout(300_000);
  after(cleanupDirs);

  let w: Workload;
  before(async () => {
    w = buildWorkload({ tokenBytecode: await tokenBytecode(), nBlocks: 24, perBlock: 15, invalid: true });
  });

  describe("determinism", () => {
    it("gives identical roots, hashes, receipts and rejections when the same log is applied twice (fresh dirs)", async () => {
      const genesis = makeGenesis(w.keys);
      const a = await runThroughLog(genesis, w, "det-a");
      const b = await runThroughLog(genesis, w, "det-b");
      expect(a).to.have.length(24);
      expect(new Set(a.map((r) => r.stateRoot)).size, "roots change block to block").to.equal(24);
      expect(summary(b)).to.deep.equal(summary(a));
    });

    it("gives a different root for a different log (the comparison can fail)", async () => {
      const genesis = makeGenesis(w.keys);
      const other = { ...w, blocks: w.blocks.map((b, i) => (i === 5 ? { ...b, txs: b.txs.slice(1) } : b)) };
      const a = await runThroughLog(genesis, w, "det-c");
      const b = await runThroughLog(genesis, other, "det-d");
      expect(b[4]!.stateRoot).to.equal(a[4]!.stateRoot);
      expect(b[5]!.stateRoot).to.not.equal(a[5]!.stateRoot);
    });
  });

  describe("restart", () => {
    it("resumes from disk at block N without replay (open < 1 s) and ends at the never-restarted roots", async () => {
      const genesis = makeGenesis(w.keys);
      const reference = await runThroughLog(genesis, w, "ref");
      const engineDir = tempDir("restart-engine");
      const log = await EmbeddedLog.open({ dir: tempDir("restart-log") });
      try {
        let engine = await Engine.open({ dataDir: engineDir, genesis });
        for (const b of w.blocks.slice(0, 20)) await log.append(blockEntries(b));
        // Block 21's transactions are in the log, its SEAL is not yet: the open block must survive the restart.
        const b21 = blockEntries(w.blocks[20]!);
        await log.append(b21.slice(0, -1));
        const first = await applyLog(engine, log);
        expect(first.blocks).to.have.length(20);
        expect(first.openTxs).to.equal(w.blocks[20]!.txs.length);
        expect(engine.head().number).to.equal(20n);
        await engine.close();

        engine = await Engine.open({ dataDir: engineDir, genesis });
        try {
          expect(engine.stats.openMs, "reopen time at block 20").to.be.lessThan(1000);
          expect(engine.stats.blocksApplied, "nothing replayed on open").to.equal(0);
          expect(engine.head()).to.deep.include({ number: 20n, stateRoot: reference[19]!.stateRoot, hash: reference[19]!.hash });
          await log.append(b21.slice(-1));
          for (const b of w.blocks.slice(21)) await log.append(blockEntries(b));
          const second = await applyLog(engine, log);
          expect(engine.stats.blocksApplied, "only blocks after the head are applied").to.equal(4);
          expect(summary(second.blocks)).to.deep.equal(summary(reference.slice(20)));
          // The persisted blocks and receipts are served after the restart.
          const r5 = reference[4]!.receipts[0]!;
          expect(await engine.blocks.txLocation(r5.txHash)).to.deep.equal({ blockNumber: 5n, index: 0 });
          expect((await engine.blocks.receipts(5n, reference[4]!.hash))[0]).to.deep.equal(r5);
          expect(await engine.blocks.numberOfHash(reference[10]!.hash)).to.equal(11n);
        } finally {
          await engine.close();
        }
      } finally {
        await log.close();
      }
    });

    it("refuses a data directory created from another genesis", async () => {
      const dir = tempDir("other-genesis");
      const e = await Engine.open({ dataDir: dir, genesis: makeGenesis(w.keys) });
      await e.close();
      let err: unknown;
      try {
        await Engine.open({ dataDir: dir, genesis: { ...makeGenesis(w.keys), chainId: CHAIN_ID + 1 } });
      } catch (x) {
        err = x;
      }
      expect(err).to.be.instanceOf(EngineError);
    });
  });

  describe("totality", () => {
    const garbageEntries = (): LogEntry[] => {
      const rnd = prng(7);
      const k = w.keys[2]!;
      const sign = (nonce: number, gasLimit: bigint) => {
        const tx = Transaction.from({ type: 2, chainId: CHAIN_ID, nonce, to: w.keys[3]!.address, value: 1n, gasLimit, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n });
        tx.signature = k.signingKey.sign(tx.unsignedHash);
        return Uint8Array.from(Buffer.from(tx.serialized.slice(2), "hex"));
      };
      const random = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
      const good = sign(0, 21_000n);
      const otherChain = (() => {
        const tx = Transaction.from({ type: 2, chainId: CHAIN_ID + 1, nonce: 1, to: w.keys[3]!.address, value: 1n, gasLimit: 21_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n });
        tx.signature = k.signingKey.sign(tx.unsignedHash);
        return Uint8Array.from(Buffer.from(tx.serialized.slice(2), "hex"));
      })();
      const tx = (raw: Uint8Array): LogEntry => ({ kind: "tx", raw });
      return [
        tx(new Uint8Array()),
        tx(random(1)),
        tx(random(200)),
        tx(Uint8Array.of(0x02, ...random(100))),
        tx(Uint8Array.of(0x03, 0xc0)),
        tx(Uint8Array.of(0x7f)),
        tx(Uint8Array.of(0xc0)),
        tx(new Uint8Array(200_000)),
        tx(good),
        tx(good), // duplicate: nonce already used
        tx(sign(1, GAS_LIMIT + 1n)), // over the block gas limit
        tx(sign(1, 29_970_000n)), // fits: the check is cumulative gas used + this gas limit
        tx(sign(2, 21_000n)),
        tx(otherChain),
        { kind: "seal", block: 1n, timestamp: T0 + 10n },
        { kind: "seal", block: 1n, timestamp: T0 + 11n }, // duplicate seal
        { kind: "seal", block: 5n, timestamp: T0 + 12n }, // skips a number
        { kind: "seal", block: 2n, timestamp: T0 + 10n }, // time does not advance
        { kind: "delayed", index: 3n }, // out of FIFO order
        tx(random(33)),
        { kind: "seal", block: 2n, timestamp: T0 + 20n },
        { kind: "seal", block: 3n, timestamp: T0 + 30n }, // empty block
      ];
    };

    it("never throws on garbage txs, over-gas txs, duplicate and out-of-order entries; results are deterministic", async () => {
      const genesis = makeGenesis(w.keys);
      const run = async (label: string) => {
        const log = await EmbeddedLog.open({ dir: tempDir(`${label}-log`) });
        const engine = await Engine.open({ dataDir: tempDir(`${label}-engine`), genesis });
        try {
          await log.append(garbageEntries());
          const rep = await applyLog(engine, log);
          return { blocks: summary(rep.blocks), skipped: rep.skipped };
        } finally {
          await engine.close();
          await log.close();
        }
      };
      const a = await run("tot-a");
      const b = await run("tot-b");
      expect(b).to.deep.equal(a);
      expect(a.blocks.map((x) => x.n)).to.deep.equal([1n, 2n, 3n]);
      expect(a.blocks[0]!.txs, "block 1 holds only the valid txs").to.have.length(3);
      expect(a.blocks[0]!.rejected.map((r) => r.index)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 13]);
      expect(a.blocks[0]!.rejected.find((r) => r.index === 10)!.reason).to.match(/remaining gas/);
      expect(a.blocks[0]!.rejected.find((r) => r.index === 13)!.reason).to.equal("decode: wrong chain id");
      expect(a.blocks[0]!.rejected.find((r) => r.index === 9)!.reason).to.match(/nonce/);
      expect(a.skipped.map((s) => s.seq)).to.deep.equal([15n, 16n, 17n, 18n]);
      expect(a.blocks[1]!.rejected).to.have.length(1);
      expect(a.blocks[2]!.txs).to.have.length(0);
    });

    it("reports a wrong block number or timestamp to the caller as EngineError", async () => {
      const engine = await Engine.open({ dataDir: tempDir("tot-order"), genesis: makeGenesis(w.keys) });
      try {
        const errs: unknown[] = [];
        for (const input of [{ number: 2n, timestamp: T0 + 1n, txs: [] }, { number: 1n, timestamp: T0, txs: [] }]) {
          try {
            await engine.applyBlock(input);
          } catch (e) {
            errs.push(e);
          }
        }
        expect(errs).to.have.length(2);
        for (const e of errs) expect(e).to.be.instanceOf(EngineError);
        expect((await engine.applyBlock({ number: 1n, timestamp: T0 + 1n, txs: [new Uint8Array([0xde, 0xad])] })).rejected).to.have.length(1);
      } finally {
        await engine.close();
      }
    });

    it("consumes delayed messages in FIFO order and stops, without guessing, when a payload is unknown", async () => {
      const k = new Wallet(toBeHex(5n, 32));
      const tx = Transaction.from({ type: 2, chainId: CHAIN_ID, nonce: 0, to: w.keys[0]!.address, value: 7n, gasLimit: 21_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n });
      tx.signature = k.signingKey.sign(tx.unsignedHash);
      const payload = Uint8Array.from(Buffer.from(tx.serialized.slice(2), "hex"));
      const entries = [
        { seq: 0n, entry: { kind: "delayed", index: 0n } },
        { seq: 1n, entry: { kind: "delayed", index: 0n } },
        { seq: 2n, entry: { kind: "seal", block: 1n, timestamp: T0 + 1n } },
        { seq: 3n, entry: { kind: "delayed", index: 1n } },
      ] as const;
      const start = stateAfterHead({ number: 0n, hash: "0x", stateRoot: "0x", timestamp: T0, cursor: null });
      const step = planBlocks(start, entries.slice(0, 3), (i) => (i === 0n ? payload : undefined));
      expect(step.blocks).to.have.length(1);
      expect(step.blocks[0]!.txs).to.deep.equal([payload]);
      expect(step.blocks[0]!.cursor).to.deep.equal({ seq: 2n, delayedNext: 1n });
      expect(step.skipped.map((s) => s.seq)).to.deep.equal([1n]);
      expect(() => planBlocks(step.state, entries.slice(3), () => undefined)).to.throw(MissingDelayedError);
    });
  });

  describe("decoded transactions handed to the engine (engine.decoded)", () => {
    it("executes transactions handed over decoded exactly as those it decodes itself, taking each once", async () => {
      const genesis = makeGenesis(w.keys);
      const reference = await runThroughLog(genesis, w, "dec-ref");
      const log = await EmbeddedLog.open({ dir: tempDir("dec-log") });
      const engine = await Engine.open({ dataDir: tempDir("dec-engine"), genesis });
      try {
        const handed = new Set<string>(); // the workload repeats some bytes (the pauper's transfer): one entry, taken once
        let all = 0;
        for (const b of w.blocks) {
          for (const t of b.txs) {
            all++;
            const d = decodeTx(t.raw, engine.common);
            if (!d.ok) continue; // undecodable bytes are never handed over: the engine finds them out itself
            engine.decoded.remember(Uint8Array.from(t.raw), d); // another copy of the same bytes: the key is the content
            handed.add(Buffer.from(t.raw).toString("hex"));
          }
          await log.append(blockEntries(b));
        }
        expect(handed.size, "most of the workload, not all of it").to.be.within(1, all - 1);
        const applied = await applyLog(engine, log);
        expect(summary(applied.blocks), "same roots, hashes, receipts and rejections").to.deep.equal(summary(reference));
        expect(engine.decoded.stats).to.deep.equal({ hits: handed.size, misses: all - handed.size });
        expect(engine.decoded.size, "each taken once").to.equal(0);
      } finally {
        await engine.close();
        await log.close();
      }
    });

    it("misses on other bytes, after the one take, and past its capacity (oldest first)", async () => {
      const genesis = makeGenesis(w.keys);
      const engine = await Engine.open({ dataDir: tempDir("dec-cache"), genesis });
      try {
        const txs = w.blocks[0]!.txs.filter((t) => !t.invalid).slice(0, 3).map((t) => ({ raw: t.raw, d: decodeTx(t.raw, engine.common) as DecodedTx }));
        expect(txs).to.have.length(3);
        const cache = new DecodedTxCache(2);
        for (const t of txs) cache.remember(t.raw, t.d);
        expect(cache.size).to.equal(2);
        const first = cache.decode(txs[0]!.raw, engine.common);
        expect(first, "evicted: decoded again, an equal result").to.not.equal(txs[0]!.d);
        expect(first.ok && first.sender.toString()).to.equal(txs[0]!.d.sender.toString());
        expect(cache.decode(txs[1]!.raw, engine.common)).to.equal(txs[1]!.d);
        expect(cache.decode(txs[1]!.raw, engine.common), "taken once").to.not.equal(txs[1]!.d);
        const flipped = Uint8Array.from(txs[2]!.raw);
        flipped[flipped.length - 1]! ^= 1; // another s value: another transaction (or none)
        expect(cache.decode(flipped, engine.common)).to.not.equal(txs[2]!.d);
        expect(cache.decode(txs[2]!.raw, engine.common)).to.equal(txs[2]!.d);
        expect(cache.stats).to.deep.equal({ hits: 2, misses: 3 });
        expect(() => new DecodedTxCache(-1)).to.throw(RangeError, /capacity/);
        let refused: unknown;
        await Engine.open({ dataDir: tempDir("dec-bad"), genesis, decodedCacheSize: 1.5 }).catch((e: unknown) => (refused = e));
        expect(String(refused)).to.match(/capacity must be a non-negative integer/);
      } finally {
        await engine.close();
      }
    });
  });

  describe("state reads", () => {
    it("serves balance, nonce, code, storage, call and estimateGas at the head", async () => {
      const genesis = makeGenesis(w.keys, { "0x00000000000000000000000000000000000000aa": { balance: 5n, code: "0x600054", storage: { "0x0": 42n } } });
      const engine = await Engine.open({ dataDir: tempDir("reads"), genesis });
      try {
        for (const b of w.blocks.slice(0, 2)) await engine.applyBlock({ number: b.number, timestamp: b.timestamp, txs: b.txs.map((t) => t.raw) });
        expect(await engine.getBalance("0x00000000000000000000000000000000000000aa")).to.equal(5n);
        expect(await engine.getCode("0x00000000000000000000000000000000000000aa")).to.equal("0x600054");
        expect(BigInt(await engine.getStorageAt("0x00000000000000000000000000000000000000aa", 0n))).to.equal(42n);
        expect(await engine.getNonce(w.keys[0]!.address)).to.be.greaterThan(12n);
        for (const a of [w.keys[0]!.address, "0x00000000000000000000000000000000000000aa", "0x00000000000000000000000000000000000000bb"]) {
          expect(await engine.getAccountState(a), a).to.deep.equal({ nonce: await engine.getNonce(a), balance: await engine.getBalance(a) });
        }
        expect(await engine.getAccountState("0x00000000000000000000000000000000000000bb"), "no such account").to.deep.equal({ nonce: 0n, balance: 0n });
        expect((await engine.getCode(w.token)).length).to.be.greaterThan(100);
        const transfer = "0xa9059cbb" + w.keys[1]!.address.slice(2).padStart(64, "0") + (1n).toString(16).padStart(64, "0");
        const est = await engine.estimateGas({ from: w.keys[2]!.address, to: w.token, data: transfer });
        expect(est).to.be.greaterThan(21_000n).and.lessThan(80_000n);
        const root = engine.head().stateRoot;
        const call = await engine.call({ from: w.keys[2]!.address, to: w.token, data: transfer });
        expect(call.success).to.equal(true);
        expect(BigInt(call.returnData)).to.equal(1n);
        expect(engine.head().stateRoot, "calls change nothing").to.equal(root);
        expect(await engine.estimateGas({ from: w.keys[2]!.address, to: w.keys[3]!.address, value: 1n })).to.equal(21_000n);
      } finally {
        await engine.close();
      }
    });
  });
});
