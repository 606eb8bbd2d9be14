// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

import {IDelayedInbox, IExitController, IStateCommitment} from "../interfaces/IRollup.sol";

/// @title RollupVault
/// @notice The L1 vault and bridge. ERC-20 deposits become delayed messages; withdrawals are proven against
///         the exit root of a finalized commitment. In exit mode it runs the escape hatch: a user proves
///         `(account, token, amount)` against the exit root of the last commitment finalized before the exit
///         and is paid once. It never pays out more of a token than was deposited.
/// @dev Exit-root leaves use the OpenZeppelin StandardMerkleTree format:
///      withdrawals `(bytes32 withdrawalId, address account, address token, uint256 amount)`,
///      balances    `(address account, address token, uint256 amount)`.
contract RollupVault is ReentrancyGuard {
    using SafeERC20 for IERC20;

    IDelayedInbox public immutable delayedInbox;
    IStateCommitment public immutable commitments;
    IExitController public immutable exitController;

    /// @notice Total deposited and total paid out, per token.
    mapping(address token => uint256) public totalDeposited;
    mapping(address token => uint256) public totalPaidOut;
    /// @notice Withdrawals already paid.
    mapping(bytes32 withdrawalId => bool) public withdrawalPaid;
    /// @notice Escape claims already paid, per (account, token).
    mapping(address account => mapping(address token => bool)) public escapePaid;

    /// @notice A deposit was taken and queued for L2 as delayed message `messageIndex`.
    event Deposited(
        address indexed token,
        address indexed from,
        address indexed l2Recipient,
        uint256 amount,
        uint256 messageIndex
    );
    /// @notice A withdrawal was paid.
    event WithdrawalPaid(
        bytes32 indexed withdrawalId,
        address indexed account,
        address indexed token,
        uint256 amount,
        uint256 commitmentIndex
    );
    /// @notice An escape claim was paid in exit mode.
    event EscapePaid(address indexed account, address indexed token, uint256 amount, uint256 commitmentIndex);

    error InExit();
    error NotInExit();
    error ZeroAmount();
    error ZeroAddress();
    /// @notice The token moved a different amount than asked (fee-on-transfer or rebasing): not supported.
    error UnsupportedToken(address token, uint256 requested, uint256 received);
    error CommitmentNotFinal(uint256 index);
    error NoFinalizedCommitment();
    error InvalidProof();
    error AlreadyPaid();
    /// @notice Paying would exceed what was ever deposited of the token.
    error ExceedsDeposits(address token, uint256 amount, uint256 available);

    constructor(IDelayedInbox delayedInbox_, IStateCommitment commitments_, IExitController exitController_) {
        delayedInbox = delayedInbox_;
        commitments = commitments_;
        exitController = exitController_;
    }

    /// @notice Deposits `amount` of `token` for `l2Recipient` on L2 (needs an allowance).
    /// @return messageIndex the delayed message carrying the deposit
    function deposit(
        IERC20 token,
        uint256 amount,
        address l2Recipient
    ) external nonReentrant returns (uint256 messageIndex) {
        if (exitController.inExit()) revert InExit();
        if (amount == 0) revert ZeroAmount();
        if (l2Recipient == address(0) || address(token) == address(0)) revert ZeroAddress();
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert UnsupportedToken(address(token), amount, received);
        totalDeposited[address(token)] += amount;
        messageIndex = delayedInbox.enqueueDeposit(
            msg.sender,
            abi.encode(address(token), msg.sender, l2Recipient, amount)
        );
        emit Deposited(address(token), msg.sender, l2Recipient, amount, messageIndex);
    }

    /// @notice Pays a withdrawal proven against the exit root of finalized commitment `commitmentIndex`.
    ///         Anyone may submit; the funds go to `account`. Works in normal and exit mode.
    function withdraw(
        uint256 commitmentIndex,
        bytes32 withdrawalId,
        address account,
        address token,
        uint256 amount,
        bytes32[] calldata proof
    ) external nonReentrant {
        (bytes32 exitRoot, , bool finalized) = commitments.roots(commitmentIndex);
        if (!finalized) revert CommitmentNotFinal(commitmentIndex);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(withdrawalId, account, token, amount))));
        if (!MerkleProof.verifyCalldata(proof, exitRoot, leaf)) revert InvalidProof();
        if (withdrawalPaid[withdrawalId]) revert AlreadyPaid();
        withdrawalPaid[withdrawalId] = true;
        _pay(account, token, amount);
        emit WithdrawalPaid(withdrawalId, account, token, amount, commitmentIndex);
    }

    /// @notice Escape hatch (exit mode only): pays `account`'s L2 balance of `token` proven against the exit
    ///         root of the last commitment finalized before the exit. Once per (account, token).
    function escape(address account, address token, uint256 amount, bytes32[] calldata proof) external nonReentrant {
        if (!exitController.inExit()) revert NotInExit();
        (bool exists, uint256 index) = commitments.lastFinalized();
        if (!exists) revert NoFinalizedCommitment();
        (bytes32 exitRoot, , ) = commitments.roots(index);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, token, amount))));
        if (!MerkleProof.verifyCalldata(proof, exitRoot, leaf)) revert InvalidProof();
        if (escapePaid[account][token]) revert AlreadyPaid();
        escapePaid[account][token] = true;
        _pay(account, token, amount);
        emit EscapePaid(account, token, amount, index);
    }

    function _pay(address account, address token, uint256 amount) private {
        if (amount == 0) revert ZeroAmount();
        uint256 available = totalDeposited[token] - totalPaidOut[token];
        if (amount > available) revert ExceedsDeposits(token, amount, available);
        totalPaidOut[token] += amount;
        IERC20(token).safeTransfer(account, amount);
    }
}
