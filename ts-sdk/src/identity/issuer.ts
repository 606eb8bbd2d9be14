/**
 * Issuer tools: an EdDSA-Poseidon (Baby Jubjub) signing key (zk-kit's `@zk-kit/eddsa-poseidon`), credentials in
 * either mode, and the registry tree (a LeanIMT of credential leaves) maintained incrementally, with revocation by
 * zeroing a leaf.
 */
import { LeanIMT } from "@zk-kit/lean-imt";
import { getBytes, hexlify, randomBytes, toBeHex } from "ethers";

import { derivePublicKey, deriveSecretScalar, signMessage, verifySignature as verifyEdDSA } from "#eddsa-poseidon";
import { SdkInputError, check } from "../errors.js";
import { formatDateInt, isValidDateInt, poseidon, toField, type DateInt } from "./field.js";
import { checkMode, type CredentialMode } from "./policy.js";

/** A Baby Jubjub public key (x, y). */
export interface PublicKey {
  readonly x: bigint;
  readonly y: bigint;
}

/** An EdDSA-Poseidon signature. */
export interface Signature {
  readonly R8x: bigint;
  readonly R8y: bigint;
  readonly S: bigint;
}

/** The attributes an issuer certifies. */
export interface CredentialAttributes {
  /** Birth date, YYYYMMDD. */
  readonly birthDate: DateInt;
  /** Region code of residence, 1..65535. */
  readonly region: number;
  /** First day the credential is no longer valid, YYYYMMDD. */
  readonly expiry: DateInt;
}

/** What every credential holds. */
interface CredentialBase extends CredentialAttributes {
  /** The holder's identity commitment. */
  readonly commitment: bigint;
  /** The issuer's public key: its x names the issuer on-chain (the registry reserves it to one issuer). */
  readonly issuer: PublicKey;
}

/** A credential proven in membership mode: the issuer's published registry tree is its authentication. */
export interface MembershipCredential extends CredentialBase {
  readonly mode: "membership";
}

/** A credential proven in signature mode: the circuit also checks the issuer's signature over its leaf. */
export interface SignedCredential extends CredentialBase {
  readonly mode: "signature";
  /** The issuer's signature over {@link credentialHash}. */
  readonly signature: Signature;
}

/** A credential, held by the citizen; `mode` chooses the circuit that proves it. */
export type Credential = MembershipCredential | SignedCredential;

/** Poseidon(commitment, birthDate, region, expiry): the registry tree leaf, and what the issuer signs. */
export function credentialHash(c: { commitment: bigint } & CredentialAttributes): bigint {
  return poseidon.h4([c.commitment, BigInt(c.birthDate), BigInt(c.region), BigInt(c.expiry)]);
}

/** Whether `sig` is a valid EdDSA-Poseidon signature of `message` by `key` (the circuit's equation S·B8 = R8 + 8·h·A). */
export function verifySignature(message: bigint, sig: Signature, key: PublicKey): boolean {
  try {
    return verifyEdDSA(message, { R8: [sig.R8x, sig.R8y], S: sig.S }, [key.x, key.y]);
  } catch {
    return false;
  }
}

/** An issuer's EdDSA-Poseidon signing key (zk-kit). Keep {@link IssuerKey.privateKey} in an HSM or offline. */
export class IssuerKey {
  /** The 32-byte private key; zk-kit derives the secret scalar from it (BLAKE-512, pruned). */
  readonly privateKey: Uint8Array;
  readonly publicKey: PublicKey;

  private constructor(privateKey: Uint8Array) {
    this.privateKey = privateKey;
    const [x, y] = derivePublicKey(privateKey);
    this.publicKey = { x, y };
  }

  /** A new key: 32 bytes from the platform CSPRNG. */
  static create(): IssuerKey {
    return new IssuerKey(randomBytes(32));
  }

  /** A key from its 32-byte private key (bytes or 0x-hex). */
  static fromPrivateKey(privateKey: Uint8Array | string): IssuerKey {
    let bytes: Uint8Array;
    try {
      bytes = getBytes(privateKey);
    } catch {
      throw new SdkInputError("issuerKey.privateKey", "must be 32 bytes or 0x-prefixed hex");
    }
    check(bytes.length === 32, "issuerKey.privateKey", `must be 32 bytes, got ${bytes.length}`);
    return new IssuerKey(Uint8Array.from(bytes));
  }

  /** A key whose private key is the 32-byte big-endian encoding of `seed` (tests, fixtures; 0 < seed < 2^256). */
  static fromSeed(seed: bigint): IssuerKey {
    check(seed > 0n && seed < 1n << 256n, "issuerKey.seed", "must be in [1, 2^256)");
    return new IssuerKey(getBytes(toBeHex(seed, 32)));
  }

  /** The secret scalar s with publicKey = s·B8 (what the circuit's equation uses). */
  get secretScalar(): bigint {
    return deriveSecretScalar(this.privateKey);
  }

  /** The private key as 0x-hex, for an encrypted backup. */
  get privateKeyHex(): string {
    return hexlify(this.privateKey);
  }

  /** Signs a field element (zk-kit: deterministic nonce from the private key and the message). */
  sign(message: bigint): Signature {
    const m = toField(message, "message");
    const sig = signMessage(this.privateKey, m);
    return { R8x: sig.R8[0], R8y: sig.R8[1], S: sig.S };
  }
}

/** Checks credential attributes; throws SdkInputError naming the bad one. */
export function checkAttributes(a: CredentialAttributes): void {
  check(isValidDateInt(a.birthDate), "birthDate", `${a.birthDate} is not a valid YYYYMMDD date`);
  check(isValidDateInt(a.expiry), "expiry", `${a.expiry} is not a valid YYYYMMDD date`);
  check(a.expiry > a.birthDate, "expiry", `${formatDateInt(a.expiry)} is not after the birth date`);
  check(Number.isInteger(a.region) && a.region >= 1 && a.region <= 0xffff, "region", "must be a region code in 1..65535");
}

/** A Merkle proof of a credential in an issuer's registry tree (LeanIMT form: `siblings.length` is the effective depth). */
export interface MembershipProof {
  readonly root: bigint;
  readonly leaf: bigint;
  readonly index: number;
  readonly siblings: readonly bigint[];
}

/** The issuer's registry: issues credentials and maintains the tree whose roots it publishes. */
export class Issuer {
  readonly key: IssuerKey;
  private readonly tree: LeanIMT<bigint>;

  constructor(key: IssuerKey, leaves: readonly bigint[] = []) {
    this.key = key;
    this.tree = new LeanIMT<bigint>((a, b) => poseidon.h2(a, b));
    if (leaves.length > 0) this.tree.insertMany([...leaves]);
  }

  /** A credential for `commitment` without enrolling it: signed in signature mode (the default), bare in membership mode. */
  sign(commitment: bigint, attrs: CredentialAttributes, mode: CredentialMode = "signature"): Credential {
    checkAttributes(attrs);
    checkMode(mode);
    const c = { commitment: toField(commitment, "commitment"), birthDate: attrs.birthDate, region: attrs.region, expiry: attrs.expiry, issuer: this.key.publicKey };
    if (mode === "membership") return { ...c, mode };
    return { ...c, mode, signature: this.key.sign(credentialHash(c)) };
  }

  /**
   * Issues a credential and inserts its leaf in the registry tree (publish the new {@link root} afterwards).
   * `mode` "membership" is the fast one for on-chain use (the published root authenticates it); "signature" (the
   * default) also carries the issuer's signature, for verifiers that trust the issuer's key rather than its tree.
   * Both modes share the leaf, so a signed credential can also be proven in membership mode.
   */
  enrol(commitment: bigint, attrs: CredentialAttributes, mode: CredentialMode = "signature"): Credential {
    const cred = this.sign(commitment, attrs, mode);
    const leaf = credentialHash(cred);
    if (this.tree.indexOf(leaf) !== -1) throw new SdkInputError("commitment", "this credential is already enrolled");
    this.tree.insert(leaf);
    return cred;
  }

  /** Revokes a credential by zeroing its leaf (publish the new {@link root} afterwards). */
  revoke(credential: Credential): void {
    const i = this.tree.indexOf(credentialHash(credential));
    if (i === -1) throw new SdkInputError("credential", "leaf not in tree (already revoked or never enrolled)");
    this.tree.update(i, 0n);
  }

  /** The current registry root. */
  get root(): bigint {
    return this.tree.root;
  }

  /** Number of leaves (revoked ones included). */
  get size(): number {
    return this.tree.size;
  }

  /** The leaves, for backup ({@link Issuer} constructor restores). */
  get leaves(): bigint[] {
    return [...this.tree.leaves];
  }

  /** The membership proof a citizen needs (served by the issuer's registry API). */
  membershipProof(credential: Credential): MembershipProof {
    const i = this.tree.indexOf(credentialHash(credential));
    if (i === -1) throw new SdkInputError("credential", "leaf not in tree (revoked or never enrolled)");
    const p = this.tree.generateProof(i);
    return { root: p.root, leaf: p.leaf, index: p.index, siblings: [...p.siblings] };
  }

  /** Publishes the current root through an IdentityRegistry client (the issuer operator's signer). */
  async publishRoot(registry: { publishRoot(issuerId: bigint, root: bigint): Promise<{ wait(): Promise<unknown> }> }, issuerId: bigint): Promise<bigint> {
    const root = this.root;
    const tx = await registry.publishRoot(issuerId, root);
    await tx.wait();
    return root;
  }
}

/** Recomputes a LeanIMT root from a membership proof. */
export function membershipRoot(p: Pick<MembershipProof, "leaf" | "index" | "siblings">): bigint {
  let node = p.leaf;
  p.siblings.forEach((s, level) => {
    node = (p.index >> level) & 1 ? poseidon.h2(s, node) : poseidon.h2(node, s);
  });
  return node;
}

/** Hex of a field element (for logs). */
export const fieldHex = (v: bigint): string => toBeHex(v, 32);
