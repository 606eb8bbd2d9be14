/**
 * Subjects: an EVM address is stored as its 20 raw bytes; anything else (a DID, a national id, a non-EVM
 * account) as its UTF-8 bytes. 20 bytes always decode as an address, so ids must not be exactly 20 bytes long.
 */
import { getAddress, getBytes, hexlify, isAddress, isHexString, toUtf8Bytes, toUtf8String } from "ethers";
import type { Hex } from "../types.js";

import { SdkInputError, check } from "../errors.js";

/** A decoded subject. */
export type Subject = { readonly kind: "address"; readonly address: string } | { readonly kind: "id"; readonly id: string } | { readonly kind: "none" };

/**
 * Encodes a subject: an address → its 20 bytes; a DID or other id → UTF-8 bytes; "" → no subject.
 * @throws SdkInputError("subject", …) for an id of exactly 20 bytes (it would read back as an address)
 */
export function encodeSubject(subject: string): Hex {
  check(typeof subject === "string", "subject", "must be an address or an id string such as did:web:example.gov:alice");
  if (subject === "") return "0x";
  if (isAddress(subject)) return getAddress(subject).toLowerCase() as Hex;
  const bytes = toUtf8Bytes(subject);
  check(bytes.length !== 20, "subject", `"${subject}" is exactly 20 bytes and would decode as an address; pad or prefix it`);
  return hexlify(bytes) as Hex;
}

/** Decodes subject bytes from an attestation. */
export function decodeSubject(encoded: string): Subject {
  check(typeof encoded === "string" && isHexString(encoded), "subject", "must be 0x-prefixed hex bytes");
  const bytes = getBytes(encoded);
  if (bytes.length === 0) return { kind: "none" };
  if (bytes.length === 20) return { kind: "address", address: getAddress(encoded) };
  try {
    return { kind: "id", id: toUtf8String(bytes) };
  } catch {
    throw new SdkInputError("subject", "is neither 20 address bytes nor UTF-8 text");
  }
}

/** A readable form: the checksummed address, the id, or "" for none. */
export function subjectToString(encoded: string): string {
  const s = decodeSubject(encoded);
  return s.kind === "address" ? s.address : s.kind === "id" ? s.id : "";
}
