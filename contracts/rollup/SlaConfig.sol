// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {NotGovernor} from "../libraries/Errors.sol";
import {Sla, ISlaConfig} from "./ISlaConfig.sol";

/// @title SlaConfig
/// @notice Answers "what is the recovery window": every SLA figure is an on-chain parameter, readable in
///         one call (`getSla`), changeable only by the council through its timelock, and always within
///         hard bounds compiled into this contract.
contract SlaConfig is ISlaConfig {
    /// @notice Lowest allowed standby failover delay.
    uint64 public constant MIN_FAILOVER_DELAY = 1 minutes;
    /// @notice Highest allowed standby failover delay.
    uint64 public constant MAX_FAILOVER_DELAY = 1 hours;
    /// @notice Lowest allowed heartbeat freshness window.
    uint64 public constant MIN_HEARTBEAT_WINDOW = 1 minutes;
    /// @notice Highest allowed heartbeat freshness window.
    uint64 public constant MAX_HEARTBEAT_WINDOW = 1 hours;
    /// @notice Lowest allowed forced-inclusion window, in seconds.
    uint64 public constant MIN_INCLUSION_WINDOW = 10 minutes;
    /// @notice Highest allowed forced-inclusion window, in seconds.
    uint64 public constant MAX_INCLUSION_WINDOW = 24 hours;
    /// @notice Lowest allowed forced-inclusion window, in L1 blocks (10 minutes at 12 s).
    uint64 public constant MIN_INCLUSION_BLOCKS = 50;
    /// @notice Highest allowed forced-inclusion window, in L1 blocks (24 hours at 12 s).
    uint64 public constant MAX_INCLUSION_BLOCKS = 7200;
    /// @notice Lowest allowed downtime before the automatic exit (also at least `MAX_RANK` failover delays).
    uint64 public constant MIN_MAX_DOWNTIME = 1 hours;
    /// @notice Highest allowed downtime before the automatic exit.
    uint64 public constant MAX_MAX_DOWNTIME = 7 days;
    /// @notice Lowest allowed veto window before a commitment is final.
    uint64 public constant MIN_FINALITY_DELAY = 0;
    /// @notice Highest allowed veto window before a commitment is final.
    uint64 public constant MAX_FINALITY_DELAY = 7 days;
    /// @notice Lowest allowed time without finality before the automatic exit (also at least the veto window plus 1 hour).
    uint64 public constant MIN_MAX_FINALITY_DELAY = 2 hours;
    /// @notice Highest allowed time without finality before the automatic exit.
    uint64 public constant MAX_MAX_FINALITY_DELAY = 14 days;
    /// @notice Standby ranks the failover rule supports.
    uint64 public constant MAX_RANK = 8;

    /// @inheritdoc ISlaConfig
    address public immutable governor;
    Sla private _sla;

    /// @notice Deploys the SLA with its starting parameters.
    /// @param governor_ the governance timelock (CouncilTimelock)
    /// @param initial the starting SLA, within bounds
    constructor(address governor_, Sla memory initial) {
        governor = governor_;
        _set(initial);
    }

    /// @inheritdoc ISlaConfig
    function getSla() external view returns (Sla memory) {
        return _sla;
    }

    /// @inheritdoc ISlaConfig
    function setSla(Sla calldata sla) external {
        if (msg.sender != governor) revert NotGovernor(msg.sender);
        _set(sla);
    }

    /// @inheritdoc ISlaConfig
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
