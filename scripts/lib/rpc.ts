/**
 * Read-only connections for the command-line tools, without Hardhat: a named network or `--rpc-url`, a timeout
 * on every call, and errors that name the endpoint. Keys are loaded separately (scripts/lib/keys.ts) and only by
 * commands that send.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

import { FetchRequest, JsonRpcProvider, Network } from "ethers";

import { CliError, UsageError, setRpcContext, userPath } from "./cli.ts";
import { EXIT_NETWORKS, PUBLIC_NETWORKS, isInteractive, localhostUrl, rpcHost } from "./networks.ts";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");

export interface EndpointOptions {
  readonly network?: string;
  readonly rpcUrl?: string;
  readonly timeout?: string;
}

export interface Endpoint {
  /** The network's name, or "custom" for a bare `--rpc-url`. */
  readonly name: string;
  readonly url: string;
  readonly host: string;
  readonly timeoutS: number;
  /** The chain id the network must have (named public networks). */
  readonly expectedChainId?: number;
}

export interface Rpc extends Endpoint {
  readonly provider: JsonRpcProvider;
  readonly chainId: number;
}

/** Parses `--timeout <seconds>`. */
export function timeoutSeconds(raw: string | undefined): number {
  if (raw === undefined) return 30;
  const s = Number(raw);
  if (!Number.isFinite(s) || s <= 0 || s > 3600) throw new UsageError(`--timeout must be a number of seconds between 0 and 3600, got ${raw}`);
  return s;
}

/** Reads a configuration variable from the environment, or from the Hardhat keystore when a person is there to type its password. */
export async function configValue(name: string, fix: string): Promise<string> {
  const v = process.env[name];
  if (v !== undefined && v.trim() !== "") return v.trim();
  if (!isInteractive()) {
    throw new CliError(`${name} is not set in the environment (${fix}); a non-interactive run (no terminal, or CI) does not open the Hardhat keystore, so export ${name}=… in the environment`);
  }
  const { resolveKeystoreVariable } = await import("./keys.ts");
  const value = await resolveKeystoreVariable(name);
  if (value === undefined) throw new CliError(`${name} is not set: export ${name}=… (${fix}) or store it with \`npx hardhat keystore set ${name}\``);
  return value.trim();
}

/** Resolves where to connect: --rpc-url, then --network, then ETH_RPC_URL / RPC_URL. */
export async function resolveEndpoint(o: EndpointOptions): Promise<Endpoint> {
  const timeoutS = timeoutSeconds(o.timeout);
  if (o.network !== undefined && !EXIT_NETWORKS.includes(o.network)) {
    throw new UsageError(`--network ${o.network} does not exist; choose one of: ${EXIT_NETWORKS.join(", ")}, or pass --rpc-url <url>`);
  }
  if (o.rpcUrl !== undefined) return { name: o.network ?? "custom", url: o.rpcUrl, host: rpcHost(o.rpcUrl), timeoutS, expectedChainId: o.network === undefined ? undefined : PUBLIC_NETWORKS[o.network]?.chainId };
  if (o.network === "localhost") return { name: "localhost", url: localhostUrl(), host: rpcHost(localhostUrl()), timeoutS, expectedChainId: 31337 };
  if (o.network !== undefined) {
    const net = PUBLIC_NETWORKS[o.network]!;
    const url = await configValue(net.rpcVar, `the RPC URL of ${o.network}, or pass --rpc-url <url>`);
    return { name: o.network, url, host: rpcHost(url), timeoutS, expectedChainId: net.chainId };
  }
  const env = process.env.ETH_RPC_URL || process.env.RPC_URL;
  if (env !== undefined && env !== "") return { name: "custom", url: env, host: rpcHost(env), timeoutS };
  throw new UsageError(`say which chain: --network <${EXIT_NETWORKS.join("|")}> or --rpc-url <url> (or set ETH_RPC_URL)`);
}

/** One JSON-RPC call with a hard timeout, outside ethers (whose network detection retries forever). */
async function rawCall(url: string, method: string, timeoutS: number): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [] }),
      signal: AbortSignal.timeout(timeoutS * 1000),
    });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === "TimeoutError" || err.name === "AbortError") throw new CliError(`no answer from ${rpcHost(url)} within ${timeoutS} s (${method}); check the RPC URL or raise --timeout`);
    throw new CliError(`cannot reach ${rpcHost(url)} (${err.cause?.code ?? err.cause?.message ?? err.message}); check the RPC URL${rpcHost(url).startsWith("127.0.0.1") ? " (is `npx hardhat node` running?)" : ""}`);
  }
  let body: { result?: unknown; error?: { message?: string } };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new CliError(`${rpcHost(url)} answered HTTP ${res.status} without JSON-RPC; is this an Ethereum RPC URL?`);
  }
  if (body.error !== undefined) throw new CliError(`${rpcHost(url)} refused ${method}: ${body.error.message ?? "error"}`);
  return body.result;
}

/** Connects read-only: checks the chain id answers within the timeout, then returns a provider whose every call has that timeout. */
export async function openRpc(ep: Endpoint, log: (line: string) => void): Promise<Rpc> {
  setRpcContext(ep.host, ep.timeoutS);
  log(`connecting to ${ep.host} (${ep.name}, timeout ${ep.timeoutS} s)…`);
  const idHex = await rawCall(ep.url, "eth_chainId", ep.timeoutS);
  if (typeof idHex !== "string") throw new CliError(`${ep.host} answered eth_chainId with ${JSON.stringify(idHex)}`);
  const chainId = Number(BigInt(idHex));
  if (ep.expectedChainId !== undefined && ep.expectedChainId !== chainId) {
    throw new CliError(`${ep.host} is chain ${chainId}, not ${ep.name} (chain ${ep.expectedChainId}); check the RPC URL`);
  }
  const req = new FetchRequest(ep.url);
  req.timeout = ep.timeoutS * 1000;
  const provider = new JsonRpcProvider(req, Network.from(chainId), { staticNetwork: true, batchMaxCount: 1, polling: false });
  return { ...ep, provider, chainId };
}

/**
 * The deployment record to use: --deployment, else deployments/<network>.json, else (bare --rpc-url) the one
 * record under deployments/ for this chain id.
 */
export async function deploymentPath(o: { deployment?: string }, ep: { name: string }, chainId: number | null): Promise<string> {
  if (o.deployment !== undefined) return userPath(o.deployment);
  if (ep.name !== "custom") return path.join(ROOT, "deployments", `${ep.name}.json`);
  const dir = path.join(ROOT, "deployments");
  const matches: string[] = [];
  for (const f of (await readdir(dir).catch(() => [] as string[])).filter((x) => x.endsWith(".json") && !x.includes("params"))) {
    try {
      const rec = JSON.parse(await readFile(path.join(dir, f), "utf8")) as { chainId?: unknown; contracts?: unknown };
      if (rec.contracts !== undefined && rec.chainId === chainId) matches.push(path.join(dir, f));
    } catch {
      // not a record
    }
  }
  if (matches.length === 1) return matches[0]!;
  throw new UsageError(
    matches.length === 0
      ? `no deployment record under deployments/ is for chain ${chainId}; pass --deployment <file>`
      : `several deployment records are for chain ${chainId} (${matches.map((m) => path.basename(m)).join(", ")}); pass --deployment <file> or --network <name>`,
  );
}
