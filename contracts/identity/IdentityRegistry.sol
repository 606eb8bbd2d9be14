// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IStateCommitment} from "../rollup/IStateCommitment.sol";
import {IIdentityRegistry} from "./IIdentityRegistry.sol";

/// @title IdentityRegistry
/// @notice Registered credential issuers (governance decides who), their EdDSA-Poseidon public keys, and the roots of
///         their credential registry trees, recorded per issuer.
/// @dev The owner is governance (e.g. a council's timelock). Each issuer has an operator that publishes its roots;
///      anyone may import an issuer's root from the rollup's latest finalized commitment.
contract IdentityRegistry is IIdentityRegistry, Ownable2Step {
    /// @inheritdoc IIdentityRegistry
    uint64 public constant MAX_ROOT_VALIDITY = 90 days;

    /// @inheritdoc IIdentityRegistry
    IStateCommitment public immutable stateCommitment;
    /// @inheritdoc IIdentityRegistry
    uint32 public issuerCount;
    mapping(uint32 issuerId => Issuer) private _issuers;
    mapping(uint32 issuerId => mapping(uint256 root => RootInfo)) private _roots;
    /// @dev Every key x an issuer ever held, with a copy of that issuer's `active` flag, so that a membership-mode check
    ///      ({isKeyRootFresh}) finds the issuer and its state in one slot. {_setActive} is the one writer of the copies.
    mapping(uint256 pubKeyAx => KeyRecord) private _keys;
    /// @dev The keys each issuer held, current one last (so {_setActive} reaches every copy).
    mapping(uint32 issuerId => uint256[] pubKeyAxs) private _keysOf;
    /// @dev commitment index + 1 of an imported root (0: not imported)
    mapping(uint32 issuerId => mapping(uint256 root => uint256 indexPlusOne)) private _importedFrom;
    /// @dev True exactly for the pair (current key x, current root) of each active issuer: the common case of both
    ///      one-call root checks ({isKeyRootFresh}, {isCurrentKeyRootFresh}) in one storage slot. {_setLive} is the one
    ///      writer; every change of an issuer's key, root or `active` flag clears the old pair before and sets the new
    ///      one after.
    mapping(uint256 pubKeyAx => mapping(uint256 root => bool)) private _live;

    /// @notice A key's record: the issuer it names and a copy of that issuer's `active` flag (one slot).
    /// @param issuerId the issuer the key belongs to for good (0: nobody's)
    /// @param active the issuer's `active` flag, kept equal to {Issuer.active} by {_setActive}
    struct KeyRecord {
        uint32 issuerId;
        bool active;
    }

    uint256 internal constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// @dev Baby Jubjub: BABYJUB_A·x² + y² = 1 + BABYJUB_D·x²·y² over the BN254 scalar field.
    uint256 internal constant BABYJUB_A = 168700;
    uint256 internal constant BABYJUB_D = 168696;

    /// @notice Creates the registry with no issuer.
    /// @param governance the owner: registers and manages issuers
    /// @param stateCommitment_ the rollup's StateCommitment whose identity roots may be imported (zero: none)
    constructor(address governance, IStateCommitment stateCommitment_) Ownable(governance) {
        stateCommitment = stateCommitment_;
    }

    /// @inheritdoc IIdentityRegistry
    function registerIssuer(
        address operator,
        uint256 pubKeyAx,
        uint256 pubKeyAy,
        uint64 rootValidity,
        string calldata name
    ) external onlyOwner returns (uint32 issuerId) {
        if (operator == address(0)) revert ZeroOperator();
        if (rootValidity > MAX_ROOT_VALIDITY) revert RootValidityTooLong(rootValidity);
        issuerId = ++issuerCount;
        _issuers[issuerId] = Issuer(operator, rootValidity, true, pubKeyAx, pubKeyAy, 0);
        _claimKey(issuerId, pubKeyAx, pubKeyAy, true);
        emit IssuerRegistered(issuerId, operator, pubKeyAx, pubKeyAy, rootValidity, name);
    }

    /// @inheritdoc IIdentityRegistry
    function setIssuerKey(uint32 issuerId, uint256 pubKeyAx, uint256 pubKeyAy) external onlyOwner {
        Issuer storage i = _issuer(issuerId);
        _claimKey(issuerId, pubKeyAx, pubKeyAy, i.active);
        _setLive(i, false);
        i.pubKeyAx = pubKeyAx;
        i.pubKeyAy = pubKeyAy;
        _setLive(i, i.active);
        emit IssuerKeyChanged(issuerId, pubKeyAx, pubKeyAy);
    }

    /// @inheritdoc IIdentityRegistry
    function setIssuerOperator(uint32 issuerId, address operator) external onlyOwner {
        if (operator == address(0)) revert ZeroOperator();
        _issuer(issuerId).operator = operator;
        emit IssuerOperatorChanged(issuerId, operator);
    }

    /// @inheritdoc IIdentityRegistry
    function setRootValidity(uint32 issuerId, uint64 rootValidity) external onlyOwner {
        if (rootValidity > MAX_ROOT_VALIDITY) revert RootValidityTooLong(rootValidity);
        _issuer(issuerId).rootValidity = rootValidity;
        emit RootValidityChanged(issuerId, rootValidity);
    }

    /// @inheritdoc IIdentityRegistry
    function setIssuerActive(uint32 issuerId, bool active) external onlyOwner {
        _setActive(issuerId, _issuer(issuerId), active);
        emit IssuerActiveChanged(issuerId, active);
    }

    /// @inheritdoc IIdentityRegistry
    function publishRoot(uint32 issuerId, uint256 root) external {
        Issuer storage i = _issuer(issuerId);
        if (msg.sender != i.operator) revert NotIssuerOperator(issuerId, msg.sender);
        _checkRoot(root);
        if (_roots[issuerId][root].publishedAt != 0) revert RootAlreadyPublished(issuerId, root);
        _setCurrentRoot(issuerId, i, root);
    }

    /// @inheritdoc IIdentityRegistry
    function importRootFromCommitment(
        uint256 commitmentIndex,
        uint32 issuerId,
        uint256 root,
        bytes32[] calldata proof
    ) external {
        IStateCommitment sc = stateCommitment;
        if (address(sc) == address(0)) revert NoStateCommitment();
        Issuer storage i = _issuer(issuerId);
        _checkRoot(root);
        (, bytes32 identityRoot, bool finalized) = sc.roots(commitmentIndex);
        if (!finalized) revert CommitmentNotFinalized(commitmentIndex);
        (, uint256 latest) = sc.lastFinalized();
        if (commitmentIndex != latest) revert NotLatestFinalizedCommitment(commitmentIndex, latest);
        // OpenZeppelin StandardMerkleTree leaf of ["uint32","uint256"]
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(issuerId, root))));
        if (!MerkleProof.verifyCalldata(proof, identityRoot, leaf)) {
            revert NotInIdentityRoot(commitmentIndex, issuerId, root);
        }
        _importedFrom[issuerId][root] = commitmentIndex + 1;
        if (i.currentRoot != root) {
            // a root the issuer had before and replaced would bring back what it revoked since
            if (_roots[issuerId][root].publishedAt != 0) revert RootAlreadyPublished(issuerId, root);
            _setCurrentRoot(issuerId, i, root);
        }
        emit RootImported(issuerId, root, commitmentIndex);
    }

    /// @inheritdoc IIdentityRegistry
    function issuer(uint32 issuerId) external view returns (Issuer memory) {
        return _issuer(issuerId);
    }

    /// @inheritdoc IIdentityRegistry
    function issuerOfKey(uint256 pubKeyAx) external view returns (uint32 issuerId) {
        return _keys[pubKeyAx].issuerId;
    }

    /// @inheritdoc IIdentityRegistry
    function importedFrom(
        uint32 issuerId,
        uint256 root
    ) external view returns (bool imported, uint256 commitmentIndex) {
        uint256 plusOne = _importedFrom[issuerId][root];
        return plusOne == 0 ? (false, 0) : (true, plusOne - 1);
    }

    /// @inheritdoc IIdentityRegistry
    function rootInfo(uint32 issuerId, uint256 root) external view returns (RootInfo memory) {
        return _roots[issuerId][root];
    }

    /// @inheritdoc IIdentityRegistry
    function rootStatus(
        uint256 pubKeyAx,
        uint256 root
    ) external view returns (uint32 issuerId, bool keyCurrent, bool active, bool published, uint256 validUntil) {
        issuerId = _keys[pubKeyAx].issuerId;
        if (issuerId == 0) return (0, false, false, false, 0);
        Issuer storage i = _issuers[issuerId];
        keyCurrent = i.pubKeyAx == pubKeyAx;
        active = i.active;
        RootInfo memory r = _roots[issuerId][root];
        published = r.publishedAt != 0;
        validUntil = _validUntil(issuerId, root, r, i.rootValidity);
    }

    /// @inheritdoc IIdentityRegistry
    function isRootFresh(uint32 issuerId, uint256 root) external view returns (bool fresh) {
        return _issuers[issuerId].active && _isPublishedAndFresh(issuerId, root);
    }

    /// @inheritdoc IIdentityRegistry
    function isKeyRootFresh(uint256 pubKeyAx, uint256 root) external view returns (bool fresh) {
        if (_live[pubKeyAx][root]) return true; // the current key and root of an active issuer: one slot
        KeyRecord memory k = _keys[pubKeyAx];
        return k.active && _isPublishedAndFresh(k.issuerId, root);
    }

    /// @inheritdoc IIdentityRegistry
    function isCurrentKeyRootFresh(uint256 pubKeyAx, uint256 root) external view returns (bool fresh) {
        if (_live[pubKeyAx][root]) return true; // the current key and root of an active issuer: one slot
        KeyRecord memory k = _keys[pubKeyAx];
        return k.active && _issuers[k.issuerId].pubKeyAx == pubKeyAx && _isPublishedAndFresh(k.issuerId, root);
    }

    /// @notice Whether the issuer published (or imported) `root` and it is current, imported from the latest finalized
    ///         commitment, or within the issuer's window (the issuer's `active` flag is the caller's to check).
    /// @param issuerId the issuer (0: none, then false)
    /// @param root the root
    /// @return fresh true if acceptable
    function _isPublishedAndFresh(uint32 issuerId, uint256 root) private view returns (bool fresh) {
        RootInfo memory r = _roots[issuerId][root];
        if (r.publishedAt == 0) return false;
        if (r.supersededAt == 0) return true; // the current root: the common case reads one slot
        uint256 validUntil = _validUntil(issuerId, root, r, _issuers[issuerId].rootValidity);
        return validUntil == 0 || block.timestamp < validUntil;
    }

    /// @notice When a root stops being valid: 0 (never) while it is the issuer's current root or was imported from
    ///         the latest finalized commitment (frozen after an exit), otherwise its window's end.
    /// @param issuerId the issuer
    /// @param root the root
    /// @param r the root's record
    /// @param rootValidity the issuer's window
    /// @return validUntil 0 or the end of the window
    function _validUntil(
        uint32 issuerId,
        uint256 root,
        RootInfo memory r,
        uint64 rootValidity
    ) private view returns (uint256 validUntil) {
        if (r.supersededAt == 0) return 0;
        uint256 importedPlusOne = _importedFrom[issuerId][root];
        if (importedPlusOne != 0) {
            (bool exists, uint256 latest) = stateCommitment.lastFinalized();
            if (exists && latest + 1 == importedPlusOne) return 0;
        }
        return uint256(r.supersededAt) + rootValidity;
    }

    /// @notice Reverts unless `root` can be a registry root: non-zero, in the BN254 scalar field.
    /// @param root the root
    function _checkRoot(uint256 root) private pure {
        if (root == 0) revert ZeroRoot();
        if (root >= SNARK_SCALAR_FIELD) revert RootOutOfField(root);
    }

    /// @notice Makes `root` the issuer's current root; the previous one stays valid for the issuer's window.
    /// @param issuerId the issuer
    /// @param i its record
    /// @param root the new root
    function _setCurrentRoot(uint32 issuerId, Issuer storage i, uint256 root) private {
        mapping(uint256 => RootInfo) storage roots = _roots[issuerId];
        _setLive(i, false);
        uint256 previous = i.currentRoot;
        uint64 previousValidUntil = 0;
        if (previous != 0) {
            roots[previous].supersededAt = uint64(block.timestamp);
            previousValidUntil = uint64(block.timestamp) + i.rootValidity;
        }
        roots[root] = RootInfo(uint64(block.timestamp), 0);
        i.currentRoot = root;
        _setLive(i, i.active);
        emit RootPublished(issuerId, root, previous, previousValidUntil);
    }

    /// @notice The issuer `issuerId`, reverting if there is none.
    /// @param issuerId the issuer
    /// @return i its storage record
    function _issuer(uint32 issuerId) private view returns (Issuer storage i) {
        i = _issuers[issuerId];
        if (i.operator == address(0)) revert UnknownIssuer(issuerId);
    }

    /// @notice Sets the issuer's `active` flag and its copy in the record of every key the issuer held.
    /// @param issuerId the issuer
    /// @param i its record
    /// @param active the new flag
    function _setActive(uint32 issuerId, Issuer storage i, bool active) private {
        i.active = active;
        _setLive(i, active);
        uint256[] storage keys = _keysOf[issuerId];
        uint256 n = keys.length;
        for (uint256 k = 0; k < n; ++k) _keys[keys[k]].active = active;
    }

    /// @notice Marks the issuer's (current key, current root) pair live or not (nothing before its first root): the one
    ///         writer of {_live}. Callers clear the pair before changing the key, the root or the `active` flag, and set
    ///         it to the issuer's `active` flag after.
    /// @param i the issuer's record
    /// @param live whether the pair is to be live
    function _setLive(Issuer storage i, bool live) private {
        uint256 root = i.currentRoot;
        if (root != 0) _live[i.pubKeyAx][root] = live;
    }

    /// @notice Checks that (x, y) is a Baby Jubjub point with x != 0, and reserves x to `issuerId` for good.
    /// @param issuerId the issuer taking the key
    /// @param x the key's x coordinate
    /// @param y the key's y coordinate
    /// @param active the issuer's `active` flag (copied into the key's record)
    function _claimKey(uint32 issuerId, uint256 x, uint256 y, bool active) private {
        if (x == 0 || x >= SNARK_SCALAR_FIELD || y >= SNARK_SCALAR_FIELD || !_onCurve(x, y)) {
            revert InvalidPublicKey();
        }
        uint32 holder = _keys[x].issuerId;
        if (holder == 0) {
            _keys[x] = KeyRecord(issuerId, active);
            _keysOf[issuerId].push(x);
        } else if (holder != issuerId) {
            revert PublicKeyTaken(x, holder);
        }
    }

    /// @notice Whether (x, y) satisfies the Baby Jubjub curve equation (both below the field modulus).
    /// @param x the x coordinate
    /// @param y the y coordinate
    /// @return true if on the curve
    function _onCurve(uint256 x, uint256 y) private pure returns (bool) {
        uint256 p = SNARK_SCALAR_FIELD;
        uint256 x2 = mulmod(x, x, p);
        uint256 y2 = mulmod(y, y, p);
        uint256 left = addmod(mulmod(BABYJUB_A, x2, p), y2, p);
        uint256 right = addmod(1, mulmod(BABYJUB_D, mulmod(x2, y2, p), p), p);
        return left == right;
    }
}
