/**
 * The policy a verifier demands and its packing into the circuit's single `policy` public signal:
 *   bits 0..31 currentDate (YYYYMMDD) · 32..39 minAge · 40..103 four 16-bit region slots (0 = unused) · 104..223 scope.
 * Must match contracts/identity/ZkIdentityVerifier.sol `policyWord`.
 */
import { SdkInputError, check } from "../errors.js";
import { isValidDateInt, type DateInt } from "./field.js";

/** Number of region slots in a policy. */
export const REGION_SLOTS = 4;
/** Scopes are below 2^120. */
export const SCOPE_LIMIT = 1n << 120n;

/** What a verifier demands; mirrors the Solidity `IZkIdentityVerifier.Policy`. */
export interface IdentityPolicy {
  /** Minimum age in whole years (0..255). */
  readonly minAge: number;
  /** Allowed region codes (1..65535), one to four. */
  readonly regions: readonly number[];
  /** Days a proof's date may lag the chain's date (on-chain check only). */
  readonly dateToleranceDays: number;
}

/** The policy as the contract's struct expects it (regions padded to four slots). */
export function policyStruct(p: IdentityPolicy): { minAge: number; dateToleranceDays: number; regions: [number, number, number, number] } {
  checkPolicy(p);
  const r = [...p.regions, 0, 0, 0, 0].slice(0, REGION_SLOTS) as [number, number, number, number];
  return { minAge: p.minAge, dateToleranceDays: p.dateToleranceDays, regions: r };
}

/** Throws an SdkInputError for a malformed policy. */
export function checkPolicy(p: IdentityPolicy): void {
  check(Number.isInteger(p.minAge) && p.minAge >= 0 && p.minAge <= 255, "policy.minAge", "must be an integer in 0..255");
  check(Number.isInteger(p.dateToleranceDays) && p.dateToleranceDays >= 0 && p.dateToleranceDays < 2 ** 32, "policy.dateToleranceDays", "must be a non-negative integer");
  check(p.regions.length >= 1 && p.regions.length <= REGION_SLOTS, "policy.regions", `must list 1 to ${REGION_SLOTS} region codes`);
  for (const r of p.regions) check(Number.isInteger(r) && r >= 1 && r <= 0xffff, "policy.regions", `region code ${r} must be in 1..65535`);
}

/** The packed `policy` public signal for a policy, scope and proof date. */
export function packPolicy(p: IdentityPolicy, scope: bigint, currentDate: DateInt): bigint {
  checkPolicy(p);
  check(scope >= 0n && scope < SCOPE_LIMIT, "scope", "must be below 2^120");
  check(isValidDateInt(currentDate), "currentDate", `${currentDate} is not a valid YYYYMMDD date`);
  let w = BigInt(currentDate) | (BigInt(p.minAge) << 32n) | (scope << 104n);
  policyStruct(p).regions.forEach((r, i) => (w |= BigInt(r) << BigInt(40 + 16 * i)));
  return w;
}

/** The fields of a packed policy signal. */
export interface UnpackedPolicy {
  readonly currentDate: DateInt;
  readonly minAge: number;
  readonly regions: readonly number[];
  readonly scope: bigint;
}

export function unpackPolicy(word: bigint): UnpackedPolicy {
  if (word < 0n || word >= 1n << 224n) throw new SdkInputError("policy", "is not a packed policy (must be below 2^224)");
  const regions: number[] = [];
  for (let i = 0; i < REGION_SLOTS; i++) regions.push(Number((word >> BigInt(40 + 16 * i)) & 0xffffn));
  return { currentDate: Number(word & 0xffffffffn), minAge: Number((word >> 32n) & 0xffn), regions, scope: word >> 104n };
}
