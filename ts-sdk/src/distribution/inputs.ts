/**
 * What the TokenTable helpers share: decoding the contracts' own custom errors and checking the address and integer
 * inputs every helper takes (each refusal names the field).
 */
import { Interface, getAddress, isAddress } from "ethers";

import { merkleCampaignsAbi } from "../abi/MerkleCampaigns.js";
import { tokenVestingAbi } from "../abi/TokenVesting.js";
import { BaseError, ContractRevertedError, check, wrapError, type InvalidInputError } from "../errors.js";
import type { Address } from "../types.js";

/** The TokenTable contracts' ABIs, by name. */
export const TOKEN_TABLE_IFACES = { MerkleCampaigns: new Interface(merkleCampaignsAbi), TokenVesting: new Interface(tokenVestingAbi) } as const;

/** A TokenTable contract whose custom errors {@link tokenTableError} decodes. */
export type TokenTableContract = keyof typeof TOKEN_TABLE_IFACES;

/**
 * {@link wrapError}, plus the TokenTable contract's own custom errors, which the SDK's shared error table leaves out:
 * a revert of `contract` becomes a {@link ContractRevertedError} with its `errorName` (e.g. `ClawbackNotAllowed`).
 * Use it around direct typechain calls to `MerkleCampaigns` or `TokenVesting`.
 */
export function tokenTableError(e: unknown, contract: TokenTableContract): BaseError {
  const w = wrapError(e, { contract });
  if (!(w instanceof ContractRevertedError) || w.errorName !== undefined || w.data === undefined || w.data.length < 10) return w;
  try {
    const desc = TOKEN_TABLE_IFACES[contract].parseError(w.data);
    return desc === null ? w : new ContractRevertedError({ errorName: desc.name, args: [...desc.args], data: w.data, contract, cause: e });
  } catch {
    return w; // not one of this contract's errors: keep the generic one
  }
}

/** `v` as a checksummed address, or an {@link InvalidInputError} naming `field`. */
export function addr(v: unknown, field: string): Address {
  check(typeof v === "string" && isAddress(v), field, "must be an address");
  return getAddress(v) as Address;
}

/** `v` (a bigint or a safe integer) as an unsigned integer below 2^`bits`, or an error naming `field`. */
export function uint(v: unknown, field: string, bits = 256): bigint {
  const b = typeof v === "number" && Number.isSafeInteger(v) ? BigInt(v) : v;
  check(typeof b === "bigint" && b >= 0n && b < 1n << BigInt(bits), field, `must be a non-negative integer below 2^${bits}`);
  return b;
}
