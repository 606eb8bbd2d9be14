// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {CREATE3} from "solady/src/utils/CREATE3.sol";

import {IStackFactory} from "./IStackFactory.sol";

/// @title StackFactory
/// @notice CREATE3 deployments with caller-bound salts (Solady's `CREATE3`): addresses are computed up front from
///         the deployer and a salt, so the whole stack is wired with `immutable` references and no setters.
contract StackFactory is IStackFactory {
    /// @inheritdoc IStackFactory
    function deploy(bytes32 salt, bytes calldata initCode) external returns (address deployed) {
        if (initCode.length == 0) revert EmptyInitCode();
        deployed = CREATE3.deployDeterministic(initCode, _boundSalt(msg.sender, salt));
        emit Deployed(msg.sender, salt, deployed);
    }

    /// @inheritdoc IStackFactory
    function addressOf(address deployer, bytes32 salt) external view returns (address) {
        return CREATE3.predictDeterministicAddress(_boundSalt(deployer, salt));
    }

    function _boundSalt(address deployer, bytes32 salt) private pure returns (bytes32) {
        return keccak256(abi.encode(deployer, salt));
    }
}
