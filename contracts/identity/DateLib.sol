// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title DateLib
/// @notice Calendar dates as YYYYMMDD integers (proleptic Gregorian, UTC), converted to and from days since 1970-01-01.
/// @dev Howard Hinnant's civil-from-days algorithms, for years 1970..9999.
library DateLib {
    /// @notice The YYYYMMDD date of a Unix timestamp.
    /// @param timestamp seconds since 1970-01-01 00:00 UTC
    /// @return the date, YYYYMMDD
    function dateOf(uint256 timestamp) internal pure returns (uint256) {
        (uint256 y, uint256 m, uint256 d) = civilFromDays(timestamp / 1 days);
        return y * 10000 + m * 100 + d;
    }

    /// @notice Days since 1970-01-01 of a YYYYMMDD date, and whether the date is valid.
    /// @param date the date, YYYYMMDD
    /// @return days_ days since 1970-01-01 (meaningless if not valid)
    /// @return valid whether `date` is a real calendar date in 1970..9999
    function toDays(uint256 date) internal pure returns (uint256 days_, bool valid) {
        uint256 y = date / 10000;
        uint256 m = (date / 100) % 100;
        uint256 d = date % 100;
        if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return (0, false);
        return (daysFromCivil(y, m, d), true);
    }

    /// @notice The number of days of month `m` of year `y` (Gregorian leap years).
    /// @param y the year
    /// @param m the month, 1..12
    /// @return the number of days, 28..31
    function daysInMonth(uint256 y, uint256 m) internal pure returns (uint256) {
        if (m == 2) return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
        // 31 for Jan, Mar, May, Jul, Aug, Oct, Dec; 30 for the others
        return 30 + ((m + (m >> 3)) & 1);
    }

    /// @notice Days since 1970-01-01 of (y, m, d), y >= 1970.
    /// @param y the year
    /// @param m the month, 1..12
    /// @param d the day of the month, 1..31
    /// @return the day count
    function daysFromCivil(uint256 y, uint256 m, uint256 d) internal pure returns (uint256) {
        // no overflow or underflow for 1970 <= y <= 9999, 1 <= m <= 12, 1 <= d <= 31
        unchecked {
            if (m <= 2) y -= 1;
            uint256 era = y / 400;
            uint256 yoe = y - era * 400;
            uint256 doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
            uint256 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
            return era * 146097 + doe - 719468;
        }
    }

    /// @notice (y, m, d) of a day count since 1970-01-01.
    /// @param z the day count
    /// @return y the year
    /// @return m the month, 1..12
    /// @return d the day of the month, 1..31
    function civilFromDays(uint256 z) internal pure returns (uint256 y, uint256 m, uint256 d) {
        z += 719468;
        uint256 era = z / 146097;
        uint256 doe = z - era * 146097;
        uint256 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        y = yoe + era * 400;
        uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        uint256 mp = (5 * doy + 2) / 153;
        d = doy - (153 * mp + 2) / 5 + 1;
        m = mp < 10 ? mp + 3 : mp - 9;
        if (m <= 2) y += 1;
    }
}
