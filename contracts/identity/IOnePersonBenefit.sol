// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IZkIdentityVerifier} from "./IZkIdentityVerifier.sol";

/// @title IOnePersonBenefit
/// @notice A one-per-person benefit claimed anonymously: a citizen proves the programme's policy (e.g. age >= 18,
///         resident of region R) with a proof bound to the recipient address, and the contract pays a fixed amount.
interface IOnePersonBenefit {
    /// @notice A person claimed; `nullifier` is their anonymous one-time tag for this programme.
    /// @param nullifier the claimant's nullifier for the programme's scope
    /// @param recipient who was paid
    /// @param amount the amount paid, in wei
    event BenefitClaimed(uint256 indexed nullifier, address indexed recipient, uint256 amount);

    /// @notice The contract received funds.
    /// @param from the sender
    /// @param amount the amount received, in wei
    event Funded(address indexed from, uint256 amount);

    /// @notice The payment to the recipient failed.
    /// @param recipient the recipient that did not accept the payment
    error PaymentFailed(address recipient);

    /// @notice Accepts funding.
    receive() external payable;

    /// @notice The identity verifier.
    /// @return the verifier claims are checked with
    function verifier() external view returns (IZkIdentityVerifier);

    /// @notice The programme's scope (one claim per person per scope).
    /// @return the scope (< 2^120)
    function scope() external view returns (uint256);

    /// @notice Amount paid per claim, in wei.
    /// @return the amount
    function amount() external view returns (uint256);

    /// @notice The programme's policy.
    /// @return the policy claimants must prove
    function policy() external view returns (IZkIdentityVerifier.Policy memory);

    /// @notice Claims the benefit for `recipient` with an identity proof bound to it (message = uint160(recipient)).
    /// @param recipient who receives the payment
    /// @param proof the Groth16 proof
    /// @param publicSignals the circuit's public signals
    function claim(address recipient, uint256[8] calldata proof, uint256[5] calldata publicSignals) external;
}
