// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IL2IdentityRegistry
/// @notice Credential-registry roots published on L2, where an update is cheap. Issuers use the same `uint32 issuerId`
///         numbering as the L1 `IdentityRegistry`. Who may publish: the owner (L2 governance, set in the L2 genesis)
///         registers each issuer id with the address that publishes its roots (its publisher); only that publisher
///         updates the issuer's root. Every batch's commitment carries `identityRoot`, a StandardMerkleTree over
///         `(uint32 issuerId, uint256 currentRoot)` for every issuer with a root, which L1 accepts once final.
interface IL2IdentityRegistry {
    /// @notice An issuer as known on L2.
    /// @param publisher the address that publishes the issuer's roots
    /// @param currentRoot the latest root (0 before the first)
    /// @param updatedAt when the latest root was published (0 before the first)
    struct Issuer {
        address publisher;
        uint256 currentRoot;
        uint64 updatedAt;
    }

    /// @notice Governance registered an issuer id on L2.
    /// @param issuerId the L1 issuer id
    /// @param publisher the address that publishes its roots
    event IssuerRegistered(uint32 indexed issuerId, address indexed publisher);

    /// @notice Governance changed an issuer's publisher.
    /// @param issuerId the issuer
    /// @param publisher the new publisher
    event PublisherChanged(uint32 indexed issuerId, address indexed publisher);

    /// @notice An issuer's publisher published a new root.
    /// @param issuerId the issuer
    /// @param root the new root
    /// @param previous the root it replaces (0 for the first)
    event RootPublished(uint32 indexed issuerId, uint256 indexed root, uint256 previous);

    /// @notice This issuer id is already registered.
    /// @param issuerId the id
    error IssuerExists(uint32 issuerId);

    /// @notice No issuer with this id on L2.
    /// @param issuerId the id
    error UnknownIssuer(uint32 issuerId);

    /// @notice Only the issuer's publisher may publish its roots.
    /// @param issuerId the issuer
    /// @param caller the account that called
    error NotPublisher(uint32 issuerId, address caller);

    /// @notice A root must be non-zero (zero means "no root yet").
    error ZeroRoot();

    /// @notice Registers `issuerId` (the L1 numbering) with the address that publishes its roots. Owner only.
    /// @param issuerId the L1 issuer id
    /// @param publisher the publisher
    function registerIssuer(uint32 issuerId, address publisher) external;

    /// @notice Changes an issuer's publisher. Owner only.
    /// @param issuerId the issuer
    /// @param publisher the new publisher
    function setPublisher(uint32 issuerId, address publisher) external;

    /// @notice Publishes the issuer's new credential-registry root. Publisher only.
    /// @param issuerId the issuer
    /// @param root the new root (non-zero)
    function publishRoot(uint32 issuerId, uint256 root) external;

    /// @notice An issuer's record.
    /// @param issuerId the issuer
    /// @return the record (publisher zero if unknown)
    function issuer(uint32 issuerId) external view returns (Issuer memory);

    /// @notice How many issuers are registered.
    /// @return the count
    function issuerCount() external view returns (uint256);

    /// @notice Issuers `[start, end)` (clamped), in registration order, with their current roots.
    /// @param start first position
    /// @param end one past the last position
    /// @return ids the issuer ids
    /// @return roots their current roots (0 if none yet)
    function issuerRoots(
        uint256 start,
        uint256 end
    ) external view returns (uint32[] memory ids, uint256[] memory roots);
}
