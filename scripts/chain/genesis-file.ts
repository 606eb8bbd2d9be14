/**
 * The L2 genesis as a JSON file (what a node was started with): `GenesisConfig` with every number a decimal or 0x-hex
 * string. The escape tools need it to open a node's data directory (the directory refuses any other genesis).
 */
import { readFile } from "node:fs/promises";

import type { GenesisConfig } from "@sovereign-stack/node";

import { CliError } from "../lib/cli.ts";

const HARDFORKS = ["cancun", "prague"] as const;

function num(v: unknown, field: string, file: string): bigint {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === "string" && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) return BigInt(v);
  throw new CliError(`genesis ${file}: ${field} must be a non-negative integer (number, decimal or 0x-hex string), got ${JSON.stringify(v)}`);
}

/** Reads and checks a genesis file. */
export async function readGenesisFile(file: string): Promise<GenesisConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new CliError(`cannot read the genesis file ${file}: ${(e as Error).message}`);
  }
  if (typeof raw !== "object" || raw === null) throw new CliError(`genesis ${file}: must be a JSON object`);
  const g = raw as Record<string, unknown>;
  const hardfork = g.hardfork;
  if (!HARDFORKS.includes(hardfork as (typeof HARDFORKS)[number])) throw new CliError(`genesis ${file}: hardfork must be one of ${HARDFORKS.join(", ")}, got ${JSON.stringify(hardfork)}`);
  if (typeof g.coinbase !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(g.coinbase)) throw new CliError(`genesis ${file}: coinbase must be an address`);
  if (typeof g.alloc !== "object" || g.alloc === null) throw new CliError(`genesis ${file}: alloc must be an object of address → account`);
  const chainId = num(g.chainId, "chainId", file);
  if (chainId === 0n || chainId > BigInt(Number.MAX_SAFE_INTEGER)) throw new CliError(`genesis ${file}: chainId must be a positive safe integer`);
  const alloc: Record<string, GenesisConfig["alloc"][string]> = {};
  for (const [addr, acct] of Object.entries(g.alloc as Record<string, unknown>)) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(addr)) throw new CliError(`genesis ${file}: alloc key ${addr} is not an address`);
    if (typeof acct !== "object" || acct === null) throw new CliError(`genesis ${file}: alloc[${addr}] must be an object`);
    const a = acct as Record<string, unknown>;
    if (a.code !== undefined && (typeof a.code !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(a.code))) throw new CliError(`genesis ${file}: alloc[${addr}].code must be 0x-hex`);
    const storage: Record<string, bigint> = {};
    for (const [slot, v] of Object.entries((a.storage ?? {}) as Record<string, unknown>)) storage[slot] = num(v, `alloc[${addr}].storage[${slot}]`, file);
    alloc[addr] = {
      balance: num(a.balance ?? 0, `alloc[${addr}].balance`, file),
      nonce: num(a.nonce ?? 0, `alloc[${addr}].nonce`, file),
      ...(a.code === undefined ? {} : { code: a.code as string }),
      storage,
    };
  }
  return {
    chainId: Number(chainId),
    hardfork: hardfork as GenesisConfig["hardfork"],
    timestamp: num(g.timestamp, "timestamp", file),
    gasLimit: num(g.gasLimit, "gasLimit", file),
    baseFeePerGas: num(g.baseFeePerGas, "baseFeePerGas", file),
    coinbase: g.coinbase,
    alloc,
  };
}

/** A genesis as the JSON {@link readGenesisFile} reads (numbers as decimal strings). */
export function genesisToJson(g: GenesisConfig): string {
  return JSON.stringify(g, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}
