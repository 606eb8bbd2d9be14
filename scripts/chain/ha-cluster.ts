/**
 * A high-availability chain on this machine, for the chaos tests and the failover bench: an L1 `hardhat node`, the
 * stack deployed with a ranked list of 3 sequencers (Hardhat dev keys 9, 10, 11), a 3-member etcd cluster on
 * loopback, the 3 sequencer nodes as HA candidates (`main.ts sequencer --etcd …`, ids `seq-0` (the primary) …
 * `seq-2`, each on a fixed RPC port that it listens on only while it leads), and 3 validator processes (keys 12,
 * 13, 14, threshold 2). The L2 genesis funds the load's client keys (dev keys from index 20) and the deployer;
 * an ERC-20 (TestToken) is deployed on L2 and minted to every client once a leader serves.
 *
 * It exposes the processes to hurt (`killNode`, `pauseNode`, `resumeNode`, `restartNode`, `restartValidator`,
 * the etcd cluster), L1 time travel, the etcd leader, and `stop()`, which stops every process it started and
 * waits for each to exit. Every key is a public Hardhat dev key: for local use only.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { ContractFactory, JsonRpcProvider, NonceManager, Wallet, type HDNodeWallet, type InterfaceAbi } from "ethers";
import type { Etcd3 } from "etcd3";
import { EtcdLeadership, connectEtcd, defaultEtcdPrefix, etcdLogKeys, haKeys, type HaKeys } from "@sovereign-stack/node";
import { parseDeployment, type Deployment } from "@sovereign-stack/sdk";
import { ISequencerInbox__factory, ISequencerSet__factory, ISlaConfig__factory, IStateCommitment__factory } from "@sovereign-stack/sdk/typechain";

import { EtcdCluster } from "../lib/etcd.ts";
import { CliError } from "../lib/cli.ts";
import { DEVNET_L2_CHAIN_ID, DEVNET_ROLES, devnetGenesis } from "./devnet.ts";
import { genesisToJson } from "./genesis-file.ts";
import { ROOT, checkDevAccounts, deployLocalStack, devKeys, freePort, hasExited, killChild, signalChild, spawnChild, startHardhatL1, stopChild, tail, waitForLine, writeKeyFile, type Child } from "./processes.ts";

/** Dev key indexes of the ranked sequencers (9 is the devnet's sequencer; 10 and 11 are free in DEVNET_ROLES). */
export const HA_SEQUENCER_KEYS = [DEVNET_ROLES.sequencer, 10, 11] as const;
/** The first dev key index of the load's clients (past Hardhat's 20 L1 accounts: funded on L2 only). */
export const HA_CLIENT_KEY_BASE = 20;
/** L2 tokens minted to each client. */
const CLIENT_TOKENS = 10n ** 24n;

/** Options of {@link HaCluster.start}. */
export interface HaClusterOptions {
  /** Sequencer nodes (ranked, the first is the primary): 3. */
  readonly sequencers?: 3;
  /** Validator processes: 3 (threshold 2). */
  readonly validators?: 3;
  /** etcd members: 3. */
  readonly etcdMembers?: 3;
  /** L2 block interval, ms (default 500). */
  readonly sealIntervalMs?: number;
  /** Batch posting interval of the active leader, ms (default 1000). */
  readonly postIntervalMs?: number;
  /** L1 heartbeat interval of the standbys, ms (default 2000). */
  readonly heartbeatIntervalMs?: number;
  /** Validators' step interval, ms (default 1000). */
  readonly validatorStepMs?: number;
  /** Leader lease TTL, seconds (default 2). */
  readonly leaseTtl?: 2 | 3;
  /** `SlaConfig.failoverDelay`, seconds (default 60, the contract's minimum). */
  readonly failoverDelaySeconds?: number;
  /** Funded L2 client keys for the load (default 8). */
  readonly clients?: number;
  /** Keep the data directory (logs) on stop (default false). */
  readonly keep?: boolean;
  /** Receives every node line as `[name] line` (default: nothing; the lines are in `<dir>/<name>.log`). */
  readonly echo?: (line: string) => void;
}

/** One sequencer node of the cluster. */
export interface HaNode {
  /** Its index in the ranked list (= its rank in `SequencerSet`). */
  readonly index: number;
  /** Its node id (`--node-id`), e.g. `seq-0`. */
  readonly id: string;
  /** Its L1 address. */
  readonly address: string;
  /** Its L2 JSON-RPC URL (answers only while it leads). */
  readonly rpcUrl: string;
}

/** A validator's "derived batches a..b, state root R" line. */
export interface DerivedRoot {
  readonly validator: number;
  readonly lastBatch: bigint;
  readonly stateRoot: string;
}

const NODE_READY = /sequencer: ready: standby (\S+) \((0x[0-9a-fA-F]{40})\): following the etcd log/;
const DERIVED = /validator 0x[0-9a-fA-F]{40}: derived batches (\d+)\.\.(\d+), state root (0x[0-9a-f]{64})/;

/** The options with their defaults filled in. */
type ResolvedOptions = Required<Omit<HaClusterOptions, "echo">> & Pick<HaClusterOptions, "echo">;

/** A running HA cluster; see the module comment. */
export class HaCluster {
  readonly dir: string;
  readonly l1Url: string;
  readonly deploymentFile: string;
  readonly deployment: Deployment;
  readonly genesisFile: string;
  readonly genesisTimestamp: bigint;
  readonly l2ChainId = DEVNET_L2_CHAIN_ID;
  readonly etcd: EtcdCluster;
  /** A client on the etcd cluster (retries off), closed by stop(). */
  readonly etcdClient: Etcd3;
  /** The log's etcd prefix. */
  readonly prefix: string;
  readonly haKeys: HaKeys;
  readonly nodes: readonly HaNode[];
  /** The load's funded L2 keys. */
  readonly clientKeys: readonly HDNodeWallet[];
  /** The L1 provider (cache off). */
  readonly l1: JsonRpcProvider;
  readonly failoverDelaySeconds: number;
  /** Every validator's derived-roots line so far (across restarts). */
  readonly derived: DerivedRoot[] = [];
  /** The L2 ERC-20 minted to every client (set once a leader served). */
  l2Token = "";

  readonly #o: ResolvedOptions;
  readonly #keys: HDNodeWallet[];
  readonly #l1Child: Child;
  readonly #seq: (Child | undefined)[];
  readonly #val: (Child | undefined)[];
  #stopped = false;

  private constructor(init: {
    dir: string;
    o: ResolvedOptions;
    l1Child: Child;
    l1Url: string;
    deploymentFile: string;
    genesisFile: string;
    genesisTimestamp: bigint;
    etcd: EtcdCluster;
    nodes: HaNode[];
    keys: HDNodeWallet[];
  }) {
    this.dir = init.dir;
    this.#o = init.o;
    this.#l1Child = init.l1Child;
    this.l1Url = init.l1Url;
    this.deploymentFile = init.deploymentFile;
    this.deployment = parseDeployment(readFileSync(init.deploymentFile, "utf8"));
    this.genesisFile = init.genesisFile;
    this.genesisTimestamp = init.genesisTimestamp;
    this.etcd = init.etcd;
    this.etcdClient = connectEtcd({ hosts: init.etcd.endpoints, callTimeoutMs: 2000 });
    this.prefix = defaultEtcdPrefix(DEVNET_L2_CHAIN_ID);
    this.haKeys = haKeys(this.prefix);
    this.nodes = init.nodes;
    this.#keys = init.keys;
    this.clientKeys = init.keys.slice(HA_CLIENT_KEY_BASE, HA_CLIENT_KEY_BASE + init.o.clients);
    this.failoverDelaySeconds = init.o.failoverDelaySeconds;
    this.l1 = new JsonRpcProvider(init.l1Url, undefined, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 100 });
    this.#seq = init.nodes.map(() => undefined);
    this.#val = Array.from({ length: init.o.validators }, () => undefined);
  }

  /**
   * Starts everything and waits until a leader serves, the validators are up and the L2 token is minted. On a
   * failure it stops what it started before throwing.
   */
  static async start(opts: HaClusterOptions = {}): Promise<HaCluster> {
    const o = {
      sequencers: 3 as const,
      validators: 3 as const,
      etcdMembers: 3 as const,
      sealIntervalMs: 500,
      postIntervalMs: 1000,
      heartbeatIntervalMs: 2000,
      validatorStepMs: 1000,
      leaseTtl: 2 as const,
      failoverDelaySeconds: 60,
      clients: 8,
      keep: false,
      ...opts,
    };
    if (o.sequencers !== 3 || o.validators !== 3 || o.etcdMembers !== 3) throw new CliError("HaCluster: sequencers, validators and etcdMembers must each be 3");
    if (!Number.isInteger(o.clients) || o.clients < 1 || o.clients > 64) throw new CliError(`HaCluster: clients must be an integer in 1..64, got ${o.clients}`);
    if (!Number.isInteger(o.failoverDelaySeconds) || o.failoverDelaySeconds < 60 || o.failoverDelaySeconds > 3600) throw new CliError(`HaCluster: failoverDelaySeconds must be in 60..3600 (SlaConfig's bounds), got ${o.failoverDelaySeconds}`);
    for (const [k, v] of [["sealIntervalMs", o.sealIntervalMs], ["postIntervalMs", o.postIntervalMs], ["heartbeatIntervalMs", o.heartbeatIntervalMs], ["validatorStepMs", o.validatorStepMs]] as const) {
      if (!Number.isInteger(v) || v < 50 || v > 60_000) throw new CliError(`HaCluster: ${k} must be milliseconds in 50..60000, got ${v}`);
    }
    const dir = mkdtempSync(path.join(tmpdir(), "sovereign-ha-"));
    const started: { l1?: Child; etcd?: EtcdCluster } = {};
    let cluster: HaCluster | undefined;
    // etcd starts beside the L1 and the deploy (it may install etcd-server on a fresh machine).
    const etcdStarting = EtcdCluster.start({ members: 3, dir: path.join(dir, "etcd") }).then((e) => (started.etcd = e));
    etcdStarting.catch(() => undefined); // awaited below; this only keeps an early failure from being unhandled
    try {
      const l1 = await startHardhatL1(await freePort(), { logFile: path.join(dir, "l1.log") });
      started.l1 = l1.child;
      const keys = devKeys(HA_CLIENT_KEY_BASE + o.clients);
      const accounts = await checkDevAccounts(l1.url, [0, ...HA_SEQUENCER_KEYS, ...DEVNET_ROLES.validators]);
      const params = {
        council: { members: DEVNET_ROLES.council.map((i) => accounts[i]), threshold: 6 },
        timelockDelay: 3600,
        sequencers: HA_SEQUENCER_KEYS.map((i) => accounts[i]),
        validators: { members: DEVNET_ROLES.validators.map((i) => accounts[i]), threshold: 2 },
        // The shortest failover delay the contract accepts; a 24 h inclusion window so that L1 time travel never
        // makes the waiting batches' timestamps too old.
        sla: { failoverDelay: o.failoverDelaySeconds, inclusionWindow: 24 * 3600 },
      };
      const deploymentFile = await deployLocalStack(l1.url, dir, params, { logFile: path.join(dir, "deploy.log") });
      const genesisTimestamp = BigInt(Math.floor(Date.now() / 1000)) - 10n;
      const funded = [keys[0]!.address, ...keys.slice(HA_CLIENT_KEY_BASE).map((k) => k.address)];
      const genesisFile = path.join(dir, "l2-genesis.json");
      writeFileSync(genesisFile, genesisToJson(devnetGenesis(funded, keys[0]!.address, genesisTimestamp)));
      await etcdStarting;
      const ports = await Promise.all(HA_SEQUENCER_KEYS.map(() => freePort()));
      const nodes = HA_SEQUENCER_KEYS.map((k, i) => ({ index: i, id: `seq-${i}`, address: keys[k]!.address, rpcUrl: `http://127.0.0.1:${ports[i]!}` }));
      const c = new HaCluster({ dir, o, l1Child: l1.child, l1Url: l1.url, deploymentFile, genesisFile, genesisTimestamp, etcd: started.etcd!, nodes, keys });
      cluster = c;
      // The primary first, so that it is the first leader (it holds the active role on L1); the validators beside it.
      const validators = Promise.all([0, 1, 2].map((j) => c.restartValidator(j)));
      validators.catch(() => undefined); // awaited below
      await c.restartNode(0);
      await c.waitForLeader({ timeoutMs: 60_000 });
      await Promise.all([c.restartNode(1), c.restartNode(2), validators]);
      cluster.l2Token = await cluster.#deployL2Token();
      return cluster;
    } catch (e) {
      if (cluster !== undefined) await cluster.stop();
      else {
        await etcdStarting.catch(() => undefined);
        await started.etcd?.stop();
        if (started.l1 !== undefined) await stopChild(started.l1);
        if (!o.keep) rmSync(dir, { recursive: true, force: true });
      }
      throw e;
    }
  }

  /** The sequencer URLs in rank order (the load's failover list). */
  get rpcUrls(): string[] {
    return this.nodes.map((n) => n.rpcUrl);
  }

  /** The process of sequencer node `i`, if started. */
  nodeProcess(i: number): Child | undefined {
    return this.#seq[this.#node(i).index];
  }

  /** The process of validator `j`, if started. */
  validatorProcess(j: number): Child | undefined {
    return this.#val[this.#validatorIndex(j)];
  }

  /** Whether sequencer node `i` runs. */
  isNodeRunning(i: number): boolean {
    const c = this.nodeProcess(i);
    return c !== undefined && !hasExited(c);
  }

  /** Sends `signal` to node `i`; for SIGKILL and SIGTERM waits for its exit. */
  async killNode(i: number, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const c = this.nodeProcess(i);
    if (c === undefined || hasExited(c)) return;
    if (signal === "SIGKILL") return killChild(c);
    if (signal === "SIGTERM") return stopChild(c);
    signalChild(c, signal);
  }

  /** Freezes node `i` (SIGSTOP): it keeps its sockets but does nothing, like a zombie leader. */
  pauseNode(i: number): void {
    const c = this.nodeProcess(i);
    if (c === undefined || !signalChild(c, "SIGSTOP")) throw new CliError(`node ${this.#node(i).id} is not running`);
  }

  /** Thaws node `i` (SIGCONT). */
  resumeNode(i: number): void {
    const c = this.nodeProcess(i);
    if (c === undefined || !signalChild(c, "SIGCONT")) throw new CliError(`node ${this.#node(i).id} is not running`);
  }

  /** (Re)starts sequencer node `i` on its data directory and waits until it follows the log as a standby. */
  async restartNode(i: number): Promise<void> {
    const n = this.#node(i);
    const old = this.#seq[n.index];
    if (old !== undefined && !hasExited(old)) throw new CliError(`node ${n.id} is still running: kill it first`);
    const key = this.#keys[HA_SEQUENCER_KEYS[n.index]!]!;
    const o = this.#o;
    const args = [
      process.execPath, path.join(ROOT, "chain-node", "src", "node", "main.ts"), "sequencer",
      "--data-dir", path.join(this.dir, n.id),
      ...this.#common(),
      "--key-file", writeKeyFile(this.dir, n.id, key.privateKey),
      "--etcd", this.etcd.endpoints.join(","),
      "--etcd-prefix", this.prefix,
      "--node-id", n.id,
      "--lease-ttl", String(o.leaseTtl),
      "--rpc-host", "127.0.0.1",
      "--rpc-port", new URL(n.rpcUrl).port,
      "--seal-interval", String(o.sealIntervalMs),
      "--post-interval", String(o.postIntervalMs),
      "--heartbeat-interval", String(o.heartbeatIntervalMs),
    ];
    const c = spawnChild(n.id, args, { logFile: path.join(this.dir, `${n.id}.log`), onLine: (l) => this.#o.echo?.(`[${n.id}] ${l}`) });
    this.#seq[n.index] = c;
    const m = await waitForLine(c, NODE_READY, `sequencer node ${n.id}`, 120_000).catch(async (e: unknown) => {
      await killChild(c);
      throw e;
    });
    if (m !== n.id) throw new CliError(`sequencer node ${n.id} says it is "${m}"`);
  }

  /** SIGKILLs validator `j` (if running) and waits for its exit. */
  async killValidator(j: number): Promise<void> {
    const c = this.validatorProcess(j);
    if (c !== undefined) await killChild(c);
  }

  /** (Re)starts validator `j` on its data directory (killing it first if it runs) and waits until it is ready. */
  async restartValidator(j: number): Promise<void> {
    const idx = this.#validatorIndex(j);
    await this.killValidator(idx);
    const name = `validator-${idx}`;
    const key = this.#keys[DEVNET_ROLES.validators[idx]!]!;
    const args = [
      process.execPath, path.join(ROOT, "chain-node", "src", "node", "main.ts"), "validator",
      "--data-dir", path.join(this.dir, name),
      ...this.#common(),
      "--key-file", writeKeyFile(this.dir, name, key.privateKey),
      "--board", path.join(this.dir, "board"),
      "--step-interval", String(this.#o.validatorStepMs),
    ];
    const c = spawnChild(name, args, {
      logFile: path.join(this.dir, `${name}.log`),
      onLine: (l) => {
        this.#o.echo?.(`[${name}] ${l}`);
        const m = DERIVED.exec(l);
        if (m !== null) this.derived.push({ validator: idx, lastBatch: BigInt(m[2]!), stateRoot: m[3]! });
      },
    });
    this.#val[idx] = c;
    await waitForLine(c, /(validator: ready: .*)/, name, 120_000);
  }

  /** Advances L1 time by `seconds` and mines a block (hardhat's `evm_increaseTime` + `evm_mine`). */
  async increaseL1Time(seconds: number): Promise<void> {
    if (!Number.isInteger(seconds) || seconds < 0) throw new CliError(`increaseL1Time: seconds must be a non-negative integer, got ${seconds}`);
    await this.l1.send("evm_increaseTime", [seconds]);
    await this.l1.send("evm_mine", []);
  }

  /** The node id holding the etcd leader key, if any (undefined when etcd cannot answer either). */
  async leader(): Promise<string | undefined> {
    try {
      return await EtcdLeadership.currentLeader(this.etcdClient, etcdLogKeys(this.prefix).leader);
    } catch {
      return undefined;
    }
  }

  /** The node whose id is `id`. */
  nodeById(id: string): HaNode {
    const n = this.nodes.find((x) => x.id === id);
    if (n === undefined) throw new CliError(`no sequencer node has id "${id}" (known: ${this.nodes.map((x) => x.id).join(", ")})`);
    return n;
  }

  /** Waits until a leader other than `notId` holds the etcd key AND serves its L2 RPC; returns it. */
  async waitForLeader(o: { notId?: string; timeoutMs?: number } = {}): Promise<HaNode> {
    const timeoutMs = o.timeoutMs ?? 30_000;
    const end = Date.now() + timeoutMs;
    let last = "none";
    for (;;) {
      const id = await this.leader();
      if (id !== undefined && id !== o.notId) {
        const n = this.nodeById(id);
        last = `${id} (RPC not answering yet)`;
        if (await rpcAnswers(n.rpcUrl)) return n;
      } else last = id ?? "none";
      if (Date.now() > end) throw new CliError(`no leader${o.notId === undefined ? "" : ` other than ${o.notId}`} serving within ${timeoutMs / 1000} s (last seen: ${last}); node output:\n${this.nodes.map((n) => `[${n.id}]\n${this.#tailOf(n.index)}`).join("\n")}`);
      await sleep(100);
    }
  }

  /** The address holding the active role in `SequencerSet`. */
  async activeOnL1(): Promise<string> {
    return await ISequencerSet__factory.connect(this.#address("SequencerSet"), this.l1).active();
  }

  /** The node holding the active role on L1, if it is one of ours. */
  async activeNode(): Promise<HaNode | undefined> {
    const a = (await this.activeOnL1()).toLowerCase();
    return this.nodes.find((n) => n.address.toLowerCase() === a);
  }

  /** Waits until node `id` holds the active role on L1. */
  async waitForActive(id: string, timeoutMs = 30_000): Promise<void> {
    const n = this.nodeById(id);
    const end = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.activeOnL1()).toLowerCase() === n.address.toLowerCase()) return;
      if (Date.now() > end) throw new CliError(`${id} (${n.address}) does not hold the active role on L1 after ${timeoutMs / 1000} s (active: ${await this.activeOnL1()}); its output:\n${this.#tailOf(n.index)}`);
      await sleep(200);
    }
  }

  /** `SlaConfig.failoverDelay` as deployed, seconds. */
  async failoverDelay(): Promise<bigint> {
    return (await ISlaConfig__factory.connect(this.#address("SlaConfig"), this.l1).getSla()).failoverDelay;
  }

  /** The next L2 (inbox-numbered) block L1 expects: every block below it is in a batch on L1. */
  async nextL2BlockOnL1(): Promise<bigint> {
    return await ISequencerInbox__factory.connect(this.#address("SequencerInbox"), this.l1).nextL2Block();
  }

  /** The highest batch index covered by a state commitment on L1, or -1 if none. */
  async committedThroughBatch(): Promise<bigint> {
    const sc = IStateCommitment__factory.connect(this.#address("StateCommitment"), this.l1);
    const n = await sc.count();
    return n === 0n ? -1n : (await sc.get(n - 1n)).batchIndex;
  }

  /** Address of a deployed contract. */
  address(name: string): string {
    return this.#address(name);
  }

  /** Stops every process (nodes, validators, etcd, L1), waiting for each exit; removes the directory unless `keep`. Idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await Promise.all([...this.#seq, ...this.#val].map((c) => (c === undefined ? undefined : stopChild(c, 5000))));
    this.etcdClient.close();
    await this.etcd.stop();
    this.l1.destroy();
    await stopChild(this.#l1Child);
    if (!this.#o.keep) rmSync(this.dir, { recursive: true, force: true });
  }

  #common(): string[] {
    return ["--l1-rpc", this.l1Url, "--deployment", this.deploymentFile, "--genesis", this.genesisFile];
  }

  #tailOf(i: number): string {
    const c = this.#seq[i];
    return c === undefined ? "(not started)" : tail(c, 8);
  }

  #node(i: number): HaNode {
    const n = this.nodes[i];
    if (!Number.isInteger(i) || n === undefined) throw new RangeError(`sequencer node index ${i} out of range [0, ${this.nodes.length})`);
    return n;
  }

  #validatorIndex(j: number): number {
    if (!Number.isInteger(j) || j < 0 || j >= this.#val.length) throw new RangeError(`validator index ${j} out of range [0, ${this.#val.length})`);
    return j;
  }

  #address(name: string): string {
    const c = this.deployment.contracts[name];
    if (c === undefined) throw new CliError(`the deployment has no ${name}`);
    return c.address;
  }

  /** Deploys TestToken on L2 through the leader (dev key 0) and mints to every client. */
  async #deployL2Token(): Promise<string> {
    const leader = await this.waitForLeader();
    const artifact = JSON.parse(readFileSync(path.join(ROOT, "artifacts", "test", "mocks", "TestToken.sol", "TestToken.json"), "utf8")) as { abi: InterfaceAbi; bytecode: string };
    const l2 = new JsonRpcProvider(leader.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 100 });
    try {
      const deployer = new NonceManager(new Wallet(this.#keys[0]!.privateKey, l2));
      const token = await new ContractFactory(artifact.abi, artifact.bytecode, deployer).deploy("HA Shilling", "HAS");
      await token.waitForDeployment();
      const sent = [];
      for (const k of this.clientKeys) sent.push(await token.getFunction("mint")(k.address, CLIENT_TOKENS));
      for (const t of sent) await t.wait();
      return await token.getAddress();
    } finally {
      l2.destroy();
    }
  }
}

/** Whether an L2 RPC answers `eth_chainId` within a second. */
export async function rpcAnswers(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }), signal: AbortSignal.timeout(1000) });
    return r.ok && typeof ((await r.json()) as { result?: unknown }).result === "string";
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
