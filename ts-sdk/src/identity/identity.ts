/** A citizen's identity: a secret from the CSPRNG, its Poseidon commitment, backup and restore. */
import { getBytes, keccak256, toBeHex } from "ethers";

import { SdkInputError } from "../errors.js";
import { poseidon, randomField, SNARK_FIELD } from "./field.js";

const BACKUP_PREFIX = "sovid1-";

/** An identity. Keep `backup()` secret: whoever holds it can prove as this person. */
export class Identity {
  /** The secret (never leaves the holder's device). */
  readonly secret: bigint;
  /** Poseidon(secret): what the issuer puts in the credential. */
  readonly commitment: bigint;

  private constructor(secret: bigint) {
    this.secret = secret;
    this.commitment = poseidon.h1(secret);
  }

  /** A new identity with a secret from the platform CSPRNG. */
  static create(): Identity {
    return new Identity(randomField());
  }

  /** An identity from a known secret (tests, key escrow). */
  static fromSecret(secret: bigint): Identity {
    if (secret <= 0n || secret >= SNARK_FIELD) throw new SdkInputError("secret", "must be a non-zero field element");
    return new Identity(secret);
  }

  /** A text backup: `sovid1-<64 hex secret><8 hex checksum>`; {@link Identity.restore} detects typos. */
  backup(): string {
    const hex = toBeHex(this.secret, 32).slice(2);
    return BACKUP_PREFIX + hex + checksum(hex);
  }

  /** Restores an identity from {@link Identity.backup} text. */
  static restore(text: string): Identity {
    const t = text.trim().toLowerCase();
    if (!t.startsWith(BACKUP_PREFIX)) throw new SdkInputError("backup", `must start with ${BACKUP_PREFIX}`);
    const body = t.slice(BACKUP_PREFIX.length);
    if (!/^[0-9a-f]{72}$/.test(body)) throw new SdkInputError("backup", "must be sovid1- followed by 72 hex digits");
    const hex = body.slice(0, 64);
    if (checksum(hex) !== body.slice(64)) throw new SdkInputError("backup", "checksum mismatch: the backup text is mistyped or damaged");
    return Identity.fromSecret(BigInt("0x" + hex));
  }

  /** This identity's nullifier in `scope`: Poseidon(scope, secret). */
  nullifier(scope: bigint): bigint {
    return poseidon.h2(scope, this.secret);
  }
}

function checksum(hex: string): string {
  return keccak256(getBytes("0x" + hex)).slice(2, 10);
}
