/**
 * npm run deploy -- --network <name> [--force]
 *
 * Deploys every contract of the stack in dependency order, checks each address holds the expected code,
 * and writes deployments/<network>.json. Keys come from the network's accounts: the built-in test accounts
 * on the embedded network and `localhost`, or DEPLOYER_KEY (environment or `npx hardhat keystore set`).
 */
import { Command } from "commander";

import { runMain } from "./lib/cli.ts";
import { deployTo, deploymentFile, openNetwork } from "./lib/network.ts";
import { stackComponents } from "./lib/stack.ts";

const program = new Command()
  .name("deploy")
  .description("Deploy the Sovereign Stack contracts and record them in deployments/<network>.json")
  .requiredOption("--network <name>", "network from hardhat.config.ts: hardhat (embedded), localhost, remote (RPC_URL)")
  .option("--force", "redeploy contracts whose bytecode or constructor arguments changed", false)
  .option("--dry-run", "open the network and check the configuration, deploy nothing", false)
  .showHelpAfterError();

await runMain("deploy", async () => {
  program.parse();
  const opts = program.opts<{ network: string; force: boolean; dryRun: boolean }>();
  const net = await openNetwork(opts.network);
  const [deployer] = await net.signers();
  const components = stackComponents();
  const outFile = deploymentFile(net.name);
  console.log(`deploy: network ${net.name} (chain ${net.chainId}${net.local ? ", local" : ""}), deployer ${deployer!.address}`);
  console.log(`deploy: ${components.length} components → ${outFile}`);
  if (opts.dryRun) {
    for (const c of components) console.log(`  ? ${c.name}`);
    return;
  }
  const result = await deployTo(net, components, { force: opts.force, outFile, log: (l) => console.log(l) });
  console.log(`deploy: done; ${result.deployed.length} deployed, ${result.skipped.length} unchanged`);
});
