// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {RollupFixture, Signers, nextHeader} from "./RollupFixture.sol";
import {Sla} from "../../contracts/interfaces/IRollup.sol";
import {ThresholdSig} from "../../contracts/libraries/ThresholdSig.sol";
import {SequencerSet} from "../../contracts/rollup/SequencerSet.sol";
import {SequencerInbox} from "../../contracts/rollup/SequencerInbox.sol";
import {StateCommitment} from "../../contracts/rollup/StateCommitment.sol";

/// @notice Appends batches, submits valid and invalid commitments, vetoes, and moves time.
contract CommitHandler is Signers {
    SequencerSet internal set;
    SequencerInbox internal inbox;
    StateCommitment internal sc;
    address internal governor;

    bytes32[] public ghostHash;
    uint64[] public ghostBatch;
    string public violation;
    uint256 public commits;
    uint256 public vetoes;

    constructor(SequencerSet s, SequencerInbox i, StateCommitment c, address governor_) {
        set = s;
        inbox = i;
        sc = c;
        governor = governor_;
    }

    function ghostCount() external view returns (uint256) {
        return ghostHash.length;
    }

    function append(bytes calldata data) external {
        SequencerInbox.BatchHeader memory h = nextHeader(inbox, inbox.delayedConsumed(), 1);
        vm.prank(set.active());
        inbox.appendBatch(data, h);
    }

    function warp(uint256 dt) external {
        vm.warp(block.timestamp + bound(dt, 1, 90 minutes));
    }

    /// @dev Submits a commitment with fuzzed fields; predicts acceptance from the chain rules.
    function commit(uint256 indexSeed, uint256 batchSeed, bool rightAcc, bytes32 fakeAcc, bytes32 exitRoot) external {
        uint256 n = ghostHash.length;
        uint256 batches = inbox.batchCount();
        StateCommitment.CommitmentData memory c;
        c.index = indexSeed % 4 == 0 ? bound(indexSeed, 0, n + 2) : n;
        c.batchIndex = bound(batchSeed, 0, batches + 1);
        bytes32 onChain = c.batchIndex < batches ? inbox.accumulatorOf(c.batchIndex) : bytes32(0);
        c.accumulator = rightAcc ? onChain : fakeAcc;
        c.l2StateRoot = keccak256(abi.encode(indexSeed));
        c.exitRoot = exitRoot;
        bool expectOk =
            c.index == n &&
                c.batchIndex < batches &&
                (n == 0 || c.batchIndex > ghostBatch[n - 1]) &&
                c.accumulator == onChain;
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 digest = sc.commitmentDigest(c, deadline);
        try sc.commit(c, deadline, validatorSigs(digest, 0xe)) {
            if (!expectOk) violation = "invalid commitment accepted";
            ghostHash.push(sc.get(n).hash);
            ghostBatch.push(uint64(c.batchIndex));
            ++commits;
        } catch {
            if (expectOk) violation = "valid commitment rejected";
        }
    }

    function veto(uint256 indexSeed) external {
        uint256 n = ghostHash.length;
        if (n == 0) return;
        uint256 index = bound(indexSeed, 0, n - 1);
        bool expectOk = sc.get(index).finalAt > block.timestamp;
        vm.prank(governor);
        try sc.veto(index, ghostHash[index]) {
            if (!expectOk) violation = "final commitment vetoed";
            while (ghostHash.length > index) {
                ghostHash.pop();
                ghostBatch.pop();
            }
            ++vetoes;
        } catch {
            if (expectOk) violation = "pending commitment could not be vetoed";
        }
    }
}

/// @notice Rule 4: every commitment is for an existing batch and follows the previous one: no gaps, no forks.
contract StateCommitmentTest is RollupFixture {
    CommitHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new CommitHandler(set, inbox, sc, address(ec));
        targetContract(address(handler));
    }

    function invariant_chainWithoutGapsOrForks() external view {
        vm.assertEq(bytes(handler.violation()).length, 0, handler.violation());
        uint256 n = sc.count();
        vm.assertEq(n, handler.ghostCount(), "count");
        uint256 batches = inbox.batchCount();
        uint64 prevFinal;
        for (uint256 i = 0; i < n; ++i) {
            StateCommitment.Stored memory s = sc.get(i);
            vm.assertEq(s.hash, handler.ghostHash(i), "commitment rewritten");
            vm.assertLt(s.batchIndex, batches, "commitment for a missing batch");
            if (i > 0) vm.assertGt(s.batchIndex, sc.get(i - 1).batchIndex, "batch index not increasing");
            vm.assertGe(s.finalAt, prevFinal, "finality out of order");
            prevFinal = s.finalAt;
        }
    }

    /// @dev commit succeeds iff index == count, batch exists, batch after the previous one and the accumulator matches.
    function testFuzz_commitRules(
        uint8 batchesSeed,
        uint8 firstSeed,
        bool haveFirst,
        uint16 index,
        uint16 batchIndex,
        bool rightAcc,
        bytes32 fakeAcc
    ) external {
        uint256 batches = bound(batchesSeed, 1, 6);
        for (uint256 i = 0; i < batches; ++i) appendBatch(abi.encode(i));
        uint256 prevBatch;
        if (haveFirst) {
            prevBatch = bound(firstSeed, 0, batches - 1);
            commit(prevBatch, bytes32(0));
        }
        uint256 n = sc.count();
        StateCommitment.CommitmentData memory c;
        c.index = bound(index, 0, 3);
        c.batchIndex = bound(batchIndex, 0, batches + 1);
        bytes32 onChain = c.batchIndex < batches ? inbox.accumulatorOf(c.batchIndex) : bytes32(0);
        c.accumulator = rightAcc ? onChain : fakeAcc;
        uint256 deadline = block.timestamp + 10;
        ThresholdSig.Signature[] memory sigs = validatorSigs(sc.commitmentDigest(c, deadline), 0xb);

        bool ok;
        if (c.index != n) {
            vm.expectRevert(abi.encodeWithSelector(StateCommitment.WrongIndex.selector, uint256(c.index), n));
        } else if (c.batchIndex >= batches) {
            vm.expectRevert(
                abi.encodeWithSelector(StateCommitment.UnknownBatch.selector, uint256(c.batchIndex), batches)
            );
        } else if (haveFirst && c.batchIndex <= prevBatch) {
            vm.expectRevert(
                abi.encodeWithSelector(StateCommitment.NotAfterPrevious.selector, uint256(c.batchIndex), prevBatch)
            );
        } else if (c.accumulator != onChain) {
            vm.expectRevert(
                abi.encodeWithSelector(StateCommitment.AccumulatorMismatch.selector, c.accumulator, onChain)
            );
        } else {
            ok = true;
        }
        sc.commit(c, deadline, sigs);
        vm.assertEq(sc.count(), ok ? n + 1 : n, "count");
    }

    /// @dev Validator signatures bind the previous commitment: after a veto, a signature made on the dropped
    ///      branch cannot be replayed on the new branch.
    function testFuzz_signatureBindsParent(bytes32 rootA, bytes32 rootB) external {
        vm.assume(rootA != rootB);
        appendBatch("a");
        appendBatch("b");
        commit(0, rootA);
        StateCommitment.CommitmentData memory c1 = commitmentData(1, rootB);
        uint256 deadline = block.timestamp + 1 hours;
        ThresholdSig.Signature[] memory sigsOnA = validatorSigs(sc.commitmentDigest(c1, deadline), 0x7);
        // council vetoes commitment 0, a different commitment 0 takes its place
        bytes32 h0 = sc.get(0).hash;
        vm.prank(address(ec));
        sc.veto(0, h0);
        commit(0, rootB);
        // sigsOnA were over prevCommitment = h0; now the parent differs, so the recovered signer is wrong
        vm.expectRevert(abi.encodeWithSelector(ThresholdSig.InvalidSignature.selector, sigsOnA[0].signer));
        sc.commit(c1, deadline, sigsOnA);
        vm.assertEq(sc.count(), 1, "count");
    }

    function testFuzz_vetoOnlyPending(uint32 dt) external {
        appendBatch("a");
        commit(0, bytes32(0));
        StateCommitment.Stored memory s = sc.get(0);
        vm.warp(block.timestamp + bound(dt, 0, 2 * slaConfig.getSla().finalityDelay));
        if (s.finalAt <= block.timestamp) {
            vm.expectRevert(abi.encodeWithSelector(StateCommitment.AlreadyFinal.selector, uint256(0), s.finalAt));
        }
        vm.prank(address(ec));
        sc.veto(0, s.hash);
        vm.assertEq(sc.count(), s.finalAt <= block.timestamp ? 1 : 0, "count");
    }

    function testFuzz_onlyGovernorVetoes(address who) external {
        vm.assume(who != address(ec));
        appendBatch("a");
        commit(0, bytes32(0));
        bytes32 h = sc.get(0).hash;
        vm.prank(who);
        vm.expectRevert(StateCommitment.NotGovernor.selector);
        sc.veto(0, h);
    }
}
