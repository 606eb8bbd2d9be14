// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title ICouncilTimelock
/// @notice What the council's timelock adds to OpenZeppelin's `TimelockController` (whose surface, operation states
///         Unset, Waiting, Ready and Done, and batch scheduling it keeps): hard bounds on its delay.
interface ICouncilTimelock {
    /// @notice The delay is outside its compiled bounds.
    /// @param delay the rejected delay
    /// @param min the lowest allowed delay on this chain
    /// @param max the highest allowed delay
    error DelayOutOfBounds(uint256 delay, uint256 min, uint256 max);

    /// @notice The lowest delay allowed on this chain: 7 days (L2BEAT Stage 1), or 0 on the local chain id.
    /// @return the minimum delay in seconds
    function minAllowedDelay() external view returns (uint256);
}
