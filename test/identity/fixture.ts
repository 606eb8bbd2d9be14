/** Shared fixtures for the identity tests: artifacts of the committed circuit builds, an issuer and citizens. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { identity as id } from "@sovereign-stack/sdk";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A committed circuit build: its directory, wasm, zkey and verification key. */
export interface Build {
  readonly name: string;
  readonly mode: id.CredentialMode;
  readonly depth: number;
  readonly wasm: string;
  readonly zkey: string;
  readonly vkey: string;
}

/** The committed build of `mode` at `depth` (identity_<depth> is signature mode, identity_membership_<depth> membership). */
export function build(mode: id.CredentialMode, depth = 20): Build {
  const name = mode === "membership" ? `identity_membership_${depth}` : `identity_${depth}`;
  const dir = path.join(ROOT, "circuits", "artifacts", name);
  return { name, mode, depth, wasm: path.join(dir, `${name}.wasm`), zkey: path.join(dir, `${name}.zkey`), vkey: path.join(dir, `${name}.vkey.json`) };
}

/** Every committed build. */
export const BUILDS: readonly Build[] = [build("membership", 20), build("signature", 20), build("membership", 32), build("signature", 32)];

/** Prover artifacts of both modes at `depth`: the SDK picks the credential's. */
export function artifacts(depth = 20): id.ArtifactsByMode {
  const a = (b: Build): id.CircuitArtifacts => ({ wasm: b.wasm, zkey: b.zkey, depth, mode: b.mode });
  return { membership: a(build("membership", depth)), signature: a(build("signature", depth)) };
}

export const TODAY = 20260115;
export const SCOPE = 0xb3e3f1n;
export const POLICY: id.IdentityPolicy = { minAge: 18, regions: [7, 11], dateToleranceDays: 3 };

export async function readVkey(mode: id.CredentialMode, depth = 20): Promise<object> {
  return JSON.parse(await readFile(build(mode, depth).vkey, "utf8")) as object;
}

export interface World {
  readonly issuer: id.Issuer;
  readonly alice: id.Identity;
  /** alice's credential, signature mode. */
  readonly aliceCred: id.Credential;
  /** the same credential (same leaf), proven in membership mode. */
  readonly aliceMember: id.Credential;
  readonly bob: id.Identity;
  readonly bobCred: id.Credential;
}

/** alice's or bob's credential in `mode` (both modes share the leaf). */
export function inMode(c: id.Credential, mode: id.CredentialMode): id.Credential {
  if (mode === c.mode) return c;
  if (mode === "membership") return { mode, commitment: c.commitment, birthDate: c.birthDate, region: c.region, expiry: c.expiry, issuer: c.issuer };
  throw new Error("a membership credential has no signature");
}

/** An issuer with a few enrolled citizens; alice (adult, region 7) and bob (adult, region 11). */
export function world(): World {
  const issuer = new id.Issuer(id.IssuerKey.fromSeed(0x5eed1234567890n));
  for (let i = 0; i < 5; i++) issuer.enrol(id.Identity.fromSecret(1000n + BigInt(i)).commitment, { birthDate: 19900101 + i, region: 3, expiry: 20310101 }, "membership");
  const alice = id.Identity.fromSecret(0xa11ce5n);
  const aliceCred = issuer.enrol(alice.commitment, { birthDate: 19950620, region: 7, expiry: 20300101 });
  const bob = id.Identity.fromSecret(0xb0bn);
  const bobCred = issuer.enrol(bob.commitment, { birthDate: 20000301, region: 11, expiry: 20290101 });
  return { issuer, alice, aliceCred, aliceMember: inMode(aliceCred, "membership"), bob, bobCred };
}

export function request(w: World, overrides: Partial<id.ProveRequest> = {}): id.ProveRequest {
  return {
    identity: w.alice,
    credential: w.aliceCred,
    membership: w.issuer.membershipProof(w.aliceCred),
    policy: POLICY,
    scope: SCOPE,
    message: 0x1234n,
    currentDate: TODAY,
    ...overrides,
  };
}
