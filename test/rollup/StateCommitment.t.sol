// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {RollupFixture, Signers, nextHeader} from "./RollupFixture.sol";
import {ISequencerInbox} from "../../contracts/rollup/ISequencerInbox.sol";
import {ThresholdSig} from "../../contracts/libraries/ThresholdSig.sol";
import {IStateCommitment} from "../../contracts/rollup/IStateCommitment.sol";
import {SequencerSet} from "../../contracts/rollup/SequencerSet.sol";
import {SequencerInbox} from "../../contracts/rollup/SequencerInbox.sol";
import {StateCommitment} from "../../contracts/rollup/StateCommitment.sol";

/// @notice Appends batches, submits valid and invalid commitments, vetoes, and moves time.
contract CommitHandler is Signers {
    SequencerSet internal set;
    SequencerInbox internal inbox;
    StateCommitment internal sc;
    address internal exitController;

    bytes32[] public ghostHash;
    /// @notice Every hash ever dropped by a veto.
    bytes32[] public ghostVetoed;
    mapping(bytes32 => bool) internal isVetoed;
    uint64[] public ghostBatch;
    string public violation;
    uint256 public commits;
    uint256 public vetoes;

    constructor(SequencerSet s, SequencerInbox i, StateCommitment c, address exitController_) {
        set = s;
        inbox = i;
        sc = c;
        exitController = exitController_;
    }

    function ghostCount() external view returns (uint256) {
        return ghostHash.length;
    }

    function ghostVetoedCount() external view returns (uint256) {
        return ghostVetoed.length;
    }

    /// @dev Independent model of the struct hash the validators sign.
    function _structHash(IStateCommitment.CommitmentData memory c, uint256 deadline) private view returns (bytes32) {
        uint256 n = ghostHash.length;
        (, , uint256 epoch) = sc.validators();
        return
            keccak256(
                abi.encode(
                    sc.COMMITMENT_TYPEHASH(),
                    c.index,
                    c.batchIndex,
                    c.accumulator,
                    c.l2StateRoot,
                    c.exitRoot,
                    c.identityRoot,
                    n == 0 ? bytes32(0) : ghostHash[n - 1],
                    epoch,
                    deadline
                )
            );
    }

    function append(bytes calldata data) external {
        ISequencerInbox.BatchHeader memory h = nextHeader(inbox, inbox.delayedConsumed(), 1);
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
        IStateCommitment.CommitmentData memory c;
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
        if (expectOk && isVetoed[_structHash(c, deadline)]) expectOk = false; // a vetoed commitment never returns
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
        vm.prank(exitController);
        try sc.veto(index, ghostHash[index]) {
            if (!expectOk) violation = "final commitment vetoed";
            while (ghostHash.length > index) {
                bytes32 h = ghostHash[ghostHash.length - 1];
                isVetoed[h] = true;
                ghostVetoed.push(h);
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
            IStateCommitment.Stored memory s = sc.get(i);
            vm.assertEq(s.hash, handler.ghostHash(i), "commitment rewritten");
            vm.assertLt(s.batchIndex, batches, "commitment for a missing batch");
            if (i > 0) vm.assertGt(s.batchIndex, sc.get(i - 1).batchIndex, "batch index not increasing");
            vm.assertGe(s.finalAt, prevFinal, "finality out of order");
            prevFinal = s.finalAt;
            vm.assertFalse(sc.vetoed(s.hash), "a vetoed commitment is in the chain");
        }
        for (uint256 i = 0; i < handler.ghostVetoedCount(); ++i) {
            vm.assertTrue(sc.vetoed(handler.ghostVetoed(i)), "dropped commitment not marked vetoed");
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
        IStateCommitment.CommitmentData memory c;
        c.index = bound(index, 0, 3);
        c.batchIndex = bound(batchIndex, 0, batches + 1);
        bytes32 onChain = c.batchIndex < batches ? inbox.accumulatorOf(c.batchIndex) : bytes32(0);
        c.accumulator = rightAcc ? onChain : fakeAcc;
        uint256 deadline = block.timestamp + 10;
        ThresholdSig.Signature[] memory sigs = validatorSigs(sc.commitmentDigest(c, deadline), 0xb);

        bool ok;
        if (c.index != n) {
            vm.expectRevert(abi.encodeWithSelector(IStateCommitment.WrongIndex.selector, uint256(c.index), n));
        } else if (c.batchIndex >= batches) {
            vm.expectRevert(
                abi.encodeWithSelector(IStateCommitment.UnknownBatch.selector, uint256(c.batchIndex), batches)
            );
        } else if (haveFirst && c.batchIndex <= prevBatch) {
            vm.expectRevert(
                abi.encodeWithSelector(IStateCommitment.NotAfterPrevious.selector, uint256(c.batchIndex), prevBatch)
            );
        } else if (c.accumulator != onChain) {
            vm.expectRevert(
                abi.encodeWithSelector(IStateCommitment.AccumulatorMismatch.selector, c.accumulator, onChain)
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
        IStateCommitment.CommitmentData memory c1 = commitmentData(1, rootB);
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
        IStateCommitment.Stored memory s = sc.get(0);
        vm.warp(block.timestamp + bound(dt, 0, 2 * slaConfig.getSla().finalityDelay));
        if (s.finalAt <= block.timestamp) {
            vm.expectRevert(abi.encodeWithSelector(IStateCommitment.AlreadyFinal.selector, uint256(0), s.finalAt));
        }
        vm.prank(address(ec));
        sc.veto(0, s.hash);
        vm.assertEq(sc.count(), s.finalAt <= block.timestamp ? 1 : 0, "count");
    }

    function testFuzz_onlyExitControllerVetoes(address who) external {
        vm.assume(who != address(ec));
        appendBatch("a");
        commit(0, bytes32(0));
        bytes32 h = sc.get(0).hash;
        vm.prank(who);
        vm.expectRevert(abi.encodeWithSelector(IStateCommitment.NotExitController.selector, who));
        sc.veto(0, h);
        // not even the governance timelock may veto directly
        vm.prank(address(timelock));
        vm.expectRevert(abi.encodeWithSelector(IStateCommitment.NotExitController.selector, address(timelock)));
        sc.veto(0, h);
        vm.assertEq(sc.count(), 1, "count");
    }

    // ------------------------------------------------------------------ finding 1: a veto sticks

    struct Signed {
        IStateCommitment.CommitmentData c;
        uint256 deadline;
        ThresholdSig.Signature[] sigs;
    }

    function _sign(uint256 batchIndex, bytes32 exitRoot) private view returns (Signed memory x) {
        x.c = commitmentData(batchIndex, exitRoot);
        x.deadline = block.timestamp + 1 days;
        x.sigs = validatorSigs(sc.commitmentDigest(x.c, x.deadline), 0xb);
    }

    /// @dev The council vetoes commitment `index` through the ExitController with 3 signatures.
    function _councilVeto(uint256 index) private {
        bytes32 h = sc.get(index).hash;
        uint256 nonce = govNonce++;
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 d = ecDigest(keccak256(abi.encode(ec.VETO_TYPEHASH(), index, h, nonce, deadline)));
        ec.veto(index, h, nonce, deadline, councilSigs(msig, d, 0x16));
    }

    /// @dev Validators sign k = 0 and k + 1 on top; the council vetoes k; a stranger replays k from the original
    ///      calldata and signatures: CommitmentWasVetoed (on the old code the replay was accepted).
    function test_vetoedCommitmentCannotBeResubmitted() external {
        appendBatch("a");
        appendBatch("b");
        Signed memory k0 = _sign(0, keccak256("bad root"));
        sc.commit(k0.c, k0.deadline, k0.sigs);
        Signed memory k1 = _sign(1, keccak256("built on bad root"));
        sc.commit(k1.c, k1.deadline, k1.sigs);
        bytes32 h0 = sc.get(0).hash;
        bytes32 h1 = sc.get(1).hash;

        vm.expectEmit();
        emit IStateCommitment.CommitmentVetoed(0, h0, 2);
        _councilVeto(0);
        vm.assertEq(sc.count(), 0, "dropped");
        vm.assertTrue(sc.vetoed(h0), "k marked");
        vm.assertTrue(sc.vetoed(h1), "k+1 marked");

        vm.prank(address(0x57A1E));
        vm.expectRevert(abi.encodeWithSelector(IStateCommitment.CommitmentWasVetoed.selector, h0));
        sc.commit(k0.c, k0.deadline, k0.sigs);
        vm.assertEq(sc.count(), 0, "resubmitted");
    }

    /// @dev k + 1 was signed with prev = h(k); since h(k) can never be restored, neither can k + 1, and k + 1 cannot
    ///      be put on top of a fresh k either (its signatures bind the vetoed parent).
    function test_vetoedDescendantCanNeverBeRestored() external {
        appendBatch("a");
        appendBatch("b");
        Signed memory k0 = _sign(0, keccak256("bad root"));
        sc.commit(k0.c, k0.deadline, k0.sigs);
        Signed memory k1 = _sign(1, keccak256("built on bad root"));
        sc.commit(k1.c, k1.deadline, k1.sigs);
        bytes32 h0 = sc.get(0).hash;
        bytes32 h1 = sc.get(1).hash;
        _councilVeto(0);

        // k + 1 directly at index 1 of an empty chain: wrong index
        vm.expectRevert(abi.encodeWithSelector(IStateCommitment.WrongIndex.selector, uint256(1), uint256(0)));
        sc.commit(k1.c, k1.deadline, k1.sigs);
        // the parent cannot come back
        vm.expectRevert(abi.encodeWithSelector(IStateCommitment.CommitmentWasVetoed.selector, h0));
        sc.commit(k0.c, k0.deadline, k0.sigs);
        // on top of a freshly signed, different k, the old k + 1 signatures do not verify
        Signed memory fresh = _sign(0, keccak256("good root"));
        sc.commit(fresh.c, fresh.deadline, fresh.sigs);
        vm.expectRevert(abi.encodeWithSelector(ThresholdSig.InvalidSignature.selector, k1.sigs[0].signer));
        sc.commit(k1.c, k1.deadline, k1.sigs);
        vm.assertTrue(sc.vetoed(h1), "k+1 stays vetoed");
        vm.assertEq(sc.count(), 1, "only the fresh k");
    }

    /// @dev After the veto, a freshly signed different commitment at k is accepted and can build on.
    function test_freshCommitmentAcceptedAfterVeto() external {
        appendBatch("a");
        appendBatch("b");
        Signed memory k0 = _sign(0, keccak256("bad root"));
        sc.commit(k0.c, k0.deadline, k0.sigs);
        bytes32 h0 = sc.get(0).hash;
        _councilVeto(0);
        Signed memory fresh = _sign(0, keccak256("good root"));
        sc.commit(fresh.c, fresh.deadline, fresh.sigs);
        vm.assertTrue(sc.get(0).hash != h0, "different hash");
        vm.assertFalse(sc.vetoed(sc.get(0).hash), "fresh not vetoed");
        Signed memory next = _sign(1, keccak256("next"));
        sc.commit(next.c, next.deadline, next.sigs);
        vm.assertEq(sc.count(), 2, "count");
    }

    /// @dev The veto window boundary (mutation killer): at exactly finalAt the commitment is final and the veto
    ///      reverts AlreadyFinal; one second earlier it succeeds.
    function testFuzz_vetoBoundaryAtFinalAt(bool atFinal) external {
        appendBatch("a");
        commit(0, bytes32(0));
        IStateCommitment.Stored memory s = sc.get(0);
        vm.warp(atFinal ? s.finalAt : s.finalAt - 1);
        if (atFinal) {
            vm.expectRevert(abi.encodeWithSelector(IStateCommitment.AlreadyFinal.selector, uint256(0), s.finalAt));
        }
        vm.prank(address(ec));
        sc.veto(0, s.hash);
        vm.assertEq(sc.count(), atFinal ? 1 : 0, "count");
        vm.assertEq(sc.vetoed(s.hash), !atFinal, "vetoed flag");
    }

    /// @dev `lastFinalized` (fast paths for the newest two, then binary search) equals a linear scan, for any spacing
    ///      of commitments and any moment.
    function testFuzz_lastFinalizedMatchesLinearScan(uint8 countSeed, uint256 gapsSeed, uint32 probeSeed) external {
        uint256 count = bound(countSeed, 0, 7);
        for (uint256 i = 0; i < count; ++i) {
            appendBatch(abi.encode("b", i));
            commit(inbox.batchCount() - 1, keccak256(abi.encode("root", i)));
            vm.warp(block.timestamp + 1 + ((gapsSeed >> (i * 16)) % 5000));
        }
        vm.warp(block.timestamp + (probeSeed % 8000));
        bool want;
        uint256 wantIndex;
        for (uint256 i = 0; i < count; ++i) {
            if (sc.get(i).finalAt <= block.timestamp) (want, wantIndex) = (true, i);
        }
        (bool exists, uint256 index) = sc.lastFinalized();
        vm.assertEq(exists, want, "exists");
        if (want) vm.assertEq(index, wantIndex, "index");
    }
}
