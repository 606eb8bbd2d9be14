// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAttestationOffchain} from "./IAttestationOffchain.sol";

/// @title AttestationOffchain
/// @notice Anchors off-chain attestations: batched timestamping of their hashes, and a batched revocation registry
///         keyed by revoker. The signed objects themselves never touch the chain. Batches skip (and report) hashes
///         already done instead of reverting.
contract AttestationOffchain is IAttestationOffchain {
    mapping(bytes32 hash => uint64 time) private _timestamps;
    mapping(address revoker => mapping(bytes32 hash => uint64 time)) private _revocations;

    /// @inheritdoc IAttestationOffchain
    function timestamp(bytes32[] calldata hashes) external returns (uint256 stamped) {
        uint256 n = hashes.length;
        if (n == 0) revert EmptyBatch();
        uint64 now_ = uint64(block.timestamp);
        for (uint256 i; i < n; ++i) {
            bytes32 h = hashes[i];
            uint64 t = _timestamps[h];
            if (t != 0) {
                emit TimestampSkipped(h, t);
                continue;
            }
            _timestamps[h] = now_;
            ++stamped;
            emit Timestamped(h, now_);
        }
    }

    /// @inheritdoc IAttestationOffchain
    function revokeOffchain(bytes32[] calldata hashes) external returns (uint256 revoked) {
        uint256 n = hashes.length;
        if (n == 0) revert EmptyBatch();
        uint64 now_ = uint64(block.timestamp);
        mapping(bytes32 => uint64) storage mine = _revocations[msg.sender];
        for (uint256 i; i < n; ++i) {
            bytes32 h = hashes[i];
            uint64 t = mine[h];
            if (t != 0) {
                emit RevocationSkipped(msg.sender, h, t);
                continue;
            }
            mine[h] = now_;
            ++revoked;
            emit RevokedOffchain(msg.sender, h, now_);
        }
    }

    /// @inheritdoc IAttestationOffchain
    function timestampOf(bytes32 hash) external view returns (uint64) {
        return _timestamps[hash];
    }

    /// @inheritdoc IAttestationOffchain
    function revocationOf(address revoker, bytes32 hash) external view returns (uint64) {
        return _revocations[revoker][hash];
    }
}
