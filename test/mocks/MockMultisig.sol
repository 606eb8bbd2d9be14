// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";

/// @title MockMultisig
/// @notice A Safe-like ERC-1271 signer: a ministry's k-of-n wallet. `signature` is the owners' ECDSA
///         signatures over the digest, concatenated in ascending owner order (65 bytes each).
contract MockMultisig is IERC1271 {
    mapping(address => bool) public isOwner;
    uint256 public immutable threshold;

    error BadConfig();

    constructor(address[] memory owners, uint256 threshold_) {
        if (threshold_ == 0 || threshold_ > owners.length) revert BadConfig();
        for (uint256 i = 0; i < owners.length; ++i) isOwner[owners[i]] = true;
        threshold = threshold_;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 digest, bytes calldata signature) external view returns (bytes4) {
        if (signature.length != threshold * 65) return 0xffffffff;
        address last = address(0);
        for (uint256 i = 0; i < threshold; ++i) {
            (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(digest, signature[i * 65:(i + 1) * 65]);
            if (err != ECDSA.RecoverError.NoError || signer <= last || !isOwner[signer]) return 0xffffffff;
            last = signer;
        }
        return IERC1271.isValidSignature.selector;
    }
}
