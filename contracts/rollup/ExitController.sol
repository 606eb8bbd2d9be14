// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";

import {NotGovernor} from "../libraries/Errors.sol";
import {ThresholdSig} from "../libraries/ThresholdSig.sol";
import {Committee} from "../libraries/Committee.sol";
import {Sla, ISlaConfig} from "./ISlaConfig.sol";
import {ISequencerInbox} from "./ISequencerInbox.sol";
import {IStateCommitment} from "./IStateCommitment.sol";
import {IExitController} from "./IExitController.sol";

/// @title ExitController
/// @notice Answers "who triggers the exit to L1": (a) the Exit Council, M-of-N signatures on one EIP-712
///         `TriggerExit` message, submitted by anyone; (b) anyone, once the liveness SLA is breached.
///         Exit mode freezes the inbox and the commitments and is final. The council proposes every governance
///         change to its `CouncilTimelock` (OpenZeppelin `TimelockController`) with signatures, and may veto a
///         state commitment before it is final.
contract ExitController is EIP712, IExitController {
    using Committee for Committee.Set;
    using BitMaps for BitMaps.BitMap;

    /// @notice EIP-712 type of the council's exit decision.
    bytes32 public constant TRIGGER_EXIT_TYPEHASH = keccak256(
        "TriggerExit(string reason,uint256 nonce,uint256 deadline)"
    );
    /// @notice EIP-712 type of a council veto.
    bytes32 public constant VETO_TYPEHASH = keccak256(
        "Veto(uint256 commitmentIndex,bytes32 commitmentHash,uint256 nonce,uint256 deadline)"
    );
    /// @notice EIP-712 type of a governance proposal (OpenZeppelin `scheduleBatch` arguments).
    bytes32 public constant SCHEDULE_TYPEHASH = keccak256(
        "Schedule(address[] targets,uint256[] values,bytes[] payloads,bytes32 predecessor,bytes32 salt,uint256 delay,uint256 nonce,uint256 deadline)"
    );
    /// @notice EIP-712 type of a governance cancellation.
    bytes32 public constant CANCEL_TYPEHASH = keccak256("Cancel(bytes32 operationId,uint256 nonce,uint256 deadline)");

    /// @dev Mode, exit time, trigger and the council threshold in one slot. The threshold is never zero, so
    ///      entering exit mode rewrites a live slot instead of creating one, and the council path reads one
    ///      slot for both the mode and the threshold.
    struct ExitState {
        bool inExit;
        uint64 exitedAt;
        Trigger trigger;
        uint16 councilThreshold;
    }

    /// @notice The SLA whose breach opens the automatic exit.
    ISlaConfig public immutable slaConfig;
    /// @notice The inbox whose last batch time is the downtime clock.
    ISequencerInbox public immutable inbox;
    /// @notice The commitments whose last finalization is the finality clock, and which the council may veto.
    IStateCommitment public immutable commitments;
    /// @notice The council's timelock, the only proposer target and the only caller of `setCouncil`.
    TimelockController public immutable timelock;

    Committee.Set private _council;
    /// @dev Single-use, unordered nonces of veto, schedule and cancel (a bitmap: dense nonces share a word).
    ///      `TriggerExit` needs no stored nonce: exit mode is final, so its signatures can never be replayed.
    BitMaps.BitMap private _nonces;
    ExitState private _state;

    /// @notice Deploys the controller; every reference is fixed at deployment (addresses computed up front).
    /// @param members the council, N members (EOAs or ERC-1271 contracts such as a Safe)
    /// @param threshold M, with M > N/2 and M >= 2
    /// @param sla the SLA
    /// @param inbox_ the sequencer inbox
    /// @param commitments_ the state commitments
    /// @param timelock_ the council's timelock
    constructor(
        address[] memory members,
        uint256 threshold,
        ISlaConfig sla,
        ISequencerInbox inbox_,
        IStateCommitment commitments_,
        TimelockController timelock_
    ) EIP712("SovereignExitController", "1") {
        slaConfig = sla;
        inbox = inbox_;
        commitments = commitments_;
        timelock = timelock_;
        _council.replace(members, threshold);
        _state.councilThreshold = uint16(threshold);
        emit CouncilChanged(_council.epoch, members, threshold);
    }

    // ------------------------------------------------------------------ exit paths

    /// @inheritdoc IExitController
    function triggerExit(
        string calldata reason,
        uint256 nonce,
        uint256 deadline,
        ThresholdSig.Signature[] calldata sigs
    ) external {
        ExitState memory st = _state;
        if (st.inExit) revert AlreadyInExit();
        ThresholdSig.checkDeadline(deadline);
        bytes32 structHash = keccak256(abi.encode(TRIGGER_EXIT_TYPEHASH, keccak256(bytes(reason)), nonce, deadline));
        ThresholdSig.verify(_hashTypedDataV4(structHash), sigs, st.councilThreshold, _council.isMember);
        _enterExit(Trigger.Council, reason);
    }

    /// @inheritdoc IExitController
    function triggerExitAuto() external {
        (bool open, Trigger why, uint64 opensAt) = autoTriggerStatus();
        if (!open) revert SlaNotBreached(opensAt);
        _enterExit(why, why == Trigger.DowntimeSla ? "maxDowntime breached" : "maxFinalityDelay breached");
    }

    /// @inheritdoc IExitController
    function autoTriggerStatus() public view returns (bool open, Trigger why, uint64 opensAt) {
        Sla memory s = slaConfig.getSla();
        uint64 downtimeAt = inbox.lastBatchTime() + s.maxDowntime + 1;
        uint64 finalityAt = commitments.lastFinalizedTime() + s.maxFinalityDelay + 1;
        if (downtimeAt <= finalityAt) {
            (why, opensAt) = (Trigger.DowntimeSla, downtimeAt);
        } else {
            (why, opensAt) = (Trigger.FinalitySla, finalityAt);
        }
        open = !_state.inExit && block.timestamp >= opensAt;
    }

    /// @inheritdoc IExitController
    function isExitOpen() external view returns (bool) {
        if (_state.inExit) return true;
        (bool open, , ) = autoTriggerStatus();
        return open;
    }

    function _enterExit(Trigger trigger, string memory reason) private {
        ExitState storage st = _state;
        if (st.inExit) revert AlreadyInExit();
        st.inExit = true;
        st.exitedAt = uint64(block.timestamp);
        st.trigger = trigger;
        emit ExitTriggered(trigger, msg.sender, reason, uint64(block.timestamp));
    }

    // ------------------------------------------------------------------ veto

    /// @inheritdoc IExitController
    function veto(
        uint256 commitmentIndex,
        bytes32 commitmentHash,
        uint256 nonce,
        uint256 deadline,
        ThresholdSig.Signature[] calldata sigs
    ) external {
        _authorize(
            keccak256(abi.encode(VETO_TYPEHASH, commitmentIndex, commitmentHash, nonce, deadline)),
            nonce,
            deadline,
            sigs
        );
        commitments.veto(commitmentIndex, commitmentHash);
    }

    // ------------------------------------------------------------------ governance through the timelock

    /// @inheritdoc IExitController
    function schedule(
        Operation calldata op,
        uint256 nonce,
        uint256 deadline,
        ThresholdSig.Signature[] calldata sigs
    ) external returns (bytes32 id) {
        uint256 n = op.targets.length;
        if (n == 0 || op.values.length != n || op.payloads.length != n) {
            revert BadOperation(n, op.values.length, op.payloads.length);
        }
        _authorize(_scheduleStructHash(op, nonce, deadline), nonce, deadline, sigs);
        _scheduleOnTimelock(op);
        return timelock.hashOperationBatch(op.targets, op.values, op.payloads, op.predecessor, op.salt);
    }

    function _scheduleOnTimelock(Operation calldata op) private {
        timelock.scheduleBatch(op.targets, op.values, op.payloads, op.predecessor, op.salt, op.delay);
    }

    /// @inheritdoc IExitController
    function cancel(bytes32 id, uint256 nonce, uint256 deadline, ThresholdSig.Signature[] calldata sigs) external {
        _authorize(keccak256(abi.encode(CANCEL_TYPEHASH, id, nonce, deadline)), nonce, deadline, sigs);
        timelock.cancel(id);
    }

    /// @inheritdoc IExitController
    function setCouncil(address[] calldata members, uint256 threshold) external {
        if (msg.sender != address(timelock)) revert NotGovernor(msg.sender);
        _council.replace(members, threshold);
        _state.councilThreshold = uint16(threshold);
        emit CouncilChanged(_council.epoch, members, threshold);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IExitController
    function council() external view returns (address[] memory members, uint256 threshold, uint256 epoch) {
        return (_council.members, _council.threshold, _council.epoch);
    }

    /// @inheritdoc IExitController
    function isCouncilMember(address who) external view returns (bool) {
        return _council.isMember[who];
    }

    /// @inheritdoc IExitController
    function inExit() external view returns (bool) {
        return _state.inExit;
    }

    /// @inheritdoc IExitController
    function exitedAt() external view returns (uint64) {
        return _state.exitedAt;
    }

    /// @inheritdoc IExitController
    function exitTrigger() external view returns (Trigger) {
        return _state.trigger;
    }

    /// @inheritdoc IExitController
    function nonceUsed(uint256 nonce) external view returns (bool) {
        return _nonces.get(nonce);
    }

    /// @inheritdoc IExitController
    function triggerExitDigest(
        string calldata reason,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32) {
        return
            _hashTypedDataV4(keccak256(abi.encode(TRIGGER_EXIT_TYPEHASH, keccak256(bytes(reason)), nonce, deadline)));
    }

    /// @inheritdoc IExitController
    function scheduleDigest(Operation calldata op, uint256 nonce, uint256 deadline) external view returns (bytes32) {
        return _hashTypedDataV4(_scheduleStructHash(op, nonce, deadline));
    }

    function _scheduleStructHash(
        Operation calldata op,
        uint256 nonce,
        uint256 deadline
    ) private pure returns (bytes32) {
        bytes32[] memory payloadHashes = new bytes32[](op.payloads.length);
        for (uint256 i = 0; i < op.payloads.length; ++i) payloadHashes[i] = keccak256(op.payloads[i]);
        return
            keccak256(
                abi.encode(
                    SCHEDULE_TYPEHASH,
                    keccak256(abi.encodePacked(op.targets)),
                    keccak256(abi.encodePacked(op.values)),
                    keccak256(abi.encodePacked(payloadHashes)),
                    op.predecessor,
                    op.salt,
                    op.delay,
                    nonce,
                    deadline
                )
            );
    }

    function _authorize(
        bytes32 structHash,
        uint256 nonce,
        uint256 deadline,
        ThresholdSig.Signature[] calldata sigs
    ) private {
        ThresholdSig.checkDeadline(deadline);
        if (_nonces.get(nonce)) revert NonceUsed(nonce);
        ThresholdSig.verify(_hashTypedDataV4(structHash), sigs, _state.councilThreshold, _council.isMember);
        _nonces.set(nonce);
    }
}
