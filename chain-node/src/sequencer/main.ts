/**
 * One sequencer process: engine + embedded log + sequencer + JSON-RPC, stopped cleanly by SIGINT/SIGTERM.
 *
 *   node chain-node/src/sequencer/main.ts --data-dir DIR [--rpc-port 8545] [--rpc-host 127.0.0.1]
 *        [--chain-id N] [--seal-interval MS] [--genesis FILE.json]
 *
 * Every flag can also come from the environment: SOVEREIGN_DATA_DIR, SOVEREIGN_RPC_PORT, SOVEREIGN_RPC_HOST,
 * SOVEREIGN_CHAIN_ID, SOVEREIGN_SEAL_INTERVAL_MS, SOVEREIGN_GENESIS (a flag wins over the environment).
 * Layout of DIR: `engine/` (state, blocks), `log/` (the chain log), `genesis.json` (the genesis this directory was
 * created with; a restart reads it, so the flags that shape the genesis only matter the first time).
 * The L1 delayed-message feed and the batch poster are wired in by the roles that need them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { Engine } from "../engine/engine.ts";
import { GENESIS_DEFAULTS, type GenesisConfig } from "../engine/genesis.ts";
import { EmbeddedLog } from "../log/embedded.ts";
import { RpcServer } from "../rpc/server.ts";
import type { DelayedFeed } from "./delayed.ts";
import { Sequencer } from "./sequencer.ts";

/** The process configuration. */
export interface SequencerNodeConfig {
  readonly dataDir: string;
  readonly rpcHost: string;
  readonly rpcPort: number;
  readonly chainId: number;
  readonly sealIntervalMs: number;
  /** A genesis JSON file (bigints as decimal or 0x strings); default: an empty allocation with {@link GENESIS_DEFAULTS}. */
  readonly genesisFile: string | undefined;
}

/** A bad flag or environment value: the message names it. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const intIn = (name: string, v: string, min: number, max: number): number => {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new ConfigError(`${name}: expected an integer in [${min}, ${max}], got "${v}"`);
  return Number(v);
};

/** Reads the configuration from flags, then the environment. */
export function parseSequencerArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): SequencerNodeConfig {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: { "data-dir": { type: "string" }, "rpc-port": { type: "string" }, "rpc-host": { type: "string" }, "chain-id": { type: "string" }, "seal-interval": { type: "string" }, genesis: { type: "string" } },
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | undefined>;
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const pick = (flag: string, envName: string): string | undefined => values[flag] ?? env[envName];
  const dataDir = pick("data-dir", "SOVEREIGN_DATA_DIR");
  if (dataDir === undefined || dataDir === "") throw new ConfigError("--data-dir (or SOVEREIGN_DATA_DIR): required, the directory of the node's state and log");
  return {
    dataDir: path.resolve(dataDir),
    rpcHost: pick("rpc-host", "SOVEREIGN_RPC_HOST") ?? "127.0.0.1",
    rpcPort: intIn("--rpc-port (or SOVEREIGN_RPC_PORT)", pick("rpc-port", "SOVEREIGN_RPC_PORT") ?? "8545", 0, 65535),
    chainId: intIn("--chain-id (or SOVEREIGN_CHAIN_ID)", pick("chain-id", "SOVEREIGN_CHAIN_ID") ?? "31337", 1, 2 ** 48),
    sealIntervalMs: intIn("--seal-interval (or SOVEREIGN_SEAL_INTERVAL_MS), milliseconds", pick("seal-interval", "SOVEREIGN_SEAL_INTERVAL_MS") ?? "1000", 1, 3_600_000),
    genesisFile: pick("genesis", "SOVEREIGN_GENESIS"),
  };
}

const big = (name: string, v: unknown): bigint => {
  if (typeof v === "bigint") return v;
  if ((typeof v === "string" && /^(0x[0-9a-fA-F]+|\d+)$/.test(v)) || (typeof v === "number" && Number.isSafeInteger(v) && v >= 0)) return BigInt(v);
  throw new ConfigError(`genesis ${name}: expected a non-negative integer (decimal or 0x string), got ${JSON.stringify(v)}`);
};

/** Parses a genesis JSON document (bigints as strings) into a {@link GenesisConfig}. */
export function parseGenesisJson(text: string, where: string): GenesisConfig {
  let g: Record<string, unknown>;
  try {
    g = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`${where}: not JSON (${(e as Error).message})`);
  }
  if (typeof g["chainId"] !== "number") throw new ConfigError(`${where}: chainId must be a number`);
  if (g["hardfork"] !== "cancun" && g["hardfork"] !== "prague") throw new ConfigError(`${where}: hardfork must be "cancun" or "prague"`);
  if (typeof g["coinbase"] !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(g["coinbase"])) throw new ConfigError(`${where}: coinbase must be an address`);
  if (typeof g["alloc"] !== "object" || g["alloc"] === null) throw new ConfigError(`${where}: alloc must be an object`);
  return {
    chainId: g["chainId"],
    hardfork: g["hardfork"],
    timestamp: big("timestamp", g["timestamp"]),
    gasLimit: big("gasLimit", g["gasLimit"]),
    baseFeePerGas: big("baseFeePerGas", g["baseFeePerGas"]),
    coinbase: g["coinbase"],
    alloc: g["alloc"] as GenesisConfig["alloc"],
  };
}

/** The genesis as JSON (bigints as decimal strings). */
export function genesisToJson(g: GenesisConfig): string {
  return JSON.stringify(g, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}

/** A running sequencer node. */
export interface SequencerNode {
  readonly engine: Engine;
  readonly log: EmbeddedLog;
  readonly sequencer: Sequencer;
  readonly server: RpcServer;
  /** Stops the RPC, the sealer, then closes the log and LevelDB. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Opens the node's engine under `<dataDir>/engine`. The first start records the genesis in `<dataDir>/genesis.json`
 * (from `cfg.genesisFile`, or an empty allocation); a restart reads the recorded one, so only the first start's
 * genesis flags matter. Refuses a chain id that differs from the recorded genesis.
 */
export async function openNodeEngine(cfg: Pick<SequencerNodeConfig, "dataDir" | "chainId" | "genesisFile">): Promise<Engine> {
  mkdirSync(cfg.dataDir, { recursive: true });
  const recorded = path.join(cfg.dataDir, "genesis.json");
  let genesis: GenesisConfig;
  if (existsSync(recorded)) {
    genesis = parseGenesisJson(readFileSync(recorded, "utf8"), recorded);
  } else {
    genesis =
      cfg.genesisFile !== undefined
        ? parseGenesisJson(readFileSync(cfg.genesisFile, "utf8"), cfg.genesisFile)
        : { ...GENESIS_DEFAULTS, chainId: cfg.chainId, timestamp: BigInt(Math.floor(Date.now() / 1000)), alloc: {} };
    writeFileSync(recorded, genesisToJson(genesis));
  }
  if (genesis.chainId !== cfg.chainId) throw new ConfigError(`--chain-id ${cfg.chainId} differs from the chain id ${genesis.chainId} of ${existsSync(recorded) ? recorded : cfg.genesisFile}`);
  return Engine.open({ dataDir: path.join(cfg.dataDir, "engine"), genesis });
}

/** Opens the node's stores, resumes the sequencer and serves the RPC. */
export async function startSequencerNode(cfg: SequencerNodeConfig, opts: { feed?: DelayedFeed; clock?: () => bigint } = {}): Promise<SequencerNode> {
  const engine = await openNodeEngine(cfg);
  let log: EmbeddedLog | undefined;
  let sequencer: Sequencer | undefined;
  try {
    log = await EmbeddedLog.open({ dir: path.join(cfg.dataDir, "log") });
    sequencer = await Sequencer.open({ engine, log, sealIntervalMs: cfg.sealIntervalMs, ...opts });
    const server = await RpcServer.listen({ sequencer, host: cfg.rpcHost, port: cfg.rpcPort });
    sequencer.start();
    let stopping: Promise<void> | undefined;
    const [l, s] = [log, sequencer];
    return {
      engine,
      log: l,
      sequencer: s,
      server,
      stop: () =>
        (stopping ??= (async () => {
          await server.close();
          await s.stop();
          await l.close();
          await engine.close();
        })()),
    };
  } catch (e) {
    await sequencer?.stop();
    await log?.close();
    await engine.close();
    throw e;
  }
}

async function main(): Promise<void> {
  let cfg: SequencerNodeConfig;
  try {
    cfg = parseSequencerArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`sequencer: ${(e as Error).message}`);
    process.exit(2);
  }
  const node = await startSequencerNode(cfg);
  console.log(`sequencer: chain ${cfg.chainId}, block ${node.engine.head().number}, ${node.sequencer.pendingCount} pending, RPC ${node.server.url}`);
  stopOnSignals("sequencer", () => node.stop());
}

/**
 * Stops `stop` cleanly on the first SIGINT or SIGTERM and exits 0 (1 if the stop fails); a second signal exits 1 at
 * once. Shared by the node's process entries.
 */
export function stopOnSignals(label: string, stop: () => Promise<void>): void {
  let signals = 0;
  const shutdown = (sig: string): void => {
    if (++signals > 1) {
      console.error(`${label}: second ${sig}, exiting without a clean stop`);
      process.exit(1);
    }
    console.log(`${label}: ${sig}, stopping`);
    stop().then(
      () => {
        console.log(`${label}: stopped`);
        process.exit(0);
      },
      (e: unknown) => {
        console.error(`${label}: stop failed:`, e);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error("sequencer:", e);
    process.exit(1);
  });
}
