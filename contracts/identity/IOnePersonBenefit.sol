// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IZkIdentityVerifier} from "./IZkIdentityVerifier.sol";

/// @title IOnePersonBenefit
/// @notice A one-per-person benefit claimed anonymously: a citizen proves the programme's policy (e.g. age >= 18,
///         resident of region R) with a proof bound to the recipient address, and the contract pays a fixed amount.
///         A relayer may submit many citizens' proofs in one transaction ({claimMany}); each is paid to the address
///         its proof is bound to.
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

    /// @notice A recipient in a batch did not accept its payment; it is kept for the recipient to {withdrawOwed}.
    /// @param nullifier the claimant's nullifier
    /// @param recipient the recipient
    /// @param amount the amount kept, in wei
    event PaymentDeferred(uint256 indexed nullifier, address indexed recipient, uint256 amount);

    /// @notice A recipient withdrew payments kept for it.
    /// @param recipient the recipient
    /// @param amount the amount paid, in wei
    event OwedWithdrawn(address indexed recipient, uint256 amount);

    /// @notice The payment to the recipient failed.
    /// @param recipient the recipient that did not accept the payment
    error PaymentFailed(address recipient);

    /// @notice The programme's free balance does not cover the claims.
    /// @param needed wei the claims need
    /// @param available wei not yet owed to anyone
    error InsufficientFunds(uint256 needed, uint256 available);

    /// @notice A batch proof's message is not an address (it must be uint160 of the recipient).
    /// @param index position of the proof in the batch
    /// @param message the proof's message
    error MessageNotAnAddress(uint256 index, uint256 message);

    /// @notice The recipient may not be the zero address.
    error ZeroRecipient();

    /// @notice Nothing is owed to the caller.
    /// @param recipient the caller
    error NothingOwed(address recipient);

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

    /// @notice Wei kept for recipients whose batch payment failed, not yet withdrawn.
    /// @return the total
    function totalOwed() external view returns (uint256);

    /// @notice Wei kept for `recipient`.
    /// @param recipient the recipient
    /// @return the amount
    function owed(address recipient) external view returns (uint256);

    /// @notice Claims the benefit for `recipient` with an identity proof bound to it (message = uint160(recipient)).
    /// @param recipient who receives the payment
    /// @param proof the identity proof
    function claim(address recipient, IZkIdentityVerifier.IdentityProof calldata proof) external;

    /// @notice Claims for many citizens at once (a relayer's batch, verified with one pairing product): each proof is
    ///         paid to uint160 of its message. A recipient that refuses the payment does not sink the batch: its
    ///         amount is kept for it ({withdrawOwed}).
    /// @param proofs the identity proofs, each bound to its recipient
    function claimMany(IZkIdentityVerifier.IdentityProof[] calldata proofs) external;

    /// @notice Pays the caller what batches kept for it.
    function withdrawOwed() external;
}
