/** Shared public types: addresses and hex values as template-literal strings (viem's shape). */

/** A 0x-prefixed 20-byte address. */
export type Address = `0x${string}`;
/** A 0x-prefixed hex string (bytes, hashes, calldata). */
export type Hex = `0x${string}`;
/** Calldata for a contract call, ready for a Safe or any transaction builder. */
export interface PreparedCall {
  readonly to: Address;
  readonly data: Hex;
  readonly value: bigint;
}
