// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAttestationSchemaRegistry} from "./IAttestationSchemaRegistry.sol";
import {DataLocation, Schema, SchemaDefinition} from "../interfaces/AttestationTypes.sol";

/// @title AttestationSchemaRegistry
/// @notice Registers schemas: one storage slot each; definition, reference, name and description are emitted.
contract AttestationSchemaRegistry is IAttestationSchemaRegistry {
    mapping(bytes32 uid => Schema) private _schemas;

    /// @inheritdoc IAttestationSchemaRegistry
    function register(
        SchemaDefinition calldata schema,
        string calldata name,
        string calldata description
    ) external returns (bytes32 uid) {
        if (bytes(schema.definition).length == 0) revert EmptySchemaDefinition();
        if ((schema.location == DataLocation.OffChain) != (bytes(schema.dataReference).length != 0)) {
            revert InvalidDataReference();
        }
        address hook = schema.hook;
        if (hook != address(0) && hook.code.length == 0) revert HookNotAContract(hook);
        uid = keccak256(abi.encode(schema));
        if (_schemas[uid].registered) revert SchemaAlreadyRegistered(uid);
        _schemas[uid] = Schema(hook, schema.revocable, schema.maxValidity, schema.location, true);
        emit SchemaRegistered(uid, msg.sender, hook, schema, name, description);
    }

    /// @inheritdoc IAttestationSchemaRegistry
    function getSchema(bytes32 uid) external view returns (Schema memory schema) {
        schema = _schemas[uid];
    }

    /// @inheritdoc IAttestationSchemaRegistry
    function schemaUid(SchemaDefinition calldata schema) external pure returns (bytes32 uid) {
        uid = keccak256(abi.encode(schema));
    }
}
