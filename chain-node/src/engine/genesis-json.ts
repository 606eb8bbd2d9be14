/**
 * The L2 genesis as a JSON document (what a node is started with, and what the escape tools need to open a node's
 * data directory): `GenesisConfig` with every number a JSON number, a decimal string or a 0x-hex string. The one
 * parser and writer of that format: every reader (node processes, the chain CLI, the escape tools) goes through it.
 */
import type { GenesisConfig } from "./genesis.ts";

/** A genesis document that breaks the format; the message names the document and the field. */
export class GenesisFormatError extends Error {
  override readonly name = "GenesisFormatError";
}

const HARDFORKS = ["cancun", "prague"] as const;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

function num(v: unknown, field: string, where: string): bigint {
  if (typeof v === "bigint" && v >= 0n) return v;
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === "string" && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) return BigInt(v);
  throw new GenesisFormatError(`genesis ${where}: ${field} must be a non-negative integer (number, decimal or 0x-hex string), got ${JSON.stringify(v)}`);
}

/** Parses and checks a genesis document; `where` (a file name) is quoted in errors. */
export function parseGenesisDocument(text: string, where: string): GenesisConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new GenesisFormatError(`genesis ${where}: not JSON (${(e as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new GenesisFormatError(`genesis ${where}: must be a JSON object`);
  const g = raw as Record<string, unknown>;
  const hardfork = g["hardfork"];
  if (!HARDFORKS.includes(hardfork as (typeof HARDFORKS)[number])) throw new GenesisFormatError(`genesis ${where}: hardfork must be one of ${HARDFORKS.join(", ")}, got ${JSON.stringify(hardfork)}`);
  if (typeof g["coinbase"] !== "string" || !ADDRESS.test(g["coinbase"])) throw new GenesisFormatError(`genesis ${where}: coinbase must be an address`);
  if (typeof g["alloc"] !== "object" || g["alloc"] === null || Array.isArray(g["alloc"])) throw new GenesisFormatError(`genesis ${where}: alloc must be an object of address → account`);
  const chainId = num(g["chainId"], "chainId", where);
  if (chainId === 0n || chainId > BigInt(Number.MAX_SAFE_INTEGER)) throw new GenesisFormatError(`genesis ${where}: chainId must be a positive safe integer`);
  const alloc: Record<string, GenesisConfig["alloc"][string]> = {};
  for (const [addr, acct] of Object.entries(g["alloc"] as Record<string, unknown>)) {
    if (!ADDRESS.test(addr)) throw new GenesisFormatError(`genesis ${where}: alloc key ${addr} is not an address`);
    if (typeof acct !== "object" || acct === null) throw new GenesisFormatError(`genesis ${where}: alloc[${addr}] must be an object`);
    const a = acct as Record<string, unknown>;
    if (a["code"] !== undefined && (typeof a["code"] !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(a["code"]))) throw new GenesisFormatError(`genesis ${where}: alloc[${addr}].code must be 0x-hex`);
    const storage: Record<string, bigint> = {};
    for (const [slot, v] of Object.entries((a["storage"] ?? {}) as Record<string, unknown>)) storage[slot] = num(v, `alloc[${addr}].storage[${slot}]`, where);
    alloc[addr] = {
      balance: num(a["balance"] ?? 0, `alloc[${addr}].balance`, where),
      nonce: num(a["nonce"] ?? 0, `alloc[${addr}].nonce`, where),
      ...(a["code"] === undefined ? {} : { code: a["code"] as string }),
      storage,
    };
  }
  return {
    chainId: Number(chainId),
    hardfork: hardfork as GenesisConfig["hardfork"],
    timestamp: num(g["timestamp"], "timestamp", where),
    gasLimit: num(g["gasLimit"], "gasLimit", where),
    baseFeePerGas: num(g["baseFeePerGas"], "baseFeePerGas", where),
    coinbase: g["coinbase"] as string,
    alloc,
  };
}

/** A genesis as the JSON {@link parseGenesisDocument} reads (numbers as decimal strings). */
export function genesisToJson(g: GenesisConfig): string {
  return JSON.stringify(g, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}
