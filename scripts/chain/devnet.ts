/**
 * `npm run chain -- devnet`: a local sovereign chain to try. It starts an L1 `hardhat node` on a free port, deploys
 * the stack there with the deploy pipeline (`sovereign-deploy --network localhost`), registering one sequencer and
 * three validators (Hardhat's public dev accounts), writes an L2 genesis (bridge and identity registry predeployed,
 * dev accounts funded with L2 gas), and starts the sequencer and the three validators as separate processes
 * (`chain-node/src/node/main.ts`). It prints the RPC URLs and the funded dev keys, and on Ctrl-C (or SIGTERM) stops
 * every child's process group and waits for each to exit; the data directory is a fresh temporary one, removed
 * on exit unless --keep.
 *
 * Every key it uses is one of Hardhat's well-known dev keys (printed as such): for a local devnet only.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { getAddress } from "ethers";
import { GENESIS_DEFAULTS, l2Predeploys, loadL2PredeployCode, type GenesisConfig } from "@sovereign-stack/node";

import { UsageError } from "../lib/cli.ts";
import { genesisToJson } from "./genesis-file.ts";
import { DEV_TOKEN_MINT, ROOT, checkDevAccounts, deployDevToken, deployLocalStack, devKeys, firstStopSignal, freePort, spawnChild, startHardhatL1, stopChild, waitForLine, writeKeyFile, type Child } from "./processes.ts";

export { DEV_MNEMONIC, devKeys } from "./processes.ts";
/** The devnet's L2 chain id (not the L1's 31337, so an L1 transaction never replays on L2 or back). */
export const DEVNET_L2_CHAIN_ID = 31338;
/** Dev accounts by role (indexes into Hardhat's accounts): 0 deployer, 1–8 council, 9 sequencer, 12–14 validators, 16–19 citizens. */
export const DEVNET_ROLES = { council: [1, 2, 3, 4, 5, 6, 7, 8], sequencer: 9, validators: [12, 13, 14], citizens: [16, 17, 18, 19] } as const;
const L2_FUNDING = 10n ** 22n; // 10,000 ETH of L2 gas per dev account

export interface DevnetOptions {
  l1Port?: string;
  l2Port?: string;
  sealInterval: string;
  keep: boolean;
}

function port(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 65535) throw new UsageError(`${flag}: expected a port in 1..65535, got "${v}"`);
  return Number(v);
}

/** The devnet's L2 genesis: the predeploys and `funded` holding L2 gas. */
export function devnetGenesis(funded: readonly string[], governance: string, timestamp: bigint): GenesisConfig {
  const alloc: Record<string, GenesisConfig["alloc"][string]> = { ...l2Predeploys(loadL2PredeployCode(path.join(ROOT, "artifacts")), governance) };
  for (const a of funded) alloc[getAddress(a)] = { balance: L2_FUNDING };
  return { ...GENESIS_DEFAULTS, chainId: DEVNET_L2_CHAIN_ID, timestamp, alloc };
}

/** Runs the devnet until SIGINT/SIGTERM. */
export async function devnetCommand(o: DevnetOptions): Promise<void> {
  const sealMs = Number(o.sealInterval);
  if (!/^\d+$/.test(o.sealInterval) || sealMs < 50 || sealMs > 60_000) throw new UsageError(`--seal-interval: expected milliseconds in 50..60000, got "${o.sealInterval}"`);
  const l1Port = port(o.l1Port, "--l1-port") ?? (await freePort());
  const l2Port = port(o.l2Port, "--l2-port") ?? (await freePort());
  const dir = mkdtempSync(path.join(tmpdir(), "sovereign-devnet-"));
  const children: Child[] = [];
  let stopping: Promise<void> | undefined;
  const stopAll = (): Promise<void> =>
    (stopping ??= (async () => {
      // Nodes first (they finish their L1 calls), the L1 last.
      for (const c of [...children].reverse()) await stopChild(c);
      if (!o.keep) rmSync(dir, { recursive: true, force: true });
    })());

  let ready = false;
  /** Spawns a child logging to `<dir>/<name>.log`; once the devnet is ready its lines are echoed (the L1's request log stays in l1.log). */
  const spawnOpts = (name: string) => ({ logFile: path.join(dir, `${name}.log`), onLine: (l: string) => ready && name !== "l1" && console.log(`[${name}] ${l}`) });
  const start = (name: string, args: string[]): Child => {
    const child = spawnChild(name, args, spawnOpts(name));
    children.push(child);
    return child;
  };
  const node = process.execPath;
  const stopOnSignal = firstStopSignal();
  try {
    console.log(`devnet: data directory ${dir}${o.keep ? " (kept on exit)" : " (removed on exit; --keep keeps it)"}`);
    const l1 = await startHardhatL1(l1Port, spawnOpts("l1"));
    children.push(l1.child);
    const l1Url = l1.url;
    console.log(`devnet: L1 hardhat node at ${l1Url}`);

    const keys = devKeys(20);
    const accounts = await checkDevAccounts(l1Url, [0, DEVNET_ROLES.sequencer, ...DEVNET_ROLES.validators]);
    const params = {
      council: { members: DEVNET_ROLES.council.map((i) => accounts[i]), threshold: 6 },
      timelockDelay: 3600,
      sequencers: [accounts[DEVNET_ROLES.sequencer]],
      validators: { members: DEVNET_ROLES.validators.map((i) => accounts[i]), threshold: 2 },
    };
    console.log("devnet: deploying the stack (sovereign-deploy --network localhost) …");
    const deploymentFile = await deployLocalStack(l1Url, dir, params, spawnOpts("deploy"));

    const demoToken = await deployDevToken(l1Url, keys[0]!.privateKey, DEVNET_ROLES.citizens.map((i) => keys[i]!.address));

    const genesisFile = path.join(dir, "l2-genesis.json");
    const funded = [...DEVNET_ROLES.citizens, 0].map((i) => keys[i]!.address);
    writeFileSync(genesisFile, genesisToJson(devnetGenesis(funded, keys[0]!.address, BigInt(Math.floor(Date.now() / 1000)))));
    const keyFile = (name: string, key: string): string => writeKeyFile(dir, name, key);
    const common = ["--l1-rpc", l1Url, "--deployment", deploymentFile, "--genesis", genesisFile];
    const mainTs = path.join(ROOT, "chain-node", "src", "node", "main.ts");
    const seq = start("sequencer", [node, mainTs, "sequencer", "--data-dir", path.join(dir, "sequencer"), ...common, "--key-file", keyFile("sequencer", keys[DEVNET_ROLES.sequencer]!.privateKey), "--rpc-port", String(l2Port), "--seal-interval", String(sealMs), "--post-interval", "2000"]);
    const validators = DEVNET_ROLES.validators.map((k, n) =>
      start(`validator-${n + 1}`, [node, mainTs, "validator", "--data-dir", path.join(dir, `validator-${n + 1}`), ...common, "--key-file", keyFile(`validator-${n + 1}`, keys[k]!.privateKey), "--board", path.join(dir, "board"), "--step-interval", "2000"]),
    );
    const l2Url = await waitForLine(seq, /ready: .*L2 RPC (\S+)/, "the sequencer", 120_000);
    for (const [n, v] of validators.entries()) await waitForLine(v, /(ready: .*)/, `validator ${n + 1}`, 120_000);
    ready = true;
    console.log(
      [
        "",
        "devnet ready: a sequencer and 3 validators (separate processes) on an L1 hardhat node",
        `  L1 RPC      ${l1Url}   (chain 31337)`,
        `  L2 RPC      ${l2Url}   (chain ${DEVNET_L2_CHAIN_ID})`,
        `  deployment  ${deploymentFile}`,
        `  L2 genesis  ${genesisFile}`,
        `  logs        ${dir}/*.log`,
        "",
        "DEV KEYS (Hardhat's public test mnemonic; anyone can spend them: never use them on a real network).",
        "Funded with ETH on L1 and with L2 gas:",
        ...[...DEVNET_ROLES.citizens].map((i) => `  ${keys[i]!.address}  ${keys[i]!.privateKey}`),
        "",
        `A test ERC-20 on L1 (anyone may mint; each dev key above holds ${DEV_TOKEN_MINT / 10n ** 18n} of it): ${demoToken}`,
        `Deposit it on L1 with RollupVault.deposit(token, amount, l2Recipient) (address in the deployment file, after approve);`,
        `send L2 transactions to ${l2Url}.`,
        "Ctrl-C stops every process.",
        "",
      ].join("\n"),
    );
    const sig = await Promise.race([stopOnSignal, ...children.map((c) => c.exited.then((code) => `${c.name} exited (code ${code})`))]);
    console.log(`devnet: ${sig}: stopping the validators, the sequencer and the L1 …`);
  } finally {
    await stopAll();
    console.log("devnet: every process stopped");
  }
}
