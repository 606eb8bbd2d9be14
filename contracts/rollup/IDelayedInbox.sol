// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IDelayedInbox
/// @notice The L1 queue of delayed messages (L2 transactions and deposits) that anyone enqueues on L1. Each message
///         gets a timestamp, a block number and an accumulator entry; the sequencer must consume them in FIFO order.
interface IDelayedInbox {
    /// @notice What a delayed message carries.
    enum MessageKind {
        /// @notice An L2 transaction (an RLP-encoded signed transaction, or any payload the L2 derives)
        L2Transaction,
        /// @notice A deposit from the vault: `abi.encode(token, from, l2Recipient, amount)`
        Deposit
    }

    /// @notice A message was enqueued; carries everything a node needs to replay it.
    /// @param index the message's position in the queue
    /// @param sender who sent it on L1 (for a deposit: the depositor)
    /// @param kind what it carries
    /// @param data the payload
    /// @param timestamp L1 time of the enqueue
    /// @param blockNumber L1 block of the enqueue
    /// @param accumulator the queue accumulator after this message
    event MessageEnqueued(
        uint256 indexed index,
        address indexed sender,
        MessageKind kind,
        bytes data,
        uint64 timestamp,
        uint64 blockNumber,
        bytes32 accumulator
    );

    /// @notice The message payload is empty.
    error EmptyMessage();
    /// @notice The message payload is larger than `MAX_DATA`.
    /// @param size the payload's size in bytes
    /// @param max the largest allowed size
    error MessageTooLarge(uint256 size, uint256 max);
    /// @notice Only the vault may enqueue deposits.
    /// @param caller the account that called
    error NotDepositor(address caller);
    /// @notice `index` is not a message of the queue.
    /// @param index the index asked for
    /// @param count how many messages exist
    error IndexOutOfRange(uint256 index, uint256 count);

    /// @notice The vault, the only address that may enqueue deposits.
    /// @return the vault's address
    function depositor() external view returns (address);

    /// @notice Enqueues an L2 transaction (an RLP-encoded signed transaction, or any payload the L2 derives).
    /// @param data the payload, 1 byte to `MAX_DATA`
    /// @return index the message's position in the queue
    function enqueue(bytes calldata data) external returns (uint256 index);

    /// @notice Enqueues a deposit message on behalf of `sender`; only the vault.
    /// @param sender the depositor on L1
    /// @param data `abi.encode(token, from, l2Recipient, amount)`
    /// @return index the message's position in the queue
    function enqueueDeposit(address sender, bytes calldata data) external returns (uint256 index);

    /// @notice Number of messages ever enqueued.
    /// @return the count
    function count() external view returns (uint256);

    /// @notice Accumulator after the first `count_` messages (zero for none).
    /// @param count_ how many messages, from the first
    /// @return the accumulator
    function accumulatorAt(uint256 count_) external view returns (bytes32);

    /// @notice When message `index` was enqueued.
    /// @param index the message
    /// @return timestamp L1 time of the enqueue
    /// @return blockNumber L1 block of the enqueue
    function messageTime(uint256 index) external view returns (uint64 timestamp, uint64 blockNumber);

    /// @notice Whether message `index` is exactly the given message, checked against the stored accumulators.
    /// @param index the message's position in the queue
    /// @param sender its L1 sender
    /// @param kind its kind
    /// @param timestamp its L1 time
    /// @param blockNumber its L1 block
    /// @param dataHash keccak256 of its payload
    /// @return true if the accumulator step from `index` to `index + 1` hashes exactly these fields
    function isMessage(
        uint256 index,
        address sender,
        MessageKind kind,
        uint64 timestamp,
        uint64 blockNumber,
        bytes32 dataHash
    ) external view returns (bool);

    /// @notice The accumulator step, shared with off-chain derivation.
    /// @param prevAcc the accumulator before the message
    /// @param sender its L1 sender
    /// @param kind its kind
    /// @param timestamp its L1 time
    /// @param blockNumber its L1 block
    /// @param dataHash keccak256 of its payload
    /// @return the accumulator after the message
    function hashMessage(
        bytes32 prevAcc,
        address sender,
        MessageKind kind,
        uint64 timestamp,
        uint64 blockNumber,
        bytes32 dataHash
    ) external pure returns (bytes32);
}
