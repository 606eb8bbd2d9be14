// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {RollupFixture, Signers} from "./RollupFixture.sol";
import {Sla} from "../../contracts/rollup/ISlaConfig.sol";
import {ISequencerInbox} from "../../contracts/rollup/ISequencerInbox.sol";
import {IDelayedInbox} from "../../contracts/rollup/IDelayedInbox.sol";
import {ISequencerSet} from "../../contracts/rollup/ISequencerSet.sol";
import {IExitController} from "../../contracts/rollup/IExitController.sol";
import {ISlaConfig} from "../../contracts/rollup/ISlaConfig.sol";
import {DelayedInbox} from "../../contracts/rollup/DelayedInbox.sol";
import {SequencerSet} from "../../contracts/rollup/SequencerSet.sol";
import {SequencerInbox} from "../../contracts/rollup/SequencerInbox.sol";
import {SlaConfig} from "../../contracts/rollup/SlaConfig.sol";

/// @notice Drives the inbox at random: enqueues, sequencer batches, forced inclusions, time, and forgery attempts.
///         Ghost state recomputes every accumulator independently of the contracts.
contract InboxHandler is Signers {
    DelayedInbox internal delayed;
    SequencerSet internal set;
    SequencerInbox internal inbox;
    Sla internal sla;

    /// @notice Every batch accumulator ever produced, recomputed off-contract.
    bytes32[] public ghostAcc;
    /// @notice The delayed count each batch committed to.
    uint64[] public ghostDelayedCount;
    /// @notice The delayed accumulator after each message, recomputed off-contract.
    bytes32[] public ghostDelayedAcc;
    /// @notice How many times each delayed message was included in a batch.
    mapping(uint256 => uint256) public includedTimes;
    uint64 public ghostConsumed;
    uint64 public ghostNextL2Block;
    /// @notice Set if anything that must fail succeeded, or anything that must succeed failed.
    string public violation;

    uint256 public calls;

    constructor(DelayedInbox d, SequencerSet s, SequencerInbox i, SlaConfig c) {
        delayed = d;
        set = s;
        inbox = i;
        sla = c.getSla();
    }

    function ghostAccLength() external view returns (uint256) {
        return ghostAcc.length;
    }

    function enqueue(uint256 senderSeed, bytes calldata data) external {
        ++calls;
        if (data.length == 0 || data.length > 512) return;
        address sender = address(uint160(bound(senderSeed, 1, 50) + 0xabc000));
        bytes32 prev = ghostDelayedAcc.length == 0 ? bytes32(0) : ghostDelayedAcc[ghostDelayedAcc.length - 1];
        vm.prank(sender);
        uint256 index = delayed.enqueue(data);
        if (index != ghostDelayedAcc.length) violation = "enqueue index";
        ghostDelayedAcc.push(
            keccak256(
                abi.encode(prev, sender, uint8(0), uint64(block.timestamp), uint64(block.number), keccak256(data))
            )
        );
    }

    function appendBatch(uint256 consumeSeed, uint256 blocksSeed, bytes calldata data) external {
        ++calls;
        uint256 available = delayed.count();
        uint64 newCount = uint64(bound(consumeSeed, ghostConsumed, available));
        uint64 nBlocks = uint64(bound(blocksSeed, 1, 20));
        ISequencerInbox.BatchHeader memory h = ISequencerInbox.BatchHeader({
            prevAccumulator: _head(),
            delayedCount: newCount,
            l2BlockStart: ghostNextL2Block,
            l2BlockEnd: ghostNextL2Block + nBlocks - 1,
            minTimestamp: uint64(block.timestamp),
            maxTimestamp: uint64(block.timestamp)
        });
        vm.prank(set.active());
        try inbox.appendBatch(data, h) returns (uint256 index) {
            if (index != ghostAcc.length) violation = "batch index";
            _record(keccak256(data), 0, h);
        } catch {
            violation = "valid appendBatch reverted";
        }
    }

    /// @dev Warps past the inclusion window of the newest message and forces part or all of the queue.
    function forceInclude(uint256 countSeed) external {
        ++calls;
        uint256 available = delayed.count();
        if (available <= ghostConsumed) {
            try inbox.forceInclude(available) {
                violation = "forced nothing";
            } catch {}
            return;
        }
        uint64 newCount = uint64(bound(countSeed, ghostConsumed + 1, available));
        (uint64 ts, uint64 bn) = delayed.messageTime(newCount - 1);
        if (block.timestamp <= ts + sla.inclusionWindow) vm.warp(ts + sla.inclusionWindow + 1);
        if (block.number <= bn + sla.inclusionWindowBlocks) vm.roll(bn + sla.inclusionWindowBlocks + 1);
        ISequencerInbox.BatchHeader memory h = ISequencerInbox.BatchHeader({
            prevAccumulator: _head(),
            delayedCount: newCount,
            l2BlockStart: ghostNextL2Block,
            l2BlockEnd: ghostNextL2Block + (newCount - ghostConsumed) - 1,
            minTimestamp: uint64(block.timestamp),
            maxTimestamp: uint64(block.timestamp)
        });
        try inbox.forceInclude(newCount) returns (uint256 index) {
            if (index != ghostAcc.length) violation = "forced index";
            _record(bytes32(0), 1, h);
        } catch {
            violation = "overdue messages could not be forced";
        }
    }

    /// @dev Forcing before the window closes must fail.
    function forceTooEarly(uint256 countSeed) external {
        ++calls;
        uint256 available = delayed.count();
        if (available <= ghostConsumed) return;
        uint64 newCount = uint64(bound(countSeed, ghostConsumed + 1, available));
        (uint64 ts, uint64 bn) = delayed.messageTime(newCount - 1);
        if (block.timestamp > ts + sla.inclusionWindow && block.number > bn + sla.inclusionWindowBlocks) return;
        try inbox.forceInclude(newCount) {
            violation = "forced inside the inclusion window";
        } catch {}
    }

    /// @dev Tries to fork (stale prev), skip/rewind delayed messages, or post as a non-active sequencer.
    function forge(uint256 how, bytes32 fakePrev, uint256 countSeed, address caller) external {
        ++calls;
        uint256 available = delayed.count();
        ISequencerInbox.BatchHeader memory h = ISequencerInbox.BatchHeader({
            prevAccumulator: _head(),
            delayedCount: ghostConsumed,
            l2BlockStart: ghostNextL2Block,
            l2BlockEnd: ghostNextL2Block,
            minTimestamp: uint64(block.timestamp),
            maxTimestamp: uint64(block.timestamp)
        });
        address poster = set.active();
        how = how % 4;
        if (how == 0) {
            if (fakePrev == h.prevAccumulator) return;
            h.prevAccumulator = fakePrev; // fork attempt
        } else if (how == 1) {
            if (ghostConsumed == 0) return;
            h.delayedCount = uint64(bound(countSeed, 0, ghostConsumed - 1)); // rewind
        } else if (how == 2) {
            h.delayedCount = uint64(bound(countSeed, available + 1, available + 100)); // beyond queue
        } else {
            if (caller == poster) return;
            poster = caller;
        }
        vm.prank(poster);
        try inbox.appendBatch("forged", h) {
            violation = "forged batch accepted";
        } catch {}
    }

    function warp(uint256 dt, uint256 dBlocks) external {
        ++calls;
        vm.warp(block.timestamp + bound(dt, 1, 2 hours));
        vm.roll(block.number + bound(dBlocks, 1, 600));
    }

    function _head() private view returns (bytes32) {
        return ghostAcc.length == 0 ? bytes32(0) : ghostAcc[ghostAcc.length - 1];
    }

    function _record(bytes32 dataHash, uint8 kind, ISequencerInbox.BatchHeader memory h) private {
        bytes32 delayedAcc = h.delayedCount == 0 ? bytes32(0) : ghostDelayedAcc[h.delayedCount - 1];
        bytes32 acc = keccak256(
            abi.encode(
                h.prevAccumulator,
                uint8(0),
                dataHash,
                kind,
                h.delayedCount,
                delayedAcc,
                h.l2BlockStart,
                h.l2BlockEnd,
                h.minTimestamp,
                h.maxTimestamp
            )
        );
        ghostAcc.push(acc);
        ghostDelayedCount.push(h.delayedCount);
        for (uint256 i = ghostConsumed; i < h.delayedCount; ++i) includedTimes[i] += 1;
        ghostConsumed = h.delayedCount;
        ghostNextL2Block = h.l2BlockEnd + 1;
    }
}

/// @notice A stand-in delayed queue holding `n` messages, all enqueued at (T0, B0): lets a test force more than
///         `MAX_L2_BLOCKS_PER_BATCH` messages without enqueueing a million of them.
contract HugeDelayedQueue {
    uint256 public immutable count;
    uint64 internal immutable ts;
    uint64 internal immutable bn;

    constructor(uint256 n) {
        count = n;
        ts = uint64(block.timestamp);
        bn = uint64(block.number);
    }

    function messageTime(uint256) external view returns (uint64, uint64) {
        return (ts, bn);
    }

    function accumulatorAt(uint256 n) external pure returns (bytes32) {
        return n == 0 ? bytes32(0) : keccak256(abi.encode(n));
    }
}

/// @notice Rules 1 and 2: the accumulator never forks or is rewritten; delayed messages are consumed FIFO.
contract SequencerInboxTest is RollupFixture {
    InboxHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new InboxHandler(delayed, set, inbox, slaConfig);
        targetContract(address(handler));
    }

    // ------------------------------------------------------------------ invariants

    function invariant_noViolation() external view {
        vm.assertEq(bytes(handler.violation()).length, 0, handler.violation());
    }

    function invariant_accumulatorNeverRewritten() external view {
        uint256 n = inbox.batchCount();
        vm.assertEq(n, handler.ghostAccLength(), "batch count");
        for (uint256 i = 0; i < n; ++i) {
            vm.assertEq(inbox.accumulatorOf(i), handler.ghostAcc(i), "accumulator rewritten");
        }
        vm.assertEq(inbox.headAccumulator(), n == 0 ? bytes32(0) : handler.ghostAcc(n - 1), "head is not the last");
    }

    function invariant_delayedFifo() external view {
        uint64 consumed = inbox.delayedConsumed();
        uint256 count = delayed.count();
        vm.assertEq(consumed, handler.ghostConsumed(), "delayedConsumed");
        vm.assertLe(consumed, count, "consumed beyond the queue");
        vm.assertEq(inbox.nextL2Block(), handler.ghostNextL2Block(), "nextL2Block");
        uint64 prev;
        uint256 n = inbox.batchCount();
        for (uint256 i = 0; i < n; ++i) {
            uint64 dc = inbox.batch(i).delayedCount;
            vm.assertGe(dc, prev, "batch delayedCount decreased");
            vm.assertEq(dc, handler.ghostDelayedCount(i), "batch delayedCount");
            prev = dc;
        }
        for (uint256 i = 0; i < count; ++i) {
            vm.assertEq(delayed.accumulatorAt(i + 1), handler.ghostDelayedAcc(i), "delayed accumulator");
            vm.assertEq(handler.includedTimes(i), i < consumed ? 1 : 0, "message included not exactly once");
        }
    }

    // ------------------------------------------------------------------ fuzz

    function testFuzz_appendRejectsFork(bytes32 fakePrev, uint8 batches) external {
        for (uint256 i = 0; i < bound(batches, 0, 5); ++i) appendBatch(abi.encode(i));
        bytes32 head = inbox.headAccumulator();
        vm.assume(fakePrev != head);
        ISequencerInbox.BatchHeader memory h = header(0, 1);
        h.prevAccumulator = fakePrev;
        vm.prank(set.active());
        vm.expectRevert(abi.encodeWithSelector(ISequencerInbox.StalePrevAccumulator.selector, fakePrev, head));
        inbox.appendBatch("x", h);
    }

    function testFuzz_appendDelayedCountRange(uint8 enqueued, uint8 consumeFirst, uint16 given) external {
        uint256 n = bound(enqueued, 0, 10);
        for (uint256 i = 0; i < n; ++i) delayed.enqueue(abi.encode(i));
        uint64 consumed = uint64(bound(consumeFirst, 0, n));
        appendAs(set.active(), "first", consumed);
        ISequencerInbox.BatchHeader memory h = header(uint64(given), 1);
        address act = set.active();
        bool ok = given >= consumed && given <= n;
        if (!ok) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ISequencerInbox.DelayedCountOutOfRange.selector,
                    uint256(given),
                    uint256(consumed),
                    n
                )
            );
        }
        vm.prank(act);
        inbox.appendBatch("second", h);
        if (ok) vm.assertEq(inbox.delayedConsumed(), given, "consumed");
    }

    function testFuzz_onlyActiveAppends(address caller) external {
        address act = set.active();
        vm.assume(caller != act);
        ISequencerInbox.BatchHeader memory h = header(0, 1);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(ISequencerInbox.NotActiveSequencer.selector, caller, act));
        inbox.appendBatch("x", h);
    }

    /// @dev Forcing succeeds iff the message is older than the window in seconds AND in blocks.
    function testFuzz_forceIncludeWindow(uint32 dt, uint16 dBlocks) external {
        Sla memory s = slaConfig.getSla();
        delayed.enqueue("m0");
        uint64 ts = uint64(block.timestamp);
        uint64 bn = uint64(block.number);
        uint256 wait = bound(dt, 0, 3 * s.inclusionWindow);
        uint256 waitBlocks = bound(dBlocks, 0, 3 * s.inclusionWindowBlocks);
        if (dt % 4 == 0) {
            // exactly at the boundary: the window itself, or one past it, in seconds and in blocks
            wait = s.inclusionWindow + ((dt >> 2) & 1);
            waitBlocks = s.inclusionWindowBlocks + ((dt >> 3) & 1);
        }
        vm.warp(block.timestamp + wait);
        vm.roll(block.number + waitBlocks);
        bool open = block.timestamp > ts + s.inclusionWindow && block.number > bn + s.inclusionWindowBlocks;
        if (!open) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ISequencerInbox.InclusionWindowOpen.selector,
                    uint256(0),
                    ts + s.inclusionWindow + 1,
                    bn + s.inclusionWindowBlocks + 1
                )
            );
        }
        inbox.forceInclude(1);
        if (open) {
            vm.assertEq(inbox.delayedConsumed(), 1, "forced");
            vm.assertEq(uint256(inbox.batch(0).kind), uint256(ISequencerInbox.BatchKind.Forced), "kind");
        }
    }

    function testFuzz_forceIncludeNothingOrTooMuch(uint8 enqueued, uint16 newCount) external {
        uint256 n = bound(enqueued, 0, 5);
        for (uint256 i = 0; i < n; ++i) delayed.enqueue(abi.encode(i));
        vm.warp(block.timestamp + 1 days);
        vm.roll(block.number + 10_000);
        if (newCount == 0) vm.expectRevert(ISequencerInbox.NothingToForce.selector);
        else if (newCount > n) {
            vm.expectRevert(
                abi.encodeWithSelector(ISequencerInbox.DelayedCountOutOfRange.selector, uint256(newCount), 0, n)
            );
        }
        inbox.forceInclude(newCount);
    }

    function test_forcedAndSequencedShareOneChain() external {
        appendBatch("a");
        delayed.enqueue("m0");
        delayed.enqueue("m1");
        vm.warp(block.timestamp + 2 hours);
        vm.roll(block.number + 400);
        inbox.forceInclude(1);
        appendAs(set.active(), "b", 2);
        vm.assertEq(inbox.batchCount(), 3, "batches");
        vm.assertEq(inbox.delayedConsumed(), 2, "consumed");
        vm.assertEq(inbox.batch(1).accumulator, inbox.accumulatorOf(1), "acc");
        vm.expectRevert(ISequencerInbox.NothingToForce.selector);
        inbox.forceInclude(2);
    }

    // ------------------------------------------------------------------ finding 4: no header bricks the inbox

    uint64 internal constant MAXB = 1 << 20;

    function _post(ISequencerInbox.BatchHeader memory h) private returns (bool ok, bytes memory err) {
        vm.prank(set.active());
        try inbox.appendBatch("h", h) {
            ok = true;
        } catch (bytes memory reason) {
            err = reason;
        }
    }

    /// @dev A well-formed next batch and a forced inclusion still land.
    function _assertNotBricked() private {
        uint256 before = inbox.batchCount();
        appendBatch("after");
        vm.assertEq(inbox.batchCount(), before + 1, "well-formed batch after");
        delayed.enqueue("force me");
        vm.warp(block.timestamp + 1 hours + 1);
        vm.roll(block.number + 301);
        inbox.forceInclude(delayed.count());
        vm.assertEq(inbox.batchCount(), before + 2, "forced batch after");
        vm.assertEq(inbox.delayedConsumed(), delayed.count(), "forced all");
    }

    /// @dev The old brick: l2BlockEnd = 2^64 - 2 would have set nextL2Block to 2^64 - 1 and overflowed every later
    ///      batch. It is refused now, and the inbox keeps working.
    function test_brickHeaderRefused() external {
        appendBatch("a");
        ISequencerInbox.BatchHeader memory h = header(0, 1);
        h.l2BlockEnd = type(uint64).max - 1;
        vm.prank(set.active());
        vm.expectRevert(
            abi.encodeWithSelector(ISequencerInbox.L2BlockRange.selector, h.l2BlockStart, h.l2BlockEnd, h.l2BlockStart, MAXB)
        );
        inbox.appendBatch("brick", h);
        vm.assertEq(inbox.nextL2Block(), 1, "nextL2Block");
        _assertNotBricked();
    }

    /// @dev Exactly MAX blocks is accepted, one more is refused.
    function testFuzz_l2BlockRangeBoundary(bool oneMore) external {
        appendBatch("a");
        ISequencerInbox.BatchHeader memory h = header(0, 1);
        h.l2BlockEnd = h.l2BlockStart + MAXB - 1 + (oneMore ? 1 : 0);
        vm.prank(set.active());
        if (oneMore) {
            vm.expectRevert(
                abi.encodeWithSelector(ISequencerInbox.L2BlockRange.selector, h.l2BlockStart, h.l2BlockEnd, h.l2BlockStart, MAXB)
            );
        }
        inbox.appendBatch("wide", h);
        vm.assertEq(inbox.nextL2Block(), oneMore ? 1 : 1 + MAXB, "nextL2Block");
        _assertNotBricked();
    }

    /// @dev forceInclude of more than MAX_L2_BLOCKS_PER_BATCH messages at once is refused (the forced batch would
    ///      be longer than any sequenced one may be); exactly MAX is accepted.
    function test_forceIncludeOverMaxBlocksReverts() external {
        HugeDelayedQueue q = new HugeDelayedQueue(uint256(MAXB) + 5);
        SequencerInbox big = new SequencerInbox(
            ISequencerSet(address(set)),
            IDelayedInbox(address(q)),
            ISlaConfig(address(slaConfig)),
            IExitController(address(ec))
        );
        vm.warp(block.timestamp + 1 hours + 1);
        vm.roll(block.number + 301);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISequencerInbox.DelayedCountOutOfRange.selector,
                uint256(MAXB) + 1,
                uint256(0),
                uint256(MAXB) + 5
            )
        );
        big.forceInclude(uint256(MAXB) + 1);
        big.forceInclude(MAXB);
        vm.assertEq(big.nextL2Block(), MAXB, "nextL2Block");
        big.forceInclude(uint256(MAXB) + 5);
        vm.assertEq(big.delayedConsumed(), uint256(MAXB) + 5, "rest forced");
    }

    function _extreme64(uint8 sel, uint64 rnd, uint64 sane) private pure returns (uint64) {
        uint8 k = sel % 6;
        if (k == 0) return 0;
        if (k == 1) return 1;
        if (k == 2) return type(uint64).max - 1;
        if (k == 3) return type(uint64).max;
        if (k == 4) return rnd;
        return sane;
    }

    /// @dev Every header field at 0, 1, max - 1, max, a random value or its sane value: whatever is accepted or
    ///      refused, an accepted batch never spans more than MAX blocks and the inbox is never bricked.
    function testFuzz_headerExtremesNeverBrick(bool warmUp, uint8[6] calldata sel, uint64[6] calldata rnd, bytes32 rndAcc)
        external
    {
        if (warmUp) appendBatch("warm");
        delayed.enqueue("m");
        ISequencerInbox.BatchHeader memory sane = header(0, 1);
        ISequencerInbox.BatchHeader memory h = header(0, 1);
        uint8 k = sel[0] % 6;
        h.prevAccumulator = k == 0 ? bytes32(0) : k == 1 ? bytes32(uint256(1)) : k == 2
            ? bytes32(type(uint256).max - 1)
            : k == 3
            ? bytes32(type(uint256).max)
            : k == 4
            ? rndAcc
            : sane.prevAccumulator;
        h.delayedCount = _extreme64(sel[1], rnd[1], sane.delayedCount);
        h.l2BlockStart = _extreme64(sel[2], rnd[2], sane.l2BlockStart);
        h.l2BlockEnd = _extreme64(sel[3], rnd[3], sane.l2BlockEnd);
        h.minTimestamp = _extreme64(sel[4], rnd[4], sane.minTimestamp);
        h.maxTimestamp = _extreme64(sel[5], rnd[5], sane.maxTimestamp);
        uint64 startBefore = inbox.nextL2Block();
        (bool ok, ) = _post(h);
        if (ok) {
            vm.assertEq(h.l2BlockStart, startBefore, "accepted a gap");
            vm.assertLt(h.l2BlockEnd - h.l2BlockStart, MAXB, "accepted an over-long batch");
            vm.assertEq(inbox.nextL2Block(), h.l2BlockEnd + 1, "nextL2Block");
        } else {
            vm.assertEq(inbox.nextL2Block(), startBefore, "rejected header moved the sequence");
        }
        _assertNotBricked();
    }

    // ------------------------------------------------------------------ finding 5: sync points

    function _forceOne() private returns (bytes32) {
        delayed.enqueue(abi.encode("f", inbox.batchCount()));
        vm.warp(block.timestamp + 1 hours + 1);
        vm.roll(block.number + 301);
        inbox.forceInclude(delayed.count());
        return inbox.headAccumulator();
    }

    function test_isSyncPointEmptyInbox() external view {
        vm.assertTrue(inbox.isSyncPoint(bytes32(0)), "zero is the head");
        vm.assertFalse(inbox.isSyncPoint(keccak256("x")), "anything else");
    }

    function test_isSyncPointSequencedTail() external {
        appendBatch("a");
        bytes32 a = inbox.headAccumulator();
        appendBatch("b");
        bytes32 b = inbox.headAccumulator();
        vm.assertTrue(inbox.isSyncPoint(b), "head");
        vm.assertFalse(inbox.isSyncPoint(a), "an older sequenced batch");
        vm.assertFalse(inbox.isSyncPoint(bytes32(0)), "genesis");
        vm.assertEq(inbox.batch(1).sequencedCount, 2, "sequencedCount");
    }

    function test_isSyncPointForcedTail() external {
        appendBatch("a");
        bytes32 a = inbox.headAccumulator();
        bytes32 f1 = _forceOne();
        vm.assertEq(inbox.batch(1).sequencedCount, 1, "forced batch keeps the sequenced count");
        vm.assertTrue(inbox.isSyncPoint(f1), "head");
        vm.assertTrue(inbox.isSyncPoint(a), "the head before the forced tail");
        vm.assertFalse(inbox.isSyncPoint(bytes32(0)), "genesis");
        // forced after forced: the head and the last sequenced batch, not the middle of the forced tail
        bytes32 f2 = _forceOne();
        vm.assertTrue(inbox.isSyncPoint(f2), "head after two forced");
        vm.assertTrue(inbox.isSyncPoint(a), "last sequenced after two forced");
        vm.assertFalse(inbox.isSyncPoint(f1), "middle of the forced tail");
        // a sequenced batch closes the tail
        appendBatch("b");
        vm.assertTrue(inbox.isSyncPoint(inbox.headAccumulator()), "new head");
        vm.assertFalse(inbox.isSyncPoint(a), "old sequenced");
        vm.assertFalse(inbox.isSyncPoint(f2), "old forced");
    }

    function test_isSyncPointOnlyForcedBatches() external {
        bytes32 f1 = _forceOne();
        vm.assertEq(inbox.batch(0).sequencedCount, 0, "no sequenced batch");
        vm.assertTrue(inbox.isSyncPoint(f1), "head");
        vm.assertTrue(inbox.isSyncPoint(bytes32(0)), "genesis before an all-forced sequence");
        _forceOne();
        vm.assertTrue(inbox.isSyncPoint(bytes32(0)), "genesis before two forced");
        vm.assertFalse(inbox.isSyncPoint(f1), "middle");
    }
}
