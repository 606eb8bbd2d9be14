// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IIdentityGroth16Verifier, IIdentityMembershipGroth16Verifier} from "./verifiers/IIdentityGroth16Verifier.sol";
import {IIdentityGroth16BatchVerifier} from "./verifiers/IIdentityGroth16BatchVerifier.sol";
import {IIdentityRegistry} from "./IIdentityRegistry.sol";

/// @title IZkIdentityVerifier
/// @notice Anonymous citizen checks: "holds a valid credential from a registered issuer, is at least `minAge`, lives in
///         one of `regions`", with one use per person per scope. Attestation hooks and distribution contracts call this.
///         The surface follows Semaphore v4: a named {IdentityProof}, {validateProof} records the nullifier,
///         {verifyProof} is a view, and {validateProofs} checks a relayer's batch with one pairing product.
/// @dev Callers never see the circuit's public inputs: the verifier assembles them from an {IdentityProof}, the
///      caller's scope and policy (one internal function knows their number and order). The proof names its issuer
///      by `issuerAx`, the x of the issuer's key, which the {IIdentityRegistry} reserves to one issuer; the root must
///      have been published by that issuer (or imported from a finalized rollup commitment).
///      Two credential modes, named by {IdentityProof.mode}: membership (0; the issuer's published root authenticates
///      the credential) and signature (1; the proof also checks the issuer's EdDSA signature under its current key).
///      The mode is part of the statement (bit 224 of the policy word the verifier builds, and it picks the circuit),
///      so a proof of one mode never verifies as the other; both modes give a person the same nullifier per scope.
interface IZkIdentityVerifier {
    /// @notice An identity proof as a citizen's prover emits it.
    /// @param root the issuer registry root the proof was made against
    /// @param nullifier the person's nullifier for the consumer's scope
    /// @param issuerAx x of the issuer key that signed the credential (names the issuer)
    /// @param message the value the proof is bound to (e.g. uint160 of the recipient)
    /// @param date the day the proof speaks for, YYYYMMDD (ages and expiry are judged on it)
    /// @param mode the credential mode the proof was made in: 0 membership, 1 signature (any other value reverts)
    /// @param points the Groth16 proof [a0, a1, b00, b01, b10, b11, c0, c1] (b in the EVM's coordinate order)
    struct IdentityProof {
        uint256 root;
        uint256 nullifier;
        uint256 issuerAx;
        uint256 message;
        uint32 date;
        uint8 mode;
        uint256[8] points;
    }

    /// @notice What the caller demands of a proof.
    /// @param minAge minimum age in whole years at the proof's date
    /// @param dateToleranceDays how many days the proof's date may lag the chain's date (a proof made yesterday is fine)
    /// @param regions allowed region codes (1..65535); 0 marks an unused slot; at least one slot must be set
    struct Policy {
        uint8 minAge;
        uint32 dateToleranceDays;
        uint16[4] regions;
    }

    /// @notice A proof was accepted and its nullifier recorded for (`consumer`, `scope`).
    /// @param consumer the contract that called {validateProof} or {validateProofs}
    /// @param scope the consumer's scope
    /// @param nullifier the person's nullifier for this scope, now used
    /// @param root the issuer registry root the proof was made against
    /// @param message the value the proof is bound to
    event IdentityProofVerified(
        address indexed consumer,
        uint256 indexed scope,
        uint256 indexed nullifier,
        uint256 root,
        uint256 message
    );

    /// @notice The Groth16 proof does not verify for the statement the verifier assembled (root, nullifier, issuer,
    ///         message, the caller's scope and policy, the proof's date): forged, or made for another statement.
    error InvalidProof();
    /// @notice The batch does not verify; `index` is the first proof that does not verify on its own.
    /// @param index position of the bad proof in the batch
    error InvalidProofAt(uint256 index);
    /// @notice The batch holds no proof.
    error EmptyBatch();
    /// @notice A batch mixes modes: every proof must have the first one's mode (relay each mode in its own batch).
    /// @param index position of the first proof of another mode
    /// @param expected the batch's mode (that of proof 0)
    /// @param actual the proof's mode
    error MixedModeBatch(uint256 index, uint8 expected, uint8 actual);
    /// @notice The proof's mode is neither 0 (membership) nor 1 (signature).
    /// @param mode the proof's mode
    error UnknownMode(uint8 mode);
    /// @notice A proof value is not a field element of BN254 (it would alias another value in the circuit).
    /// @param value the value
    error ValueOutOfField(uint256 value);
    /// @notice The proof's issuer key x belongs to no registered issuer.
    /// @param issuerAx the proof's issuer key x
    error UnknownIssuerKey(uint256 issuerAx);
    /// @notice The proof's root was never published by the issuer of the proof's key.
    /// @param root the proof's root
    error UnknownRoot(uint256 root);
    /// @notice The proof's root was superseded longer ago than the issuer's root validity window.
    /// @param root the proof's root
    /// @param expiredAt when its validity window ended
    error StaleRoot(uint256 root, uint256 expiredAt);
    /// @notice The issuer of the root is suspended.
    /// @param issuerId the suspended issuer
    error IssuerInactive(uint32 issuerId);
    /// @notice The proof's issuer key is one its issuer rotated away from (credentials signed with it no longer prove).
    /// @param issuerId the issuer the key belonged to
    error IssuerKeyMismatch(uint32 issuerId);
    /// @notice The proof is bound to another message (e.g. another recipient).
    /// @param expected the message the caller demands
    /// @param actual the proof's message
    error MessageMismatch(uint256 expected, uint256 actual);
    /// @notice The proof's date is not a valid YYYYMMDD date within the tolerance of the chain's date.
    /// @param proofDate the proof's date (YYYYMMDD)
    /// @param today the chain's date (YYYYMMDD)
    error ProofDateOutOfRange(uint256 proofDate, uint256 today);
    /// @notice The scope does not fit in 120 bits.
    /// @param scope the scope
    error ScopeOutOfRange(uint256 scope);
    /// @notice The policy sets no region.
    error EmptyRegionSet();
    /// @notice This person already used a proof for this consumer and scope.
    /// @param nullifier the nullifier
    error NullifierAlreadyUsed(uint256 nullifier);

    /// @notice The generated Groth16 verifier of the signature-mode identity circuit.
    /// @return the verifier
    function groth16() external view returns (IIdentityGroth16Verifier);

    /// @notice The generated Groth16 verifier of the membership-mode identity circuit.
    /// @return the verifier
    function membershipGroth16() external view returns (IIdentityMembershipGroth16Verifier);

    /// @notice The generated Groth16 batch verifier of the signature-mode circuit.
    /// @return the batch verifier
    function groth16Batch() external view returns (IIdentityGroth16BatchVerifier);

    /// @notice The generated Groth16 batch verifier of the membership-mode circuit.
    /// @return the batch verifier
    function membershipGroth16Batch() external view returns (IIdentityGroth16BatchVerifier);

    /// @notice The issuer registry: issuers, their keys and their roots.
    /// @return the registry
    function registry() external view returns (IIdentityRegistry);

    /// @notice Verifies an identity proof against `policy`, then records its nullifier for (msg.sender, `scope`).
    /// @param proof the proof
    /// @param scope the caller's scope (< 2^120), e.g. one benefit programme
    /// @param message the value the caller demands the proof be bound to (e.g. uint160 of the recipient), so it
    ///        cannot be front-run; must equal `proof.message`
    /// @param policy what the caller demands
    /// @return nullifier the person's nullifier for this scope, now used
    function validateProof(
        IdentityProof calldata proof,
        uint256 scope,
        uint256 message,
        Policy calldata policy
    ) external returns (uint256 nullifier);

    /// @notice Verifies many identity proofs against `policy` with one pairing product, then records every nullifier
    ///         for (msg.sender, `scope`). Each proof is bound to its own `message`; the caller acts on it (e.g. pays
    ///         uint160(message)). Reverts as {validateProof} would for the first failing proof, and with
    ///         {InvalidProofAt} naming the first forged one. All proofs of a batch must share one mode
    ///         ({MixedModeBatch} otherwise).
    /// @param proofs the proofs (a relayer's batch)
    /// @param scope the caller's scope (< 2^120)
    /// @param policy what the caller demands of every proof
    function validateProofs(IdentityProof[] calldata proofs, uint256 scope, Policy calldata policy) external;

    /// @notice Same checks as {validateProof} for `consumer` without recording anything; reverts with the reason.
    /// @param consumer whose nullifier namespace to check (the contract that would call {validateProof})
    /// @param proof the proof
    /// @param scope the consumer's scope
    /// @param message the message the consumer demands
    /// @param policy what the consumer demands
    /// @return nullifier the person's nullifier for this scope
    function verifyProof(
        address consumer,
        IdentityProof calldata proof,
        uint256 scope,
        uint256 message,
        Policy calldata policy
    ) external view returns (uint256 nullifier);

    /// @notice Whether `nullifier` was used for (`consumer`, `scope`).
    /// @param consumer the contract that called {validateProof} or {validateProofs}
    /// @param scope the consumer's scope
    /// @param nullifier the nullifier
    /// @return used true once a proof with it was accepted
    function isNullifierUsed(address consumer, uint256 scope, uint256 nullifier) external view returns (bool used);

    /// @notice The policy word of a membership-mode proof for `policy`, `scope` and the date `currentDate`
    ///         (YYYYMMDD); a signature-mode proof's word has bit 224 set as well.
    /// @param policy the demanded policy
    /// @param scope the scope (< 2^120)
    /// @param currentDate the proof's date
    /// @return word the packed public signal
    function policyWord(
        Policy calldata policy,
        uint256 scope,
        uint256 currentDate
    ) external pure returns (uint256 word);
}
