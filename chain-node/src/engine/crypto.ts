/**
 * Native sender recovery: the `secp256k1` package's libsecp256k1 binding, plugged into ethereumjs through
 * `Common`'s `customCrypto.ecrecover`. Pure-JS recovery costs about 5 ms per transaction; this costs 0.1–0.4 ms.
 */
import { createRequire } from "node:module";

import type { CustomCrypto } from "@ethereumjs/common";

/** The two calls we use from the `secp256k1` package (it ships no types). */
interface Secp256k1Native {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed?: boolean): Uint8Array;
}

const require = createRequire(import.meta.url);
/** `secp256k1/bindings` is the native addon only: it throws at load if the prebuild is missing, never falls back to JS. */
const native = require("secp256k1/bindings") as Secp256k1Native;

/** How many recoveries went through the native binding (lets tests prove the engine uses it). */
export const nativeRecoveries = { count: 0 };

function leftPad32(b: Uint8Array): Uint8Array {
  if (b.length === 32) return b;
  if (b.length > 32) throw new Error("signature component longer than 32 bytes");
  const out = new Uint8Array(32);
  out.set(b, 32 - b.length);
  return out;
}

/** The recovery id (0 or 1) from `v`, with the same rules as ethereumjs' `calculateSigRecovery`. */
function recoveryId(v: bigint, chainId?: bigint): number {
  if (v === 0n || v === 1n) return Number(v);
  const rec = chainId === undefined ? v - 27n : v - (chainId * 2n + 35n);
  if (rec !== 0n && rec !== 1n) throw new Error("Invalid signature v value");
  return Number(rec);
}

/**
 * ethereumjs' `ecrecover` contract: the 64-byte uncompressed public key (without the 0x04 prefix) of the
 * signer of `msgHash`. Throws on any invalid signature (bad v, r or s out of range, no point).
 */
export function nativeEcrecover(msgHash: Uint8Array, v: bigint, r: Uint8Array, s: Uint8Array, chainId?: bigint): Uint8Array {
  const sig = new Uint8Array(64);
  sig.set(leftPad32(r), 0);
  sig.set(leftPad32(s), 32);
  const pub = native.ecdsaRecover(sig, recoveryId(v, chainId), msgHash, false);
  nativeRecoveries.count++;
  return pub.slice(1);
}

/** The `customCrypto` to pass to `Common`: native ecrecover for transaction senders and the ECRECOVER precompile. */
export const nativeCrypto: CustomCrypto = { ecrecover: nativeEcrecover };
