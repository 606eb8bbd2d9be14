// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IRollupVault
/// @notice The L1 vault and bridge. ERC-20 deposits become delayed messages; withdrawals are proven against the exit
///         root of a finalized commitment. In exit mode it runs the escape hatch for balances in the last finalized
///         exit root, and refunds every deposit that root does not cover. It never pays out more of a token than
///         was deposited.
interface IRollupVault {
    /// @notice A deposit was taken and queued for L2 as delayed message `messageIndex`.
    /// @param token the L1 token
    /// @param from the depositor on L1
    /// @param l2Recipient who is credited on L2
    /// @param amount how much
    /// @param messageIndex the delayed message carrying it
    event Deposited(
        address indexed token,
        address indexed from,
        address indexed l2Recipient,
        uint256 amount,
        uint256 messageIndex
    );
    /// @notice A withdrawal was paid.
    /// @param withdrawalId the L2 withdrawal
    /// @param account who was paid
    /// @param token the L1 token
    /// @param amount how much
    /// @param commitmentIndex the finalized commitment it was proven against
    event WithdrawalPaid(
        bytes32 indexed withdrawalId,
        address indexed account,
        address indexed token,
        uint256 amount,
        uint256 commitmentIndex
    );
    /// @notice An escape claim was paid in exit mode.
    /// @param account who was paid
    /// @param token the L1 token
    /// @param amount how much
    /// @param commitmentIndex the last finalized commitment
    event EscapePaid(address indexed account, address indexed token, uint256 amount, uint256 commitmentIndex);
    /// @notice A deposit that the last finalized state does not cover was refunded in exit mode.
    /// @param messageIndex its delayed message
    /// @param from the depositor, who was paid
    /// @param token the L1 token
    /// @param amount how much
    event DepositRefunded(uint256 indexed messageIndex, address indexed from, address indexed token, uint256 amount);

    /// @notice The exit can be triggered (or was): deposits are refused, since no finalized state would cover them.
    error ExitOpen();
    /// @notice The token moved a different amount than asked (fee-on-transfer or rebasing): not supported.
    /// @param token the token
    /// @param requested the amount asked
    /// @param received the amount that arrived
    error UnsupportedToken(address token, uint256 requested, uint256 received);
    /// @notice The commitment is not final.
    /// @param index the commitment
    error CommitmentNotFinal(uint256 index);
    /// @notice No commitment was final when the exit began, so nothing can be escaped (refunds still work).
    error NoFinalizedCommitment();
    /// @notice The Merkle proof does not prove the leaf.
    error InvalidProof();
    /// @notice This claim was already paid.
    error AlreadyPaid();
    /// @notice Paying would exceed what was ever deposited of the token.
    /// @param token the token
    /// @param amount the amount asked
    /// @param available deposits not yet paid out
    error ExceedsDeposits(address token, uint256 amount, uint256 available);
    /// @notice The deposit is covered by the last finalized state: claim it through `escape` instead.
    /// @param messageIndex the deposit's delayed message
    /// @param covered how many delayed messages the last finalized state covers
    error DepositCovered(uint256 messageIndex, uint256 covered);
    /// @notice The fields do not match delayed message `messageIndex` as a deposit.
    /// @param messageIndex the delayed message named
    error NotADeposit(uint256 messageIndex);

    /// @notice Deposits `amount` of `token` for `l2Recipient` on L2 (needs an allowance). Refused once the exit can
    ///         be triggered.
    /// @param token the L1 token
    /// @param amount how much
    /// @param l2Recipient who is credited on L2
    /// @return messageIndex the delayed message carrying the deposit
    function deposit(IERC20 token, uint256 amount, address l2Recipient) external returns (uint256 messageIndex);

    /// @notice Pays a withdrawal proven against the exit root of finalized commitment `commitmentIndex`. Anyone may
    ///         submit; the funds go to `account`. Works in normal and exit mode.
    /// @param commitmentIndex a finalized commitment
    /// @param withdrawalId the L2 withdrawal
    /// @param account who is paid
    /// @param token the L1 token
    /// @param amount how much
    /// @param proof the Merkle proof of the leaf `(withdrawalId, account, token, amount)`
    function withdraw(
        uint256 commitmentIndex,
        bytes32 withdrawalId,
        address account,
        address token,
        uint256 amount,
        bytes32[] calldata proof
    ) external;

    /// @notice Escape hatch (exit mode only): pays `account`'s L2 balance of `token` proven against the exit root of
    ///         the last commitment finalized before the exit. Once per (account, token). Anyone may submit.
    /// @param account who is paid
    /// @param token the L1 token
    /// @param amount the balance
    /// @param proof the Merkle proof of the leaf `(account, token, amount)`
    function escape(address account, address token, uint256 amount, bytes32[] calldata proof) external;

    /// @notice Refund (exit mode only) of a deposit whose delayed message the last finalized state does not cover,
    ///         paid to its depositor once. The fields are those of the `MessageEnqueued` event; anyone may submit.
    /// @param messageIndex the deposit's delayed message
    /// @param token the L1 token
    /// @param from the depositor, who is paid
    /// @param l2Recipient the L2 recipient it named
    /// @param amount how much
    /// @param timestamp the message's L1 time
    /// @param blockNumber the message's L1 block
    function refundDeposit(
        uint256 messageIndex,
        address token,
        address from,
        address l2Recipient,
        uint256 amount,
        uint64 timestamp,
        uint64 blockNumber
    ) external;

    /// @notice Total ever deposited of `token`.
    /// @param token the token
    /// @return the amount
    function totalDeposited(address token) external view returns (uint256);

    /// @notice Total ever paid out of `token` (withdrawals, escapes and refunds).
    /// @param token the token
    /// @return the amount
    function totalPaidOut(address token) external view returns (uint256);

    /// @notice Whether a withdrawal was paid.
    /// @param withdrawalId the L2 withdrawal
    /// @return whether it was paid
    function withdrawalPaid(bytes32 withdrawalId) external view returns (bool);

    /// @notice Whether `account`'s escape claim for `token` was paid.
    /// @param account the account
    /// @param token the token
    /// @return whether it was paid
    function escapePaid(address account, address token) external view returns (bool);

    /// @notice Whether the deposit of delayed message `messageIndex` was refunded.
    /// @param messageIndex the delayed message
    /// @return whether it was refunded
    function depositRefunded(uint256 messageIndex) external view returns (bool);
}
