// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {InExit} from "../libraries/Errors.sol";
import {Sla, ISlaConfig} from "./ISlaConfig.sol";
import {ISequencerSet} from "./ISequencerSet.sol";
import {ISequencerInbox} from "./ISequencerInbox.sol";
import {IDelayedInbox} from "./IDelayedInbox.sol";
import {IExitController} from "./IExitController.sol";

/// @title SequencerInbox
/// @notice The canonical, ordered list of batches as a rolling accumulator. Only the active sequencer may
///         append; each batch consumes delayed messages in FIFO order. Once the queue head is older than the
///         inclusion window, anyone may force messages in without the sequencer.
contract SequencerInbox is ISequencerInbox {
    /// @notice The most L2 blocks one batch (sequenced or forced) may hold: about 12 days of 1-second blocks. The
    ///         bound keeps `nextL2Block` far from overflow, so no header can brick the inbox.
    uint64 public constant MAX_L2_BLOCKS_PER_BATCH = 1 << 20;

    /// @notice The ranked sequencers, whose active member alone may post.
    ISequencerSet public immutable sequencerSet;
    /// @notice The delayed-message queue this sequence consumes.
    IDelayedInbox public immutable delayedInbox;
    /// @notice The SLA (inclusion window).
    ISlaConfig public immutable slaConfig;
    /// @notice The exit controller, whose exit mode freezes the inbox.
    IExitController public immutable exitController;

    Batch[] private _batches;
    /// @inheritdoc ISequencerInbox
    uint64 public delayedConsumed;
    /// @inheritdoc ISequencerInbox
    uint64 public nextL2Block;
    /// @inheritdoc ISequencerInbox
    uint64 public lastBatchTime;

    /// @notice Deploys the inbox; every reference is fixed at deployment (addresses computed up front).
    /// @param set the sequencer set
    /// @param delayed the delayed-message queue
    /// @param sla the SLA
    /// @param exitController_ the exit controller
    constructor(ISequencerSet set, IDelayedInbox delayed, ISlaConfig sla, IExitController exitController_) {
        sequencerSet = set;
        delayedInbox = delayed;
        slaConfig = sla;
        exitController = exitController_;
        lastBatchTime = uint64(block.timestamp);
    }

    /// @inheritdoc ISequencerInbox
    function appendBatch(bytes calldata data, BatchHeader calldata h) external returns (uint256 index) {
        if (exitController.inExit()) revert InExit();
        address act = sequencerSet.active();
        if (msg.sender != act) revert NotActiveSequencer(msg.sender, act);
        bytes32 head = headAccumulator();
        if (h.prevAccumulator != head) revert StalePrevAccumulator(h.prevAccumulator, head);
        uint64 consumed = delayedConsumed;
        uint256 available = delayedInbox.count();
        if (h.delayedCount < consumed || h.delayedCount > available) {
            revert DelayedCountOutOfRange(h.delayedCount, consumed, available);
        }
        uint64 next = nextL2Block;
        if (
            h.l2BlockStart != next ||
            h.l2BlockEnd < h.l2BlockStart ||
            h.l2BlockEnd - h.l2BlockStart >= MAX_L2_BLOCKS_PER_BATCH
        ) {
            revert L2BlockRange(h.l2BlockStart, h.l2BlockEnd, next, MAX_L2_BLOCKS_PER_BATCH);
        }
        if (block.timestamp < h.minTimestamp || block.timestamp > h.maxTimestamp) {
            revert OutsideTimeBounds(h.minTimestamp, h.maxTimestamp, block.timestamp);
        }
        if (h.delayedCount > consumed) _reportIfLate(consumed, slaConfig.getSla());
        index = _batches.length;
        _append(keccak256(data), BatchKind.Sequenced, h, head, uint40(index + 1));
        lastBatchTime = uint64(block.timestamp);
    }

    /// @inheritdoc ISequencerInbox
    function forceInclude(uint256 newDelayedCount) external returns (uint256 index) {
        if (exitController.inExit()) revert InExit();
        uint64 consumed = delayedConsumed;
        uint256 available = delayedInbox.count();
        if (newDelayedCount <= consumed) revert NothingToForce();
        if (newDelayedCount > available || newDelayedCount - consumed > MAX_L2_BLOCKS_PER_BATCH) {
            revert DelayedCountOutOfRange(newDelayedCount, consumed, available);
        }
        Sla memory s = slaConfig.getSla();
        (uint64 ts, uint64 bn) = delayedInbox.messageTime(newDelayedCount - 1);
        if (block.timestamp <= ts + s.inclusionWindow || block.number <= bn + s.inclusionWindowBlocks) {
            revert InclusionWindowOpen(
                newDelayedCount - 1,
                ts + s.inclusionWindow + 1,
                bn + s.inclusionWindowBlocks + 1
            );
        }
        _reportIfLate(consumed, s);
        bytes32 head = headAccumulator();
        uint64 start = nextL2Block;
        BatchHeader memory h = BatchHeader({
            prevAccumulator: head,
            delayedCount: uint64(newDelayedCount),
            l2BlockStart: start,
            l2BlockEnd: start + uint64(newDelayedCount - consumed) - 1,
            minTimestamp: uint64(block.timestamp),
            maxTimestamp: uint64(block.timestamp)
        });
        index = _batches.length;
        _append(bytes32(0), BatchKind.Forced, h, head, index == 0 ? 0 : _batches[index - 1].sequencedCount);
        emit ForcedInclusion(index, consumed, newDelayedCount, msg.sender);
    }

    /// @inheritdoc ISequencerInbox
    function pokeInclusionSla() external returns (bool breached) {
        if (delayedConsumed >= delayedInbox.count()) return false;
        return _reportIfLate(delayedConsumed, slaConfig.getSla());
    }

    /// @inheritdoc ISequencerInbox
    function hashBatch(
        bytes32 prevAcc,
        bytes32 dataHash,
        BatchKind kind,
        uint64 delayedCount,
        bytes32 delayedAcc,
        uint64 l2BlockStart,
        uint64 l2BlockEnd,
        uint64 minTimestamp,
        uint64 maxTimestamp
    ) public pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    prevAcc,
                    DataSource.Calldata,
                    dataHash,
                    kind,
                    delayedCount,
                    delayedAcc,
                    l2BlockStart,
                    l2BlockEnd,
                    minTimestamp,
                    maxTimestamp
                )
            );
    }

    /// @inheritdoc ISequencerInbox
    function batchCount() external view returns (uint256) {
        return _batches.length;
    }

    /// @inheritdoc ISequencerInbox
    function headAccumulator() public view returns (bytes32) {
        uint256 n = _batches.length;
        return n == 0 ? bytes32(0) : _batches[n - 1].accumulator;
    }

    /// @inheritdoc ISequencerInbox
    function isSyncPoint(bytes32 accumulator) external view returns (bool) {
        uint256 n = _batches.length;
        if (n == 0) return accumulator == bytes32(0);
        Batch storage last = _batches[n - 1];
        if (accumulator == last.accumulator) return true;
        if (last.kind == BatchKind.Sequenced) return false;
        uint256 sequenced = last.sequencedCount;
        return accumulator == (sequenced == 0 ? bytes32(0) : _batches[sequenced - 1].accumulator);
    }

    /// @inheritdoc ISequencerInbox
    function accumulatorOf(uint256 batchIndex) external view returns (bytes32) {
        if (batchIndex >= _batches.length) revert BatchOutOfRange(batchIndex, _batches.length);
        return _batches[batchIndex].accumulator;
    }

    /// @inheritdoc ISequencerInbox
    function batch(uint256 batchIndex) external view returns (Batch memory) {
        if (batchIndex >= _batches.length) revert BatchOutOfRange(batchIndex, _batches.length);
        return _batches[batchIndex];
    }

    function _append(
        bytes32 dataHash,
        BatchKind kind,
        BatchHeader memory h,
        bytes32 head,
        uint40 sequencedCount
    ) private {
        bytes32 delayedAcc = delayedInbox.accumulatorAt(h.delayedCount);
        bytes32 acc = hashBatch(
            head,
            dataHash,
            kind,
            h.delayedCount,
            delayedAcc,
            h.l2BlockStart,
            h.l2BlockEnd,
            h.minTimestamp,
            h.maxTimestamp
        );
        _batches.push(Batch(acc, h.delayedCount, h.l2BlockEnd, uint64(block.timestamp), kind, sequencedCount));
        delayedConsumed = h.delayedCount;
        nextL2Block = h.l2BlockEnd + 1;
        _emitAppended(acc, dataHash, kind, delayedAcc, h);
    }

    function _emitAppended(
        bytes32 acc,
        bytes32 dataHash,
        BatchKind kind,
        bytes32 delayedAcc,
        BatchHeader memory h
    ) private {
        emit BatchAppended(
            _batches.length - 1,
            acc,
            h.prevAccumulator,
            dataHash,
            kind,
            h.delayedCount,
            delayedAcc,
            h.l2BlockStart,
            h.l2BlockEnd,
            h.minTimestamp,
            h.maxTimestamp,
            msg.sender
        );
    }

    function _reportIfLate(uint256 headIndex, Sla memory s) private returns (bool) {
        (uint64 ts, ) = delayedInbox.messageTime(headIndex);
        uint64 age = uint64(block.timestamp) - ts;
        if (age > s.inclusionWindow) {
            emit InclusionSlaBreached(headIndex, ts, age, s.inclusionWindow);
            return true;
        }
        return false;
    }
}
