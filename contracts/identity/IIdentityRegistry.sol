// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IStateCommitment} from "../rollup/IStateCommitment.sol";

/// @title IIdentityRegistry
/// @notice Registered credential issuers (governance decides who), their EdDSA-Poseidon public keys (Baby Jubjub
///         points), and the roots of their credential registry trees, recorded per issuer. A superseded root stays
///         valid for the issuer's root validity window, so proofs in flight survive an update; a credential removed
///         from the tree stops working once the window passes.
/// @dev Identity proofs carry only the x coordinate of the issuer's key (`issuerAx`), so an x coordinate belongs to
///      one issuer forever: it identifies the issuer of a proof, and a second issuer with the same x (e.g. the key
///      (Ax, -Ay)) is refused. Identity outlives the chain: the rollup validators commit an `identityRoot`, an
///      OpenZeppelin StandardMerkleTree with leaf types ["uint32","uint256"] over (issuerId, issuerRoot) for every
///      issuer's current root on the L2 identity registry; anyone may import an issuer's root from the latest finalized
///      commitment ({importRootFromCommitment}), and a root imported from the latest finalized commitment never
///      expires, so after an exit (when the last finalized commitment is frozen) citizens keep proving on L1.
///      Ownership (owner, pendingOwner, transferOwnership, acceptOwnership,
///      renounceOwnership) is OpenZeppelin's Ownable2Step; the owner is governance (e.g. a council's timelock).
interface IIdentityRegistry {
    /// @notice An issuer: who publishes its roots, its root validity window, its state, its signing key and its root.
    /// @param operator the address that publishes the issuer's roots
    /// @param rootValidity how long a superseded root stays valid, in seconds
    /// @param active false while governance suspends the issuer
    /// @param pubKeyAx x of the issuer's current EdDSA-Poseidon public key
    /// @param pubKeyAy y of the issuer's current EdDSA-Poseidon public key
    /// @param currentRoot the issuer's latest published root (0 before the first)
    struct Issuer {
        address operator;
        uint64 rootValidity;
        bool active;
        uint256 pubKeyAx;
        uint256 pubKeyAy;
        uint256 currentRoot;
    }

    /// @notice A root as one issuer published it.
    /// @param publishedAt when the issuer published it (0 if it never did)
    /// @param supersededAt when the issuer published its next root (0 while current)
    struct RootInfo {
        uint64 publishedAt;
        uint64 supersededAt;
    }

    /// @notice Governance registered an issuer.
    /// @param issuerId the new issuer's id
    /// @param operator the address that publishes its roots
    /// @param pubKeyAx x of its public key
    /// @param pubKeyAy y of its public key
    /// @param rootValidity its root validity window, in seconds
    /// @param name its human-readable name
    event IssuerRegistered(
        uint32 indexed issuerId,
        address indexed operator,
        uint256 pubKeyAx,
        uint256 pubKeyAy,
        uint64 rootValidity,
        string name
    );

    /// @notice Governance changed an issuer's signing key (credentials signed with the old key no longer prove).
    /// @param issuerId the issuer
    /// @param pubKeyAx x of the new key
    /// @param pubKeyAy y of the new key
    event IssuerKeyChanged(uint32 indexed issuerId, uint256 pubKeyAx, uint256 pubKeyAy);

    /// @notice Governance changed an issuer's operator.
    /// @param issuerId the issuer
    /// @param operator the new operator
    event IssuerOperatorChanged(uint32 indexed issuerId, address indexed operator);

    /// @notice Governance changed an issuer's root validity window.
    /// @param issuerId the issuer
    /// @param rootValidity the new window, in seconds
    event RootValidityChanged(uint32 indexed issuerId, uint64 rootValidity);

    /// @notice Governance suspended or reinstated an issuer.
    /// @param issuerId the issuer
    /// @param active false if suspended
    event IssuerActiveChanged(uint32 indexed issuerId, bool active);

    /// @notice An issuer published a new registry root; its previous root stays valid until `previousValidUntil`.
    /// @param issuerId the issuer
    /// @param root the new root
    /// @param previous the superseded root (0 for the first)
    /// @param previousValidUntil end of the superseded root's validity window (0 for the first)
    event RootPublished(uint32 indexed issuerId, uint256 indexed root, uint256 previous, uint64 previousValidUntil);

    /// @notice Someone imported an issuer's root from a finalized rollup commitment's identity root.
    /// @param issuerId the issuer
    /// @param root the imported root (now the issuer's current root)
    /// @param commitmentIndex the commitment it was proven against
    event RootImported(uint32 indexed issuerId, uint256 indexed root, uint256 indexed commitmentIndex);

    /// @notice This registry follows no rollup (deployed without a StateCommitment).
    error NoStateCommitment();

    /// @notice The commitment is not final (still in its finality delay, or vetoed before it).
    /// @param commitmentIndex the commitment
    error CommitmentNotFinalized(uint256 commitmentIndex);

    /// @notice Roots are imported from the latest finalized commitment only (an older one may hold revoked credentials).
    /// @param commitmentIndex the commitment asked for
    /// @param latest the latest finalized commitment
    error NotLatestFinalizedCommitment(uint256 commitmentIndex, uint256 latest);

    /// @notice The leaf (issuerId, root) is not in the commitment's identity root under this proof.
    /// @param commitmentIndex the commitment
    /// @param issuerId the issuer
    /// @param root the root
    error NotInIdentityRoot(uint256 commitmentIndex, uint32 issuerId, uint256 root);

    /// @notice No issuer with this id.
    /// @param issuerId the id asked for
    error UnknownIssuer(uint32 issuerId);

    /// @notice Only the issuer's operator may do this.
    /// @param issuerId the issuer
    /// @param caller the caller that is not its operator
    error NotIssuerOperator(uint32 issuerId, address caller);

    /// @notice The public key is not a point of Baby Jubjub with non-zero x and coordinates in the field.
    error InvalidPublicKey();

    /// @notice The key's x coordinate already belongs to another issuer (proofs identify issuers by it).
    /// @param pubKeyAx the x coordinate
    /// @param issuerId the issuer it belongs to
    error PublicKeyTaken(uint256 pubKeyAx, uint32 issuerId);

    /// @notice The root validity window is above {MAX_ROOT_VALIDITY}.
    /// @param rootValidity the window asked for, in seconds
    error RootValidityTooLong(uint64 rootValidity);

    /// @notice The zero root is never valid.
    error ZeroRoot();

    /// @notice The root is not a field element of BN254.
    /// @param root the root
    error RootOutOfField(uint256 root);

    /// @notice This issuer already published this root.
    /// @param issuerId the issuer
    /// @param root the root
    error RootAlreadyPublished(uint32 issuerId, uint256 root);

    /// @notice The zero address cannot be an operator.
    error ZeroOperator();

    /// @notice Longest root validity window governance may set.
    /// @return the window, in seconds
    function MAX_ROOT_VALIDITY() external view returns (uint64);

    /// @notice Number of issuers registered so far; ids are 1..issuerCount.
    /// @return the number of issuers
    function issuerCount() external view returns (uint32);

    /// @notice Registers an issuer. Governance only.
    /// @param operator the address that publishes the issuer's roots
    /// @param pubKeyAx x of the issuer's EdDSA-Poseidon public key (not used by another issuer)
    /// @param pubKeyAy y of the issuer's EdDSA-Poseidon public key
    /// @param rootValidity how long a superseded root stays valid, in seconds
    /// @param name human-readable name, only emitted
    /// @return issuerId the new issuer's id
    function registerIssuer(
        address operator,
        uint256 pubKeyAx,
        uint256 pubKeyAy,
        uint64 rootValidity,
        string calldata name
    ) external returns (uint32 issuerId);

    /// @notice Replaces an issuer's signing key (its old key's x stays reserved to it). Governance only.
    /// @param issuerId the issuer
    /// @param pubKeyAx x of the new key (not used by another issuer)
    /// @param pubKeyAy y of the new key
    function setIssuerKey(uint32 issuerId, uint256 pubKeyAx, uint256 pubKeyAy) external;

    /// @notice Replaces an issuer's operator. Governance only.
    /// @param issuerId the issuer
    /// @param operator the new operator
    function setIssuerOperator(uint32 issuerId, address operator) external;

    /// @notice Sets how long an issuer's superseded roots stay valid. Governance only.
    /// @param issuerId the issuer
    /// @param rootValidity the window in seconds, at most {MAX_ROOT_VALIDITY}
    function setRootValidity(uint32 issuerId, uint64 rootValidity) external;

    /// @notice Suspends or reinstates an issuer; proofs under a suspended issuer's roots fail. Governance only.
    /// @param issuerId the issuer
    /// @param active false to suspend
    function setIssuerActive(uint32 issuerId, bool active) external;

    /// @notice Publishes the issuer's new registry root (after enrolments or revocations). Issuer operator only.
    /// @dev Recorded for this issuer only: another issuer publishing the same value neither blocks nor validates it.
    /// @param issuerId the issuer
    /// @param root the new LeanIMT root
    function publishRoot(uint32 issuerId, uint256 root) external;

    /// @notice Imports an issuer's root from the identity root of the latest finalized rollup commitment, making it the
    ///         issuer's current root (the previous one stays valid for the issuer's window). Anyone may call.
    /// @param commitmentIndex the latest finalized commitment of the {stateCommitment}
    /// @param issuerId the issuer (the same id on the L2 identity registry)
    /// @param root the issuer's root in that commitment
    /// @param proof the StandardMerkleTree proof of the leaf (issuerId, root) in the commitment's identity root
    function importRootFromCommitment(
        uint256 commitmentIndex,
        uint32 issuerId,
        uint256 root,
        bytes32[] calldata proof
    ) external;

    /// @notice The rollup's state commitments whose identity roots {importRootFromCommitment} reads (zero if none).
    /// @return the StateCommitment
    function stateCommitment() external view returns (IStateCommitment);

    /// @notice The commitment an issuer's root was imported from.
    /// @param issuerId the issuer
    /// @param root the root
    /// @return imported whether it was imported
    /// @return commitmentIndex the commitment (0 if not imported)
    function importedFrom(uint32 issuerId, uint256 root) external view returns (bool imported, uint256 commitmentIndex);

    /// @notice An issuer's record.
    /// @param issuerId the issuer
    /// @return the issuer (reverts for an unknown id)
    function issuer(uint32 issuerId) external view returns (Issuer memory);

    /// @notice The issuer a key's x coordinate belongs to (its current key or a key it rotated away from).
    /// @param pubKeyAx the x coordinate
    /// @return issuerId the issuer, 0 if none
    function issuerOfKey(uint256 pubKeyAx) external view returns (uint32 issuerId);

    /// @notice A root's record for one issuer (publishedAt 0 if that issuer never published it).
    /// @param issuerId the issuer
    /// @param root the root
    /// @return the record
    function rootInfo(uint32 issuerId, uint256 root) external view returns (RootInfo memory);

    /// @notice What a verifier needs about a proof's issuer key and root, in one call.
    /// @param pubKeyAx the proof's issuer key x
    /// @param root the proof's root
    /// @return issuerId the issuer the key belongs to (0 if none; then everything else is zero)
    /// @return keyCurrent whether `pubKeyAx` is the issuer's current key
    /// @return active whether the issuer is active
    /// @return published whether this issuer published `root`
    /// @return validUntil 0 while the root is the issuer's current one or was imported from the latest finalized
    ///         commitment, otherwise the end of its validity window
    function rootStatus(
        uint256 pubKeyAx,
        uint256 root
    ) external view returns (uint32 issuerId, bool keyCurrent, bool active, bool published, uint256 validUntil);

    /// @notice Whether a proof against the issuer's `root` is acceptable now: published (or imported) by this issuer,
    ///         issuer active, root current, imported from the latest finalized commitment, or within its window.
    /// @param issuerId the issuer
    /// @param root the root
    /// @return fresh true if acceptable
    function isRootFresh(uint32 issuerId, uint256 root) external view returns (bool fresh);

    /// @notice {isRootFresh} for the issuer `pubKeyAx` names (any key the issuer ever held, current or rotated away):
    ///         the whole check of a membership-mode proof's root, in one call that reads one storage slot when the
    ///         key and the root are the issuer's current ones.
    /// @param pubKeyAx a key x of the issuer
    /// @param root the root
    /// @return fresh true if the key is an issuer's, that issuer is active and the root is acceptable for it now
    function isKeyRootFresh(uint256 pubKeyAx, uint256 root) external view returns (bool fresh);

    /// @notice {isKeyRootFresh} for a signature-mode proof, whose key must also be its issuer's current one (credentials
    ///         signed with a rotated-away key no longer prove): the whole check of a signature-mode proof's root and key,
    ///         in one call that reads one storage slot when the key and the root are the issuer's current ones.
    /// @param pubKeyAx the key x the proof is bound to
    /// @param root the root
    /// @return fresh true if the key is the current key of an active issuer and the root is acceptable for it now
    function isCurrentKeyRootFresh(uint256 pubKeyAx, uint256 root) external view returns (bool fresh);
}
