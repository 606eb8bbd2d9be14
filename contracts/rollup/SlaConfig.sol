// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Sla, ISlaConfig} from "../interfaces/IRollup.sol";

/// @title SlaConfig
/// @notice Answers "what is the recovery window": every SLA figure is an on-chain parameter, readable in
///         one call (`getSla`), changeable only by the council through its timelock, and always within
///         hard bounds compiled into this contract.
contract SlaConfig is ISlaConfig {
    uint64 public constant MIN_FAILOVER_DELAY = 1 minutes;
    uint64 public constant MAX_FAILOVER_DELAY = 1 hours;
    uint64 public constant MIN_HEARTBEAT_WINDOW = 1 minutes;
    uint64 public constant MAX_HEARTBEAT_WINDOW = 1 hours;
    uint64 public constant MIN_INCLUSION_WINDOW = 10 minutes;
    uint64 public constant MAX_INCLUSION_WINDOW = 24 hours;
    /// @dev Blocks at 12 s: 10 minutes to 24 hours.
    uint64 public constant MIN_INCLUSION_BLOCKS = 50;
    uint64 public constant MAX_INCLUSION_BLOCKS = 7200;
    uint64 public constant MIN_MAX_DOWNTIME = 1 hours;
    uint64 public constant MAX_MAX_DOWNTIME = 7 days;
    uint64 public constant MIN_FINALITY_DELAY = 0;
    uint64 public constant MAX_FINALITY_DELAY = 7 days;
    uint64 public constant MIN_MAX_FINALITY_DELAY = 2 hours;
    uint64 public constant MAX_MAX_FINALITY_DELAY = 14 days;
    /// @notice Standby ranks the failover rule supports.
    uint64 public constant MAX_RANK = 8;

    /// @notice The governor (ExitController), which calls through its timelock.
    address public immutable governor;
    Sla private _sla;

    /// @notice The SLA changed.
    event SlaUpdated(Sla sla);

    error NotGovernor();
    /// @notice `field` is outside its compiled bounds [min, max].
    error SlaOutOfBounds(string field, uint256 value, uint256 min, uint256 max);

    /// @param governor_ the ExitController
    /// @param initial the starting SLA, within bounds
    constructor(address governor_, Sla memory initial) {
        governor = governor_;
        _set(initial);
    }

    /// @notice Every SLA parameter in one call.
    function getSla() external view returns (Sla memory) {
        return _sla;
    }

    /// @notice Replaces the SLA. Only the governor, i.e. the council through the timelock.
    function setSla(Sla calldata sla) external {
        if (msg.sender != governor) revert NotGovernor();
        _set(sla);
    }

    /// @notice Reverts unless every field of `s` lies within its compiled bounds and the fields are coherent.
    function validate(Sla memory s) public pure {
        _check("failoverDelay", s.failoverDelay, MIN_FAILOVER_DELAY, MAX_FAILOVER_DELAY);
        _check("heartbeatWindow", s.heartbeatWindow, MIN_HEARTBEAT_WINDOW, MAX_HEARTBEAT_WINDOW);
        _check("inclusionWindow", s.inclusionWindow, MIN_INCLUSION_WINDOW, MAX_INCLUSION_WINDOW);
        _check("inclusionWindowBlocks", s.inclusionWindowBlocks, MIN_INCLUSION_BLOCKS, MAX_INCLUSION_BLOCKS);
        // The whole standby chain must get its turn before the downtime exit opens.
        uint256 minDowntime = s.failoverDelay * MAX_RANK;
        if (minDowntime < MIN_MAX_DOWNTIME) minDowntime = MIN_MAX_DOWNTIME;
        _check("maxDowntime", s.maxDowntime, minDowntime, MAX_MAX_DOWNTIME);
        _check("finalityDelay", s.finalityDelay, MIN_FINALITY_DELAY, MAX_FINALITY_DELAY);
        // A commitment must have time to pass its veto window before the finality exit opens.
        uint256 minFinality = uint256(s.finalityDelay) + 1 hours;
        if (minFinality < MIN_MAX_FINALITY_DELAY) minFinality = MIN_MAX_FINALITY_DELAY;
        _check("maxFinalityDelay", s.maxFinalityDelay, minFinality, MAX_MAX_FINALITY_DELAY);
    }

    function _set(Sla memory s) private {
        validate(s);
        _sla = s;
        emit SlaUpdated(s);
    }

    function _check(string memory field, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert SlaOutOfBounds(field, value, min, max);
    }
}
