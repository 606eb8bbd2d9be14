/**
 * Shared helpers of the chain tests: temporary data directories, the TestToken bytecode, an EDR oracle
 * network configured like the engine's genesis, and driving a workload through the log into an engine.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { EmbeddedLog, Engine, applyLog, type BlockResult, type GenesisConfig, type LogEntry } from "@sovereign-stack/node";
import type { EthereumProvider } from "hardhat/types/providers";

import { hre } from "../../scripts/lib/network.ts";
import { BASE_FEE, CHAIN_ID, COINBASE, FUNDING, GAS_LIMIT, T0, type Workload, type WorkloadBlock } from "./workload.ts";
import type { Wallet } from "ethers";

const dirs: string[] = [];
/** A fresh temporary directory, removed by {@link cleanupDirs}. */
export function tempDir(label: string): string {
  const d = mkdtempSync(path.join(tmpdir(), `chain-${label}-`));
  dirs.push(d);
  return d;
}
/** Removes every directory {@link tempDir} made. */
export function cleanupDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** TestToken's creation bytecode (run `npx hardhat compile` first; `npx hardhat test` does). */
export async function tokenBytecode(): Promise<string> {
  return (await hre.artifacts.readArtifact("TestToken")).bytecode;
}

/**
 * An in-process EDR network with the engine's genesis: same chain id, hardfork, genesis time, gas limit,
 * base fee and coinbase, automine off, FIFO mempool, the keys funded.
 */
export async function openOracle(keys: readonly Wallet[]): Promise<EthereumProvider> {
  const conn = await hre.network.create({
    network: "hardhat",
    override: {
      chainId: CHAIN_ID,
      hardfork: "prague",
      initialDate: new Date(Number(T0) * 1000),
      blockGasLimit: GAS_LIMIT,
      initialBaseFeePerGas: BASE_FEE,
      coinbase: COINBASE,
      mining: { auto: false, interval: 0, mempool: { order: "fifo" } },
      accounts: keys.map((k) => ({ privateKey: k.privateKey, balance: FUNDING.toString() })),
    },
  });
  return conn.provider;
}

/** EDR's genesis predeploys (EIP-4788 beacon roots, EIP-2935 history storage): code, nonce and balance at block 0. */
export async function oraclePredeploys(p: EthereumProvider): Promise<GenesisConfig["alloc"]> {
  const out: Record<string, { code: string; nonce: bigint; balance: bigint }> = {};
  for (const a of ["0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02", "0x0000F90827F1C53a10cb7A02335B175320002935"]) {
    const code = (await p.request({ method: "eth_getCode", params: [a, "0x0"] })) as string;
    if (code === "0x") continue;
    out[a] = {
      code,
      nonce: BigInt((await p.request({ method: "eth_getTransactionCount", params: [a, "0x0"] })) as string),
      balance: BigInt((await p.request({ method: "eth_getBalance", params: [a, "0x0"] })) as string),
    };
  }
  return out;
}

/** The log entries of one workload block: its txs, then its SEAL. */
export function blockEntries(b: WorkloadBlock): LogEntry[] {
  return [...b.txs.map((t) => ({ kind: "tx" as const, raw: t.raw })), { kind: "seal" as const, block: b.number, timestamp: b.timestamp }];
}

/** Writes the workload into a fresh log and applies it to a fresh engine; returns the block results. */
export async function runThroughLog(genesis: GenesisConfig, w: Workload, label: string): Promise<BlockResult[]> {
  const log = await EmbeddedLog.open({ dir: tempDir(`${label}-log`) });
  const engine = await Engine.open({ dataDir: tempDir(`${label}-engine`), genesis });
  try {
    for (const b of w.blocks) await log.append(blockEntries(b));
    return [...(await applyLog(engine, log)).blocks];
  } finally {
    await engine.close();
    await log.close();
  }
}
