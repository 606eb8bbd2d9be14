// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";

import {ThresholdSig} from "../libraries/ThresholdSig.sol";
import {Committee} from "../libraries/Committee.sol";
import {Sla, ISlaConfig, ISequencerInbox, IStateCommitment} from "../interfaces/IRollup.sol";

interface IVetoable {
    function veto(uint256 index, bytes32 commitmentHash) external;
}

/// @title ExitController
/// @notice Answers "who triggers the exit to L1": (a) the Exit Council, M-of-N signatures on one EIP-712
///         `TriggerExit` message, submitted by anyone; (b) anyone, once the liveness SLA is breached.
///         Exit mode freezes the inbox and the commitments and is final. The council also governs every
///         parameter and set of the rollup through a timelock of at least 7 days, and may veto a state
///         commitment before it is final.
contract ExitController is EIP712, ReentrancyGuard {
    using Committee for Committee.Set;
    using BitMaps for BitMaps.BitMap;

    /// @notice Minimum governance timelock on a public network (L2BEAT Stage 1 exit window).
    uint256 public constant MIN_TIMELOCK = 7 days;
    /// @notice Maximum governance timelock.
    uint256 public constant MAX_TIMELOCK = 30 days;
    /// @notice Chain id of the embedded and localhost networks, where a shorter timelock is allowed.
    uint256 public constant LOCAL_CHAIN_ID = 31337;

    bytes32 public constant TRIGGER_EXIT_TYPEHASH = keccak256(
        "TriggerExit(string reason,uint256 nonce,uint256 deadline)"
    );
    bytes32 public constant VETO_TYPEHASH = keccak256(
        "Veto(uint256 commitmentIndex,bytes32 commitmentHash,uint256 nonce,uint256 deadline)"
    );
    bytes32 public constant SCHEDULE_TYPEHASH = keccak256(
        "Schedule(address target,bytes data,uint256 nonce,uint256 deadline)"
    );
    bytes32 public constant CANCEL_TYPEHASH = keccak256("Cancel(bytes32 operationId,uint256 nonce,uint256 deadline)");

    /// @notice How exit mode was entered.
    enum Trigger {
        None,
        Council,
        DowntimeSla,
        FinalitySla
    }

    Committee.Set private _council;
    /// @dev Single-use, unordered nonces of veto, schedule and cancel (a bitmap: dense nonces share a word).
    ///      `TriggerExit` needs no stored nonce: exit mode is final, so its signatures can never be replayed.
    BitMaps.BitMap private _nonces;
    /// @notice Governance timelock delay.
    uint256 public timelockDelay;
    /// @notice Scheduled operation id → earliest execution time (0: none).
    mapping(bytes32 id => uint256) public operationEta;

    /// @dev Mode, exit time, trigger and the council threshold in one slot. The threshold is never zero, so
    ///      entering exit mode rewrites a live slot instead of creating one, and the council path reads one
    ///      slot for both the mode and the threshold.
    struct ExitState {
        bool inExit;
        uint64 exitedAt;
        Trigger trigger;
        uint16 councilThreshold;
    }

    ExitState private _state;

    ISlaConfig public slaConfig;
    ISequencerInbox public inbox;
    IStateCommitment public commitments;
    address private immutable _deployer;

    /// @notice Exit mode was entered.
    event ExitTriggered(Trigger indexed trigger, address indexed caller, string reason, uint64 at);
    /// @notice The council set changed.
    event CouncilChanged(uint256 indexed epoch, address[] members, uint256 threshold);
    /// @notice The timelock delay changed.
    event TimelockDelayChanged(uint256 delay);
    /// @notice A council-signed governance call was queued.
    event OperationScheduled(bytes32 indexed id, address indexed target, bytes data, uint256 nonce, uint256 eta);
    /// @notice A queued call was executed.
    event OperationExecuted(bytes32 indexed id, address indexed target);
    /// @notice A queued call was cancelled by the council.
    event OperationCancelled(bytes32 indexed id);
    /// @notice The council vetoed a pending state commitment.
    event CommitmentVetoed(uint256 indexed index, bytes32 commitmentHash);
    /// @notice Components were wired (once, at deployment).
    event Wired(address slaConfig, address inbox, address commitments);

    error AlreadyInExit();
    error NonceUsed(uint256 nonce);
    error SlaNotBreached(uint64 opensAt);
    error NotSelf();
    error NotDeployer();
    error AlreadyWired();
    error NotWired();
    error TimelockOutOfBounds(uint256 delay, uint256 min, uint256 max);
    error OperationUnknown(bytes32 id);
    error OperationNotReady(bytes32 id, uint256 eta);
    error OperationExists(bytes32 id);
    error OperationFailed(bytes32 id, bytes returndata);
    error ZeroAddress();

    /// @param members the council, N members (EOAs or ERC-1271 contracts such as a Safe)
    /// @param threshold M, with M > N/2 and M >= 2
    /// @param timelockDelay_ governance delay: at least 7 days except on the local chain id
    constructor(
        address[] memory members,
        uint256 threshold,
        uint256 timelockDelay_
    ) EIP712("SovereignExitController", "1") {
        _council.replace(members, threshold);
        _state.councilThreshold = uint16(threshold);
        _setTimelockDelay(timelockDelay_);
        _deployer = msg.sender;
        emit CouncilChanged(_council.epoch, members, threshold);
    }

    /// @notice Wires the components this contract reads; callable once, by the deployer.
    function wire(ISlaConfig sla, ISequencerInbox inbox_, IStateCommitment commitments_) external {
        if (msg.sender != _deployer) revert NotDeployer();
        if (address(slaConfig) != address(0)) revert AlreadyWired();
        if (address(sla) == address(0) || address(inbox_) == address(0) || address(commitments_) == address(0)) {
            revert ZeroAddress();
        }
        slaConfig = sla;
        inbox = inbox_;
        commitments = commitments_;
        emit Wired(address(sla), address(inbox_), address(commitments_));
    }

    // ------------------------------------------------------------------ exit paths

    /// @notice Council path: enter exit mode with M-of-N signatures on `TriggerExit(reason, nonce, deadline)`.
    /// @dev Anyone may submit. Signatures sorted by ascending signer address.
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

    /// @notice Automatic path: anyone may enter exit mode once the liveness SLA is breached.
    function triggerExitAuto() external {
        (bool open, Trigger why, uint64 opensAt) = autoTriggerStatus();
        if (!open) revert SlaNotBreached(opensAt);
        _enterExit(why, why == Trigger.DowntimeSla ? "maxDowntime breached" : "maxFinalityDelay breached");
    }

    /// @notice Whether the automatic trigger is open now, on which rule, and when it opens (or opened).
    function autoTriggerStatus() public view returns (bool open, Trigger why, uint64 opensAt) {
        if (address(slaConfig) == address(0)) revert NotWired();
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

    function _enterExit(Trigger trigger, string memory reason) private {
        ExitState storage st = _state;
        if (st.inExit) revert AlreadyInExit();
        st.inExit = true;
        st.exitedAt = uint64(block.timestamp);
        st.trigger = trigger;
        emit ExitTriggered(trigger, msg.sender, reason, uint64(block.timestamp));
    }

    // ------------------------------------------------------------------ veto

    /// @notice Vetoes a pending (not yet final) state commitment with M-of-N council signatures.
    function veto(
        uint256 commitmentIndex,
        bytes32 commitmentHash,
        uint256 nonce,
        uint256 deadline,
        ThresholdSig.Signature[] calldata sigs
    ) external {
        if (address(commitments) == address(0)) revert NotWired();
        _authorize(
            keccak256(abi.encode(VETO_TYPEHASH, commitmentIndex, commitmentHash, nonce, deadline)),
            nonce,
            deadline,
            sigs
        );
        IVetoable(address(commitments)).veto(commitmentIndex, commitmentHash);
        emit CommitmentVetoed(commitmentIndex, commitmentHash);
    }

    // ------------------------------------------------------------------ timelocked governance

    /// @notice The id of a governance operation.
    function operationId(address target, bytes calldata data, uint256 nonce) public pure returns (bytes32) {
        return keccak256(abi.encode(target, keccak256(data), nonce));
    }

    /// @notice Queues `target.call(data)` behind the timelock, with M-of-N council signatures on `Schedule`.
    function schedule(
        address target,
        bytes calldata data,
        uint256 nonce,
        uint256 deadline,
        ThresholdSig.Signature[] calldata sigs
    ) external returns (bytes32 id) {
        if (target == address(0)) revert ZeroAddress();
        _authorize(
            keccak256(abi.encode(SCHEDULE_TYPEHASH, target, keccak256(data), nonce, deadline)),
            nonce,
            deadline,
            sigs
        );
        id = operationId(target, data, nonce);
        if (operationEta[id] != 0) revert OperationExists(id);
        uint256 eta = block.timestamp + timelockDelay;
        operationEta[id] = eta;
        emit OperationScheduled(id, target, data, nonce, eta);
    }

    /// @notice Executes a queued operation once its timelock has passed. Anyone may call.
    function execute(address target, bytes calldata data, uint256 nonce) external nonReentrant {
        bytes32 id = operationId(target, data, nonce);
        uint256 eta = operationEta[id];
        if (eta == 0) revert OperationUnknown(id);
        if (block.timestamp < eta) revert OperationNotReady(id, eta);
        delete operationEta[id];
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) revert OperationFailed(id, ret);
        emit OperationExecuted(id, target);
    }

    /// @notice Cancels a queued operation with M-of-N council signatures on `Cancel`.
    function cancel(bytes32 id, uint256 nonce, uint256 deadline, ThresholdSig.Signature[] calldata sigs) external {
        if (operationEta[id] == 0) revert OperationUnknown(id);
        _authorize(keccak256(abi.encode(CANCEL_TYPEHASH, id, nonce, deadline)), nonce, deadline, sigs);
        delete operationEta[id];
        emit OperationCancelled(id);
    }

    /// @notice Replaces the council. Only through the timelock.
    function setCouncil(address[] calldata members, uint256 threshold) external {
        if (msg.sender != address(this)) revert NotSelf();
        _council.replace(members, threshold);
        _state.councilThreshold = uint16(threshold);
        emit CouncilChanged(_council.epoch, members, threshold);
    }

    /// @notice Changes the timelock delay, within bounds. Only through the timelock.
    function setTimelockDelay(uint256 delay) external {
        if (msg.sender != address(this)) revert NotSelf();
        _setTimelockDelay(delay);
    }

    function _setTimelockDelay(uint256 delay) private {
        uint256 min = block.chainid == LOCAL_CHAIN_ID ? 0 : MIN_TIMELOCK;
        if (delay < min || delay > MAX_TIMELOCK) revert TimelockOutOfBounds(delay, min, MAX_TIMELOCK);
        timelockDelay = delay;
        emit TimelockDelayChanged(delay);
    }

    // ------------------------------------------------------------------ council views

    /// @notice The council members, threshold and epoch.
    function council() external view returns (address[] memory members, uint256 threshold, uint256 epoch) {
        return (_council.members, _council.threshold, _council.epoch);
    }

    /// @notice Whether the rollup is in exit mode (final).
    function inExit() external view returns (bool) {
        return _state.inExit;
    }

    /// @notice When exit mode began (0 before).
    function exitedAt() external view returns (uint64) {
        return _state.exitedAt;
    }

    /// @notice Which path triggered the exit.
    function exitTrigger() external view returns (Trigger) {
        return _state.trigger;
    }

    /// @notice Whether a veto, schedule or cancel nonce has been used.
    function nonceUsed(uint256 nonce) external view returns (bool) {
        return _nonces.get(nonce);
    }

    /// @notice Whether `who` sits on the council.
    function isCouncilMember(address who) external view returns (bool) {
        return _council.isMember[who];
    }

    /// @notice The EIP-712 digest of a `TriggerExit` message, for off-line signers and checkers.
    function triggerExitDigest(
        string calldata reason,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32) {
        return
            _hashTypedDataV4(keccak256(abi.encode(TRIGGER_EXIT_TYPEHASH, keccak256(bytes(reason)), nonce, deadline)));
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
