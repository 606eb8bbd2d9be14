// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

import {Attestation} from "../interfaces/AttestationTypes.sol";
import {AttestationLib} from "./AttestationLib.sol";
import {IAttestationDisclosureVerifier} from "./IAttestationDisclosureVerifier.sol";
import {IAttestationRegistry} from "./IAttestationRegistry.sol";

/// @title AttestationDisclosureVerifier
/// @notice Verifies one selectively disclosed field against a valid attestation whose data is a Merkle root of
///         salted fields. Leaves follow the StandardMerkleTree of the OpenZeppelin merkle-tree package over
///         `(string name, bytes32 salt, bytes value)`, with `value` the ABI encoding of the field.
contract AttestationDisclosureVerifier is IAttestationDisclosureVerifier {
    /// @inheritdoc IAttestationDisclosureVerifier
    IAttestationRegistry public immutable registry;

    /// @notice Deploys a verifier over the attestations of `registry_`.
    /// @param registry_ The registry.
    constructor(IAttestationRegistry registry_) {
        registry = registry_;
    }

    /// @inheritdoc IAttestationDisclosureVerifier
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
