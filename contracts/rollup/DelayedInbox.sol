// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IDelayedInbox, IExitController} from "../interfaces/IRollup.sol";

/// @title DelayedInbox
/// @notice The L1 queue of delayed messages: L2 transactions and deposits that anyone enqueues on L1.
///         Each message gets a timestamp, a block number and an accumulator entry. The sequencer must consume
///         them in FIFO order; once the head is older than the inclusion window anyone can force it in
///         through the SequencerInbox.
contract DelayedInbox is IDelayedInbox {
    /// @notice Message kinds.
    uint8 public constant KIND_L2_TX = 0;
    uint8 public constant KIND_DEPOSIT = 1;
    /// @notice Upper bound on one message's payload.
    uint256 public constant MAX_DATA = 64 * 1024;

    struct Entry {
        bytes32 acc;
        uint64 timestamp;
        uint64 blockNumber;
    }

    IExitController public immutable exitController;
    address private immutable _deployer;
    /// @notice The only address that may enqueue deposits (the vault), set once at deployment.
    address public depositor;
    Entry[] private _entries;

    /// @notice A message was enqueued; carries everything a node needs to replay it.
    event MessageEnqueued(
        uint256 indexed index,
        address indexed sender,
        uint8 kind,
        bytes data,
        uint64 timestamp,
        uint64 blockNumber,
        bytes32 accumulator
    );
    /// @notice The depositor was wired.
    event DepositorSet(address depositor);

    error InExit();
    error EmptyMessage();
    error MessageTooLarge(uint256 size, uint256 max);
    error NotDepositor();
    error NotDeployer();
    error AlreadyWired();
    error IndexOutOfRange(uint256 index, uint256 count);

    constructor(IExitController exitController_) {
        exitController = exitController_;
        _deployer = msg.sender;
    }

    /// @notice Sets the vault allowed to enqueue deposits; once, by the deployer.
    function setDepositor(address vault) external {
        if (msg.sender != _deployer) revert NotDeployer();
        if (depositor != address(0)) revert AlreadyWired();
        depositor = vault;
        emit DepositorSet(vault);
    }

    /// @notice Enqueues an L2 transaction (an RLP-encoded signed transaction, or any payload the L2 derives).
    /// @return index the message's position in the queue
    function enqueue(bytes calldata data) external returns (uint256 index) {
        return _enqueue(msg.sender, KIND_L2_TX, data);
    }

    /// @notice Enqueues a deposit message on behalf of `sender`; only the vault.
    function enqueueDeposit(address sender, bytes calldata data) external returns (uint256 index) {
        if (msg.sender != depositor) revert NotDepositor();
        return _enqueue(sender, KIND_DEPOSIT, data);
    }

    /// @notice Number of messages ever enqueued.
    function count() external view returns (uint256) {
        return _entries.length;
    }

    /// @notice Accumulator after the first `count_` messages (zero for none).
    function accumulatorAt(uint256 count_) public view returns (bytes32) {
        if (count_ == 0) return bytes32(0);
        if (count_ > _entries.length) revert IndexOutOfRange(count_, _entries.length);
        return _entries[count_ - 1].acc;
    }

    /// @notice When message `index` was enqueued.
    function messageTime(uint256 index) external view returns (uint64 timestamp, uint64 blockNumber) {
        if (index >= _entries.length) revert IndexOutOfRange(index, _entries.length);
        Entry storage e = _entries[index];
        return (e.timestamp, e.blockNumber);
    }

    /// @notice The accumulator step, shared with off-chain derivation.
    function hashMessage(
        bytes32 prevAcc,
        address sender,
        uint8 kind,
        uint64 timestamp,
        uint64 blockNumber,
        bytes32 dataHash
    ) public pure returns (bytes32) {
        return keccak256(abi.encode(prevAcc, sender, kind, timestamp, blockNumber, dataHash));
    }

    function _enqueue(address sender, uint8 kind, bytes calldata data) private returns (uint256 index) {
        if (exitController.inExit()) revert InExit();
        if (data.length == 0) revert EmptyMessage();
        if (data.length > MAX_DATA) revert MessageTooLarge(data.length, MAX_DATA);
        index = _entries.length;
        bytes32 prev = index == 0 ? bytes32(0) : _entries[index - 1].acc;
        uint64 ts = uint64(block.timestamp);
        uint64 bn = uint64(block.number);
        bytes32 acc = hashMessage(prev, sender, kind, ts, bn, keccak256(data));
        _entries.push(Entry(acc, ts, bn));
        emit MessageEnqueued(index, sender, kind, data, ts, bn, acc);
    }
}
