// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IZkIdentityVerifier} from "./IZkIdentityVerifier.sol";
import {IIdentityRegistry} from "./IIdentityRegistry.sol";
import {IIdentityGroth16Verifier, IIdentityMembershipGroth16Verifier} from "./verifiers/IIdentityGroth16Verifier.sol";
import {IIdentityGroth16BatchVerifier} from "./verifiers/IIdentityGroth16BatchVerifier.sol";
import {DateLib} from "./DateLib.sol";

/// @title ZkIdentityVerifier
/// @notice Checks identity proofs against the {IdentityRegistry} and a caller's policy, and records nullifiers per
///         (caller, scope) so that each person uses a scope once. Namespacing by caller means nobody can burn a
///         person's nullifier at another consumer by replaying their proof. Relayers' batches are checked with one
///         pairing product ({validateProofs}).
/// @dev Two circuits, chosen by the proof's `mode` (bit 224 of the policy word the contract builds): membership mode
///      (0; the issuer's published root authenticates the credential; Groth16 inputs [root, nullifier, message,
///      policyWord]) and signature mode (1; the circuit also checks the issuer's EdDSA signature; inputs [root,
///      nullifier, message, policyWord, issuerAx]). {_publicSignals} is the one place that knows both vectors. In
///      membership mode issuerAx only names the issuer whose published roots the root must be among. Both circuits
///      give a person the same nullifier for a scope, so switching modes cannot use a scope twice.
contract ZkIdentityVerifier is IZkIdentityVerifier {
    /// @inheritdoc IZkIdentityVerifier
    IIdentityGroth16Verifier public immutable groth16;
    /// @inheritdoc IZkIdentityVerifier
    IIdentityMembershipGroth16Verifier public immutable membershipGroth16;
    /// @inheritdoc IZkIdentityVerifier
    IIdentityGroth16BatchVerifier public immutable groth16Batch;
    /// @inheritdoc IZkIdentityVerifier
    IIdentityGroth16BatchVerifier public immutable membershipGroth16Batch;
    /// @inheritdoc IZkIdentityVerifier
    IIdentityRegistry public immutable registry;

    uint256 private constant SCOPE_LIMIT = 1 << 120;
    /// @dev Bit of the policy word holding the mode: 0 membership, 1 signature.
    uint256 private constant MODE_BIT = 224;
    /// @dev {IdentityProof.mode} of a signature-mode proof (0 is membership mode).
    uint8 private constant SIGNATURE_MODE = 1;
    /// @dev Most public signals of either circuit (signature mode; membership mode uses the first four).
    uint256 private constant PUBLIC_SIGNALS = 5;
    uint256 private constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    mapping(bytes32 key => bool) private _used;

    /// @notice Binds the verifier to the generated Groth16 verifiers and batch verifiers of both modes (one depth) and
    ///         an issuer registry, for good.
    /// @param groth16_ the generated verifier of the signature-mode circuit
    /// @param membershipGroth16_ the generated verifier of the membership-mode circuit
    /// @param groth16Batch_ the generated batch verifier of the signature-mode circuit
    /// @param membershipGroth16Batch_ the generated batch verifier of the membership-mode circuit
    /// @param registry_ the issuer registry
    constructor(
        IIdentityGroth16Verifier groth16_,
        IIdentityMembershipGroth16Verifier membershipGroth16_,
        IIdentityGroth16BatchVerifier groth16Batch_,
        IIdentityGroth16BatchVerifier membershipGroth16Batch_,
        IIdentityRegistry registry_
    ) {
        groth16 = groth16_;
        membershipGroth16 = membershipGroth16_;
        groth16Batch = groth16Batch_;
        membershipGroth16Batch = membershipGroth16Batch_;
        registry = registry_;
    }

    /// @inheritdoc IZkIdentityVerifier
    function validateProof(
        IdentityProof calldata proof,
        uint256 scope,
        uint256 message,
        Policy calldata policy
    ) external returns (uint256 nullifier) {
        bytes32 key;
        (nullifier, key) = _check(msg.sender, proof, scope, message, policy);
        _used[key] = true;
        emit IdentityProofVerified(msg.sender, scope, nullifier, proof.root, proof.message);
    }

    /// @inheritdoc IZkIdentityVerifier
    function validateProofs(IdentityProof[] calldata proofs, uint256 scope, Policy calldata policy) external {
        uint256 n = proofs.length;
        if (n == 0) revert EmptyBatch();
        uint8 mode = proofs[0].mode;
        uint256 k = mode == SIGNATURE_MODE ? PUBLIC_SIGNALS : PUBLIC_SIGNALS - 1;
        uint256[8][] memory points = new uint256[8][](n);
        uint256[] memory inputs = new uint256[](n * k);
        uint256 lastRoot;
        uint256 lastIssuerAx;
        uint256 lastDate;
        uint256 word;
        for (uint256 i = 0; i < n; ++i) {
            IdentityProof calldata p = proofs[i];
            // one mode per batch: each mode's proofs go to their own batch verifier
            if (p.mode != mode) revert MixedModeBatch(i, mode, p.mode);
            _useNullifier(scope, p);
            // the registry and the calendar are asked once per run of proofs with the same issuer, root or date
            if (p.date != lastDate) {
                _checkDate(p.date, policy.dateToleranceDays);
                lastDate = p.date;
                word = _statementWord(policy, scope, lastDate, mode);
            }
            if (i == 0 || p.root != lastRoot || p.issuerAx != lastIssuerAx) {
                _checkRoot(p.root, p.issuerAx, mode == SIGNATURE_MODE);
                (lastRoot, lastIssuerAx) = (p.root, p.issuerAx);
            }
            uint256[PUBLIC_SIGNALS] memory ps = _publicSignals(p, word);
            for (uint256 j = 0; j < k; ++j) inputs[i * k + j] = ps[j];
            points[i] = p.points;
        }
        IIdentityGroth16BatchVerifier batch = mode == SIGNATURE_MODE ? groth16Batch : membershipGroth16Batch;
        if (!batch.verifyProofs(points, inputs)) _revertFirstInvalid(proofs, scope, policy);
    }

    /// @notice One proof of a batch: refuses a used nullifier or a value outside the field, then records the nullifier
    ///         for (msg.sender, `scope`) at once, so a nullifier repeated inside the batch is refused too (the whole
    ///         transaction reverts if the batch does not verify).
    /// @param scope the caller's scope
    /// @param p the proof
    function _useNullifier(uint256 scope, IdentityProof calldata p) private {
        uint256 nullifier = p.nullifier;
        bytes32 key = _key(msg.sender, scope, nullifier);
        if (_used[key]) revert NullifierAlreadyUsed(nullifier);
        _checkFields(p);
        _used[key] = true;
        emit IdentityProofVerified(msg.sender, scope, nullifier, p.root, p.message);
    }

    /// @inheritdoc IZkIdentityVerifier
    function verifyProof(
        address consumer,
        IdentityProof calldata proof,
        uint256 scope,
        uint256 message,
        Policy calldata policy
    ) external view returns (uint256 nullifier) {
        (nullifier, ) = _check(consumer, proof, scope, message, policy);
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
    /// @return key the nullifier's storage key for `consumer` and `scope` (what {validateProof} records)
    function _check(
        address consumer,
        IdentityProof calldata proof,
        uint256 scope,
        uint256 message,
        Policy calldata policy
    ) private view returns (uint256 nullifier, bytes32 key) {
        if (proof.message != message) revert MessageMismatch(message, proof.message);
        nullifier = proof.nullifier;
        key = _key(consumer, scope, nullifier);
        if (_used[key]) revert NullifierAlreadyUsed(nullifier);
        _checkFields(proof);
        _checkDate(proof.date, policy.dateToleranceDays);
        bool signatureMode = proof.mode == SIGNATURE_MODE;
        _checkRoot(proof.root, proof.issuerAx, signatureMode);
        uint256 word = _statementWord(policy, scope, proof.date, proof.mode);
        if (!_verifyProof(proof.points, _publicSignals(proof, word), signatureMode)) revert InvalidProof();
    }

    /// @notice The policy word the proof's circuit must have been given: the caller's policy and scope at the proof's
    ///         date, with the proof's mode in bit 224 (so a proof of one mode never verifies as the other).
    /// @param policy the caller's policy
    /// @param scope the caller's scope
    /// @param date the proof's date (YYYYMMDD)
    /// @param mode the proof's mode (checked to be 0 or 1 by {_checkFields})
    /// @return word the packed public signal
    function _statementWord(
        Policy calldata policy,
        uint256 scope,
        uint256 date,
        uint8 mode
    ) private pure returns (uint256 word) {
        return policyWord(policy, scope, date) | (uint256(mode) << MODE_BIT);
    }

    /// @notice Reverts unless the proof's mode is 0 or 1 and every value it carries is below the BN254 scalar field (a
    ///         larger value would alias a smaller one in the circuit, e.g. a second nullifier for the same person).
    /// @param proof the proof
    function _checkFields(IdentityProof calldata proof) private pure {
        if (proof.mode > SIGNATURE_MODE) revert UnknownMode(proof.mode);
        _checkField(proof.nullifier);
        _checkField(proof.root);
        _checkField(proof.issuerAx);
        _checkField(proof.message);
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

    /// @notice The circuit's public signals for `proof` under the statement word `word` (see {_statementWord}): the
    ///         one place that knows their number and order. Signature mode: [root, nullifier, message, word, issuerAx]
    ///         (5 inputs); membership mode: the first four (issuerAx only names the issuer, the proof does not bind it).
    /// @param proof the proof
    /// @param word the statement word of the caller's policy and scope at the proof's date, with the proof's mode
    /// @return ps the public signals; membership mode uses ps[0..3]
    function _publicSignals(
        IdentityProof calldata proof,
        uint256 word
    ) private pure returns (uint256[PUBLIC_SIGNALS] memory ps) {
        ps = [proof.root, proof.nullifier, proof.message, word, proof.issuerAx];
    }

    /// @notice After a batch failed: reverts with {InvalidProofAt} naming the first proof that fails on its own.
    /// @param proofs the batch (one mode)
    /// @param scope the caller's scope
    /// @param policy the caller's policy
    function _revertFirstInvalid(IdentityProof[] calldata proofs, uint256 scope, Policy calldata policy) private view {
        for (uint256 i = 0; i < proofs.length; ++i) {
            IdentityProof calldata p = proofs[i];
            uint256 word = _statementWord(policy, scope, p.date, p.mode);
            if (!_verifyProof(p.points, _publicSignals(p, word), p.mode == SIGNATURE_MODE)) revert InvalidProofAt(i);
        }
        revert InvalidProof(); // every proof verifies alone: not reachable unless the batch verifier is wrong
    }

    /// @notice Checks the proof's root (and, in signature mode, its issuer key) against the registry.
    /// @dev The key's x names the issuer (the registry reserves it to one issuer); the issuer must be active and the
    ///      root published by that issuer, current or within its window. In signature mode the key must also be the
    ///      issuer's current one (credentials signed with a rotated-away key no longer prove); in membership mode the
    ///      proof does not use the key, and the published root alone authenticates the credential. Each mode asks the
    ///      registry its whole question in one call (`isCurrentKeyRootFresh`, `isKeyRootFresh`: one storage read when
    ///      key and root are the issuer's current ones) and reads the full status only to name the reason of a failure.
    /// @param root the proof's root
    /// @param issuerAx the x of the issuer's key (bound by the proof in signature mode only)
    /// @param signatureMode whether the proof is of the signature-mode circuit
    function _checkRoot(uint256 root, uint256 issuerAx, bool signatureMode) private view {
        IIdentityRegistry r = registry;
        if (signatureMode ? r.isCurrentKeyRootFresh(issuerAx, root) : r.isKeyRootFresh(issuerAx, root)) return;
        (uint32 issuerId, bool keyCurrent, bool active, bool published, uint256 validUntil) = r.rootStatus(
            issuerAx,
            root
        );
        if (issuerId == 0) revert UnknownIssuerKey(issuerAx);
        if (signatureMode && !keyCurrent) revert IssuerKeyMismatch(issuerId);
        if (!active) revert IssuerInactive(issuerId);
        if (!published) revert UnknownRoot(root);
        if (validUntil != 0 && block.timestamp >= validUntil) revert StaleRoot(root, validUntil);
        // only reached if the one-call check and `rootStatus` disagree: refuse rather than trust either
        revert UnknownRoot(root);
    }

    /// @notice Runs the generated Groth16 verifier of the proof's mode.
    /// @param points the proof [a0, a1, b00, b01, b10, b11, c0, c1]
    /// @param ps the public signals from {_publicSignals}
    /// @param signatureMode whether the proof is of the signature-mode circuit
    /// @return ok true if the proof verifies
    /// @dev The generated verifiers take (uint[2] a, uint[2][2] b, uint[2] c, uint[k] signals): static arrays that the
    ///      ABI lays out flat, so the call's arguments are `points` as they are followed by the first k signals. They are
    ///      copied straight into the call (no nested memory arrays). A revert of the verifier is passed on; an answer
    ///      that is not one word holding true (e.g. from a target without code) counts as "does not verify".
    function _verifyProof(
        uint256[8] calldata points,
        uint256[PUBLIC_SIGNALS] memory ps,
        bool signatureMode
    ) private view returns (bool ok) {
        (address verifier, bytes4 selector, uint256 k) = signatureMode
            ? (address(groth16), IIdentityGroth16Verifier.verifyProof.selector, PUBLIC_SIGNALS)
            : (address(membershipGroth16), IIdentityMembershipGroth16Verifier.verifyProof.selector, PUBLIC_SIGNALS - 1);
        assembly ("memory-safe") {
            let args := mload(0x40)
            mstore(args, selector)
            calldatacopy(add(args, 0x04), points, 0x100)
            mcopy(add(args, 0x104), ps, mul(k, 0x20))
            if iszero(staticcall(gas(), verifier, args, add(0x104, mul(k, 0x20)), 0x00, 0x20)) {
                // the verifier reverted (e.g. out of gas): pass its revert on, as a high-level call would
                returndatacopy(0x00, 0x00, returndatasize())
                revert(0x00, returndatasize())
            }
            ok := and(eq(returndatasize(), 0x20), eq(mload(0x00), 1))
        }
    }

    /// @notice The storage key of a nullifier in a consumer's scope.
    /// @param consumer the consumer
    /// @param scope the consumer's scope
    /// @param nullifier the nullifier
    /// @return key the key
    function _key(address consumer, uint256 scope, uint256 nullifier) private pure returns (bytes32 key) {
        // keccak256(abi.encode(consumer, scope, nullifier)), hashed in free memory without allocating it
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, consumer)
            mstore(add(p, 0x20), scope)
            mstore(add(p, 0x40), nullifier)
            key := keccak256(p, 0x60)
        }
    }
}
