/** Shared fixtures for the identity tests: artifacts of the committed circuit build, an issuer and citizens. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { identity as id } from "@sovereign-stack/sdk";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const ARTIFACT_DIR = path.join(ROOT, "circuits", "artifacts", "identity_20");
export const WASM = path.join(ARTIFACT_DIR, "identity_20.wasm");
export const ZKEY = path.join(ARTIFACT_DIR, "identity_20.zkey");
export const VKEY = path.join(ARTIFACT_DIR, "identity_20.vkey.json");

export const TODAY = 20260115;
export const SCOPE = 0xb3e3f1n;
export const POLICY: id.IdentityPolicy = { minAge: 18, regions: [7, 11], dateToleranceDays: 3 };

export async function readVkey(): Promise<object> {
  return JSON.parse(await readFile(VKEY, "utf8")) as object;
}

export interface World {
  readonly issuer: id.Issuer;
  readonly alice: id.Identity;
  readonly aliceCred: id.Credential;
  readonly bob: id.Identity;
  readonly bobCred: id.Credential;
}

/** An issuer with a few enrolled citizens; alice (adult, region 7) and bob (adult, region 11). */
export function world(): World {
  const issuer = new id.Issuer(id.IssuerKey.fromSecret(0x5eed1234567890n));
  for (let i = 0; i < 5; i++) issuer.enrol(id.Identity.fromSecret(1000n + BigInt(i)).commitment, { birthDate: 19900101 + i, region: 3, expiry: 20310101 });
  const alice = id.Identity.fromSecret(0xa11ce5n);
  const aliceCred = issuer.enrol(alice.commitment, { birthDate: 19950620, region: 7, expiry: 20300101 });
  const bob = id.Identity.fromSecret(0xb0bn);
  const bobCred = issuer.enrol(bob.commitment, { birthDate: 20000301, region: 11, expiry: 20290101 });
  return { issuer, alice, aliceCred, bob, bobCred };
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
