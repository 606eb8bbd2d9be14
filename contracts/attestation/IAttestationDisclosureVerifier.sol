// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Attestation} from "../interfaces/AttestationTypes.sol";
import {IAttestationRegistry} from "./IAttestationRegistry.sol";

/// @title IAttestationDisclosureVerifier
/// @notice The canonical external surface of AttestationDisclosureVerifier: verifies one selectively disclosed field
///         against a valid attestation whose data is a Merkle root of salted fields. Leaves follow the
///         StandardMerkleTree of the OpenZeppelin merkle-tree package over `(string name, bytes32 salt, bytes value)`,
///         with `value` the ABI encoding of the field.
interface IAttestationDisclosureVerifier {
    /// @notice The attestation is not valid (unknown, revoked, expired or epoch-revoked).
    /// @param uid The attestation id.
    error AttestationNotValid(bytes32 uid);
    /// @notice The attestation's data is not a single 32-byte root.
    /// @param uid The attestation id.
    error NotADisclosureAttestation(bytes32 uid);
    /// @notice The proof does not lead to the attestation's root.
    /// @param uid The attestation id.
    /// @param name The field name.
    error InvalidDisclosureProof(bytes32 uid, string name);

    /// @notice The registry whose attestations are checked.
    /// @return registry The registry.
    function registry() external view returns (IAttestationRegistry registry);

    /// @notice Reverts unless `(name, salt, value)` is a field of the valid attestation `attestation`.
    /// @param attestation The attestation content (from its `Attested` event).
    /// @param name The field name.
    /// @param salt The field's salt.
    /// @param value The ABI-encoded field value.
    /// @param proof The Merkle proof.
    /// @return uid The attestation id.
    function verifyField(
        Attestation calldata attestation,
        string calldata name,
        bytes32 salt,
        bytes calldata value,
        bytes32[] calldata proof
    ) external view returns (bytes32 uid);
}
