// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

// Errors shared by several contracts, declared once (in the style of nitro-contracts' `libraries/Error.sol`).

/// @notice The rollup is in exit mode, which freezes this operation for good.
error InExit();

/// @notice The operation exists only in exit mode, and the rollup is not in exit mode.
error NotInExit();

/// @notice Only the governance timelock (the council, after its delay) may call this.
/// @param caller the account that called
error NotGovernor(address caller);

/// @notice An address argument was the zero address.
error ZeroAddress();

/// @notice An amount argument was zero.
error ZeroAmount();
