/**
 * EIP-712 signing and verification: delegated attest and revoke (relayed on-chain), and off-chain
 * attestations the SDK verifies without a chain. The domain binds chain id and the registry's address.
 */
import {
  Contract,
  TypedDataEncoder,
  ZeroHash,
  getAddress,
  hexlify,
  isAddress,
  isHexString,
  randomBytes,
  verifyTypedData,
  type Provider,
  type Signer,
  type TypedDataField,
} from "ethers";

import { check } from "../errors.js";
import type { AttestationRegistry } from "../typechain/index.js";
import { encodeSubject } from "./subject.js";
import type { Attestation, AttestationRequest } from "./types.js";
import type { Address, Hex } from "../types.js";

/** An EIP-712 domain. */
export interface Eip712Domain {
  readonly name: string;
  readonly version: string;
  readonly chainId: bigint;
  readonly verifyingContract: Address;
}

/** Domain name and version the registry uses. */
export const ATTESTATION_DOMAIN = { name: "Sovereign Attestations", version: "1" } as const;

/** Delegated attestation: every request field is signed, `hookData` included, so a relayer can swap nothing. */
export const ATTEST_TYPES: Record<string, TypedDataField[]> = {
  Attest: [
    { name: "attester", type: "address" },
    { name: "schema", type: "bytes32" },
    { name: "subject", type: "bytes" },
    { name: "expirationTime", type: "uint64" },
    { name: "refUID", type: "bytes32" },
    { name: "data", type: "bytes" },
    { name: "value", type: "uint256" },
    { name: "hookData", type: "bytes" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
};

export const REVOKE_TYPES: Record<string, TypedDataField[]> = {
  Revoke: [
    { name: "revoker", type: "address" },
    { name: "uid", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
};

export const OFFCHAIN_TYPES: Record<string, TypedDataField[]> = {
  OffchainAttestation: [
    { name: "schema", type: "bytes32" },
    { name: "attester", type: "address" },
    { name: "subject", type: "bytes" },
    { name: "time", type: "uint64" },
    { name: "expirationTime", type: "uint64" },
    { name: "refUID", type: "bytes32" },
    { name: "data", type: "bytes" },
    { name: "salt", type: "bytes32" },
  ],
};

/** The registry's domain for a chain and address, computed without a chain. */
export function attestationDomain(chainId: bigint | number, verifyingContract: string): Eip712Domain {
  check(isAddress(verifyingContract), "verifyingContract", "must be the AttestationRegistry address");
  return { ...ATTESTATION_DOMAIN, chainId: BigInt(chainId), verifyingContract: getAddress(verifyingContract) as Address };
}

/** Reads the domain from a deployed registry (EIP-5267). */
export async function registryDomain(registry: AttestationRegistry): Promise<Eip712Domain> {
  const d = await registry.eip712Domain();
  return { name: d.name, version: d.version, chainId: d.chainId, verifyingContract: getAddress(d.verifyingContract) as Address };
}

/** A delegation the registry's attestBySig / revokeBySig take. */
export interface Delegation {
  readonly signer: Address;
  readonly nonce: bigint;
  readonly deadline: bigint;
  readonly signature: Hex;
}

/** Nonce and deadline of a delegated signature. */
export interface DelegationTerms {
  /**
   * The signer's current nonce at the registry (`registry.nonces(signer)`). Nonces are used in order; the signer
   * cancels every unused signature below a nonce with `AttestationClient.increaseNonce`.
   */
  readonly nonce: bigint;
  /** Unix seconds after which the signature is void. */
  readonly deadline: bigint;
}

function attestMessage(request: AttestationRequest, attester: string, terms: DelegationTerms) {
  return {
    attester: getAddress(attester),
    schema: request.schema,
    subject: request.subject,
    expirationTime: request.expirationTime,
    refUID: request.refUID,
    data: request.data,
    value: request.value,
    hookData: request.hookData,
    nonce: terms.nonce,
    deadline: terms.deadline,
  };
}

/** The digest a delegated attestation is signed over (what an ERC-1271 wallet's owners approve). */
export function attestDigest(domain: Eip712Domain, request: AttestationRequest, attester: string, terms: DelegationTerms): Hex {
  return TypedDataEncoder.hash(domain, ATTEST_TYPES, attestMessage(request, attester, terms)) as Hex;
}

/** The digest a delegated revocation is signed over. */
export function revokeDigest(domain: Eip712Domain, uid: string, revoker: string, terms: DelegationTerms): Hex {
  check(isHexString(uid, 32), "uid", "must be a 32-byte attestation uid");
  return <Hex>TypedDataEncoder.hash(domain, REVOKE_TYPES, { revoker: getAddress(revoker), uid, nonce: terms.nonce, deadline: terms.deadline });
}

/** Signs a delegated attestation with an EOA signer; a relayer submits it with `attestBySig`. */
export async function signDelegatedAttest(signer: Signer, domain: Eip712Domain, request: AttestationRequest, terms: DelegationTerms): Promise<Delegation> {
  const address = await signer.getAddress();
  const signature = await signer.signTypedData(domain, ATTEST_TYPES, attestMessage(request, address, terms));
  return { signer: getAddress(address) as Address, nonce: terms.nonce, deadline: terms.deadline, signature: signature as Hex };
}

/** Signs a delegated revocation with an EOA signer. */
export async function signDelegatedRevoke(signer: Signer, domain: Eip712Domain, uid: string, terms: DelegationTerms): Promise<Delegation> {
  const address = await signer.getAddress();
  check(isHexString(uid, 32), "uid", "must be a 32-byte attestation uid");
  const signature = await signer.signTypedData(domain, REVOKE_TYPES, { revoker: address, uid, nonce: terms.nonce, deadline: terms.deadline });
  return { signer: getAddress(address) as Address, nonce: terms.nonce, deadline: terms.deadline, signature: signature as Hex };
}

// ---- off-chain attestations ----

/** The signed content of an off-chain attestation: an attestation's content plus a salt (its uid is the digest). */
export type OffchainAttestation = Omit<Attestation, "uid"> & { readonly salt: Hex };

/** An off-chain attestation with its signature; `uid` is its EIP-712 digest. */
export interface SignedOffchainAttestation {
  readonly domain: Eip712Domain;
  readonly message: OffchainAttestation;
  readonly signature: Hex;
  readonly uid: Hex;
}

/** What {@link signOffchain} takes. */
export interface OffchainInput {
  readonly schema: string;
  /** Address, DID or id. */
  readonly subject: string;
  readonly data: string;
  readonly expirationTime?: bigint | number;
  readonly refUID?: string;
  /** Unix seconds; defaults to now. */
  readonly time?: bigint | number;
  /** Random 32 bytes by default, so equal content gives distinct uids. */
  readonly salt?: string;
}

/** The uid (EIP-712 digest) of an off-chain attestation. */
export function offchainUid(domain: Eip712Domain, message: OffchainAttestation): Hex {
  return TypedDataEncoder.hash(domain, OFFCHAIN_TYPES, message) as Hex;
}

/** Signs an off-chain attestation. Nothing touches the chain. */
export async function signOffchain(signer: Signer, domain: Eip712Domain, input: OffchainInput): Promise<SignedOffchainAttestation> {
  check(isHexString(input.schema, 32), "offchain.schema", "must be a 32-byte schema id");
  check(isHexString(input.data), "offchain.data", "must be 0x-prefixed hex");
  const refUID = input.refUID ?? ZeroHash;
  check(isHexString(refUID, 32), "offchain.refUID", "must be a 32-byte uid");
  const salt = input.salt ?? hexlify(randomBytes(32));
  check(isHexString(salt, 32), "offchain.salt", "must be 32 bytes");
  const message: OffchainAttestation = {
    schema: input.schema as Hex,
    attester: (await signer.getAddress()) as Address,
    subject: encodeSubject(input.subject) as Hex,
    time: BigInt(input.time ?? Math.floor(Date.now() / 1000)),
    expirationTime: BigInt(input.expirationTime ?? 0),
    refUID: refUID as Hex,
    data: input.data as Hex,
    salt: salt as Hex,
  };
  const signature = await signer.signTypedData(domain, OFFCHAIN_TYPES, message);
  return { domain, message, signature: signature as Hex, uid: offchainUid(domain, message) };
}

/** Why an off-chain attestation failed verification. */
export type OffchainFailure = "uid-mismatch" | "bad-signature" | "expired" | "not-yet-issued" | "revoked";

/** The verdict of {@link verifyOffchain}. */
export interface OffchainVerification {
  readonly valid: boolean;
  readonly uid: Hex;
  readonly reason?: OffchainFailure;
}

/** Options of {@link verifyOffchain}. */
export interface OffchainVerifyOptions {
  /** Unix seconds to judge expiry at (default now). */
  readonly now?: bigint;
  /** Needed only for ERC-1271 (contract) attesters. */
  readonly provider?: Provider;
  /** Revocation lookup, e.g. `(a, u) => offchain.revocationOf(a, u).then((t) => t > 0n)`. */
  readonly isRevoked?: (attester: string, uid: string) => Promise<boolean>;
}

/**
 * Verifies an off-chain attestation: uid, signature (EOA offline; ERC-1271 with a provider), expiry and,
 * when a lookup is given, off-chain revocation.
 */
export async function verifyOffchain(signed: SignedOffchainAttestation, options: OffchainVerifyOptions = {}): Promise<OffchainVerification> {
  check(typeof signed === "object" && signed !== null && typeof signed.signature === "string", "offchain", "must be a signed off-chain attestation");
  const m = signed.message;
  const uid = offchainUid(signed.domain, m);
  if (uid !== signed.uid) return { valid: false, uid, reason: "uid-mismatch" };
  let signatureOk = false;
  const code = options.provider ? await options.provider.getCode(m.attester) : "0x";
  if (code !== "0x") {
    const wallet = new Contract(m.attester, ["function isValidSignature(bytes32,bytes) view returns (bytes4)"], options.provider);
    try {
      signatureOk = (await wallet.getFunction("isValidSignature")(uid, signed.signature)) === "0x1626ba7e";
    } catch {
      signatureOk = false;
    }
  } else {
    try {
      signatureOk = getAddress(verifyTypedData(signed.domain, OFFCHAIN_TYPES, m, signed.signature)) === getAddress(m.attester);
    } catch {
      signatureOk = false;
    }
  }
  if (!signatureOk) return { valid: false, uid, reason: "bad-signature" };
  const now = options.now ?? BigInt(Math.floor(Date.now() / 1000));
  if (m.time > now) return { valid: false, uid, reason: "not-yet-issued" };
  if (m.expirationTime !== 0n && m.expirationTime <= now) return { valid: false, uid, reason: "expired" };
  if (options.isRevoked && (await options.isRevoked(m.attester, uid))) return { valid: false, uid, reason: "revoked" };
  return { valid: true, uid };
}
