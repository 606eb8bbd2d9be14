// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TestBase} from "../lib/TestBase.sol";
import {VestingMath} from "../../contracts/tokentable/VestingMath.sol";
import {IVestingPresets} from "../../contracts/tokentable/IVestingPresets.sol";

/// @notice Exposes the library's calldata entry point.
contract VestingMathHarness {
    function pack(uint32[] calldata ends, uint16[] calldata bips) external pure returns (uint48[] memory) {
        return VestingMath.pack(ends, bips);
    }

    function vested(uint256 total, uint256 start, uint48[] memory s, uint256 at) external pure returns (uint256) {
        return VestingMath.vested(total, start, s, at);
    }
}

contract VestingMathTest is TestBase {
    VestingMathHarness internal h;

    function setUp() public {
        h = new VestingMathHarness();
    }

    /// @dev Random valid preset: 1..8 segments, random lengths, random bips summing to 10,000.
    function _preset(uint256 seed) internal pure returns (uint32[] memory ends, uint16[] memory bips) {
        uint256 n = 1 + (seed % 8);
        ends = new uint32[](n);
        bips = new uint16[](n);
        uint256 t;
        uint256 left = 10_000;
        for (uint256 i; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            t += 1 + (r % 400 days);
            ends[i] = uint32(t);
            uint256 b = i == n - 1 ? left : (r >> 128) % (left + 1);
            bips[i] = uint16(b);
            left -= b;
        }
    }

    /// @dev Independent reference: cumulative fraction in 1e36 fixed point, then one floor.
    function _ref(uint256 total, uint32[] memory ends, uint16[] memory bips, uint256 e) internal pure returns (uint256) {
        uint256 prev;
        uint256 acc;
        for (uint256 i; i < ends.length; ++i) {
            if (e >= ends[i]) {
                acc += uint256(bips[i]) * 1e32;
                prev = ends[i];
            } else {
                if (e > prev) acc += (uint256(bips[i]) * 1e32 * (e - prev)) / (ends[i] - prev);
                break;
            }
        }
        return (total * acc) / 1e36;
    }

    function testFuzz_vestedMonotonicAndBounded(uint256 seed, uint128 total, uint32 t1, uint32 t2) public view {
        (uint32[] memory ends, uint16[] memory bips) = _preset(seed);
        uint48[] memory s = h.pack(ends, bips);
        uint256 start = 1_000_000;
        if (t1 > t2) (t1, t2) = (t2, t1);
        uint256 a = h.vested(total, start, s, start + t1);
        uint256 b = h.vested(total, start, s, start + t2);
        vm.assertLe(a, b, "monotonic");
        vm.assertLe(b, total, "bounded");
        vm.assertEq(h.vested(total, start, s, start), 0, "zero at start");
        vm.assertEq(h.vested(total, start, s, start - 1), 0, "zero before start");
        vm.assertEq(h.vested(total, start, s, start + ends[ends.length - 1]), total, "total at end");
        // within 1 unit of an independent computation (different rounding path)
        // (totals up to 1e35 keep the reference's 1e-36 fixed-point error below one unit)
        uint256 small = bound(total, 0, 1e35);
        uint256 v = h.vested(small, start, s, start + t1);
        uint256 r = _ref(small, ends, bips, t1);
        vm.assertLe(v > r ? v - r : r - v, 1, "matches reference");
    }

    function testFuzz_cliffIsAStep(uint128 total, uint32 cliff, uint32 rest, uint16 cliffBips) public view {
        cliff = uint32(bound(cliff, 1, 1e8));
        rest = uint32(bound(rest, 2, 1e8));
        cliffBips = uint16(bound(cliffBips, 0, 10_000));
        uint32[] memory ends = new uint32[](3);
        uint16[] memory bips = new uint16[](3);
        (ends[0], ends[1], ends[2]) = (cliff, cliff + 1, cliff + 1 + rest);
        (bips[0], bips[1], bips[2]) = (0, cliffBips, 10_000 - cliffBips);
        uint48[] memory s = h.pack(ends, bips);
        vm.assertEq(h.vested(total, 0, s, cliff), 0, "nothing until the cliff");
        vm.assertEq(h.vested(total, 0, s, uint256(cliff) + 1), (uint256(total) * cliffBips) / 10_000, "cliff amount");
    }

    function test_pack_rejectsBadPresets() public {
        uint32[] memory ends = new uint32[](2);
        uint16[] memory bips = new uint16[](2);
        (ends[0], ends[1]) = (10, 20);
        (bips[0], bips[1]) = (2_500, 2_500);
        vm.expectRevert(abi.encodeWithSelector(IVestingPresets.BipsSumNot10000.selector, 5_000));
        h.pack(ends, bips);
        // TokenTable's AND bug: a 5,000-bip preset with a mismatched length must still be refused
        uint16[] memory one = new uint16[](1);
        one[0] = 5_000;
        vm.expectRevert(abi.encodeWithSelector(IVestingPresets.InvalidSegmentCount.selector, 2, 1));
        h.pack(ends, one);
        (bips[0], bips[1]) = (5_000, 5_000);
        (ends[0], ends[1]) = (20, 20);
        vm.expectRevert(abi.encodeWithSelector(IVestingPresets.SegmentEndsNotIncreasing.selector, 1));
        h.pack(ends, bips);
        (ends[0], ends[1]) = (0, 20);
        vm.expectRevert(abi.encodeWithSelector(IVestingPresets.SegmentEndsNotIncreasing.selector, 0));
        h.pack(ends, bips);
        vm.expectRevert(abi.encodeWithSelector(IVestingPresets.InvalidSegmentCount.selector, 0, 0));
        h.pack(new uint32[](0), new uint16[](0));
        uint32[] memory many = new uint32[](65);
        uint16[] memory manyB = new uint16[](65);
        vm.expectRevert(abi.encodeWithSelector(IVestingPresets.InvalidSegmentCount.selector, 65, 65));
        h.pack(many, manyB);
    }
}
