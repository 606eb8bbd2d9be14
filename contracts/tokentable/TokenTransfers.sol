// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @notice The token moved a different amount than asked (fee-on-transfer or rebasing): not supported.
/// @param token the token
/// @param requested the amount asked
/// @param received the amount that arrived
error UnsupportedToken(address token, uint256 requested, uint256 received);

/// @notice The native coin sent does not equal what the call needs.
/// @param expected the value the call needs
/// @param sent `msg.value`
error ValueMismatch(uint256 expected, uint256 sent);

/// @notice A native-coin payment was refused by its recipient.
/// @param to the recipient
/// @param amount the amount
error PaymentFailed(address to, uint256 amount);

/// @notice Two parallel arrays differ in length, or a batch is empty.
error LengthMismatch();

/// @title TokenTransfers
/// @notice Funding and payouts for TokenTable: ERC-20 through SafeERC20 with an exact-amount check on the way in,
///         or the native coin (token = address(0)).
library TokenTransfers {
    using SafeERC20 for IERC20;

    /// @notice The token address that stands for the native coin.
    address internal constant NATIVE = address(0);

    /// @notice Takes exactly `amount` of `token` from `from` (ERC-20), or checks that `msg.value == amount` (native).
    /// @param token the token, or NATIVE
    /// @param from who pays (the caller)
    /// @param amount how much
    function pullExact(address token, address from, uint256 amount) internal {
        if (token == NATIVE) {
            if (msg.value != amount) revert ValueMismatch(amount, msg.value);
            return;
        }
        if (msg.value != 0) revert ValueMismatch(0, msg.value);
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(from, address(this), amount);
        uint256 received = IERC20(token).balanceOf(address(this)) - before;
        if (received != amount) revert UnsupportedToken(token, amount, received);
    }

    /// @notice Pays `amount` of `token` (or the native coin) to `to`.
    /// @param token the token, or NATIVE
    /// @param to the recipient
    /// @param amount how much
    function push(address token, address to, uint256 amount) internal {
        if (token == NATIVE) {
            (bool ok, ) = to.call{value: amount}("");
            if (!ok) revert PaymentFailed(to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }
}
