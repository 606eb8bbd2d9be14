/**
 * npm run bench -- chain
 *
 * The execution engine's raw speed beside EDR's, in the same run: transactions per CPU-second (user + system
 * time of this process) for ETH transfers and ERC-20 (TestToken) transfers. The same signed transactions go
 * to both engines, in blocks of BLOCK_TXS: ours through `Engine.applyBlock` (LevelDB state, native
 * secp256k1 sender recovery), EDR through `eth_sendRawTransaction` + `evm_mine` on an in-process network with
 * the same genesis (so EDR's figure includes its JSON-RPC handling and mempool, as a node's would).
 * The ratio is ours / EDR's: below 1 means the engine is slower.
 *
 * Then the sequencer behind its JSON-RPC, in the same run: CLIENTS concurrent clients (a child process,
 * bench/lib/rpc-clients.ts) each send their own pre-signed transfers one after the other over HTTP, waiting for
 * each acknowledgement (admission + a durable, fsynced append to the embedded log, group commit). The sequencer
 * seals every second and executes in the same process, and back-pressure (the per-sender pending cap) keeps the
 * acknowledgements from running ahead of execution, so the rate is a sustained one. Its peer is the engine's raw
 * execution rate (wall clock, `applyBlock` in blocks of BLOCK_TXS) on exactly the same transactions, measured
 * just before on a fresh engine: the ratio is the share of the engine's speed the whole node keeps (goal ≥ 0.6).
 * "Sustained" runs until the last acknowledged transaction is executed. Each rate is given per CPU-second of
 * the node process (robust on a machine shared with other jobs; the clients' process is not counted) and by
 * the wall clock (which also pays for the clients' CPU on the same 2 cores and for other jobs' load).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { Interface, Transaction, Wallet, getCreateAddress, toBeHex } from "ethers";
import { EmbeddedLog, Engine, RpcServer, Sequencer, type GenesisConfig } from "@sovereign-stack/node";

import { row, type BenchRow, type BenchSuite } from "../harness.ts";
import { fileURLToPath } from "node:url";
import { hre } from "../../scripts/lib/network.ts";

const CHAIN_ID = 31337;
const T0 = 1_700_000_000n;
const GAS_LIMIT = 30_000_000n;
const BASE_FEE = 1_000_000_000n;
const COINBASE = "0x00000000000000000000000000000000000000c0";
const KEYS = 20;
const BLOCK_TXS = 200;
const BLOCKS = 10;
/** Concurrent RPC clients, each with its own key, and transfers per client in each phase. */
const CLIENTS = 64;
const ETH_PER_CLIENT = 50;
const ERC20_PER_CLIENT = 40;
const CLIENTS_SCRIPT = fileURLToPath(new URL("../lib/rpc-clients.ts", import.meta.url));

type Block = { number: bigint; timestamp: bigint; txs: string[] };

function signer(keys: Wallet[]) {
  const nonces = keys.map(() => 0);
  return (i: number, f: { to: string | null; value?: bigint; data?: string; gasLimit: bigint }): string => {
    const tx = Transaction.from({ type: 2, chainId: CHAIN_ID, nonce: nonces[i]!++, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n, value: 0n, data: "0x", ...f });
    tx.signature = keys[i]!.signingKey.sign(tx.unsignedHash);
    return tx.serialized;
  };
}

/** Setup block (token deploy + mints), then BLOCKS blocks of ETH transfers, then BLOCKS blocks of ERC-20 transfers. */
function workload(keys: Wallet[], bytecode: string): { setup: Block; eth: Block[]; erc20: Block[] } {
  const sign = signer(keys);
  const erc20 = new Interface(["function mint(address,uint256)", "function transfer(address,uint256) returns (bool)", "constructor(string,string)"]);
  const token = getCreateAddress({ from: keys[0]!.address, nonce: 0 });
  let n = 0n;
  let ts = T0;
  const block = (txs: string[]): Block => ({ number: ++n, timestamp: (ts += 12n), txs });
  const setup = block([sign(0, { to: null, data: bytecode + erc20.encodeDeploy(["Bench", "B"]).slice(2), gasLimit: 2_000_000n }), ...keys.map((k) => sign(0, { to: token, data: erc20.encodeFunctionData("mint", [k.address, 10n ** 24n]), gasLimit: 100_000n }))]);
  const many = (mk: (j: number) => string) => Array.from({ length: BLOCKS }, (_, b) => block(Array.from({ length: BLOCK_TXS }, (_, j) => mk(b * BLOCK_TXS + j))));
  const eth = many((j) => sign(j % KEYS, { to: keys[(j * 7 + 3) % KEYS]!.address, value: BigInt(j + 1), gasLimit: 21_000n }));
  const erc = many((j) => sign(j % KEYS, { to: token, data: erc20.encodeFunctionData("transfer", [keys[(j * 7 + 3) % KEYS]!.address, BigInt(j + 1)]), gasLimit: 80_000n }));
  return { setup, eth, erc20: erc };
}

const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

type ClientReport = { acked: number; wallMs: number; retries: number; p50: number; p99: number };

/** Runs the client child process against `url` with one array of raw txs per client. */
export async function runClients(url: string, perClient: string[][], dir: string): Promise<ClientReport> {
  const job = path.join(dir, `job-${Date.now()}.json`);
  writeFileSync(job, JSON.stringify(perClient));
  const child = spawn(process.execPath, [CLIENTS_SCRIPT, url, job], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  if (code !== 0) throw new Error(`rpc clients exited with ${code}: ${err}`);
  return JSON.parse(out.trim().split("\n").pop()!) as ClientReport;
}

/** The sequencer rows: acknowledged tx/s through the RPC beside the engine's raw rate, and ack latency. */
export async function sequencerRows(log: (line: string) => void, bytecode: string, predeploys: GenesisConfig["alloc"]): Promise<BenchRow[]> {
  const keys = Array.from({ length: CLIENTS }, (_, i) => new Wallet(toBeHex(BigInt(i + 101), 32)));
  const alloc: Record<string, { balance: bigint }> = {};
  for (const k of keys) alloc[k.address] = { balance: 10n ** 21n };
  const genesis: GenesisConfig = { chainId: CHAIN_ID, hardfork: "prague", timestamp: T0, gasLimit: GAS_LIMIT, baseFeePerGas: BASE_FEE, coinbase: COINBASE, alloc: { ...predeploys, ...alloc } };
  const sign = signer(keys);
  const erc20 = new Interface(["function mint(address,uint256)", "function transfer(address,uint256) returns (bool)", "constructor(string,string)"]);
  const token = getCreateAddress({ from: keys[0]!.address, nonce: 0 });
  const setup = [sign(0, { to: null, data: bytecode + erc20.encodeDeploy(["Bench", "B"]).slice(2), gasLimit: 2_000_000n }), ...keys.map((k) => sign(0, { to: token, data: erc20.encodeFunctionData("mint", [k.address, 10n ** 24n]), gasLimit: 100_000n }))];
  const perClient = (n: number, mk: (c: number, j: number) => string): string[][] => keys.map((_, c) => Array.from({ length: n }, (_, j) => mk(c, j)));
  const eth = perClient(ETH_PER_CLIENT, (c, j) => sign(c, { to: keys[(c + 1 + (j % 7)) % CLIENTS]!.address, value: BigInt(j + 1), gasLimit: 21_000n }));
  const erc = perClient(ERC20_PER_CLIENT, (c, j) => sign(c, { to: token, data: erc20.encodeFunctionData("transfer", [keys[(c + 1 + (j % 7)) % CLIENTS]!.address, BigInt(j + 1)]), gasLimit: 80_000n }));
  const bytes = (h: string) => Uint8Array.from(Buffer.from(h.slice(2), "hex"));
  const dir = mkdtempSync(path.join(tmpdir(), "bench-seq-"));
  try {
    // 1. The engine alone, wall clock, same transactions (round-robin over clients keeps each sender's nonces in order).
    const raw = await Engine.open({ dataDir: path.join(dir, "raw"), genesis });
    const rawRate: number[] = [];
    const rawCpuRate: number[] = [];
    try {
      let n = 0n;
      let ts = T0;
      const apply = async (txs: string[]) => {
        const r = await raw.applyBlock({ number: ++n, timestamp: (ts += 1n), txs: txs.map(bytes) });
        if (r.rejected.length > 0) throw new Error(`raw engine rejected ${r.rejected.length} txs: ${r.rejected[0]!.reason}`);
      };
      await apply(setup);
      for (const phase of [eth, erc]) {
        const order = Array.from({ length: phase[0]!.length }, (_, j) => phase.map((txs) => txs[j]!)).flat();
        const t0 = performance.now();
        const c0 = cpuSeconds();
        for (let i = 0; i < order.length; i += BLOCK_TXS) await apply(order.slice(i, i + BLOCK_TXS));
        rawRate.push(order.length / ((performance.now() - t0) / 1000));
        rawCpuRate.push(order.length / (cpuSeconds() - c0));
      }
    } finally {
      await raw.close();
    }

    // 2. The sequencer behind its RPC (fsynced embedded log, 1 s seal interval), clients in a child process.
    const engine = await Engine.open({ dataDir: path.join(dir, "engine"), genesis });
    const chainLog = await EmbeddedLog.open({ dir: path.join(dir, "log") });
    const seq = await Sequencer.open({ engine, log: chainLog, sealIntervalMs: 1000 });
    const server = await RpcServer.listen({ sequencer: seq, port: 0 });
    const rows: BenchRow[] = [];
    try {
      for (let i = 0; i < setup.length; i += 32) {
        for (const t of setup.slice(i, i + 32)) await seq.submit(bytes(t)); // one sender: stay under its pending cap
        await seq.sealNow();
      }
      seq.start();
      const phases = [["ETH", eth, rawRate[0]!, rawCpuRate[0]!], ["ERC-20", erc, rawRate[1]!, rawCpuRate[1]!]] as const;
      for (const [label, txs, rawTps, rawCpuTps] of phases) {
        const before = seq.stats.appends;
        const start = performance.now();
        const c0 = cpuSeconds();
        const rep = await runClients(server.url, txs, dir);
        const acksDone = performance.now();
        while (seq.pendingCount > 0) await new Promise((r) => setTimeout(r, 20));
        // Sustained: until the last acknowledged transaction is executed (acknowledgements alone can run ahead of
        // execution by up to the pool's capacity, which would flatter a short run).
        const sustained = rep.acked / ((performance.now() - start) / 1000);
        const perNodeCpu = rep.acked / (cpuSeconds() - c0);
        log(
          `${label}: ${rep.acked} acknowledged in ${(rep.wallMs / 1000).toFixed(2)} s by ${CLIENTS} clients (${(rep.acked / (rep.wallMs / 1000)).toFixed(0)} tx/s, ` +
            `${rep.retries} back-pressure retries, ${seq.stats.appends - before} appends), all executed ${(performance.now() - acksDone).toFixed(0)} ms later; ` +
            `sustained ${sustained.toFixed(0)} tx/s wall, ${perNodeCpu.toFixed(0)} per node CPU-second; engine alone ${rawTps.toFixed(0)} tx/s wall, ${rawCpuTps.toFixed(0)} per CPU-second`,
        );
        rows.push(row(`acknowledged ${label} transfers via JSON-RPC, ${CLIENTS} clients, sustained, per node CPU-second`, "tx/s", Math.round(perNodeCpu), Math.round(rawCpuTps), `engine raw execution, same txs (${BLOCK_TXS} per block), per CPU-second`));
        rows.push(row(`acknowledged ${label} transfers via JSON-RPC, ${CLIENTS} clients, sustained, wall`, "tx/s", Math.round(sustained), Math.round(rawTps), `engine raw execution, same txs, wall`));
        rows.push(row(`acknowledgement latency p50, ${label} transfers`, "ms", Math.round(rep.p50 * 10) / 10));
        rows.push(row(`acknowledgement latency p99, ${label} transfers`, "ms", Math.round(rep.p99 * 10) / 10));
      }
      if (seq.stats.rejectedAtExecution !== 0) throw new Error(`the engine rejected ${seq.stats.rejectedAtExecution} acknowledged transactions`);
      const included = seq.stats.acknowledged;
      if (included !== setup.length + CLIENTS * (ETH_PER_CLIENT + ERC20_PER_CLIENT)) throw new Error(`acknowledged ${included}, expected ${setup.length + CLIENTS * (ETH_PER_CLIENT + ERC20_PER_CLIENT)}`);
    } finally {
      await server.close();
      await seq.stop();
      await chainLog.close();
      await engine.close();
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const suite: BenchSuite = {
  name: "chain",
  description: "execution engine (ethereumjs 10 + LevelDB) vs EDR per CPU-second; the sequencer's acknowledged tx/s via JSON-RPC vs the engine's raw rate; ack latency",
  async run(log) {
    const keys = Array.from({ length: KEYS }, (_, i) => new Wallet(toBeHex(BigInt(i + 1), 32)));
    const bytecode = (await hre.artifacts.readArtifact("TestToken")).bytecode;
    const w = workload(keys, bytecode);
    const conn = await hre.network.create({
      network: "hardhat",
      override: {
        chainId: CHAIN_ID, hardfork: "prague", initialDate: new Date(Number(T0) * 1000), blockGasLimit: GAS_LIMIT, initialBaseFeePerGas: BASE_FEE, coinbase: COINBASE,
        mining: { auto: false, interval: 0, mempool: { order: "fifo" } },
        accounts: keys.map((k) => ({ privateKey: k.privateKey, balance: (10n ** 21n).toString() })),
      },
    });
    const p = conn.provider;
    const alloc: Record<string, { balance?: bigint; code?: string }> = {};
    for (const k of keys) alloc[k.address] = { balance: 10n ** 21n };
    for (const a of ["0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02", "0x0000F90827F1C53a10cb7A02335B175320002935"]) {
      const code = (await p.request({ method: "eth_getCode", params: [a, "0x0"] })) as string;
      if (code !== "0x") alloc[a] = { code };
    }
    const genesis: GenesisConfig = { chainId: CHAIN_ID, hardfork: "prague", timestamp: T0, gasLimit: GAS_LIMIT, baseFeePerGas: BASE_FEE, coinbase: COINBASE, alloc };
    const dir = mkdtempSync(path.join(tmpdir(), "bench-chain-"));
    const engine = await Engine.open({ dataDir: dir, genesis });
    const bytes = (h: string) => Uint8Array.from(Buffer.from(h.slice(2), "hex"));
    const ours = async (blocks: Block[]) => {
      const c0 = cpuSeconds();
      let root = "";
      for (const b of blocks) {
        const r = await engine.applyBlock({ number: b.number, timestamp: b.timestamp, txs: b.txs.map(bytes) });
        if (r.rejected.length > 0) throw new Error(`engine rejected ${r.rejected.length} txs in block ${b.number}: ${r.rejected[0]!.reason}`);
        root = r.stateRoot;
      }
      return { rate: (blocks.length * BLOCK_TXS) / (cpuSeconds() - c0), root };
    };
    const edr = async (blocks: Block[]) => {
      const c0 = cpuSeconds();
      let root = "";
      for (const b of blocks) {
        for (const t of b.txs) await p.request({ method: "eth_sendRawTransaction", params: [t] });
        await p.request({ method: "evm_setNextBlockTimestamp", params: [Number(b.timestamp)] });
        await p.request({ method: "evm_mine", params: [] });
        root = ((await p.request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as { stateRoot: string }).stateRoot;
      }
      return { rate: (blocks.length * BLOCK_TXS) / (cpuSeconds() - c0), root };
    };
    try {
      await ours([w.setup]);
      await edr([w.setup]);
      const rows: BenchRow[] = [];
      for (const [label, blocks] of [["ETH transfers", w.eth], ["ERC-20 transfers", w.erc20]] as const) {
        const o = await ours(blocks);
        const e = await edr(blocks);
        if (o.root !== e.root) throw new Error(`${label}: state roots differ (ours ${o.root}, EDR ${e.root})`);
        log(`${label}: ${blocks.length} blocks × ${BLOCK_TXS} txs, same final state root ${o.root.slice(0, 18)}…`);
        rows.push(row(`${label} (${BLOCK_TXS} per block), per CPU-second`, "tx/s", Math.round(o.rate), Math.round(e.rate), "EDR (Hardhat 3, in-process)"));
      }
      const t0 = performance.now();
      await engine.close();
      const reopened = await Engine.open({ dataDir: dir, genesis });
      log(`reopen at block ${reopened.head().number}: Engine.open ${reopened.stats.openMs.toFixed(0)} ms (wall ${(performance.now() - t0).toFixed(0)} ms incl. close)`);
      rows.push(row(`Engine.open at block ${reopened.head().number} (restart, no replay)`, "ms", Math.round(reopened.stats.openMs)));
      await reopened.close();
      const predeploys: GenesisConfig["alloc"] = Object.fromEntries(Object.entries(alloc).filter(([, a]) => a.code !== undefined));
      rows.push(...(await sequencerRows(log, bytecode, predeploys)));
      return rows;
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default suite;
