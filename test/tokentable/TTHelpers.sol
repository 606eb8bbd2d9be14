// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice Receives ETH and, once armed, re-enters a target with a stored call during the payment.
contract ReentrantReceiver {
    address public target;
    bytes public call_;
    bool public reentered;
    bool public reentrySucceeded;

    function arm(address target_, bytes calldata c) external {
        target = target_;
        call_ = c;
    }

    receive() external payable {
        if (target != address(0) && !reentered) {
            reentered = true;
            (bool ok, ) = target.call(call_);
            reentrySucceeded = ok;
        }
    }
}

/// @notice Refuses every ETH payment.
contract EthRefuser {
    receive() external payable {
        revert("no");
    }
}
