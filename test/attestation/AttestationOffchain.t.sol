// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TestBase} from "../lib/TestBase.sol";
import {AttestationOffchain} from "../../contracts/attestation/AttestationOffchain.sol";
import {IAttestationOffchain} from "../../contracts/attestation/IAttestationOffchain.sol";

contract AttestationOffchainTest is TestBase {
    AttestationOffchain internal off;
    uint256 internal constant START = 1_700_000_000;

    function setUp() public {
        vm.warp(START);
        off = new AttestationOffchain();
    }

    function _one(bytes32 h) internal pure returns (bytes32[] memory a) {
        a = new bytes32[](1);
        a[0] = h;
    }

    // ---- regression: a stamped hash no longer makes a whole pending batch revert ----

    function test_timestampBatchSkipsAlreadyStampedHash() public {
        bytes32 old = keccak256("front-run");
        off.timestamp(_one(old));
        vm.warp(START + 100);
        bytes32[] memory batch = new bytes32[](3);
        batch[0] = keccak256("new-1");
        batch[1] = old;
        batch[2] = keccak256("new-2");
        vm.expectEmit();
        emit IAttestationOffchain.Timestamped(batch[0], uint64(START + 100));
        vm.expectEmit();
        emit IAttestationOffchain.TimestampSkipped(old, uint64(START));
        vm.expectEmit();
        emit IAttestationOffchain.Timestamped(batch[2], uint64(START + 100));
        uint256 stamped = off.timestamp(batch);
        vm.assertEq(stamped, 2, "two new hashes stamped");
        vm.assertEq(uint256(off.timestampOf(batch[0])), START + 100, "new-1 stamped now");
        vm.assertEq(uint256(off.timestampOf(batch[2])), START + 100, "new-2 stamped now");
        vm.assertEq(uint256(off.timestampOf(old)), START, "old time unchanged");
    }

    function test_revokeOffchainBatchSkipsAlreadyRevokedHash() public {
        bytes32 old = keccak256("revoked-before");
        off.revokeOffchain(_one(old));
        vm.warp(START + 50);
        bytes32[] memory batch = new bytes32[](2);
        batch[0] = old;
        batch[1] = keccak256("fresh");
        vm.expectEmit();
        emit IAttestationOffchain.RevocationSkipped(address(this), old, uint64(START));
        vm.expectEmit();
        emit IAttestationOffchain.RevokedOffchain(address(this), batch[1], uint64(START + 50));
        vm.assertEq(off.revokeOffchain(batch), 1, "one revoked");
        vm.assertEq(uint256(off.revocationOf(address(this), old)), START, "old revocation time unchanged");
        vm.assertEq(uint256(off.revocationOf(address(this), batch[1])), START + 50, "fresh revoked now");
        // another revoker's registry is separate: the same hash is new for it
        vm.prank(address(0xCAFE));
        vm.assertEq(off.revokeOffchain(batch), 2, "per-revoker");
    }

    function test_emptyBatchesFail() public {
        vm.expectRevert(IAttestationOffchain.EmptyBatch.selector);
        off.timestamp(new bytes32[](0));
        vm.expectRevert(IAttestationOffchain.EmptyBatch.selector);
        off.revokeOffchain(new bytes32[](0));
    }

    /// @dev (F) ordering: any batch over a small alphabet (so with repeats, and overlapping an earlier batch)
    ///      succeeds; each hash keeps the time of its first stamp; the count equals the number of new hashes.
    function testFuzz_timestampBatchesKeepFirstTime(uint256 seed, uint8 len1, uint8 len2, uint32 gap) public {
        len1 = uint8(bound(len1, 1, 24));
        len2 = uint8(bound(len2, 1, 24));
        bytes32[] memory a = new bytes32[](len1);
        bytes32[] memory b = new bytes32[](len2);
        for (uint256 i; i < len1; ++i) a[i] = bytes32(uint256(keccak256(abi.encode(seed, "a", i))) % 16);
        for (uint256 i; i < len2; ++i) b[i] = bytes32(uint256(keccak256(abi.encode(seed, "b", i))) % 16);
        uint256 t2 = START + bound(gap, 1, type(uint32).max);
        vm.assertEq(off.timestamp(a), _distinctNew(a, new bytes32[](0)), "first batch count");
        vm.warp(t2);
        vm.assertEq(off.timestamp(b), _distinctNew(b, a), "second batch count");
        for (uint256 i; i < len2; ++i) {
            uint256 expected = _contains(a, a.length, b[i]) ? START : t2;
            vm.assertEq(uint256(off.timestampOf(b[i])), expected, "first stamp wins");
        }
        for (uint256 i; i < len1; ++i) vm.assertEq(uint256(off.timestampOf(a[i])), START, "earlier batch untouched");
    }

    function _contains(bytes32[] memory xs, uint256 upTo, bytes32 x) internal pure returns (bool) {
        for (uint256 i; i < upTo; ++i) if (xs[i] == x) return true;
        return false;
    }

    /// @dev Distinct elements of `xs` that are not in `done`.
    function _distinctNew(bytes32[] memory xs, bytes32[] memory done) internal pure returns (uint256 n) {
        for (uint256 i; i < xs.length; ++i) {
            if (!_contains(xs, i, xs[i]) && !_contains(done, done.length, xs[i])) ++n;
        }
    }
}
