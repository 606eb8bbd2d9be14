/**
 * Attestation requests and content, and the uid the registry derives from content.
 */
import { AbiCoder, ZeroHash, getAddress, isAddress, isHexString, keccak256 } from "ethers";

import { check } from "../errors.js";
import { encodeSubject } from "./subject.js";
import type { Address, Hex } from "../types.js";

/** What {@link buildRequest} takes. */
export interface AttestInput {
  /** Schema id. */
  readonly schema: string;
  /** An address, a DID or another id (see encodeSubject); "" for none. */
  readonly subject: string;
  /** ABI-encoded data (see SchemaEncoder). */
  readonly data: string;
  /** Unix seconds; 0 / omitted = never. */
  readonly expirationTime?: bigint | number;
  /** Linked attestation. */
  readonly refUID?: string;
  /** Native coin for the schema's hook. */
  readonly value?: bigint;
  /** Bytes for the hook only (e.g. a proof). */
  readonly hookData?: string;
}

/** The request struct the registry takes. */
export interface AttestationRequest {
  readonly schema: Hex;
  /** Encoded subject bytes (see encodeSubject). */
  readonly subject: Hex;
  readonly expirationTime: bigint;
  readonly refUID: Hex;
  readonly data: Hex;
  readonly value: bigint;
  readonly hookData: Hex;
}

/** The full content of an on-chain attestation, as emitted in `Attested`. */
export interface Attestation {
  readonly uid: Hex;
  readonly schema: Hex;
  readonly attester: Address;
  /** Encoded subject bytes (see decodeSubject). */
  readonly subject: Hex;
  readonly time: bigint;
  readonly expirationTime: bigint;
  readonly refUID: Hex;
  readonly data: Hex;
}

const isBytes32 = (v: unknown): v is string => typeof v === "string" && isHexString(v, 32);

/** Validates and fills an attestation request. @throws SdkInputError naming the bad field */
export function buildRequest(input: AttestInput): AttestationRequest {
  check(typeof input === "object" && input !== null, "request", "must be an object");
  check(isBytes32(input.schema), "request.schema", "must be a 32-byte schema id");
  check(typeof input.data === "string" && isHexString(input.data), "request.data", "must be 0x-prefixed hex (encode it with SchemaEncoder)");
  const exp = BigInt(input.expirationTime ?? 0);
  check(exp >= 0n && exp < 1n << 40n, "request.expirationTime", "must be unix seconds below 2^40, or 0 for never");
  const refUID = input.refUID ?? ZeroHash;
  check(isBytes32(refUID), "request.refUID", "must be a 32-byte attestation uid");
  const value = input.value ?? 0n;
  check(typeof value === "bigint" && value >= 0n, "request.value", "must be a non-negative bigint (wei)");
  const hookData = input.hookData ?? "0x";
  check(typeof hookData === "string" && isHexString(hookData), "request.hookData", "must be 0x-prefixed hex");
  return { schema: input.schema as Hex, subject: encodeSubject(input.subject) as Hex, expirationTime: exp, refUID: refUID as Hex, data: input.data as Hex, value, hookData: hookData as Hex };
}

/** uid = keccak256(abi.encode(schema, attester, time, expirationTime, refUID, keccak256(subject), keccak256(data))). */
export function attestationUid(a: Omit<Attestation, "uid">): Hex {
  check(isBytes32(a.schema), "attestation.schema", "must be a 32-byte schema id");
  check(typeof a.attester === "string" && isAddress(a.attester), "attestation.attester", "must be an address");
  return <Hex>keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["bytes32", "address", "uint64", "uint64", "bytes32", "bytes32", "bytes32"],
      [a.schema, getAddress(a.attester), a.time, a.expirationTime, a.refUID, keccak256(a.subject), keccak256(a.data)],
    ),
  );
}

/** The struct form the disclosure verifier takes (content without uid). */
export function attestationStruct(a: Attestation): Omit<Attestation, "uid"> {
  return { schema: a.schema, attester: a.attester, time: a.time, expirationTime: a.expirationTime, refUID: a.refUID, subject: a.subject, data: a.data };
}
