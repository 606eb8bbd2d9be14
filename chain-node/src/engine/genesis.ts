/**
 * The chain's genesis: chain id, hardfork, the fixed block parameters and the initial allocation.
 * Everything a node needs to reach the same genesis state root as every other node (and as EDR).
 */
import { createHash } from "node:crypto";

import { Mainnet, createCustomCommon, type Common } from "@ethereumjs/common";

import { nativeCrypto } from "./crypto.ts";

/** Hardforks the engine supports. Both match EDR when EDR is configured with the same name. */
export type SupportedHardfork = "cancun" | "prague";

/** One account of the genesis allocation. Numbers are decimal or 0x-hex strings, or bigints. */
export interface GenesisAccount {
  readonly balance?: bigint | string;
  readonly nonce?: bigint | string;
  /** Runtime bytecode, 0x-hex. */
  readonly code?: string;
  /** Storage slot (0x-hex, 32 bytes or shorter) → value (0x-hex or bigint). */
  readonly storage?: Readonly<Record<string, string | bigint>>;
}

/** The genesis as given by the operator. */
export interface GenesisConfig {
  readonly chainId: number;
  readonly hardfork: SupportedHardfork;
  /** Genesis block timestamp, seconds (EDR: `initialDate`). */
  readonly timestamp: bigint;
  /** Every block's gas limit (fixed for the chain's life; EDR: `blockGasLimit`). */
  readonly gasLimit: bigint;
  /** The genesis block's base fee; later blocks follow EIP-1559 from their parent (EDR: `initialBaseFeePerGas`). */
  readonly baseFeePerGas: bigint;
  /** Fee recipient of every block (EDR: `coinbase`). */
  readonly coinbase: string;
  /** Address (0x-hex) → account. */
  readonly alloc: Readonly<Record<string, GenesisAccount>>;
}

/** A sensible default for everything but the chain id and the allocation. */
export const GENESIS_DEFAULTS = {
  hardfork: "prague",
  gasLimit: 30_000_000n,
  baseFeePerGas: 1_000_000_000n,
  coinbase: "0x0000000000000000000000000000000000000000",
} as const satisfies Partial<GenesisConfig>;

/** Parses a decimal/0x-hex string or bigint. */
export function toBigInt(v: bigint | string | undefined): bigint {
  if (v === undefined) return 0n;
  return typeof v === "bigint" ? v : BigInt(v);
}

/** The `Common` for this chain: the chain id, a fixed hardfork (never switched by block/time), native ecrecover. */
export function makeCommon(genesis: Pick<GenesisConfig, "chainId" | "hardfork">): Common {
  return createCustomCommon({ chainId: genesis.chainId, name: `sovereign-${genesis.chainId}` }, Mainnet, {
    hardfork: genesis.hardfork,
    customCrypto: nativeCrypto,
  });
}

/**
 * A stable fingerprint of the genesis config (canonical JSON, sorted keys, lowercase addresses). Stored in the
 * data directory so that a node refuses to open a directory built from another genesis.
 */
export function genesisFingerprint(g: GenesisConfig): string {
  const alloc = Object.keys(g.alloc)
    .map((a) => a.toLowerCase())
    .sort()
    .map((addr) => {
      const acct = Object.entries(g.alloc).find(([k]) => k.toLowerCase() === addr)![1];
      const storage = Object.entries(acct.storage ?? {})
        .map(([k, v]) => [BigInt(k).toString(16), toBigInt(v).toString(16)] as const)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return [addr, toBigInt(acct.balance).toString(16), toBigInt(acct.nonce).toString(16), (acct.code ?? "0x").toLowerCase(), storage];
    });
  const canonical = JSON.stringify([g.chainId, g.hardfork, g.timestamp.toString(), g.gasLimit.toString(), g.baseFeePerGas.toString(), g.coinbase.toLowerCase(), alloc]);
  return createHash("sha256").update(canonical).digest("hex");
}
