// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

import {IBridgedToken} from "./IBridgedToken.sol";

/// @title BridgedToken
/// @notice The L2 copy of an L1 token, created by the L2 bridge (CREATE2, salt = the L1 token) on the first deposit of
///         that token. Only the bridge mints and burns. It tracks its holders: an account joins the set when its balance
///         becomes non-zero and leaves it when the balance returns to zero, so the exit tree is a pure function of L2
///         state.
/// @dev The L1 token's name, symbol and decimals are not carried by deposits; balances are in the L1 token's units.
contract BridgedToken is ERC20, IBridgedToken {
    using EnumerableSet for EnumerableSet.AddressSet;

    /// @inheritdoc IBridgedToken
    address public immutable bridge;
    /// @inheritdoc IBridgedToken
    address public immutable l1Token;

    EnumerableSet.AddressSet private _holders;

    /// @notice Created by the bridge, which becomes the only minter and burner.
    /// @param l1Token_ the L1 token this token copies
    constructor(address l1Token_) ERC20(string.concat("Bridged ", Strings.toHexString(l1Token_)), "BRIDGED") {
        bridge = msg.sender;
        l1Token = l1Token_;
    }

    modifier onlyBridge() {
        if (msg.sender != bridge) revert NotBridge(msg.sender);
        _;
    }

    /// @inheritdoc IBridgedToken
    function mint(address to, uint256 amount) external onlyBridge {
        _mint(to, amount);
    }

    /// @inheritdoc IBridgedToken
    function burn(address from, uint256 amount) external onlyBridge {
        _burn(from, amount);
    }

    /// @inheritdoc IBridgedToken
    function holderCount() external view returns (uint256) {
        return _holders.length();
    }

    /// @inheritdoc IBridgedToken
    function holders(
        uint256 start,
        uint256 end
    ) external view returns (address[] memory accounts, uint256[] memory balances) {
        uint256 n = _holders.length();
        if (end > n) end = n;
        if (start > end) start = end;
        accounts = new address[](end - start);
        balances = new uint256[](end - start);
        for (uint256 i = start; i < end; ++i) {
            address a = _holders.at(i);
            accounts[i - start] = a;
            balances[i - start] = balanceOf(a);
        }
    }

    /// @dev Keeps the holder set equal to the accounts with a non-zero balance.
    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (from != address(0) && balanceOf(from) == 0) _holders.remove(from);
        if (to != address(0) && balanceOf(to) != 0) _holders.add(to);
    }
}
