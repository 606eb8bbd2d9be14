/**
 * Derivation from L1 alone: a sequencer-side engine fed from an EmbeddedLog posts its blocks through the
 * poster; a validator derives from L1 alone and reaches the same state root at every batch; restarts
 * (between batches and mid-batch) and fresh derivations agree; malformed batches are total.
 */
import { expect } from "chai";
import { Transaction, keccak256, toBeHex, type Wallet } from "ethers";

import {
  BatchKind,
  DerivationInputError,
  Deriver,
  Engine,
  FORMAT_COLUMNS,
  L1ConsistencyError,
  L1Reader,
  L1ReaderOptionError,
  initialCursor,
  ZERO_ACCUMULATOR,
  decodeBatch,
  encodeBatch,
  encodeBatchPayload,
  engineBlockOf,
  hashBatch,
  hashDelayedMessage,
  joinSections,
  messageData,
  packBatch,
  planBatch,
  storedHeader,
  type BatchBlock,
  type BatchSection,
  type DelayedMessage,
  type GenesisConfig,
  type L1Batch,
} from "@sovereign-stack/node";
import { RLP } from "@ethereumjs/rlp";
import { brotliCompressSync } from "node:zlib";

import { deployRollup, MAX_U64, type Rollup } from "../rollup/fixture.ts";
import { cleanupDirs, tempDir, tokenBytecode } from "./helpers.ts";
import { DELAYED_KEYS, TestSequencer, enqueueOnL1, l2Transfer, readAll, readerOf } from "./l1.ts";
import { CHAIN_ID, GAS_LIMIT, T0, buildWorkload, makeGenesis, prng, type Workload } from "./workload.ts";

const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replace(/^0x/, ""), "hex"));
/** An unsigned LEB128 varint (the column format's integers). */
const varint = (v: bigint): number[] => {
  const out: number[] = [];
  for (; v >= 0x80n; v >>= 7n) out.push(Number(v & 0x7fn) | 0x80);
  return [...out, Number(v)];
};
const sectioned = (b: Uint8Array): number[] => [...varint(BigInt(b.length)), ...b];
/** A signed EIP-1559 call with calldata. */
const l2Call = (key: Wallet, nonce: number, to: string, data: string): Uint8Array => {
  const t = Transaction.from({ type: 2, chainId: CHAIN_ID, nonce, to, data, gasLimit: 80_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n });
  t.signature = key.signingKey.sign(t.unsignedHash);
  return bytes(t.serialized);
};

describe("chain derivation from L1", function () {
  this.timeout(600_000);
  after(cleanupDirs);

  let r: Rollup;
  let w: Workload;
  let genesis: GenesisConfig;
  let seq: TestSequencer;

  before(async () => {
    r = await deployRollup();
    w = buildWorkload({ tokenBytecode: await tokenBytecode(), nBlocks: 14, perBlock: 10, invalid: true });
    genesis = makeGenesis([...w.keys, ...DELAYED_KEYS]);
    seq = await TestSequencer.open(r, genesis, "derive-seq");
    // Four delayed messages: three valid L2 transfers and one payload that is not a transaction.
    const d = DELAYED_KEYS[0]!;
    for (let n = 0; n < 3; n++) await enqueueOnL1(r, l2Transfer(d, n, w.keys[1]!.address, 1000n + BigInt(n)));
    await enqueueOnL1(r, Uint8Array.of(0xde, 0xad));
    const poster = await seq.poster();
    for (const b of w.blocks) {
      await seq.addBlock(b, b.number === 3n ? 2 : b.number === 8n ? 2 : 0);
      if (b.number === 4n || b.number === 9n || b.number === 14n) expect((await poster.postAll()).length).to.equal(1);
    }
  });
  after(async () => seq.close());

  const derivedAll = async (engine: Engine) => {
    const { batches, delayed } = await readAll(r);
    const deriver = new Deriver(engine);
    deriver.addDelayed(delayed);
    const out = [];
    for (const b of batches) out.push(await deriver.applyBatch(b));
    return out;
  };

  it("derives every batch from L1 alone to the sequencer's state root, delayed messages included", async () => {
    const { batches, delayed } = await readAll(r);
    expect(batches.map((b) => [b.l2BlockStart, b.l2BlockEnd, b.delayedCount])).to.deep.equal([
      [0n, 3n, 2n],
      [4n, 8n, 4n],
      [9n, 13n, 4n],
    ]);
    expect(delayed).to.have.length(4);
    const engine = await Engine.open({ dataDir: tempDir("derive-v"), genesis });
    try {
      const ds = await derivedAll(engine);
      for (const d of ds) {
        expect(d.valid, d.reason).to.equal(true);
        expect(d.stateRoot).to.equal((await storedHeader(seq.engine, engineBlockOf(d.batch.l2BlockEnd))).stateRoot);
      }
      expect(engine.head()).to.deep.include({ number: 14n, stateRoot: seq.engine.head().stateRoot, hash: seq.engine.head().hash });
      expect(await engine.getNonce(DELAYED_KEYS[0]!.address), "the three delayed transfers executed").to.equal(3n);
      const rejected = ds.flatMap((d) => d.results.flatMap((x) => x.rejected));
      expect(rejected.length, "the workload's invalid txs and the garbage delayed payload are skipped").to.be.greaterThan(6);
    } finally {
      await engine.close();
    }
  });

  it("computes both accumulators exactly as the contracts' pure functions do", async () => {
    const { batches, delayed } = await readAll(r);
    let prev = ZERO_ACCUMULATOR;
    for (const m of delayed) {
      expect(await r.stack.contracts.DelayedInbox.hashMessage(prev, m.sender, m.kind, m.timestamp, m.blockNumber, keccak256(m.data))).to.equal(hashDelayedMessage(prev, m));
      prev = m.accumulator;
    }
    const rnd = prng(3);
    const word = () => toBeHex(BigInt(Math.floor(rnd() * 2 ** 52)) * 2n ** 200n + 12345n, 32);
    const u64 = () => BigInt(Math.floor(rnd() * 2 ** 53)) * 2047n;
    for (let i = 0; i < 5; i++) {
      const f = { dataHash: word(), kind: i % 2, delayedCount: u64(), delayedAccumulator: word(), l2BlockStart: u64(), l2BlockEnd: u64(), minTimestamp: u64(), maxTimestamp: MAX_U64 };
      const p = word();
      expect(await r.stack.contracts.SequencerInbox.hashBatch(p, f.dataHash, f.kind, f.delayedCount, f.delayedAccumulator, f.l2BlockStart, f.l2BlockEnd, f.minTimestamp, f.maxTimestamp)).to.equal(hashBatch(p, f));
      const m = { sender: "0x" + word().slice(26), kind: (i % 2) as 0 | 1, timestamp: u64(), blockNumber: u64(), data: bytes(word()) };
      expect(await r.stack.contracts.DelayedInbox.hashMessage(p, m.sender, m.kind, m.timestamp, m.blockNumber, keccak256(m.data))).to.equal(hashDelayedMessage(p, m));
    }
    for (const b of batches) expect(b.accumulator).to.equal(await r.stack.contracts.SequencerInbox.accumulatorOf(b.index));
  });

  it("restart: a validator restarted from disk (between batches and mid-batch) and a fresh derivation agree", async () => {
    const { batches, delayed } = await readAll(r);
    const dir = tempDir("derive-restart");
    let engine = await Engine.open({ dataDir: dir, genesis });
    const first = new Deriver(engine);
    first.addDelayed(delayed);
    await first.applyBatch(batches[0]!);
    // Crash mid-batch: two of batch 1's five blocks are on disk.
    const plan = planBatch(batches[1]!, { parentTimestamp: engine.head().timestamp, delayed: delayed.slice(2, 4), payloadOf: messageData });
    for (const b of plan.blocks.slice(0, 2)) await engine.applyBlock(b);
    await engine.close();

    engine = await Engine.open({ dataDir: dir, genesis });
    try {
      expect(engine.head().number).to.equal(6n);
      const ds = await derivedAll(engine);
      expect(ds.map((d) => d.results.length), "nothing executed twice").to.deep.equal([0, 3, 5]);
      expect(engine.stats.blocksApplied).to.equal(8);
      const fresh = await Engine.open({ dataDir: tempDir("derive-fresh"), genesis });
      try {
        const fs = await derivedAll(fresh);
        expect(ds.map((d) => d.stateRoot)).to.deep.equal(fs.map((d) => d.stateRoot));
        expect(fresh.head()).to.deep.equal(engine.head());
        expect(engine.head().stateRoot).to.equal(seq.engine.head().stateRoot);
      } finally {
        await fresh.close();
      }
    } finally {
      await engine.close();
    }
  });

  it("derives a malformed batch posted on L1 as its declared blocks, empty but for the delayed messages it consumes", async () => {
    const seqSigner = await r.activeSigner();
    const inbox = r.stack.contracts.SequencerInbox;
    await enqueueOnL1(r, l2Transfer(DELAYED_KEYS[0]!, 3, w.keys[2]!.address, 7n));
    const header = { prevAccumulator: await inbox.headAccumulator(), delayedCount: 5n, l2BlockStart: 14n, l2BlockEnd: 16n, minTimestamp: 0n, maxTimestamp: MAX_U64 };
    await (await inbox.connect(seqSigner).appendBatch("0x0200deadbeef", header)).wait();
    const a = await Engine.open({ dataDir: tempDir("derive-bad-a"), genesis });
    const b = await Engine.open({ dataDir: tempDir("derive-bad-b"), genesis });
    try {
      const da = await derivedAll(a);
      const db = await derivedAll(b);
      const bad = da[3]!;
      expect(bad.valid).to.equal(false);
      expect(bad.reason).to.match(/decompress/);
      expect(bad.results.map((x) => x.receipts.length)).to.deep.equal([1, 0, 0]);
      expect(bad.results.map((x) => x.number)).to.deep.equal([15n, 16n, 17n]);
      expect(await a.getNonce(DELAYED_KEYS[0]!.address)).to.equal(4n);
      expect(db.map((d) => d.stateRoot)).to.deep.equal(da.map((d) => d.stateRoot));
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("derives a forced batch as one block per message, at or after the L1 time of the forcing", async () => {
    const d = DELAYED_KEYS[0]!;
    await enqueueOnL1(r, l2Transfer(d, 4, w.keys[2]!.address, 8n));
    await enqueueOnL1(r, l2Transfer(d, 5, w.keys[2]!.address, 9n));
    const sla = await r.stack.contracts.SlaConfig.getSla();
    await r.increaseTime(sla.inclusionWindow + 1n);
    await r.mine(sla.inclusionWindowBlocks + 1n);
    await (await r.stack.contracts.SequencerInbox.connect(r.stranger).forceInclude(7n)).wait();
    const engine = await Engine.open({ dataDir: tempDir("derive-forced"), genesis });
    try {
      const ds = await derivedAll(engine);
      const forced = ds[4]!;
      expect(forced.batch.kind).to.equal(BatchKind.Forced);
      expect(forced.batch.data).to.equal(null);
      expect(forced.results.map((x) => x.receipts.length)).to.deep.equal([1, 1]);
      const ts = await Promise.all(forced.results.map(async (x) => (await storedHeader(engine, x.number)).timestamp));
      expect(ts[0]).to.equal(forced.batch.minTimestamp);
      expect(ts[1]).to.equal(forced.batch.minTimestamp + 1n);
      expect(await engine.getNonce(d.address)).to.equal(6n);
    } finally {
      await engine.close();
    }
  });

  describe("L1 reader", () => {
    it("reads the same messages and batches in pages of 3 blocks, resumed from its cursor, as in one read", async () => {
      const whole = await (await readerOf(r)).poll(initialCursor(0n));
      const paged = await readerOf(r, { pageSize: 3 });
      const latest = BigInt(await r.net.ethers.provider.getBlockNumber());
      const half = new L1Reader({ provider: r.net.ethers.provider, delayedInbox: await r.stack.contracts.DelayedInbox.getAddress(), sequencerInbox: await r.stack.contracts.SequencerInbox.getAddress(), confirmations: Number(latest / 2n), pageSize: 3 });
      const first = await half.poll(initialCursor(0n));
      expect(first.cursor.fromBlock).to.equal(latest - latest / 2n + 1n);
      const rest = await paged.poll(first.cursor);
      expect([...first.delayed, ...rest.delayed]).to.deep.equal(whole.delayed);
      expect([...first.batches, ...rest.batches]).to.deep.equal(whole.batches);
      expect(rest.cursor).to.deep.equal(whole.cursor);
      expect(whole.batches.length).to.be.greaterThan(3);
    });

    it("reads nothing newer than its confirmation depth", async () => {
      const latest = await r.net.ethers.provider.getBlockNumber();
      const u = await (await readerOf(r, { confirmations: latest + 1 })).poll(initialCursor(0n));
      expect(u.delayed).to.deep.equal([]);
      expect(u.batches).to.deep.equal([]);
      expect(u.cursor.fromBlock).to.equal(0n);
    });

    it("throws L1ConsistencyError when the accumulators do not chain from its cursor, and refuses bad options", async () => {
      const reader = await readerOf(r);
      const whole = await reader.poll(initialCursor(0n));
      const bad = { ...initialCursor(0n), delayedAccumulator: "0x" + "77".repeat(32) };
      let err: unknown;
      try {
        await reader.poll(bad);
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(L1ConsistencyError);
      expect(whole.delayed.length).to.be.greaterThan(0);
      expect(() => new L1Reader({ provider: r.net.ethers.provider, delayedInbox: r.deployer.address, sequencerInbox: r.deployer.address, pageSize: 0 })).to.throw(L1ReaderOptionError, /pageSize/);
      expect(() => new L1Reader({ provider: r.net.ethers.provider, delayedInbox: r.deployer.address, sequencerInbox: r.deployer.address, confirmations: -1 })).to.throw(L1ReaderOptionError, /confirmations/);
      expect(() => new L1Reader({ provider: r.net.ethers.provider, delayedInbox: "0x1234", sequencerInbox: r.deployer.address })).to.throw(L1ReaderOptionError, /delayedInbox/);
    });
  });

  describe("totality (fuzz)", () => {
    // A synthetic chain of batches (accumulators computed with the contracts' rule), each consuming one delayed
    // transfer: every batch, however malformed, yields its declared blocks and consumes its message.
    const payer = DELAYED_KEYS[1]!;
    const sink = "0x00000000000000000000000000000000000000aa";
    let chainGenesis: GenesisConfig;
    before(() => {
      chainGenesis = makeGenesis([...w.keys, ...DELAYED_KEYS]);
    });

    const messages = (n: number): DelayedMessage[] => {
      let acc = ZERO_ACCUMULATOR;
      return Array.from({ length: n }, (_, i) => {
        const m = { index: BigInt(i), sender: "0x00000000000000000000000000000000000000d1", kind: 0 as const, data: l2Transfer(payer, i, sink, 1n), timestamp: 1n, blockNumber: 1n };
        acc = hashDelayedMessage(acc, m);
        return { ...m, accumulator: acc };
      });
    };

    /** The malformed (and a few well-formed) data cases; `ts` is a base timestamp above every earlier block. */
    const cases = (ts: bigint, key: Wallet, rnd: () => number): { name: string; data: Uint8Array | null; n: number; valid: boolean; min?: bigint; max?: bigint; why?: RegExp }[] => {
      const random = (k: number) => Uint8Array.from({ length: k }, () => Math.floor(rnd() * 256));
      const tx = (raw: Uint8Array) => ({ kind: "tx" as const, raw });
      const marker = { kind: "delayed" as const };
      const good: BatchBlock[] = [
        { timestamp: ts, items: [tx(l2Transfer(key, 0, sink, 1n)), marker] },
        { timestamp: ts + 1n, items: [tx(random(50))] },
      ];
      const enc = encodeBatch(good);
      // Hand-made batches in the column format: a well-formed one-block payload (a delayed marker, then an
      // EIP-1559 transfer), one with an ERC-20 transfer's calldata words, and any of their sections replaced.
      const at = (t: bigint) => encodeBatchPayload([{ timestamp: t, items: [marker, tx(l2Transfer(key, 0, sink, 1n))] }]);
      const base = at(ts + 100n);
      const withWords = encodeBatchPayload([{ timestamp: ts + 101n, items: [marker, tx(l2Call(key, 0, sink, "0xa9059cbb" + "00".repeat(12) + key.address.slice(2) + toBeHex(10n ** 18n, 32).slice(2)))] }]);
      const mk = (over: Partial<Record<BatchSection, Uint8Array>>, signatures: Uint8Array = base.signatures, from = base) => packBatch({ sections: { ...from.sections, ...over }, signatures });
      const packed = (payload: Uint8Array, nSigs = 0, sigs: Uint8Array = new Uint8Array()) => Uint8Array.of(FORMAT_COLUMNS, nSigs, ...sigs, ...brotliCompressSync(payload));
      const joined = joinSections(base.sections);
      // A block of a delayed marker and one split item, every other section empty.
      const splitItem = (split: number[], t = ts + 102n, signatures = random(64)) => packBatch({ sections: { blocks: Uint8Array.of(1, ...varint(t), 2), kinds: Uint8Array.of(0, 2), split: Uint8Array.from(split) }, signatures });
      const column = (...bytes: number[]) => Uint8Array.from(bytes);
      const flip = enc.slice();
      // In the middle of the brotli part (a flipped signature bit is a valid batch with a rejected tx).
      const sigEnd = 2 + 64 * enc[1]!;
      flip[sigEnd + Math.floor((enc.length - sigEnd) / 2)]! ^= 0x40;
      const bomb = Uint8Array.of(FORMAT_COLUMNS, 0, ...brotliCompressSync(new Uint8Array(17 * 1024 * 1024)));
      const overGas = l2Transfer(key, 0, sink, 1n, GAS_LIMIT + 1n);
      return [
        { name: "well-formed", data: enc, n: 2, valid: true },
        { name: "invalid and over-gas txs in a well-formed batch", data: encodeBatch([{ timestamp: ts + 50n, items: [tx(overGas), tx(random(120)), tx(new Uint8Array()), marker, tx(Uint8Array.of(0x02, 0xc0))] }]), n: 1, valid: true },
        { name: "hand-made column payload", data: mk({}), n: 1, valid: true },
        { name: "hand-made column payload with calldata words", data: mk({}, withWords.signatures, withWords), n: 1, valid: true },
        { name: "empty data", data: new Uint8Array(), n: 2, valid: false },
        { name: "unknown format", data: Uint8Array.of(0x07, ...enc.subarray(1)), n: 2, valid: false },
        { name: "the retired format 0x01", data: Uint8Array.of(0x01, ...brotliCompressSync(RLP.encode([[[bytes(toBeHex(ts)), [[]]]], new Uint8Array()]))), n: 1, valid: false, why: /format/ },
        { name: "random bytes", data: Uint8Array.of(FORMAT_COLUMNS, ...random(1 + Math.floor(rnd() * 300))), n: 2, valid: false },
        { name: "truncated", data: enc.subarray(0, 1 + Math.floor(rnd() * (enc.length - 2))), n: 2, valid: false },
        { name: "flipped bit", data: flip, n: 2, valid: false },
        { name: "decompression bomb", data: bomb, n: 2, valid: false },
        { name: "data unavailable", data: null, n: 2, valid: false },
        { name: "payload: bytes that are not the sections", data: packed(random(10)), n: 1, valid: false, why: /shape: payload/ },
        { name: "payload: the last section missing", data: packed(joined.subarray(0, joined.length - 1), 1, base.signatures), n: 1, valid: false, why: /payload: ends early/ },
        { name: "payload: trailing bytes after the sections", data: packed(Uint8Array.of(...joined, 0), 1, base.signatures), n: 1, valid: false, why: /payload: 1 bytes left over/ },
        { name: "a signature count beyond the data", data: Uint8Array.of(FORMAT_COLUMNS, 9, ...base.signatures, ...brotliCompressSync(joined)), n: 1, valid: false, why: /shape: header/ },
        { name: "a signature left over", data: mk({}, Uint8Array.of(...base.signatures, ...random(64))), n: 1, valid: false, why: /signatures: 64 bytes left over/ },
        { name: "an EIP-1559 item with no signature left", data: mk({}, new Uint8Array()), n: 1, valid: false, why: /signatures: 64 bytes wanted/ },
        { name: "an unknown item kind", data: mk({ kinds: column(0, 9) }), n: 1, valid: false, why: /unknown item kind 9/ },
        { name: "an item kind left over", data: mk({ kinds: column(0, 3, 0) }), n: 1, valid: false, why: /kinds: 1 bytes left over/ },
        { name: "more blocks than the blocks section holds", data: mk({ blocks: column(0x7f, 0x01) }), n: 1, valid: false, why: /127 blocks/ },
        { name: "a block with more items than item kinds", data: mk({ blocks: Uint8Array.of(1, ...varint(ts + 100n), 5) }), n: 1, valid: false, why: /a block of 5 items/ },
        { name: "a timestamp of 2^64", data: mk({ blocks: Uint8Array.of(1, ...varint(1n << 64n), 2) }), n: 1, valid: false, max: MAX_U64, why: /varint above 2\^64/ },
        { name: "a split item with a type byte above 0x7f", data: splitItem([0x80, ...sectioned(RLP.encode([random(2)]))]), n: 1, valid: false, why: /type byte 0x80/ },
        { name: "a split item whose fields are not RLP", data: splitItem([2, ...sectioned(Uint8Array.of(0xc5, 1, 2))]), n: 1, valid: false, why: /batch data rlp/ },
        { name: "a split item whose fields are a byte string", data: splitItem([2, ...sectioned(RLP.encode(random(2)))]), n: 1, valid: false, why: /fields are not a list/ },
        { name: "an address reference beyond the table", data: mk({ addressRefs: column(5) }), n: 1, valid: false, why: /address reference 5/ },
        { name: "a new address cut short", data: mk({ newAddresses: base.sections.newAddresses.subarray(0, 10) }), n: 1, valid: false, why: /new addresses: 20 bytes wanted/ },
        { name: "a decimal exponent above 77", data: mk({ values: column(1, 78, 1, 1) }), n: 1, valid: false, why: /exponent 78/ },
        { name: "a column value above 2^256 - 1", data: mk({ values: column(1, 77, 32, ...new Uint8Array(32).fill(0xff)) }), n: 1, valid: false, why: /above 2\^256-1/ },
        { name: "a mantissa of 33 bytes", data: mk({ values: column(1, 0, 33, ...new Uint8Array(33).fill(1)) }), n: 1, valid: false, why: /mantissa of 33 bytes/ },
        { name: "a column value left over", data: mk({ values: column(2, 0, 0, 0, 0) }), n: 1, valid: false, why: /values: 1 values left over/ },
        { name: "no column value left", data: mk({ values: column(0) }), n: 1, valid: false, why: /values: no value left/ },
        { name: "an unknown calldata form", data: mk({ flags: column(6) }), n: 1, valid: false, why: /unknown data form/ },
        { name: "an unknown calldata word kind", data: mk({ wordKinds: column(0, 7) }, withWords.signatures, withWords), n: 1, valid: false, why: /unknown word kind 7/ },
        { name: "more calldata words than word kinds", data: mk({ wordCounts: column(9) }, withWords.signatures, withWords), n: 1, valid: false, why: /9 calldata words/ },
        { name: "a selector cut short", data: mk({ selectors: column(0xa9, 0x05, 0x9c) }, withWords.signatures, withWords), n: 1, valid: false, why: /selectors: 4 bytes wanted/ },
        { name: "a split tx rebuilt from random fields and signature (valid batch, tx rejected)", data: splitItem([2, ...sectioned(RLP.encode([random(2), random(3)]))], ts + 500n), n: 1, valid: true },
        { name: "a column tx with a random signature (valid batch, tx rejected)", data: packBatch({ sections: at(ts + 501n).sections, signatures: random(64) }), n: 1, valid: true },
        { name: "too few blocks", data: enc, n: 3, valid: false },
        { name: "too many blocks", data: enc, n: 1, valid: false },
        { name: "no delayed marker", data: encodeBatch([{ timestamp: ts, items: [tx(random(20))] }]), n: 1, valid: false },
        { name: "two delayed markers", data: encodeBatch([{ timestamp: ts, items: [marker, marker] }]), n: 1, valid: false },
        { name: "timestamps not increasing", data: encodeBatch([{ timestamp: ts, items: [marker] }, { timestamp: ts, items: [] }]), n: 2, valid: false },
        { name: "timestamp not after the parent", data: encodeBatch([{ timestamp: T0, items: [marker] }]), n: 1, valid: false },
        { name: "timestamp below minTimestamp", data: encodeBatch([{ timestamp: ts, items: [marker] }]), n: 1, valid: false, min: ts + 1n },
        { name: "timestamp above maxTimestamp", data: encodeBatch([{ timestamp: ts, items: [marker] }]), n: 1, valid: false, max: ts - 1n },
        { name: "timestamp beyond 2^40", data: encodeBatch([{ timestamp: 1n << 41n, items: [marker] }]), n: 1, valid: false, max: MAX_U64 },
      ];
    };

    it("gives every case the same result twice, never throws, and always consumes the declared delayed message", async () => {
      const rnd = prng(11);
      const runs = 2;
      const caseList = Array.from({ length: runs }, (_, k) => cases(T0 + 10_000n * BigInt(k + 1), w.keys[k % w.keys.length]!, rnd)).flat();
      const msgs = messages(caseList.length);
      const batches: L1Batch[] = [];
      let acc = ZERO_ACCUMULATOR;
      let next = 0n;
      for (const [i, c] of caseList.entries()) {
        const f = {
          dataHash: c.data === null ? keccak256("0x01") : keccak256(c.data),
          kind: BatchKind.Sequenced,
          delayedCount: BigInt(i + 1),
          delayedAccumulator: msgs[i]!.accumulator,
          l2BlockStart: next,
          l2BlockEnd: next + BigInt(c.n) - 1n,
          minTimestamp: c.min ?? 0n,
          maxTimestamp: c.max ?? T0 + 10_000_000n,
        };
        const accumulator = hashBatch(acc, f);
        batches.push({ ...f, index: BigInt(i), accumulator, prevAccumulator: acc, poster: "0x00000000000000000000000000000000000000e1", data: c.data, l1BlockNumber: 1n, l1Timestamp: 1n, l1TxHash: "0x" });
        acc = accumulator;
        next += BigInt(c.n);
      }
      // Pure planning twice: identical.
      for (const [i, b] of batches.entries()) {
        const ctx = { parentTimestamp: T0, delayed: [msgs[i]!], payloadOf: messageData };
        expect(planBatch(b, ctx), caseList[i]!.name).to.deep.equal(planBatch(b, ctx));
      }
      // Applied to two engines: identical blocks, the declared counts, increasing timestamps, every message consumed.
      const engines = [await Engine.open({ dataDir: tempDir("fuzz-a"), genesis: chainGenesis }), await Engine.open({ dataDir: tempDir("fuzz-b"), genesis: chainGenesis })];
      try {
        const outs = [];
        for (const e of engines) {
          const d = new Deriver(e);
          d.addDelayed(msgs);
          const res = [];
          for (const b of batches) res.push(await d.applyBatch(b));
          outs.push(res);
        }
        const [a, b] = outs as [Awaited<ReturnType<Deriver["applyBatch"]>>[], Awaited<ReturnType<Deriver["applyBatch"]>>[]];
        for (const [i, c] of caseList.entries()) {
          expect(a[i]!.valid, `${c.name}: ${a[i]!.reason ?? ""}`).to.equal(c.valid);
          if (c.why !== undefined) expect(a[i]!.reason, c.name).to.match(c.why);
          expect(a[i]!.results, c.name).to.have.length(c.n);
          expect(a[i]!.results.map((x) => [x.stateRoot, x.hash, x.rejected])).to.deep.equal(b[i]!.results.map((x) => [x.stateRoot, x.hash, x.rejected]));
        }
        for (const e of engines) expect(await e.getNonce(payer.address), "every batch consumed its delayed transfer").to.equal(BigInt(caseList.length));
        const ts = await Promise.all(Array.from({ length: Number(next) }, (_, i) => storedHeader(engines[0]!, BigInt(i + 1))));
        for (let i = 1; i < ts.length; i++) expect(ts[i]!.timestamp > ts[i - 1]!.timestamp).to.equal(true);
      } finally {
        for (const e of engines) await e.close();
      }
    });

    it("refuses L1 inputs whose accumulators do not chain (DerivationInputError), leaving the engine untouched", async () => {
      const msgs = messages(2);
      const f = { dataHash: keccak256(Uint8Array.of(9)), kind: BatchKind.Sequenced, delayedCount: 2n, delayedAccumulator: msgs[1]!.accumulator, l2BlockStart: 0n, l2BlockEnd: 0n, minTimestamp: 0n, maxTimestamp: MAX_U64 };
      const good: L1Batch = { ...f, index: 0n, accumulator: hashBatch(ZERO_ACCUMULATOR, f), prevAccumulator: ZERO_ACCUMULATOR, poster: ZERO_ACCUMULATOR.slice(0, 42), data: Uint8Array.of(9), l1BlockNumber: 1n, l1Timestamp: 1n, l1TxHash: "0x" };
      const otherQueue = { ...f, delayedAccumulator: msgs[0]!.accumulator };
      const bad: [string, L1Batch][] = [
        ["accumulator not the hash of the fields", { ...good, accumulator: "0x" + "55".repeat(32) }],
        ["prevAccumulator not the head", { ...good, prevAccumulator: "0x" + "55".repeat(32) }],
        ["delayed accumulator not the queue's", { ...good, ...otherQueue, accumulator: hashBatch(ZERO_ACCUMULATOR, otherQueue) }],
        ["not the next index", { ...good, index: 1n }],
      ];
      const engine = await Engine.open({ dataDir: tempDir("derive-chain"), genesis: chainGenesis });
      try {
        const d = new Deriver(engine);
        d.addDelayed(msgs);
        for (const [name, b] of bad) {
          let err: unknown;
          try {
            await d.applyBatch(b);
          } catch (e) {
            err = e;
          }
          expect(err, name).to.be.instanceOf(DerivationInputError);
        }
        expect(engine.head().number).to.equal(0n);
        expect((await d.applyBatch(good)).valid).to.equal(false);
        expect(d.position).to.deep.equal({ batchNext: 1n, batchAccumulator: good.accumulator, delayedConsumed: 2n, delayedAccumulator: msgs[1]!.accumulator });
      } finally {
        await engine.close();
      }
    });

    it("gives the engine each delayed message's payload through the injected payloadOf", async () => {
      const msgs = messages(1).map((m) => ({ ...m, data: Uint8Array.of(0xde, 0xad) }));
      const f = { dataHash: ZERO_ACCUMULATOR, kind: BatchKind.Forced, delayedCount: 1n, delayedAccumulator: msgs[0]!.accumulator, l2BlockStart: 0n, l2BlockEnd: 0n, minTimestamp: T0 + 5n, maxTimestamp: T0 + 5n };
      const forced: L1Batch = { ...f, index: 0n, accumulator: hashBatch(ZERO_ACCUMULATOR, f), prevAccumulator: ZERO_ACCUMULATOR, poster: ZERO_ACCUMULATOR.slice(0, 42), data: null, l1BlockNumber: 1n, l1Timestamp: 1n, l1TxHash: "0x" };
      const seen: bigint[] = [];
      const engine = await Engine.open({ dataDir: tempDir("derive-payload"), genesis: chainGenesis });
      try {
        const d = new Deriver(engine, { payloadOf: (m) => (seen.push(m.index), l2Transfer(payer, 0, sink, 3n)) });
        d.addDelayed(msgs);
        const out = await d.applyBatch(forced);
        expect(seen).to.deep.equal([0n]);
        expect(out.results[0]!.receipts).to.have.length(1);
        expect(await engine.getBalance(sink)).to.equal(3n);
      } finally {
        await engine.close();
      }
    });

    it("places the consumed messages of a malformed batch one per block, the rest in the last block", () => {
      const msgs = messages(5);
      const batch = (n: bigint, d: number): L1Batch => ({
        index: 0n, kind: BatchKind.Sequenced, accumulator: ZERO_ACCUMULATOR, prevAccumulator: ZERO_ACCUMULATOR, poster: ZERO_ACCUMULATOR.slice(0, 42), data: Uint8Array.of(9), dataHash: keccak256(Uint8Array.of(9)),
        delayedCount: BigInt(d), delayedAccumulator: ZERO_ACCUMULATOR, l2BlockStart: 4n, l2BlockEnd: 4n + n - 1n, minTimestamp: T0 + 100n, maxTimestamp: MAX_U64, l1BlockNumber: 1n, l1Timestamp: 1n, l1TxHash: "0x",
      });
      const plan = (n: bigint, d: number) => planBatch(batch(n, d), { parentTimestamp: T0, delayed: msgs.slice(0, d), payloadOf: messageData });
      expect(plan(3n, 5).blocks.map((b) => b.txs.length)).to.deep.equal([1, 1, 3]);
      expect(plan(3n, 1).blocks.map((b) => b.txs.length)).to.deep.equal([1, 0, 0]);
      expect(plan(3n, 1).blocks.map((b) => [b.number, b.timestamp])).to.deep.equal([[5n, T0 + 100n], [6n, T0 + 101n], [7n, T0 + 102n]]);
      expect(plan(2n, 0).valid).to.equal(false);
    });

    it("round-trips every transaction byte for byte, signatures split out or not", async () => {
      const wi = buildWorkload({ tokenBytecode: await tokenBytecode(), nBlocks: 10, perBlock: 6, invalid: true, seed: 4 });
      const rnd = prng(9);
      const odd = [new Uint8Array(), Uint8Array.of(0x02), Uint8Array.of(0x02, 0xc0), Uint8Array.of(0xc3, 0x01, 0x02, 0x03), Uint8Array.from({ length: 90 }, () => Math.floor(rnd() * 256))];
      const blocks: BatchBlock[] = wi.blocks.map((b, i) => ({ timestamp: b.timestamp, items: [...b.txs.map((t) => ({ kind: "tx" as const, raw: t.raw })), { kind: "delayed" as const }, { kind: "tx" as const, raw: odd[i % odd.length]! }] }));
      const d = decodeBatch(encodeBatch(blocks));
      expect(d.ok).to.equal(true);
      if (d.ok) expect(d.blocks.map((b) => ({ t: b.timestamp, items: b.items.map((it) => (it.kind === "tx" ? Buffer.from(it.raw).toString("hex") : "delayed")) }))).to.deep.equal(blocks.map((b) => ({ t: b.timestamp, items: b.items.map((it) => (it.kind === "tx" ? Buffer.from(it.raw).toString("hex") : "delayed")) })));
    });

    it("decodes random bytes to a typed error, never an exception (1000 inputs)", () => {
      const rnd = prng(5);
      for (let i = 0; i < 1000; i++) {
        const data = Uint8Array.from({ length: Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256));
        if (i % 2 === 0 && data.length > 0) data[0] = FORMAT_COLUMNS;
        const d = decodeBatch(data);
        if (!d.ok) expect(d.error.reason).to.be.oneOf(["empty", "format", "decompress", "too-large", "rlp", "shape"]);
      }
      const bomb = Uint8Array.of(FORMAT_COLUMNS, 0, ...brotliCompressSync(new Uint8Array(2 * 1024 * 1024)));
      const capped = decodeBatch(bomb, 1024 * 1024);
      expect(capped.ok).to.equal(false);
      if (!capped.ok) expect(capped.error.reason).to.equal("too-large");
    });
  });
});
