// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IStackFactory
/// @notice Deterministic deployment of the stack: each contract's address depends only on the factory, the
///         deployer and a salt, not on its init code. So every address is known before anything is deployed, and
///         contracts that refer to each other (the inbox and the sequencer set, the exit controller and its
///         timelock) can hold each other as `immutable` constructor arguments.
interface IStackFactory {
    /// @notice A contract was deployed.
    /// @param deployer who asked
    /// @param salt the deployer's salt
    /// @param deployed the new contract
    event Deployed(address indexed deployer, bytes32 indexed salt, address deployed);

    /// @notice The init code is empty.
    error EmptyInitCode();

    /// @notice Deploys `initCode` at the address `addressOf(msg.sender, salt)` (CREATE3). The salt is bound to the
    ///         caller, so nobody else can occupy the caller's addresses.
    /// @param salt the caller's salt
    /// @param initCode creation code followed by the ABI-encoded constructor arguments
    /// @return deployed the new contract's address
    function deploy(bytes32 salt, bytes calldata initCode) external returns (address deployed);

    /// @notice The address `deploy(salt, …)` called by `deployer` gives, whatever the init code.
    /// @param deployer the caller of `deploy`
    /// @param salt the salt
    /// @return the address
    function addressOf(address deployer, bytes32 salt) external view returns (address);
}
