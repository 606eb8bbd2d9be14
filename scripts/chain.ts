/**
 * The chain tool (`sovereign-chain`, or `npm run --silent chain -- …`). Loads only commander at start; each command
 * imports what it needs.
 *
 *   sovereign-chain exit-tree    --rpc-url <L1> --genesis <file> [--data-dir <dir>] [--out file] [--json]
 *   sovereign-chain escape-proof --rpc-url <L1> --genesis <file> [--data-dir <dir>] --account 0x… [--token 0x…] [--json]
 *   sovereign-chain devnet       [--ha] [--l1-port P] [--l2-port P] [--seal-interval MS] [--keep]
 *   sovereign-chain status       --etcd <urls> [--etcd-prefix P] --rpc-url <L1> [--deployment F | --network N] [--json]
 *   sovereign-chain handover     --to <node id|address> --etcd <urls> [--etcd-prefix P] --rpc-url <L1> [--deployment F] [--wait S] [--json]
 *
 * Exit codes: 0 ok, 1 failure (including an exit root that does not match L1; for status: no etcd leader or L1
 * unreachable; for handover: refused or not complete in time), 2 usage.
 */
import { Command, Option } from "commander";

import { UsageError, runMain } from "./lib/cli.ts";
import { EXIT_NETWORKS } from "./lib/networks.ts";

const escapeOptions = (c: Command) =>
  c
    .addOption(new Option("--network <name>", "network the rollup's L1 contracts live on").choices(EXIT_NETWORKS))
    .option("--rpc-url <url>", "L1 RPC endpoint (instead of, or overriding the URL of, --network; env ETH_RPC_URL or RPC_URL)")
    .option("--deployment <file>", "deployment record of the L1 contracts (default: deployments/<network>.json)")
    .option("--data-dir <dir>", "instead of deriving from L1: the engine directory of a node that derived the chain up to the last finalized commitment")
    .option("--genesis <file>", "the L2 genesis JSON that node was started with")
    .option("--timeout <seconds>", "give up on any RPC call after this many seconds", "30")
    .option("--json", "machine-readable output on stdout: {schemaVersion: 1, ok, …}", false);

const lazy =
  <K extends keyof typeof import("./chain/run.ts")>(name: K) =>
  async (o: Record<string, unknown>) => {
    const run = await import("./chain/run.ts");
    await (run[name] as (o: unknown) => Promise<void>)(o);
  };

const program = new Command()
  .name("sovereign-chain")
  .description("Sovereign Stack chain tool: rebuild the exit tree and print escape proofs without the operator; run a devnet; watch and hand over the hot-standby sequencers")
  .exitOverride()
  .showHelpAfterError()
  .addHelpText(
    "after",
    `
Where the L2 state comes from: by default the tool derives it from L1 alone (batch calldata and delayed messages,
both accumulators checked) up to the batch of the last finalized commitment, so a citizen needs no operator and no
node: only an L1 endpoint and the chain's genesis file. --data-dir reuses the engine directory of a node that already
derived it (faster). Either way, nothing is printed unless the rebuilt exit root equals the exit root of the last
commitment finalized on L1 (exit code 1).

With npm, use \`npm run --silent chain -- …\` so that --json output is clean.`,
  );

escapeOptions(program.command("exit-tree").description("rebuild the exit tree of the last finalized commitment, check its root against L1, and print (or --out) every leaf"))
  .option("--out <file>", "also write the tree's leaves as JSON")
  .option("--force", "overwrite an existing --out file", false)
  .action(lazy("exitTreeCommand"));

escapeOptions(program.command("escape-proof").description("print an account's escape proofs (and its withdrawals' proofs) against the last finalized commitment"))
  .requiredOption("--account <address>", "the L1 account to escape to")
  .option("--token <address>", "only this L1 token")
  .action(lazy("escapeProofCommand"));

program
  .command("devnet")
  .description("run a local chain: an L1 hardhat node with the stack deployed, a sequencer and 3 validators as separate processes (with --ha: a primary and 2 ranked standbys on a 3-member etcd cluster); Ctrl-C stops them all")
  .option("--ha", "hot standbys: a 3-member etcd cluster on loopback, a primary, two ranked standbys and three validators", false)
  .option("--l1-port <port>", "L1 port (default: a free one; not with --ha)")
  .option("--l2-port <port>", "L2 RPC port (default: a free one; not with --ha)")
  .option("--seal-interval <ms>", "L2 block interval", "1000")
  .option("--keep", "keep the data directory on exit", false)
  .action(async (o: { ha: boolean; l1Port?: string; l2Port?: string; sealInterval: string; keep: boolean }) => {
    if (!o.ha) return (await import("./chain/devnet.ts")).devnetCommand(o);
    if (o.l1Port !== undefined || o.l2Port !== undefined) throw new UsageError("--l1-port and --l2-port: not with --ha (the HA devnet picks free ports and prints them)");
    return (await import("./chain/ha-devnet.ts")).haDevnetCommand(o);
  });

const haOptions = (c: Command) =>
  c
    .option("--etcd <urls>", "etcd members' client URLs, comma-separated (env SOVEREIGN_ETCD)")
    .option("--etcd-prefix <prefix>", "the chain's key prefix in etcd (env SOVEREIGN_ETCD_PREFIX; default: the one chain/<l2 chain id>/ found in etcd)")
    .addOption(new Option("--network <name>", "network the rollup's L1 contracts live on").choices(EXIT_NETWORKS))
    .option("--rpc-url <url>", "L1 RPC endpoint (instead of, or overriding the URL of, --network; env ETH_RPC_URL or RPC_URL)")
    .option("--deployment <file>", "deployment record of the L1 contracts (default: deployments/<network>.json)")
    .option("--timeout <seconds>", "give up on any L1 call after this many seconds (status: 5, handover: 30)")
    .option("--json", "machine-readable output on stdout: one JSON object {schemaVersion: 1, ok, command, …}", false);

/** A command's own exit code (status: 1 when there is no leader or L1 does not answer, after printing). */
let commandExitCode = 0;

haOptions(program.command("status").description("who orders transactions and who posts to L1 now: the etcd leader, each sequencer node's log position, the log range, standbys' readiness on L1 and the SLA clocks (exit 1 without a leader or without L1)")).action(
  async (o) => {
    commandExitCode = await (await import("./chain/ops.ts")).statusCommand(o);
  },
);

haOptions(program.command("handover").description("planned handover: ask the etcd leader to hand ordering and the L1 active role to a ready standby, and wait until both moved"))
  .option("--to <node>", "the standby taking over: its node id or its L1 address")
  .option("--wait <seconds>", "how long to wait for the handover to complete (the request stays in place after a timeout)", "60")
  .option("--by <note>", "who asks, recorded in the request (default user@host)")
  .action(async (o) => (await import("./chain/ops.ts")).handoverCommand(o));

await runMain("sovereign-chain", async () => {
  await program.parseAsync();
  if (commandExitCode !== 0) process.exit(commandExitCode);
});
