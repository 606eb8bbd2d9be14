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
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { ContractFactory, HDNodeWallet, JsonRpcProvider, Mnemonic, NonceManager, Wallet, getAddress, type InterfaceAbi } from "ethers";
import { GENESIS_DEFAULTS, l2Predeploys, loadL2PredeployCode, type GenesisConfig } from "@sovereign-stack/node";

import { CliError, UsageError } from "../lib/cli.ts";
import { genesisToJson } from "./genesis-file.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Hardhat's default dev mnemonic: every key it derives is public knowledge. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";
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

/** A child process in its own process group, with its exit awaited. */
interface Child {
  readonly name: string;
  readonly proc: ChildProcess;
  readonly exited: Promise<number | null>;
}

function port(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 65535) throw new UsageError(`${flag}: expected a port in 1..65535, got "${v}"`);
  return Number(v);
}

/** A TCP port nobody listens on now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/** Hardhat's dev keys 0..n-1. */
export function devKeys(n: number): HDNodeWallet[] {
  const root = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(DEV_MNEMONIC), "m/44'/60'/0'/0");
  return Array.from({ length: n }, (_, i) => root.deriveChild(i));
}

/** The devnet's L2 genesis: the predeploys and `funded` holding L2 gas. */
export function devnetGenesis(funded: readonly string[], governance: string, timestamp: bigint): GenesisConfig {
  const alloc: Record<string, GenesisConfig["alloc"][string]> = { ...l2Predeploys(loadL2PredeployCode(path.join(ROOT, "artifacts")), governance) };
  for (const a of funded) alloc[getAddress(a)] = { balance: L2_FUNDING };
  return { ...GENESIS_DEFAULTS, chainId: DEVNET_L2_CHAIN_ID, timestamp, alloc };
}

/** How much of the dev token each dev key gets. */
const DEV_TOKEN_MINT = 1_000_000n * 10n ** 18n;

/** Deploys the repository's TestToken (a mintable ERC-20, test code) on the devnet's L1 and mints to `holders`. */
async function deployDevToken(l1Url: string, deployerKey: string, holders: readonly string[]): Promise<string> {
  const artifact = JSON.parse(readFileSync(path.join(ROOT, "artifacts", "test", "mocks", "TestToken.sol", "TestToken.json"), "utf8")) as { abi: InterfaceAbi; bytecode: string };
  const provider = new JsonRpcProvider(l1Url, undefined, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 100 });
  try {
    const deployer = new NonceManager(new Wallet(deployerKey, provider));
    const token = await new ContractFactory(artifact.abi, artifact.bytecode, deployer).deploy("Devnet Shilling", "DSH");
    await token.waitForDeployment();
    for (const h of holders) await (await token.getFunction("mint")(h, DEV_TOKEN_MINT)).wait();
    return await token.getAddress();
  } finally {
    provider.destroy();
  }
}

function spawnChild(name: string, args: readonly string[], env: NodeJS.ProcessEnv, logFile: string | null, onLine: (l: string) => void): Child {
  // detached: a process group of its own, so Ctrl-C in the terminal reaches only us and we stop each group in order.
  const proc = spawn(args[0]!, args.slice(1), { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  let buf = "";
  const feed = (chunk: Buffer): void => {
    buf += chunk.toString();
    let i: number;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (logFile !== null) writeFileSync(logFile, line + "\n", { flag: "a" });
      onLine(line);
    }
  };
  proc.stdout!.on("data", feed);
  proc.stderr!.on("data", feed);
  return { name, proc, exited };
}

/** Sends SIGTERM to a child's process group, then SIGKILL after `graceMs`; resolves once it exited. */
async function stopChild(c: Child, graceMs = 10_000): Promise<void> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null || c.proc.pid === undefined) return;
  const group = -c.proc.pid;
  try {
    process.kill(group, "SIGTERM");
  } catch {
    return; // already gone
  }
  const timer = setTimeout(() => {
    try {
      process.kill(group, "SIGKILL");
    } catch {
      // exited meanwhile
    }
  }, graceMs);
  await c.exited;
  clearTimeout(timer);
}

/** Waits until `line` matches or the child exits; `what` names it in the error. */
function waitForLine(c: Child, re: RegExp, what: string, timeoutMs: number, seen: { lines: string[] }): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new CliError(`${what}: not ready after ${timeoutMs / 1000} s; last output:\n${seen.lines.slice(-10).join("\n")}`)), timeoutMs);
    const check = (line: string): void => {
      const m = re.exec(line);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1] ?? line);
      }
    };
    for (const l of seen.lines) check(l);
    (c as Child & { watch?: (l: string) => void }).watch = check;
    void c.exited.then((code) => {
      clearTimeout(timer);
      reject(new CliError(`${what} exited (code ${code}) before it was ready; last output:\n${seen.lines.slice(-10).join("\n")}`));
    });
  });
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

  const start = (name: string, args: string[], env: NodeJS.ProcessEnv = {}): { child: Child; seen: { lines: string[] } } => {
    const seen = { lines: [] as string[] };
    const child: Child & { watch?: (l: string) => void } = spawnChild(name, args, env, path.join(dir, `${name}.log`), (l) => {
      seen.lines.push(l);
      if (seen.lines.length > 200) seen.lines.shift();
      child.watch?.(l);
      if (ready && name !== "l1") console.log(`[${name}] ${l}`); // the L1 node's request log stays in l1.log
    });
    children.push(child);
    return { child, seen };
  };
  let ready = false;
  const node = process.execPath;
  const stopOnSignal = new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  try {
    console.log(`devnet: data directory ${dir}${o.keep ? " (kept on exit)" : " (removed on exit; --keep keeps it)"}`);
    const l1Url = `http://127.0.0.1:${l1Port}`;
    const l1 = start("l1", [node, path.join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js"), "node", "--port", String(l1Port), "--hostname", "127.0.0.1"]);
    await waitForLine(l1.child, /(Started HTTP and WebSocket JSON-RPC server at .*)/, "the L1 hardhat node", 120_000, l1.seen);
    console.log(`devnet: L1 hardhat node at ${l1Url}`);

    const keys = devKeys(20);
    const provider = new JsonRpcProvider(l1Url, undefined, { cacheTimeout: -1 });
    const accounts = ((await provider.send("eth_accounts", [])) as string[]).map((a) => getAddress(a));
    provider.destroy();
    for (const i of [0, DEVNET_ROLES.sequencer, ...DEVNET_ROLES.validators]) {
      if (accounts[i] !== keys[i]!.address) throw new CliError(`the L1 node's account ${i} is ${accounts[i]}, not the dev key's ${keys[i]!.address}: is the hardhat config's account list customised?`);
    }
    const params = {
      council: { members: DEVNET_ROLES.council.map((i) => accounts[i]), threshold: 6 },
      timelockDelay: 3600,
      sequencers: [accounts[DEVNET_ROLES.sequencer]],
      validators: { members: DEVNET_ROLES.validators.map((i) => accounts[i]), threshold: 2 },
    };
    const paramsFile = path.join(dir, "params.json");
    writeFileSync(paramsFile, JSON.stringify(params, null, 2));
    const deploymentFile = path.join(dir, "deployment.json");
    console.log("devnet: deploying the stack (sovereign-deploy --network localhost) …");
    const deploy = start("deploy", [node, path.join(ROOT, "bin", "sovereign-deploy.js"), "--network", "localhost", "--params", paramsFile, "--out", deploymentFile], { LOCALHOST_URL: l1Url });
    const code = await deploy.child.exited;
    if (code !== 0) throw new CliError(`the deploy failed (exit ${code}):\n${deploy.seen.lines.slice(-15).join("\n")}`);
    children.splice(children.indexOf(deploy.child), 1);

    const demoToken = await deployDevToken(l1Url, keys[0]!.privateKey, DEVNET_ROLES.citizens.map((i) => keys[i]!.address));

    const genesisFile = path.join(dir, "l2-genesis.json");
    const funded = [...DEVNET_ROLES.citizens, 0].map((i) => keys[i]!.address);
    writeFileSync(genesisFile, genesisToJson(devnetGenesis(funded, keys[0]!.address, BigInt(Math.floor(Date.now() / 1000)))));
    const keyFile = (name: string, key: string): string => {
      const f = path.join(dir, "keys", `${name}.key`);
      mkdirSync(path.dirname(f), { recursive: true, mode: 0o700 });
      writeFileSync(f, key + "\n", { mode: 0o600 });
      chmodSync(f, 0o600);
      return f;
    };
    const common = ["--l1-rpc", l1Url, "--deployment", deploymentFile, "--genesis", genesisFile];
    const mainTs = path.join(ROOT, "chain-node", "src", "node", "main.ts");
    const seq = start("sequencer", [node, mainTs, "sequencer", "--data-dir", path.join(dir, "sequencer"), ...common, "--key-file", keyFile("sequencer", keys[DEVNET_ROLES.sequencer]!.privateKey), "--rpc-port", String(l2Port), "--seal-interval", String(sealMs), "--post-interval", "2000"]);
    const validators = DEVNET_ROLES.validators.map((k, n) =>
      start(`validator-${n + 1}`, [node, mainTs, "validator", "--data-dir", path.join(dir, `validator-${n + 1}`), ...common, "--key-file", keyFile(`validator-${n + 1}`, keys[k]!.privateKey), "--board", path.join(dir, "board"), "--step-interval", "2000"]),
    );
    const l2Url = await waitForLine(seq.child, /ready: .*L2 RPC (\S+)/, "the sequencer", 120_000, seq.seen);
    for (const [n, v] of validators.entries()) await waitForLine(v.child, /(ready: .*)/, `validator ${n + 1}`, 120_000, v.seen);
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
