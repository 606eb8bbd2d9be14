/**
 * Configuration of the node processes (`main.ts sequencer|validator`), from flags then the environment. Every bad
 * value is refused with a {@link ConfigError} naming the flag (and its variable) and why.
 *
 * The L1 key comes from `SOVEREIGN_L1_KEY` (0x-hex) or from a key file (`--key-file`, `SOVEREIGN_L1_KEY_FILE`)
 * outside the repository (the devnet writes dev keys into its temporary data directory); a key file inside the
 * repository is refused.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { ConfigError } from "../sequencer/main.ts";

/** The repository root (keys must never live under it). */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** What both roles share. */
export interface CommonNodeConfig {
  readonly dataDir: string;
  readonly l1RpcUrl: string;
  /** The deployment record of the L1 contracts (`deployments/<network>.json`). */
  readonly deploymentFile: string;
  /** The L2 genesis JSON. */
  readonly genesisFile: string;
  /** The L1 private key, 0x-hex. */
  readonly l1Key: string;
  readonly confirmations: number;
}

/** The sequencer process's configuration. */
export interface SequencerProcessConfig extends CommonNodeConfig {
  readonly role: "sequencer";
  readonly rpcHost: string;
  readonly rpcPort: number;
  readonly sealIntervalMs: number;
  readonly postIntervalMs: number;
  readonly idlePostIntervalMs: number;
  /** High availability (the log on etcd, leader election), or undefined for the single sequencer on the embedded log. */
  readonly ha: HaProcessConfig | undefined;
}

/** The HA part of a sequencer's configuration (`--etcd` given). */
export interface HaProcessConfig {
  /** The etcd members' client URLs. */
  readonly etcdHosts: readonly string[];
  /** The per-chain key prefix, or undefined for the default `chain/<l2 chain id>/`. */
  readonly prefix: string | undefined;
  /** The node id, or undefined for the node's L1 address. */
  readonly nodeId: string | undefined;
  readonly leaseTtlSeconds: 2 | 3;
  readonly heartbeatIntervalMs: number;
  readonly autoClaim: boolean;
}

/** A validator process's configuration. */
export interface ValidatorProcessConfig extends CommonNodeConfig {
  readonly role: "validator";
  /** The signature board directory shared by the validators. */
  readonly boardDir: string;
  readonly stepIntervalMs: number;
  readonly commitEvery: number;
}

export type NodeProcessConfig = SequencerProcessConfig | ValidatorProcessConfig;

const intIn = (name: string, v: string, min: number, max: number): number => {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new ConfigError(`${name}: expected an integer in [${min}, ${max}], got "${v}"`);
  return Number(v);
};

/** Reads an L1 key from `SOVEREIGN_L1_KEY` or a key file outside the repository. */
export function readL1Key(keyFile: string | undefined, envKey: string | undefined): string {
  let key: string;
  let where: string;
  if (keyFile !== undefined && keyFile !== "") {
    const file = path.resolve(keyFile);
    if (file === REPO_ROOT || file.startsWith(REPO_ROOT + path.sep)) throw new ConfigError(`--key-file (or SOVEREIGN_L1_KEY_FILE) ${file}: key files must live outside the repository (e.g. in the node's data directory)`);
    try {
      key = readFileSync(file, "utf8").trim();
    } catch (e) {
      throw new ConfigError(`--key-file (or SOVEREIGN_L1_KEY_FILE) ${file}: cannot read it (${(e as Error).message})`);
    }
    where = `--key-file ${file}`;
  } else if (envKey !== undefined && envKey !== "") {
    key = envKey.trim();
    where = "SOVEREIGN_L1_KEY";
  } else {
    throw new ConfigError("the L1 key: set SOVEREIGN_L1_KEY=0x… or pass --key-file <file outside the repository> (or SOVEREIGN_L1_KEY_FILE)");
  }
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new ConfigError(`${where}: expected a 0x-prefixed 32-byte hex private key`);
  return key;
}

const OPTIONS = {
  "data-dir": { type: "string" },
  "l1-rpc": { type: "string" },
  deployment: { type: "string" },
  genesis: { type: "string" },
  "key-file": { type: "string" },
  confirmations: { type: "string" },
  "rpc-host": { type: "string" },
  "rpc-port": { type: "string" },
  "seal-interval": { type: "string" },
  "post-interval": { type: "string" },
  "idle-post-interval": { type: "string" },
  board: { type: "string" },
  "step-interval": { type: "string" },
  "commit-every": { type: "string" },
  etcd: { type: "string" },
  "etcd-prefix": { type: "string" },
  "node-id": { type: "string" },
  "lease-ttl": { type: "string" },
  "heartbeat-interval": { type: "string" },
  "no-auto-claim": { type: "boolean" },
} as const;

const SEQUENCER_ONLY = ["rpc-host", "rpc-port", "seal-interval", "post-interval", "idle-post-interval", "etcd", "etcd-prefix", "node-id", "lease-ttl", "heartbeat-interval", "no-auto-claim"];
const HA_ONLY = ["etcd-prefix", "node-id", "lease-ttl", "heartbeat-interval", "no-auto-claim"];

/** The HA options, from flags then the environment; undefined without `--etcd` (or SOVEREIGN_ETCD). */
function parseHa(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv): HaProcessConfig | undefined {
  const str = (flag: string, envName: string): string | undefined => (values[flag] as string | undefined) ?? env[envName];
  const hosts = str("etcd", "SOVEREIGN_ETCD");
  if (hosts === undefined || hosts === "") {
    for (const f of HA_ONLY) if (values[f] !== undefined) throw new ConfigError(`--${f}: only with --etcd (high availability)`);
    return undefined;
  }
  const etcdHosts = hosts.split(",").map((h) => h.trim());
  for (const h of etcdHosts) if (!/^https?:\/\/[^/\s]+$/.test(h)) throw new ConfigError(`--etcd (or SOVEREIGN_ETCD): expected comma-separated member URLs like http://127.0.0.1:2379, got "${h}"`);
  const prefix = str("etcd-prefix", "SOVEREIGN_ETCD_PREFIX");
  if (prefix !== undefined && !/^[A-Za-z0-9._/-]+\/$/.test(prefix)) throw new ConfigError(`--etcd-prefix (or SOVEREIGN_ETCD_PREFIX): expected letters, digits, ".", "_", "-", "/" ending in "/", got "${prefix}"`);
  const nodeId = str("node-id", "SOVEREIGN_NODE_ID");
  if (nodeId !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(nodeId)) throw new ConfigError(`--node-id (or SOVEREIGN_NODE_ID): expected 1 to 64 letters, digits, ".", "_" or "-", got "${nodeId}"`);
  const ttl = intIn("--lease-ttl (or SOVEREIGN_LEASE_TTL), seconds", str("lease-ttl", "SOVEREIGN_LEASE_TTL") ?? "2", 2, 3) as 2 | 3;
  return {
    etcdHosts,
    prefix,
    nodeId,
    leaseTtlSeconds: ttl,
    heartbeatIntervalMs: intIn("--heartbeat-interval (or SOVEREIGN_HEARTBEAT_INTERVAL_MS), milliseconds", str("heartbeat-interval", "SOVEREIGN_HEARTBEAT_INTERVAL_MS") ?? "10000", 1000, 3_600_000),
    autoClaim: values["no-auto-claim"] !== true,
  };
}
const VALIDATOR_ONLY = ["board", "step-interval", "commit-every"];

/** Parses `<role> [flags]`. */
export function parseNodeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): NodeProcessConfig {
  const [role, ...rest] = argv;
  if (role !== "sequencer" && role !== "validator") throw new ConfigError(`role: expected "sequencer" or "validator" as the first argument, got ${role === undefined ? "nothing" : `"${role}"`}`);
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const values = flags as Record<string, string | undefined>;
  for (const f of role === "sequencer" ? VALIDATOR_ONLY : SEQUENCER_ONLY) if (flags[f] !== undefined) throw new ConfigError(`--${f}: not an option of the ${role}`);
  const pick = (flag: string, envName: string): string | undefined => values[flag] ?? env[envName];
  const required = (flag: string, envName: string, what: string): string => {
    const v = pick(flag, envName);
    if (v === undefined || v === "") throw new ConfigError(`--${flag} (or ${envName}): required, ${what}`);
    return v;
  };
  const l1RpcUrl = required("l1-rpc", "SOVEREIGN_L1_RPC", "the L1 JSON-RPC URL");
  if (!/^https?:\/\//.test(l1RpcUrl)) throw new ConfigError(`--l1-rpc (or SOVEREIGN_L1_RPC): expected an http(s) URL, got "${l1RpcUrl}"`);
  const common: CommonNodeConfig = {
    dataDir: path.resolve(required("data-dir", "SOVEREIGN_DATA_DIR", "the node's directory")),
    l1RpcUrl,
    deploymentFile: path.resolve(required("deployment", "SOVEREIGN_DEPLOYMENT", "the deployment record of the L1 contracts")),
    genesisFile: path.resolve(required("genesis", "SOVEREIGN_GENESIS", "the L2 genesis JSON")),
    l1Key: readL1Key(pick("key-file", "SOVEREIGN_L1_KEY_FILE"), env["SOVEREIGN_L1_KEY"]),
    confirmations: intIn("--confirmations (or SOVEREIGN_L1_CONFIRMATIONS)", pick("confirmations", "SOVEREIGN_L1_CONFIRMATIONS") ?? "0", 0, 1000),
  };
  if (role === "sequencer") {
    return {
      ...common,
      role,
      rpcHost: pick("rpc-host", "SOVEREIGN_RPC_HOST") ?? "127.0.0.1",
      rpcPort: intIn("--rpc-port (or SOVEREIGN_RPC_PORT)", pick("rpc-port", "SOVEREIGN_RPC_PORT") ?? "8545", 0, 65535),
      sealIntervalMs: intIn("--seal-interval (or SOVEREIGN_SEAL_INTERVAL_MS), milliseconds", pick("seal-interval", "SOVEREIGN_SEAL_INTERVAL_MS") ?? "1000", 1, 3_600_000),
      postIntervalMs: intIn("--post-interval (or SOVEREIGN_POST_INTERVAL_MS), milliseconds", pick("post-interval", "SOVEREIGN_POST_INTERVAL_MS") ?? "2000", 1, 3_600_000),
      idlePostIntervalMs: intIn("--idle-post-interval (or SOVEREIGN_IDLE_POST_INTERVAL_MS), milliseconds", pick("idle-post-interval", "SOVEREIGN_IDLE_POST_INTERVAL_MS") ?? "60000", 0, 3_600_000),
      ha: parseHa(flags, env),
    };
  }
  return {
    ...common,
    role,
    boardDir: path.resolve(required("board", "SOVEREIGN_BOARD_DIR", "the signature board directory the validators share")),
    stepIntervalMs: intIn("--step-interval (or SOVEREIGN_STEP_INTERVAL_MS), milliseconds", pick("step-interval", "SOVEREIGN_STEP_INTERVAL_MS") ?? "2000", 1, 3_600_000),
    commitEvery: intIn("--commit-every (or SOVEREIGN_COMMIT_EVERY), batches", pick("commit-every", "SOVEREIGN_COMMIT_EVERY") ?? "1", 1, 1_000_000),
  };
}
