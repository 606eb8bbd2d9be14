// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Sla, ISlaConfig, ISequencerSet, ISequencerInbox, IExitController} from "../interfaces/IRollup.sol";

/// @title SequencerSet
/// @notice Answers "is there a fallback sequencer": one primary and ranked hot standbys. Every member
///         heartbeats the accumulator it has synced. A standby of rank k may claim the active role once the
///         active sequencer has been silent for longer than `failoverDelay * k`, and only if its own
///         heartbeat is fresh and names the current head (proof of readiness). The active role is the
///         fencing token: only the active sequencer may post batches, so two can never post at once.
contract SequencerSet is ISequencerSet {
    /// @notice Upper bound on the ranked list (primary plus standbys).
    uint256 public constant MAX_SEQUENCERS = 9;

    /// @notice Why the active role moved.
    enum Change {
        Genesis,
        Failover,
        Handover,
        Governance
    }

    struct Beat {
        bytes32 accumulator;
        uint64 at;
    }

    address public immutable governor;
    ISlaConfig public immutable slaConfig;
    IExitController public immutable exitController;
    address private immutable _deployer;
    ISequencerInbox public inbox;

    address[] private _ranked;
    mapping(address => uint256) private _rankPlusOne;
    /// @notice The one sequencer allowed to post batches.
    address public active;
    /// @notice When the current active sequencer took the role.
    uint64 public activeSince;
    /// @notice Each member's latest heartbeat.
    mapping(address member => Beat) public lastHeartbeat;

    /// @notice The active role moved.
    event ActiveChanged(address indexed previous, address indexed next, Change indexed reason, uint64 silentFor);
    /// @notice The ranked list changed (index = rank; 0 is the primary).
    event SequencersChanged(address[] ranked);
    /// @notice A member reported the accumulator it has synced.
    event Heartbeat(address indexed member, bytes32 accumulator, bool isActive);
    /// @notice The inbox was wired.
    event InboxSet(address inbox);

    error NotGovernor();
    error NotMember(address who);
    error NotActive(address who);
    error AlreadyActive(address who);
    error InExit();
    error NotWired();
    error NotDeployer();
    error AlreadyWired();
    error BadSequencerList(uint256 index, address who);
    /// @notice The active sequencer has not been silent long enough for this rank.
    error ActiveNotSilent(uint64 silentFor, uint64 required);
    /// @notice The claimant's heartbeat is stale or does not name the current head.
    error NotReady(address who, bytes32 heartbeatAccumulator, bytes32 head, uint64 heartbeatAge);

    /// @param governor_ the ExitController (council through the timelock)
    /// @param ranked primary first, then standbys by rank
    constructor(address governor_, ISlaConfig sla, IExitController exitController_, address[] memory ranked) {
        governor = governor_;
        slaConfig = sla;
        exitController = exitController_;
        _deployer = msg.sender;
        _replace(ranked);
        active = ranked[0];
        activeSince = uint64(block.timestamp);
        emit ActiveChanged(address(0), ranked[0], Change.Genesis, 0);
    }

    /// @notice Wires the inbox whose head the readiness proof names; once, by the deployer.
    function setInbox(ISequencerInbox inbox_) external {
        if (msg.sender != _deployer) revert NotDeployer();
        if (address(inbox) != address(0)) revert AlreadyWired();
        inbox = inbox_;
        emit InboxSet(address(inbox_));
    }

    /// @notice Records the accumulator the caller has synced. Renews the active sequencer's lease.
    function heartbeat(bytes32 syncedAccumulator) external {
        if (_rankPlusOne[msg.sender] == 0) revert NotMember(msg.sender);
        lastHeartbeat[msg.sender] = Beat(syncedAccumulator, uint64(block.timestamp));
        emit Heartbeat(msg.sender, syncedAccumulator, msg.sender == active);
    }

    /// @notice Failover: a ready standby takes the active role after the rank's silence delay.
    function claimActive() external {
        if (exitController.inExit()) revert InExit();
        address prev = active;
        if (msg.sender == prev) revert AlreadyActive(msg.sender);
        uint256 rank = _rankPlusOne[msg.sender];
        if (rank == 0) revert NotMember(msg.sender);
        rank -= 1;
        if (rank == 0) rank = 1; // a primary reclaiming waits like rank 1
        Sla memory s = slaConfig.getSla();
        uint64 silent = silentFor();
        uint64 required = uint64(s.failoverDelay * rank);
        if (silent <= required) revert ActiveNotSilent(silent, required);
        _requireReady(msg.sender, s);
        _setActive(msg.sender, Change.Failover, silent);
    }

    /// @notice Planned move of the active role to a ready member; only the active sequencer.
    function handover(address to) external {
        if (exitController.inExit()) revert InExit();
        if (msg.sender != active) revert NotActive(msg.sender);
        if (_rankPlusOne[to] == 0) revert NotMember(to);
        if (to == msg.sender) revert AlreadyActive(to);
        _requireReady(to, slaConfig.getSla());
        _setActive(to, Change.Handover, 0);
    }

    /// @notice Replaces the ranked list; only the governor (council through the timelock). Frozen in exit mode.
    /// @dev If the active sequencer is not in the new list, the new primary becomes active.
    function setSequencers(address[] calldata ranked) external {
        if (msg.sender != governor) revert NotGovernor();
        if (exitController.inExit()) revert InExit();
        _replace(ranked);
        if (_rankPlusOne[active] == 0) _setActive(ranked[0], Change.Governance, silentFor());
    }

    /// @notice The ranked list: index 0 is the primary, index k the standby of rank k.
    function sequencers() external view returns (address[] memory) {
        return _ranked;
    }

    /// @notice The rank of `who` (0 = primary); reverts for non-members.
    function rankOf(address who) external view returns (uint256) {
        uint256 r = _rankPlusOne[who];
        if (r == 0) revert NotMember(who);
        return r - 1;
    }

    /// @notice The latest sign of life of the active sequencer: role taken, heartbeat or batch.
    function lastActiveSignal() public view returns (uint64 t) {
        if (address(inbox) == address(0)) revert NotWired();
        t = activeSince;
        uint64 hb = lastHeartbeat[active].at;
        if (hb > t) t = hb;
        uint64 lb = inbox.lastBatchTime();
        if (lb > t) t = lb;
    }

    /// @notice Seconds since the active sequencer's last sign of life.
    function silentFor() public view returns (uint64) {
        return uint64(block.timestamp) - lastActiveSignal();
    }

    /// @notice Whether `who` could prove readiness now: fresh heartbeat naming the current head.
    function isReady(address who) public view returns (bool) {
        Beat memory b = lastHeartbeat[who];
        Sla memory s = slaConfig.getSla();
        return b.at != 0 && block.timestamp - b.at <= s.heartbeatWindow && b.accumulator == inbox.headAccumulator();
    }

    function _requireReady(address who, Sla memory s) private view {
        Beat memory b = lastHeartbeat[who];
        bytes32 head = inbox.headAccumulator();
        uint64 age = b.at == 0 ? type(uint64).max : uint64(block.timestamp) - b.at;
        if (b.at == 0 || age > s.heartbeatWindow || b.accumulator != head) {
            revert NotReady(who, b.accumulator, head, age);
        }
    }

    function _setActive(address next, Change reason, uint64 silent) private {
        address prev = active;
        active = next;
        activeSince = uint64(block.timestamp);
        emit ActiveChanged(prev, next, reason, silent);
    }

    function _replace(address[] memory ranked) private {
        uint256 n = ranked.length;
        if (n == 0 || n > MAX_SEQUENCERS) revert BadSequencerList(n, address(0));
        for (uint256 i = 0; i < _ranked.length; ++i) _rankPlusOne[_ranked[i]] = 0;
        delete _ranked;
        for (uint256 i = 0; i < n; ++i) {
            address s = ranked[i];
            if (s == address(0) || _rankPlusOne[s] != 0) revert BadSequencerList(i, s);
            _rankPlusOne[s] = i + 1;
            _ranked.push(s);
        }
        emit SequencersChanged(ranked);
    }
}
