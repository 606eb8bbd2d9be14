/**
 * The node processes, one role per process, stopped cleanly by SIGINT/SIGTERM:
 *
 *   node chain-node/src/node/main.ts sequencer --data-dir DIR --l1-rpc URL --deployment FILE --genesis FILE
 *        [--key-file FILE] [--rpc-host H] [--rpc-port P] [--seal-interval MS] [--post-interval MS] [--idle-post-interval MS]
 *        [--confirmations N]
 *        [--etcd URL[,URL…] [--etcd-prefix P] [--node-id ID] [--lease-ttl 2|3] [--heartbeat-interval MS] [--no-auto-claim]]
 *   node chain-node/src/node/main.ts validator --data-dir DIR --l1-rpc URL --deployment FILE --genesis FILE
 *        --board DIR [--key-file FILE] [--step-interval MS] [--commit-every N] [--confirmations N]
 *
 * Each flag also comes from the environment (see config.ts); the L1 key from SOVEREIGN_L1_KEY or a key file outside
 * the repository. The sequencer serves the L2 JSON-RPC, orders L1's delayed messages and posts batches while its key
 * holds the active role; a validator derives the chain from L1 alone and commits M-of-N through the shared board.
 * With `--etcd` the sequencer is a high-availability node (see `ha/ha-node.ts`): the log lives on etcd, the nodes
 * elect a leader through a lease, standbys follow the log, heartbeat their readiness to `SequencerSet` and take over.
 * Exit codes: 0 stopped cleanly, 1 failure, 2 bad configuration.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { JsonRpcProvider, Wallet } from "ethers";
import { parseDeployment } from "@sovereign-stack/sdk";

import { startHaSequencerNode } from "../ha/ha-node.ts";
import { defaultEtcdPrefix } from "../ha/keys.ts";
import { connectEtcd } from "../log/etcd-client.ts";
import { ConfigError, parseGenesisJson, stopOnSignals } from "../sequencer/main.ts";
import { DirectorySignatureBoard } from "../validator/board.ts";
import { parseNodeArgs, type NodeProcessConfig } from "./config.ts";
import { rollupAddresses, type RollupAddresses } from "./rollup.ts";
import { describePosted } from "./posting-loop.ts";
import { startL1SequencerNode } from "./sequencer-node.ts";
import { startValidatorNode } from "./validator-node.ts";

/** A running node process's handle. */
export interface RunningNode {
  /** One line saying what runs where. */
  readonly summary: string;
  stop(): Promise<void>;
}

async function l1Of(cfg: NodeProcessConfig): Promise<{ provider: JsonRpcProvider; rollup: RollupAddresses; signer: Wallet }> {
  let text: string;
  try {
    text = readFileSync(cfg.deploymentFile, "utf8");
  } catch (e) {
    throw new ConfigError(`--deployment ${cfg.deploymentFile}: cannot read it (${(e as Error).message})`);
  }
  const deployment = parseDeployment(text);
  const provider = new JsonRpcProvider(cfg.l1RpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 250 });
  const network = await provider.getNetwork();
  if (network.chainId !== BigInt(deployment.chainId)) {
    provider.destroy();
    throw new ConfigError(`--l1-rpc ${cfg.l1RpcUrl} answers chain ${network.chainId}, but --deployment ${cfg.deploymentFile} is for chain ${deployment.chainId}`);
  }
  return { provider, rollup: rollupAddresses(deployment), signer: new Wallet(cfg.l1Key, provider) };
}

/** Starts the role `cfg` names. */
export async function startNodeProcess(cfg: NodeProcessConfig, log: (line: string) => void = console.log): Promise<RunningNode> {
  let genesisText: string;
  try {
    genesisText = readFileSync(cfg.genesisFile, "utf8");
  } catch (e) {
    throw new ConfigError(`--genesis ${cfg.genesisFile}: cannot read it (${(e as Error).message})`);
  }
  const genesis = parseGenesisJson(genesisText, cfg.genesisFile);
  const { provider, rollup, signer } = await l1Of(cfg);
  try {
    if (cfg.role === "sequencer" && cfg.ha !== undefined) {
      const ha = cfg.ha;
      const etcd = connectEtcd({ hosts: ha.etcdHosts, callTimeoutMs: 2000 });
      try {
        const n = await startHaSequencerNode({
          dataDir: cfg.dataDir,
          rpcHost: cfg.rpcHost,
          rpcPort: cfg.rpcPort,
          chainId: genesis.chainId,
          genesisFile: cfg.genesisFile,
          sealIntervalMs: cfg.sealIntervalMs,
          etcd,
          prefix: ha.prefix ?? defaultEtcdPrefix(genesis.chainId),
          nodeId: ha.nodeId ?? signer.address,
          leaseTtlSeconds: ha.leaseTtlSeconds,
          l1: provider,
          signer,
          rollup,
          confirmations: cfg.confirmations,
          postIntervalMs: cfg.postIntervalMs,
          idlePostIntervalMs: cfg.idlePostIntervalMs,
          heartbeatIntervalMs: ha.heartbeatIntervalMs,
          autoClaim: ha.autoClaim,
          log,
        });
        return {
          summary: `HA sequencer ${n.nodeId} (${signer.address}): L2 chain ${genesis.chainId}, etcd ${ha.etcdHosts.join(",")}, L2 RPC http://${cfg.rpcHost}:${cfg.rpcPort} while it leads`,
          stop: async () => {
            await n.stop();
            etcd.close();
            provider.destroy();
          },
        };
      } catch (e) {
        etcd.close();
        throw e;
      }
    }
    if (cfg.role === "sequencer") {
      const s = await startL1SequencerNode({
        node: { dataDir: cfg.dataDir, rpcHost: cfg.rpcHost, rpcPort: cfg.rpcPort, chainId: genesis.chainId, sealIntervalMs: cfg.sealIntervalMs, genesisFile: cfg.genesisFile },
        l1: provider,
        signer,
        rollup,
        postIntervalMs: cfg.postIntervalMs,
        idlePostIntervalMs: cfg.idlePostIntervalMs,
        confirmations: cfg.confirmations,
        onPosted: (out) => {
          for (const p of out) if (p.posted) log(`sequencer: ${describePosted(p)}`);
        },
        onError: (e) => log(`sequencer: posting failed, retrying next round: ${(e as Error).message ?? String(e)}`),
      });
      return {
        summary: `sequencer ${signer.address}: L2 chain ${genesis.chainId} at block ${s.node.engine.head().number}, L2 RPC ${s.node.server.url}`,
        stop: async () => {
          await s.stop();
          provider.destroy();
        },
      };
    }
    const v = await startValidatorNode({
      dataDir: cfg.dataDir,
      genesis,
      l1: provider,
      signer,
      rollup,
      board: new DirectorySignatureBoard(cfg.boardDir),
      stepIntervalMs: cfg.stepIntervalMs,
      commitEvery: cfg.commitEvery,
      confirmations: cfg.confirmations,
      onStep: (st) => {
        const last = st.derived[st.derived.length - 1];
        if (last !== undefined) log(`validator ${signer.address}: derived batches ${st.derived[0]!.batch.index}..${last.batch.index}, state root ${last.stateRoot}`);
        for (const s of st.signed) log(`validator ${signer.address}: signed commitment of batch ${s.data.batchIndex}`);
        for (const i of st.submitted) log(`validator ${signer.address}: submitted commitment ${i}`);
      },
      onError: (e) => log(`validator ${signer.address}: step failed, retrying: ${(e as Error).message ?? String(e)}`),
    });
    return {
      summary: `validator ${signer.address}: deriving from L1 block ${rollup.deployBlock}, board ${cfg.boardDir}`,
      stop: async () => {
        await v.stop();
        provider.destroy();
      },
    };
  } catch (e) {
    provider.destroy();
    throw e;
  }
}

async function main(): Promise<void> {
  let cfg: NodeProcessConfig;
  try {
    cfg = parseNodeArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`node: ${(e as Error).message}`);
    process.exit(2);
  }
  let node: RunningNode;
  try {
    node = await startNodeProcess(cfg);
  } catch (e) {
    console.error(`${cfg.role}: cannot start: ${(e as Error).message}`);
    process.exit(e instanceof ConfigError ? 2 : 1);
  }
  console.log(`${cfg.role}: ready: ${node.summary}`);
  stopOnSignals(cfg.role, () => node.stop());
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error("node:", e);
    process.exit(1);
  });
}
