// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Committee
/// @notice An M-of-N signing set (exit council, validator committee) with the safety floor M > N/2 and M >= 2.
library Committee {
    /// @notice Upper bound on members, so that signature checks stay within a block.
    uint256 internal constant MAX_MEMBERS = 64;

    struct Set {
        address[] members;
        mapping(address => bool) isMember;
        uint256 threshold;
        uint256 epoch;
    }

    /// @notice The threshold breaks M > N/2, M >= 2 or M <= N.
    /// @param threshold the rejected threshold
    /// @param members the number of members
    error BadThreshold(uint256 threshold, uint256 members);
    /// @notice A member is the zero address, duplicated, or the set is empty or too large.
    /// @param index the offending index (or the length)
    /// @param member the offending member
    error BadMember(uint256 index, address member);

    /// @notice Replaces the whole set and bumps the epoch.
    /// @param self the set
    /// @param members the new members: non-zero, distinct, 1 to `MAX_MEMBERS`
    /// @param threshold the new threshold M, with M > N/2, M >= 2 and M <= N
    function replace(Set storage self, address[] memory members, uint256 threshold) internal {
        uint256 n = members.length;
        if (n == 0 || n > MAX_MEMBERS) revert BadMember(n, address(0));
        if (threshold < 2 || threshold > n || threshold * 2 <= n) revert BadThreshold(threshold, n);
        address[] storage old = self.members;
        for (uint256 i = 0; i < old.length; ++i) self.isMember[old[i]] = false;
        delete self.members;
        for (uint256 i = 0; i < n; ++i) {
            address m = members[i];
            if (m == address(0) || self.isMember[m]) revert BadMember(i, m);
            self.isMember[m] = true;
            self.members.push(m);
        }
        self.threshold = threshold;
        self.epoch += 1;
    }
}
