/**
 * The policy a verifier demands and its packing, with the proof's mode, into the circuits' single `policy`
 * public signal:
 *   bits 0..31 currentDate (YYYYMMDD) · 32..39 minAge · 40..103 four 16-bit region slots (0 = unused) ·
 *   104..223 scope · 224 mode (0 membership, 1 signature).
 * Must match contracts/identity/ZkIdentityVerifier.sol `policyWord` and `circuits/identity.circom` `PolicyWord`.
 */
import { SdkInputError, check } from "../errors.js";
import { isValidDateInt, type DateInt } from "./field.js";

/** Number of region slots in a policy. */
export const REGION_SLOTS = 4;
/** Scopes are below 2^120. */
export const SCOPE_LIMIT = 1n << 120n;
/** Bit of the policy word that holds the proof's mode. */
export const MODE_BIT = 224n;

/**
 * How a credential is proven:
 * - `membership`: the issuer's registry tree, whose root the issuer publishes on-chain, authenticates the credential
 *   (no signature in the circuit: the fast mode, for every on-chain use);
 * - `signature`: the circuit also checks the issuer's EdDSA-Poseidon signature under the public key x, for verifiers
 *   that trust the issuer's key rather than its published tree.
 */
export type CredentialMode = "membership" | "signature";
/** Every mode, in policy-bit order. */
export const CREDENTIAL_MODES: readonly CredentialMode[] = ["membership", "signature"];

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

/** Throws an SdkInputError unless `mode` is a credential mode. */
export function checkMode(mode: unknown, field = "mode"): asserts mode is CredentialMode {
  check((CREDENTIAL_MODES as readonly unknown[]).includes(mode), field, `must be "membership" or "signature", got ${String(mode)}`);
}

/** The packed `policy` public signal for a policy, scope, proof date and mode. */
export function packPolicy(p: IdentityPolicy, scope: bigint, currentDate: DateInt, mode: CredentialMode = "membership"): bigint {
  checkPolicy(p);
  checkMode(mode);
  check(scope >= 0n && scope < SCOPE_LIMIT, "scope", "must be below 2^120");
  check(isValidDateInt(currentDate), "currentDate", `${currentDate} is not a valid YYYYMMDD date`);
  let w = BigInt(currentDate) | (BigInt(p.minAge) << 32n) | (scope << 104n) | (BigInt(CREDENTIAL_MODES.indexOf(mode)) << MODE_BIT);
  policyStruct(p).regions.forEach((r, i) => (w |= BigInt(r) << BigInt(40 + 16 * i)));
  return w;
}

/** The fields of a packed policy signal. */
export interface UnpackedPolicy {
  readonly currentDate: DateInt;
  readonly minAge: number;
  readonly regions: readonly number[];
  readonly scope: bigint;
  readonly mode: CredentialMode;
}

/** Decodes a packed policy signal; throws an SdkInputError for a word no circuit accepts. */
export function unpackPolicy(word: bigint): UnpackedPolicy {
  if (word < 0n || word >= 1n << (MODE_BIT + 1n)) throw new SdkInputError("policy", "is not a packed policy (must be below 2^225)");
  const regions: number[] = [];
  for (let i = 0; i < REGION_SLOTS; i++) regions.push(Number((word >> BigInt(40 + 16 * i)) & 0xffffn));
  return {
    currentDate: Number(word & 0xffffffffn),
    minAge: Number((word >> 32n) & 0xffn),
    regions,
    scope: (word >> 104n) & (SCOPE_LIMIT - 1n),
    mode: CREDENTIAL_MODES[Number(word >> MODE_BIT)]!,
  };
}
