// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ThresholdSig} from "../libraries/ThresholdSig.sol";

/// @title IExitController
/// @notice Answers "who triggers the exit to L1": (a) the Exit Council, M-of-N signatures on one EIP-712
///         `TriggerExit` message, submitted by anyone; (b) anyone, once the liveness SLA is breached. Exit mode
///         freezes the inbox and the commitments and is final. The council also proposes every governance change
///         to the `CouncilTimelock` with signatures, and may veto a state commitment before it is final.
interface IExitController {
    /// @notice How exit mode was entered.
    enum Trigger {
        /// @notice not in exit mode
        None,
        /// @notice M-of-N council signatures
        Council,
        /// @notice no batch for `maxDowntime`
        DowntimeSla,
        /// @notice nothing finalized for `maxFinalityDelay`
        FinalitySla
    }

    /// @notice A governance operation for the council's timelock: the arguments of OpenZeppelin's
    ///         `TimelockController.scheduleBatch`.
    struct Operation {
        /// @notice the calls' targets
        address[] targets;
        /// @notice the calls' ETH values
        uint256[] values;
        /// @notice the calls' data
        bytes[] payloads;
        /// @notice an operation that must be done first (zero for none)
        bytes32 predecessor;
        /// @notice distinguishes otherwise identical operations
        bytes32 salt;
        /// @notice the delay, at least the timelock's minimum
        uint256 delay;
    }

    /// @notice Exit mode was entered.
    /// @param trigger the path that triggered it
    /// @param caller who submitted it
    /// @param reason the council's reason, or the SLA rule that was breached
    /// @param at the L1 time
    event ExitTriggered(Trigger indexed trigger, address indexed caller, string reason, uint64 at);
    /// @notice The council set changed.
    /// @param epoch the council's new epoch
    /// @param members the new members
    /// @param threshold the new threshold
    event CouncilChanged(uint256 indexed epoch, address[] members, uint256 threshold);

    /// @notice Exit mode was already entered; it is final.
    error AlreadyInExit();
    /// @notice A council nonce (veto, schedule or cancel) was already used.
    /// @param nonce the nonce
    error NonceUsed(uint256 nonce);
    /// @notice The automatic exit trigger is not open yet.
    /// @param opensAt the first L1 time at which it opens
    error SlaNotBreached(uint64 opensAt);
    /// @notice A batch operation's arrays differ in length or are empty.
    /// @param targets number of targets
    /// @param values number of values
    /// @param payloads number of payloads
    error BadOperation(uint256 targets, uint256 values, uint256 payloads);

    /// @notice Council path: enters exit mode with M-of-N signatures on `TriggerExit(reason, nonce, deadline)`.
    ///         Anyone may submit.
    /// @param reason why the council exits, as signed
    /// @param nonce the signed nonce
    /// @param deadline the signed deadline
    /// @param sigs member signatures sorted by ascending signer address
    function triggerExit(
        string calldata reason,
        uint256 nonce,
        uint256 deadline,
        ThresholdSig.Signature[] calldata sigs
    ) external;

    /// @notice Automatic path: anyone may enter exit mode once the liveness SLA is breached.
    function triggerExitAuto() external;

    /// @notice Whether the automatic trigger is open now, on which rule, and when it opens (or opened).
    /// @return open whether anyone may trigger the exit now
    /// @return why the rule that opens first
    /// @return opensAt when it opens (or opened)
    function autoTriggerStatus() external view returns (bool open, Trigger why, uint64 opensAt);

    /// @notice Whether the exit is final or can be triggered by anyone now; the vault refuses deposits then.
    /// @return true in exit mode or while the automatic trigger is open
    function isExitOpen() external view returns (bool);

    /// @notice Vetoes a pending (not yet final) state commitment with M-of-N council signatures on
    ///         `Veto(commitmentIndex, commitmentHash, nonce, deadline)`. The commitment and every later pending one
    ///         are dropped for good.
    /// @param commitmentIndex the commitment
    /// @param commitmentHash its hash, as signed
    /// @param nonce the signed nonce
    /// @param deadline the signed deadline
    /// @param sigs member signatures sorted by ascending signer address
    function veto(
        uint256 commitmentIndex,
        bytes32 commitmentHash,
        uint256 nonce,
        uint256 deadline,
        ThresholdSig.Signature[] calldata sigs
    ) external;

    /// @notice Proposes a governance operation to the council's timelock (OpenZeppelin
    ///         `TimelockController.scheduleBatch`) with M-of-N signatures on `Schedule(targets, values, payloads,
    ///         predecessor, salt, delay, nonce, deadline)`. Anyone may submit; anyone may execute it on the timelock
    ///         (`executeBatch`) once it is ready.
    /// @param op the operation
    /// @param nonce the signed nonce
    /// @param deadline the signed deadline
    /// @param sigs member signatures sorted by ascending signer address
    /// @return id the timelock operation id
    function schedule(
        Operation calldata op,
        uint256 nonce,
        uint256 deadline,
        ThresholdSig.Signature[] calldata sigs
    ) external returns (bytes32 id);

    /// @notice The EIP-712 digest of a `Schedule` message, for off-line signers and checkers.
    /// @param op the operation
    /// @param nonce the nonce
    /// @param deadline the deadline
    /// @return the digest the council signs
    function scheduleDigest(Operation calldata op, uint256 nonce, uint256 deadline) external view returns (bytes32);

    /// @notice Cancels a pending timelock operation with M-of-N signatures on `Cancel(operationId, nonce, deadline)`.
    /// @param id the timelock operation id
    /// @param nonce the signed nonce
    /// @param deadline the signed deadline
    /// @param sigs member signatures sorted by ascending signer address
    function cancel(bytes32 id, uint256 nonce, uint256 deadline, ThresholdSig.Signature[] calldata sigs) external;

    /// @notice Replaces the council; only the timelock (the council, after the delay).
    /// @param members the new members (EOAs or ERC-1271 contracts)
    /// @param threshold the new threshold M, with M > N/2 and M >= 2
    function setCouncil(address[] calldata members, uint256 threshold) external;

    /// @notice The council members, threshold and epoch.
    /// @return members the members
    /// @return threshold the threshold
    /// @return epoch bumped on every change
    function council() external view returns (address[] memory members, uint256 threshold, uint256 epoch);

    /// @notice Whether `who` sits on the council.
    /// @param who the account
    /// @return whether it is a member
    function isCouncilMember(address who) external view returns (bool);

    /// @notice Whether the rollup is in exit mode (final).
    /// @return true in exit mode
    function inExit() external view returns (bool);

    /// @notice When exit mode began (0 before).
    /// @return the L1 time
    function exitedAt() external view returns (uint64);

    /// @notice Which path triggered the exit.
    /// @return the trigger
    function exitTrigger() external view returns (Trigger);

    /// @notice Whether a veto, schedule or cancel nonce has been used.
    /// @param nonce the nonce
    /// @return whether it is used
    function nonceUsed(uint256 nonce) external view returns (bool);

    /// @notice The EIP-712 digest of a `TriggerExit` message, for off-line signers and checkers.
    /// @param reason the reason
    /// @param nonce the nonce
    /// @param deadline the deadline
    /// @return the digest the council signs
    function triggerExitDigest(string calldata reason, uint256 nonce, uint256 deadline) external view returns (bytes32);
}
