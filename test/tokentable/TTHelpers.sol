// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IIdentityGroth16Verifier, IIdentityMembershipGroth16Verifier} from "../../contracts/identity/verifiers/IIdentityGroth16Verifier.sol";
import {IIdentityGroth16BatchVerifier} from "../../contracts/identity/verifiers/IIdentityGroth16BatchVerifier.sol";
import {IIdentityRegistry} from "../../contracts/identity/IIdentityRegistry.sol";
import {IZkIdentityVerifier} from "../../contracts/identity/IZkIdentityVerifier.sol";

/// @notice Receives ETH and, once armed, re-enters a target with a stored call during the payment.
contract ReentrantReceiver {
    address public target;
    bytes public call_;
    bool public reentered;
    bool public reentrySucceeded;

    function arm(address target_, bytes calldata c) external {
        target = target_;
        call_ = c;
    }

    receive() external payable {
        if (target != address(0) && !reentered) {
            reentered = true;
            (bool ok, ) = target.call(call_);
            reentrySucceeded = ok;
        }
    }
}

/// @notice Refuses every ETH payment.
contract EthRefuser {
    receive() external payable {
        revert("no");
    }
}

/// @notice Test-only ZK identity verifier whose "proof" commits to the whole statement: a proof is valid only for the
///         scope, policy, nullifier and message it was made for (points[0] = keccak of them), so a proof replayed in
///         another campaign (scope) or under another policy fails. Like ZkIdentityVerifier, `validateProofs` records
///         each nullifier as it goes (a repeat in the batch reverts with NullifierAlreadyUsed), then names the first
///         invalid proof with InvalidProofAt.
contract StatementBoundVerifier is IZkIdentityVerifier {
    mapping(address => mapping(uint256 => mapping(uint256 => bool))) internal _used;
    uint256 public batches;

    /// @notice The points[0] of a valid proof of this statement.
    function commitment(Policy memory policy, uint256 scope, uint256 nullifier, uint256 message) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(policy.minAge, policy.dateToleranceDays, policy.regions, scope, nullifier, message)));
    }

    /// @notice A valid proof of this statement.
    function proofFor(Policy memory policy, uint256 scope, uint256 nullifier, address recipient) external pure returns (IdentityProof memory p) {
        p.nullifier = nullifier;
        p.message = uint160(recipient);
        p.points[0] = commitment(policy, scope, nullifier, p.message);
    }

    function groth16() external pure returns (IIdentityGroth16Verifier) {
        return IIdentityGroth16Verifier(address(0));
    }

    function membershipGroth16() external pure returns (IIdentityMembershipGroth16Verifier) {
        return IIdentityMembershipGroth16Verifier(address(0));
    }

    function groth16Batch() external pure returns (IIdentityGroth16BatchVerifier) {
        return IIdentityGroth16BatchVerifier(address(0));
    }

    function membershipGroth16Batch() external pure returns (IIdentityGroth16BatchVerifier) {
        return IIdentityGroth16BatchVerifier(address(0));
    }

    function registry() external pure returns (IIdentityRegistry) {
        return IIdentityRegistry(address(0));
    }

    function validateProof(IdentityProof calldata proof, uint256 scope, uint256 message, Policy calldata policy) external returns (uint256) {
        if (proof.message != message) revert MessageMismatch(message, proof.message);
        _use(proof, scope);
        if (proof.points[0] != commitment(policy, scope, proof.nullifier, proof.message)) revert InvalidProof();
        return proof.nullifier;
    }

    function validateProofs(IdentityProof[] calldata proofs, uint256 scope, Policy calldata policy) external {
        if (proofs.length == 0) revert EmptyBatch();
        batches++;
        for (uint256 i; i < proofs.length; ++i) _use(proofs[i], scope);
        for (uint256 i; i < proofs.length; ++i) {
            if (proofs[i].points[0] != commitment(policy, scope, proofs[i].nullifier, proofs[i].message)) revert InvalidProofAt(i);
        }
    }

    function verifyProof(address consumer, IdentityProof calldata proof, uint256 scope, uint256, Policy calldata policy) external view returns (uint256) {
        if (_used[consumer][scope][proof.nullifier]) revert NullifierAlreadyUsed(proof.nullifier);
        if (proof.points[0] != commitment(policy, scope, proof.nullifier, proof.message)) revert InvalidProof();
        return proof.nullifier;
    }

    function isNullifierUsed(address consumer, uint256 scope, uint256 nullifier) external view returns (bool) {
        return _used[consumer][scope][nullifier];
    }

    function policyWord(Policy calldata, uint256 scope, uint256) external pure returns (uint256) {
        return scope;
    }

    function _use(IdentityProof calldata proof, uint256 scope) private {
        if (_used[msg.sender][scope][proof.nullifier]) revert NullifierAlreadyUsed(proof.nullifier);
        _used[msg.sender][scope][proof.nullifier] = true;
        emit IdentityProofVerified(msg.sender, scope, proof.nullifier, proof.root, proof.message);
    }
}
