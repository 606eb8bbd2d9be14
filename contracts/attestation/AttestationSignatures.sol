// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

import {Attestation, AttestationRequest, Delegation} from "../interfaces/AttestationTypes.sol";

/// @title AttestationSignatures
/// @notice EIP-712 digests and checks for delegated attest/revoke and off-chain attestations. The domain binds
///         chain id and this contract's address, so a signature replays neither on another chain nor on another
///         deployment; per-signer nonces and deadlines stop replay on this one. ERC-1271 signers (a ministry's Safe)
///         are checked with OpenZeppelin's SignatureChecker.
abstract contract AttestationSignatures is EIP712, Nonces {
    /// @notice Type hash of a delegated attestation.
    bytes32 public constant ATTEST_TYPEHASH = keccak256(
        "Attest(address attester,bytes32 schema,bytes subject,uint64 expirationTime,bytes32 refUID,bytes data,uint256 value,uint256 nonce,uint64 deadline)"
    );
    /// @notice Type hash of a delegated revocation.
    bytes32 public constant REVOKE_TYPEHASH = keccak256(
        "Revoke(address revoker,bytes32 uid,uint256 nonce,uint64 deadline)"
    );
    /// @notice Type hash of an off-chain attestation (verified by the SDK; exposed here for cross-checks).
    bytes32 public constant OFFCHAIN_TYPEHASH = keccak256(
        "OffchainAttestation(bytes32 schema,address attester,bytes subject,uint64 time,uint64 expirationTime,bytes32 refUID,bytes data,bytes32 salt)"
    );

    /// @notice The signature's deadline has passed.
    error SignatureExpired(uint64 deadline);
    /// @notice The signature is not the signer's.
    error BadSignature(address signer);

    constructor() EIP712("Sovereign Attestations", "1") {}

    /// @notice The EIP-712 digest a delegated attestation is signed over.
    /// @param r The request.
    /// @param attester The signer.
    /// @param nonce The signer's nonce.
    /// @param deadline The deadline.
    /// @return digest The digest.
    function attestDigest(
        AttestationRequest calldata r,
        address attester,
        uint256 nonce,
        uint64 deadline
    ) public view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        ATTEST_TYPEHASH,
                        attester,
                        r.schema,
                        keccak256(r.subject),
                        r.expirationTime,
                        r.refUID,
                        keccak256(r.data),
                        r.value,
                        nonce,
                        deadline
                    )
                )
            );
    }

    /// @notice The EIP-712 digest a delegated revocation is signed over.
    /// @param uid The attestation.
    /// @param revoker The signer.
    /// @param nonce The signer's nonce.
    /// @param deadline The deadline.
    /// @return digest The digest.
    function revokeDigest(bytes32 uid, address revoker, uint256 nonce, uint64 deadline) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(REVOKE_TYPEHASH, revoker, uid, nonce, deadline)));
    }

    /// @notice The EIP-712 digest of an off-chain attestation; the SDK computes the same without a chain.
    /// @param a The attestation content.
    /// @param salt Its salt.
    /// @return digest The digest (the off-chain attestation's id).
    function offchainDigest(Attestation calldata a, bytes32 salt) external view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        OFFCHAIN_TYPEHASH,
                        a.schema,
                        a.attester,
                        keccak256(a.subject),
                        a.time,
                        a.expirationTime,
                        a.refUID,
                        keccak256(a.data),
                        salt
                    )
                )
            );
    }

    /// @dev Checks deadline, consumes the nonce and checks the (EOA or ERC-1271) signature.
    function _checkDelegation(bytes32 digest, Delegation calldata d) internal {
        if (block.timestamp > d.deadline) revert SignatureExpired(d.deadline);
        _useCheckedNonce(d.signer, d.nonce);
        if (!SignatureChecker.isValidSignatureNowCalldata(d.signer, digest, d.signature)) revert BadSignature(d.signer);
    }
}
