// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IAttestationOffchain
/// @notice The canonical external surface of AttestationOffchain: anchors off-chain attestations by batched
///         timestamping of their hashes and keeps a batched revocation registry keyed by revoker. Batches are
///         idempotent: a hash already stamped (or already revoked by the caller) is skipped and reported, never
///         fails the batch, so nobody can block a pending batch by front-running one of its hashes.
interface IAttestationOffchain {
    /// @notice `hash` was timestamped.
    /// @param hash The hash.
    /// @param time The time it was stamped at.
    event Timestamped(bytes32 indexed hash, uint64 time);
    /// @notice `hash` was already timestamped, so a batch skipped it; its time is unchanged.
    /// @param hash The hash.
    /// @param stampedAt The time it was first stamped at.
    event TimestampSkipped(bytes32 indexed hash, uint64 stampedAt);
    /// @notice `revoker` revoked the off-chain attestation `hash`.
    /// @param revoker The issuer revoking.
    /// @param hash The off-chain attestation uid.
    /// @param time The time of revocation.
    event RevokedOffchain(address indexed revoker, bytes32 indexed hash, uint64 time);
    /// @notice `revoker` had already revoked `hash`, so a batch skipped it; its revocation time is unchanged.
    /// @param revoker The issuer revoking.
    /// @param hash The off-chain attestation uid.
    /// @param revokedAt The time it was first revoked at.
    event RevocationSkipped(address indexed revoker, bytes32 indexed hash, uint64 revokedAt);

    /// @notice A batch is empty.
    error EmptyBatch();

    /// @notice Timestamps a batch of off-chain attestation hashes; hashes already stamped are skipped (each reported
    ///         by `TimestampSkipped`) and keep their first time.
    /// @param hashes The hashes (e.g. off-chain attestation uids).
    /// @return stamped How many hashes this call stamped.
    function timestamp(bytes32[] calldata hashes) external returns (uint256 stamped);

    /// @notice Revokes a batch of off-chain attestations the caller issued; hashes the caller already revoked are
    ///         skipped (each reported by `RevocationSkipped`) and keep their first time.
    /// @param hashes Their uids.
    /// @return revoked How many hashes this call revoked.
    function revokeOffchain(bytes32[] calldata hashes) external returns (uint256 revoked);

    /// @notice When `hash` was timestamped (0 = never).
    /// @param hash The hash.
    /// @return time The time.
    function timestampOf(bytes32 hash) external view returns (uint64 time);

    /// @notice When `revoker` revoked `hash` (0 = not revoked).
    /// @param revoker The issuer.
    /// @param hash The off-chain attestation uid.
    /// @return time The time.
    function revocationOf(address revoker, bytes32 hash) external view returns (uint64 time);
}
