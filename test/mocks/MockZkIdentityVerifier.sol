// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IIdentityGroth16Verifier} from "../../contracts/identity/verifiers/IIdentityGroth16Verifier.sol";
import {IIdentityRegistry} from "../../contracts/identity/IIdentityRegistry.sol";
import {IZkIdentityVerifier} from "../../contracts/identity/IZkIdentityVerifier.sol";

/// @title MockZkIdentityVerifier
/// @notice Test-only stand-in for ZkIdentityVerifier: a "proof" is valid when proof[0] != 0; the nullifier is
///         publicSignals[1] and the bound message publicSignals[3]. It enforces the message binding and one use per
///         (consumer, scope, nullifier), and records the scope and policy it was called with.
contract MockZkIdentityVerifier is IZkIdentityVerifier {
    mapping(address => mapping(uint256 => mapping(uint256 => bool))) public used;
    uint256 public lastScope;
    uint8 public lastMinAge;
    uint16 public lastRegion0;

    function groth16() external pure returns (IIdentityGroth16Verifier) {
        return IIdentityGroth16Verifier(address(0));
    }

    function registry() external pure returns (IIdentityRegistry) {
        return IIdentityRegistry(address(0));
    }

    function verify(
        uint256[8] calldata proof,
        uint256[5] calldata publicSignals,
        uint256 scope,
        uint256 message,
        Policy calldata policy
    ) external returns (uint256 nullifier) {
        nullifier = _check(msg.sender, proof, publicSignals, scope, message);
        used[msg.sender][scope][nullifier] = true;
        lastScope = scope;
        lastMinAge = policy.minAge;
        lastRegion0 = policy.regions[0];
        emit IdentityProofVerified(msg.sender, scope, nullifier, publicSignals[0], message);
    }

    function check(
        address consumer,
        uint256[8] calldata proof,
        uint256[5] calldata publicSignals,
        uint256 scope,
        uint256 message,
        Policy calldata
    ) external view returns (uint256) {
        return _check(consumer, proof, publicSignals, scope, message);
    }

    function isNullifierUsed(address consumer, uint256 scope, uint256 nullifier) external view returns (bool) {
        return used[consumer][scope][nullifier];
    }

    function policyWord(Policy calldata, uint256 scope, uint256) external pure returns (uint256) {
        return scope;
    }

    function _check(
        address consumer,
        uint256[8] calldata proof,
        uint256[5] calldata publicSignals,
        uint256 scope,
        uint256 message
    ) private view returns (uint256 nullifier) {
        if (proof[0] == 0) revert InvalidProof();
        if (scope >= 1 << 120) revert ScopeOutOfRange(scope);
        if (publicSignals[3] != message) revert MessageMismatch(message, publicSignals[3]);
        nullifier = publicSignals[1];
        if (used[consumer][scope][nullifier]) revert NullifierAlreadyUsed(nullifier);
    }
}
