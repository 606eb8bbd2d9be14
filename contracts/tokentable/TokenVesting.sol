// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ZeroAddress, ZeroAmount} from "../libraries/Errors.sol";
import {ITokenVesting} from "./ITokenVesting.sol";
import {LengthMismatch, TokenTransfers} from "./TokenTransfers.sol";
import {VestingMath} from "./VestingMath.sol";
import {VestingPresets} from "./VestingPresets.sol";

/// @title TokenVesting
/// @notice Per-beneficiary vesting schedules on shared presets, funded in ERC-20 or the native coin, created in
///         batches by the programme admin. Each schedule's funds are its own: only its beneficiary (or an approved
///         delegate, paid to the beneficiary) can claim what vested; the admin can only cancel a schedule created
///         revocable, which returns the unvested part to the treasury named at creation. Creation and cancellation
///         are switches fixed at deployment that can only ever be turned off.
/// @dev Storage per schedule: (token, start, presetId, flags), beneficiary, (total, claimed), and the treasury for
///      revocable schedules only. A cancel freezes `total` at what had vested and marks the schedule fully vested.
contract TokenVesting is ITokenVesting, VestingPresets, Ownable2Step, ReentrancyGuardTransient {
    uint8 private constant FLAG_REVOCABLE = 1;
    uint8 private constant FLAG_CANCELLED = 2;

    struct Schedule {
        address token;
        uint40 start;
        uint32 presetId;
        uint8 flags;
        address beneficiary;
        uint128 total;
        uint128 claimed;
        address treasury;
    }

    mapping(uint256 scheduleId => Schedule) private _schedules;
    mapping(address beneficiary => mapping(address delegate => bool)) private _delegates;
    uint256 private _count;
    bool private _creationEnabled;
    bool private _cancellationEnabled;

    /// @notice Deploys a programme; the switches can later only be turned off.
    /// @param admin the programme admin (creates and cancels schedules; Ownable2Step)
    /// @param creationEnabled_ whether schedules can be created
    /// @param cancellationEnabled_ whether revocable schedules can be cancelled
    constructor(address admin, bool creationEnabled_, bool cancellationEnabled_) Ownable(admin) {
        _creationEnabled = creationEnabled_;
        _cancellationEnabled = cancellationEnabled_;
    }

    /// @inheritdoc ITokenVesting
    function createSchedules(
        address token,
        uint32 presetId,
        uint40 start,
        bool revocable,
        address treasury,
        address[] calldata beneficiaries,
        uint128[] calldata amounts
    ) external payable onlyOwner nonReentrant returns (uint256 firstId) {
        if (!_creationEnabled) revert CreationIsDisabled();
        uint256 n = beneficiaries.length;
        if (n == 0 || amounts.length != n) revert LengthMismatch();
        _requirePreset(presetId);
        if (revocable && treasury == address(0)) revert ZeroAddress();
        firstId = _count + 1;
        Schedule memory t = Schedule({
            token: token,
            start: start,
            presetId: presetId,
            flags: revocable ? FLAG_REVOCABLE : 0,
            beneficiary: address(0),
            total: 0,
            claimed: 0,
            treasury: revocable ? treasury : address(0)
        });
        uint256 sum;
        for (uint256 i; i < n; ++i) {
            address b = beneficiaries[i];
            uint128 a = amounts[i];
            if (b == address(0)) revert ZeroAddress();
            if (a == 0) revert ZeroAmount();
            sum += a;
            t.beneficiary = b;
            t.total = a;
            _schedules[firstId + i] = t;
            emit ScheduleCreated(firstId + i, b, a);
        }
        _count = firstId + n - 1;
        emit SchedulesCreated(firstId, n, token, presetId, start, revocable, t.treasury, sum);
        TokenTransfers.pullExact(token, msg.sender, sum);
    }

    /// @inheritdoc ITokenVesting
    function cancel(uint256[] calldata scheduleIds) external onlyOwner nonReentrant {
        if (!_cancellationEnabled) revert CancellationIsDisabled();
        for (uint256 i; i < scheduleIds.length; ++i) {
            uint256 id = scheduleIds[i];
            Schedule storage s = _schedule(id);
            uint8 flags = s.flags;
            if (flags & FLAG_REVOCABLE == 0) revert NotRevocable(id);
            if (flags & FLAG_CANCELLED != 0) revert AlreadyCancelled(id);
            uint256 total = s.total;
            uint256 vested = VestingMath.vested(total, s.start, _presets[s.presetId], block.timestamp);
            uint256 returned = total - vested;
            s.total = uint128(vested);
            s.flags = flags | FLAG_CANCELLED;
            address treasury = s.treasury;
            emit Cancelled(id, treasury, vested, returned);
            if (returned != 0) TokenTransfers.push(s.token, treasury, returned);
        }
    }

    /// @inheritdoc ITokenVesting
    function claim(uint256 scheduleId) external nonReentrant returns (uint256 amount) {
        return _claimAsBeneficiary(scheduleId, msg.sender);
    }

    /// @inheritdoc ITokenVesting
    function claimTo(uint256 scheduleId, address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert ZeroAddress();
        return _claimAsBeneficiary(scheduleId, to);
    }

    /// @inheritdoc ITokenVesting
    function claimMany(uint256[] calldata scheduleIds) external nonReentrant returns (uint256 total) {
        for (uint256 i; i < scheduleIds.length; ++i) {
            uint256 id = scheduleIds[i];
            Schedule storage s = _schedule(id);
            address b = s.beneficiary;
            if (msg.sender != b && !_delegates[b][msg.sender]) revert NotBeneficiaryOrDelegate(id, msg.sender);
            total += _pay(s, id, b);
        }
    }

    /// @inheritdoc ITokenVesting
    function setDelegate(address delegate, bool approved) external {
        if (delegate == address(0)) revert ZeroAddress();
        _delegates[msg.sender][delegate] = approved;
        emit DelegateSet(msg.sender, delegate, approved);
    }

    /// @inheritdoc ITokenVesting
    function disableCreation() external onlyOwner {
        _creationEnabled = false;
        emit CreationDisabled();
    }

    /// @inheritdoc ITokenVesting
    function disableCancellation() external onlyOwner {
        _cancellationEnabled = false;
        emit CancellationDisabled();
    }

    /// @inheritdoc ITokenVesting
    function creationEnabled() external view returns (bool) {
        return _creationEnabled;
    }

    /// @inheritdoc ITokenVesting
    function cancellationEnabled() external view returns (bool) {
        return _cancellationEnabled;
    }

    /// @inheritdoc ITokenVesting
    function isUnruggable() external view returns (bool) {
        return !_cancellationEnabled;
    }

    /// @inheritdoc ITokenVesting
    function isDelegate(address beneficiary, address delegate) external view returns (bool) {
        return _delegates[beneficiary][delegate];
    }

    /// @inheritdoc ITokenVesting
    function getSchedule(uint256 scheduleId) external view returns (ScheduleView memory v) {
        Schedule storage s = _schedule(scheduleId);
        v = ScheduleView({
            token: s.token,
            start: s.start,
            presetId: s.presetId,
            revocable: s.flags & FLAG_REVOCABLE != 0,
            cancelled: s.flags & FLAG_CANCELLED != 0,
            beneficiary: s.beneficiary,
            total: s.total,
            claimed: s.claimed,
            treasury: s.treasury
        });
    }

    /// @inheritdoc ITokenVesting
    function vestedAmount(uint256 scheduleId, uint256 at) public view returns (uint256) {
        Schedule storage s = _schedule(scheduleId);
        return _vested(s, at);
    }

    /// @inheritdoc ITokenVesting
    function claimable(uint256 scheduleId, uint256 at) external view returns (uint256) {
        Schedule storage s = _schedule(scheduleId);
        uint256 v = _vested(s, at);
        uint256 c = s.claimed;
        return v > c ? v - c : 0;
    }

    /// @inheritdoc ITokenVesting
    function scheduleCount() external view returns (uint256) {
        return _count;
    }

    function _claimAsBeneficiary(uint256 id, address to) private returns (uint256 amount) {
        Schedule storage s = _schedule(id);
        if (msg.sender != s.beneficiary) revert NotBeneficiary(id, msg.sender);
        amount = _pay(s, id, to);
        if (amount == 0) revert NothingToClaim(id);
    }

    /// @dev Pays what is claimable now to `to` (effects before the transfer); returns 0 if nothing is.
    function _pay(Schedule storage s, uint256 id, address to) private returns (uint256 amount) {
        uint256 claimed = s.claimed;
        amount = _vested(s, block.timestamp) - claimed;
        if (amount == 0) return 0;
        s.claimed = uint128(claimed + amount);
        emit Claimed(id, to, amount);
        TokenTransfers.push(s.token, to, amount);
    }

    function _vested(Schedule storage s, uint256 at) private view returns (uint256) {
        if (s.flags & FLAG_CANCELLED != 0) return s.total;
        return VestingMath.vested(s.total, s.start, _presets[s.presetId], at);
    }

    function _schedule(uint256 id) private view returns (Schedule storage s) {
        s = _schedules[id];
        if (s.beneficiary == address(0)) revert UnknownSchedule(id);
    }
}
