// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IVestingPresets
/// @notice A library of vesting presets: schedule shapes shared by many beneficiaries, created once and immutable.
///         A preset is a list of linear segments; segment i runs from the previous segment's end (0 for the first)
///         to `ends[i]` seconds after the schedule's start and releases `bips[i]` basis points of the total, evenly
///         over its length. A cliff is a 0-bip segment followed by a 1-second segment carrying the cliff amount;
///         monthly steps are alternating 0-bip and 1-second segments; any piecewise-linear curve has the same shape.
/// @dev Packed storage: each segment is a uint48 `end << 16 | bips`. Ids are sequential from 1; the same segments
///      always map to the same id (creating them again returns the existing id).
interface IVestingPresets {
    /// @notice A preset was created.
    /// @param presetId its id
    /// @param ends segment end offsets in seconds from the schedule start
    /// @param bips basis points released by each segment
    event PresetCreated(uint32 indexed presetId, uint32[] ends, uint16[] bips);

    /// @notice A preset needs one segment or more, at most `MAX_SEGMENTS`, and as many ends as bips.
    /// @param ends the number of ends given
    /// @param bips the number of bips given
    error InvalidSegmentCount(uint256 ends, uint256 bips);
    /// @notice Segment ends must be strictly increasing and the first one above zero.
    /// @param segment the first offending segment
    error SegmentEndsNotIncreasing(uint256 segment);
    /// @notice The segments' basis points must sum to exactly 10,000.
    /// @param sum what they sum to
    error BipsSumNot10000(uint256 sum);
    /// @notice No preset has this id.
    /// @param presetId the id
    error UnknownPreset(uint32 presetId);

    /// @notice Creates a preset (or returns the id of the identical existing one). Anyone may create presets.
    /// @param ends segment end offsets in seconds from the schedule start, strictly increasing, first above 0
    /// @param bips basis points released by each segment, summing to exactly 10,000
    /// @return presetId the preset's id
    function createPreset(uint32[] calldata ends, uint16[] calldata bips) external returns (uint32 presetId);

    /// @notice A preset's segments.
    /// @param presetId the id
    /// @return ends segment end offsets in seconds
    /// @return bips basis points per segment
    function getPreset(uint32 presetId) external view returns (uint32[] memory ends, uint16[] memory bips);

    /// @notice The id of the preset with exactly these segments, or 0 if none.
    /// @param ends segment end offsets
    /// @param bips basis points per segment
    /// @return presetId its id, or 0
    function presetIdOf(uint32[] calldata ends, uint16[] calldata bips) external view returns (uint32 presetId);

    /// @notice How many presets exist (ids run from 1 to this number).
    /// @return count the number of presets
    function presetCount() external view returns (uint32 count);
}
