// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";

/// @notice A campaign tree laid out as `@openzeppelin/merkle-tree` lays out `StandardMerkleTree.of(values, types,
///         { sortLeaves: false })` (leaves in index order: leaf i at tree[len - 1 - i], children of node j at 2j+1 and
///         2j+2), and its
///         `getMultiProof`, written after the library's algorithm so Solidity tests can build multiproofs.
library TestMultiproof {
    struct MultiProof {
        bytes32[] leaves;
        bytes32[] proof;
        bool[] proofFlags;
    }

    /// @dev The tree array of `leafHashes`, given in index order (kept in that order, as campaign trees are).
    function build(bytes32[] memory leafHashes) internal pure returns (bytes32[] memory tree) {
        uint256 n = leafHashes.length;
        tree = new bytes32[](2 * n - 1);
        for (uint256 i; i < n; ++i) tree[tree.length - 1 - i] = leafHashes[i];
        for (uint256 k = tree.length - n; k > 0; --k) {
            uint256 j = k - 1;
            tree[j] = Hashes.commutativeKeccak256(tree[2 * j + 1], tree[2 * j + 2]);
        }
    }

    /// @dev The tree position of `leaf` (reverts if absent).
    function positionOf(bytes32[] memory tree, bytes32 leaf) internal pure returns (uint256) {
        uint256 n = (tree.length + 1) / 2;
        for (uint256 j = tree.length - n; j < tree.length; ++j) if (tree[j] == leaf) return j;
        revert("TestMultiproof: leaf not in tree");
    }

    /// @dev OpenZeppelin merkle-tree's getMultiProof for the tree positions `positions` (distinct leaf positions).
    function multiProof(bytes32[] memory tree, uint256[] memory positions) internal pure returns (MultiProof memory m) {
        uint256 k = positions.length;
        uint256[] memory sorted = new uint256[](k);
        for (uint256 i; i < k; ++i) sorted[i] = positions[i];
        for (uint256 i = 1; i < k; ++i) {
            uint256 x = sorted[i];
            uint256 j = i;
            while (j > 0 && sorted[j - 1] < x) {
                sorted[j] = sorted[j - 1];
                --j;
            }
            sorted[j] = x;
        }
        m.leaves = new bytes32[](k);
        for (uint256 i; i < k; ++i) m.leaves[i] = tree[sorted[i]];
        // a queue over a buffer: every step pops one or two and pushes one
        uint256[] memory queue = new uint256[](k + tree.length);
        uint256 head;
        uint256 tail;
        for (uint256 i; i < k; ++i) queue[tail++] = sorted[i];
        bytes32[] memory proof = new bytes32[](tree.length);
        bool[] memory flags = new bool[](tree.length);
        uint256 np;
        uint256 nf;
        while (head < tail && queue[head] > 0) {
            uint256 j = queue[head++];
            uint256 s = j % 2 == 1 ? j + 1 : j - 1;
            if (head < tail && queue[head] == s) {
                flags[nf++] = true;
                head++;
            } else {
                flags[nf++] = false;
                proof[np++] = tree[s];
            }
            queue[tail++] = (j - 1) / 2;
        }
        m.proof = new bytes32[](np);
        for (uint256 i; i < np; ++i) m.proof[i] = proof[i];
        m.proofFlags = new bool[](nf);
        for (uint256 i; i < nf; ++i) m.proofFlags[i] = flags[i];
    }
}
