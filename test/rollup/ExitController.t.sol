// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {RollupFixture, Signers, nextHeader} from "./RollupFixture.sol";
import {ISequencerInbox} from "../../contracts/rollup/ISequencerInbox.sol";
import {IStateCommitment} from "../../contracts/rollup/IStateCommitment.sol";
import {ISlaConfig} from "../../contracts/rollup/ISlaConfig.sol";
import {InExit} from "../../contracts/libraries/Errors.sol";
import {Sla} from "../../contracts/rollup/ISlaConfig.sol";
import {IExitController} from "../../contracts/rollup/IExitController.sol";
import {IRollupVault} from "../../contracts/rollup/IRollupVault.sol";
import {ThresholdSig} from "../../contracts/libraries/ThresholdSig.sol";
import {ExitController} from "../../contracts/rollup/ExitController.sol";
import {DelayedInbox} from "../../contracts/rollup/DelayedInbox.sol";
import {SequencerSet} from "../../contracts/rollup/SequencerSet.sol";
import {SequencerInbox} from "../../contracts/rollup/SequencerInbox.sol";
import {StateCommitment} from "../../contracts/rollup/StateCommitment.sol";
import {RollupVault} from "../../contracts/rollup/RollupVault.sol";
import {MockMultisig} from "../mocks/MockMultisig.sol";
import {TestToken} from "../mocks/TestToken.sol";

/// @notice Runs the whole rollup at random, including both exit paths, and snapshots everything at the exit.
contract ExitHandler is Signers {
    ExitController internal ec;
    DelayedInbox internal delayed;
    SequencerSet internal set;
    SequencerInbox internal inbox;
    StateCommitment internal sc;
    RollupVault internal vault;
    MockMultisig internal msig;
    TestToken internal token;
    address internal governor;

    bool public ghostExited;
    uint64 public snapExitedAt;
    uint8 public snapTrigger;
    uint256 public snapBatches;
    bytes32 public snapHead;
    uint64 public snapConsumed;
    uint256 public snapDelayed;
    uint256 public snapCommits;
    bytes32 public snapLastCommit;
    address public snapActive;
    uint256 public snapVaultBalance;
    string public violation;
    uint256 internal nonce;

    constructor(
        ExitController ec_,
        DelayedInbox d,
        SequencerSet s,
        SequencerInbox i,
        StateCommitment c,
        RollupVault v,
        MockMultisig m,
        TestToken t,
        address governor_
    ) {
        governor = governor_;
        ec = ec_;
        delayed = d;
        set = s;
        inbox = i;
        sc = c;
        vault = v;
        msig = m;
        token = t;
        token.approve(address(vault), type(uint256).max);
    }

    function _mustFailAfterExit(bool ok, string memory what) private {
        if (ghostExited && ok) violation = what;
    }

    function warp(uint256 dt) external {
        vm.warp(block.timestamp + bound(dt, 1, 3 hours));
        vm.roll(block.number + bound(dt, 1, 900));
    }

    function append(bytes calldata data) external {
        ISequencerInbox.BatchHeader memory h = nextHeader(inbox, uint64(delayed.count()), 1);
        vm.prank(set.active());
        try inbox.appendBatch(data, h) {
            _mustFailAfterExit(true, "appendBatch in exit mode");
        } catch {
            if (!ghostExited) violation = "appendBatch failed in normal mode";
        }
    }

    /// @dev The sequencer stays live (a batch every 3 hours) for up to 15 hours while nothing is committed,
    ///      so that the finality rule, not the downtime rule, can open.
    function liveWithoutFinality(uint256 steps) external {
        steps = bound(steps, 1, 5);
        for (uint256 k = 0; k < steps; ++k) {
            vm.warp(block.timestamp + 3 hours);
            vm.roll(block.number + 900);
            this.append("live");
        }
    }

    function enqueue(bytes calldata data) external {
        if (data.length == 0) return;
        try delayed.enqueue(data) {
            _mustFailAfterExit(true, "enqueue in exit mode");
        } catch {}
    }

    function deposit(uint256 amount) external {
        amount = bound(amount, 1, 1e24);
        token.mint(address(this), amount);
        try vault.deposit(IERC20(address(token)), amount, address(this)) {
            _mustFailAfterExit(true, "deposit in exit mode");
        } catch {}
    }

    function force(uint256 countSeed) external {
        uint256 n = delayed.count();
        if (n == 0) return;
        uint256 c = bound(countSeed, 1, n);
        try inbox.forceInclude(c) {
            _mustFailAfterExit(true, "forceInclude in exit mode");
        } catch {}
    }

    function commit(bytes32 exitRoot) external {
        uint256 batches = inbox.batchCount();
        if (batches == 0) return;
        uint256 n = sc.count();
        IStateCommitment.CommitmentData memory c;
        c.index = n;
        c.batchIndex = batches - 1;
        c.accumulator = inbox.accumulatorOf(batches - 1);
        c.exitRoot = exitRoot;
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 d = sc.commitmentDigest(c, deadline);
        try sc.commit(c, deadline, validatorSigs(d, 0xf)) {
            _mustFailAfterExit(true, "commit in exit mode");
        } catch {}
    }

    function veto(uint256 indexSeed) external {
        uint256 n = sc.count();
        if (n == 0) return;
        uint256 index = bound(indexSeed, 0, n - 1);
        bytes32 h = sc.get(index).hash;
        vm.prank(address(ec));
        try sc.veto(index, h) {
            _mustFailAfterExit(true, "veto in exit mode");
        } catch {}
    }

    function heartbeatAndClaim(uint256 who) external {
        address m = sequencerAddr(who % 3);
        bytes32 head = inbox.headAccumulator();
        vm.prank(m);
        set.heartbeat(head);
        vm.warp(block.timestamp + 11 minutes);
        vm.prank(m);
        try set.claimActive() {
            _mustFailAfterExit(true, "claimActive in exit mode");
        } catch {}
    }

    function handover(uint256 who) external {
        address to = sequencerAddr(who % 3);
        bytes32 head = inbox.headAccumulator();
        vm.prank(to);
        set.heartbeat(head);
        vm.prank(set.active());
        try set.handover(to) {
            _mustFailAfterExit(true, "handover in exit mode");
        } catch {}
    }

    /// @dev Governance (the ExitController through its timelock) replaces the sequencer list.
    function governanceReplaceSequencers(uint256 seed) external {
        address[] memory list = new address[](2);
        list[0] = sequencerAddr(3 + (seed % 2));
        list[1] = sequencerAddr(seed % 3);
        vm.prank(governor);
        try set.setSequencers(list) {
            _mustFailAfterExit(true, "sequencer list changed in exit mode");
        } catch {}
    }

    function councilExit(uint256 mask) external {
        bool wouldPass = popcount(mask & 0x1f) >= COUNCIL_THRESHOLD;
        uint256 deadline = block.timestamp + 1 hours;
        uint256 n = nonce++;
        bytes32 d = ec.triggerExitDigest("council", n, deadline);
        try ec.triggerExit("council", n, deadline, councilSigs(msig, d, mask)) {
            if (ghostExited) violation = "exit triggered twice";
            if (!wouldPass) violation = "exit with fewer than M signatures";
            _snapshot();
        } catch {
            if (wouldPass && !ghostExited) violation = "council exit failed with M signatures";
        }
    }

    function autoExit() external {
        (bool open, , ) = ec.autoTriggerStatus();
        try ec.triggerExitAuto() {
            if (ghostExited) violation = "auto exit twice";
            if (!open) violation = "auto exit while SLA met";
            _snapshot();
        } catch {
            if (open) violation = "auto exit failed while SLA breached";
        }
    }

    function _snapshot() private {
        ghostExited = true;
        snapExitedAt = ec.exitedAt();
        snapTrigger = uint8(ec.exitTrigger());
        snapBatches = inbox.batchCount();
        snapHead = inbox.headAccumulator();
        snapConsumed = inbox.delayedConsumed();
        snapDelayed = delayed.count();
        snapCommits = sc.count();
        snapLastCommit = snapCommits == 0 ? bytes32(0) : sc.get(snapCommits - 1).hash;
        snapActive = set.active();
        snapVaultBalance = token.balanceOf(address(vault));
    }
}

/// @notice Rule 5: both trigger paths lead to exit mode, which freezes inbox, commitments and sequencer role, and is final.
contract ExitControllerTest is RollupFixture {
    ExitHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new ExitHandler(ec, delayed, set, inbox, sc, vault, msig, token, address(timelock));
        targetContract(address(handler));
    }

    function invariant_exitIsFinalAndFreezes() external view {
        vm.assertEq(bytes(handler.violation()).length, 0, handler.violation());
        if (!handler.ghostExited()) {
            vm.assertFalse(ec.inExit(), "exit without a trigger");
            return;
        }
        vm.assertTrue(ec.inExit(), "exit mode left");
        vm.assertEq(ec.exitedAt(), handler.snapExitedAt(), "exitedAt changed");
        vm.assertEq(uint256(ec.exitTrigger()), handler.snapTrigger(), "trigger changed");
        vm.assertTrue(handler.snapTrigger() != 0, "trigger none");
        vm.assertEq(inbox.batchCount(), handler.snapBatches(), "batches changed");
        vm.assertEq(inbox.headAccumulator(), handler.snapHead(), "head changed");
        vm.assertEq(inbox.delayedConsumed(), handler.snapConsumed(), "consumed changed");
        vm.assertEq(delayed.count(), handler.snapDelayed(), "delayed queue changed");
        uint256 n = sc.count();
        vm.assertEq(n, handler.snapCommits(), "commitments changed");
        if (n > 0) vm.assertEq(sc.get(n - 1).hash, handler.snapLastCommit(), "last commitment changed");
        vm.assertEq(set.active(), handler.snapActive(), "active sequencer changed");
        vm.assertEq(token.balanceOf(address(vault)), handler.snapVaultBalance(), "vault took deposits");
    }

    // ------------------------------------------------------------------ council path

    /// @dev The council path succeeds iff at least M distinct members (EOAs and the ERC-1271 multisig) sign.
    function testFuzz_councilSubset(uint8 mask, uint256 nonce, string calldata reason) external {
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 d = ec.triggerExitDigest(reason, nonce, deadline);
        ThresholdSig.Signature[] memory sigs = councilSigs(msig, d, mask);
        uint256 k = popcount(mask & 0x1f);
        if (k < COUNCIL_THRESHOLD) {
            vm.expectRevert(abi.encodeWithSelector(ThresholdSig.NotEnoughSignatures.selector, k, COUNCIL_THRESHOLD));
        }
        ec.triggerExit(reason, nonce, deadline, sigs);
        vm.assertEq(ec.inExit(), k >= COUNCIL_THRESHOLD, "inExit");
        if (k >= COUNCIL_THRESHOLD) {
            vm.assertEq(uint256(ec.exitTrigger()), uint256(IExitController.Trigger.Council), "trigger");
            // exit mode is final, so the same signatures can never be replayed
            vm.expectRevert(IExitController.AlreadyInExit.selector);
            ec.triggerExit(reason, nonce, deadline, sigs);
        }
    }

    /// @dev One signature that is not a valid member signature (outsider, or wrong key for a member) rejects the set.
    function testFuzz_councilRejectsNonMemberOrBadSig(
        uint8 mask,
        uint256 outsiderPk,
        bool impersonate,
        uint8 victim
    ) external {
        outsiderPk = bound(outsiderPk, 1, 1e30);
        address outsider = vm.addr(outsiderPk);
        for (uint256 i = 0; i < COUNCIL_EOAS; ++i) vm.assume(outsider != councilMembers[i]);
        bytes32 d = ec.triggerExitDigest("x", 1, block.timestamp);
        (ThresholdSig.Signature[] memory sigs, bytes memory expected) = _badSet(
            d,
            uint8(mask | 0x7),
            outsiderPk,
            impersonate,
            victim
        );
        vm.expectRevert(expected);
        ec.triggerExit("x", 1, block.timestamp, sigs);
        vm.assertFalse(ec.inExit(), "inExit");
    }

    function _badSet(
        bytes32 d,
        uint8 mask,
        uint256 outsiderPk,
        bool impersonate,
        uint8 victim
    ) private view returns (ThresholdSig.Signature[] memory sigs, bytes memory expected) {
        ThresholdSig.Signature[] memory base = councilSigs(msig, d, mask);
        if (impersonate) {
            // a member slot signed with someone else's key; all earlier entries are valid
            sigs = base;
            uint256 v = bound(victim, 0, sigs.length - 1);
            sigs[v].signature = ecdsa(outsiderPk, d);
            expected = abi.encodeWithSelector(ThresholdSig.InvalidSignature.selector, sigs[v].signer);
        } else {
            address outsider = vm.addr(outsiderPk);
            sigs = new ThresholdSig.Signature[](base.length + 1);
            for (uint256 i = 0; i < base.length; ++i) sigs[i] = base[i];
            sigs[base.length] = ThresholdSig.Signature(outsider, ecdsa(outsiderPk, d));
            sigs = sortSigs(sigs);
            expected = abi.encodeWithSelector(ThresholdSig.NotAMember.selector, outsider);
        }
    }

    /// @dev The ERC-1271 member only counts with its own internal threshold met.
    function test_multisigMemberNeedsItsOwners() external {
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 d = ec.triggerExitDigest("x", 1, deadline);
        ThresholdSig.Signature[] memory sigs = councilSigs(msig, d, 0x13); // EOA0, EOA1, multisig
        for (uint256 i = 0; i < sigs.length; ++i) {
            if (sigs[i].signer == address(msig)) sigs[i].signature = ecdsa(msigOwnerPk(0), d); // one owner only
        }
        vm.expectRevert(abi.encodeWithSelector(ThresholdSig.InvalidSignature.selector, address(msig)));
        ec.triggerExit("x", 1, deadline, sigs);
        ec.triggerExit("x", 1, deadline, councilSigs(msig, d, 0x13));
        vm.assertTrue(ec.inExit(), "multisig counted");
    }

    // ------------------------------------------------------------------ automatic path

    /// @dev With no batches, downtime opens at deploy + maxDowntime + 1.
    function testFuzz_autoTriggerDowntime(uint32 dt) external {
        Sla memory s = slaConfig.getSla();
        uint64 opensAt = T0 + s.maxDowntime + 1;
        vm.warp(T0 + bound(dt, 0, 2 * s.maxDowntime));
        if (block.timestamp < opensAt)
            vm.expectRevert(abi.encodeWithSelector(IExitController.SlaNotBreached.selector, opensAt));
        ec.triggerExitAuto();
        vm.assertEq(ec.inExit(), block.timestamp >= opensAt, "inExit");
        if (ec.inExit()) vm.assertEq(uint256(ec.exitTrigger()), uint256(IExitController.Trigger.DowntimeSla), "trigger");
    }

    /// @dev The sequencer keeps posting but nothing (new) finalizes: the finality rule opens at
    ///      lastFinalizedTime + maxFinalityDelay + 1, unless the downtime rule opens first.
    function testFuzz_autoTriggerFinality(uint32 dt, bool finalizeOne) external {
        Sla memory s = slaConfig.getSla();
        if (finalizeOne) {
            appendBatch("a");
            commit(0, bytes32(0));
        }
        uint64 end = uint64(T0 + bound(dt, 0, 2 * s.maxFinalityDelay));
        while (block.timestamp + 1 hours <= end) {
            vm.warp(block.timestamp + 1 hours);
            appendBatch("keepalive");
        }
        vm.warp(end);
        uint64 lastFinal = finalizeOne && end >= T0 + s.finalityDelay ? T0 + s.finalityDelay : T0;
        vm.assertEq(sc.lastFinalizedTime(), lastFinal, "lastFinalizedTime");
        uint64 finalityAt = lastFinal + s.maxFinalityDelay + 1;
        uint64 downtimeAt = inbox.lastBatchTime() + s.maxDowntime + 1;
        bool finalityFirst = finalityAt < downtimeAt;
        uint64 opensAt = finalityFirst ? finalityAt : downtimeAt;
        if (block.timestamp < opensAt)
            vm.expectRevert(abi.encodeWithSelector(IExitController.SlaNotBreached.selector, opensAt));
        ec.triggerExitAuto();
        vm.assertEq(ec.inExit(), block.timestamp >= opensAt, "inExit");
        if (ec.inExit()) {
            IExitController.Trigger why =
                finalityFirst ? IExitController.Trigger.FinalitySla : IExitController.Trigger.DowntimeSla;
            vm.assertEq(uint256(ec.exitTrigger()), uint256(why), "trigger");
        }
        // With hourly batches, once the finality rule is open the downtime rule is still closed.
        if (end >= finalityAt && end >= T0 + 1 hours) {
            vm.assertEq(uint256(ec.exitTrigger()), uint256(IExitController.Trigger.FinalitySla), "finality exit");
        }
    }

    // ------------------------------------------------------------------ freeze and finality

    function _exitVia(bool council) private {
        if (council) {
            councilTriggerExit();
        } else {
            vm.warp(block.timestamp + slaConfig.getSla().maxDowntime + 1);
            ec.triggerExitAuto();
        }
        vm.assertTrue(ec.inExit(), "inExit");
    }

    function testFuzz_exitFreezesEverything(bool council) external {
        appendBatch("a");
        delayed.enqueue("m");
        commit(0, bytes32(0));
        bytes32 head = inbox.headAccumulator();
        vm.prank(ranked[1]);
        set.heartbeat(head);
        _exitVia(council);

        ISequencerInbox.BatchHeader memory h = header(1, 1);
        vm.prank(set.active());
        vm.expectRevert(InExit.selector);
        inbox.appendBatch("b", h);
        vm.warp(block.timestamp + 2 days);
        vm.roll(block.number + 20_000);
        vm.expectRevert(InExit.selector);
        inbox.forceInclude(1);
        vm.expectRevert(InExit.selector);
        delayed.enqueue("n");
        token.mint(address(this), 1);
        token.approve(address(vault), 1);
        vm.expectRevert(IRollupVault.ExitOpen.selector);
        vault.deposit(IERC20(address(token)), 1, address(this));

        IStateCommitment.CommitmentData memory c = commitmentData(0, bytes32(0));
        c.index = 1;
        vm.expectRevert(InExit.selector);
        sc.commit(c, block.timestamp + 1, new ThresholdSig.Signature[](0));
        bytes32 h0 = sc.get(0).hash;
        vm.prank(address(ec));
        vm.expectRevert(InExit.selector);
        sc.veto(0, h0);

        vm.prank(ranked[1]);
        vm.expectRevert(InExit.selector);
        set.claimActive();
        vm.prank(ranked[0]);
        vm.expectRevert(InExit.selector);
        set.handover(ranked[1]);

        // final: neither path can re-trigger, and the state stays
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 d = ec.triggerExitDigest("again", 9, deadline);
        ThresholdSig.Signature[] memory sigs = councilSigs(msig, d, 0x1f);
        vm.expectRevert(IExitController.AlreadyInExit.selector);
        ec.triggerExit("again", 9, deadline, sigs);
        (, , uint64 opensAt) = ec.autoTriggerStatus();
        vm.expectRevert(abi.encodeWithSelector(IExitController.SlaNotBreached.selector, opensAt));
        ec.triggerExitAuto();
        vm.assertTrue(ec.inExit(), "still in exit");
    }

    /// @dev Sequencer role changes are frozen in exit mode, including through timelocked governance: the council can
    ///      still schedule, but the executed call reverts InExit (bubbled up by the timelock).
    function testFuzz_governanceCannotMoveSequencerRoleInExit(bool council) external {
        _exitVia(council);
        address[] memory list = new address[](1);
        list[0] = sequencerAddr(7);
        address before = set.active();
        IExitController.Operation memory op = operation(
            address(set),
            abi.encodeCall(SequencerSet.setSequencers, (list))
        );
        govSchedule(op, 0x7);
        vm.warp(block.timestamp + op.delay);
        vm.expectRevert(InExit.selector);
        govExecuteScheduled(op);
        vm.assertEq(set.active(), before, "active sequencer changed in exit mode");
    }

    // ------------------------------------------------------------------ mutation killer 7a

    /// @dev Only forced inclusions for longer than maxDowntime: forceInclude never touches lastBatchTime, so the
    ///      downtime exit opens on schedule.
    function test_forceIncludeDoesNotResetDowntimeClock() external {
        Sla memory s = slaConfig.getSla();
        appendBatch("last sequenced");
        uint64 lb = inbox.lastBatchTime();
        vm.assertEq(lb, uint64(block.timestamp), "lastBatchTime");
        // forced inclusions every ~70 minutes, past maxDowntime
        while (block.timestamp <= lb + s.maxDowntime) {
            delayed.enqueue("user tx");
            vm.warp(block.timestamp + s.inclusionWindow + 10 minutes);
            vm.roll(block.number + s.inclusionWindowBlocks + 1);
            inbox.forceInclude(delayed.count());
            vm.assertEq(inbox.lastBatchTime(), lb, "forceInclude moved lastBatchTime");
        }
        (bool open, IExitController.Trigger why, uint64 opensAt) = ec.autoTriggerStatus();
        vm.assertEq(opensAt, lb + s.maxDowntime + 1, "opensAt");
        vm.assertTrue(open, "downtime exit open");
        vm.assertEq(uint256(why), uint256(IExitController.Trigger.DowntimeSla), "why");
        ec.triggerExitAuto();
        vm.assertEq(uint256(ec.exitTrigger()), uint256(IExitController.Trigger.DowntimeSla), "trigger");
    }
}
