// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @title ThresholdSig
/// @notice M-of-N signature checks shared by the exit council and the validator committee.
/// @dev The caller hashes EIP-712 typed data (its own domain binds chain id and verifying contract; the
///      struct carries the nonce and deadline). Signers must be strictly ascending, which also rules out
///      duplicates. EOAs sign with ECDSA (OpenZeppelin rejects high-s, malleable signatures); contract
///      signers such as a Safe sign through ERC-1271.
library ThresholdSig {
    /// @notice One signature, with its signer named so that ERC-1271 contract signers work.
    struct Signature {
        address signer;
        bytes signature;
    }

    /// @notice Fewer signatures than the threshold.
    /// @param given how many were given
    /// @param threshold how many are needed
    error NotEnoughSignatures(uint256 given, uint256 threshold);
    /// @notice Signers are not strictly ascending (unsorted or duplicated) at `index`.
    /// @param index the position of the first out-of-order signer
    error SignersNotAscending(uint256 index);
    /// @notice `signer` is not a member of the signing set.
    /// @param signer the signer
    error NotAMember(address signer);
    /// @notice `signer`'s signature does not verify for the digest.
    /// @param signer the signer
    error InvalidSignature(address signer);
    /// @notice The signed deadline has passed.
    /// @param deadline the signed deadline
    /// @param timestamp the block time
    error SignatureExpired(uint256 deadline, uint256 timestamp);
    /// @notice A contract signer accepted a plain signature by another member's key, so that key would count twice.
    /// @param signer the contract signer
    /// @param member the member whose key made the signature
    error SignerControlsAnotherMember(address signer, address member);

    /// @notice Reverts unless the deadline is still open.
    /// @param deadline the signed deadline
    function checkDeadline(uint256 deadline) internal view {
        if (block.timestamp > deadline) revert SignatureExpired(deadline, block.timestamp);
    }

    /// @notice Reverts unless at least `threshold` distinct members signed `digest`.
    /// @param digest EIP-712 digest (domain-separated)
    /// @param sigs signatures sorted by strictly ascending signer address
    /// @param threshold how many valid member signatures are needed
    /// @param isMember membership of each signer
    function verify(
        bytes32 digest,
        Signature[] calldata sigs,
        uint256 threshold,
        mapping(address => bool) storage isMember
    ) internal view {
        uint256 n = sigs.length;
        if (n < threshold) revert NotEnoughSignatures(n, threshold);
        address previous = address(0);
        for (uint256 i = 0; i < n; ++i) {
            address signer = sigs[i].signer;
            if (signer <= previous) revert SignersNotAscending(i);
            previous = signer;
            if (!isMember[signer]) revert NotAMember(signer);
            // ECDSA first (OpenZeppelin rejects high-s), so EOAs never pay for a code-size check; anything
            // else must be an ERC-1271 contract signer (a Safe) that accepts the signature.
            (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, sigs[i].signature);
            if (err != ECDSA.RecoverError.NoError || recovered != signer) {
                // A contract member that accepts a raw signature by another member's key would let that key count
                // twice (once as itself, once through the contract).
                if (err == ECDSA.RecoverError.NoError && isMember[recovered]) {
                    revert SignerControlsAnotherMember(signer, recovered);
                }
                if (!SignatureChecker.isValidERC1271SignatureNowCalldata(signer, digest, sigs[i].signature)) {
                    revert InvalidSignature(signer);
                }
            }
        }
    }
}
