// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title AttestationOffchain
/// @notice Anchors off-chain attestations: batched timestamping of their hashes, and a batched revocation registry
///         keyed by revoker. The signed objects themselves never touch the chain.
contract AttestationOffchain {
    mapping(bytes32 hash => uint64 time) private _timestamps;
    mapping(address revoker => mapping(bytes32 hash => uint64 time)) private _revocations;

    /// @notice `hash` was timestamped.
    event Timestamped(bytes32 indexed hash, uint64 time);
    /// @notice `revoker` revoked the off-chain attestation `hash`.
    event RevokedOffchain(address indexed revoker, bytes32 indexed hash, uint64 time);

    /// @notice A batch is empty.
    error EmptyBatch();
    /// @notice The hash was already timestamped.
    error AlreadyTimestamped(bytes32 hash, uint64 time);
    /// @notice The caller already revoked the hash.
    error AlreadyRevokedOffchain(bytes32 hash, uint64 time);

    /// @notice Timestamps a batch of off-chain attestation hashes.
    /// @param hashes The hashes (e.g. off-chain attestation uids).
    function timestamp(bytes32[] calldata hashes) external {
        uint256 n = hashes.length;
        if (n == 0) revert EmptyBatch();
        uint64 now_ = uint64(block.timestamp);
        for (uint256 i; i < n; ++i) {
            bytes32 h = hashes[i];
            uint64 t = _timestamps[h];
            if (t != 0) revert AlreadyTimestamped(h, t);
            _timestamps[h] = now_;
            emit Timestamped(h, now_);
        }
    }

    /// @notice Revokes a batch of off-chain attestations the caller issued.
    /// @param hashes Their uids.
    function revokeOffchain(bytes32[] calldata hashes) external {
        uint256 n = hashes.length;
        if (n == 0) revert EmptyBatch();
        uint64 now_ = uint64(block.timestamp);
        mapping(bytes32 => uint64) storage mine = _revocations[msg.sender];
        for (uint256 i; i < n; ++i) {
            bytes32 h = hashes[i];
            uint64 t = mine[h];
            if (t != 0) revert AlreadyRevokedOffchain(h, t);
            mine[h] = now_;
            emit RevokedOffchain(msg.sender, h, now_);
        }
    }

    /// @notice When `hash` was timestamped (0 = never).
    /// @param hash The hash.
    /// @return time The time.
    function timestampOf(bytes32 hash) external view returns (uint64) {
        return _timestamps[hash];
    }

    /// @notice When `revoker` revoked `hash` (0 = not revoked).
    /// @param revoker The issuer.
    /// @param hash The off-chain attestation uid.
    /// @return time The time.
    function revocationOf(address revoker, bytes32 hash) external view returns (uint64) {
        return _revocations[revoker][hash];
    }
}
