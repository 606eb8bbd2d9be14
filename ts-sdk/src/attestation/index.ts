/**
 * Attestations: schemas and data encoding, subjects, attest/revoke clients, EIP-712 delegated and off-chain
 * signing, selective disclosure, and log-based queries.
 */
export { DataLocation, SchemaEncoder, normalizeSchema, schemaUid, type DecodedField, type SchemaDefinition, type SchemaDefinitionTuple, type SchemaField, type SchemaValue } from "./schema.js";
export { decodeSubject, encodeSubject, subjectToString, type Subject } from "./subject.js";
export { attestationStruct, attestationUid, buildRequest, type AttestInput, type Attestation, type AttestationRequest } from "./types.js";
export {
  ATTESTATION_DOMAIN,
  ATTEST_TYPES,
  OFFCHAIN_TYPES,
  REVOKE_TYPES,
  attestDigest,
  attestationDomain,
  offchainUid,
  registryDomain,
  revokeDigest,
  signDelegatedAttest,
  signDelegatedRevoke,
  signOffchain,
  verifyOffchain,
  type Delegation,
  type DelegationTerms,
  type Eip712Domain,
  type OffchainAttestation,
  type OffchainFailure,
  type OffchainInput,
  type OffchainVerification,
  type OffchainVerifyOptions,
  type SignedOffchainAttestation,
} from "./eip712.js";
export { DISCLOSURE_SCHEMA, commitFields, discloseFields, disclosureRoot, verifyDisclosedField, type DisclosedField, type DisclosureCommitment, type SaltedField } from "./disclosure.js";
export { AttestationIndex, type IndexedAttestation } from "./query.js";
export { AttestationClient, type AttestResult } from "./client.js";
