// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {
    Sla,
    ISlaConfig,
    ISequencerSet,
    ISequencerInbox,
    IDelayedInbox,
    IExitController
} from "../interfaces/IRollup.sol";

/// @title SequencerInbox
/// @notice The canonical, ordered list of batches as a rolling accumulator. Only the active sequencer may
///         append; each batch consumes delayed messages in FIFO order. Once the queue head is older than the
///         inclusion window, anyone may force messages in without the sequencer.
contract SequencerInbox is ISequencerInbox {
    /// @notice Batch kinds.
    uint8 public constant KIND_SEQUENCED = 0;
    uint8 public constant KIND_FORCED = 1;
    /// @notice Batch data sources: calldata today; a blob source can be added without changing the accumulator.
    uint8 public constant DATA_CALLDATA = 0;

    /// @notice What a sequencer commits to besides its data.
    struct BatchHeader {
        /// @dev must equal the current head: a batch can only extend the canonical sequence
        bytes32 prevAccumulator;
        /// @dev total delayed messages consumed once this batch is applied
        uint64 delayedCount;
        uint64 l2BlockStart;
        uint64 l2BlockEnd;
        /// @dev L1 time bounds within which the batch may land
        uint64 minTimestamp;
        uint64 maxTimestamp;
    }

    struct Batch {
        bytes32 accumulator;
        uint64 delayedCount;
        uint64 l2BlockEnd;
        uint64 postedAt;
        uint8 kind;
    }

    ISequencerSet public immutable sequencerSet;
    IDelayedInbox public immutable delayedInbox;
    ISlaConfig public immutable slaConfig;
    IExitController public immutable exitController;

    Batch[] private _batches;
    /// @notice Delayed messages consumed by the canonical sequence so far.
    uint64 public delayedConsumed;
    /// @notice The next L2 block number the sequence will produce.
    uint64 public nextL2Block;
    /// @notice When the last sequencer batch (not a forced inclusion) landed; deployment time before any.
    uint64 public lastBatchTime;

    /// @notice A batch was appended. Nodes read its data from the transaction input.
    event BatchAppended(
        uint256 indexed index,
        bytes32 indexed accumulator,
        bytes32 prevAccumulator,
        bytes32 dataHash,
        uint8 kind,
        uint64 delayedCount,
        bytes32 delayedAccumulator,
        uint64 l2BlockStart,
        uint64 l2BlockEnd,
        uint64 minTimestamp,
        uint64 maxTimestamp,
        address poster
    );
    /// @notice Delayed messages [fromIndex, toIndex) were forced in by `caller`.
    event ForcedInclusion(uint256 indexed batchIndex, uint256 fromIndex, uint256 toIndex, address indexed caller);
    /// @notice The queue head passed its inclusion window before being included.
    event InclusionSlaBreached(uint256 indexed messageIndex, uint64 enqueuedAt, uint64 age, uint64 window);

    error InExit();
    error NotActiveSequencer(address caller, address active);
    error StalePrevAccumulator(bytes32 given, bytes32 head);
    error DelayedCountOutOfRange(uint256 given, uint256 consumed, uint256 available);
    error L2BlockRange(uint64 start, uint64 end, uint64 expectedStart);
    error OutsideTimeBounds(uint64 minTimestamp, uint64 maxTimestamp, uint256 timestamp);
    error NothingToForce();
    /// @notice The last message to force has not yet passed the inclusion window (seconds and blocks).
    error InclusionWindowOpen(uint256 messageIndex, uint64 opensAt, uint64 opensAtBlock);
    error BatchOutOfRange(uint256 index, uint256 count);

    constructor(ISequencerSet set, IDelayedInbox delayed, ISlaConfig sla, IExitController exitController_) {
        sequencerSet = set;
        delayedInbox = delayed;
        slaConfig = sla;
        exitController = exitController_;
        lastBatchTime = uint64(block.timestamp);
    }

    /// @notice Appends a batch; only the active sequencer.
    /// @param data the batch's L2 transactions, as the node encodes them
    /// @param h the header the batch commits to
    /// @return index the batch index
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
        if (h.l2BlockStart != nextL2Block || h.l2BlockEnd < h.l2BlockStart) {
            revert L2BlockRange(h.l2BlockStart, h.l2BlockEnd, nextL2Block);
        }
        if (block.timestamp < h.minTimestamp || block.timestamp > h.maxTimestamp) {
            revert OutsideTimeBounds(h.minTimestamp, h.maxTimestamp, block.timestamp);
        }
        if (h.delayedCount > consumed) _reportIfLate(consumed, slaConfig.getSla());
        index = _append(keccak256(data), KIND_SEQUENCED, h, head);
        lastBatchTime = uint64(block.timestamp);
    }

    /// @notice Forces delayed messages up to (excluding) `newDelayedCount` into the canonical sequence.
    ///         Anyone may call once the last of them is older than the inclusion window, in seconds and in blocks.
    ///         Each forced message becomes one L2 block.
    function forceInclude(uint256 newDelayedCount) external returns (uint256 index) {
        if (exitController.inExit()) revert InExit();
        uint64 consumed = delayedConsumed;
        uint256 available = delayedInbox.count();
        if (newDelayedCount <= consumed) revert NothingToForce();
        if (newDelayedCount > available) revert DelayedCountOutOfRange(newDelayedCount, consumed, available);
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
        index = _append(bytes32(0), KIND_FORCED, h, head);
        emit ForcedInclusion(index, consumed, newDelayedCount, msg.sender);
    }

    /// @notice Emits `InclusionSlaBreached` if the queue head has passed its window; for watchers.
    /// @return breached whether the head is late
    function pokeInclusionSla() external returns (bool breached) {
        if (delayedConsumed >= delayedInbox.count()) return false;
        return _reportIfLate(delayedConsumed, slaConfig.getSla());
    }

    /// @notice The accumulator step, shared with off-chain derivation.
    function hashBatch(
        bytes32 prevAcc,
        bytes32 dataHash,
        uint8 kind,
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
                    DATA_CALLDATA,
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

    /// @notice Number of batches (sequenced and forced).
    function batchCount() external view returns (uint256) {
        return _batches.length;
    }

    /// @notice The accumulator after all batches (zero before the first).
    function headAccumulator() public view returns (bytes32) {
        uint256 n = _batches.length;
        return n == 0 ? bytes32(0) : _batches[n - 1].accumulator;
    }

    /// @notice The accumulator after batch `batchIndex`.
    function accumulatorOf(uint256 batchIndex) external view returns (bytes32) {
        if (batchIndex >= _batches.length) revert BatchOutOfRange(batchIndex, _batches.length);
        return _batches[batchIndex].accumulator;
    }

    /// @notice A stored batch record.
    function batch(uint256 batchIndex) external view returns (Batch memory) {
        if (batchIndex >= _batches.length) revert BatchOutOfRange(batchIndex, _batches.length);
        return _batches[batchIndex];
    }

    function _append(bytes32 dataHash, uint8 kind, BatchHeader memory h, bytes32 head) private returns (uint256 index) {
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
        index = _batches.length;
        _batches.push(Batch(acc, h.delayedCount, h.l2BlockEnd, uint64(block.timestamp), kind));
        delayedConsumed = h.delayedCount;
        nextL2Block = h.l2BlockEnd + 1;
        emit BatchAppended(
            index,
            acc,
            head,
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
