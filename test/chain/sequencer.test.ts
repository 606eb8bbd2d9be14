/**
 * The sequencer: group commit and acknowledgement only after a durable append, append failures and fencing,
 * sealing (interval, clock, early seal on a full block), delayed messages in FIFO order, restart mid-stream.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { ConfigError, Engine, FencingError, Sequencer, applyLog, type ApplyReport, InMemoryDelayedFeed, RpcError, RpcErrorCode, genesisToJson, parseSequencerArgs, type AppendOptions, type AppendResult, type ChainLog, type LogEntry } from "@sovereign-stack/node";

import { cleanupDirs, tempDir } from "./helpers.ts";
import { allChainTxHashes, openNode, signTx, type TestNode } from "./node-harness.ts";
import { T0, makeGenesis, testKeys } from "./workload.ts";

const keys = testKeys(8);
const genesis = makeGenesis(keys);

/** A log whose appends can be held, failed or fenced, and which records every append. */
class ControlledLog implements ChainLog {
  readonly inner: ChainLog;
  readonly appends: LogEntry[][] = [];
  gate: Promise<void> | null = null;
  failNext: Error | null = null;
  failReads = false;
  constructor(inner: ChainLog) {
    this.inner = inner;
  }
  async append(entries: readonly LogEntry[], opts?: AppendOptions): Promise<AppendResult> {
    if (this.gate !== null) await this.gate;
    if (this.failNext !== null) {
      const e = this.failNext;
      this.failNext = null;
      throw e;
    }
    const r = await this.inner.append(entries, opts);
    this.appends.push([...entries]);
    return r;
  }
  readGate: Promise<void> | null = null;
  read = async (from: bigint, to: bigint, limit?: number) => {
    if (this.readGate !== null) await this.readGate;
    return this.failReads ? Promise.reject(new Error("read failed")) : this.inner.read(from, to, limit);
  };
  head = () => this.inner.head();
  prune = (upto: bigint) => this.inner.prune(upto);
  close = () => this.inner.close();
}

const rpcError = async (p: Promise<unknown>): Promise<RpcError> => {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(RpcError);
    return e as RpcError;
  }
  throw new Error("expected a refusal, got an acknowledgement");
};

describe("chain sequencer", function () {
  this.timeout(120_000);
  after(cleanupDirs);
  const open: TestNode[] = [];
  afterEach(async () => {
    for (const n of open.splice(0)) await n.close().catch(() => undefined);
  });
  const node = async (o: Parameters<typeof openNode>[0]) => {
    const n = await openNode(o);
    open.push(n);
    return n;
  };

  it("acknowledges only after the append is durable, many transactions per append (group commit)", async () => {
    let ctl!: ControlledLog;
    const n = await node({ genesis, wrapLog: (l) => (ctl = new ControlledLog(l)) });
    let release!: () => void;
    ctl.gate = new Promise((r) => (release = r));
    const txs = keys.slice(0, 5).flatMap((k) => Array.from({ length: 10 }, (_, i) => signTx(k, { nonce: i })));
    const acked: string[] = [];
    const all = Promise.all(txs.map((t) => n.seq.submit(t.raw).then((h) => (acked.push(h), h))));
    await new Promise((r) => setTimeout(r, 200));
    expect(acked, "nothing is acknowledged while the append is held").to.have.length(0);
    expect(ctl.appends).to.have.length(0);
    release();
    ctl.gate = null;
    expect(await all).to.deep.equal(txs.map((t) => t.hash));
    expect(ctl.appends.length, "appends for 50 transactions").to.be.at.most(3);
    expect(n.seq.stats.acknowledged).to.equal(50);
    await n.seq.sealNow();
    const r = await n.seq.queries.receipts(1n);
    expect(r.map((x) => x.txHash)).to.have.members(txs.map((t) => t.hash));
    expect(n.seq.pendingCount).to.equal(0);
  });

  it("answers an error, never a hash, when an append fails; a FencingError halts the sequencer", async () => {
    let ctl!: ControlledLog;
    const n = await node({ genesis, wrapLog: (l) => (ctl = new ControlledLog(l)) });
    const t0 = signTx(keys[0]!, { nonce: 0 });
    ctl.failNext = new Error("disk full");
    const e1 = await rpcError(n.seq.submit(t0.raw));
    expect(e1.code).to.equal(RpcErrorCode.Unavailable);
    expect(e1.message).to.match(/not acknowledged: log append failed: disk full/);
    expect(n.seq.halted, "nothing was written, so the sequencer goes on").to.equal(null);
    expect(await n.seq.submit(t0.raw), "the refused transaction can be sent again").to.equal(t0.hash);

    ctl.failNext = new FencingError("leader", "lease lost");
    const e2 = await rpcError(n.seq.submit(signTx(keys[0]!, { nonce: 1 }).raw));
    expect(e2.code).to.equal(RpcErrorCode.Unavailable);
    expect(n.seq.halted).to.match(/deposed: lease lost/);
    const e3 = await rpcError(n.seq.submit(signTx(keys[1]!, { nonce: 0 }).raw));
    expect(e3.message).to.match(/sequencer halted/);
    const entries = await n.log.read(0n, 100n);
    expect(entries.map((e) => e.entry.kind)).to.deep.equal(["tx"]);
  });

  it("seals with strictly increasing timestamps from the injected clock, and on its own at the interval", async () => {
    let now = T0 + 100n;
    const n = await node({ genesis, clock: () => now });
    expect(await n.seq.sealNow()).to.equal(1n);
    expect(await n.seq.sealNow()).to.equal(2n);
    now = T0 + 50n; // the clock goes back: timestamps still increase
    expect(await n.seq.sealNow()).to.equal(3n);
    const ts = await Promise.all([1n, 2n, 3n].map(async (b) => (await n.seq.queries.header(b))!.timestamp));
    expect(ts).to.deep.equal([T0 + 100n, T0 + 101n, T0 + 102n]);

    const timed = await node({ genesis, sealIntervalMs: 40, start: true });
    await new Promise((r) => setTimeout(r, 400));
    expect(Number(timed.engine.head().number)).to.be.within(4, 11);
  });

  it("seals a block early rather than overflow the block gas limit, so no acknowledged transaction is dropped", async () => {
    const n = await node({ genesis });
    const txs = keys.map((k) => signTx(k, { nonce: 0, gasLimit: 5_000_000n }));
    for (const t of txs) await n.seq.submit(t.raw);
    await n.seq.sealNow();
    expect(n.engine.head().number).to.equal(2n);
    expect((await n.seq.queries.receipts(1n)).length).to.equal(6);
    expect((await n.seq.queries.receipts(2n)).length).to.equal(2);
    expect(n.seq.stats.rejectedAtExecution).to.equal(0);
  });

  it("includes delayed messages in FIFO order before the seal, and reads them again after a restart", async () => {
    const feed = new InMemoryDelayedFeed();
    const d = [0, 1, 2].map((i) => signTx(keys[3]!, { nonce: i, to: keys[4]!.address, value: 7n }));
    for (const t of d) feed.push(t.raw);
    let ctl!: ControlledLog;
    const errors: string[] = [];
    const n = await node({ genesis, feed, wrapLog: (l) => (ctl = new ControlledLog(l)), onError: (_e, where) => errors.push(where) });
    const user = signTx(keys[0]!, { nonce: 0 });
    await n.seq.submit(user.raw);
    await n.seq.sealNow();
    expect((await n.seq.queries.receipts(1n)).map((r) => r.txHash)).to.deep.equal([user.hash, ...d.map((t) => t.hash)]);
    const kinds = (await n.log.read(0n, 100n)).map(({ entry }) => (entry.kind === "delayed" ? `delayed ${entry.index}` : entry.kind));
    expect(kinds).to.deep.equal(["tx", "delayed 0", "delayed 1", "delayed 2", "seal"]);

    // Two more messages: DELAYED 3, 4 and SEAL 2 are appended, then the process dies before applying block 2.
    const more = [3, 4].map((i) => signTx(keys[3]!, { nonce: i, to: keys[4]!.address, value: 7n }));
    for (const t of more) feed.push(t.raw);
    ctl.failReads = true;
    await n.seq.sealNow().catch(() => undefined);
    expect(errors).to.deep.equal(["apply"]);
    expect(n.engine.head().number).to.equal(1n);
    await n.close();
    open.pop();
    // The restarted sequencer reads the payloads from the feed again and applies block 2 as the log says.
    const again = await node({ genesis, feed, dirs: n.dirs });
    expect(again.engine.head().number).to.equal(2n);
    expect((await again.seq.queries.receipts(2n)).map((r) => r.txHash)).to.deep.equal(more.map((t) => t.hash));
    await again.seq.sealNow();
    expect((await again.seq.queries.receipts(3n)).length, "nothing consumed twice").to.equal(0);
    expect(again.seq.stats.delayedAppended).to.equal(0);
  });

  it("counts a delayed transaction as pending from its append to its block, so nothing admitted meanwhile conflicts with it", async () => {
    const feed = new InMemoryDelayedFeed();
    let ctl!: ControlledLog;
    const n = await node({ genesis, feed, wrapLog: (l) => (ctl = new ControlledLog(l)) });
    const x = keys[6]!;
    const balance = await n.engine.getBalance(x.address);
    const fee = 21_000n * 10n ** 10n;
    const forced = signTx(x, { nonce: 0, to: keys[7]!.address, value: balance - fee - 1000n }); // nearly all of it
    feed.push(forced.raw);
    let release!: () => void;
    ctl.readGate = new Promise((r) => (release = r));
    const sealing = n.seq.sealNow();
    while (!ctl.appends.some((a) => a.some((e) => e.kind === "seal"))) await new Promise((r) => setTimeout(r, 5));
    // DELAYED(0) and SEAL(1) are durable; block 1 is not applied yet: the head still shows the old balance and nonce.
    expect(await n.engine.getNonce(x.address)).to.equal(0n);
    const reuse = await rpcError(n.seq.submit(signTx(x, { nonce: 0 }).raw));
    expect(reuse.message).to.match(/^replacement transaction underpriced/);
    const spend = await rpcError(n.seq.submit(signTx(x, { nonce: 1, value: 10n ** 18n }).raw));
    expect(spend.message).to.match(/^insufficient funds/);
    expect(await n.seq.nextNonce(x.address)).to.equal(1n);
    release();
    ctl.readGate = null;
    expect(await sealing).to.equal(1n);
    expect((await n.seq.queries.receipts(1n)).map((r) => r.txHash)).to.deep.equal([forced.hash]);
    expect(n.seq.pendingCount).to.equal(0);
    expect(n.seq.stats.rejectedAtExecution).to.equal(0);
  });

  it("reports an acknowledged tx the engine rejects at execution (base fee rose after admission): no receipt, counted, reason given", async () => {
    let ctl!: ControlledLog;
    const reports: ApplyReport[] = [];
    const n = await node({ genesis, wrapLog: (l) => (ctl = new ControlledLog(l)), onApplied: (r) => reports.push(r) });
    // Block 1 burns 20M gas (an initcode loop that runs out of gas), over the 15M target: block 2's base fee rises.
    await n.seq.submit(signTx(keys[0]!, { nonce: 0, to: null, value: 0n, data: "0x5b600056", gasLimit: 20_000_000n }).raw);
    let release!: () => void;
    ctl.readGate = new Promise((r) => (release = r));
    const sealing = n.seq.sealNow();
    while (!ctl.appends.some((a) => a.some((e) => e.kind === "seal"))) await new Promise((r) => setTimeout(r, 5));
    // Block 1 is sealed, not applied: admission still prices against block 1's base fee.
    const tight = signTx(keys[1]!, { nonce: 0, maxFeePerGas: n.seq.nextBaseFee, maxPriorityFeePerGas: 0n });
    expect(await n.seq.submit(tight.raw)).to.equal(tight.hash);
    release();
    ctl.readGate = null;
    await sealing;
    await n.seq.sealNow();
    expect(n.engine.head().number).to.equal(2n);
    expect(await n.seq.queries.receipt(tight.hash), "no receipt").to.equal(undefined);
    expect(n.seq.pending(tight.hash), "no longer pending").to.equal(undefined);
    expect(n.seq.stats.rejectedAtExecution).to.equal(1);
    const rejected = reports.flatMap((r) => r.blocks.flatMap((b) => b.rejected.map((x) => ({ block: b.number, ...x }))));
    expect(rejected).to.have.length(1);
    expect(rejected[0]!.block).to.equal(2n);
    expect(rejected[0]!.reason).to.match(/fee|base/i);
  });

  it("executes what it acknowledged without decoding it again, to the same block a node replaying the log builds; a refused tx is not handed over", async () => {
    const n = await node({ genesis });
    const txs = keys.slice(0, 4).flatMap((k, j) => Array.from({ length: 6 }, (_, i) => signTx(k, { nonce: i, to: keys[(j + 1) % keys.length]!.address, value: BigInt(i + 1) })));
    await Promise.all(txs.map((t) => n.seq.submit(t.raw)));
    const gap = await rpcError(n.seq.submit(signTx(keys[5]!, { nonce: 3 }).raw));
    expect(gap.message).to.match(/^nonce too high/);
    const poor = await rpcError(n.seq.submit(signTx(keys[5]!, { nonce: 0, value: 10n ** 30n }).raw));
    expect(poor.message).to.match(/^insufficient funds/);
    expect(n.engine.decoded.size, "the acknowledged ones only").to.equal(txs.length);
    await n.seq.sealNow();
    expect(n.engine.decoded.stats, "every one executed from admission's decoding").to.deep.equal({ hits: txs.length, misses: 0 });
    expect(n.engine.decoded.size).to.equal(0);
    expect((await n.seq.queries.receipts(1n)).map((r) => r.txHash)).to.have.members(txs.map((t) => t.hash));
    // A node replaying the same log decodes every transaction itself and builds the same block.
    const replay = await Engine.open({ dataDir: tempDir("seq-replay"), genesis });
    try {
      await applyLog(replay, n.log);
      expect(replay.decoded.stats).to.deep.equal({ hits: 0, misses: txs.length });
      expect(replay.head()).to.deep.equal(n.engine.head());
      expect(await replay.blocks.receipts(1n, replay.head().hash)).to.deep.equal(await n.engine.blocks.receipts(1n, n.engine.head().hash));
    } finally {
      await replay.close();
    }
  });

  it("judges a retried transaction again against the new state without recovering its sender twice: admitted once its gap is filled, still priced against the current base fee", async () => {
    const n = await node({ genesis });
    const later = signTx(keys[6]!, { nonce: 1, to: keys[0]!.address, value: 1n });
    expect((await rpcError(n.seq.submit(later.raw))).message).to.match(/^nonce too high/);
    expect((await rpcError(n.seq.submit(later.raw))).message, "the same refusal on a retry").to.match(/^nonce too high/);
    expect(n.seq.stats.retriesWithoutDecode).to.equal(1);
    expect(await n.seq.submit(signTx(keys[6]!, { nonce: 0, to: keys[0]!.address, value: 1n }).raw)).to.be.a("string");
    expect(await n.seq.submit(later.raw), "admitted once the gap is filled").to.equal(later.hash);
    expect(n.seq.stats.retriesWithoutDecode).to.equal(2);
    expect((await rpcError(n.seq.submit(later.raw))).message, "and then known, not admitted twice").to.match(/^already known/);
    // A remembered candidate is still priced against the base fee of the moment: block 1 burns 20M gas, over the
    // 15M target, so block 2's base fee rises above a fee cap that was enough when the tx was first refused.
    const cap = n.seq.nextBaseFee;
    const tight = signTx(keys[7]!, { nonce: 1, maxFeePerGas: cap, maxPriorityFeePerGas: 0n });
    expect((await rpcError(n.seq.submit(tight.raw))).message).to.match(/^nonce too high/);
    await n.seq.submit(signTx(keys[7]!, { nonce: 0, to: null, value: 0n, data: "0x5b600056", gasLimit: 20_000_000n }).raw);
    await n.seq.sealNow();
    expect(n.seq.nextBaseFee).to.be.greaterThan(cap);
    expect((await rpcError(n.seq.submit(tight.raw))).message).to.match(/^max fee per gas less than block base fee/);
    await n.seq.sealNow();
    expect(await n.seq.queries.receipt(later.hash), "executed once").to.not.equal(undefined);
  });

  it("loses nothing acknowledged and orders nothing twice across a restart mid-stream", async () => {
    const first = await node({ genesis });
    const acked = new Set<string>();
    const refused: string[] = [];
    const perKey = 25;
    let stopAt = 0;
    const stream = (k: number) =>
      (async () => {
        for (let i = 0; i < perKey; i++) {
          const t = signTx(keys[k]!, { nonce: i, to: keys[(k + 1) % keys.length]!.address });
          try {
            acked.add(await first.seq.submit(t.raw));
          } catch (e) {
            expect((e as RpcError).code).to.equal(RpcErrorCode.Unavailable);
            refused.push(t.hash);
            return i; // the next nonce this client must send
          }
          if (k === 0 && i === 8) void first.seq.sealNow(); // a block in the middle of the stream
          if (k === 0 && i === 15) stopAt = acked.size;
        }
        return perKey;
      })();
    const streams = keys.map((_, k) => stream(k));
    while (stopAt === 0) await new Promise((r) => setTimeout(r, 1));
    await first.close(); // mid-stream: later submits are refused, in-flight appends finish
    open.pop();
    const resumeAt = await Promise.all(streams);
    expect(acked.size).to.be.greaterThan(0);
    expect(refused.length, "the stream was cut").to.be.greaterThan(0);

    const second = await node({ genesis, dirs: first.dirs });
    expect(second.seq.pendingCount, "the open block is pending again").to.be.greaterThan(0);
    // The pool was rebuilt: an acknowledged open transaction is "already known", the pending nonce counts it.
    const openEntries = await second.log.read(second.engine.head().cursor!.seq + 1n, 1_000_000n);
    const openTx = openEntries.find((e) => e.entry.kind === "tx")!;
    const e = await rpcError(second.seq.submit((openTx.entry as { raw: Uint8Array }).raw));
    expect(e.message).to.match(/^already known/);
    for (let k = 0; k < keys.length; k++) expect(await second.seq.nextNonce(keys[k]!.address)).to.equal(BigInt(resumeAt[k]!));
    // The clients resume where their acknowledgements stopped.
    for (let k = 0; k < keys.length; k++) {
      for (let i = resumeAt[k]!; i < perKey; i++) acked.add(await second.seq.submit(signTx(keys[k]!, { nonce: i, to: keys[(k + 1) % keys.length]!.address }).raw));
    }
    await second.seq.sealNow();
    const chain = await allChainTxHashes(second);
    expect(chain.length, "each acknowledged transaction exactly once").to.equal(acked.size);
    expect(new Set(chain)).to.deep.equal(acked);
    expect(acked.size).to.equal(keys.length * perKey);
    expect(second.seq.stats.rejectedAtExecution).to.equal(0);
  });

  describe("the sequencer process (chain-node/src/sequencer/main.ts)", () => {
    it("names the bad option of Sequencer.open", async () => {
      const n = await node({ genesis });
      for (const [bad, msg] of [
        [{ sealIntervalMs: 0 }, /sealIntervalMs must be a positive integer, got 0/],
        [{ maxEntriesPerAppend: 1.5 }, /maxEntriesPerAppend must be a positive integer/],
        [{ limits: { maxPendingPerSender: -1 } }, /limits.maxPendingPerSender must be a positive integer/],
      ] as const) {
        let err: unknown;
        await Sequencer.open({ engine: n.engine, log: n.log, ...bad }).catch((e: unknown) => (err = e));
        expect(err, JSON.stringify(bad)).to.be.instanceOf(RangeError);
        expect((err as Error).message).to.match(msg);
      }
    });

    it("names the bad flag or environment variable", () => {
      expect(() => parseSequencerArgs([])).to.throw(ConfigError, /--data-dir \(or SOVEREIGN_DATA_DIR\): required/);
      expect(() => parseSequencerArgs(["--data-dir", "x", "--rpc-port", "99999"])).to.throw(ConfigError, /--rpc-port .*got "99999"/);
      expect(() => parseSequencerArgs(["--data-dir", "x"], { SOVEREIGN_SEAL_INTERVAL_MS: "soon" })).to.throw(ConfigError, /--seal-interval .*got "soon"/);
      expect(() => parseSequencerArgs(["--data-dir", "x", "--bogus"])).to.throw(ConfigError, /bogus/);
      expect(parseSequencerArgs(["--chain-id", "7"], { SOVEREIGN_DATA_DIR: "/tmp/d", SOVEREIGN_CHAIN_ID: "9" })).to.deep.include({ dataDir: "/tmp/d", chainId: 7, rpcPort: 8545, sealIntervalMs: 1000 });
    });

    it("serves RPC, stops cleanly on SIGTERM and resumes from the same directory", async function () {
      this.timeout(120_000);
      const dir = tempDir("seq-process");
      const genesisFile = path.join(dir, "input-genesis.json");
      writeFileSync(genesisFile, genesisToJson(genesis));
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      const url = `http://127.0.0.1:${port}`;
      const rpc = async (method: string, params: unknown[] = []): Promise<unknown> => {
        const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
        const body = (await r.json()) as { result?: unknown; error?: { message: string } };
        if (body.error !== undefined) throw new Error(body.error.message);
        return body.result;
      };
      const run = async (): Promise<{ stop: () => Promise<number | null>; out: () => string }> => {
        const child = spawn(process.execPath, ["chain-node/src/sequencer/main.ts", "--data-dir", dir, "--rpc-port", String(port), "--seal-interval", "100", "--genesis", genesisFile], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr.on("data", (d: Buffer) => (out += d.toString()));
        const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
        for (let i = 0; !out.includes("RPC http://"); i++) {
          if (i > 600 || child.exitCode !== null) throw new Error(`the sequencer did not start: ${out}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        return { stop: () => (child.kill("SIGTERM"), exited), out: () => out };
      };
      const first = await run();
      const t = signTx(keys[0]!, { nonce: 0 });
      expect(await rpc("eth_sendRawTransaction", [t.hex])).to.equal(t.hash);
      expect(await first.stop(), first.out()).to.equal(0);
      expect(first.out()).to.match(/SIGTERM, stopping\nsequencer: stopped/);
      const second = await run(); // LevelDB locks were released: the same directories open again
      try {
        for (let i = 0; (await rpc("eth_getTransactionReceipt", [t.hash])) === null; i++) {
          if (i > 100) throw new Error("the acknowledged transaction was not included after the restart");
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(await rpc("eth_getTransactionCount", [keys[0]!.address, "latest"])).to.equal("0x1");
      } finally {
        expect(await second.stop()).to.equal(0);
      }
    });
  });
});
