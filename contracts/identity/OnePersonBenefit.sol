// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IZkIdentityVerifier} from "./IZkIdentityVerifier.sol";
import {IOnePersonBenefit} from "./IOnePersonBenefit.sol";

/// @title OnePersonBenefit
/// @notice A one-per-person benefit claimed anonymously: a citizen proves the programme's policy (e.g. age >= 18,
///         resident of region R) with a proof bound to the recipient address, and the contract pays a fixed amount.
/// @dev Funded with ETH for the demo; a production programme would pay through TokenTable.
contract OnePersonBenefit is IOnePersonBenefit, ReentrancyGuardTransient {
    /// @inheritdoc IOnePersonBenefit
    IZkIdentityVerifier public immutable verifier;
    /// @inheritdoc IOnePersonBenefit
    uint256 public immutable scope;
    /// @inheritdoc IOnePersonBenefit
    uint256 public immutable amount;
    /// @inheritdoc IOnePersonBenefit
    uint256 public totalOwed;
    /// @inheritdoc IOnePersonBenefit
    mapping(address recipient => uint256) public owed;
    IZkIdentityVerifier.Policy private _policy;

    /// @dev Gas a recipient's receive may use in a batch, so one recipient cannot starve the rest of the batch.
    uint256 private constant BATCH_PAYMENT_GAS = 100_000;

    /// @notice Creates the programme; fund it by sending ETH.
    /// @param verifier_ the identity verifier
    /// @param scope_ the programme scope (< 2^120)
    /// @param amount_ wei paid per claim
    /// @param policy_ what claimants must prove
    constructor(
        IZkIdentityVerifier verifier_,
        uint256 scope_,
        uint256 amount_,
        IZkIdentityVerifier.Policy memory policy_
    ) {
        verifier = verifier_;
        scope = scope_;
        amount = amount_;
        _policy = policy_;
    }

    /// @inheritdoc IOnePersonBenefit
    receive() external payable {
        emit Funded(msg.sender, msg.value);
    }

    /// @inheritdoc IOnePersonBenefit
    function policy() external view returns (IZkIdentityVerifier.Policy memory) {
        return _policy;
    }

    /// @inheritdoc IOnePersonBenefit
    function claim(address recipient, IZkIdentityVerifier.IdentityProof calldata proof) external nonReentrant {
        if (recipient == address(0)) revert ZeroRecipient();
        _reserve(1);
        uint256 nullifier = verifier.validateProof(proof, scope, uint256(uint160(recipient)), _policy);
        emit BenefitClaimed(nullifier, recipient, amount);
        (bool ok, ) = recipient.call{value: amount}("");
        if (!ok) revert PaymentFailed(recipient);
    }

    /// @inheritdoc IOnePersonBenefit
    function claimMany(IZkIdentityVerifier.IdentityProof[] calldata proofs) external nonReentrant {
        uint256 n = proofs.length;
        for (uint256 i = 0; i < n; ++i) {
            uint256 message = proofs[i].message;
            if (message == 0 || message > type(uint160).max) revert MessageNotAnAddress(i, message);
        }
        _reserve(n);
        verifier.validateProofs(proofs, scope, _policy);
        uint256 pay = amount;
        for (uint256 i = 0; i < n; ++i) {
            address recipient = address(uint160(proofs[i].message));
            uint256 nullifier = proofs[i].nullifier;
            emit BenefitClaimed(nullifier, recipient, pay);
            (bool ok, ) = recipient.call{value: pay, gas: BATCH_PAYMENT_GAS}("");
            if (!ok) {
                owed[recipient] += pay;
                totalOwed += pay;
                emit PaymentDeferred(nullifier, recipient, pay);
            }
        }
    }

    /// @inheritdoc IOnePersonBenefit
    function withdrawOwed() external nonReentrant {
        uint256 due = owed[msg.sender];
        if (due == 0) revert NothingOwed(msg.sender);
        owed[msg.sender] = 0;
        totalOwed -= due;
        emit OwedWithdrawn(msg.sender, due);
        (bool ok, ) = msg.sender.call{value: due}("");
        if (!ok) revert PaymentFailed(msg.sender);
    }

    /// @notice Reverts unless the balance not owed to anyone covers `claims` payments.
    /// @param claims how many claims are about to be paid
    function _reserve(uint256 claims) private view {
        uint256 needed = claims * amount;
        uint256 available = address(this).balance - totalOwed;
        if (available < needed) revert InsufficientFunds(needed, available);
    }
}
