// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Attestation} from "../interfaces/AttestationTypes.sol";

/// @title AttestationLib
/// @notice The attestation id: a hash of the full content, so anyone holding the content can prove it on-chain.
library AttestationLib {
    /// @notice The uid of an attestation's content.
    /// @dev uid = keccak256(abi.encode(schema, attester, time, expirationTime, refUID, keccak256(subject),
    ///      keccak256(data))).
    /// @param schema The schema id.
    /// @param attester The attester.
    /// @param time When it was recorded.
    /// @param expirationTime When it expires (0 = never).
    /// @param refUID The linked attestation, or zero.
    /// @param subject The compact subject bytes.
    /// @param data The ABI-encoded data.
    /// @return The attestation id.
    function uid(
        bytes32 schema,
        address attester,
        uint64 time,
        uint64 expirationTime,
        bytes32 refUID,
        bytes calldata subject,
        bytes calldata data
    ) internal pure returns (bytes32) {
        return
            keccak256(abi.encode(schema, attester, time, expirationTime, refUID, keccak256(subject), keccak256(data)));
    }

    /// @notice The uid of an attestation held in calldata.
    /// @param a The attestation content.
    /// @return The attestation id.
    function uidOf(Attestation calldata a) internal pure returns (bytes32) {
        return uid(a.schema, a.attester, a.time, a.expirationTime, a.refUID, a.subject, a.data);
    }
}
