// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title ISequencerSet
/// @notice One primary and ranked hot standbys. A standby of rank k may claim the active role once the active
///         sequencer has been silent for longer than `failoverDelay * k`, and only with a fresh heartbeat that names
///         a sync point of the inbox (proof of readiness). The active role is the fencing token: only the active
///         sequencer may post batches.
interface ISequencerSet {
    /// @notice Why the active role moved.
    enum Change {
        /// @notice the primary at deployment
        Genesis,
        /// @notice a ready standby claimed it after the active sequencer fell silent
        Failover,
        /// @notice the active sequencer handed it over
        Handover,
        /// @notice governance removed the active sequencer from the list
        Governance
    }

    /// @notice A member's latest heartbeat.
    struct Beat {
        /// @notice the inbox accumulator the member has synced
        bytes32 accumulator;
        /// @notice when it reported it
        uint64 at;
    }

    /// @notice The active role moved.
    /// @param previous the former active sequencer
    /// @param next the new active sequencer
    /// @param reason why it moved
    /// @param silentFor how long the former active sequencer had been silent
    event ActiveChanged(address indexed previous, address indexed next, Change indexed reason, uint64 silentFor);
    /// @notice The ranked list changed (index = rank; 0 is the primary).
    /// @param ranked the new list
    event SequencersChanged(address[] ranked);
    /// @notice A member reported the accumulator it has synced.
    /// @param member who reported
    /// @param accumulator what it has synced
    /// @param isActive whether it holds the active role
    event Heartbeat(address indexed member, bytes32 accumulator, bool isActive);

    /// @notice `who` is not in the ranked list.
    /// @param who the account
    error NotMember(address who);
    /// @notice Only the active sequencer may do this.
    /// @param who the account that called
    error NotActive(address who);
    /// @notice `who` already holds the active role.
    /// @param who the account
    error AlreadyActive(address who);
    /// @notice The list is empty, too long, or entry `index` is zero or a duplicate.
    /// @param index the offending index (or the length)
    /// @param who the offending entry
    error BadSequencerList(uint256 index, address who);
    /// @notice The active sequencer has not been silent long enough for this rank.
    /// @param silentFor how long it has been silent
    /// @param required how long this rank must wait
    error ActiveNotSilent(uint64 silentFor, uint64 required);
    /// @notice The claimant's heartbeat is stale or does not name a sync point of the inbox.
    /// @param who the claimant
    /// @param heartbeatAccumulator what its last heartbeat named
    /// @param head the inbox head
    /// @param heartbeatAge how old its last heartbeat is (max for never)
    error NotReady(address who, bytes32 heartbeatAccumulator, bytes32 head, uint64 heartbeatAge);

    /// @notice The governance timelock, the only account that may change the list.
    /// @return the governor's address
    function governor() external view returns (address);

    /// @notice The one sequencer allowed to post batches.
    /// @return the active sequencer
    function active() external view returns (address);

    /// @notice When the current active sequencer took the role.
    /// @return the L1 time
    function activeSince() external view returns (uint64);

    /// @notice A member's latest heartbeat.
    /// @param member the member
    /// @return accumulator what it named
    /// @return at when
    function lastHeartbeat(address member) external view returns (bytes32 accumulator, uint64 at);

    /// @notice Records the accumulator the caller has synced: a standby's proof of readiness, and the active
    ///         sequencer's sign of life as long as it is backed by a batch within the heartbeat window.
    /// @param syncedAccumulator the inbox accumulator the caller has applied
    function heartbeat(bytes32 syncedAccumulator) external;

    /// @notice Failover: a ready standby takes the active role after its rank's silence delay.
    function claimActive() external;

    /// @notice Planned move of the active role to a ready member; only the active sequencer.
    /// @param to the member taking over
    function handover(address to) external;

    /// @notice Replaces the ranked list; only the governor. Frozen in exit mode. The active role stays with the
    ///         active sequencer while it is in the new list, whatever its rank; if it is not, the new primary
    ///         becomes active.
    /// @param ranked the new list: primary first, then standbys by rank
    function setSequencers(address[] calldata ranked) external;

    /// @notice The ranked list: index 0 is the primary, index k the standby of rank k.
    /// @return the list
    function sequencers() external view returns (address[] memory);

    /// @notice The rank of `who` (0 = primary); reverts for non-members.
    /// @param who the member
    /// @return its rank
    function rankOf(address who) external view returns (uint256);

    /// @notice The latest sign of life of the active sequencer: taking the role, a batch, or a heartbeat no later
    ///         than `heartbeatWindow` after the later of those two. A bare heartbeat never keeps a silent poster in
    ///         place.
    /// @return t the L1 time
    function lastActiveSignal() external view returns (uint64 t);

    /// @notice Seconds since the active sequencer's last sign of life.
    /// @return the silence
    function silentFor() external view returns (uint64);

    /// @notice Whether `who` could prove readiness now: a fresh heartbeat naming a sync point of the inbox.
    /// @param who the member
    /// @return whether it is ready
    function isReady(address who) external view returns (bool);
}
