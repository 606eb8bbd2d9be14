/** Field, hashing and date helpers shared by the identity module. No I/O. */
import { hexlify, randomBytes } from "ethers";
import { poseidon1, poseidon2, poseidon4, poseidon5 } from "poseidon-lite";

import { SdkInputError } from "../errors.js";

/** The BN254 scalar field order: every circuit value is below it. */
export const SNARK_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** Poseidon over 1, 2, 4 or 5 field elements (circomlib-compatible). */
export const poseidon = { h1: (a: bigint) => poseidon1([a]), h2: (a: bigint, b: bigint) => poseidon2([a, b]), h4: (v: readonly [bigint, bigint, bigint, bigint]) => poseidon4([...v]), h5: (v: readonly [bigint, bigint, bigint, bigint, bigint]) => poseidon5([...v]) };

/** A uniformly random non-zero field element from the platform CSPRNG (crypto.getRandomValues). */
export function randomField(): bigint {
  for (;;) {
    const v = BigInt(hexlify(randomBytes(32))) & ((1n << 254n) - 1n);
    if (v !== 0n && v < SNARK_FIELD) return v;
  }
}

/** Checks `v` is a field element and returns it as a bigint. */
export function toField(v: bigint | number | string, field: string): bigint {
  let b: bigint;
  try {
    b = BigInt(v);
  } catch {
    throw new SdkInputError(field, `is not an integer: ${String(v)}`);
  }
  if (b < 0n || b >= SNARK_FIELD) throw new SdkInputError(field, "must be a field element in [0, SNARK_FIELD)");
  return b;
}

/** A calendar date as the integer YYYYMMDD (UTC). */
export type DateInt = number;

/** YYYYMMDD of a Date (UTC) or of an ISO string "YYYY-MM-DD". */
export function toDateInt(d: Date | string | number, field = "date"): DateInt {
  if (typeof d === "number") {
    if (!isValidDateInt(d)) throw new SdkInputError(field, `${d} is not a valid YYYYMMDD date`);
    return d;
  }
  const date = typeof d === "string" ? new Date(`${d}T00:00:00Z`) : d;
  if (Number.isNaN(date.getTime())) throw new SdkInputError(field, `${String(d)} is not a date (use YYYY-MM-DD)`);
  return date.getUTCFullYear() * 10000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
}

/** "YYYY-MM-DD" of a YYYYMMDD integer. */
export function formatDateInt(d: DateInt): string {
  const s = String(d).padStart(8, "0");
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

/** Whether `d` is a real calendar date written as YYYYMMDD (years 1000..9999). */
export function isValidDateInt(d: number): boolean {
  if (!Number.isInteger(d) || d < 10000101 || d > 99991231) return false;
  const y = Math.floor(d / 10000);
  const m = Math.floor(d / 100) % 100;
  const day = d % 100;
  const dt = new Date(Date.UTC(y, m - 1, day));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === day;
}
