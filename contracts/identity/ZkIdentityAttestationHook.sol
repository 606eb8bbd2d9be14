// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Attestation} from "../interfaces/AttestationTypes.sol";
import {IZkIdentityVerifier} from "./IZkIdentityVerifier.sol";
import {IZkIdentityAttestationHook} from "./IZkIdentityAttestationHook.sol";

/// @title ZkIdentityAttestationHook
/// @notice Makes a schema require a ZK identity proof meeting one fixed policy (deploy one hook per policy and point
///         schemas at it). See {IZkIdentityAttestationHook}.
contract ZkIdentityAttestationHook is IZkIdentityAttestationHook {
    /// @inheritdoc IZkIdentityAttestationHook
    IZkIdentityVerifier public immutable verifier;
    /// @inheritdoc IZkIdentityAttestationHook
    address public immutable registry;
    IZkIdentityVerifier.Policy private _policy;

    /// @dev An abi-encoded IdentityProof: 6 words (root, nullifier, issuerAx, message, date, mode) + 8 points.
    uint256 private constant PROOF_BYTES = 14 * 32;

    /// @notice Creates the hook for one policy.
    /// @param verifier_ the identity verifier (nullifiers are recorded there under this hook's address)
    /// @param registry_ the attestation registry, the hook's only caller
    /// @param policy_ what every proof must show
    constructor(IZkIdentityVerifier verifier_, address registry_, IZkIdentityVerifier.Policy memory policy_) {
        verifier = verifier_;
        registry = registry_;
        _policy = policy_;
    }

    /// @inheritdoc IZkIdentityAttestationHook
    function policy() external view returns (IZkIdentityVerifier.Policy memory) {
        return _policy;
    }

    /// @inheritdoc IZkIdentityAttestationHook
    function scopeOf(bytes32 schema) public view returns (uint256 scope) {
        return uint256(keccak256(abi.encode(address(this), schema))) >> 136;
    }

    /// @inheritdoc IZkIdentityAttestationHook
    function messageOf(
        bytes32 schema,
        address attester,
        bytes calldata subject,
        bytes calldata data,
        bytes32 refUID,
        uint64 expirationTime
    ) public pure returns (uint256 message) {
        return _message(schema, attester, subject, data, refUID, expirationTime);
    }

    /// @notice Verifies the proof in `hookData` for this attestation and records its nullifier for the schema.
    /// @param uid the attestation
    /// @param attestation its content
    /// @param hookData the abi-encoded IdentityProof
    /// @return accepted true (a failing proof reverts with the verifier's reason)
    function onAttest(
        bytes32 uid,
        Attestation calldata attestation,
        address,
        bytes calldata hookData
    ) external payable returns (bool accepted) {
        if (msg.sender != registry) revert NotRegistry(msg.sender);
        if (msg.value != 0) revert UnexpectedValue(msg.value);
        if (hookData.length != PROOF_BYTES) revert MalformedProof(hookData.length);
        IZkIdentityVerifier.IdentityProof memory proof = abi.decode(hookData, (IZkIdentityVerifier.IdentityProof));
        uint256 message = _message(
            attestation.schema,
            attestation.attester,
            attestation.subject,
            attestation.data,
            attestation.refUID,
            attestation.expirationTime
        );
        uint256 nullifier = verifier.validateProof(proof, scopeOf(attestation.schema), message, _policy);
        emit IdentityBackedAttestation(uid, attestation.schema, nullifier);
        return true;
    }

    /// @notice Revocations need no proof (the nullifier stays used).
    /// @return accepted true
    function onRevoke(bytes32, bytes32, address, address, bytes calldata) external payable returns (bool accepted) {
        if (msg.sender != registry) revert NotRegistry(msg.sender);
        if (msg.value != 0) revert UnexpectedValue(msg.value);
        return true;
    }

    /// @notice keccak256 of the attestation's fields the prover knows, reduced below the BN254 scalar field.
    /// @param schema the schema
    /// @param attester the attester
    /// @param subject the subject bytes
    /// @param data the data
    /// @param refUID the linked attestation
    /// @param expirationTime the expiry
    /// @return the message
    function _message(
        bytes32 schema,
        address attester,
        bytes calldata subject,
        bytes calldata data,
        bytes32 refUID,
        uint64 expirationTime
    ) private pure returns (uint256) {
        bytes32 h = keccak256(
            abi.encode(schema, attester, keccak256(subject), keccak256(data), refUID, expirationTime)
        );
        return uint256(h) >> 8;
    }
}
