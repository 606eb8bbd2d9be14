// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAttestationHook} from "../interfaces/IAttestationHook.sol";
import {IZkIdentityVerifier} from "./IZkIdentityVerifier.sol";

/// @title IZkIdentityAttestationHook
/// @notice An attestation hook that makes a schema require a ZK identity proof, e.g. "an anonymous resident of region
///         R, 18 or older, attests …" (the attester proves) or "the subject is a resident" (the subject proves and
///         hands the proof to the attester). The proof travels in the request's `hookData` (abi-encoded
///         {IZkIdentityVerifier.IdentityProof}); its message binds the whole attestation (schema, attester, subject,
///         data, refUID, expirationTime), so it cannot be moved to another attestation; its nullifier is scoped to
///         the schema, so each person backs at most one attestation per schema (revoking it does not free it).
interface IZkIdentityAttestationHook is IAttestationHook {
    /// @notice An attestation was accepted on a ZK identity proof.
    /// @param uid the attestation
    /// @param schema its schema
    /// @param nullifier the prover's nullifier for the schema, now used
    event IdentityBackedAttestation(bytes32 indexed uid, bytes32 indexed schema, uint256 indexed nullifier);

    /// @notice Only the attestation registry may call the hook (a direct call could burn a person's nullifier).
    /// @param caller the caller
    error NotRegistry(address caller);

    /// @notice The hook charges nothing; native coin sent with the request would be stuck.
    /// @param value the amount sent
    error UnexpectedValue(uint256 value);

    /// @notice `hookData` is not an abi-encoded IdentityProof.
    /// @param length its length in bytes
    error MalformedProof(uint256 length);

    /// @notice The identity verifier proofs are checked with.
    /// @return the verifier
    function verifier() external view returns (IZkIdentityVerifier);

    /// @notice The only caller of the hook.
    /// @return the attestation registry
    function registry() external view returns (address);

    /// @notice What every proof must show.
    /// @return the policy
    function policy() external view returns (IZkIdentityVerifier.Policy memory);

    /// @notice The nullifier scope of a schema (< 2^120): one attestation per person per schema.
    /// @param schema the schema
    /// @return scope the scope a prover proves for
    function scopeOf(bytes32 schema) external view returns (uint256 scope);

    /// @notice The message a proof for this attestation must be bound to (the attestation's time is not included:
    ///         the prover cannot know it).
    /// @param schema the schema
    /// @param attester the attester
    /// @param subject the subject bytes
    /// @param data the attestation data
    /// @param refUID the linked attestation, or zero
    /// @param expirationTime the expiry, or 0
    /// @return message a BN254 field element
    function messageOf(
        bytes32 schema,
        address attester,
        bytes calldata subject,
        bytes calldata data,
        bytes32 refUID,
        uint64 expirationTime
    ) external pure returns (uint256 message);
}
