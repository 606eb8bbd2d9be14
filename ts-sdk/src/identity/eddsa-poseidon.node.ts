/**
 * zk-kit's EdDSA-Poseidon as Node loads it: its CommonJS build. The ES module of @zk-kit/eddsa-poseidon 1.1.0
 * imports named exports from `blakejs`, a CommonJS package whose exports Node's ES module loader cannot see, so it
 * fails to link in Node ("Named export 'blake2bFinal' not found"); bundlers link it fine (`eddsa-poseidon.ts`).
 */
import { createRequire } from "node:module";

type EdDSAPoseidon = typeof import("@zk-kit/eddsa-poseidon");

const lib = createRequire(import.meta.url)("@zk-kit/eddsa-poseidon") as EdDSAPoseidon;

export const derivePublicKey: EdDSAPoseidon["derivePublicKey"] = lib.derivePublicKey;
export const deriveSecretScalar: EdDSAPoseidon["deriveSecretScalar"] = lib.deriveSecretScalar;
export const signMessage: EdDSAPoseidon["signMessage"] = lib.signMessage;
export const verifySignature: EdDSAPoseidon["verifySignature"] = lib.verifySignature;
