// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";

/// @notice StandardMerkleTree-compatible helpers for (index, account, amount) leaves.
library TTMerkle {
    function leaf(uint256 index, address account, uint256 amount) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(index, account, amount))));
    }

    function root(bytes32[] memory leaves) internal pure returns (bytes32) {
        bytes32[] memory level = leaves;
        while (level.length > 1) level = _up(level);
        return level[0];
    }

    function proof(bytes32[] memory leaves, uint256 index) internal pure returns (bytes32[] memory out) {
        bytes32[] memory buf = new bytes32[](40);
        uint256 n;
        bytes32[] memory level = leaves;
        while (level.length > 1) {
            uint256 sib = index ^ 1;
            if (sib < level.length) buf[n++] = level[sib];
            level = _up(level);
            index /= 2;
        }
        out = new bytes32[](n);
        for (uint256 i = 0; i < n; ++i) out[i] = buf[i];
    }

    function _up(bytes32[] memory level) private pure returns (bytes32[] memory next) {
        next = new bytes32[]((level.length + 1) / 2);
        for (uint256 i = 0; i < next.length; ++i) {
            uint256 l = 2 * i;
            next[i] = l + 1 < level.length ? Hashes.commutativeKeccak256(level[l], level[l + 1]) : level[l];
        }
    }
}

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
