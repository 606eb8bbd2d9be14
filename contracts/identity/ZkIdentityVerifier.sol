// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IZkIdentityVerifier} from "./IZkIdentityVerifier.sol";
import {IIdentityRegistry} from "./IIdentityRegistry.sol";
import {IIdentityGroth16Verifier, IIdentityMembershipGroth16Verifier} from "./verifiers/IIdentityGroth16Verifier.sol";
import {DateLib} from "./DateLib.sol";

/// @title ZkIdentityVerifier
/// @notice Checks identity proofs against the {IdentityRegistry} and a caller's policy, and records nullifiers per
///         (caller, scope) so that each person uses a scope once. Namespacing by caller means nobody can burn a
///         person's nullifier at another consumer by replaying their proof.
/// @dev Two circuits, chosen by bit 224 of the proof's policy word: membership mode (0; the issuer's published root
///      authenticates the credential; Groth16 inputs [root, nullifier, message, policyWord]) and signature mode (1;
///      the circuit also checks the issuer's EdDSA signature; inputs [root, nullifier, message, policyWord, issuerAx]).
///      The public signals callers pass are [root, nullifier, issuerAx, message, policyWord] in both modes; in
///      membership mode issuerAx only names the issuer whose published roots the root must be among.
contract ZkIdentityVerifier is IZkIdentityVerifier {
    /// @inheritdoc IZkIdentityVerifier
    IIdentityGroth16Verifier public immutable groth16;
    /// @notice The generated Groth16 verifier of the membership-mode identity circuit.
    IIdentityMembershipGroth16Verifier public immutable membershipGroth16;
    /// @inheritdoc IZkIdentityVerifier
    IIdentityRegistry public immutable registry;

    uint256 private constant SCOPE_LIMIT = 1 << 120;
    /// @dev Bit of the policy word holding the mode: 0 membership, 1 signature.
    uint256 private constant MODE_BIT = 224;

    mapping(bytes32 key => bool) private _used;

    /// @notice Binds the verifier to the generated Groth16 verifiers of both modes and an issuer registry, for good.
    /// @param groth16_ the generated verifier of the signature-mode circuit
    /// @param membershipGroth16_ the generated verifier of the membership-mode circuit
    /// @param registry_ the issuer registry
    constructor(
        IIdentityGroth16Verifier groth16_,
        IIdentityMembershipGroth16Verifier membershipGroth16_,
        IIdentityRegistry registry_
    ) {
        groth16 = groth16_;
        membershipGroth16 = membershipGroth16_;
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
    /// @param ps the public signals [root, nullifier, issuerAx, message, policyWord]
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
        bool signatureMode = _checkPolicy(ps[4], scope, policy);
        _checkRoot(ps[0], ps[2], signatureMode);
        if (!_verifyProof(proof, ps, signatureMode)) revert InvalidProof();
    }

    /// @notice Checks the proof's policy word against the caller's policy and scope, and reads its mode.
    /// @dev The proof's date must be a real date, not after tomorrow (time zones) and at most
    ///      `dateToleranceDays` before today; the mode bit may be 0 or 1; every other bit must equal what the caller
    ///      demands.
    /// @param word the proof's policy word
    /// @param scope the caller's scope
    /// @param policy the caller's policy
    /// @return signatureMode whether the proof is of the signature-mode circuit
    function _checkPolicy(
        uint256 word,
        uint256 scope,
        Policy calldata policy
    ) private view returns (bool signatureMode) {
        uint256 proofDate = word & 0xffffffff;
        uint256 today = block.timestamp / 1 days;
        (uint256 proofDay, bool valid) = DateLib.toDays(proofDate);
        if (!valid || proofDay > today + 1 || proofDay + policy.dateToleranceDays < today) {
            revert ProofDateOutOfRange(proofDate, DateLib.dateOf(block.timestamp));
        }
        uint256 mode = word >> MODE_BIT;
        uint256 expected = policyWord(policy, scope, proofDate) | ((mode & 1) << MODE_BIT);
        if (word != expected) revert PolicyMismatch(expected, word);
        signatureMode = mode == 1;
    }

    /// @notice Checks the proof's root (and, in signature mode, its issuer key) against the registry.
    /// @dev The key's x names the issuer (the registry reserves it to one issuer); the issuer must be active and the
    ///      root published by that issuer, current or within its window. In signature mode the key must also be the
    ///      issuer's current one (credentials signed with a rotated-away key no longer prove); in membership mode the
    ///      proof does not use the key, and the published root alone authenticates the credential. Membership mode
    ///      asks the registry the one question it needs (`isRootFresh`, three storage reads instead of four) and reads
    ///      the full status only to name the reason of a failure.
    /// @param root the proof's root
    /// @param issuerAx the x of the issuer's key (bound by the proof in signature mode only)
    /// @param signatureMode whether the proof is of the signature-mode circuit
    function _checkRoot(uint256 root, uint256 issuerAx, bool signatureMode) private view {
        if (!signatureMode) {
            uint32 id = registry.issuerOfKey(issuerAx);
            if (id != 0 && registry.isRootFresh(id, root)) return;
        }
        (uint32 issuerId, bool keyCurrent, bool active, bool published, uint256 validUntil) = registry.rootStatus(
            issuerAx,
            root
        );
        if (issuerId == 0) revert UnknownIssuerKey(issuerAx);
        if (signatureMode && !keyCurrent) revert IssuerKeyMismatch(issuerId);
        if (!active) revert IssuerInactive(issuerId);
        if (!published) revert UnknownRoot(root);
        if (validUntil != 0 && block.timestamp >= validUntil) revert StaleRoot(root, validUntil);
        // membership mode only gets here if `isRootFresh` and `rootStatus` disagree: refuse rather than trust either
        if (!signatureMode) revert UnknownRoot(root);
    }

    /// @notice Assembles the Groth16 inputs of the proof's mode and runs its generated verifier.
    /// @param proof the proof [a0, a1, b00, b01, b10, b11, c0, c1]
    /// @param ps the public signals [root, nullifier, issuerAx, message, policyWord]
    /// @param signatureMode whether the proof is of the signature-mode circuit
    /// @return true if the proof verifies
    function _verifyProof(
        uint256[8] calldata proof,
        uint256[5] calldata ps,
        bool signatureMode
    ) private view returns (bool) {
        uint256[2] memory a = [proof[0], proof[1]];
        uint256[2][2] memory b = [[proof[2], proof[3]], [proof[4], proof[5]]];
        uint256[2] memory c = [proof[6], proof[7]];
        if (signatureMode) return groth16.verifyProof(a, b, c, [ps[0], ps[1], ps[3], ps[4], ps[2]]);
        return membershipGroth16.verifyProof(a, b, c, [ps[0], ps[1], ps[3], ps[4]]);
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
