// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {ZeroAddress} from "../libraries/Errors.sol";
import {IL2IdentityRegistry} from "./IL2IdentityRegistry.sol";

/// @title L2IdentityRegistry
/// @notice Issuers' credential-registry roots on L2 (see {IL2IdentityRegistry}). Predeployed at a fixed address in the
///         L2 genesis with its owner (L2 governance) written into storage slot 0 (Ownable's `_owner`); the owner can hand
///         over with Ownable2Step.
contract L2IdentityRegistry is Ownable2Step, IL2IdentityRegistry {
    mapping(uint32 issuerId => Issuer) private _issuers;
    uint32[] private _ids;

    /// @notice For tests and non-genesis deployments; the genesis predeploy sets the owner in storage instead.
    /// @param governance the owner
    constructor(address governance) Ownable(governance) {}

    /// @inheritdoc IL2IdentityRegistry
    function registerIssuer(uint32 issuerId, address publisher) external onlyOwner {
        if (publisher == address(0)) revert ZeroAddress();
        if (_issuers[issuerId].publisher != address(0)) revert IssuerExists(issuerId);
        _issuers[issuerId].publisher = publisher;
        _ids.push(issuerId);
        emit IssuerRegistered(issuerId, publisher);
    }

    /// @inheritdoc IL2IdentityRegistry
    function setPublisher(uint32 issuerId, address publisher) external onlyOwner {
        if (publisher == address(0)) revert ZeroAddress();
        if (_issuers[issuerId].publisher == address(0)) revert UnknownIssuer(issuerId);
        _issuers[issuerId].publisher = publisher;
        emit PublisherChanged(issuerId, publisher);
    }

    /// @inheritdoc IL2IdentityRegistry
    function publishRoot(uint32 issuerId, uint256 root) external {
        Issuer storage s = _issuers[issuerId];
        if (s.publisher == address(0)) revert UnknownIssuer(issuerId);
        if (msg.sender != s.publisher) revert NotPublisher(issuerId, msg.sender);
        if (root == 0) revert ZeroRoot();
        uint256 previous = s.currentRoot;
        s.currentRoot = root;
        s.updatedAt = uint64(block.timestamp);
        emit RootPublished(issuerId, root, previous);
    }

    /// @inheritdoc IL2IdentityRegistry
    function issuer(uint32 issuerId) external view returns (Issuer memory) {
        return _issuers[issuerId];
    }

    /// @inheritdoc IL2IdentityRegistry
    function issuerCount() external view returns (uint256) {
        return _ids.length;
    }

    /// @inheritdoc IL2IdentityRegistry
    function issuerRoots(
        uint256 start,
        uint256 end
    ) external view returns (uint32[] memory ids, uint256[] memory roots) {
        uint256 n = _ids.length;
        if (end > n) end = n;
        if (start > end) start = end;
        ids = new uint32[](end - start);
        roots = new uint256[](end - start);
        for (uint256 i = start; i < end; ++i) {
            uint32 id = _ids[i];
            ids[i - start] = id;
            roots[i - start] = _issuers[id].currentRoot;
        }
    }
}
