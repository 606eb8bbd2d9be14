// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

/// @title AttestationMockSafe
/// @notice A minimal Safe-like k-of-n multisig: executes calls approved by `threshold` owners and answers ERC-1271.
///         Signatures are EIP-191 personal signatures (65 bytes each) of distinct owners in ascending address order.
contract AttestationMockSafe is IERC1271 {
    /// @notice Owners.
    mapping(address => bool) public isOwner;
    /// @notice Signatures needed.
    uint256 public immutable threshold;
    /// @notice Next execution nonce.
    uint256 public nonce;

    /// @notice A call was executed.
    event Executed(uint256 indexed nonce, address indexed to, uint256 value, bytes data);

    /// @notice Bad owner set or threshold.
    error BadSetup();
    /// @notice Signatures do not meet the threshold.
    error NotApproved();
    /// @notice The executed call reverted.
    error CallFailed(bytes reason);

    /// @param owners Owners.
    /// @param threshold_ Signatures needed.
    constructor(address[] memory owners, uint256 threshold_) {
        if (threshold_ == 0 || threshold_ > owners.length) revert BadSetup();
        for (uint256 i; i < owners.length; ++i) isOwner[owners[i]] = true;
        threshold = threshold_;
    }

    /// @notice Accepts native coin.
    receive() external payable {}

    /// @notice The hash owners sign to approve a call.
    /// @param to Target.
    /// @param value Native coin.
    /// @param data Calldata.
    /// @param nonce_ Nonce.
    /// @return hash The hash.
    function txHash(address to, uint256 value, bytes calldata data, uint256 nonce_) public view returns (bytes32) {
        return keccak256(abi.encode(address(this), block.chainid, nonce_, to, value, keccak256(data)));
    }

    /// @notice Executes a call approved by the owners.
    /// @param to Target.
    /// @param value Native coin.
    /// @param data Calldata.
    /// @param signatures Owners' signatures of `txHash`.
    /// @return result The call's return data.
    function execute(
        address to,
        uint256 value,
        bytes calldata data,
        bytes calldata signatures
    ) external returns (bytes memory result) {
        uint256 n = nonce;
        if (!_approved(txHash(to, value, data, n), signatures)) revert NotApproved();
        nonce = n + 1;
        emit Executed(n, to, value, data);
        bool ok;
        (ok, result) = to.call{value: value}(data);
        if (!ok) revert CallFailed(result);
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        return _approved(hash, signature) ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }

    function _approved(bytes32 hash, bytes calldata signatures) private view returns (bool) {
        if (signatures.length != threshold * 65) return false;
        bytes32 digest = MessageHashUtils.toEthSignedMessageHash(hash);
        address last;
        for (uint256 i; i < threshold; ++i) {
            (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(
                digest,
                signatures[i * 65:(i + 1) * 65]
            );
            if (err != ECDSA.RecoverError.NoError || !isOwner[signer] || signer <= last) return false;
            last = signer;
        }
        return true;
    }
}
