// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ZeroAddress, ZeroAmount} from "../libraries/Errors.sol";
import {BridgedToken} from "./BridgedToken.sol";
import {IL2Bridge} from "./IL2Bridge.sol";

/// @title L2Bridge
/// @notice The bridge on L2 (see {IL2Bridge}). Predeployed at a fixed address in the L2 genesis: it has no constructor
///         and no immutables, so the genesis holds its runtime code and empty storage.
/// @dev Only its own BridgedToken contracts are called, so there is no reentrancy surface; state is written before
///      each call anyway (checks-effects-interactions).
contract L2Bridge is IL2Bridge {
    /// @inheritdoc IL2Bridge
    address public constant SYSTEM_SENDER = 0x5050000000000000000000000000000000005E5D;

    /// @inheritdoc IL2Bridge
    uint256 public nextMessageIndex;
    /// @inheritdoc IL2Bridge
    mapping(address l1Token => address) public l2TokenOf;
    /// @inheritdoc IL2Bridge
    mapping(address l2Token => address) public l1TokenOf;

    address[] private _l1Tokens;
    Withdrawal[] private _withdrawals;
    mapping(address holder => address) private _beneficiary;

    /// @inheritdoc IL2Bridge
    function finalizeDeposit(uint256 messageIndex, address l1Token, address from, address to, uint256 amount) external {
        if (msg.sender != SYSTEM_SENDER) revert NotSystemSender(msg.sender);
        if (messageIndex < nextMessageIndex) revert MessageAlreadyProcessed(messageIndex, nextMessageIndex);
        nextMessageIndex = messageIndex + 1;
        address l2Token = l2TokenOf[l1Token];
        if (l2Token == address(0)) l2Token = _createToken(l1Token);
        emit DepositFinalized(messageIndex, l1Token, to, from, amount);
        BridgedToken(l2Token).mint(to, amount);
    }

    /// @inheritdoc IL2Bridge
    function withdraw(address token, uint256 amount, address l1Recipient) external returns (bytes32 withdrawalId) {
        if (amount == 0) revert ZeroAmount();
        if (l1Recipient == address(0)) revert ZeroAddress();
        (address l1Token, address l2Token) = _resolve(token);
        uint256 index = _withdrawals.length;
        withdrawalId = keccak256(
            abi.encode(block.chainid, address(this), index, msg.sender, l1Recipient, l1Token, amount)
        );
        _withdrawals.push(Withdrawal(withdrawalId, l1Recipient, l1Token, amount));
        emit WithdrawalInitiated(withdrawalId, index, msg.sender, l1Recipient, l1Token, amount);
        BridgedToken(l2Token).burn(msg.sender, amount);
    }

    /// @inheritdoc IL2Bridge
    function setEscapeBeneficiary(address beneficiary) external {
        _beneficiary[msg.sender] = beneficiary;
        emit EscapeBeneficiarySet(msg.sender, beneficiary);
    }

    /// @inheritdoc IL2Bridge
    function predictL2Token(address l1Token) public view returns (address) {
        bytes32 initHash = keccak256(abi.encodePacked(type(BridgedToken).creationCode, abi.encode(l1Token)));
        return
            address(
                uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), address(this), _salt(l1Token), initHash))))
            );
    }

    /// @inheritdoc IL2Bridge
    function bridgedTokenCount() external view returns (uint256) {
        return _l1Tokens.length;
    }

    /// @inheritdoc IL2Bridge
    function bridgedTokenAt(uint256 index) external view returns (address) {
        return _l1Tokens[index];
    }

    /// @inheritdoc IL2Bridge
    function withdrawalCount() external view returns (uint256) {
        return _withdrawals.length;
    }

    /// @inheritdoc IL2Bridge
    function withdrawals(uint256 start, uint256 end) external view returns (Withdrawal[] memory list) {
        uint256 n = _withdrawals.length;
        if (end > n) end = n;
        if (start > end) start = end;
        list = new Withdrawal[](end - start);
        for (uint256 i = start; i < end; ++i) list[i - start] = _withdrawals[i];
    }

    /// @inheritdoc IL2Bridge
    function escapeAccountOf(address holder) public view returns (address) {
        address b = _beneficiary[holder];
        return b == address(0) ? holder : b;
    }

    /// @inheritdoc IL2Bridge
    function escapeAccountsOf(address[] calldata holderList) external view returns (address[] memory accounts) {
        accounts = new address[](holderList.length);
        for (uint256 i = 0; i < holderList.length; ++i) accounts[i] = escapeAccountOf(holderList[i]);
    }

    function _createToken(address l1Token) private returns (address l2Token) {
        l2Token = address(new BridgedToken{salt: _salt(l1Token)}(l1Token));
        l2TokenOf[l1Token] = l2Token;
        l1TokenOf[l2Token] = l1Token;
        _l1Tokens.push(l1Token);
        emit BridgedTokenCreated(l1Token, l2Token);
    }

    function _resolve(address token) private view returns (address l1Token, address l2Token) {
        l1Token = l1TokenOf[token];
        if (l1Token != address(0)) return (l1Token, token);
        l2Token = l2TokenOf[token];
        if (l2Token == address(0)) revert UnknownToken(token);
        l1Token = token;
    }

    function _salt(address l1Token) private pure returns (bytes32) {
        return bytes32(uint256(uint160(l1Token)));
    }
}
