/**
 * Issuer tools: an EdDSA-Poseidon (Baby Jubjub) signing key, credential signing, and the registry tree
 * (a LeanIMT of credential hashes) maintained incrementally, with revocation by zeroing a leaf.
 */
import { addPoint, Base8, inCurve, mulPointEscalar, subOrder, type Point } from "@zk-kit/baby-jubjub";
import { LeanIMT } from "@zk-kit/lean-imt";
import { toBeHex } from "ethers";

import { SdkInputError, check } from "../errors.js";
import { formatDateInt, hashToScalar, isValidDateInt, poseidon, randomField, toField, type DateInt } from "./field.js";

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

/** A signed credential, held by the citizen. */
export interface Credential extends CredentialAttributes {
  /** The holder's identity commitment. */
  readonly commitment: bigint;
  /** The issuer's public key. */
  readonly issuer: PublicKey;
  /** The issuer's signature over {@link credentialHash}. */
  readonly signature: Signature;
}

/** Poseidon(commitment, birthDate, region, expiry): what the issuer signs and puts in the registry tree. */
export function credentialHash(c: { commitment: bigint } & CredentialAttributes): bigint {
  return poseidon.h4([c.commitment, BigInt(c.birthDate), BigInt(c.region), BigInt(c.expiry)]);
}

/** Whether `sig` is a valid signature of `message` by `key` (the circuit's equation S·B8 = R8 + 8·h·A). */
export function verifySignature(message: bigint, sig: Signature, key: PublicKey): boolean {
  const A: Point<bigint> = [key.x, key.y];
  const R8: Point<bigint> = [sig.R8x, sig.R8y];
  if (!inCurve(A) || !inCurve(R8) || sig.S >= subOrder) return false;
  const h = poseidon.h5([sig.R8x, sig.R8y, key.x, key.y, message]);
  const left = mulPointEscalar(Base8, sig.S);
  const right = addPoint(R8, mulPointEscalar(A, 8n * h));
  return left[0] === right[0] && left[1] === right[1];
}

/** An issuer's signing key. Keep {@link IssuerKey.secret} in an HSM or offline. */
export class IssuerKey {
  readonly secret: bigint;
  readonly publicKey: PublicKey;

  private constructor(secret: bigint) {
    this.secret = secret;
    const [x, y] = mulPointEscalar(Base8, secret);
    this.publicKey = { x, y };
  }

  /** A new key from the platform CSPRNG. */
  static create(): IssuerKey {
    return new IssuerKey((randomField() % (subOrder - 1n)) + 1n);
  }

  /** A key from its secret scalar (1 ≤ secret < subgroup order). */
  static fromSecret(secret: bigint): IssuerKey {
    check(secret > 0n && secret < subOrder, "issuerKey.secret", "must be in [1, Baby Jubjub subgroup order)");
    return new IssuerKey(secret);
  }

  /** Signs a field element (deterministic nonce: sha512 of secret and message). */
  sign(message: bigint): Signature {
    const m = toField(message, "message");
    const r = (hashToScalar([this.secret, m], subOrder - 1n) % (subOrder - 1n)) + 1n;
    const [R8x, R8y] = mulPointEscalar(Base8, r);
    const h = poseidon.h5([R8x, R8y, this.publicKey.x, this.publicKey.y, m]);
    const S = (r + ((8n * h) % subOrder) * this.secret) % subOrder;
    return { R8x, R8y, S };
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

/** The issuer's registry: signs credentials and maintains the tree whose roots it publishes. */
export class Issuer {
  readonly key: IssuerKey;
  private readonly tree: LeanIMT<bigint>;

  constructor(key: IssuerKey, leaves: readonly bigint[] = []) {
    this.key = key;
    this.tree = new LeanIMT<bigint>((a, b) => poseidon.h2(a, b));
    if (leaves.length > 0) this.tree.insertMany([...leaves]);
  }

  /** Signs a credential for `commitment` without enrolling it. */
  sign(commitment: bigint, attrs: CredentialAttributes): Credential {
    checkAttributes(attrs);
    const c = { commitment: toField(commitment, "commitment"), birthDate: attrs.birthDate, region: attrs.region, expiry: attrs.expiry };
    return { ...c, issuer: this.key.publicKey, signature: this.key.sign(credentialHash(c)) };
  }

  /** Signs a credential and inserts its leaf in the registry tree (publish the new {@link root} afterwards). */
  enrol(commitment: bigint, attrs: CredentialAttributes): Credential {
    const cred = this.sign(commitment, attrs);
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
