// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title ISequencerInbox
/// @notice The canonical, ordered list of batches as a rolling accumulator. Only the active sequencer may append;
///         each batch consumes delayed messages in FIFO order. Once the queue head is older than the inclusion
///         window, anyone may force messages in without the sequencer.
interface ISequencerInbox {
    /// @notice Who produced a batch.
    enum BatchKind {
        /// @notice posted by the active sequencer, with data
        Sequenced,
        /// @notice forced in by anyone from the delayed queue, one L2 block per message, no data
        Forced
    }

    /// @notice Where a batch's data lives. Calldata today; a blob source can be added without changing the accumulator.
    enum DataSource {
        /// @notice the data is the `appendBatch` transaction's calldata
        Calldata
    }

    /// @notice What a sequencer commits to besides its data.
    struct BatchHeader {
        /// @notice must equal the current head: a batch can only extend the canonical sequence
        bytes32 prevAccumulator;
        /// @notice total delayed messages consumed once this batch is applied
        uint64 delayedCount;
        /// @notice first L2 block of the batch (the next block of the sequence)
        uint64 l2BlockStart;
        /// @notice last L2 block of the batch, at most `MAX_L2_BLOCKS_PER_BATCH - 1` after the start
        uint64 l2BlockEnd;
        /// @notice earliest L1 time at which the batch may land
        uint64 minTimestamp;
        /// @notice latest L1 time at which the batch may land
        uint64 maxTimestamp;
    }

    /// @notice A stored batch record.
    struct Batch {
        /// @notice the accumulator after this batch
        bytes32 accumulator;
        /// @notice total delayed messages consumed after this batch
        uint64 delayedCount;
        /// @notice last L2 block of the batch
        uint64 l2BlockEnd;
        /// @notice L1 time it landed
        uint64 postedAt;
        /// @notice who produced it
        BatchKind kind;
        /// @notice number of batches up to and including the last sequenced one when this batch landed
        uint40 sequencedCount;
    }

    /// @notice A batch was appended. Nodes read its data from the transaction input.
    /// @param index the batch index
    /// @param accumulator the accumulator after the batch
    /// @param prevAccumulator the accumulator before it
    /// @param dataHash keccak256 of its data (zero for a forced batch)
    /// @param kind who produced it
    /// @param delayedCount total delayed messages consumed after it
    /// @param delayedAccumulator the delayed-queue accumulator at `delayedCount`
    /// @param l2BlockStart its first L2 block
    /// @param l2BlockEnd its last L2 block
    /// @param minTimestamp its earliest allowed L1 time
    /// @param maxTimestamp its latest allowed L1 time
    /// @param poster who sent it
    event BatchAppended(
        uint256 indexed index,
        bytes32 indexed accumulator,
        bytes32 prevAccumulator,
        bytes32 dataHash,
        BatchKind kind,
        uint64 delayedCount,
        bytes32 delayedAccumulator,
        uint64 l2BlockStart,
        uint64 l2BlockEnd,
        uint64 minTimestamp,
        uint64 maxTimestamp,
        address poster
    );
    /// @notice Delayed messages [fromIndex, toIndex) were forced in by `caller`.
    /// @param batchIndex the forced batch
    /// @param fromIndex first message forced
    /// @param toIndex one past the last message forced
    /// @param caller who forced them
    event ForcedInclusion(uint256 indexed batchIndex, uint256 fromIndex, uint256 toIndex, address indexed caller);
    /// @notice The queue head passed its inclusion window before being included.
    /// @param messageIndex the queue head
    /// @param enqueuedAt when it was enqueued
    /// @param age its age now
    /// @param window the inclusion window
    event InclusionSlaBreached(uint256 indexed messageIndex, uint64 enqueuedAt, uint64 age, uint64 window);

    /// @notice Only the active sequencer may append batches.
    /// @param caller the account that called
    /// @param active the active sequencer
    error NotActiveSequencer(address caller, address active);
    /// @notice The batch does not build on the current head.
    /// @param given the header's `prevAccumulator`
    /// @param head the current head
    error StalePrevAccumulator(bytes32 given, bytes32 head);
    /// @notice The delayed count would skip back or past the queue.
    /// @param given the requested total
    /// @param consumed how many are consumed already
    /// @param available how many exist
    error DelayedCountOutOfRange(uint256 given, uint256 consumed, uint256 available);
    /// @notice The L2 block range does not start at the next block, is reversed, or is longer than allowed.
    /// @param start the header's first block
    /// @param end the header's last block
    /// @param expectedStart the next block of the sequence
    /// @param maxBlocks the most blocks one batch may hold
    error L2BlockRange(uint64 start, uint64 end, uint64 expectedStart, uint64 maxBlocks);
    /// @notice The batch landed outside its own time bounds.
    /// @param minTimestamp the header's earliest time
    /// @param maxTimestamp the header's latest time
    /// @param timestamp the block time
    error OutsideTimeBounds(uint64 minTimestamp, uint64 maxTimestamp, uint256 timestamp);
    /// @notice Nothing new to force: the count does not pass what is consumed.
    error NothingToForce();
    /// @notice The last message to force has not yet passed the inclusion window (seconds and blocks).
    /// @param messageIndex the last message asked for
    /// @param opensAt the first L1 time at which it may be forced
    /// @param opensAtBlock the first L1 block at which it may be forced
    error InclusionWindowOpen(uint256 messageIndex, uint64 opensAt, uint64 opensAtBlock);
    /// @notice `index` is not a batch.
    /// @param index the index asked for
    /// @param count how many batches exist
    error BatchOutOfRange(uint256 index, uint256 count);

    /// @notice Appends a batch; only the active sequencer.
    /// @param data the batch's L2 blocks, as the node encodes them
    /// @param h the header the batch commits to
    /// @return index the batch index
    function appendBatch(bytes calldata data, BatchHeader calldata h) external returns (uint256 index);

    /// @notice Forces delayed messages up to (excluding) `newDelayedCount` into the canonical sequence. Anyone may
    ///         call once the last of them is older than the inclusion window, in seconds and in blocks. Each forced
    ///         message becomes one L2 block; at most `MAX_L2_BLOCKS_PER_BATCH` per call.
    /// @param newDelayedCount the total consumed afterwards
    /// @return index the forced batch's index
    function forceInclude(uint256 newDelayedCount) external returns (uint256 index);

    /// @notice Emits `InclusionSlaBreached` if the queue head has passed its window; for watchers.
    /// @return breached whether the head is late
    function pokeInclusionSla() external returns (bool breached);

    /// @notice The accumulator step, shared with off-chain derivation.
    /// @param prevAcc the accumulator before the batch
    /// @param dataHash keccak256 of the batch data (zero for forced)
    /// @param kind who produced it
    /// @param delayedCount total delayed messages consumed after it
    /// @param delayedAcc the delayed-queue accumulator at `delayedCount`
    /// @param l2BlockStart its first L2 block
    /// @param l2BlockEnd its last L2 block
    /// @param minTimestamp its earliest allowed L1 time
    /// @param maxTimestamp its latest allowed L1 time
    /// @return the accumulator after the batch
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
    ) external pure returns (bytes32);

    /// @notice Number of batches (sequenced and forced).
    /// @return the count
    function batchCount() external view returns (uint256);

    /// @notice The accumulator after all batches (zero before the first).
    /// @return the head
    function headAccumulator() external view returns (bytes32);

    /// @notice Whether a node that has synced to `accumulator` is in sync with the canonical sequence: it is the
    ///         head, or the head before a tail of forced inclusions (which need no sequencer data to follow).
    /// @param accumulator the accumulator a node reports
    /// @return true if a node at `accumulator` holds everything only the sequencers could have given it
    function isSyncPoint(bytes32 accumulator) external view returns (bool);

    /// @notice The accumulator after batch `batchIndex`.
    /// @param batchIndex the batch
    /// @return the accumulator
    function accumulatorOf(uint256 batchIndex) external view returns (bytes32);

    /// @notice A stored batch record.
    /// @param batchIndex the batch
    /// @return the record
    function batch(uint256 batchIndex) external view returns (Batch memory);

    /// @notice Delayed messages consumed by the canonical sequence so far.
    /// @return the count
    function delayedConsumed() external view returns (uint64);

    /// @notice The next L2 block number the sequence will produce.
    /// @return the block number
    function nextL2Block() external view returns (uint64);

    /// @notice When the last sequencer batch (not a forced inclusion) landed; deployment time before any.
    /// @return the L1 time
    function lastBatchTime() external view returns (uint64);
}
