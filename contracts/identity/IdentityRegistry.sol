// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

/// @title IdentityRegistry
/// @notice Registered credential issuers (governance decides who), their EdDSA-Poseidon public keys, and the roots of
///         their credential registry trees. A superseded root stays valid for the issuer's root validity window, so
///         proofs in flight survive an update; a credential removed from the tree stops working once the window passes.
/// @dev The owner is governance (e.g. a council's timelock). Each issuer has an operator that publishes its roots.
contract IdentityRegistry is Ownable2Step {
    /// @notice An issuer: who publishes its roots, its signing key (Baby Jubjub point) and its root validity window.
    struct Issuer {
        address operator;
        uint64 rootValidity;
        bool active;
        uint256 pubKeyAx;
        uint256 pubKeyAy;
        uint256 currentRoot;
    }

    /// @notice A published root: its issuer, when it was published and when it was superseded (0 while current).
    struct RootInfo {
        uint32 issuerId;
        uint64 publishedAt;
        uint64 supersededAt;
    }

    /// @notice Longest root validity window governance may set.
    uint64 public constant MAX_ROOT_VALIDITY = 90 days;

    /// @notice Number of issuers registered so far; ids are 1..issuerCount.
    uint32 public issuerCount;
    mapping(uint32 issuerId => Issuer) private _issuers;
    mapping(uint256 root => RootInfo) private _roots;

    /// @notice Governance registered an issuer.
    event IssuerRegistered(
        uint32 indexed issuerId,
        address indexed operator,
        uint256 pubKeyAx,
        uint256 pubKeyAy,
        uint64 rootValidity,
        string name
    );
    /// @notice Governance changed an issuer's signing key (credentials signed with the old key no longer prove).
    event IssuerKeyChanged(uint32 indexed issuerId, uint256 pubKeyAx, uint256 pubKeyAy);
    /// @notice Governance changed an issuer's operator.
    event IssuerOperatorChanged(uint32 indexed issuerId, address indexed operator);
    /// @notice Governance changed an issuer's root validity window.
    event RootValidityChanged(uint32 indexed issuerId, uint64 rootValidity);
    /// @notice Governance suspended or reinstated an issuer.
    event IssuerActiveChanged(uint32 indexed issuerId, bool active);
    /// @notice An issuer published a new registry root; `previous` is valid until `previousValidUntil`.
    event RootPublished(uint32 indexed issuerId, uint256 indexed root, uint256 previous, uint64 previousValidUntil);

    /// @notice No issuer with this id.
    error UnknownIssuer(uint32 issuerId);
    /// @notice Only the issuer's operator may do this.
    error NotIssuerOperator(uint32 issuerId, address caller);
    /// @notice The public key is not a valid non-zero key.
    error InvalidPublicKey();
    /// @notice The root validity window is above {MAX_ROOT_VALIDITY}.
    error RootValidityTooLong(uint64 rootValidity);
    /// @notice The zero root is never valid.
    error ZeroRoot();
    /// @notice The root is not a field element of BN254.
    error RootOutOfField(uint256 root);
    /// @notice The root was already published (by this or another issuer).
    error RootAlreadyPublished(uint256 root);
    /// @notice The zero address cannot be an operator.
    error ZeroOperator();

    uint256 internal constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @param governance the owner: registers and manages issuers
    constructor(address governance) Ownable(governance) {}

    /// @notice Registers an issuer. Governance only.
    /// @param operator the address that publishes the issuer's roots
    /// @param pubKeyAx x of the issuer's EdDSA-Poseidon public key
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
    ) external onlyOwner returns (uint32 issuerId) {
        if (operator == address(0)) revert ZeroOperator();
        _checkKey(pubKeyAx, pubKeyAy);
        if (rootValidity > MAX_ROOT_VALIDITY) revert RootValidityTooLong(rootValidity);
        issuerId = ++issuerCount;
        _issuers[issuerId] = Issuer(operator, rootValidity, true, pubKeyAx, pubKeyAy, 0);
        emit IssuerRegistered(issuerId, operator, pubKeyAx, pubKeyAy, rootValidity, name);
    }

    /// @notice Replaces an issuer's signing key. Governance only.
    /// @param issuerId the issuer
    /// @param pubKeyAx x of the new key
    /// @param pubKeyAy y of the new key
    function setIssuerKey(uint32 issuerId, uint256 pubKeyAx, uint256 pubKeyAy) external onlyOwner {
        Issuer storage i = _issuer(issuerId);
        _checkKey(pubKeyAx, pubKeyAy);
        i.pubKeyAx = pubKeyAx;
        i.pubKeyAy = pubKeyAy;
        emit IssuerKeyChanged(issuerId, pubKeyAx, pubKeyAy);
    }

    /// @notice Replaces an issuer's operator. Governance only.
    /// @param issuerId the issuer
    /// @param operator the new operator
    function setIssuerOperator(uint32 issuerId, address operator) external onlyOwner {
        if (operator == address(0)) revert ZeroOperator();
        _issuer(issuerId).operator = operator;
        emit IssuerOperatorChanged(issuerId, operator);
    }

    /// @notice Sets how long an issuer's superseded roots stay valid. Governance only.
    /// @param issuerId the issuer
    /// @param rootValidity the window in seconds, at most {MAX_ROOT_VALIDITY}
    function setRootValidity(uint32 issuerId, uint64 rootValidity) external onlyOwner {
        if (rootValidity > MAX_ROOT_VALIDITY) revert RootValidityTooLong(rootValidity);
        _issuer(issuerId).rootValidity = rootValidity;
        emit RootValidityChanged(issuerId, rootValidity);
    }

    /// @notice Suspends or reinstates an issuer; proofs under a suspended issuer's roots fail. Governance only.
    /// @param issuerId the issuer
    /// @param active false to suspend
    function setIssuerActive(uint32 issuerId, bool active) external onlyOwner {
        _issuer(issuerId).active = active;
        emit IssuerActiveChanged(issuerId, active);
    }

    /// @notice Publishes the issuer's new registry root (after enrolments or revocations). Issuer operator only.
    /// @param issuerId the issuer
    /// @param root the new LeanIMT root
    function publishRoot(uint32 issuerId, uint256 root) external {
        Issuer storage i = _issuer(issuerId);
        if (msg.sender != i.operator) revert NotIssuerOperator(issuerId, msg.sender);
        if (root == 0) revert ZeroRoot();
        if (root >= SNARK_SCALAR_FIELD) revert RootOutOfField(root);
        if (_roots[root].issuerId != 0) revert RootAlreadyPublished(root);
        uint256 previous = i.currentRoot;
        uint64 previousValidUntil = 0;
        if (previous != 0) {
            _roots[previous].supersededAt = uint64(block.timestamp);
            previousValidUntil = uint64(block.timestamp) + i.rootValidity;
        }
        _roots[root] = RootInfo(issuerId, uint64(block.timestamp), 0);
        i.currentRoot = root;
        emit RootPublished(issuerId, root, previous, previousValidUntil);
    }

    /// @notice An issuer's record.
    /// @param issuerId the issuer
    /// @return the issuer (reverts for an unknown id)
    function issuer(uint32 issuerId) external view returns (Issuer memory) {
        return _issuer(issuerId);
    }

    /// @notice A root's record (issuerId 0 if never published).
    /// @param root the root
    /// @return the record
    function rootInfo(uint256 root) external view returns (RootInfo memory) {
        return _roots[root];
    }

    /// @notice What a verifier needs about a root, in one call.
    /// @param root the root
    /// @return issuerId its issuer (0 if unknown)
    /// @return pubKeyAx the issuer's key x
    /// @return active whether the issuer is active
    /// @return validUntil 0 while the root is current, otherwise the end of its validity window
    function rootStatus(
        uint256 root
    ) external view returns (uint32 issuerId, uint256 pubKeyAx, bool active, uint256 validUntil) {
        RootInfo memory r = _roots[root];
        issuerId = r.issuerId;
        if (issuerId == 0) return (0, 0, false, 0);
        Issuer storage i = _issuers[issuerId];
        pubKeyAx = i.pubKeyAx;
        active = i.active;
        validUntil = r.supersededAt == 0 ? 0 : uint256(r.supersededAt) + i.rootValidity;
    }

    /// @notice Whether a proof against `root` is acceptable now: published, issuer active, current or within its window.
    /// @param root the root
    /// @return fresh true if acceptable
    function isRootFresh(uint256 root) external view returns (bool fresh) {
        RootInfo memory r = _roots[root];
        if (r.issuerId == 0) return false;
        Issuer storage i = _issuers[r.issuerId];
        return i.active && (r.supersededAt == 0 || block.timestamp < uint256(r.supersededAt) + i.rootValidity);
    }

    function _issuer(uint32 issuerId) private view returns (Issuer storage i) {
        i = _issuers[issuerId];
        if (i.operator == address(0)) revert UnknownIssuer(issuerId);
    }

    function _checkKey(uint256 x, uint256 y) private pure {
        if (x == 0 || x >= SNARK_SCALAR_FIELD || y >= SNARK_SCALAR_FIELD) revert InvalidPublicKey();
    }
}
