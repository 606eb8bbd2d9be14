// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

// Test-only code: Foundry naming conventions (vm, Vm) and plain requires are deliberate.
// solhint-disable interface-starts-with-i, const-name-snakecase, gas-custom-errors

import {Vm} from "./Vm.sol";

/// @title TestBase
/// @notice Minimal base for Hardhat 3 Solidity tests (`*.t.sol`): cheatcodes, `bound`, and invariant targeting.
/// @dev The npm `forge-std` is years out of date and GitHub is not reachable here, so this holds the few
///      pieces we use. Assertions are EDR's assertion cheatcodes, which revert with a readable message.
abstract contract TestBase {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    address[] private _targetContracts;
    address[] private _targetSenders;

    /// @dev Maps `x` into `[min, max]` without discarding fuzz runs.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "TestBase.bound: min > max");
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }

    /// @dev Adds a contract whose functions the invariant fuzzer calls.
    function targetContract(address target) internal {
        _targetContracts.push(target);
    }

    /// @dev Adds a sender the invariant fuzzer uses.
    function targetSender(address sender) internal {
        _targetSenders.push(sender);
    }

    /// @notice Read by the invariant fuzzer.
    function targetContracts() public view returns (address[] memory) {
        return _targetContracts;
    }

    /// @notice Read by the invariant fuzzer.
    function targetSenders() public view returns (address[] memory) {
        return _targetSenders;
    }
}
