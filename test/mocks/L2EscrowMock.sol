// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IL2Bridge} from "../../contracts/l2/IL2Bridge.sol";

/// @notice A contract that holds bridged tokens on L2 (like a vault or a distribution contract) and, following the
///         escape rule, names the L1 account its balances escape to.
contract L2EscrowMock {
    address public immutable admin;

    constructor() {
        admin = msg.sender;
    }

    /// @notice Names the escape beneficiary of this contract's bridged balances.
    function nameBeneficiary(IL2Bridge bridge, address beneficiary) external {
        require(msg.sender == admin, "admin only");
        bridge.setEscapeBeneficiary(beneficiary);
    }

    /// @notice Pays out held tokens.
    function pay(IERC20 token, address to, uint256 amount) external {
        require(msg.sender == admin, "admin only");
        require(token.transfer(to, amount), "transfer failed");
    }
}
