// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

import {ICouncilTimelock} from "./ICouncilTimelock.sol";

/// @title CouncilTimelock
/// @notice The governance timelock of the rollup: OpenZeppelin's `TimelockController` with the `ExitController`
///         (M-of-N council signatures) as its only proposer and canceller, open execution, no admin, and a delay
///         that stays within compiled bounds. Every governed contract (SLA, sequencers, validators, council, issuer
///         registry) names this contract as its governor.
contract CouncilTimelock is TimelockController, ICouncilTimelock {
    /// @notice Minimum delay on a public network (L2BEAT Stage 1 exit window).
    uint256 public constant MIN_DELAY = 7 days;
    /// @notice Maximum delay.
    uint256 public constant MAX_DELAY = 30 days;
    /// @notice Chain id of the embedded and localhost networks, where a shorter delay is allowed.
    uint256 public constant LOCAL_CHAIN_ID = 31337;

    /// @notice Deploys the timelock.
    /// @param minDelay the starting delay, within bounds
    /// @param proposer the ExitController, the only proposer and canceller
    constructor(
        uint256 minDelay,
        address proposer
    ) TimelockController(minDelay, _single(proposer), _single(address(0)), address(0)) {
        _checkDelay(minDelay);
    }

    /// @notice Changes the delay, within bounds; only the timelock itself (a scheduled operation).
    /// @param newDelay the new delay
    function updateDelay(uint256 newDelay) public override {
        if (msg.sender != address(this)) revert TimelockUnauthorizedCaller(msg.sender);
        _checkDelay(newDelay);
        super.updateDelay(newDelay);
    }

    /// @inheritdoc ICouncilTimelock
    function minAllowedDelay() public view returns (uint256) {
        return block.chainid == LOCAL_CHAIN_ID ? 0 : MIN_DELAY;
    }

    function _checkDelay(uint256 delay) private view {
        uint256 min = minAllowedDelay();
        if (delay < min || delay > MAX_DELAY) revert DelayOutOfBounds(delay, min, MAX_DELAY);
    }

    function _single(address a) private pure returns (address[] memory list) {
        list = new address[](1);
        list[0] = a;
    }
}
