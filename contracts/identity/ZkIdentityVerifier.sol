// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IZkIdentityVerifier} from "../interfaces/IZkIdentityVerifier.sol";
import {IdentityRegistry} from "./IdentityRegistry.sol";
import {DateLib} from "./DateLib.sol";

/// @notice The generated Groth16 verifier of the identity circuit (contracts/identity/verifiers/).
interface IIdentityGroth16Verifier {
    /// @notice Whether the proof verifies for the public signals.
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[5] calldata pubSignals
    ) external view returns (bool);
}

/// @title ZkIdentityVerifier
/// @notice Checks identity proofs against the {IdentityRegistry} and a caller's policy, and records nullifiers per
///         (caller, scope) so that each person uses a scope once. Namespacing by caller means nobody can burn a
///         person's nullifier at another consumer by replaying their proof.
contract ZkIdentityVerifier is IZkIdentityVerifier {
    /// @notice The generated Groth16 verifier.
    IIdentityGroth16Verifier public immutable groth16;
    /// @notice Issuers and their roots.
    IdentityRegistry public immutable registry;

    uint256 private constant SCOPE_LIMIT = 1 << 120;

    mapping(bytes32 key => bool) private _used;

    /// @param groth16_ the generated verifier of the identity circuit
    /// @param registry_ the issuer registry
    constructor(IIdentityGroth16Verifier groth16_, IdentityRegistry registry_) {
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

    /// @dev The proof's date must be a real date, not after tomorrow (time zones) and at most
    ///      `dateToleranceDays` before today; everything else must equal what the caller demands.
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

    /// @dev Root: published, issuer active, key matches, current or within the validity window.
    function _checkRoot(uint256 root, uint256 issuerAx) private view {
        (uint32 issuerId, uint256 pubKeyAx, bool active, uint256 validUntil) = registry.rootStatus(root);
        if (issuerId == 0) revert UnknownRoot(root);
        if (!active) revert IssuerInactive(issuerId);
        if (validUntil != 0 && block.timestamp >= validUntil) revert StaleRoot(root, validUntil);
        if (issuerAx != pubKeyAx) revert IssuerKeyMismatch(issuerId);
    }

    function _verifyProof(uint256[8] calldata proof, uint256[5] calldata ps) private view returns (bool) {
        return
            groth16.verifyProof(
                [proof[0], proof[1]],
                [[proof[2], proof[3]], [proof[4], proof[5]]],
                [proof[6], proof[7]],
                ps
            );
    }

    function _key(address consumer, uint256 scope, uint256 nullifier) private pure returns (bytes32) {
        return keccak256(abi.encode(consumer, scope, nullifier));
    }
}
