// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {InExit} from "../libraries/Errors.sol";
import {IDelayedInbox} from "./IDelayedInbox.sol";
import {IExitController} from "./IExitController.sol";

/// @title DelayedInbox
/// @notice The L1 queue of delayed messages: L2 transactions and deposits that anyone enqueues on L1.
///         Each message gets a timestamp, a block number and an accumulator entry. The sequencer must consume
///         them in FIFO order; once the head is older than the inclusion window anyone can force it in
///         through the SequencerInbox.
contract DelayedInbox is IDelayedInbox {
    /// @notice Upper bound on one message's payload.
    uint256 public constant MAX_DATA = 64 * 1024;

    struct Entry {
        bytes32 acc;
        uint64 timestamp;
        uint64 blockNumber;
    }

    /// @notice The exit controller, whose exit mode freezes the queue.
    IExitController public immutable exitController;
    /// @inheritdoc IDelayedInbox
    address public immutable depositor;
    Entry[] private _entries;

    /// @notice Deploys the queue; every reference is fixed at deployment (addresses computed up front).
    /// @param exitController_ the exit controller
    /// @param depositor_ the vault allowed to enqueue deposits
    constructor(IExitController exitController_, address depositor_) {
        exitController = exitController_;
        depositor = depositor_;
    }

    /// @inheritdoc IDelayedInbox
    function enqueue(bytes calldata data) external returns (uint256 index) {
        return _enqueue(msg.sender, MessageKind.L2Transaction, data);
    }

    /// @inheritdoc IDelayedInbox
    function enqueueDeposit(address sender, bytes calldata data) external returns (uint256 index) {
        if (msg.sender != depositor) revert NotDepositor(msg.sender);
        return _enqueue(sender, MessageKind.Deposit, data);
    }

    /// @inheritdoc IDelayedInbox
    function count() external view returns (uint256) {
        return _entries.length;
    }

    /// @inheritdoc IDelayedInbox
    function accumulatorAt(uint256 count_) public view returns (bytes32) {
        if (count_ == 0) return bytes32(0);
        if (count_ > _entries.length) revert IndexOutOfRange(count_, _entries.length);
        return _entries[count_ - 1].acc;
    }

    /// @inheritdoc IDelayedInbox
    function messageTime(uint256 index) external view returns (uint64 timestamp, uint64 blockNumber) {
        if (index >= _entries.length) revert IndexOutOfRange(index, _entries.length);
        Entry storage e = _entries[index];
        return (e.timestamp, e.blockNumber);
    }

    /// @inheritdoc IDelayedInbox
    function isMessage(
        uint256 index,
        address sender,
        MessageKind kind,
        uint64 timestamp,
        uint64 blockNumber,
        bytes32 dataHash
    ) external view returns (bool) {
        if (index >= _entries.length) return false;
        return _entries[index].acc == hashMessage(accumulatorAt(index), sender, kind, timestamp, blockNumber, dataHash);
    }

    /// @inheritdoc IDelayedInbox
    function hashMessage(
        bytes32 prevAcc,
        address sender,
        MessageKind kind,
        uint64 timestamp,
        uint64 blockNumber,
        bytes32 dataHash
    ) public pure returns (bytes32) {
        return keccak256(abi.encode(prevAcc, sender, kind, timestamp, blockNumber, dataHash));
    }

    function _enqueue(address sender, MessageKind kind, bytes calldata data) private returns (uint256 index) {
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
