// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IIdentityGroth16Verifier, IIdentityMembershipGroth16Verifier} from "../../contracts/identity/verifiers/IIdentityGroth16Verifier.sol";
import {IIdentityGroth16BatchVerifier} from "../../contracts/identity/verifiers/IIdentityGroth16BatchVerifier.sol";
import {IIdentityRegistry} from "../../contracts/identity/IIdentityRegistry.sol";
import {IZkIdentityVerifier} from "../../contracts/identity/IZkIdentityVerifier.sol";

/// @title MockZkIdentityVerifier
/// @notice Test-only stand-in for ZkIdentityVerifier: a "proof" is valid when points[0] != 0. It enforces the message
///         binding and one use per (consumer, scope, nullifier), and records the scope and policy it was called with.
contract MockZkIdentityVerifier is IZkIdentityVerifier {
    mapping(address => mapping(uint256 => mapping(uint256 => bool))) public used;
    uint256 public lastScope;
    uint8 public lastMinAge;
    uint16 public lastRegion0;

    function groth16() external pure returns (IIdentityGroth16Verifier) {
        return IIdentityGroth16Verifier(address(0));
    }

    function groth16Batch() external pure returns (IIdentityGroth16BatchVerifier) {
        return IIdentityGroth16BatchVerifier(address(0));
    }

    function membershipGroth16() external pure returns (IIdentityMembershipGroth16Verifier) {
        return IIdentityMembershipGroth16Verifier(address(0));
    }

    function membershipGroth16Batch() external pure returns (IIdentityGroth16BatchVerifier) {
        return IIdentityGroth16BatchVerifier(address(0));
    }

    function registry() external pure returns (IIdentityRegistry) {
        return IIdentityRegistry(address(0));
    }

    function validateProof(
        IdentityProof calldata proof,
        uint256 scope,
        uint256 message,
        Policy calldata policy
    ) external returns (uint256 nullifier) {
        nullifier = _check(msg.sender, proof, scope, message);
        _record(proof, scope, policy);
    }

    function validateProofs(IdentityProof[] calldata proofs, uint256 scope, Policy calldata policy) external {
        if (proofs.length == 0) revert EmptyBatch();
        for (uint256 i = 0; i < proofs.length; i++) {
            if (proofs[i].points[0] == 0) revert InvalidProofAt(i);
            _check(msg.sender, proofs[i], scope, proofs[i].message);
            _record(proofs[i], scope, policy);
        }
    }

    function verifyProof(
        address consumer,
        IdentityProof calldata proof,
        uint256 scope,
        uint256 message,
        Policy calldata
    ) external view returns (uint256) {
        return _check(consumer, proof, scope, message);
    }

    function isNullifierUsed(address consumer, uint256 scope, uint256 nullifier) external view returns (bool) {
        return used[consumer][scope][nullifier];
    }

    function policyWord(Policy calldata, uint256 scope, uint256) external pure returns (uint256) {
        return scope;
    }

    function _record(IdentityProof calldata proof, uint256 scope, Policy calldata policy) private {
        used[msg.sender][scope][proof.nullifier] = true;
        lastScope = scope;
        lastMinAge = policy.minAge;
        lastRegion0 = policy.regions[0];
        emit IdentityProofVerified(msg.sender, scope, proof.nullifier, proof.root, proof.message);
    }

    function _check(
        address consumer,
        IdentityProof calldata proof,
        uint256 scope,
        uint256 message
    ) private view returns (uint256 nullifier) {
        if (proof.points[0] == 0) revert InvalidProof();
        if (scope >= 1 << 120) revert ScopeOutOfRange(scope);
        if (proof.message != message) revert MessageMismatch(message, proof.message);
        nullifier = proof.nullifier;
        if (used[consumer][scope][nullifier]) revert NullifierAlreadyUsed(nullifier);
    }
}
