/**
 * npm run bench -- chain-l1
 *
 * The L1 side of the chain, in one run on the in-process L1 (the real stack deployed by the test fixture):
 * - L1 bytes per L2 transaction in a batch (ETH and ERC-20 transfers with random amounts, BLOCKS blocks of
 *   BLOCK_TXS, and ETH payments with 3-significant-digit amounts): our batch data (format 0x02: transaction
 *   columns under brotli quality 11, signatures beside) beside the plain RLP of the blocks' raw transactions
 *   uncompressed, under gzip -9 and under brotli q11, and beside our own format at brotli quality 9; goal at
 *   most 70 bytes per transfer.
 * - L1 gas per L2 transaction: `appendBatch` of our data beside `appendBatch` of the uncompressed RLP.
 * - Validator derivation speed: L2 transactions per CPU-second that a validator derives from the posted
 *   batches (decode + execute into a fresh engine), beside the sequencer's execution rate (applying the same
 *   blocks from its log) in the same run; goal ratio at least 1.0.
 */

import { Interface, Transaction, Wallet, encodeRlp, getCreateAddress, toBeHex } from "ethers";
import { brotliCompressSync, constants as zc, gzipSync } from "node:zlib";
import { BatchPoster, Deriver, EmbeddedLog, Engine, applyLog, encodeBatch, encodeBatchPayload, initialCursor, L1Reader, type BatchBlock, type GenesisConfig, type L1Batch, type PostOutcome } from "@sovereign-stack/node";

import { row, type BenchRow, type BenchSuite } from "../harness.ts";
import { hre } from "../../scripts/lib/network.ts";
import { deployRollup } from "../../test/rollup/fixture.ts";
import { cleanupDirs, tempDir } from "../../test/chain/helpers.ts";
import { prng } from "../../test/chain/workload.ts";

const CHAIN_ID = 31337;
const T0 = 1_700_000_000n;
const KEYS = 40;
const BLOCK_TXS = 200;
const BLOCKS = 5;

const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const hexBytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.slice(2), "hex"));

type Block = { number: bigint; timestamp: bigint; txs: Uint8Array[] };

/** The plain RLP of blocks, `[[timestamp, [raw tx, …]], …]`: the uncompressed baseline. */
const plainRlp = (blocks: readonly Block[]): Uint8Array => hexBytes(encodeRlp(blocks.map((b) => [toBeHex(b.timestamp), b.txs.map((t) => "0x" + Buffer.from(t).toString("hex"))])));

/**
 * Setup (token deploy + mints), BLOCKS blocks of ETH transfers, BLOCKS blocks of ERC-20 transfers (random
 * amounts of about 30 bits), and BLOCKS blocks of ETH payments whose amounts have 3 significant digits (as
 * prices do), for the bytes rows only.
 */
function workload(keys: Wallet[], bytecode: string): { setup: Block; eth: Block[]; erc20: Block[]; payments: Block[] } {
  const nonces = keys.map(() => 0);
  const sign = (i: number, f: { to: string | null; value?: bigint; data?: string; gasLimit: bigint }): Uint8Array => {
    const tx = Transaction.from({ type: 2, chainId: CHAIN_ID, nonce: nonces[i]!++, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n, value: 0n, data: "0x", ...f });
    tx.signature = keys[i]!.signingKey.sign(tx.unsignedHash);
    return hexBytes(tx.serialized);
  };
  const erc20 = new Interface(["function mint(address,uint256)", "function transfer(address,uint256) returns (bool)", "constructor(string,string)"]);
  const token = getCreateAddress({ from: keys[0]!.address, nonce: 0 });
  let n = 0n;
  let ts = T0;
  const block = (txs: Uint8Array[]): Block => ({ number: ++n, timestamp: (ts += 2n), txs });
  const setup = block([sign(0, { to: null, data: bytecode + erc20.encodeDeploy(["Bench", "B"]).slice(2), gasLimit: 2_000_000n }), ...keys.map((k) => sign(0, { to: token, data: erc20.encodeFunctionData("mint", [k.address, 10n ** 24n]), gasLimit: 100_000n }))]);
  // Amounts and recipients vary like real payments (not a compressible pattern): a well-mixed generator. (An
  // LCG modulo 2^31 taken modulo m repeats its low bits with short periods: it picked only 8 of the 40
  // recipients and gave amounts whose low bytes repeat, patterns a compressor finds and real payments lack.)
  const random = prng(7);
  const rnd = (m: number) => Math.floor(random() * m);
  const many = (mk: (j: number) => Uint8Array) => Array.from({ length: BLOCKS }, (_, b) => block(Array.from({ length: BLOCK_TXS }, (_, j) => mk(b * BLOCK_TXS + j))));
  const eth = many((j) => sign(j % KEYS, { to: keys[rnd(KEYS)]!.address, value: BigInt(1 + rnd(10 ** 9)) * 10n ** 6n, gasLimit: 21_000n }));
  const erc = many((j) => sign(j % KEYS, { to: token, data: erc20.encodeFunctionData("transfer", [keys[rnd(KEYS)]!.address, BigInt(1 + rnd(10 ** 9)) * 10n ** 9n]), gasLimit: 80_000n }));
  const payments = many((j) => sign(j % KEYS, { to: keys[rnd(KEYS)]!.address, value: BigInt(100 + rnd(900)) * 10n ** BigInt(12 + rnd(5)), gasLimit: 21_000n }));
  return { setup, eth, erc20: erc, payments };
}

const suite: BenchSuite = {
  name: "chain-l1",
  description: "L1 bytes and gas per L2 transaction in batches; validator derivation speed vs the sequencer's execution rate",
  async run(log) {
    const keys = Array.from({ length: KEYS }, (_, i) => new Wallet(toBeHex(BigInt(i + 1), 32)));
    const w = workload(keys, (await hre.artifacts.readArtifact("TestToken")).bytecode);
    const alloc: Record<string, { balance: bigint }> = {};
    for (const k of keys) alloc[k.address] = { balance: 10n ** 21n };
    const genesis: GenesisConfig = { chainId: CHAIN_ID, hardfork: "prague", timestamp: T0, gasLimit: 30_000_000n, baseFeePerGas: 1_000_000_000n, coinbase: "0x00000000000000000000000000000000000000c0", alloc };

    const r = await deployRollup();
    const c = r.stack.contracts;
    const seqLog = await EmbeddedLog.open({ dir: tempDir("bench-l1-log"), sync: false });
    const seqEngine = await Engine.open({ dataDir: tempDir("bench-l1-seq"), genesis });
    const valEngine = await Engine.open({ dataDir: tempDir("bench-l1-val"), genesis });
    try {
      const active = await r.activeSigner();
      const poster = new BatchPoster({ log: seqLog, engine: seqEngine, signer: active, sequencerInbox: await c.SequencerInbox.getAddress(), sequencerSet: await c.SequencerSet.getAddress(), maxBatchBytes: 1_000_000 });
      const sequence = async (blocks: Block[]): Promise<{ rate: number; posted: PostOutcome }> => {
        for (const b of blocks) await seqLog.append([...b.txs.map((raw) => ({ kind: "tx" as const, raw })), { kind: "seal", block: b.number, timestamp: b.timestamp }]);
        const c0 = cpuSeconds();
        const applied = await applyLog(seqEngine, seqLog);
        const rate = (blocks.length * BLOCK_TXS) / (cpuSeconds() - c0);
        const rejected = applied.blocks.reduce((n, x) => n + x.rejected.length, 0);
        if (rejected > 0) throw new Error(`the sequencer rejected ${rejected} workload txs`);
        const outs = await poster.postAll();
        if (outs.length !== 1) throw new Error(`expected one batch, posted ${outs.length}`);
        return { rate, posted: outs[0]! };
      };
      await sequence([w.setup]);
      const reader = new L1Reader({ provider: r.net.ethers.provider, delayedInbox: await c.DelayedInbox.getAddress(), sequencerInbox: await c.SequencerInbox.getAddress() });
      let cursor = initialCursor(0n);
      const deriver = new Deriver(valEngine);
      const readBatches = async (): Promise<L1Batch[]> => {
        const u = await reader.poll(cursor);
        cursor = u.cursor;
        deriver.addDelayed(u.delayed);
        return u.batches;
      };
      for (const b of await readBatches()) await deriver.applyBatch(b);

      const rows: BenchRow[] = [];
      for (const [label, blocks] of [["ETH transfer", w.eth], ["ERC-20 transfer", w.erc20]] as const) {
        const n = blocks.length * BLOCK_TXS;
        const seq = await sequence(blocks);
        if (!seq.posted.posted) throw new Error("nothing posted");
        const batchBlocks: BatchBlock[] = blocks.map((b) => ({ timestamp: b.timestamp, items: b.txs.map((raw) => ({ kind: "tx" as const, raw })) }));
        const ours = seq.posted.batch.data.length;
        const rlp = plainRlp(blocks);
        const gz = gzipSync(rlp, { level: 9 }).length;
        const brotliRlp = 1 + brotliCompressSync(rlp, { params: { [zc.BROTLI_PARAM_QUALITY]: 11, [zc.BROTLI_PARAM_SIZE_HINT]: rlp.length } }).length;
        const q9 = encodeBatch(batchBlocks, 9).length;
        const per = (x: number) => Math.round((x / n) * 10) / 10;
        rows.push(row(`L1 bytes per ${label} (columns + brotli q11) vs uncompressed RLP`, "bytes", per(ours), per(rlp.length), "RLP, uncompressed"));
        rows.push(row(`L1 bytes per ${label} (columns + brotli q11) vs gzip -9 of the RLP`, "bytes", per(ours), per(gz), "gzip -9 (node:zlib)"));
        rows.push(row(`L1 bytes per ${label} (columns + brotli q11) vs brotli q11 of the RLP`, "bytes", per(ours), per(brotliRlp), "brotli q11 of the RLP"));
        rows.push(row(`L1 bytes per ${label} (columns + brotli q11) vs columns + brotli q9`, "bytes", per(ours), per(q9), "columns + brotli q9"));
        const payload = encodeBatchPayload(batchBlocks);
        log(`${label}: signatures ${per(payload.signatures.length)} bytes per tx, everything else ${per(ours - payload.signatures.length)} after brotli`);
        // The same blocks posted uncompressed, on top of our batch, as the gas baseline.
        const [derived] = await readBatches();
        const c0 = cpuSeconds();
        const d = await deriver.applyBatch(derived!);
        const deriveRate = n / (cpuSeconds() - c0);
        if (d.stateRoot !== seqEngine.head().stateRoot || !d.valid) throw new Error(`${label}: the validator's root ${d.stateRoot} differs from the sequencer's ${seqEngine.head().stateRoot}`);
        const head = { prevAccumulator: await c.SequencerInbox.headAccumulator(), delayedCount: await c.SequencerInbox.delayedConsumed(), l2BlockStart: await c.SequencerInbox.nextL2Block(), minTimestamp: 0n, maxTimestamp: (1n << 64n) - 1n };
        const raw = await (await c.SequencerInbox.connect(active).appendBatch(rlp, { ...head, l2BlockEnd: head.l2BlockStart })).wait();
        rows.push(row(`L1 gas per ${label} (appendBatch, brotli) vs appendBatch of the uncompressed RLP`, "gas", per(Number(seq.posted.gasUsed)), per(Number(raw!.gasUsed)), "RLP, uncompressed"));
        rows.push(row(`validator derivation of ${label}s from L1 batches (decode + execute) vs sequencer execution, per CPU-second`, "tx/s", Math.round(deriveRate), Math.round(seq.rate), "sequencer applyLog, same run"));
        log(`${label}: ${n} txs in ${blocks.length} blocks; batch ${ours} bytes (RLP ${rlp.length}, gzip ${gz}, brotli q9 ${q9}); validator root equals the sequencer's`);
        // Keep the validator in step with L1: the uncompressed batch above is a malformed batch to derivation (one empty block).
        for (const b of await readBatches()) await deriver.applyBatch(b);
        // ...which the sequencer must follow too before it posts again: rebuild it on the validator's view.
        await seqLog.append([{ kind: "seal", block: seqEngine.head().number + 1n, timestamp: valEngine.head().timestamp }]);
        await applyLog(seqEngine, seqLog);
        if (seqEngine.head().stateRoot !== valEngine.head().stateRoot) throw new Error("sequencer and validator diverged after the baseline batch");
      }
      // Bytes only (not executed): the same transfers with amounts of 3 significant digits.
      const n = BLOCKS * BLOCK_TXS;
      const payBlocks: BatchBlock[] = w.payments.map((b) => ({ timestamp: b.timestamp, items: b.txs.map((raw) => ({ kind: "tx" as const, raw })) }));
      const payRlp = plainRlp(w.payments).length;
      const payOurs = encodeBatch(payBlocks).length;
      rows.push(row("L1 bytes per ETH payment, 3-significant-digit amounts (columns + brotli q11) vs uncompressed RLP", "bytes", Math.round((payOurs / n) * 10) / 10, Math.round((payRlp / n) * 10) / 10, "RLP, uncompressed"));
      return rows;
    } finally {
      await seqEngine.close();
      await valEngine.close();
      await seqLog.close();
      cleanupDirs();
    }
  },
};

export default suite;
