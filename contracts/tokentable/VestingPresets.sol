// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IVestingPresets} from "./IVestingPresets.sol";
import {VestingMath} from "./VestingMath.sol";

/// @title VestingPresets
/// @notice The preset library shared by TokenVesting and MerkleCampaigns: immutable, content-addressed shapes.
abstract contract VestingPresets is IVestingPresets {
    mapping(uint32 presetId => uint48[]) internal _presets;
    mapping(bytes32 contentHash => uint32) private _idOf;
    uint32 private _count;

    /// @inheritdoc IVestingPresets
    function createPreset(uint32[] calldata ends, uint16[] calldata bips) external returns (uint32 presetId) {
        uint48[] memory segments = VestingMath.pack(ends, bips);
        bytes32 h = keccak256(abi.encodePacked(segments));
        presetId = _idOf[h];
        if (presetId != 0) return presetId;
        presetId = ++_count;
        _idOf[h] = presetId;
        uint48[] storage p = _presets[presetId];
        for (uint256 i; i < segments.length; ++i) p.push(segments[i]);
        emit PresetCreated(presetId, ends, bips);
    }

    /// @inheritdoc IVestingPresets
    function getPreset(uint32 presetId) external view returns (uint32[] memory ends, uint16[] memory bips) {
        uint48[] memory segments = _segments(presetId);
        uint256 n = segments.length;
        ends = new uint32[](n);
        bips = new uint16[](n);
        for (uint256 i; i < n; ++i) {
            ends[i] = uint32(VestingMath.endOf(segments[i]));
            bips[i] = uint16(VestingMath.bipsOf(segments[i]));
        }
    }

    /// @inheritdoc IVestingPresets
    function presetIdOf(uint32[] calldata ends, uint16[] calldata bips) external view returns (uint32) {
        return _idOf[keccak256(abi.encodePacked(VestingMath.pack(ends, bips)))];
    }

    /// @inheritdoc IVestingPresets
    function presetCount() external view returns (uint32) {
        return _count;
    }

    /// @dev A preset's packed segments; reverts for an unknown id.
    function _segments(uint32 presetId) internal view returns (uint48[] memory segments) {
        segments = _presets[presetId];
        if (segments.length == 0) revert UnknownPreset(presetId);
    }

    /// @dev Reverts for an unknown id.
    function _requirePreset(uint32 presetId) internal view {
        if (presetId == 0 || presetId > _count) revert UnknownPreset(presetId);
    }
}
