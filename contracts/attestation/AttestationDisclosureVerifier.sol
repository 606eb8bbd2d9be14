// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

import {IAttestationRegistry} from "../interfaces/AttestationRegistryInterface.sol";
import {Attestation} from "../interfaces/AttestationTypes.sol";
import {AttestationLib} from "./AttestationLib.sol";

/// @title AttestationDisclosureVerifier
/// @notice Verifies one selectively disclosed field against a valid attestation whose data is a Merkle root of
///         salted fields. Leaves follow the StandardMerkleTree of the OpenZeppelin merkle-tree package over
///         `(string name, bytes32 salt, bytes value)`, with `value` the ABI encoding of the field.
contract AttestationDisclosureVerifier {
    /// @notice The registry whose attestations are checked.
    IAttestationRegistry public immutable registry;

    /// @notice The attestation is not valid (unknown, revoked, expired or epoch-revoked).
    error AttestationNotValid(bytes32 uid);
    /// @notice The attestation's data is not a single 32-byte root.
    error NotADisclosureAttestation(bytes32 uid);
    /// @notice The proof does not lead to the attestation's root.
    error InvalidDisclosureProof(bytes32 uid, string name);

    /// @param registry_ The registry.
    constructor(IAttestationRegistry registry_) {
        registry = registry_;
    }

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
    ) external view returns (bytes32 uid) {
        uid = AttestationLib.uidOf(attestation);
        if (!registry.isValid(uid)) revert AttestationNotValid(uid);
        if (attestation.data.length != 32) revert NotADisclosureAttestation(uid);
        bytes32 root = bytes32(attestation.data);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(name, salt, value))));
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) revert InvalidDisclosureProof(uid, name);
    }
}
