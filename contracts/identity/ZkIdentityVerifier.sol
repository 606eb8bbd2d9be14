// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IZkIdentityVerifier} from "./IZkIdentityVerifier.sol";
import {IIdentityRegistry} from "./IIdentityRegistry.sol";
import {IIdentityGroth16Verifier} from "./verifiers/IIdentityGroth16Verifier.sol";
import {IIdentityGroth16BatchVerifier} from "./verifiers/IIdentityGroth16BatchVerifier.sol";
import {DateLib} from "./DateLib.sol";

/// @title ZkIdentityVerifier
/// @notice Checks identity proofs against the {IdentityRegistry} and a caller's policy, and records nullifiers per
///         (caller, scope) so that each person uses a scope once. Namespacing by caller means nobody can burn a
///         person's nullifier at another consumer by replaying their proof. Relayers' batches are checked with one
///         pairing product ({validateProofs}).
contract ZkIdentityVerifier is IZkIdentityVerifier {
    /// @inheritdoc IZkIdentityVerifier
    IIdentityGroth16Verifier public immutable groth16;
    /// @inheritdoc IZkIdentityVerifier
    IIdentityGroth16BatchVerifier public immutable groth16Batch;
    /// @inheritdoc IZkIdentityVerifier
    IIdentityRegistry public immutable registry;

    uint256 private constant SCOPE_LIMIT = 1 << 120;
    /// @dev How many public signals the identity circuit has (see {_publicSignals}).
    uint256 private constant PUBLIC_SIGNALS = 5;
    uint256 private constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    mapping(bytes32 key => bool) private _used;

    /// @notice Binds the verifier to the generated Groth16 verifiers of one circuit and an issuer registry, for good.
    /// @param groth16_ the generated verifier of the identity circuit
    /// @param groth16Batch_ the generated batch verifier of the same circuit
    /// @param registry_ the issuer registry
    constructor(
        IIdentityGroth16Verifier groth16_,
        IIdentityGroth16BatchVerifier groth16Batch_,
        IIdentityRegistry registry_
    ) {
        groth16 = groth16_;
        groth16Batch = groth16Batch_;
        registry = registry_;
    }

    /// @inheritdoc IZkIdentityVerifier
    function validateProof(
        IdentityProof calldata proof,
        uint256 scope,
        uint256 message,
        Policy calldata policy
    ) external returns (uint256 nullifier) {
        nullifier = _check(msg.sender, proof, scope, message, policy);
        _record(scope, proof);
    }

    /// @inheritdoc IZkIdentityVerifier
    function validateProofs(IdentityProof[] calldata proofs, uint256 scope, Policy calldata policy) external {
        uint256 n = proofs.length;
        if (n == 0) revert EmptyBatch();
        uint256[8][] memory points = new uint256[8][](n);
        uint256[] memory inputs;
        uint256 lastRoot;
        uint256 lastIssuerAx;
        uint256 lastDate;
        uint256 word;
        for (uint256 i = 0; i < n; ++i) {
            IdentityProof calldata p = proofs[i];
            uint256 nullifier = p.nullifier;
            bytes32 key = _key(msg.sender, scope, nullifier);
            if (_used[key]) revert NullifierAlreadyUsed(nullifier);
            _checkFields(p);
            // the registry and the calendar are asked once per run of proofs with the same issuer, root or date
            if (p.date != lastDate) {
                _checkDate(p.date, policy.dateToleranceDays);
                lastDate = p.date;
                word = policyWord(policy, scope, lastDate);
            }
            if (i == 0 || p.root != lastRoot || p.issuerAx != lastIssuerAx) {
                _checkRoot(p.root, p.issuerAx);
                (lastRoot, lastIssuerAx) = (p.root, p.issuerAx);
            }
            // recorded as we go, so a nullifier repeated inside the batch is refused too
            _used[key] = true;
            emit IdentityProofVerified(msg.sender, scope, nullifier, p.root, p.message);
            uint256[PUBLIC_SIGNALS] memory ps = _publicSignals(p, word);
            uint256 k = ps.length;
            if (i == 0) inputs = new uint256[](n * k);
            for (uint256 j = 0; j < k; ++j) inputs[i * k + j] = ps[j];
            points[i] = p.points;
        }
        if (!groth16Batch.verifyProofs(points, inputs)) _revertFirstInvalid(proofs, scope, policy);
    }

    /// @inheritdoc IZkIdentityVerifier
    function verifyProof(
        address consumer,
        IdentityProof calldata proof,
        uint256 scope,
        uint256 message,
        Policy calldata policy
    ) external view returns (uint256 nullifier) {
        return _check(consumer, proof, scope, message, policy);
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

    /// @notice All checks of {validateProof}, reverting with the reason on failure.
    /// @param consumer whose nullifier namespace to check
    /// @param proof the proof
    /// @param scope the consumer's scope
    /// @param message the message the consumer demands
    /// @param policy what the consumer demands
    /// @return nullifier the proof's nullifier
    function _check(
        address consumer,
        IdentityProof calldata proof,
        uint256 scope,
        uint256 message,
        Policy calldata policy
    ) private view returns (uint256 nullifier) {
        if (proof.message != message) revert MessageMismatch(message, proof.message);
        _checkStatement(consumer, proof, scope, policy);
        _checkRoot(proof.root, proof.issuerAx);
        if (!_verifyProof(proof.points, _publicSignals(proof, policyWord(policy, scope, proof.date)))) {
            revert InvalidProof();
        }
        return proof.nullifier;
    }

    /// @notice The checks of one proof that need no registry call: fresh nullifier, values in the field, date.
    /// @param consumer whose nullifier namespace to check
    /// @param proof the proof
    /// @param scope the consumer's scope
    /// @param policy what the consumer demands
    function _checkStatement(
        address consumer,
        IdentityProof calldata proof,
        uint256 scope,
        Policy calldata policy
    ) private view {
        uint256 nullifier = proof.nullifier;
        if (_used[_key(consumer, scope, nullifier)]) revert NullifierAlreadyUsed(nullifier);
        _checkFields(proof);
        _checkDate(proof.date, policy.dateToleranceDays);
    }

    /// @notice Reverts unless every value the proof carries is below the BN254 scalar field (a larger value would
    ///         alias a smaller one in the circuit, e.g. a second nullifier for the same person).
    /// @param proof the proof
    function _checkFields(IdentityProof calldata proof) private pure {
        _checkField(proof.nullifier);
        _checkField(proof.root);
        _checkField(proof.issuerAx);
        _checkField(proof.message);
    }

    /// @notice Records a validated proof's nullifier for (msg.sender, `scope`) and announces it.
    /// @param scope the caller's scope
    /// @param proof the proof
    function _record(uint256 scope, IdentityProof calldata proof) private {
        _used[_key(msg.sender, scope, proof.nullifier)] = true;
        emit IdentityProofVerified(msg.sender, scope, proof.nullifier, proof.root, proof.message);
    }

    /// @notice Reverts unless `value` is below the BN254 scalar field.
    /// @param value the value
    function _checkField(uint256 value) private pure {
        if (value >= SNARK_SCALAR_FIELD) revert ValueOutOfField(value);
    }

    /// @notice Checks the proof's date: a real YYYYMMDD date, not after tomorrow (time zones) and at most
    ///         `toleranceDays` before today.
    /// @param proofDate the proof's date
    /// @param toleranceDays how many days it may lag the chain's date
    function _checkDate(uint256 proofDate, uint256 toleranceDays) private view {
        uint256 today = block.timestamp / 1 days;
        (uint256 proofDay, bool valid) = DateLib.toDays(proofDate);
        if (!valid || proofDay > today + 1 || proofDay + toleranceDays < today) {
            revert ProofDateOutOfRange(proofDate, DateLib.dateOf(block.timestamp));
        }
    }

    /// @notice The circuit's public signals for `proof` under the caller's policy word (see {policyWord}): the one
    ///         place that knows their number and order ([root, nullifier, issuerAx, message, policyWord]).
    /// @param proof the proof
    /// @param word the policy word of the caller's policy and scope at the proof's date
    /// @return ps the public signals
    function _publicSignals(
        IdentityProof calldata proof,
        uint256 word
    ) private pure returns (uint256[PUBLIC_SIGNALS] memory ps) {
        ps = [proof.root, proof.nullifier, proof.issuerAx, proof.message, word];
    }

    /// @notice After a batch failed: reverts with {InvalidProofAt} naming the first proof that fails on its own.
    /// @param proofs the batch
    /// @param scope the caller's scope
    /// @param policy the caller's policy
    function _revertFirstInvalid(IdentityProof[] calldata proofs, uint256 scope, Policy calldata policy) private view {
        for (uint256 i = 0; i < proofs.length; ++i) {
            IdentityProof calldata p = proofs[i];
            if (!_verifyProof(p.points, _publicSignals(p, policyWord(policy, scope, p.date)))) revert InvalidProofAt(i);
        }
        revert InvalidProof(); // every proof verifies alone: not reachable unless the batch verifier is wrong
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
    /// @param points the proof [a0, a1, b00, b01, b10, b11, c0, c1]
    /// @param ps the public signals
    /// @return true if the proof verifies
    function _verifyProof(uint256[8] calldata points, uint256[PUBLIC_SIGNALS] memory ps) private view returns (bool) {
        return
            groth16.verifyProof(
                [points[0], points[1]],
                [[points[2], points[3]], [points[4], points[5]]],
                [points[6], points[7]],
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
