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
    /// @dev secp256k1 group order, and half of it (OpenZeppelin's low-s bound).
    uint256 private constant _N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
    uint256 private constant _HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

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
                // twice (once as itself, once through the contract), whatever encoding the wallet accepts.
                address raw =
                    err == ECDSA.RecoverError.NoError ? recovered : _lenientRecover(digest, sigs[i].signature);
                if (raw != address(0) && raw != signer && isMember[raw])
                    revert SignerControlsAnotherMember(signer, raw);
                if (!SignatureChecker.isValidERC1271SignatureNowCalldata(signer, digest, sigs[i].signature)) {
                    revert InvalidSignature(signer);
                }
            }
        }
    }

    /// @dev The key behind a raw ECDSA signature in any encoding a lenient wallet might accept: 65 bytes with a
    ///      high s or a 0/1 `v`, or 64-byte EIP-2098 compact. Zero if it is not such a signature.
    function _lenientRecover(bytes32 digest, bytes calldata sig) private pure returns (address) {
        bytes32 r;
        uint256 s;
        uint256 v;
        if (sig.length == 65) {
            r = bytes32(sig[0:32]);
            s = uint256(bytes32(sig[32:64]));
            v = uint8(sig[64]);
        } else if (sig.length == 64) {
            r = bytes32(sig[0:32]);
            uint256 vs = uint256(bytes32(sig[32:64]));
            s = vs & ((1 << 255) - 1);
            v = 27 + (vs >> 255);
        } else {
            return address(0);
        }
        if (v < 27) v += 27;
        if (s > _HALF_N) {
            s = _N - s;
            v = v == 27 ? 28 : 27;
        }
        if (v != 27 && v != 28) return address(0);
        return ecrecover(digest, uint8(v), r, bytes32(s));
    }
}
