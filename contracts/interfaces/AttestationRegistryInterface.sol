// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AttestationRequest, AttestationRecord, Delegation} from "./AttestationTypes.sol";

/// @title IAttestationRegistry
/// @notice Records attestations: one storage record per attestation, full content in the `Attested` event.
interface IAttestationRegistry {
    /// @notice An attestation was recorded. Carries everything an indexer needs; the uid commits to all of it.
    event Attested(
        bytes32 indexed uid,
        bytes32 indexed schema,
        address indexed attester,
        bytes subject,
        uint64 time,
        uint64 expirationTime,
        bytes32 refUID,
        bytes data
    );
    /// @notice An attestation was revoked by its attester.
    event Revoked(bytes32 indexed uid, address indexed attester, uint64 time);
    /// @notice `attester` revoked every attestation it made under `schema` before `before`.
    event EpochRevoked(address indexed attester, bytes32 indexed schema, uint64 before);

    /// @notice The schema is not registered.
    error UnknownSchema(bytes32 schema);
    /// @notice The expiration time is not in the future.
    error ExpirationInPast(uint64 expirationTime, uint256 now_);
    /// @notice The schema has a maximum validity, so the attestation must expire.
    error ExpirationRequired(bytes32 schema);
    /// @notice The expiration time lies beyond the schema's maximum validity.
    error ExceedsMaxValidity(uint64 expirationTime, uint256 latestAllowed);
    /// @notice The expiration time does not fit the 40-bit record.
    error ExpirationTooLarge(uint64 expirationTime);
    /// @notice `refUID` does not name an existing attestation.
    error UnknownReference(bytes32 refUID);
    /// @notice An identical attestation was already recorded in this second.
    error AttestationExists(bytes32 uid);
    /// @notice No attestation has this uid.
    error UnknownAttestation(bytes32 uid);
    /// @notice Only the attester may revoke.
    error NotAttester(bytes32 uid, address caller);
    /// @notice The attestation's schema is not revocable.
    error NotRevocable(bytes32 uid);
    /// @notice The attestation is already revoked.
    error AlreadyRevoked(bytes32 uid);
    /// @notice The schema's hook returned false.
    error HookRejected(address hook);
    /// @notice Native coin sent does not equal the sum of the requests' values.
    error ValueMismatch(uint256 expected, uint256 sent);
    /// @notice Native coin was sent for a schema without a hook.
    error ValueWithoutHook(bytes32 schema);
    /// @notice A batch is empty.
    error EmptyBatch();
    /// @notice An epoch revocation cannot reach into the future.
    error EpochInFuture(uint64 before, uint256 now_);
    /// @notice An epoch revocation can only move forward.
    error EpochNotIncreasing(uint64 current, uint64 proposed);

    /// @notice Records an attestation by the caller.
    /// @param request The attestation; `msg.value` must equal `request.value`.
    /// @return uid The attestation id.
    function attest(AttestationRequest calldata request) external payable returns (bytes32 uid);

    /// @notice Records several attestations by the caller, across schemas.
    /// @param requests The attestations; `msg.value` must equal the sum of their values.
    /// @return uids The attestation ids, in order.
    function multiAttest(AttestationRequest[] calldata requests) external payable returns (bytes32[] memory uids);

    /// @notice Records an attestation signed (EIP-712) by `delegation.signer`, who is recorded as attester.
    /// @param request The attestation.
    /// @param delegation Signer, nonce, deadline and signature.
    /// @return uid The attestation id.
    function attestBySig(
        AttestationRequest calldata request,
        Delegation calldata delegation
    ) external payable returns (bytes32 uid);

    /// @notice Revokes an attestation the caller made.
    /// @param uid The attestation.
    /// @param hookData Bytes for the schema's hook; `msg.value` is forwarded to it.
    function revoke(bytes32 uid, bytes calldata hookData) external payable;

    /// @notice Revokes several attestations the caller made.
    /// @param uids The attestations.
    function multiRevoke(bytes32[] calldata uids) external;

    /// @notice Revokes an attestation by an EIP-712 signature of its attester.
    /// @param uid The attestation.
    /// @param delegation Signer (the attester), nonce, deadline and signature.
    function revokeBySig(bytes32 uid, Delegation calldata delegation) external payable;

    /// @notice Revokes every attestation the caller made under `schema` before time `before`, in one step.
    /// @param schema The schema.
    /// @param before Attestations with `time < before` become invalid; at most the current time.
    function revokeIssuedBefore(bytes32 schema, uint64 before) external;

    /// @notice Whether `uid` exists, is not revoked, not expired and not covered by an epoch revocation.
    /// @param uid The attestation.
    /// @return valid The verdict.
    function isValid(bytes32 uid) external view returns (bool valid);

    /// @notice The stored record of `uid` (all zero if unknown).
    /// @param uid The attestation.
    /// @return record The record.
    function getAttestation(bytes32 uid) external view returns (AttestationRecord memory record);

    /// @notice The epoch revocation time of `attester` under `schema` (0 = none).
    /// @param attester The attester.
    /// @param schema The schema.
    /// @return before Attestations made before it are invalid.
    function revokedBefore(address attester, bytes32 schema) external view returns (uint64 before);
}
