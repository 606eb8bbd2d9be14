// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IVestingPresets} from "./IVestingPresets.sol";

/// @title ITokenVesting
/// @notice Per-beneficiary vesting schedules on shared presets, funded in ERC-20 or the native coin, created in
///         batches by the programme admin. Each schedule's funds are its own: only its beneficiary (or an approved
///         delegate, paid to the beneficiary) can claim what vested, and the admin can only cancel a schedule that
///         was created revocable, which returns the unvested part to the treasury named at creation. Creation and
///         cancellation are switches fixed at deployment that can only ever be turned off, so a programme can prove
///         it is unruggable.
interface ITokenVesting is IVestingPresets {
    /// @notice The stored state of a schedule.
    /// @param token the ERC-20 paid, or address(0) for the native coin
    /// @param start the vesting start time
    /// @param presetId the vesting shape
    /// @param revocable whether the admin may cancel it
    /// @param cancelled whether it was cancelled (then `total` is what had vested at cancellation)
    /// @param beneficiary who is paid
    /// @param total the amount the schedule holds in all (after a cancel: what had vested)
    /// @param claimed the amount already paid
    /// @param treasury where a cancel returns the unvested part (zero unless revocable)
    struct ScheduleView {
        address token;
        uint40 start;
        uint32 presetId;
        bool revocable;
        bool cancelled;
        address beneficiary;
        uint128 total;
        uint128 claimed;
        address treasury;
    }

    /// @notice A batch of schedules sharing token, preset, start and revocability was created and funded.
    /// @param firstId the first schedule's id; the batch holds ids firstId .. firstId + count - 1
    /// @param count how many schedules
    /// @param token the token, or address(0) for the native coin
    /// @param presetId their shape
    /// @param start their start time
    /// @param revocable whether they can be cancelled
    /// @param treasury where a cancel returns the unvested part (zero unless revocable)
    /// @param funded the sum of their totals, taken from the creator
    event SchedulesCreated(
        uint256 indexed firstId,
        uint256 count,
        address indexed token,
        uint32 presetId,
        uint40 start,
        bool revocable,
        address treasury,
        uint256 funded
    );
    /// @notice One schedule of a batch.
    /// @param scheduleId its id
    /// @param beneficiary who is paid
    /// @param amount its total
    event ScheduleCreated(uint256 indexed scheduleId, address indexed beneficiary, uint256 amount);
    /// @notice Vested tokens were paid.
    /// @param scheduleId the schedule
    /// @param to who was paid
    /// @param amount how much
    event Claimed(uint256 indexed scheduleId, address indexed to, uint256 amount);
    /// @notice A revocable schedule was cancelled; what had vested stays claimable by the beneficiary.
    /// @param scheduleId the schedule
    /// @param treasury who received the unvested part
    /// @param vested what had vested (stays claimable)
    /// @param returned the unvested part returned to the treasury
    event Cancelled(uint256 indexed scheduleId, address indexed treasury, uint256 vested, uint256 returned);
    /// @notice A beneficiary approved or removed a claiming delegate.
    /// @param beneficiary the beneficiary
    /// @param delegate the delegate
    /// @param approved whether it may now claim (to the beneficiary)
    event DelegateSet(address indexed beneficiary, address indexed delegate, bool approved);
    /// @notice Schedule creation was turned off for good.
    event CreationDisabled();
    /// @notice Cancellation was turned off for good.
    event CancellationDisabled();

    /// @notice Schedule creation is turned off.
    error CreationIsDisabled();
    /// @notice Cancellation is turned off.
    error CancellationIsDisabled();
    /// @notice No schedule has this id.
    /// @param scheduleId the id
    error UnknownSchedule(uint256 scheduleId);
    /// @notice The schedule was created irrevocable.
    /// @param scheduleId the id
    error NotRevocable(uint256 scheduleId);
    /// @notice The schedule was already cancelled.
    /// @param scheduleId the id
    error AlreadyCancelled(uint256 scheduleId);
    /// @notice The caller is neither the beneficiary nor a delegate it approved.
    /// @param scheduleId the schedule
    /// @param caller the caller
    error NotBeneficiaryOrDelegate(uint256 scheduleId, address caller);
    /// @notice The caller is not the beneficiary.
    /// @param scheduleId the schedule
    /// @param caller the caller
    error NotBeneficiary(uint256 scheduleId, address caller);
    /// @notice Nothing is claimable now.
    /// @param scheduleId the schedule
    error NothingToClaim(uint256 scheduleId);

    /// @notice Creates and funds one schedule per beneficiary, all on `token`, `presetId`, `start`. Admin only,
    ///         while creation is enabled. ERC-20: pulls exactly the sum (needs an allowance; a token that moves
    ///         another amount is refused). Native coin (`token` = 0): `msg.value` must equal the sum.
    /// @param token the ERC-20, or address(0) for the native coin
    /// @param presetId the vesting shape
    /// @param start the vesting start time
    /// @param revocable whether the admin may later cancel these schedules
    /// @param treasury where a cancel returns the unvested part (required if revocable, ignored otherwise)
    /// @param beneficiaries who is paid, one per schedule
    /// @param amounts each schedule's total
    /// @return firstId the id of the first schedule; the others follow in order
    function createSchedules(
        address token,
        uint32 presetId,
        uint40 start,
        bool revocable,
        address treasury,
        address[] calldata beneficiaries,
        uint128[] calldata amounts
    ) external payable returns (uint256 firstId);

    /// @notice Cancels revocable schedules (admin only, while cancellation is enabled): the unvested part goes to
    ///         each schedule's treasury, what had vested stays claimable by its beneficiary.
    /// @param scheduleIds the schedules
    function cancel(uint256[] calldata scheduleIds) external;

    /// @notice Claims what vested to the caller, who must be the beneficiary.
    /// @param scheduleId the schedule
    /// @return amount how much was paid
    function claim(uint256 scheduleId) external returns (uint256 amount);

    /// @notice Claims what vested to `to`; the caller must be the beneficiary.
    /// @param scheduleId the schedule
    /// @param to who is paid
    /// @return amount how much was paid
    function claimTo(uint256 scheduleId, address to) external returns (uint256 amount);

    /// @notice Claims several schedules, each paid to its beneficiary; the caller must be the beneficiary or an
    ///         approved delegate of each. Schedules with nothing claimable are skipped.
    /// @param scheduleIds the schedules
    /// @return total how much was paid in all (summed across tokens)
    function claimMany(uint256[] calldata scheduleIds) external returns (uint256 total);

    /// @notice Approves or removes a delegate that may claim the caller's schedules (paid to the caller).
    /// @param delegate the delegate
    /// @param approved whether it may claim
    function setDelegate(address delegate, bool approved) external;

    /// @notice Turns schedule creation off for good (admin only).
    function disableCreation() external;

    /// @notice Turns cancellation off for good (admin only): no schedule can be cancelled from then on.
    function disableCancellation() external;

    /// @notice Whether the admin may still create schedules.
    /// @return enabled the switch
    function creationEnabled() external view returns (bool enabled);

    /// @notice Whether the admin may still cancel revocable schedules.
    /// @return enabled the switch
    function cancellationEnabled() external view returns (bool enabled);

    /// @notice Whether no schedule can ever be cancelled (cancellation is off for good): nobody but beneficiaries
    ///         can ever receive the funds held.
    /// @return unruggable the verdict
    function isUnruggable() external view returns (bool unruggable);

    /// @notice Whether `delegate` may claim `beneficiary`'s schedules.
    /// @param beneficiary the beneficiary
    /// @param delegate the delegate
    /// @return approved the verdict
    function isDelegate(address beneficiary, address delegate) external view returns (bool approved);

    /// @notice The stored state of a schedule.
    /// @param scheduleId the id
    /// @return s the schedule
    function getSchedule(uint256 scheduleId) external view returns (ScheduleView memory s);

    /// @notice The amount vested at time `at` (for a cancelled schedule: what had vested at cancellation).
    /// @param scheduleId the schedule
    /// @param at the time
    /// @return amount the vested amount
    function vestedAmount(uint256 scheduleId, uint256 at) external view returns (uint256 amount);

    /// @notice The amount claimable at time `at`: vested at `at` minus already claimed (0 if that is negative).
    /// @param scheduleId the schedule
    /// @param at the time
    /// @return amount the claimable amount
    function claimable(uint256 scheduleId, uint256 at) external view returns (uint256 amount);

    /// @notice The number of schedules created (ids run from 1 to this number).
    /// @return count the number of schedules
    function scheduleCount() external view returns (uint256 count);
}
