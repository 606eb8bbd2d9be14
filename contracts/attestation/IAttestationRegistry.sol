// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";

import {Attestation, AttestationRecord, AttestationRequest, Delegation} from "../interfaces/AttestationTypes.sol";
import {IAttestationSchemaRegistry} from "./IAttestationSchemaRegistry.sol";

/// @title IAttestationRegistry
/// @notice The canonical external surface of AttestationRegistry: records attestations (one storage record each, full
///         content in the `Attested` event), revokes them one by one, in batches, by signature or by issuer epoch,
///         and checks EIP-712 delegated signatures bound to chain id, registry address, nonce and deadline.
interface IAttestationRegistry is IERC5267 {
    // ---- events ----

    /// @notice An attestation was recorded. Carries everything an indexer needs; the uid commits to all of it.
    /// @param uid The attestation id.
    /// @param schema Its schema id.
    /// @param attester Its attester (the signer for a delegated attestation).
    /// @param subject The compact subject bytes.
    /// @param time When it was recorded.
    /// @param expirationTime When it expires (0 = never).
    /// @param refUID The attestation it links to, or zero.
    /// @param data The ABI-encoded data.
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
    /// @param uid The attestation id.
    /// @param attester Its attester.
    /// @param time When it was revoked.
    event Revoked(bytes32 indexed uid, address indexed attester, uint64 time);
    /// @notice `attester` revoked every attestation it made under `schema` before `before`.
    /// @param attester The attester.
    /// @param schema The schema.
    /// @param before Attestations with an earlier time are invalid.
    event EpochRevoked(address indexed attester, bytes32 indexed schema, uint64 before);
    /// @notice `signer` cancelled every outstanding delegated signature with a nonce below `newNonce`.
    /// @param signer The attester whose nonce moved.
    /// @param oldNonce The nonce before.
    /// @param newNonce The nonce now expected next.
    event NonceIncreased(address indexed signer, uint256 oldNonce, uint256 newNonce);

    // ---- errors ----

    /// @notice The schema is not registered.
    /// @param schema The schema id.
    error UnknownSchema(bytes32 schema);
    /// @notice The expiration time is not in the future.
    /// @param expirationTime The requested expiration time.
    /// @param now_ The current block time.
    error ExpirationInPast(uint64 expirationTime, uint256 now_);
    /// @notice The schema has a maximum validity, so the attestation must expire.
    /// @param schema The schema id.
    error ExpirationRequired(bytes32 schema);
    /// @notice The expiration time lies beyond the schema's maximum validity.
    /// @param expirationTime The requested expiration time.
    /// @param latestAllowed The latest expiration time the schema allows now.
    error ExceedsMaxValidity(uint64 expirationTime, uint256 latestAllowed);
    /// @notice The expiration time does not fit the 40-bit record.
    /// @param expirationTime The requested expiration time.
    error ExpirationTooLarge(uint64 expirationTime);
    /// @notice `refUID` does not name an existing attestation.
    /// @param refUID The unknown reference.
    error UnknownReference(bytes32 refUID);
    /// @notice An identical attestation was already recorded in this second.
    /// @param uid The existing attestation id.
    error AttestationExists(bytes32 uid);
    /// @notice No attestation has this uid.
    /// @param uid The unknown id.
    error UnknownAttestation(bytes32 uid);
    /// @notice Only the attester may revoke.
    /// @param uid The attestation id.
    /// @param caller The account that tried to revoke.
    error NotAttester(bytes32 uid, address caller);
    /// @notice The attestation's schema is not revocable.
    /// @param uid The attestation id.
    error NotRevocable(bytes32 uid);
    /// @notice The attestation is already revoked.
    /// @param uid The attestation id.
    error AlreadyRevoked(bytes32 uid);
    /// @notice The schema's hook returned false.
    /// @param hook The hook.
    error HookRejected(address hook);
    /// @notice Native coin sent does not equal the sum of the requests' values.
    /// @param expected The value the request(s) ask for.
    /// @param sent The value available.
    error ValueMismatch(uint256 expected, uint256 sent);
    /// @notice Native coin was sent for a schema without a hook.
    /// @param schema The schema id.
    error ValueWithoutHook(bytes32 schema);
    /// @notice A batch is empty.
    error EmptyBatch();
    /// @notice An epoch revocation cannot reach into the future.
    /// @param before The requested epoch.
    /// @param now_ The current block time.
    error EpochInFuture(uint64 before, uint256 now_);
    /// @notice An epoch revocation can only move forward.
    /// @param current The current epoch.
    /// @param proposed The requested epoch.
    error EpochNotIncreasing(uint64 current, uint64 proposed);
    /// @notice The delegated signature's deadline has passed.
    /// @param deadline The deadline.
    error SignatureExpired(uint64 deadline);
    /// @notice The delegated signature is not the signer's for this request (wrong content, domain or key).
    /// @param signer The claimed signer.
    error BadSignature(address signer);
    /// @notice The delegation's nonce is not the signer's next nonce (used, cancelled or out of order).
    /// @param account The signer.
    /// @param currentNonce The nonce expected next.
    error InvalidAccountNonce(address account, uint256 currentNonce);
    /// @notice A nonce can only move forward, and stays at most `MAX_NONCE` so it never wraps.
    /// @param current The signer's current nonce.
    /// @param proposed The requested nonce.
    error InvalidNonceIncrease(uint256 current, uint256 proposed);

    // ---- attest and revoke ----

    /// @notice Records an attestation by the caller.
    /// @param request The attestation; `msg.value` must equal `request.value`.
    /// @return uid The attestation id.
    function attest(AttestationRequest calldata request) external payable returns (bytes32 uid);

    /// @notice Records several attestations by the caller, across schemas.
    /// @param requests The attestations; `msg.value` must equal the sum of their values.
    /// @return uids The attestation ids, in order.
    function multiAttest(AttestationRequest[] calldata requests) external payable returns (bytes32[] memory uids);

    /// @notice Records an attestation signed (EIP-712) by `delegation.signer`, who is recorded as attester. The
    ///         signature covers the whole request, `hookData` included, so a relayer can change nothing.
    /// @param request The attestation; `msg.value` must equal `request.value`.
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

    /// @notice Revokes an attestation by an EIP-712 signature of its attester. The hook (if any) gets empty
    ///         `hookData` and the relayer's `msg.value`.
    /// @param uid The attestation.
    /// @param delegation Signer (the attester), nonce, deadline and signature.
    function revokeBySig(bytes32 uid, Delegation calldata delegation) external payable;

    /// @notice Revokes every attestation the caller made under `schema` before time `before`, in one step.
    /// @param schema The schema.
    /// @param before Attestations with `time < before` become invalid; at most the current time.
    function revokeIssuedBefore(bytes32 schema, uint64 before) external;

    /// @notice Cancels every outstanding delegated signature of the caller with a nonce below `newNonce`, without
    ///         using them; the next delegation must carry `newNonce`.
    /// @param newNonce The new next nonce: above the current one and at most `MAX_NONCE`.
    function increaseNonce(uint256 newNonce) external;

    // ---- views ----

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

    /// @notice The schema registry the registry reads schemas from.
    /// @return registry The schema registry.
    function schemaRegistry() external view returns (IAttestationSchemaRegistry registry);

    /// @notice The nonce `signer`'s next delegated signature must carry.
    /// @param signer The attester.
    /// @return nonce The next nonce.
    function nonces(address signer) external view returns (uint256 nonce);

    // ---- EIP-712 ----

    /// @notice The highest nonce `increaseNonce` accepts (2^128 - 1), so a nonce can never wrap around.
    /// @return maxNonce The bound.
    function MAX_NONCE() external view returns (uint256 maxNonce);

    /// @notice Type hash of a delegated attestation: `Attest(address attester,bytes32 schema,bytes subject,
    ///         uint64 expirationTime,bytes32 refUID,bytes data,uint256 value,bytes hookData,uint256 nonce,
    ///         uint64 deadline)`.
    /// @return typeHash The type hash.
    function ATTEST_TYPEHASH() external view returns (bytes32 typeHash);

    /// @notice Type hash of a delegated revocation: `Revoke(address revoker,bytes32 uid,uint256 nonce,
    ///         uint64 deadline)`.
    /// @return typeHash The type hash.
    function REVOKE_TYPEHASH() external view returns (bytes32 typeHash);

    /// @notice Type hash of an off-chain attestation: `OffchainAttestation(bytes32 schema,address attester,
    ///         bytes subject,uint64 time,uint64 expirationTime,bytes32 refUID,bytes data,bytes32 salt)`.
    /// @return typeHash The type hash.
    function OFFCHAIN_TYPEHASH() external view returns (bytes32 typeHash);

    /// @notice The EIP-712 digest a delegated attestation is signed over (covers every request field, `hookData`
    ///         included).
    /// @param request The request.
    /// @param attester The signer.
    /// @param nonce The signer's nonce.
    /// @param deadline The deadline.
    /// @return digest The digest.
    function attestDigest(
        AttestationRequest calldata request,
        address attester,
        uint256 nonce,
        uint64 deadline
    ) external view returns (bytes32 digest);

    /// @notice The EIP-712 digest a delegated revocation is signed over.
    /// @param uid The attestation.
    /// @param revoker The signer.
    /// @param nonce The signer's nonce.
    /// @param deadline The deadline.
    /// @return digest The digest.
    function revokeDigest(
        bytes32 uid,
        address revoker,
        uint256 nonce,
        uint64 deadline
    ) external view returns (bytes32 digest);

    /// @notice The EIP-712 digest of an off-chain attestation; the SDK computes the same without a chain.
    /// @param attestation The attestation content.
    /// @param salt Its salt.
    /// @return digest The digest (the off-chain attestation's id).
    function offchainDigest(Attestation calldata attestation, bytes32 salt) external view returns (bytes32 digest);
}
