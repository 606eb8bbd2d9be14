// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {InExit, NotGovernor} from "../libraries/Errors.sol";
import {Sla, ISlaConfig} from "./ISlaConfig.sol";
import {ISequencerSet} from "./ISequencerSet.sol";
import {ISequencerInbox} from "./ISequencerInbox.sol";
import {IExitController} from "./IExitController.sol";

/// @title SequencerSet
/// @notice Answers "is there a fallback sequencer": one primary and ranked hot standbys. Every member
///         heartbeats the accumulator it has synced. A standby of rank k may claim the active role once the
///         active sequencer has been silent for longer than `failoverDelay * k`, and only if its own
///         heartbeat is fresh and names the current head (proof of readiness). The active role is the
///         fencing token: only the active sequencer may post batches, so two can never post at once.
contract SequencerSet is ISequencerSet {
    /// @notice Upper bound on the ranked list (primary plus standbys).
    uint256 public constant MAX_SEQUENCERS = 9;

    /// @inheritdoc ISequencerSet
    address public immutable governor;
    /// @notice The SLA (failover delay, heartbeat window).
    ISlaConfig public immutable slaConfig;
    /// @notice The exit controller, whose exit mode freezes the role.
    IExitController public immutable exitController;
    /// @notice The inbox whose sync points the readiness proof names.
    ISequencerInbox public immutable inbox;

    address[] private _ranked;
    mapping(address => uint256) private _rankPlusOne;
    /// @inheritdoc ISequencerSet
    address public active;
    /// @inheritdoc ISequencerSet
    uint64 public activeSince;
    /// @inheritdoc ISequencerSet
    mapping(address member => Beat) public lastHeartbeat;

    /// @notice Deploys the set with the primary active; every reference is fixed at deployment.
    /// @param governor_ the governance timelock (CouncilTimelock)
    /// @param sla the SLA
    /// @param exitController_ the exit controller
    /// @param inbox_ the sequencer inbox
    /// @param ranked primary first, then standbys by rank
    constructor(
        address governor_,
        ISlaConfig sla,
        IExitController exitController_,
        ISequencerInbox inbox_,
        address[] memory ranked
    ) {
        governor = governor_;
        slaConfig = sla;
        exitController = exitController_;
        inbox = inbox_;
        _replace(ranked);
        active = ranked[0];
        activeSince = uint64(block.timestamp);
        emit ActiveChanged(address(0), ranked[0], Change.Genesis, 0);
    }

    /// @inheritdoc ISequencerSet
    function heartbeat(bytes32 syncedAccumulator) external {
        if (_rankPlusOne[msg.sender] == 0) revert NotMember(msg.sender);
        lastHeartbeat[msg.sender] = Beat(syncedAccumulator, uint64(block.timestamp));
        emit Heartbeat(msg.sender, syncedAccumulator, msg.sender == active);
    }

    /// @inheritdoc ISequencerSet
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

    /// @inheritdoc ISequencerSet
    function handover(address to) external {
        if (exitController.inExit()) revert InExit();
        if (msg.sender != active) revert NotActive(msg.sender);
        if (_rankPlusOne[to] == 0) revert NotMember(to);
        if (to == msg.sender) revert AlreadyActive(to);
        _requireReady(to, slaConfig.getSla());
        _setActive(to, Change.Handover, 0);
    }

    /// @inheritdoc ISequencerSet
    function setSequencers(address[] calldata ranked) external {
        if (msg.sender != governor) revert NotGovernor(msg.sender);
        if (exitController.inExit()) revert InExit();
        _replace(ranked);
        if (_rankPlusOne[active] == 0) _setActive(ranked[0], Change.Governance, silentFor());
    }

    /// @inheritdoc ISequencerSet
    function sequencers() external view returns (address[] memory) {
        return _ranked;
    }

    /// @inheritdoc ISequencerSet
    function rankOf(address who) external view returns (uint256) {
        uint256 r = _rankPlusOne[who];
        if (r == 0) revert NotMember(who);
        return r - 1;
    }

    /// @inheritdoc ISequencerSet
    function lastActiveSignal() public view returns (uint64 t) {
        t = activeSince;
        uint64 lb = inbox.lastBatchTime();
        if (lb > t) t = lb;
        // A heartbeat is a sign of life only while it is backed by progress (a batch, or taking the role): a
        // sequencer whose poster died but whose heartbeat runs on must not hold the role.
        uint64 hb = lastHeartbeat[active].at;
        uint64 backedUntil = t + slaConfig.getSla().heartbeatWindow;
        if (hb > backedUntil) hb = backedUntil;
        if (hb > t) t = hb;
    }

    /// @inheritdoc ISequencerSet
    function silentFor() public view returns (uint64) {
        return uint64(block.timestamp) - lastActiveSignal();
    }

    /// @inheritdoc ISequencerSet
    function isReady(address who) public view returns (bool) {
        return _isReady(lastHeartbeat[who], slaConfig.getSla());
    }

    function _isReady(Beat memory b, Sla memory s) private view returns (bool) {
        return b.at != 0 && block.timestamp - b.at <= s.heartbeatWindow && inbox.isSyncPoint(b.accumulator);
    }

    function _requireReady(address who, Sla memory s) private view {
        Beat memory b = lastHeartbeat[who];
        if (!_isReady(b, s)) {
            uint64 age = b.at == 0 ? type(uint64).max : uint64(block.timestamp) - b.at;
            revert NotReady(who, b.accumulator, inbox.headAccumulator(), age);
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
