// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {InExit, NotGovernor} from "../libraries/Errors.sol";
import {ThresholdSig} from "../libraries/ThresholdSig.sol";
import {Committee} from "../libraries/Committee.sol";
import {ISlaConfig} from "./ISlaConfig.sol";
import {ISequencerInbox} from "./ISequencerInbox.sol";
import {IExitController} from "./IExitController.sol";
import {IStateCommitment} from "./IStateCommitment.sol";

/// @title StateCommitment
/// @notice The validator committee (N keys, threshold M) re-executes batches from L1 data and signs
///         `(batchIndex, accumulator, l2StateRoot, exitRoot, identityRoot)` as EIP-712 typed data. Commitments
///         form a chain with no gaps or forks; each becomes final after `finalityDelay` unless the council
///         vetoes it first, and a vetoed commitment can never be submitted again. Exit mode freezes the chain.
contract StateCommitment is EIP712, IStateCommitment {
    using Committee for Committee.Set;

    /// @notice EIP-712 type of what validators sign.
    bytes32 public constant COMMITMENT_TYPEHASH = keccak256(
        "Commitment(uint256 index,uint256 batchIndex,bytes32 accumulator,bytes32 l2StateRoot,bytes32 exitRoot,bytes32 identityRoot,bytes32 prevCommitment,uint256 validatorEpoch,uint256 deadline)"
    );

    /// @notice The governance timelock, the only account that may change the committee.
    address public immutable governor;
    /// @notice The SLA (finality delay).
    ISlaConfig public immutable slaConfig;
    /// @notice The inbox whose batches commitments cover.
    ISequencerInbox public immutable inbox;
    /// @notice The exit controller: the only account that may veto, and whose exit mode freezes the chain.
    IExitController public immutable exitController;
    /// @notice Deployment time: the finality clock's start before any commitment is final.
    uint64 public immutable genesisTime;

    Committee.Set private _validators;
    Stored[] private _commitments;
    /// @inheritdoc IStateCommitment
    mapping(bytes32 commitmentHash => bool) public vetoed;

    /// @notice Deploys the commitment chain; every reference is fixed at deployment (addresses computed up front).
    /// @param governor_ the governance timelock (CouncilTimelock)
    /// @param sla the SLA
    /// @param inbox_ the sequencer inbox
    /// @param exitController_ the exit controller
    /// @param validatorSet the committee
    /// @param threshold its threshold M, with M > N/2 and M >= 2
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

    /// @inheritdoc IStateCommitment
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
        if (vetoed[structHash]) revert CommitmentWasVetoed(structHash);
        ThresholdSig.verify(_hashTypedDataV4(structHash), sigs, _validators.threshold, _validators.isMember);
        uint64 finalAt = uint64(block.timestamp) + slaConfig.getSla().finalityDelay;
        if (finalAt < prevFinalAt) finalAt = prevFinalAt; // finality stays in order
        _commitments.push(
            Stored(structHash, c.exitRoot, c.identityRoot, uint64(c.batchIndex), uint64(block.timestamp), finalAt)
        );
        emit CommitmentSubmitted(n, structHash, c, finalAt);
    }

    /// @inheritdoc IStateCommitment
    function veto(uint256 index, bytes32 commitmentHash) external {
        if (msg.sender != address(exitController)) revert NotExitController(msg.sender);
        if (exitController.inExit()) revert InExit();
        uint256 n = _commitments.length;
        if (index >= n) revert UnknownCommitment(index);
        Stored storage s = _commitments[index];
        if (s.hash != commitmentHash) revert CommitmentHashMismatch(commitmentHash, s.hash);
        if (s.finalAt <= block.timestamp) revert AlreadyFinal(index, s.finalAt);
        // Every dropped commitment is dead for good: its validator signatures stay valid, so without this mark
        // anyone could re-submit it (and what built on it) from the original calldata.
        for (uint256 i = n; i > index; --i) {
            vetoed[_commitments[i - 1].hash] = true;
            _commitments.pop();
        }
        emit CommitmentVetoed(index, commitmentHash, n - index);
    }

    /// @inheritdoc IStateCommitment
    function setValidators(address[] calldata validatorSet, uint256 threshold) external {
        if (msg.sender != governor) revert NotGovernor(msg.sender);
        _validators.replace(validatorSet, threshold);
        emit ValidatorsChanged(_validators.epoch, validatorSet, threshold);
    }

    /// @inheritdoc IStateCommitment
    function commitmentDigest(CommitmentData calldata c, uint256 deadline) external view returns (bytes32) {
        uint256 n = _commitments.length;
        bytes32 prevHash = n == 0 ? bytes32(0) : _commitments[n - 1].hash;
        return _hashTypedDataV4(_structHash(c, prevHash, deadline));
    }

    /// @inheritdoc IStateCommitment
    function count() external view returns (uint256) {
        return _commitments.length;
    }

    /// @inheritdoc IStateCommitment
    function get(uint256 index) external view returns (Stored memory) {
        if (index >= _commitments.length) revert UnknownCommitment(index);
        return _commitments[index];
    }

    /// @inheritdoc IStateCommitment
    function validators() external view returns (address[] memory members, uint256 threshold, uint256 epoch) {
        return (_validators.members, _validators.threshold, _validators.epoch);
    }

    /// @inheritdoc IStateCommitment
    function lastFinalized() public view returns (bool exists, uint256 index) {
        return _lastFinalAt(_cutoff());
    }

    /// @inheritdoc IStateCommitment
    function lastFinalizedTime() external view returns (uint64) {
        (bool exists, uint256 index) = lastFinalized();
        return exists ? _commitments[index].finalAt : genesisTime;
    }

    /// @inheritdoc IStateCommitment
    function lastFinalizedDelayedCount() external view returns (uint64) {
        (bool exists, uint256 index) = lastFinalized();
        return exists ? inbox.batch(_commitments[index].batchIndex).delayedCount : 0;
    }

    /// @inheritdoc IStateCommitment
    function roots(uint256 index) external view returns (bytes32 exitRoot, bytes32 identityRoot, bool finalized) {
        if (index >= _commitments.length) revert UnknownCommitment(index);
        Stored storage s = _commitments[index];
        return (s.exitRoot, s.identityRoot, s.finalAt <= _cutoff());
    }

    function _cutoff() private view returns (uint64) {
        uint64 exitedAt = exitController.exitedAt();
        if (exitedAt != 0) return exitedAt;
        return uint64(block.timestamp);
    }

    /// @dev finalAt is non-decreasing. The common cases (the newest, or the one before it, is final) cost one or
    ///      two reads; otherwise binary search.
    function _lastFinalAt(uint64 at) private view returns (bool, uint256) {
        uint256 n = _commitments.length;
        if (n == 0) return (false, 0);
        if (_commitments[n - 1].finalAt <= at) return (true, n - 1);
        if (n == 1) return (false, 0);
        if (_commitments[n - 2].finalAt <= at) return (true, n - 2);
        uint256 lo = 0;
        uint256 hi = n - 2;
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
