// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IVestingPresets} from "./IVestingPresets.sol";

/// @title VestingMath
/// @notice The vesting curve of TokenTable, in one place so the SDK can mirror it exactly. A schedule is `total`
///         tokens, a `start` time and a preset: packed segments `end << 16 | bips`, where segment i releases
///         `bips[i]` basis points linearly between the previous end (0 for the first) and `end[i]`, in seconds
///         after `start`.
/// @dev vested(t) = floor(total * (B_i * L_i + b_i * (e - E_{i-1})) / (10,000 * L_i)) for the segment i holding
///      e = t - start (E_{i-1} < e < E_i, B_i the bips of the earlier segments, L_i = E_i - E_{i-1}); 0 for
///      t <= start; total from the last end on. The fraction is continuous and non-decreasing in t and at most 1,
///      so vested is monotonic and bounded by total.
library VestingMath {
    /// @notice Basis points in the whole.
    uint256 internal constant BIPS = 10_000;
    /// @notice Most segments a preset may have (bounds the gas of a claim).
    uint256 internal constant MAX_SEGMENTS = 64;

    /// @notice Packs and validates segments (checks are separate and each one is enforced).
    /// @param ends segment end offsets, strictly increasing, first above 0
    /// @param bips basis points per segment, summing to exactly 10,000
    /// @return segments the packed segments
    function pack(uint32[] calldata ends, uint16[] calldata bips) internal pure returns (uint48[] memory segments) {
        uint256 n = ends.length;
        if (n == 0 || n > MAX_SEGMENTS || bips.length != n) revert IVestingPresets.InvalidSegmentCount(n, bips.length);
        segments = new uint48[](n);
        uint256 prev;
        uint256 sum;
        for (uint256 i; i < n; ++i) {
            uint256 e = ends[i];
            if (e <= prev) revert IVestingPresets.SegmentEndsNotIncreasing(i);
            prev = e;
            sum += bips[i];
            segments[i] = uint48((e << 16) | bips[i]);
        }
        if (sum != BIPS) revert IVestingPresets.BipsSumNot10000(sum);
    }

    /// @notice The end offset of a packed segment.
    /// @param segment the packed segment
    /// @return its end offset in seconds
    function endOf(uint48 segment) internal pure returns (uint256) {
        return segment >> 16;
    }

    /// @notice The basis points of a packed segment.
    /// @param segment the packed segment
    /// @return its basis points
    function bipsOf(uint48 segment) internal pure returns (uint256) {
        return uint16(segment);
    }

    /// @notice The amount vested at time `at`.
    /// @param total the schedule's total
    /// @param start the schedule's start time
    /// @param segments the packed, validated segments
    /// @param at the time
    /// @return the vested amount, in [0, total], non-decreasing in `at`
    function vested(
        uint256 total,
        uint256 start,
        uint48[] memory segments,
        uint256 at
    ) internal pure returns (uint256) {
        if (at <= start) return 0;
        uint256 elapsed = at - start;
        uint256 n = segments.length;
        if (elapsed >= endOf(segments[n - 1])) return total;
        uint256 done;
        uint256 prevEnd;
        for (uint256 i; i < n; ++i) {
            uint48 s = segments[i];
            uint256 e = endOf(s);
            if (elapsed < e) {
                uint256 len = e - prevEnd;
                return Math.mulDiv(total, done * len + bipsOf(s) * (elapsed - prevEnd), BIPS * len);
            }
            done += bipsOf(s);
            prevEnd = e;
        }
        return total; // unreachable: elapsed < the last end
    }
}
