/**
 * sovereign-deploy --network <name> [--params file] [--dry-run] [--force]   (or `npm run deploy -- …`)
 *
 * Deploys every contract of the stack in dependency order, checks each address holds the expected code,
 * and writes deployments/<network>.json. Keys come from the network's accounts: the built-in test accounts
 * on the embedded network and `localhost`, or DEPLOYER_KEY (environment or `npx hardhat keystore set`).
 * Hardhat, ethers and the SDK load only once a network is opened, so `--help` answers at once.
 */
import { Command, Option } from "commander";

import { UsageError, runMain, userPath } from "./lib/cli.ts";
import { DEPLOY_NETWORKS, PUBLIC_NETWORKS } from "./lib/networks.ts";

const ENVIRONMENT = `
Environment (or \`npx hardhat keystore set NAME\` in an interactive run; a run without a terminal or with
CI=true never prompts, so export them):
  MAINNET_RPC_URL        RPC URL of --network mainnet      e.g. https://eth-mainnet.example.org/v2/<key>
  SEPOLIA_RPC_URL        RPC URL of --network sepolia      e.g. https://sepolia.example.org
  HOLESKY_RPC_URL        RPC URL of --network holesky      e.g. https://holesky.example.org
  RPC_URL                RPC URL of --network remote (any chain)  e.g. http://10.0.0.5:8545
  DEPLOYER_KEY           deployer's private key on every network but hardhat/localhost  e.g. 0x59c6…690d
  LOCALHOST_URL          URL of --network localhost        default http://127.0.0.1:8545
  IDENTITY_CIRCUIT_DEPTH identity circuit depth: 20 (default) or 32 (production)  e.g. 32
  IDENTITY_GOVERNANCE    owner of IdentityRegistry (default: the council's CouncilTimelock; the deployer on
                         local networks)  e.g. 0x1111111111111111111111111111111111111111

Examples:
  sovereign-deploy --network hardhat                                   # throwaway, embedded
  sovereign-deploy --network localhost                                 # \`npx hardhat node\` running
  MAINNET_RPC_URL=https://… DEPLOYER_KEY=0x… sovereign-deploy --network mainnet --params deployments/mainnet.params.json --dry-run
  DEPLOYER_KEY=0x… sovereign-deploy --rpc-url http://10.0.0.5:8545 --params p.json --out deployments/remote.json

Exit codes: 0 ok, 1 failure, 2 usage. See README "Deploying to a real network".`;

const program = new Command()
  .name("sovereign-deploy")
  .description("Deploy the Sovereign Stack contracts and record them in deployments/<network>.json")
  .addOption(new Option("--network <name>", "hardhat (embedded), localhost, mainnet, sepolia, holesky, remote (RPC_URL)").choices(DEPLOY_NETWORKS))
  .option("--rpc-url <url>", "RPC endpoint: overrides the URL of --network mainnet/sepolia/holesky/remote; alone, means --network remote")
  .option("--force", "redeploy the stack at new addresses when a contract's bytecode or constructor arguments changed", false)
  .option("--params <file>", "rollup roles and SLA as JSON (required off local networks; see deployments/params.example.json)")
  .option("--allow-weak-council", "accept a council below L2BEAT Stage 1 (8 members, 75% threshold) on a public network", false)
  .option("--out <file>", "deployment record to write (default: deployments/<network>.json)")
  .option("--dry-run", "print the plan (per component: unchanged / new / changed: bytecode or arguments) and send nothing", false)
  .exitOverride()
  .showHelpAfterError()
  .addHelpText("after", ENVIRONMENT);

await runMain("deploy", async () => {
  program.parse();
  const opts = program.opts<{ network?: string; rpcUrl?: string; force: boolean; dryRun: boolean; params?: string; allowWeakCouncil: boolean; out?: string }>();
  if (opts.network === undefined) {
    if (opts.rpcUrl === undefined) throw new UsageError(`say where to deploy: --network <${DEPLOY_NETWORKS.join("|")}> or --rpc-url <url>`);
    opts.network = "remote";
  }
  if (opts.rpcUrl !== undefined) {
    const pub = PUBLIC_NETWORKS[opts.network];
    if (pub === undefined) throw new UsageError(`--rpc-url applies to mainnet, sepolia, holesky and remote, not --network ${opts.network}`);
    process.env[pub.rpcVar] = opts.rpcUrl; // Hardhat resolves the network's URL variable from the environment first
  }
  if (opts.dryRun && opts.force) {
    console.error("deploy: --dry-run and --force together: the plan shows what --force would redeploy");
  }
  const { deployTo, deploymentFile, hre, openNetwork } = await import("./lib/network.ts");
  const { stackComponents } = await import("./lib/stack.ts");
  const { localRollupSettings, readRollupSettings } = await import("./lib/stack/rollup.ts");
  const net = await openNetwork(opts.network);
  const signers = await net.signers();
  const deployer = signers[0];
  let rollup;
  if (opts.params !== undefined) rollup = await readRollupSettings(userPath(opts.params));
  else if (net.local) rollup = localRollupSettings(signers.map((s) => s.address));
  else throw new UsageError(`--params <file> is required on ${net.name}: it names the council, sequencers and validators (see deployments/params.example.json)`);
  const components = stackComponents({ rollup, local: net.local, allowWeakCouncil: opts.allowWeakCouncil, warn: (l) => console.warn(l) });
  const outFile = opts.out === undefined ? deploymentFile(net.name) : userPath(opts.out);
  console.log(`deploy: network ${net.name} (chain ${net.chainId}${net.local ? ", local" : ""}), deployer ${deployer!.address}`);
  // artifacts must match the sources: compile (a no-op when nothing changed)
  await hre.tasks.getTask("build").run({ quiet: true });
  if (opts.dryRun) {
    const { formatPlan, planDeployment } = await import("./lib/deploy-plan.ts");
    console.log(`deploy: dry run, ${components.length} components against ${outFile}`);
    const plan = await planDeployment({ network: net.name, deployer: deployer!, provider: net.ethers.provider, readArtifact: (n) => hre.artifacts.readArtifact(n), components, local: net.local, outFile });
    for (const l of formatPlan(plan)) console.log(l);
    return;
  }
  console.log(`deploy: ${components.length} components → ${outFile}`);
  const result = await deployTo(net, components, { force: opts.force, outFile, log: (l) => console.log(l) });
  console.log(`deploy: done; ${result.deployed.length} deployed, ${result.skipped.length} unchanged`);
});
