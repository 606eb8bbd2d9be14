// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Schema, SchemaDefinition} from "../interfaces/AttestationTypes.sol";

/// @title IAttestationSchemaRegistry
/// @notice The canonical external surface of AttestationSchemaRegistry: registers attestation schemas. A schema's id
///         is derived from its content; the definition string, name, description and reference are emitted, not
///         stored.
interface IAttestationSchemaRegistry {
    /// @notice A schema was registered.
    /// @param uid The schema id.
    /// @param registrant The account that registered it.
    /// @param hook The schema's hook, or zero.
    /// @param schema The full content the id derives from.
    /// @param name Human name.
    /// @param description Human description.
    event SchemaRegistered(
        bytes32 indexed uid,
        address indexed registrant,
        address indexed hook,
        SchemaDefinition schema,
        string name,
        string description
    );

    /// @notice A schema with the same content already exists.
    /// @param uid The existing schema id.
    error SchemaAlreadyRegistered(bytes32 uid);
    /// @notice The definition string is empty.
    error EmptySchemaDefinition();
    /// @notice An off-chain schema needs a reference to where its data lives (and an on-chain one must have none).
    error InvalidDataReference();
    /// @notice The hook is not a contract.
    /// @param hook The address given as hook.
    error HookNotAContract(address hook);

    /// @notice Registers a schema.
    /// @param schema The content the id derives from.
    /// @param name Human name, emitted only.
    /// @param description Human description, emitted only.
    /// @return uid The schema id.
    function register(
        SchemaDefinition calldata schema,
        string calldata name,
        string calldata description
    ) external returns (bytes32 uid);

    /// @notice The stored part of a schema (`registered` false if unknown).
    /// @param uid The schema id.
    /// @return schema The schema.
    function getSchema(bytes32 uid) external view returns (Schema memory schema);

    /// @notice The id of a schema with this content: keccak256(abi.encode(schema)).
    /// @param schema The content.
    /// @return uid The schema id.
    function schemaUid(SchemaDefinition calldata schema) external pure returns (bytes32 uid);
}
