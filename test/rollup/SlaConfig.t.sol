// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {RollupFixture} from "./RollupFixture.sol";
import {Sla} from "../../contracts/interfaces/IRollup.sol";
import {SlaConfig} from "../../contracts/rollup/SlaConfig.sol";
import {ExitController} from "../../contracts/rollup/ExitController.sol";

/// @notice Rule 6: SLA parameters always within the compiled bounds; the governance timelock's 7-day floor.
contract SlaConfigTest is RollupFixture {
    struct Seeds {
        uint64 failover;
        uint64 heartbeat;
        uint64 inclusion;
        uint64 inclusionBlocks;
        uint64 downtime;
        uint64 maxFinality;
        uint64 finality;
    }

    /// @dev Values spread around each field's bounds (about a quarter of runs fall outside).
    function _around(uint64 seed, uint256 min, uint256 max) private pure returns (uint64) {
        uint256 span = max - min;
        uint256 lo = min > span / 4 ? min - span / 4 : 0;
        return uint64(bound(seed, lo, max + span / 4));
    }

    function _sla(Seeds memory x) private pure returns (Sla memory s) {
        s.failoverDelay = _around(x.failover, 1 minutes, 1 hours);
        s.heartbeatWindow = _around(x.heartbeat, 1 minutes, 1 hours);
        s.inclusionWindow = _around(x.inclusion, 10 minutes, 24 hours);
        s.inclusionWindowBlocks = _around(x.inclusionBlocks, 50, 7200);
        s.maxDowntime = _around(x.downtime, 1 hours, 7 days);
        s.finalityDelay = _around(x.finality, 0, 7 days);
        s.maxFinalityDelay = _around(x.maxFinality, 2 hours, 14 days);
    }

    /// @dev Independent model of the bounds: the revert data of the first violated field, or empty.
    function _expectedError(Sla memory s) private pure returns (bytes memory) {
        bytes4 sel = SlaConfig.SlaOutOfBounds.selector;
        if (s.failoverDelay < 60 || s.failoverDelay > 3600) {
            return abi.encodeWithSelector(sel, "failoverDelay", uint256(s.failoverDelay), 60, 3600);
        }
        if (s.heartbeatWindow < 60 || s.heartbeatWindow > 3600) {
            return abi.encodeWithSelector(sel, "heartbeatWindow", uint256(s.heartbeatWindow), 60, 3600);
        }
        if (s.inclusionWindow < 600 || s.inclusionWindow > 86400) {
            return abi.encodeWithSelector(sel, "inclusionWindow", uint256(s.inclusionWindow), 600, 86400);
        }
        if (s.inclusionWindowBlocks < 50 || s.inclusionWindowBlocks > 7200) {
            return abi.encodeWithSelector(sel, "inclusionWindowBlocks", uint256(s.inclusionWindowBlocks), 50, 7200);
        }
        uint256 minDown = uint256(s.failoverDelay) * 8 > 3600 ? uint256(s.failoverDelay) * 8 : 3600;
        if (s.maxDowntime < minDown || s.maxDowntime > 7 days) {
            return abi.encodeWithSelector(sel, "maxDowntime", uint256(s.maxDowntime), minDown, 7 days);
        }
        if (s.finalityDelay > 7 days) {
            return abi.encodeWithSelector(sel, "finalityDelay", uint256(s.finalityDelay), 0, 7 days);
        }
        uint256 minFin = uint256(s.finalityDelay) + 1 hours > 2 hours ? uint256(s.finalityDelay) + 1 hours : 2 hours;
        if (s.maxFinalityDelay < minFin || s.maxFinalityDelay > 14 days) {
            return abi.encodeWithSelector(sel, "maxFinalityDelay", uint256(s.maxFinalityDelay), minFin, 14 days);
        }
        return "";
    }

    function _assertInBounds(Sla memory s) private pure {
        vm.assertGe(s.failoverDelay, 1 minutes, "failoverDelay min");
        vm.assertLe(s.failoverDelay, 1 hours, "failoverDelay max");
        vm.assertGe(s.heartbeatWindow, 1 minutes, "heartbeatWindow min");
        vm.assertLe(s.heartbeatWindow, 1 hours, "heartbeatWindow max");
        vm.assertGe(s.inclusionWindow, 10 minutes, "inclusionWindow min");
        vm.assertLe(s.inclusionWindow, 24 hours, "inclusionWindow max");
        vm.assertGe(s.inclusionWindowBlocks, 50, "blocks min");
        vm.assertLe(s.inclusionWindowBlocks, 7200, "blocks max");
        vm.assertGe(s.maxDowntime, uint256(s.failoverDelay) * 8, "downtime vs standby chain");
        vm.assertGe(s.maxDowntime, 1 hours, "downtime min");
        vm.assertLe(s.maxDowntime, 7 days, "downtime max");
        vm.assertLe(s.finalityDelay, 7 days, "finality max");
        vm.assertGe(s.maxFinalityDelay, uint256(s.finalityDelay) + 1 hours, "maxFinality vs finality");
        vm.assertGe(s.maxFinalityDelay, 2 hours, "maxFinality min");
        vm.assertLe(s.maxFinalityDelay, 14 days, "maxFinality max");
    }

    function _eq(Sla memory a, Sla memory b) private pure returns (bool) {
        return keccak256(abi.encode(a)) == keccak256(abi.encode(b));
    }

    function testFuzz_constructorRejectsIffOutOfBounds(Seeds memory x) external {
        Sla memory s = _sla(x);
        bytes memory err = _expectedError(s);
        if (err.length != 0) vm.expectRevert(err);
        SlaConfig c = new SlaConfig(address(ec), s);
        if (err.length == 0) {
            _assertInBounds(c.getSla());
            vm.assertTrue(_eq(c.getSla(), s), "stored");
        }
    }

    function testFuzz_setSlaRejectsIffOutOfBounds(Seeds memory x) external {
        Sla memory s = _sla(x);
        Sla memory before = slaConfig.getSla();
        bytes memory err = _expectedError(s);
        if (err.length != 0) vm.expectRevert(err);
        vm.prank(address(ec));
        slaConfig.setSla(s);
        Sla memory got = slaConfig.getSla();
        _assertInBounds(got);
        vm.assertTrue(_eq(got, err.length == 0 ? s : before), "getSla after setSla");
    }

    /// @dev Fully unconstrained values: getSla() is always within bounds afterwards.
    function testFuzz_setSlaRawAlwaysInBounds(Sla memory s) external {
        vm.prank(address(ec));
        try slaConfig.setSla(s) {
            vm.assertEq(_expectedError(s).length, 0, "accepted out-of-bounds SLA");
        } catch (bytes memory reason) {
            vm.assertEq(keccak256(reason), keccak256(_expectedError(s)), "wrong revert");
        }
        _assertInBounds(slaConfig.getSla());
    }

    function testFuzz_setSlaOnlyGovernor(address who) external {
        vm.assume(who != address(ec));
        Sla memory s = defaultSla();
        vm.prank(who);
        vm.expectRevert(SlaConfig.NotGovernor.selector);
        slaConfig.setSla(s);
    }

    /// @dev The full path: council schedules setSla, the timelock passes, anyone executes.
    function test_setSlaThroughTimelock() external {
        Sla memory s = defaultSla();
        s.failoverDelay = 2 minutes;
        bytes memory data = abi.encodeCall(SlaConfig.setSla, (s));
        uint256 nonce = 77;
        uint256 deadline = block.timestamp + 1 days;
        bytes32 sh = keccak256(
            abi.encode(ec.SCHEDULE_TYPEHASH(), address(slaConfig), keccak256(data), nonce, deadline)
        );
        bytes32 id = ec.schedule(address(slaConfig), data, nonce, deadline, councilSigs(msig, ecDigest(sh), 0x1c));
        uint256 eta = block.timestamp + ec.timelockDelay();
        vm.warp(eta - 1);
        vm.expectRevert(abi.encodeWithSelector(ExitController.OperationNotReady.selector, id, eta));
        ec.execute(address(slaConfig), data, nonce);
        vm.warp(eta);
        ec.execute(address(slaConfig), data, nonce);
        vm.assertEq(slaConfig.getSla().failoverDelay, 2 minutes, "applied");
    }

    // ------------------------------------------------------------------ timelock floor

    function testFuzz_timelockFloorByChain(uint64 chainId, uint32 delaySeed) external {
        chainId = uint64(bound(chainId, 1, type(uint64).max / 2));
        if (delaySeed % 3 == 0) chainId = 31337;
        vm.chainId(chainId);
        uint256 delay = bound(delaySeed, 0, 40 days);
        uint256 min = chainId == 31337 ? 0 : 7 days;
        bool ok = delay >= min && delay <= 30 days;
        if (!ok) {
            vm.expectRevert(abi.encodeWithSelector(ExitController.TimelockOutOfBounds.selector, delay, min, 30 days));
        }
        ExitController c = new ExitController(councilMembers, COUNCIL_THRESHOLD, delay);
        if (ok) vm.assertEq(c.timelockDelay(), delay, "delay");
    }

    function test_publicChainNeedsSevenDays() external {
        vm.chainId(1);
        vm.expectRevert(
            abi.encodeWithSelector(ExitController.TimelockOutOfBounds.selector, 7 days - 1, 7 days, 30 days)
        );
        new ExitController(councilMembers, COUNCIL_THRESHOLD, 7 days - 1);
        ExitController c = new ExitController(councilMembers, COUNCIL_THRESHOLD, 7 days);
        vm.assertEq(c.timelockDelay(), 7 days, "7 days ok");
    }

    /// @dev Lowering the timelock below 7 days through governance fails on a public chain (the inner call reverts).
    function testFuzz_setTimelockDelayFloor(uint32 delaySeed) external {
        uint256 delay = bound(delaySeed, 0, 31 days);
        vm.chainId(1);
        // On chain 1 the fixture's 1-hour delay could not be deployed; deploy a compliant controller.
        ExitController c = new ExitController(councilMembers, COUNCIL_THRESHOLD, 7 days);
        vm.prank(address(c));
        if (delay < 7 days || delay > 30 days) {
            vm.expectRevert(
                abi.encodeWithSelector(ExitController.TimelockOutOfBounds.selector, delay, 7 days, 30 days)
            );
        }
        c.setTimelockDelay(delay);
        vm.expectRevert(ExitController.NotSelf.selector);
        c.setTimelockDelay(8 days);
    }
}
