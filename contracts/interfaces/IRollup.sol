// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice The SLA parameters: every recovery-window figure is an on-chain parameter.
struct Sla {
    /// @notice Rank-1 standby may claim after the active sequencer is silent this long; rank k waits k times as long.
    uint64 failoverDelay;
    /// @notice A standby's heartbeat counts as fresh (proof of readiness) for this long.
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

interface ISlaConfig {
    function getSla() external view returns (Sla memory);
}

interface IExitController {
    function inExit() external view returns (bool);
}

interface ISequencerSet {
    function active() external view returns (address);
}

interface IDelayedInbox {
    function count() external view returns (uint256);
    function accumulatorAt(uint256 count_) external view returns (bytes32);
    function messageTime(uint256 index) external view returns (uint64 timestamp, uint64 blockNumber);
    function enqueueDeposit(address sender, bytes calldata data) external returns (uint256 index);
}

interface ISequencerInbox {
    function batchCount() external view returns (uint256);
    function headAccumulator() external view returns (bytes32);
    function accumulatorOf(uint256 batchIndex) external view returns (bytes32);
    function lastBatchTime() external view returns (uint64);
    function delayedConsumed() external view returns (uint64);
}

interface IStateCommitment {
    function lastFinalized() external view returns (bool exists, uint256 index);
    function lastFinalizedTime() external view returns (uint64);
    function roots(uint256 index) external view returns (bytes32 exitRoot, bytes32 identityRoot, bool finalized);
    function finalizedAt(uint256 index, uint64 at) external view returns (bool);
}
