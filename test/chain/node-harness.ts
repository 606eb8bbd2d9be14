/**
 * A sequencer node in the test process: engine + embedded log + sequencer (+ optionally the JSON-RPC server)
 * over temporary directories, reopenable on the same directories to test restarts.
 */
import { EmbeddedLog, Engine, RpcServer, Sequencer, type ChainLog, type GenesisConfig, type SequencerOptions } from "@sovereign-stack/node";
import { Transaction, type Wallet } from "ethers";

import { tempDir } from "./helpers.ts";
import { CHAIN_ID } from "./workload.ts";

/** A running node. */
export interface TestNode {
  readonly engine: Engine;
  readonly log: ChainLog;
  readonly seq: Sequencer;
  readonly server: RpcServer | undefined;
  readonly url: string;
  readonly dirs: { readonly engine: string; readonly log: string };
  /** Stops the sealer and the server, closes the log and the engine. */
  close(): Promise<void>;
}

/** Options of {@link openNode}. */
export interface OpenNodeOptions extends Partial<Omit<SequencerOptions, "engine" | "log">> {
  readonly genesis: GenesisConfig;
  /** Reuse these directories (a restart). */
  readonly dirs?: { readonly engine: string; readonly log: string };
  /** Start the sealer timer (default false: tests call `seq.sealNow()`). */
  readonly start?: boolean;
  /** Serve JSON-RPC on a free port (default false). */
  readonly rpc?: boolean;
  /** Wrap the log (fault injection). */
  readonly wrapLog?: (log: ChainLog) => ChainLog;
}

/** Opens a node (fresh directories unless `dirs` is given). */
export async function openNode(o: OpenNodeOptions): Promise<TestNode> {
  const dirs = o.dirs ?? { engine: tempDir("seq-engine"), log: tempDir("seq-log") };
  const engine = await Engine.open({ dataDir: dirs.engine, genesis: o.genesis });
  const embedded = await EmbeddedLog.open({ dir: dirs.log });
  const log = o.wrapLog === undefined ? embedded : o.wrapLog(embedded);
  const seq = await Sequencer.open({ ...o, engine, log });
  if (o.start === true) seq.start();
  const server = o.rpc === true ? await RpcServer.listen({ sequencer: seq, port: 0 }) : undefined;
  return {
    engine,
    log,
    seq,
    server,
    url: server?.url ?? "",
    dirs,
    async close() {
      await server?.close();
      await seq.stop();
      await log.close();
      await engine.close();
    },
  };
}

/** Signs an EIP-1559 transaction for the test chain; returns the raw bytes and the hash. */
export function signTx(
  w: Wallet,
  f: { nonce: number | bigint; to?: string | null; value?: bigint; data?: string; gasLimit?: bigint; maxFeePerGas?: bigint; maxPriorityFeePerGas?: bigint; chainId?: number; type?: number; gasPrice?: bigint },
): { raw: Uint8Array; hex: string; hash: string } {
  const type = f.type ?? 2;
  const tx = Transaction.from({
    type,
    chainId: f.chainId ?? CHAIN_ID,
    nonce: Number(f.nonce),
    to: f.to === undefined ? w.address : f.to,
    value: f.value ?? 1n,
    data: f.data ?? "0x",
    gasLimit: f.gasLimit ?? 21_000n,
    ...(type === 2 ? { maxFeePerGas: f.maxFeePerGas ?? 10n ** 10n, maxPriorityFeePerGas: f.maxPriorityFeePerGas ?? 1n } : { gasPrice: f.gasPrice ?? 10n ** 10n }),
  });
  tx.signature = w.signingKey.sign(tx.unsignedHash);
  const hex = tx.serialized;
  return { raw: Uint8Array.from(Buffer.from(hex.slice(2), "hex")), hex, hash: tx.hash! };
}

/** Every transaction hash of blocks 1..head, in chain order (reads the blocks, not the receipts index). */
export async function allChainTxHashes(node: TestNode): Promise<string[]> {
  const out: string[] = [];
  for (let n = 1n; n <= node.engine.head().number; n++) {
    const b = await node.seq.queries.block(n);
    for (const tx of b!.transactions) out.push(`0x${Buffer.from(tx.hash()).toString("hex")}`);
  }
  return out;
}
