/**
 * The embedded chain log: append/read/head/prune, durability across reopen, the fencing precondition.
 */
import { expect } from "chai";

import { EmbeddedLog, FencingError, LogError, decodeEntry, encodeEntry, seqKey, type LogEntry } from "@sovereign-stack/node";

import { cleanupDirs, tempDir } from "./helpers.ts";

const tx = (n: number): LogEntry => ({ kind: "tx", raw: Uint8Array.of(0x02, n & 0xff, n >> 8) });
const seal = (block: bigint, timestamp: bigint): LogEntry => ({ kind: "seal", block, timestamp });

describe("chain log (embedded)", () => {
  after(cleanupDirs);

  it("encodes entries and keys identically for every implementation", () => {
    for (const e of [tx(1), { kind: "delayed", index: 12345678901234n } as const, seal(7n, 1_700_000_000n), { kind: "tx", raw: new Uint8Array() } as const]) {
      expect(decodeEntry(encodeEntry(e))).to.deep.equal(e);
    }
    expect(seqKey("log/", 42n)).to.equal("log/00000000000000000042");
    expect(() => decodeEntry(Uint8Array.of(0xc2, 0x09, 0x01))).to.throw(LogError);
  });

  it("appends as group commits with consecutive sequence numbers, reads ranges and reports its head", async () => {
    const log = await EmbeddedLog.open({ dir: tempDir("log-basic") });
    try {
      expect(await log.head()).to.deep.equal({ firstSeq: 0n, nextSeq: 0n });
      expect(await log.append([tx(0), tx(1), seal(1n, 100n)])).to.deep.equal({ firstSeq: 0n, nextSeq: 3n });
      expect(await log.append([{ kind: "delayed", index: 0n }, seal(2n, 112n)])).to.deep.equal({ firstSeq: 3n, nextSeq: 5n });
      expect(await log.append([])).to.deep.equal({ firstSeq: 5n, nextSeq: 5n });
      expect(await log.head()).to.deep.equal({ firstSeq: 0n, nextSeq: 5n });
      const all = await log.read(0n, 100n);
      expect(all.map((e) => e.seq)).to.deep.equal([0n, 1n, 2n, 3n, 4n]);
      expect(all[2]!.entry).to.deep.equal(seal(1n, 100n));
      expect(all[3]!.entry).to.deep.equal({ kind: "delayed", index: 0n });
      expect((await log.read(1n, 3n)).map((e) => e.seq)).to.deep.equal([1n, 2n]);
      expect((await log.read(0n, 5n, 2)).map((e) => e.seq)).to.deep.equal([0n, 1n]);
      expect(await log.read(5n, 9n)).to.deep.equal([]);
      // Concurrent appends are serialised: no holes, no overlap.
      const rs = await Promise.all(Array.from({ length: 10 }, (_, i) => log.append([tx(100 + i), tx(200 + i)])));
      expect(rs.map((r) => r.firstSeq).sort((a, b) => (a < b ? -1 : 1))).to.deep.equal(Array.from({ length: 10 }, (_, i) => 5n + 2n * BigInt(i)));
      expect((await log.head()).nextSeq).to.equal(25n);
    } finally {
      await log.close();
    }
  });

  it("keeps every resolved append across close and reopen, and keeps counting after a prune", async () => {
    const dir = tempDir("log-durable");
    let log = await EmbeddedLog.open({ dir });
    const entries = Array.from({ length: 50 }, (_, i) => tx(i));
    await log.append(entries.slice(0, 30));
    await log.append(entries.slice(30));
    await log.prune(9n);
    await log.close();

    log = await EmbeddedLog.open({ dir });
    try {
      expect(await log.head()).to.deep.equal({ firstSeq: 10n, nextSeq: 50n });
      const rest = await log.read(0n, 50n);
      expect(rest.map((e) => e.seq)).to.deep.equal(Array.from({ length: 40 }, (_, i) => BigInt(10 + i)));
      expect(rest.map((e) => e.entry)).to.deep.equal(entries.slice(10));
      await log.prune(49n);
      expect(await log.head()).to.deep.equal({ firstSeq: 50n, nextSeq: 50n });
      expect(await log.read(0n, 100n)).to.deep.equal([]);
      expect(await log.append([tx(1)])).to.deep.equal({ firstSeq: 50n, nextSeq: 51n });
      await log.prune(1000n); // beyond the head: prunes what exists, never moves the head
      expect(await log.head()).to.deep.equal({ firstSeq: 51n, nextSeq: 51n });
    } finally {
      await log.close();
    }
    log = await EmbeddedLog.open({ dir });
    try {
      expect(await log.head()).to.deep.equal({ firstSeq: 51n, nextSeq: 51n });
    } finally {
      await log.close();
    }
  });

  it("refuses an append whose expectNextSeq is stale with a typed FencingError and writes nothing", async () => {
    const log = await EmbeddedLog.open({ dir: tempDir("log-fence") });
    try {
      expect(await log.append([tx(0), tx(1)], { expectNextSeq: 0n })).to.deep.equal({ firstSeq: 0n, nextSeq: 2n });
      // Another writer got there first: this writer still believes the log is at 0.
      let err: unknown;
      try {
        await log.append([tx(9)], { expectNextSeq: 0n });
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(FencingError);
      expect(err).to.include({ reason: "seq", expected: 0n, actual: 2n });
      expect(await log.head()).to.deep.equal({ firstSeq: 0n, nextSeq: 2n });
      expect((await log.read(0n, 10n)).map((e) => e.entry)).to.deep.equal([tx(0), tx(1)]);
      expect(await log.append([tx(2)], { expectNextSeq: 2n })).to.deep.equal({ firstSeq: 2n, nextSeq: 3n });
    } finally {
      await log.close();
    }
  });

  it("rejects malformed requests with LogError", async () => {
    const log = await EmbeddedLog.open({ dir: tempDir("log-bad") });
    await log.append([tx(0)]);
    let e1: unknown;
    try {
      await log.read(5n, 1n);
    } catch (e) {
      e1 = e;
    }
    expect(e1).to.be.instanceOf(LogError);
    await log.close();
    let e2: unknown;
    try {
      await log.append([tx(1)]);
    } catch (e) {
      e2 = e;
    }
    expect(e2).to.be.instanceOf(LogError);
  });
});
