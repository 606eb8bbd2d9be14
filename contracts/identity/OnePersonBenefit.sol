// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IZkIdentityVerifier} from "../interfaces/IZkIdentityVerifier.sol";

/// @title OnePersonBenefit
/// @notice A one-per-person benefit claimed anonymously: a citizen proves the programme's policy (e.g. age >= 18,
///         resident of region R) with a proof bound to the recipient address, and the contract pays a fixed amount.
/// @dev Funded with ETH for the demo; a production programme would pay through TokenTable.
contract OnePersonBenefit {
    /// @notice The identity verifier.
    IZkIdentityVerifier public immutable verifier;
    /// @notice The programme's scope (one claim per person per scope).
    uint256 public immutable scope;
    /// @notice Amount paid per claim, in wei.
    uint256 public immutable amount;
    IZkIdentityVerifier.Policy private _policy;

    /// @notice A person claimed; `nullifier` is their anonymous one-time tag for this programme.
    event BenefitClaimed(uint256 indexed nullifier, address indexed recipient, uint256 amount);
    /// @notice The contract received funds.
    event Funded(address indexed from, uint256 amount);

    /// @notice The payment to the recipient failed.
    error PaymentFailed(address recipient);

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

    /// @notice Accepts funding.
    receive() external payable {
        emit Funded(msg.sender, msg.value);
    }

    /// @notice The programme's policy.
    /// @return the policy claimants must prove
    function policy() external view returns (IZkIdentityVerifier.Policy memory) {
        return _policy;
    }

    /// @notice Claims the benefit for `recipient` with an identity proof bound to it (message = uint160(recipient)).
    /// @param recipient who receives the payment
    /// @param proof the Groth16 proof
    /// @param publicSignals the circuit's public signals
    function claim(address recipient, uint256[8] calldata proof, uint256[5] calldata publicSignals) external {
        uint256 nullifier = verifier.verify(proof, publicSignals, scope, uint256(uint160(recipient)), _policy);
        emit BenefitClaimed(nullifier, recipient, amount);
        (bool ok, ) = recipient.call{value: amount}("");
        if (!ok) revert PaymentFailed(recipient);
    }
}
