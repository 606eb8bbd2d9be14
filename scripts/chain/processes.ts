/**
 * Child processes of the local chains (`npm run chain -- devnet`, the HA cluster of the chaos tests and benches):
 * each node runs in a process group of its own, its output is split into lines (kept in memory, optionally
 * appended to a log file, and matched by waiters), and it is stopped by signalling its whole group and waiting for
 * its exit, so that no process outlives its owner. Also: free ports, Hardhat's public dev keys, and the dev
 * ERC-20 the local chains hand out.
 *
 * Every key here is one of Hardhat's well-known dev keys: for local chains only.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { ContractFactory, HDNodeWallet, JsonRpcProvider, Mnemonic, NonceManager, Wallet, getAddress, type InterfaceAbi } from "ethers";

import { CliError } from "../lib/cli.ts";

/** The repository root (children run there). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Hardhat's default dev mnemonic: every key it derives is public knowledge. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";
/** How much of the dev token each holder gets. */
export const DEV_TOKEN_MINT = 1_000_000n * 10n ** 18n;
/** Lines of output a child keeps in memory (older ones are only in its log file). */
const KEPT_LINES = 5000;

/** A child process in its own process group, with its output as lines and its exit awaited. */
export interface Child {
  readonly name: string;
  readonly proc: ChildProcess;
  /** Resolves with the exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** The most recent lines of its stdout and stderr. */
  readonly lines: readonly string[];
  /** How many lines it has printed in all (a mark for {@link waitForLine}'s `fromLine`). */
  readonly lineCount: number;
  /** Calls `fn` on every later line; returns the unsubscribe function. */
  onLine(fn: (line: string) => void): () => void;
}

/** Options of {@link spawnChild}. */
export interface SpawnOptions {
  /** Extra environment (merged over ours). */
  readonly env?: NodeJS.ProcessEnv;
  /** Appends every line to this file. */
  readonly logFile?: string;
  /** Called on every line. */
  readonly onLine?: (line: string) => void;
  /** Working directory (default the repository root). */
  readonly cwd?: string;
}

/** Whether the process is gone. */
export function hasExited(c: Child): boolean {
  return c.proc.exitCode !== null || c.proc.signalCode !== null;
}

/** Spawns `args[0] args[1..]` detached (a process group of its own, so a terminal's Ctrl-C reaches only us). */
export function spawnChild(name: string, args: readonly string[], o: SpawnOptions = {}): Child {
  if (args.length === 0) throw new CliError(`spawnChild ${name}: no command`);
  const proc = spawn(args[0]!, args.slice(1), { cwd: o.cwd ?? ROOT, env: { ...process.env, ...o.env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  let count = 0;
  let buf = "";
  const feed = (chunk: Buffer): void => {
    buf += chunk.toString();
    let i: number;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      count++;
      lines.push(line);
      if (lines.length > KEPT_LINES) lines.shift();
      if (o.logFile !== undefined) appendFileSync(o.logFile, line + "\n");
      o.onLine?.(line);
      for (const l of [...listeners]) l(line);
    }
  };
  proc.stdout!.on("data", feed);
  proc.stderr!.on("data", feed);
  return {
    name,
    proc,
    exited,
    lines,
    get lineCount() {
      return count;
    },
    onLine(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

/** Sends `signal` to the child's whole process group; false if it is already gone. */
export function signalChild(c: Child, signal: NodeJS.Signals): boolean {
  if (hasExited(c) || c.proc.pid === undefined) return false;
  try {
    process.kill(-c.proc.pid, signal);
    return true;
  } catch {
    return false; // exited meanwhile
  }
}

/** Sends SIGTERM to a child's process group (SIGCONT first, in case it is stopped), then SIGKILL after `graceMs`; resolves once it exited. */
export async function stopChild(c: Child, graceMs = 10_000): Promise<void> {
  if (!signalChild(c, "SIGTERM")) return;
  signalChild(c, "SIGCONT");
  const timer = setTimeout(() => signalChild(c, "SIGKILL"), graceMs);
  await c.exited;
  clearTimeout(timer);
}

/** Sends SIGKILL to a child's process group and waits for its exit. */
export async function killChild(c: Child): Promise<void> {
  signalChild(c, "SIGKILL");
  await c.exited;
}

/** The last `n` lines of a child, for error messages. */
export function tail(c: Child, n = 10): string {
  return c.lines.slice(-n).join("\n");
}

/** The kept lines printed after `mark` (a {@link Child.lineCount} taken earlier). */
export function linesSince(c: Child, mark: number): string[] {
  const n = c.lineCount - mark;
  return n <= 0 ? [] : c.lines.slice(Math.max(0, c.lines.length - n));
}

/** Options of {@link waitForLine}. */
export interface WaitForLineOptions {
  /** Match only lines printed after this many (a {@link Child.lineCount} taken earlier); default 0: every kept line. */
  readonly fromLine?: number;
}

/**
 * Waits until a line matches `re` (resolving with its first group, or the line) or rejects when the child exits
 * first or after `timeoutMs`; `what` names the child in the error, which quotes its last lines.
 */
export function waitForLine(c: Child, re: RegExp, what: string, timeoutMs: number, o: WaitForLineOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    let unsubscribe: () => void = () => undefined;
    const done = (f: () => void): void => {
      clearTimeout(timer);
      unsubscribe();
      f();
    };
    const timer = setTimeout(() => done(() => reject(new CliError(`${what}: ${re} not seen after ${timeoutMs / 1000} s; last output:\n${tail(c)}`))), timeoutMs);
    const check = (line: string): boolean => {
      const m = re.exec(line);
      if (m === null) return false;
      done(() => resolve(m[1] ?? line));
      return true;
    };
    const skip = Math.max(0, (o.fromLine ?? 0) - (c.lineCount - c.lines.length));
    for (const l of c.lines.slice(skip)) if (check(l)) return;
    unsubscribe = c.onLine((l) => void check(l));
    void c.exited.then((code) => done(() => reject(new CliError(`${what} exited (code ${code}) before ${re} was seen; last output:\n${tail(c)}`))));
  });
}

/** A TCP port nobody listens on now. */
export async function freePort(): Promise<number> {
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

/** Deploys the repository's TestToken (a mintable ERC-20, test code) on a local L1 and mints {@link DEV_TOKEN_MINT} to each of `holders`. */
export async function deployDevToken(l1Url: string, deployerKey: string, holders: readonly string[]): Promise<string> {
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

/** Writes a key file (mode 0600) under `<dir>/keys/` (outside the repository, as the node requires) and returns its path. */
export function writeKeyFile(dir: string, name: string, key: string): string {
  const f = path.join(dir, "keys", `${name}.key`);
  mkdirSync(path.dirname(f), { recursive: true, mode: 0o700 });
  writeFileSync(f, key + "\n", { mode: 0o600 });
  chmodSync(f, 0o600);
  return f;
}

/** Starts `hardhat node` on 127.0.0.1:`port` and waits until it serves; returns the child and its URL. */
export async function startHardhatL1(port: number, o: SpawnOptions = {}, timeoutMs = 120_000): Promise<{ child: Child; url: string }> {
  const child = spawnChild("l1", [process.execPath, path.join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js"), "node", "--port", String(port), "--hostname", "127.0.0.1"], o);
  try {
    await waitForLine(child, /(Started HTTP and WebSocket JSON-RPC server at .*)/, "the L1 hardhat node", timeoutMs);
  } catch (e) {
    await stopChild(child);
    throw e;
  }
  return { child, url: `http://127.0.0.1:${port}` };
}

/**
 * Checks that the L1 node's accounts at `indexes` are Hardhat's dev keys (the deploy pipeline signs with the node's
 * accounts, the nodes with the dev keys) and returns the node's whole account list.
 */
export async function checkDevAccounts(l1Url: string, indexes: readonly number[]): Promise<string[]> {
  const keys = devKeys(Math.max(...indexes) + 1);
  const provider = new JsonRpcProvider(l1Url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  try {
    const accounts = ((await provider.send("eth_accounts", [])) as string[]).map((a) => getAddress(a));
    for (const i of indexes) {
      if (accounts[i] !== keys[i]!.address) throw new CliError(`the L1 node's account ${i} is ${accounts[i]}, not the dev key's ${keys[i]!.address}: is the hardhat config's account list customised?`);
    }
    return accounts;
  } finally {
    provider.destroy();
  }
}

/**
 * Deploys the stack on a local L1 with the deploy pipeline (`sovereign-deploy --network localhost --params`),
 * writing `<dir>/params.json` and `<dir>/deployment.json`; returns the deployment file. Throws with the
 * deployer's last lines when it fails.
 */
export async function deployLocalStack(l1Url: string, dir: string, params: object, o: Omit<SpawnOptions, "env"> = {}): Promise<string> {
  const paramsFile = path.join(dir, "params.json");
  writeFileSync(paramsFile, JSON.stringify(params, null, 2));
  const deploymentFile = path.join(dir, "deployment.json");
  const deploy = spawnChild("deploy", [process.execPath, path.join(ROOT, "bin", "sovereign-deploy.js"), "--network", "localhost", "--params", paramsFile, "--out", deploymentFile], { ...o, env: { LOCALHOST_URL: l1Url } });
  const code = await deploy.exited;
  if (code !== 0) throw new CliError(`the deploy failed (exit ${code}):\n${tail(deploy, 15)}`);
  return deploymentFile;
}

/**
 * Resolves with the first SIGINT or SIGTERM. Later ones are answered with a line, not the default exit: a second
 * Ctrl-C while stopping must not kill this process before its children (in process groups of their own) are stopped.
 */
export function firstStopSignal(): Promise<string> {
  return new Promise<string>((resolve) => {
    let first: string | undefined;
    const onSignal = (sig: string): void => {
      if (first === undefined) resolve((first = sig));
      else console.log(`${sig}: already stopping (children that do not stop get SIGKILL within seconds)`);
    };
    process.on("SIGINT", () => onSignal("SIGINT"));
    process.on("SIGTERM", () => onSignal("SIGTERM"));
  });
}
