/**
 * The ChainLog contract, shared by every implementation (embedded LevelDB, etcd): append/read/head/prune,
 * durability across close and reopen, the fencing precondition, malformed requests.
 */
import { expect } from "chai";

import { FencingError, LogError, type ChainLog, type LogEntry } from "@sovereign-stack/node";
import { rejection } from "../lib/rejection.ts";

/** How a contract run gets logs: `newStore` names fresh storage; `open` opens (or reopens) a log on it. */
export interface LogFixture {
  newStore(label: string): string;
  open(store: string): Promise<ChainLog>;
}

export const tx = (n: number): LogEntry => ({ kind: "tx", raw: Uint8Array.of(0x02, n & 0xff, n >> 8) });
export const seal = (block: bigint, timestamp: bigint): LogEntry => ({ kind: "seal", block, timestamp });

/** Registers the contract's `it`s in the current `describe`. */
export function chainLogContract(fx: LogFixture): void {
  it("appends as group commits with consecutive sequence numbers, reads ranges and reports its head", async () => {
    const log = await fx.open(fx.newStore("log-basic"));
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
      // Concurrent appends are serialised: no holes, no overlap, each caller gets its own range.
      const rs = await Promise.all(Array.from({ length: 10 }, (_, i) => log.append([tx(100 + i), tx(200 + i)])));
      expect(rs.map((r) => r.firstSeq).sort((a, b) => (a < b ? -1 : 1))).to.deep.equal(Array.from({ length: 10 }, (_, i) => 5n + 2n * BigInt(i)));
      for (const [i, r] of rs.entries()) {
        expect(r.nextSeq - r.firstSeq).to.equal(2n);
        expect((await log.read(r.firstSeq, r.nextSeq)).map((e) => e.entry)).to.deep.equal([tx(100 + i), tx(200 + i)]);
      }
      expect((await log.head()).nextSeq).to.equal(25n);
    } finally {
      await log.close();
    }
  });

  it("keeps every resolved append across close and reopen, and keeps counting after a prune", async () => {
    const store = fx.newStore("log-durable");
    let log = await fx.open(store);
    const entries = Array.from({ length: 50 }, (_, i) => tx(i));
    await log.append(entries.slice(0, 30));
    await log.append(entries.slice(30));
    await log.prune(9n);
    await log.close();

    log = await fx.open(store);
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
    log = await fx.open(store);
    try {
      expect(await log.head()).to.deep.equal({ firstSeq: 51n, nextSeq: 51n });
    } finally {
      await log.close();
    }
  });

  it("refuses an append whose expectNextSeq is stale with a typed FencingError and writes nothing", async () => {
    const log = await fx.open(fx.newStore("log-fence"));
    try {
      expect(await log.append([tx(0), tx(1)], { expectNextSeq: 0n })).to.deep.equal({ firstSeq: 0n, nextSeq: 2n });
      // Another writer got there first: this writer still believes the log is at 0.
      const err = await rejection(log.append([tx(9)], { expectNextSeq: 0n }));
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
    const log = await fx.open(fx.newStore("log-bad"));
    await log.append([tx(0)]);
    expect(await rejection(log.read(5n, 1n))).to.be.instanceOf(LogError);
    expect(await rejection(log.append([{ kind: "delayed", index: -1n }]))).to.be.instanceOf(LogError);
    expect(await log.head()).to.deep.equal({ firstSeq: 0n, nextSeq: 1n });
    await log.close();
    expect(await rejection(log.append([tx(1)]))).to.be.instanceOf(LogError);
  });
}
