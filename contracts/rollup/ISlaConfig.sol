// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice The SLA parameters: every recovery-window figure is an on-chain parameter.
struct Sla {
    /// @notice Rank-1 standby may claim after the active sequencer is silent this long; rank k waits k times as long.
    uint64 failoverDelay;
    /// @notice A heartbeat counts as fresh (proof of readiness, or the active sequencer's sign of life) this long.
    uint64 heartbeatWindow;
    /// @notice A delayed message older than this (seconds) may be force-included by anyone.
    uint64 inclusionWindow;
    /// @notice ...and older than this many L1 blocks.
    uint64 inclusionWindowBlocks;
    /// @notice No sequencer batch for this long opens the automatic exit.
    uint64 maxDowntime;
    /// @notice No newly finalized state commitment for this long opens the automatic exit.
    uint64 maxFinalityDelay;
    /// @notice A state commitment becomes final this long after submission, unless the council vetoes it.
    uint64 finalityDelay;
}

/// @title ISlaConfig
/// @notice Every SLA figure of the rollup, readable in one call, changeable only by governance and always
///         within hard bounds compiled into the contract.
interface ISlaConfig {
    /// @notice The SLA changed.
    /// @param sla the new parameters
    event SlaUpdated(Sla sla);

    /// @notice `field` is outside its compiled bounds [min, max].
    /// @param field the parameter's name
    /// @param value the rejected value
    /// @param min the lowest allowed value (may depend on other fields)
    /// @param max the highest allowed value
    error SlaOutOfBounds(string field, uint256 value, uint256 min, uint256 max);

    /// @notice The governance timelock, the only account that may change the SLA.
    /// @return the governor's address
    function governor() external view returns (address);

    /// @notice Every SLA parameter in one call.
    /// @return the current parameters
    function getSla() external view returns (Sla memory);

    /// @notice Replaces the SLA; only the governor (the council through its timelock).
    /// @param sla the new parameters, within bounds
    function setSla(Sla calldata sla) external;

    /// @notice Reverts with `SlaOutOfBounds` unless every field of `s` is within its bounds and the fields agree.
    /// @param s the parameters to check
    function validate(Sla memory s) external pure;
}
