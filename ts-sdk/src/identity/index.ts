/**
 * Zero-knowledge national identity: citizen identities, issuer tools (credentials, registry tree,
 * revocation), the Groth16 prover and the off-chain verifier. No I/O at import time.
 */
export { Identity } from "./identity.js";
export {
  Issuer,
  IssuerKey,
  credentialHash,
  verifySignature,
  membershipRoot,
  checkAttributes,
  type Credential,
  type MembershipCredential,
  type SignedCredential,
  type CredentialAttributes,
  type MembershipProof,
  type PublicKey,
  type Signature,
} from "./issuer.js";
export {
  packPolicy,
  unpackPolicy,
  policyStruct,
  checkPolicy,
  checkMode,
  REGION_SLOTS,
  SCOPE_LIMIT,
  MODE_BIT,
  CREDENTIAL_MODES,
  type CredentialMode,
  type IdentityPolicy,
  type UnpackedPolicy,
} from "./policy.js";
export { SNARK_FIELD, poseidon, randomField, toDateInt, formatDateInt, isValidDateInt, type DateInt } from "./field.js";
export {
  CIRCUIT_DEPTH,
  buildWitnessInput,
  artifactsFor,
  proveIdentity,
  releaseProver,
  verifyIdentityProof,
  decodeSignals,
  toCalldata,
  messageForAddress,
  todayDateInt,
  type Artifact,
  type ProverArtifacts,
  type CircuitArtifacts,
  type ArtifactsByMode,
  type VerifierSignals,
  type Groth16Proof,
  type IdentityProof,
  type IdentityPublicSignals,
  type ProveRequest,
  type OffchainExpectations,
  type OffchainVerdict,
} from "./prover.js";
export {
  identityProofStruct,
  prepareBenefitClaimMany,
  relayBenefitClaims,
  DEFAULT_RELAY_BATCH,
  MAX_RELAY_BATCH,
  type IdentityProofStruct,
  type BenefitClaimManyParameters,
} from "./onchain.js";
export {
  identityRootTree,
  prepareImportIdentityRoot,
  importIdentityRoot,
  IDENTITY_ROOT_LEAF_TYPES,
  type IssuerRootEntry,
  type ImportIdentityRootParameters,
} from "./roots.js";
