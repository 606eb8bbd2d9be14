// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {ThresholdSig} from "../libraries/ThresholdSig.sol";
import {Committee} from "../libraries/Committee.sol";
import {ISlaConfig, ISequencerInbox, IExitController, IStateCommitment} from "../interfaces/IRollup.sol";

interface IExitTime {
    function exitedAt() external view returns (uint64);
}

/// @title StateCommitment
/// @notice The validator committee (N keys, threshold M) re-executes batches from L1 data and signs
///         `(batchIndex, accumulator, l2StateRoot, exitRoot, identityRoot)` as EIP-712 typed data. Commitments
///         form a chain with no gaps or forks; each becomes final after `finalityDelay` unless the council
///         vetoes it first. Exit mode freezes the chain.
contract StateCommitment is EIP712, IStateCommitment {
    using Committee for Committee.Set;

    bytes32 public constant COMMITMENT_TYPEHASH = keccak256(
        "Commitment(uint256 index,uint256 batchIndex,bytes32 accumulator,bytes32 l2StateRoot,bytes32 exitRoot,bytes32 identityRoot,bytes32 prevCommitment,uint256 validatorEpoch,uint256 deadline)"
    );

    /// @notice What validators sign.
    struct CommitmentData {
        uint256 index;
        uint256 batchIndex;
        bytes32 accumulator;
        bytes32 l2StateRoot;
        bytes32 exitRoot;
        bytes32 identityRoot;
    }

    /// @dev The L2 state root is in the signed hash and the event; L1 never reads it, so it is not stored.
    struct Stored {
        bytes32 hash;
        bytes32 exitRoot;
        bytes32 identityRoot;
        uint64 batchIndex;
        uint64 submittedAt;
        uint64 finalAt;
    }

    address public immutable governor;
    ISlaConfig public immutable slaConfig;
    ISequencerInbox public immutable inbox;
    IExitController public immutable exitController;
    uint64 public immutable genesisTime;

    Committee.Set private _validators;
    Stored[] private _commitments;

    /// @notice A commitment was submitted; final at `finalAt` unless vetoed.
    event CommitmentSubmitted(
        uint256 indexed index,
        bytes32 indexed commitmentHash,
        CommitmentData data,
        uint64 finalAt
    );
    /// @notice The council vetoed commitment `index`; it and every later pending one were dropped.
    event CommitmentVetoed(uint256 indexed index, bytes32 commitmentHash, uint256 dropped);
    /// @notice The validator committee changed.
    event ValidatorsChanged(uint256 indexed epoch, address[] validators, uint256 threshold);

    error NotGovernor();
    error InExit();
    error WrongIndex(uint256 given, uint256 expected);
    error UnknownBatch(uint256 batchIndex, uint256 batchCount);
    error NotAfterPrevious(uint256 batchIndex, uint256 previousBatchIndex);
    error AccumulatorMismatch(bytes32 given, bytes32 onChain);
    error UnknownCommitment(uint256 index);
    error CommitmentHashMismatch(bytes32 given, bytes32 stored);
    error AlreadyFinal(uint256 index, uint64 finalAt);

    constructor(
        address governor_,
        ISlaConfig sla,
        ISequencerInbox inbox_,
        IExitController exitController_,
        address[] memory validatorSet,
        uint256 threshold
    ) EIP712("SovereignStateCommitment", "1") {
        governor = governor_;
        slaConfig = sla;
        inbox = inbox_;
        exitController = exitController_;
        genesisTime = uint64(block.timestamp);
        _validators.replace(validatorSet, threshold);
        emit ValidatorsChanged(_validators.epoch, validatorSet, threshold);
    }

    /// @notice Submits the next commitment with M-of-N validator signatures (ascending signers). Anyone may relay.
    function commit(CommitmentData calldata c, uint256 deadline, ThresholdSig.Signature[] calldata sigs) external {
        if (exitController.inExit()) revert InExit();
        ThresholdSig.checkDeadline(deadline);
        uint256 n = _commitments.length;
        if (c.index != n) revert WrongIndex(c.index, n);
        uint256 batches = inbox.batchCount();
        if (c.batchIndex >= batches) revert UnknownBatch(c.batchIndex, batches);
        bytes32 prevHash;
        uint64 prevFinalAt;
        if (n > 0) {
            Stored storage p = _commitments[n - 1];
            if (c.batchIndex <= p.batchIndex) revert NotAfterPrevious(c.batchIndex, p.batchIndex);
            prevHash = p.hash;
            prevFinalAt = p.finalAt;
        }
        bytes32 onChain = inbox.accumulatorOf(c.batchIndex);
        if (c.accumulator != onChain) revert AccumulatorMismatch(c.accumulator, onChain);
        bytes32 structHash = _structHash(c, prevHash, deadline);
        ThresholdSig.verify(_hashTypedDataV4(structHash), sigs, _validators.threshold, _validators.isMember);
        uint64 finalAt = uint64(block.timestamp) + slaConfig.getSla().finalityDelay;
        if (finalAt < prevFinalAt) finalAt = prevFinalAt; // finality stays in order
        _commitments.push(
            Stored(structHash, c.exitRoot, c.identityRoot, uint64(c.batchIndex), uint64(block.timestamp), finalAt)
        );
        emit CommitmentSubmitted(n, structHash, c, finalAt);
    }

    /// @notice Drops pending commitment `index` and every later one; only the governor (council signatures).
    function veto(uint256 index, bytes32 commitmentHash) external {
        if (msg.sender != governor) revert NotGovernor();
        if (exitController.inExit()) revert InExit();
        uint256 n = _commitments.length;
        if (index >= n) revert UnknownCommitment(index);
        Stored storage s = _commitments[index];
        if (s.hash != commitmentHash) revert CommitmentHashMismatch(commitmentHash, s.hash);
        if (s.finalAt <= block.timestamp) revert AlreadyFinal(index, s.finalAt);
        for (uint256 i = n; i > index; --i) _commitments.pop();
        emit CommitmentVetoed(index, commitmentHash, n - index);
    }

    /// @notice Replaces the validator committee; only the governor (council through the timelock).
    function setValidators(address[] calldata validatorSet, uint256 threshold) external {
        if (msg.sender != governor) revert NotGovernor();
        _validators.replace(validatorSet, threshold);
        emit ValidatorsChanged(_validators.epoch, validatorSet, threshold);
    }

    /// @notice The EIP-712 digest validators sign for `c` on top of the current chain.
    function commitmentDigest(CommitmentData calldata c, uint256 deadline) external view returns (bytes32) {
        uint256 n = _commitments.length;
        bytes32 prevHash = n == 0 ? bytes32(0) : _commitments[n - 1].hash;
        return _hashTypedDataV4(_structHash(c, prevHash, deadline));
    }

    /// @notice Number of commitments (pending and final).
    function count() external view returns (uint256) {
        return _commitments.length;
    }

    /// @notice A stored commitment.
    function get(uint256 index) external view returns (Stored memory) {
        if (index >= _commitments.length) revert UnknownCommitment(index);
        return _commitments[index];
    }

    /// @notice The committee, threshold and epoch.
    function validators() external view returns (address[] memory members, uint256 threshold, uint256 epoch) {
        return (_validators.members, _validators.threshold, _validators.epoch);
    }

    /// @notice Whether commitment `index` was final at time `at`.
    function finalizedAt(uint256 index, uint64 at) public view returns (bool) {
        return index < _commitments.length && _commitments[index].finalAt <= at;
    }

    /// @notice The latest commitment that is final now; in exit mode, the latest final when exit began.
    function lastFinalized() public view returns (bool exists, uint256 index) {
        return _lastFinalAt(_cutoff());
    }

    /// @notice When the latest final commitment became final (genesis time before any).
    function lastFinalizedTime() external view returns (uint64) {
        (bool exists, uint256 index) = lastFinalized();
        return exists ? _commitments[index].finalAt : genesisTime;
    }

    /// @notice Roots of commitment `index` and whether it is final (frozen at the exit time in exit mode).
    function roots(uint256 index) external view returns (bytes32 exitRoot, bytes32 identityRoot, bool finalized) {
        if (index >= _commitments.length) revert UnknownCommitment(index);
        Stored storage s = _commitments[index];
        return (s.exitRoot, s.identityRoot, s.finalAt <= _cutoff());
    }

    function _cutoff() private view returns (uint64) {
        if (exitController.inExit()) return IExitTime(address(exitController)).exitedAt();
        return uint64(block.timestamp);
    }

    /// @dev finalAt is non-decreasing, so binary search.
    function _lastFinalAt(uint64 at) private view returns (bool, uint256) {
        uint256 lo = 0;
        uint256 hi = _commitments.length;
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            if (_commitments[mid].finalAt <= at) lo = mid + 1;
            else hi = mid;
        }
        return lo == 0 ? (false, 0) : (true, lo - 1);
    }

    function _structHash(CommitmentData calldata c, bytes32 prevHash, uint256 deadline) private view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    COMMITMENT_TYPEHASH,
                    c.index,
                    c.batchIndex,
                    c.accumulator,
                    c.l2StateRoot,
                    c.exitRoot,
                    c.identityRoot,
                    prevHash,
                    _validators.epoch,
                    deadline
                )
            );
    }
}
