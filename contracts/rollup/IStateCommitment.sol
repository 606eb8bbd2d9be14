// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ThresholdSig} from "../libraries/ThresholdSig.sol";

/// @title IStateCommitment
/// @notice The validator committee (N keys, threshold M) re-executes batches from L1 data and signs
///         `(batchIndex, accumulator, l2StateRoot, exitRoot, identityRoot)` as EIP-712 typed data. Commitments form a
///         chain with no gaps or forks; each becomes final after `finalityDelay` unless the council vetoes it first.
///         A vetoed commitment can never be submitted again. Exit mode freezes the chain.
interface IStateCommitment {
    /// @notice What validators sign.
    struct CommitmentData {
        /// @notice position in the chain of commitments
        uint256 index;
        /// @notice the last batch it covers
        uint256 batchIndex;
        /// @notice the inbox accumulator after that batch
        bytes32 accumulator;
        /// @notice the L2 state root after that batch
        bytes32 l2StateRoot;
        /// @notice root of the escape and withdrawal leaves
        bytes32 exitRoot;
        /// @notice root of the L2 identity registry
        bytes32 identityRoot;
    }

    /// @notice A stored commitment. The L2 state root is in the signed hash and the event; L1 never reads it.
    struct Stored {
        /// @notice the EIP-712 struct hash the validators signed
        bytes32 hash;
        /// @notice root of the escape and withdrawal leaves
        bytes32 exitRoot;
        /// @notice root of the L2 identity registry
        bytes32 identityRoot;
        /// @notice the last batch it covers
        uint64 batchIndex;
        /// @notice when it was submitted
        uint64 submittedAt;
        /// @notice when it becomes final unless vetoed
        uint64 finalAt;
    }

    /// @notice A commitment was submitted; final at `finalAt` unless vetoed.
    /// @param index its position
    /// @param commitmentHash the struct hash the validators signed
    /// @param data what they signed
    /// @param finalAt when it becomes final
    event CommitmentSubmitted(
        uint256 indexed index,
        bytes32 indexed commitmentHash,
        CommitmentData data,
        uint64 finalAt
    );
    /// @notice The council vetoed commitment `index`; it and every later pending one were dropped for good.
    /// @param index the vetoed commitment
    /// @param commitmentHash its hash
    /// @param dropped how many commitments were dropped (it and those built on it)
    event CommitmentVetoed(uint256 indexed index, bytes32 commitmentHash, uint256 dropped);
    /// @notice The validator committee changed.
    /// @param epoch the committee's new epoch
    /// @param validators the new members
    /// @param threshold the new threshold
    event ValidatorsChanged(uint256 indexed epoch, address[] validators, uint256 threshold);

    /// @notice Only the exit controller (council signatures) may veto.
    /// @param caller the account that called
    error NotExitController(address caller);
    /// @notice The commitment's index is not the next one.
    /// @param given the index submitted
    /// @param expected the next index
    error WrongIndex(uint256 given, uint256 expected);
    /// @notice The batch does not exist yet.
    /// @param batchIndex the batch named
    /// @param batchCount how many batches exist
    error UnknownBatch(uint256 batchIndex, uint256 batchCount);
    /// @notice The batch is not after the previous commitment's batch.
    /// @param batchIndex the batch named
    /// @param previousBatchIndex the previous commitment's batch
    error NotAfterPrevious(uint256 batchIndex, uint256 previousBatchIndex);
    /// @notice The accumulator is not the inbox's accumulator after that batch.
    /// @param given the accumulator submitted
    /// @param onChain the inbox's accumulator
    error AccumulatorMismatch(bytes32 given, bytes32 onChain);
    /// @notice No commitment has this index.
    /// @param index the index asked for
    error UnknownCommitment(uint256 index);
    /// @notice The hash does not match the stored commitment.
    /// @param given the hash named
    /// @param stored the stored hash
    error CommitmentHashMismatch(bytes32 given, bytes32 stored);
    /// @notice The commitment is already final and can no longer be vetoed.
    /// @param index the commitment
    /// @param finalAt when it became final
    error AlreadyFinal(uint256 index, uint64 finalAt);
    /// @notice This commitment was vetoed by the council; its signatures are dead for good.
    /// @param commitmentHash its hash
    error CommitmentWasVetoed(bytes32 commitmentHash);

    /// @notice Submits the next commitment with M-of-N validator signatures (ascending signers). Anyone may relay.
    /// @param c what the validators signed
    /// @param deadline the signed deadline
    /// @param sigs validator signatures sorted by ascending signer address
    function commit(CommitmentData calldata c, uint256 deadline, ThresholdSig.Signature[] calldata sigs) external;

    /// @notice Drops pending commitment `index` and every later one, for good; only the exit controller.
    /// @param index the commitment
    /// @param commitmentHash its hash
    function veto(uint256 index, bytes32 commitmentHash) external;

    /// @notice Replaces the validator committee; only the governor (the council through its timelock).
    /// @param validatorSet the new members
    /// @param threshold the new threshold M, with M > N/2 and M >= 2
    function setValidators(address[] calldata validatorSet, uint256 threshold) external;

    /// @notice The EIP-712 digest validators sign for `c` on top of the current chain.
    /// @param c the commitment
    /// @param deadline the deadline to sign
    /// @return the digest
    function commitmentDigest(CommitmentData calldata c, uint256 deadline) external view returns (bytes32);

    /// @notice Number of commitments (pending and final).
    /// @return the count
    function count() external view returns (uint256);

    /// @notice A stored commitment.
    /// @param index the commitment
    /// @return the record
    function get(uint256 index) external view returns (Stored memory);

    /// @notice Whether the council vetoed a commitment with this hash.
    /// @param commitmentHash the struct hash
    /// @return whether it was vetoed
    function vetoed(bytes32 commitmentHash) external view returns (bool);

    /// @notice The committee, threshold and epoch.
    /// @return members the members
    /// @return threshold the threshold
    /// @return epoch bumped on every change
    function validators() external view returns (address[] memory members, uint256 threshold, uint256 epoch);

    /// @notice The latest commitment that is final now; in exit mode, the latest final when exit began.
    /// @return exists whether any is final
    /// @return index its index
    function lastFinalized() external view returns (bool exists, uint256 index);

    /// @notice When the latest final commitment became final (genesis time before any).
    /// @return the L1 time
    function lastFinalizedTime() external view returns (uint64);

    /// @notice How many delayed messages the latest final commitment covers (0 before any): deposits below this
    ///         index are in its exit root; the vault refunds the others in exit mode.
    /// @return the number of delayed messages consumed up to its batch
    function lastFinalizedDelayedCount() external view returns (uint64);

    /// @notice Roots of commitment `index` and whether it is final (frozen at the exit time in exit mode).
    /// @param index the commitment
    /// @return exitRoot its exit root
    /// @return identityRoot its identity root
    /// @return finalized whether it is final
    function roots(uint256 index) external view returns (bytes32 exitRoot, bytes32 identityRoot, bool finalized);
}
