/**
 * npm run bench -- chain
 *
 * The execution engine's raw speed beside EDR's, in the same run: transactions per CPU-second (user + system
 * time of this process) for ETH transfers and ERC-20 (TestToken) transfers. The same signed transactions go
 * to both engines, in blocks of BLOCK_TXS: ours through `Engine.applyBlock` (LevelDB state, native
 * secp256k1 sender recovery), EDR through `eth_sendRawTransaction` + `evm_mine` on an in-process network with
 * the same genesis (so EDR's figure includes its JSON-RPC handling and mempool, as a node's would).
 * The ratio is ours / EDR's: below 1 means the engine is slower.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { Interface, Transaction, Wallet, getCreateAddress, toBeHex } from "ethers";
import { Engine, type GenesisConfig } from "@sovereign-stack/node";

import { row, type BenchRow, type BenchSuite } from "../harness.ts";
import { hre } from "../../scripts/lib/network.ts";

const CHAIN_ID = 31337;
const T0 = 1_700_000_000n;
const GAS_LIMIT = 30_000_000n;
const BASE_FEE = 1_000_000_000n;
const COINBASE = "0x00000000000000000000000000000000000000c0";
const KEYS = 20;
const BLOCK_TXS = 200;
const BLOCKS = 10;

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

const suite: BenchSuite = {
  name: "chain",
  description: "execution engine (ethereumjs 10 + LevelDB) vs EDR: transactions per CPU-second",
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
      return rows;
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default suite;
