// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IZkIdentityVerifier} from "./IZkIdentityVerifier.sol";
import {IIdentityRegistry} from "./IIdentityRegistry.sol";
import {IIdentityGroth16Verifier} from "./verifiers/IIdentityGroth16Verifier.sol";
import {DateLib} from "./DateLib.sol";

/// @title ZkIdentityVerifier
/// @notice Checks identity proofs against the {IdentityRegistry} and a caller's policy, and records nullifiers per
///         (caller, scope) so that each person uses a scope once. Namespacing by caller means nobody can burn a
///         person's nullifier at another consumer by replaying their proof.
contract ZkIdentityVerifier is IZkIdentityVerifier {
    /// @inheritdoc IZkIdentityVerifier
    IIdentityGroth16Verifier public immutable groth16;
    /// @inheritdoc IZkIdentityVerifier
    IIdentityRegistry public immutable registry;

    uint256 private constant SCOPE_LIMIT = 1 << 120;

    mapping(bytes32 key => bool) private _used;

    /// @notice Binds the verifier to a generated Groth16 verifier and an issuer registry, for good.
    /// @param groth16_ the generated verifier of the identity circuit
    /// @param registry_ the issuer registry
    constructor(IIdentityGroth16Verifier groth16_, IIdentityRegistry registry_) {
        groth16 = groth16_;
        registry = registry_;
    }

    /// @inheritdoc IZkIdentityVerifier
    function verify(
        uint256[8] calldata proof,
        uint256[5] calldata publicSignals,
        uint256 scope,
        uint256 message,
        Policy calldata policy
    ) external returns (uint256 nullifier) {
        nullifier = _check(msg.sender, proof, publicSignals, scope, message, policy);
        _used[_key(msg.sender, scope, nullifier)] = true;
        emit IdentityProofVerified(msg.sender, scope, nullifier, publicSignals[0], message);
    }

    /// @inheritdoc IZkIdentityVerifier
    function check(
        address consumer,
        uint256[8] calldata proof,
        uint256[5] calldata publicSignals,
        uint256 scope,
        uint256 message,
        Policy calldata policy
    ) external view returns (uint256 nullifier) {
        return _check(consumer, proof, publicSignals, scope, message, policy);
    }

    /// @inheritdoc IZkIdentityVerifier
    function isNullifierUsed(address consumer, uint256 scope, uint256 nullifier) external view returns (bool used) {
        return _used[_key(consumer, scope, nullifier)];
    }

    /// @inheritdoc IZkIdentityVerifier
    function policyWord(Policy calldata policy, uint256 scope, uint256 currentDate) public pure returns (uint256 word) {
        if (scope >= SCOPE_LIMIT) revert ScopeOutOfRange(scope);
        word = (currentDate & 0xffffffff) | (uint256(policy.minAge) << 32) | (scope << 104);
        bool any = false;
        for (uint256 r = 0; r < 4; r++) {
            uint256 code = policy.regions[r];
            if (code != 0) any = true;
            word |= code << (40 + 16 * r);
        }
        if (!any) revert EmptyRegionSet();
    }

    /// @notice All checks of {verify}, reverting with the reason on failure.
    /// @param consumer whose nullifier namespace to check
    /// @param proof the Groth16 proof
    /// @param ps the public signals
    /// @param scope the consumer's scope
    /// @param message the bound message
    /// @param policy what the consumer demands
    /// @return nullifier the proof's nullifier
    function _check(
        address consumer,
        uint256[8] calldata proof,
        uint256[5] calldata ps,
        uint256 scope,
        uint256 message,
        Policy calldata policy
    ) private view returns (uint256 nullifier) {
        nullifier = ps[1];
        if (_used[_key(consumer, scope, nullifier)]) revert NullifierAlreadyUsed(nullifier);
        if (ps[3] != message) revert MessageMismatch(message, ps[3]);
        _checkPolicy(ps[4], scope, policy);
        _checkRoot(ps[0], ps[2]);
        if (!_verifyProof(proof, ps)) revert InvalidProof();
    }

    /// @notice Checks the proof's policy word against the caller's policy and scope.
    /// @dev The proof's date must be a real date, not after tomorrow (time zones) and at most
    ///      `dateToleranceDays` before today; everything else must equal what the caller demands.
    /// @param word the proof's policy word
    /// @param scope the caller's scope
    /// @param policy the caller's policy
    function _checkPolicy(uint256 word, uint256 scope, Policy calldata policy) private view {
        uint256 proofDate = word & 0xffffffff;
        uint256 today = block.timestamp / 1 days;
        (uint256 proofDay, bool valid) = DateLib.toDays(proofDate);
        if (!valid || proofDay > today + 1 || proofDay + policy.dateToleranceDays < today) {
            revert ProofDateOutOfRange(proofDate, DateLib.dateOf(block.timestamp));
        }
        uint256 expected = policyWord(policy, scope, proofDate);
        if (word != expected) revert PolicyMismatch(expected, word);
    }

    /// @notice Checks the proof's issuer key and root against the registry.
    /// @dev The key's x names the issuer (the registry reserves it to one issuer); the key must be that issuer's
    ///      current one, the issuer active, and the root published by that issuer, current or within its window.
    /// @param root the proof's root
    /// @param issuerAx the proof's issuer key x
    function _checkRoot(uint256 root, uint256 issuerAx) private view {
        (uint32 issuerId, bool keyCurrent, bool active, bool published, uint256 validUntil) = registry.rootStatus(
            issuerAx,
            root
        );
        if (issuerId == 0) revert UnknownIssuerKey(issuerAx);
        if (!keyCurrent) revert IssuerKeyMismatch(issuerId);
        if (!active) revert IssuerInactive(issuerId);
        if (!published) revert UnknownRoot(root);
        if (validUntil != 0 && block.timestamp >= validUntil) revert StaleRoot(root, validUntil);
    }

    /// @notice Runs the generated Groth16 verifier.
    /// @param proof the proof [a0, a1, b00, b01, b10, b11, c0, c1]
    /// @param ps the public signals
    /// @return true if the proof verifies
    function _verifyProof(uint256[8] calldata proof, uint256[5] calldata ps) private view returns (bool) {
        return
            groth16.verifyProof(
                [proof[0], proof[1]],
                [[proof[2], proof[3]], [proof[4], proof[5]]],
                [proof[6], proof[7]],
                ps
            );
    }

    /// @notice The storage key of a nullifier in a consumer's scope.
    /// @param consumer the consumer
    /// @param scope the consumer's scope
    /// @param nullifier the nullifier
    /// @return the key
    function _key(address consumer, uint256 scope, uint256 nullifier) private pure returns (bytes32) {
        return keccak256(abi.encode(consumer, scope, nullifier));
    }
}
