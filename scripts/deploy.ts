/**
 * npm run deploy -- --network <name> [--force]
 *
 * Deploys every contract of the stack in dependency order, checks each address holds the expected code,
 * and writes deployments/<network>.json. Keys come from the network's accounts: the built-in test accounts
 * on the embedded network and `localhost`, or DEPLOYER_KEY (environment or `npx hardhat keystore set`).
 */
import { Command } from "commander";

import { runMain, userPath } from "./lib/cli.ts";
import { deployTo, deploymentFile, openNetwork } from "./lib/network.ts";
import { stackComponents } from "./lib/stack.ts";
import { localRollupSettings, readRollupSettings } from "./lib/stack/rollup.ts";
import { DeployError } from "./lib/deployer.ts";

const program = new Command()
  .name("deploy")
  .description("Deploy the Sovereign Stack contracts and record them in deployments/<network>.json")
  .requiredOption("--network <name>", "network from hardhat.config.ts: hardhat (embedded), localhost, remote (RPC_URL)")
  .option("--force", "redeploy contracts whose bytecode or constructor arguments changed", false)
  .option("--params <file>", "rollup roles and SLA as JSON (required off local networks; see deployments/params.example.json)")
  .option("--allow-weak-council", "accept a council below L2BEAT Stage 1 (8 members, 75% threshold) on a public network", false)
  .option("--out <file>", "deployment record to write (default: deployments/<network>.json)")
  .option("--dry-run", "open the network and check the configuration, deploy nothing", false)
  .showHelpAfterError();

await runMain("deploy", async () => {
  program.parse();
  const opts = program.opts<{ network: string; force: boolean; dryRun: boolean; params?: string; allowWeakCouncil: boolean; out?: string }>();
  const net = await openNetwork(opts.network);
  const signers = await net.signers();
  const deployer = signers[0];
  let rollup;
  if (opts.params !== undefined) rollup = await readRollupSettings(userPath(opts.params));
  else if (net.local) rollup = localRollupSettings(signers.map((s) => s.address));
  else throw new DeployError(`--params <file> is required on ${net.name}: it names the council, sequencers and validators (see deployments/params.example.json)`);
  const components = stackComponents({ rollup, local: net.local, allowWeakCouncil: opts.allowWeakCouncil, warn: (l) => console.warn(l) });
  const outFile = opts.out === undefined ? deploymentFile(net.name) : userPath(opts.out);
  console.log(`deploy: network ${net.name} (chain ${net.chainId}${net.local ? ", local" : ""}), deployer ${deployer!.address}`);
  console.log(`deploy: ${components.length} components → ${outFile}`);
  if (opts.dryRun) {
    for (const c of components) console.log(`  ? ${c.name}`);
    return;
  }
  const result = await deployTo(net, components, { force: opts.force, outFile, log: (l) => console.log(l) });
  console.log(`deploy: done; ${result.deployed.length} deployed, ${result.skipped.length} unchanged`);
});
