// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

// Shared attestation structs and enums, used by the registry, its interfaces, hooks and the SDK.

/// @notice Where a schema's attestation data lives.
enum DataLocation {
    /// @dev The attestation's `data` holds the ABI-encoded fields (emitted in the event, committed in the uid).
    OnChain,
    /// @dev The data lives off-chain at the schema's `reference`; `data` holds a pointer or commitment.
    OffChain
}

/// @notice The stored part of a schema: one storage slot.
struct Schema {
    /// @dev Contract called on attest and revoke; zero for none.
    address hook;
    /// @dev Whether attestations under the schema can be revoked one by one.
    bool revocable;
    /// @dev Longest allowed validity in seconds; 0 = unbounded (expiry 0 = never is then allowed).
    uint32 maxValidity;
    /// @dev Where the data lives.
    DataLocation location;
    /// @dev Set once the schema exists.
    bool registered;
}

/// @notice What an attester asks the registry to record.
struct AttestationRequest {
    /// @dev Schema id.
    bytes32 schema;
    /// @dev Compact subject: 20 bytes for an EVM address, otherwise the UTF-8 bytes of a DID or another id.
    bytes subject;
    /// @dev Unix time when the attestation expires; 0 = never (if the schema allows).
    uint64 expirationTime;
    /// @dev An existing attestation this one links to; zero for none.
    bytes32 refUID;
    /// @dev ABI-encoded data following the schema definition.
    bytes data;
    /// @dev Native coin forwarded to the schema's hook.
    uint256 value;
    /// @dev Opaque bytes passed to the hook only (e.g. a ZK proof); not part of the attestation.
    bytes hookData;
}

/// @notice The full content of an attestation, as emitted in `Attested`. Its uid is a hash of it.
struct Attestation {
    /// @dev Schema id.
    bytes32 schema;
    /// @dev The attester (the signer for a delegated attestation).
    address attester;
    /// @dev When it was recorded.
    uint64 time;
    /// @dev When it expires; 0 = never.
    uint64 expirationTime;
    /// @dev The attestation it links to; zero for none.
    bytes32 refUID;
    /// @dev Compact subject bytes.
    bytes subject;
    /// @dev ABI-encoded data.
    bytes data;
}

/// @notice The stored part of an attestation: attester, time, expiry and flags in one slot, schema in a second.
struct AttestationRecord {
    /// @dev The attester; zero if the uid is unknown.
    address attester;
    /// @dev When it was recorded.
    uint40 time;
    /// @dev When it expires; 0 = never.
    uint40 expirationTime;
    /// @dev FLAG_* bits of AttestationRegistry.
    uint8 flags;
    bytes32 schema;
}

/// @notice A delegated (EIP-712 signed) authorisation.
struct Delegation {
    /// @dev The attester (EOA or ERC-1271 contract) that signed.
    address signer;
    /// @dev The signer's next nonce at the registry (nonces are used in order; `increaseNonce` skips ahead).
    uint256 nonce;
    /// @dev Unix time after which the signature is void.
    uint64 deadline;
    /// @dev ECDSA signature or ERC-1271 signature bytes.
    bytes signature;
}

/// @notice Everything a schema's id is derived from.
struct SchemaDefinition {
    /// @dev Comma-separated ABI types with names, e.g. "uint64 birthDate, bytes2 country, bool resident".
    string definition;
    /// @dev Contract called on attest and revoke, or zero.
    address hook;
    /// @dev Whether attestations can be revoked one by one.
    bool revocable;
    /// @dev Longest allowed validity in seconds; 0 = unbounded.
    uint32 maxValidity;
    /// @dev Where attestation data lives.
    DataLocation location;
    /// @dev For off-chain data: where it lives (URI); empty for on-chain.
    string dataReference;
}
