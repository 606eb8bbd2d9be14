// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IBridgedToken
/// @notice The L2 copy of an L1 token. Only its bridge mints (on a deposit) and burns (on a withdrawal). It keeps the
///         set of its current holders so that the exit tree can list every balance from L2 state alone.
interface IBridgedToken {
    /// @notice Only the bridge that created this token may mint or burn it.
    /// @param caller the account that called
    error NotBridge(address caller);

    /// @notice Mints `amount` to `to` (a deposit).
    /// @param to the L2 recipient
    /// @param amount the amount deposited on L1
    function mint(address to, uint256 amount) external;

    /// @notice Burns `amount` from `from` (a withdrawal).
    /// @param from the L2 holder
    /// @param amount the amount withdrawn
    function burn(address from, uint256 amount) external;

    /// @notice The bridge that created this token and alone mints and burns it.
    /// @return the bridge
    function bridge() external view returns (address);

    /// @notice The L1 token this token is the L2 copy of.
    /// @return the L1 token
    function l1Token() external view returns (address);

    /// @notice How many accounts hold a non-zero balance.
    /// @return the number of holders
    function holderCount() external view returns (uint256);

    /// @notice Holders `[start, end)` (clamped to the holder count) with their balances, in the holder set's order.
    /// @param start first position
    /// @param end one past the last position
    /// @return accounts the holders
    /// @return balances their balances
    function holders(
        uint256 start,
        uint256 end
    ) external view returns (address[] memory accounts, uint256[] memory balances);
}
