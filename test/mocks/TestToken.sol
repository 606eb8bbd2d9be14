// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title TestToken
/// @notice Freely mintable ERC-20 for local drills and tests. Never deployed to a public network.
contract TestToken is ERC20 {
    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) {}

    /// @notice Mints `amount` to `to`; anyone (test token).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

/// @notice ERC-20 that burns 1% on every transfer: the vault must reject it.
contract FeeOnTransferToken is ERC20 {
    constructor() ERC20("Fee", "FEE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) {
            uint256 fee = value / 100;
            super._update(from, address(0), fee);
            value -= fee;
        }
        super._update(from, to, value);
    }
}

interface IReenterTarget {
    function escape(address account, address token, uint256 amount, bytes32[] calldata proof) external;
}

/// @notice ERC-20 that re-enters the vault during `transfer`, to prove the vault's reentrancy guard.
contract ReentrantToken is ERC20 {
    address public victim;
    bytes public reentryCall;
    bool public reentered;
    bool public reentrySucceeded;

    constructor() ERC20("Reenter", "RE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address victim_, bytes calldata reentryCall_) external {
        victim = victim_;
        reentryCall = reentryCall_;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (victim != address(0) && from == victim && !reentered) {
            reentered = true;
            (bool ok, ) = victim.call(reentryCall);
            reentrySucceeded = ok;
        }
    }
}
