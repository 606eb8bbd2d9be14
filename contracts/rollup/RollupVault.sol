// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";

import {NotInExit, ZeroAddress, ZeroAmount} from "../libraries/Errors.sol";
import {IDelayedInbox} from "./IDelayedInbox.sol";
import {IExitController} from "./IExitController.sol";
import {IStateCommitment} from "./IStateCommitment.sol";
import {IRollupVault} from "./IRollupVault.sol";

/// @title RollupVault
/// @notice The L1 vault and bridge. ERC-20 deposits become delayed messages; withdrawals are proven against
///         the exit root of a finalized commitment. In exit mode it runs the escape hatch: a user proves
///         `(account, token, amount)` against the exit root of the last commitment finalized before the exit
///         and is paid once; every deposit that root does not cover is refunded to its depositor once. It never
///         pays out more of a token than was deposited.
/// @dev Exit-root leaves use the OpenZeppelin StandardMerkleTree format:
///      withdrawals `(bytes32 withdrawalId, address account, address token, uint256 amount)`,
///      balances    `(address account, address token, uint256 amount)`.
///      A deposit is in exactly one of two sets: covered by the last finalized commitment (its delayed message
///      index is below that commitment's delayed count, so L2 credited it and the exit root holds it) and paid by
///      `escape`; or not covered, and paid by `refundDeposit`. So the same funds are never paid twice.
contract RollupVault is ReentrancyGuard, IRollupVault {
    using SafeERC20 for IERC20;
    using BitMaps for BitMaps.BitMap;

    /// @notice The delayed queue that carries deposits to L2.
    IDelayedInbox public immutable delayedInbox;
    /// @notice The commitments whose exit roots withdrawals and escapes are proven against.
    IStateCommitment public immutable commitments;
    /// @notice The exit controller.
    IExitController public immutable exitController;

    /// @inheritdoc IRollupVault
    mapping(address token => uint256) public totalDeposited;
    /// @inheritdoc IRollupVault
    mapping(address token => uint256) public totalPaidOut;
    /// @inheritdoc IRollupVault
    mapping(bytes32 withdrawalId => bool) public withdrawalPaid;
    /// @inheritdoc IRollupVault
    mapping(address account => mapping(address token => bool)) public escapePaid;
    BitMaps.BitMap private _refunded;

    /// @notice Deploys the vault; every reference is fixed at deployment (addresses computed up front).
    /// @param delayedInbox_ the delayed queue
    /// @param commitments_ the state commitments
    /// @param exitController_ the exit controller
    constructor(IDelayedInbox delayedInbox_, IStateCommitment commitments_, IExitController exitController_) {
        delayedInbox = delayedInbox_;
        commitments = commitments_;
        exitController = exitController_;
    }

    /// @inheritdoc IRollupVault
    function deposit(
        IERC20 token,
        uint256 amount,
        address l2Recipient
    ) external nonReentrant returns (uint256 messageIndex) {
        if (amount == 0) revert ZeroAmount();
        if (l2Recipient == address(0) || address(token) == address(0)) revert ZeroAddress();
        if (exitController.isExitOpen()) revert ExitOpen();
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert UnsupportedToken(address(token), amount, received);
        totalDeposited[address(token)] += amount;
        messageIndex = delayedInbox.enqueueDeposit(
            msg.sender,
            _depositData(address(token), msg.sender, l2Recipient, amount)
        );
        emit Deposited(address(token), msg.sender, l2Recipient, amount, messageIndex);
    }

    /// @inheritdoc IRollupVault
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

    /// @inheritdoc IRollupVault
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

    /// @inheritdoc IRollupVault
    function refundDeposit(
        uint256 messageIndex,
        address token,
        address from,
        address l2Recipient,
        uint256 amount,
        uint64 timestamp,
        uint64 blockNumber
    ) external nonReentrant {
        if (!exitController.inExit()) revert NotInExit();
        uint256 covered = commitments.lastFinalizedDelayedCount();
        if (messageIndex < covered) revert DepositCovered(messageIndex, covered);
        bytes32 dataHash = keccak256(_depositData(token, from, l2Recipient, amount));
        if (
            !delayedInbox.isMessage(
                messageIndex,
                from,
                IDelayedInbox.MessageKind.Deposit,
                timestamp,
                blockNumber,
                dataHash
            )
        ) revert NotADeposit(messageIndex);
        if (_refunded.get(messageIndex)) revert AlreadyPaid();
        _refunded.set(messageIndex);
        _pay(from, token, amount);
        emit DepositRefunded(messageIndex, from, token, amount);
    }

    /// @inheritdoc IRollupVault
    function depositRefunded(uint256 messageIndex) external view returns (bool) {
        return _refunded.get(messageIndex);
    }

    function _depositData(
        address token,
        address from,
        address l2Recipient,
        uint256 amount
    ) private pure returns (bytes memory) {
        return abi.encode(token, from, l2Recipient, amount);
    }

    function _pay(address account, address token, uint256 amount) private {
        if (amount == 0) revert ZeroAmount();
        uint256 available = totalDeposited[token] - totalPaidOut[token];
        if (amount > available) revert ExceedsDeposits(token, amount, available);
        totalPaidOut[token] += amount;
        IERC20(token).safeTransfer(account, amount);
    }
}
