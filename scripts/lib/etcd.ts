/**
 * etcd for tests and tools: find the `etcd` binary (installing Debian's `etcd-server` when it is missing and
 * we may), start a 1- or 3-member cluster on loopback in a temporary directory with free ports, wait until it
 * is healthy, kill / pause / resume / restart single members (chaos tests), and stop it, waiting for every
 * member process to exit so that its ports are free again.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** How to get etcd, for every message that says it is missing. */
export const ETCD_INSTALL_HINT =
  "install etcd 3.4 or later so that `etcd` is on PATH: on Debian/Ubuntu `sudo apt-get install -y etcd-server`, " +
  "elsewhere a release from https://github.com/etcd-io/etcd/releases";

/** etcd could not be found or installed. */
export class EtcdUnavailableError extends Error {
  override readonly name = "EtcdUnavailableError";
}

/** The `etcd` executable on `envPath` (default PATH), if any. */
export function findEtcd(envPath = process.env.PATH ?? ""): string | undefined {
  for (const d of envPath.split(path.delimiter).filter((x) => x !== "")) {
    const p = path.join(d, "etcd");
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Options of {@link ensureEtcd}. */
export interface EnsureEtcdOptions {
  /** Install Debian's `etcd-server` with apt-get when etcd is missing, we are root and on Debian (default true). */
  readonly install?: boolean;
  /** Where the one line saying that etcd is being installed goes (default stderr). */
  readonly log?: (line: string) => void;
  /** PATH to search (default process.env.PATH). */
  readonly envPath?: string;
  /** The apt-get command (default "apt-get"; tests pass a stand-in). */
  readonly aptGet?: string;
}

let aptUpdated = false;

/**
 * The path of `etcd`. When it is missing and this is Debian run as root, installs `etcd-server` (`apt-get
 * update` once, then `apt-get install -y etcd-server`, saying so in one line). Otherwise throws
 * {@link EtcdUnavailableError} with {@link ETCD_INSTALL_HINT}. Never returns without a usable binary.
 */
export function ensureEtcd(opts: EnsureEtcdOptions = {}): string {
  const found = findEtcd(opts.envPath);
  if (found !== undefined) return found;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const isDebian = existsSync("/etc/debian_version");
  if (!(opts.install ?? true) || !isRoot || !isDebian) {
    const why = !(opts.install ?? true) ? "installing was not allowed" : !isDebian ? "this is not Debian" : "this process is not root";
    throw new EtcdUnavailableError(`etcd not found on PATH and not installed automatically (${why}): ${ETCD_INSTALL_HINT}`);
  }
  (opts.log ?? ((l: string) => process.stderr.write(l + "\n")))("etcd not found: installing Debian's etcd-server with apt-get (about 30 s, once)");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const apt = opts.aptGet ?? "apt-get";
  try {
    if (!aptUpdated) {
      execFileSync(apt, ["update"], { stdio: ["ignore", "ignore", "pipe"], env });
      aptUpdated = true;
    }
    execFileSync(apt, ["install", "-y", "--no-install-recommends", "etcd-server"], { stdio: ["ignore", "ignore", "pipe"], env });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim().split("\n").slice(-3).join(" | ") ?? (e as Error).message;
    throw new EtcdUnavailableError(`apt-get could not install etcd-server (${stderr}): ${ETCD_INSTALL_HINT}`);
  }
  const installed = findEtcd(opts.envPath);
  if (installed === undefined) throw new EtcdUnavailableError(`etcd-server was installed but no etcd binary is on PATH: ${ETCD_INSTALL_HINT}`);
  return installed;
}

/** `n` distinct free TCP ports on 127.0.0.1 (held open together, then released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once("error", reject);
          s.listen(0, "127.0.0.1", () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const a = s.address();
    if (a === null || typeof a === "string") throw new Error("freePorts: no TCP address");
    return a.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return ports;
}

/** One member of an {@link EtcdCluster}. */
export interface EtcdMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  readonly logFile: string;
}

/** Options of {@link EtcdCluster.start}. */
export interface EtcdClusterOptions {
  /** Members: 1 or 3 (default 1). */
  readonly members?: 1 | 3;
  /** The server's `--max-txn-ops` (default 1024, so that a group commit may hold 128+ entries). */
  readonly maxTxnOps?: number;
  /** Milliseconds to wait for health (default 15 000). */
  readonly healthTimeoutMs?: number;
  /** Where to put the data directories (default a fresh temporary directory, removed by stop). */
  readonly dir?: string;
  /** Forwarded to {@link ensureEtcd}. */
  readonly ensure?: EnsureEtcdOptions;
}

/** A local etcd cluster on loopback, for tests, benches and the devnet. */
export class EtcdCluster {
  readonly members: readonly EtcdMember[];
  readonly #bin: string;
  readonly #dir: string;
  readonly #ownsDir: boolean;
  readonly #initialCluster: string;
  readonly #maxTxnOps: number;
  readonly #procs = new Map<number, ChildProcess>();
  readonly #paused = new Set<number>();

  private constructor(bin: string, dir: string, ownsDir: boolean, members: EtcdMember[], maxTxnOps: number) {
    this.#bin = bin;
    this.#dir = dir;
    this.#ownsDir = ownsDir;
    this.members = members;
    this.#maxTxnOps = maxTxnOps;
    this.#initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(",");
  }

  /** Finds (or installs) etcd, starts the members and waits until every one is healthy. */
  static async start(opts: EtcdClusterOptions = {}): Promise<EtcdCluster> {
    const n = opts.members ?? 1;
    if (n !== 1 && n !== 3) throw new RangeError(`EtcdCluster: members must be 1 or 3, got ${String(n)}`);
    const maxTxnOps = opts.maxTxnOps ?? 1024;
    if (!Number.isInteger(maxTxnOps) || maxTxnOps < 1) throw new RangeError(`EtcdCluster: maxTxnOps must be a positive integer, got ${maxTxnOps}`);
    const bin = ensureEtcd(opts.ensure);
    const ownsDir = opts.dir === undefined;
    const dir = opts.dir ?? mkdtempSync(path.join(tmpdir(), "etcd-cluster-"));
    const ports = await freePorts(2 * n);
    const members: EtcdMember[] = Array.from({ length: n }, (_, i) => ({
      name: `m${i}`,
      clientUrl: `http://127.0.0.1:${ports[2 * i]!}`,
      peerUrl: `http://127.0.0.1:${ports[2 * i + 1]!}`,
      dataDir: path.join(dir, `m${i}`),
      logFile: path.join(dir, `m${i}.log`),
    }));
    const cluster = new EtcdCluster(bin, dir, ownsDir, members, maxTxnOps);
    try {
      for (let i = 0; i < n; i++) cluster.#spawn(i);
      await cluster.waitHealthy(opts.healthTimeoutMs ?? 15_000);
    } catch (e) {
      await cluster.stop();
      throw e;
    }
    return cluster;
  }

  /** The client endpoints of every member, for the etcd client. */
  get endpoints(): string[] {
    return this.members.map((m) => m.clientUrl);
  }

  /** Whether member `i` has a live process. */
  isRunning(i: number): boolean {
    return this.#procs.has(this.#check(i));
  }

  /** The process id of member `i`, if running. */
  pid(i: number): number | undefined {
    return this.#procs.get(this.#check(i))?.pid;
  }

  /** Waits until every running member answers `/health` with `true`. */
  async waitHealthy(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const running = [...this.#procs.keys()];
    for (;;) {
      const ok = await Promise.all(running.map((i) => memberHealthy(this.members[i]!.clientUrl)));
      if (ok.every(Boolean)) return;
      if (Date.now() > deadline) {
        const bad = running.filter((_, j) => !ok[j]).map((i) => `${this.members[i]!.name} (log: ${this.members[i]!.logFile})`);
        throw new EtcdUnavailableError(`etcd members not healthy after ${timeoutMs} ms: ${bad.join(", ")}`);
      }
      await sleep(50);
    }
  }

  /** Sends `signal` to member `i` and waits for its process to exit (SIGKILL by default). */
  async kill(i: number, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const p = this.#procs.get(this.#check(i));
    if (p === undefined) return;
    const exited = waitExit(p);
    if (this.#paused.has(i) && signal !== "SIGKILL") p.kill("SIGCONT");
    p.kill(signal);
    await exited;
    this.#paused.delete(i);
  }

  /** Freezes member `i` (SIGSTOP): it holds its ports but answers nothing. */
  pause(i: number): void {
    const p = this.#procs.get(this.#check(i));
    if (p === undefined) throw new Error(`etcd member ${i} is not running`);
    p.kill("SIGSTOP");
    this.#paused.add(i);
  }

  /** Thaws member `i` (SIGCONT). */
  resume(i: number): void {
    const p = this.#procs.get(this.#check(i));
    if (p === undefined) throw new Error(`etcd member ${i} is not running`);
    p.kill("SIGCONT");
    this.#paused.delete(i);
  }

  /** Starts member `i` again on its data directory (after {@link kill}). Does not wait for health. */
  restart(i: number): void {
    if (this.#procs.has(this.#check(i))) throw new Error(`etcd member ${i} is still running`);
    this.#spawn(i);
  }

  /** Stops every member, waits for each process to exit, and removes the temporary directory it made. */
  async stop(): Promise<void> {
    await Promise.all(
      [...this.#procs.keys()].map(async (i) => {
        const p = this.#procs.get(i)!;
        const exited = waitExit(p);
        if (this.#paused.has(i)) p.kill("SIGCONT");
        // A throwaway cluster is killed outright (its WAL is fsync'd anyway); a kept one gets a second to stop.
        p.kill(this.#ownsDir ? "SIGKILL" : "SIGTERM");
        const t = setTimeout(() => p.kill("SIGKILL"), 1000);
        await exited;
        clearTimeout(t);
      }),
    );
    this.#paused.clear();
    if (this.#ownsDir) rmSync(this.#dir, { recursive: true, force: true });
  }

  #spawn(i: number): void {
    const m = this.members[i]!;
    mkdirSync(m.dataDir, { recursive: true });
    const fd = openSync(m.logFile, "a");
    const args = [
      `--name=${m.name}`,
      `--data-dir=${m.dataDir}`,
      `--listen-client-urls=${m.clientUrl}`,
      `--advertise-client-urls=${m.clientUrl}`,
      `--listen-peer-urls=${m.peerUrl}`,
      `--initial-advertise-peer-urls=${m.peerUrl}`,
      `--initial-cluster=${this.#initialCluster}`,
      "--initial-cluster-state=new",
      `--initial-cluster-token=${path.basename(this.#dir)}`,
      `--max-txn-ops=${this.#maxTxnOps}`,
      "--logger=zap",
      "--log-outputs=stderr",
    ];
    const p = spawn(this.#bin, args, { stdio: ["ignore", fd, fd], detached: false });
    closeSync(fd);
    this.#procs.set(i, p);
    p.once("exit", () => {
      if (this.#procs.get(i) === p) this.#procs.delete(i);
    });
  }

  #check(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.members.length) throw new RangeError(`etcd member index ${i} out of range [0, ${this.members.length})`);
    return i;
  }
}

async function memberHealthy(clientUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { health?: string };
    return res.ok && body.health === "true";
  } catch {
    return false;
  }
}

function waitExit(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => p.once("exit", () => resolve()));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
