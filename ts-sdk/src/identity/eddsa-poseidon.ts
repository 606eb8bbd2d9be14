/**
 * zk-kit's EdDSA-Poseidon (Baby Jubjub, circomlib-compatible), as bundlers and browsers load it: its ES module.
 * Node loads `eddsa-poseidon.node.ts` instead (package.json `imports["#eddsa-poseidon"]`).
 */
export { derivePublicKey, deriveSecretScalar, signMessage, verifySignature } from "@zk-kit/eddsa-poseidon";
