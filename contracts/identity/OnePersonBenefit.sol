// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IZkIdentityVerifier} from "./IZkIdentityVerifier.sol";
import {IOnePersonBenefit} from "./IOnePersonBenefit.sol";

/// @title OnePersonBenefit
/// @notice A one-per-person benefit claimed anonymously: a citizen proves the programme's policy (e.g. age >= 18,
///         resident of region R) with a proof bound to the recipient address, and the contract pays a fixed amount.
/// @dev Funded with ETH for the demo; a production programme would pay through TokenTable.
contract OnePersonBenefit is IOnePersonBenefit {
    /// @inheritdoc IOnePersonBenefit
    IZkIdentityVerifier public immutable verifier;
    /// @inheritdoc IOnePersonBenefit
    uint256 public immutable scope;
    /// @inheritdoc IOnePersonBenefit
    uint256 public immutable amount;
    IZkIdentityVerifier.Policy private _policy;

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
    function claim(address recipient, uint256[8] calldata proof, uint256[5] calldata publicSignals) external {
        uint256 nullifier = verifier.verify(proof, publicSignals, scope, uint256(uint160(recipient)), _policy);
        emit BenefitClaimed(nullifier, recipient, amount);
        (bool ok, ) = recipient.call{value: amount}("");
        if (!ok) revert PaymentFailed(recipient);
    }
}
