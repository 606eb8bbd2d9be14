// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {Attestation, AttestationRequest, Delegation} from "../interfaces/AttestationTypes.sol";
import {IAttestationRegistry} from "./IAttestationRegistry.sol";

/// @title AttestationSignatures
/// @notice EIP-712 digests, ordered per-signer nonces and checks for delegated attest/revoke and off-chain
///         attestations. The domain binds chain id and this contract's address, so a signature replays neither on
///         another chain nor on another deployment; per-signer nonces and deadlines stop replay on this one, and
///         `increaseNonce` cancels outstanding signatures unused. ERC-1271 signers (a ministry's Safe) are checked
///         with OpenZeppelin's SignatureChecker.
abstract contract AttestationSignatures is IAttestationRegistry, EIP712 {
    /// @inheritdoc IAttestationRegistry
    uint256 public constant MAX_NONCE = type(uint128).max;
    /// @inheritdoc IAttestationRegistry
    bytes32 public constant ATTEST_TYPEHASH = keccak256(
        "Attest(address attester,bytes32 schema,bytes subject,uint64 expirationTime,bytes32 refUID,bytes data,uint256 value,bytes hookData,uint256 nonce,uint64 deadline)"
    );
    /// @inheritdoc IAttestationRegistry
    bytes32 public constant REVOKE_TYPEHASH = keccak256(
        "Revoke(address revoker,bytes32 uid,uint256 nonce,uint64 deadline)"
    );
    /// @inheritdoc IAttestationRegistry
    bytes32 public constant OFFCHAIN_TYPEHASH = keccak256(
        "OffchainAttestation(bytes32 schema,address attester,bytes subject,uint64 time,uint64 expirationTime,bytes32 refUID,bytes data,bytes32 salt)"
    );

    mapping(address signer => uint256 nonce) private _nonces;

    constructor() EIP712("Sovereign Attestations", "1") {}

    /// @inheritdoc IAttestationRegistry
    function increaseNonce(uint256 newNonce) external {
        uint256 current = _nonces[msg.sender];
        if (newNonce <= current || newNonce > MAX_NONCE) revert InvalidNonceIncrease(current, newNonce);
        _nonces[msg.sender] = newNonce;
        emit NonceIncreased(msg.sender, current, newNonce);
    }

    /// @inheritdoc IAttestationRegistry
    function nonces(address signer) external view returns (uint256) {
        return _nonces[signer];
    }

    /// @inheritdoc IAttestationRegistry
    function attestDigest(
        AttestationRequest calldata request,
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
                        request.schema,
                        keccak256(request.subject),
                        request.expirationTime,
                        request.refUID,
                        keccak256(request.data),
                        request.value,
                        keccak256(request.hookData),
                        nonce,
                        deadline
                    )
                )
            );
    }

    /// @inheritdoc IAttestationRegistry
    function revokeDigest(bytes32 uid, address revoker, uint256 nonce, uint64 deadline) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(REVOKE_TYPEHASH, revoker, uid, nonce, deadline)));
    }

    /// @inheritdoc IAttestationRegistry
    function offchainDigest(Attestation calldata attestation, bytes32 salt) external view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        OFFCHAIN_TYPEHASH,
                        attestation.schema,
                        attestation.attester,
                        keccak256(attestation.subject),
                        attestation.time,
                        attestation.expirationTime,
                        attestation.refUID,
                        keccak256(attestation.data),
                        salt
                    )
                )
            );
    }

    /// @dev Checks the deadline, consumes the signer's next nonce and checks the (EOA or ERC-1271) signature.
    function _checkDelegation(bytes32 digest, Delegation calldata d) internal {
        if (block.timestamp > d.deadline) revert SignatureExpired(d.deadline);
        address signer = d.signer;
        uint256 current = _nonces[signer];
        if (d.nonce != current) revert InvalidAccountNonce(signer, current);
        // current <= MAX_NONCE + uses, far below 2^256: cannot overflow.
        unchecked {
            _nonces[signer] = current + 1;
        }
        if (!SignatureChecker.isValidSignatureNowCalldata(signer, digest, d.signature)) revert BadSignature(signer);
    }
}
