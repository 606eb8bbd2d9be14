/**
 * `npm run chain -- devnet --ha`: a local chain with hot standbys, as separate processes (scripts/chain/ha-cluster.ts):
 * an L1 `hardhat node` with the stack deployed and 3 ranked sequencers, a 3-member etcd cluster on loopback (etcd
 * from the system: Debian's etcd-server, installed when missing and run as root, or any etcd >= 3.4 on PATH), the
 * primary and two ranked standbys (`main.ts sequencer --etcd …`) and three validators. It prints the URLs, the etcd
 * endpoints for `status` and `handover`, and the funded dev keys; Ctrl-C (or SIGTERM) stops every process.
 *
 * Every key it uses is one of Hardhat's well-known dev keys (printed as such): for a local devnet only.
 */
import { UsageError } from "../lib/cli.ts";
import { HaCluster } from "./ha-cluster.ts";
import { firstStopSignal } from "./processes.ts";

/** Options of {@link haDevnetCommand}. */
export interface HaDevnetOptions {
  readonly sealInterval: string;
  readonly keep: boolean;
}

/** Runs the HA devnet until SIGINT/SIGTERM. */
export async function haDevnetCommand(o: HaDevnetOptions): Promise<void> {
  const sealMs = Number(o.sealInterval);
  if (!/^\d+$/.test(o.sealInterval) || sealMs < 50 || sealMs > 60_000) throw new UsageError(`--seal-interval: expected milliseconds in 50..60000, got "${o.sealInterval}"`);
  const stopOnSignal = firstStopSignal();
  console.log("devnet --ha: starting the L1, etcd (3 members), 3 sequencer nodes and 3 validators …");
  const cluster = await HaCluster.start({ sealIntervalMs: sealMs, clients: 4, keep: o.keep, echo: (l) => console.log(l) });
  try {
    const etcd = cluster.etcd.endpoints.join(",");
    const deployment = cluster.deploymentFile;
    console.log(
      [
        "",
        "devnet --ha ready: a primary and 2 ranked standbys on etcd, 3 validators (separate processes), on an L1 hardhat node",
        `  L1 RPC       ${cluster.l1Url}   (chain 31337)`,
        ...cluster.nodes.map((n) => `  ${n.id.padEnd(11)}  ${n.rpcUrl}   (rank ${n.index}, L1 key ${n.address}; serves only while it leads)`),
        `  etcd         ${etcd}   (prefix ${cluster.prefix})`,
        `  deployment   ${deployment}`,
        `  logs         ${cluster.dir}/*.log`,
        "",
        "Watch and operate it:",
        `  npm run chain -- status   --etcd ${etcd} --rpc-url ${cluster.l1Url} --deployment ${deployment}`,
        `  npm run chain -- handover --to seq-1 --etcd ${etcd} --rpc-url ${cluster.l1Url} --deployment ${deployment}`,
        "Kill the leader's process to see the next standby take over within seconds, e.g. `pkill -KILL -f -- '--node-id seq-0'`.",
        "",
        "DEV KEYS (Hardhat's public test mnemonic; anyone can spend them: never use them on a real network), funded with L2 gas:",
        ...cluster.clientKeys.map((k) => `  ${k.address}  ${k.privateKey}`),
        "Ctrl-C stops every process.",
        "",
      ].join("\n"),
    );
    const sig = await stopOnSignal;
    console.log(`devnet --ha: ${sig}: stopping every process …`);
  } finally {
    await cluster.stop();
    console.log("devnet --ha: every process stopped");
  }
}
