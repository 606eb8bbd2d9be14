// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {RollupFixture} from "./RollupFixture.sol";
import {NotGovernor} from "../../contracts/libraries/Errors.sol";
import {ThresholdSig} from "../../contracts/libraries/ThresholdSig.sol";
import {Sla} from "../../contracts/rollup/ISlaConfig.sol";
import {SlaConfig} from "../../contracts/rollup/SlaConfig.sol";
import {ExitController} from "../../contracts/rollup/ExitController.sol";
import {IExitController} from "../../contracts/rollup/IExitController.sol";
import {CouncilTimelock} from "../../contracts/rollup/CouncilTimelock.sol";
import {ICouncilTimelock} from "../../contracts/rollup/ICouncilTimelock.sol";

/// @notice Governance through the council's OpenZeppelin timelock: schedule with council signatures, wait, anyone
///         executes; cancel; nonces; delay bounds; moving the council.
contract GovernanceTest is RollupFixture {
    uint8 internal constant UNSET = uint8(TimelockController.OperationState.Unset);
    uint8 internal constant WAITING = uint8(TimelockController.OperationState.Waiting);
    uint8 internal constant READY = uint8(TimelockController.OperationState.Ready);
    uint8 internal constant DONE = uint8(TimelockController.OperationState.Done);

    function _state(bytes32 id) private view returns (uint256) {
        return uint256(uint8(timelock.getOperationState(id)));
    }

    function _setSlaOp(uint64 failover) private view returns (IExitController.Operation memory) {
        Sla memory s = defaultSla();
        s.failoverDelay = failover;
        return operation(address(slaConfig), abi.encodeCall(SlaConfig.setSla, (s)));
    }

    function _expectNotReady(bytes32 id) private {
        vm.expectRevert(
            abi.encodeWithSelector(
                TimelockController.TimelockUnexpectedOperationState.selector,
                id,
                bytes32(uint256(1) << READY)
            )
        );
    }

    function test_wiring() external view {
        vm.assertEq(address(ec.timelock()), address(timelock), "ec.timelock");
        vm.assertTrue(timelock.hasRole(timelock.PROPOSER_ROLE(), address(ec)), "ec proposes");
        vm.assertTrue(timelock.hasRole(timelock.CANCELLER_ROLE(), address(ec)), "ec cancels");
        vm.assertTrue(timelock.hasRole(timelock.EXECUTOR_ROLE(), address(0)), "anyone executes");
        vm.assertFalse(timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE(), address(this)), "no admin (deployer)");
        vm.assertTrue(timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE(), address(timelock)), "self-administered");
        vm.assertEq(slaConfig.governor(), address(timelock), "sla governor");
        vm.assertEq(set.governor(), address(timelock), "set governor");
        vm.assertEq(sc.governor(), address(timelock), "sc governor");
    }

    /// @dev Unset -> Waiting -> Ready (exactly at eta) -> Done; executed by a stranger.
    function test_scheduleWaitingReadyDone() external {
        IExitController.Operation memory op = _setSlaOp(2 minutes);
        bytes32 id = timelock.hashOperationBatch(op.targets, op.values, op.payloads, op.predecessor, op.salt);
        vm.assertEq(_state(id), UNSET, "unset");
        vm.assertEq(govSchedule(op, 0x7), id, "id");
        vm.assertEq(_state(id), WAITING, "waiting");
        uint256 eta = block.timestamp + op.delay;
        vm.warp(eta - 1);
        vm.assertEq(_state(id), WAITING, "still waiting a second before");
        _expectNotReady(id);
        govExecuteScheduled(op);
        vm.warp(eta);
        vm.assertEq(_state(id), READY, "ready");
        vm.prank(address(0x57A1E));
        govExecuteScheduled(op);
        vm.assertEq(_state(id), DONE, "done");
        vm.assertEq(slaConfig.getSla().failoverDelay, 2 minutes, "applied");
        _expectNotReady(id);
        govExecuteScheduled(op);
    }

    /// @dev A cancelled operation returns to Unset and can no longer be executed.
    function test_cancelReturnsToUnset() external {
        IExitController.Operation memory op = _setSlaOp(2 minutes);
        bytes32 id = govSchedule(op, 0x7);
        uint256 nonce = govNonce++;
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 d = ecDigest(keccak256(abi.encode(ec.CANCEL_TYPEHASH(), id, nonce, deadline)));
        ThresholdSig.Signature[] memory sigs = councilSigs(msig, d, 0x1c);
        ec.cancel(id, nonce, deadline, sigs);
        vm.assertEq(_state(id), UNSET, "unset after cancel");
        vm.warp(block.timestamp + op.delay);
        _expectNotReady(id);
        govExecuteScheduled(op);
        vm.assertEq(slaConfig.getSla().failoverDelay, defaultSla().failoverDelay, "not applied");
        // the same cancel signatures cannot be replayed
        vm.expectRevert(abi.encodeWithSelector(IExitController.NonceUsed.selector, nonce));
        ec.cancel(id, nonce, deadline, sigs);
    }

    /// @dev Replaying the same council signatures (same nonce) reverts NonceUsed, even for a different salt.
    function test_replayedScheduleSignaturesRevert() external {
        IExitController.Operation memory op = _setSlaOp(2 minutes);
        uint256 nonce = 4242;
        uint256 deadline = block.timestamp + 1 hours;
        ThresholdSig.Signature[] memory sigs = councilSigs(msig, ec.scheduleDigest(op, nonce, deadline), 0x7);
        ec.schedule(op, nonce, deadline, sigs);
        vm.expectRevert(abi.encodeWithSelector(IExitController.NonceUsed.selector, nonce));
        ec.schedule(op, nonce, deadline, sigs);
        // a different operation cannot reuse the signatures or the nonce either
        op.salt = bytes32(uint256(op.salt) + 1);
        vm.expectRevert(abi.encodeWithSelector(IExitController.NonceUsed.selector, nonce));
        ec.schedule(op, nonce, deadline, sigs);
    }

    /// @dev Fewer than M signatures cannot schedule; a delay below the minimum is refused by the timelock.
    function test_scheduleNeedsThresholdAndMinDelay() external {
        IExitController.Operation memory op = _setSlaOp(2 minutes);
        uint256 deadline = block.timestamp + 1 hours;
        ThresholdSig.Signature[] memory two = councilSigs(msig, ec.scheduleDigest(op, 1, deadline), 0x3);
        vm.expectRevert(abi.encodeWithSelector(ThresholdSig.NotEnoughSignatures.selector, 2, COUNCIL_THRESHOLD));
        ec.schedule(op, 1, deadline, two);
        op.delay = timelock.getMinDelay() - 1;
        ThresholdSig.Signature[] memory sigs = councilSigs(msig, ec.scheduleDigest(op, 2, deadline), 0x7);
        vm.expectRevert(
            abi.encodeWithSelector(TimelockController.TimelockInsufficientDelay.selector, op.delay, op.delay + 1)
        );
        ec.schedule(op, 2, deadline, sigs);
        // mismatched arrays are refused before signatures are checked
        op.values = new uint256[](2);
        vm.expectRevert(abi.encodeWithSelector(IExitController.BadOperation.selector, 1, 2, 1));
        ec.schedule(op, 3, deadline, sigs);
    }

    /// @dev Only the ExitController proposes: a direct schedule on the timelock reverts.
    function testFuzz_onlyExitControllerProposes(address who) external {
        vm.assume(who != address(ec));
        IExitController.Operation memory op = _setSlaOp(2 minutes);
        bytes32 role = timelock.PROPOSER_ROLE();
        vm.prank(who);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, who, role));
        timelock.scheduleBatch(op.targets, op.values, op.payloads, op.predecessor, op.salt, op.delay);
    }

    // ------------------------------------------------------------------ delay bounds

    /// @dev updateDelay only through a scheduled self-call, within [minAllowedDelay, 30 days].
    function testFuzz_updateDelayThroughScheduledSelfCall(uint32 delaySeed) external {
        uint256 delay = bound(delaySeed, 0, 31 days);
        IExitController.Operation memory op = operation(
            address(timelock),
            abi.encodeCall(CouncilTimelock.updateDelay, (delay))
        );
        govSchedule(op, 0x7);
        vm.warp(block.timestamp + op.delay);
        bool ok = delay <= 30 days; // min 0 on chain id 31337
        if (!ok) {
            vm.expectRevert(abi.encodeWithSelector(ICouncilTimelock.DelayOutOfBounds.selector, delay, 0, 30 days));
        }
        govExecuteScheduled(op);
        vm.assertEq(timelock.getMinDelay(), ok ? delay : 1 hours, "delay");
    }

    function testFuzz_updateDelayDirectCallReverts(address who, uint256 delay) external {
        vm.assume(who != address(timelock));
        vm.prank(who);
        vm.expectRevert(abi.encodeWithSelector(TimelockController.TimelockUnauthorizedCaller.selector, who));
        timelock.updateDelay(delay);
    }

    function test_constructorDelayBounds() external {
        vm.expectRevert(abi.encodeWithSelector(ICouncilTimelock.DelayOutOfBounds.selector, 30 days + 1, 0, 30 days));
        new CouncilTimelock(30 days + 1, address(ec));
        vm.chainId(10);
        vm.expectRevert(abi.encodeWithSelector(ICouncilTimelock.DelayOutOfBounds.selector, 1 hours, 7 days, 30 days));
        new CouncilTimelock(1 hours, address(ec));
        vm.assertEq(new CouncilTimelock(30 days, address(ec)).getMinDelay(), 30 days, "max ok");
    }

    // ------------------------------------------------------------------ council changes

    function _newCouncilPk(uint256 i) private pure returns (uint256) {
        return 0x00C0_FFEE_0000 + i + 1;
    }

    /// @dev setCouncil through the timelock moves the exit power: the old council can no longer trigger the exit,
    ///      the new one can. A direct call reverts NotGovernor.
    function test_setCouncilThroughTimelockMovesExitPower() external {
        address[] memory members = new address[](3);
        for (uint256 i = 0; i < 3; ++i) members[i] = vm.addr(_newCouncilPk(i));
        vm.prank(address(0xBAD));
        vm.expectRevert(abi.encodeWithSelector(NotGovernor.selector, address(0xBAD)));
        ec.setCouncil(members, 2);
        vm.prank(councilMembers[0]);
        vm.expectRevert(abi.encodeWithSelector(NotGovernor.selector, councilMembers[0]));
        ec.setCouncil(members, 2);

        govExecute(address(ec), abi.encodeCall(ExitController.setCouncil, (members, 2)));
        (address[] memory got, uint256 threshold, uint256 epoch) = ec.council();
        vm.assertEq(got.length, 3, "members");
        vm.assertEq(threshold, 2, "threshold");
        vm.assertEq(epoch, 2, "epoch");
        vm.assertFalse(ec.isCouncilMember(councilMembers[0]), "old member out");

        uint256 deadline = block.timestamp + 1 hours;
        bytes32 d = ec.triggerExitDigest("old", 1, deadline);
        ThresholdSig.Signature[] memory oldSigs = councilSigs(msig, d, 0x1f);
        vm.expectRevert(abi.encodeWithSelector(ThresholdSig.NotAMember.selector, oldSigs[0].signer));
        ec.triggerExit("old", 1, deadline, oldSigs);

        d = ec.triggerExitDigest("new", 1, deadline);
        ThresholdSig.Signature[] memory sigs = new ThresholdSig.Signature[](2);
        for (uint256 i = 0; i < 2; ++i) sigs[i] = ThresholdSig.Signature(members[i], ecdsa(_newCouncilPk(i), d));
        ec.triggerExit("new", 1, deadline, sortSigs(sigs));
        vm.assertTrue(ec.inExit(), "new council exits");
    }
}
