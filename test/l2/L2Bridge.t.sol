// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

// solhint-disable gas-custom-errors

import {TestBase} from "../lib/TestBase.sol";
import {ZeroAddress, ZeroAmount} from "../../contracts/libraries/Errors.sol";
import {BridgedToken} from "../../contracts/l2/BridgedToken.sol";
import {IBridgedToken} from "../../contracts/l2/IBridgedToken.sol";
import {IL2Bridge} from "../../contracts/l2/IL2Bridge.sol";
import {L2Bridge} from "../../contracts/l2/L2Bridge.sol";

/// @notice Unit and fuzz tests of the L2 bridge: deposits once per index and in order, only from the system sender,
///         mint/burn only by the bridge, unique withdrawal ids, the escape beneficiary rule.
contract L2BridgeTest is TestBase {
    L2Bridge internal bridge;
    address internal system;
    address internal constant L1_TOKEN = address(0xA11CE);
    address internal constant USER = address(0xB0B);

    function setUp() public {
        bridge = new L2Bridge();
        system = bridge.SYSTEM_SENDER();
    }

    function _deposit(uint256 index, address l1Token, address to, uint256 amount) internal {
        vm.prank(system);
        bridge.finalizeDeposit(index, l1Token, address(0xD), to, amount);
    }

    function test_firstDepositCreatesTheTokenAtItsPredictedAddressAndMints() public {
        address predicted = bridge.predictL2Token(L1_TOKEN);
        _deposit(0, L1_TOKEN, USER, 100);
        vm.assertEq(bridge.l2TokenOf(L1_TOKEN), predicted, "CREATE2 address");
        vm.assertEq(bridge.l1TokenOf(predicted), L1_TOKEN, "reverse map");
        vm.assertEq(BridgedToken(predicted).balanceOf(USER), 100, "minted");
        vm.assertEq(BridgedToken(predicted).l1Token(), L1_TOKEN, "l1Token");
        vm.assertEq(BridgedToken(predicted).bridge(), address(bridge), "bridge");
        vm.assertEq(bridge.bridgedTokenCount(), 1, "one token");
        _deposit(1, L1_TOKEN, USER, 5);
        vm.assertEq(bridge.bridgedTokenCount(), 1, "second deposit reuses it");
        vm.assertEq(BridgedToken(predicted).balanceOf(USER), 105, "credited again");
    }

    function test_onlyTheSystemSenderFinalizesDeposits() public {
        vm.prank(USER);
        vm.expectRevert(abi.encodeWithSelector(IL2Bridge.NotSystemSender.selector, USER));
        bridge.finalizeDeposit(0, L1_TOKEN, USER, USER, 1);
        vm.expectRevert(abi.encodeWithSelector(IL2Bridge.NotSystemSender.selector, address(this)));
        bridge.finalizeDeposit(0, L1_TOKEN, USER, USER, 1);
    }

    function testFuzz_onlySystemSender(address caller) public {
        vm.assume(caller != system);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(IL2Bridge.NotSystemSender.selector, caller));
        bridge.finalizeDeposit(0, L1_TOKEN, caller, caller, 1);
    }

    /// @dev Any sequence of indexes: accepted iff strictly above every accepted one; each credited once.
    function testFuzz_eachIndexOnceInIncreasingOrder(uint8[12] calldata raw) public {
        uint256 next;
        uint256 credited;
        for (uint256 i = 0; i < raw.length; ++i) {
            uint256 index = raw[i] % 16;
            vm.prank(system);
            if (index < next) {
                vm.expectRevert(abi.encodeWithSelector(IL2Bridge.MessageAlreadyProcessed.selector, index, next));
                bridge.finalizeDeposit(index, L1_TOKEN, USER, USER, 1);
            } else {
                bridge.finalizeDeposit(index, L1_TOKEN, USER, USER, 1);
                next = index + 1;
                ++credited;
            }
            vm.assertEq(bridge.nextMessageIndex(), next, "next index");
        }
        address l2 = bridge.l2TokenOf(L1_TOKEN);
        vm.assertEq(l2 == address(0) ? 0 : BridgedToken(l2).balanceOf(USER), credited, "credited once per accepted index");
    }

    function testFuzz_onlyTheBridgeMintsAndBurns(address caller) public {
        _deposit(0, L1_TOKEN, USER, 10);
        BridgedToken t = BridgedToken(bridge.l2TokenOf(L1_TOKEN));
        vm.assume(caller != address(bridge));
        vm.startPrank(caller);
        vm.expectRevert(abi.encodeWithSelector(IBridgedToken.NotBridge.selector, caller));
        t.mint(caller, 1);
        vm.expectRevert(abi.encodeWithSelector(IBridgedToken.NotBridge.selector, caller));
        t.burn(USER, 1);
        vm.stopPrank();
        vm.assertEq(t.totalSupply(), 10, "supply unchanged");
    }

    function test_withdrawBurnsAndRecordsByL1OrL2TokenAddress() public {
        _deposit(0, L1_TOKEN, USER, 100);
        address l2 = bridge.l2TokenOf(L1_TOKEN);
        vm.prank(USER);
        bytes32 id1 = bridge.withdraw(l2, 30, address(0xCAFE));
        vm.prank(USER);
        bytes32 id2 = bridge.withdraw(L1_TOKEN, 30, address(0xCAFE));
        vm.assertTrue(id1 != id2, "same fields, different ids");
        vm.assertEq(
            id1,
            keccak256(abi.encode(block.chainid, address(bridge), uint256(0), USER, address(0xCAFE), L1_TOKEN, uint256(30))),
            "id formula"
        );
        IL2Bridge.Withdrawal[] memory w = bridge.withdrawals(0, 10);
        vm.assertEq(w.length, 2, "two recorded");
        vm.assertEq(w[1].withdrawalId, id2, "id");
        vm.assertEq(w[1].l1Recipient, address(0xCAFE), "recipient");
        vm.assertEq(w[1].l1Token, L1_TOKEN, "l1 token");
        vm.assertEq(w[1].amount, 30, "amount");
        vm.assertEq(BridgedToken(l2).balanceOf(USER), 40, "burnt");
    }

    function test_withdrawRefusesBadInput() public {
        _deposit(0, L1_TOKEN, USER, 100);
        vm.startPrank(USER);
        vm.expectRevert(ZeroAmount.selector);
        bridge.withdraw(L1_TOKEN, 0, USER);
        vm.expectRevert(ZeroAddress.selector);
        bridge.withdraw(L1_TOKEN, 1, address(0));
        vm.expectRevert(abi.encodeWithSelector(IL2Bridge.UnknownToken.selector, address(0x1234)));
        bridge.withdraw(address(0x1234), 1, USER);
        vm.expectRevert();
        bridge.withdraw(L1_TOKEN, 101, USER);
        vm.stopPrank();
        vm.assertEq(bridge.withdrawalCount(), 0, "nothing recorded");
    }

    function test_holderSetFollowsBalances() public {
        _deposit(0, L1_TOKEN, USER, 100);
        BridgedToken t = BridgedToken(bridge.l2TokenOf(L1_TOKEN));
        vm.prank(USER);
        t.transfer(address(0xC0C), 100);
        (address[] memory a, uint256[] memory b) = t.holders(0, 10);
        vm.assertEq(a.length, 1, "the sender left the set");
        vm.assertEq(a[0], address(0xC0C), "holder");
        vm.assertEq(b[0], 100, "balance");
    }

    function test_escapeBeneficiary() public {
        address vault = address(0x7A017);
        vm.assertEq(bridge.escapeAccountOf(vault), vault, "default: itself");
        vm.prank(vault);
        bridge.setEscapeBeneficiary(USER);
        vm.assertEq(bridge.escapeAccountOf(vault), USER, "named");
        vm.prank(vault);
        bridge.setEscapeBeneficiary(address(0));
        vm.assertEq(bridge.escapeAccountOf(vault), vault, "cleared");
    }
}

/// @notice Random deposits, transfers and withdrawals by a few users over two L1 tokens.
contract BridgeHandler is TestBase {
    L2Bridge public immutable bridge;
    address[2] public l1Tokens = [address(0x1111), address(0x2222)];
    address[3] public users = [address(0x10), address(0x20), address(0x30)];
    mapping(address l1Token => uint256) public deposited;
    mapping(address l1Token => uint256) public withdrawn;
    mapping(bytes32 id => bool) public seenId;
    bool public duplicateId;
    uint256 public nextIndex;

    constructor(L2Bridge bridge_) {
        bridge = bridge_;
    }

    function deposit(uint256 t, uint256 u, uint256 amount, uint256 skip) external {
        address l1 = l1Tokens[t % 2];
        amount = bound(amount, 1, 1e30);
        uint256 index = nextIndex + bound(skip, 0, 3);
        vm.prank(bridge.SYSTEM_SENDER());
        bridge.finalizeDeposit(index, l1, address(0xD), users[u % 3], amount);
        nextIndex = index + 1;
        deposited[l1] += amount;
    }

    function replayDeposit(uint256 t, uint256 back) external {
        if (nextIndex == 0) return;
        uint256 index = nextIndex - 1 - bound(back, 0, nextIndex - 1);
        vm.prank(bridge.SYSTEM_SENDER());
        try bridge.finalizeDeposit(index, l1Tokens[t % 2], address(0xD), users[0], 1) {
            duplicateId = true; // a replay was accepted: the invariant flags it
        } catch {}
    }

    function transfer(uint256 t, uint256 from, uint256 to, uint256 amount) external {
        address l2 = bridge.l2TokenOf(l1Tokens[t % 2]);
        if (l2 == address(0)) return;
        address f = users[from % 3];
        amount = bound(amount, 0, BridgedToken(l2).balanceOf(f));
        vm.prank(f);
        BridgedToken(l2).transfer(users[to % 3], amount);
    }

    function withdraw(uint256 t, uint256 u, uint256 amount, bool byL1) external {
        address l1 = l1Tokens[t % 2];
        address l2 = bridge.l2TokenOf(l1);
        if (l2 == address(0)) return;
        address from = users[u % 3];
        uint256 bal = BridgedToken(l2).balanceOf(from);
        if (bal == 0) return;
        amount = bound(amount, 1, bal);
        vm.prank(from);
        bytes32 id = bridge.withdraw(byL1 ? l1 : l2, amount, from);
        if (seenId[id]) duplicateId = true;
        seenId[id] = true;
        withdrawn[l1] += amount;
    }
}

/// @notice Per token: supply = deposits − withdrawals = sum of holder balances; withdrawal ids unique; no replay.
contract L2BridgeInvariantTest is TestBase {
    L2Bridge internal bridge;
    BridgeHandler internal handler;

    function setUp() public {
        bridge = new L2Bridge();
        handler = new BridgeHandler(bridge);
        targetContract(address(handler));
    }

    function invariant_supplyIsDepositsMinusWithdrawals() external view {
        vm.assertFalse(handler.duplicateId(), "a withdrawal id repeated or a deposit replayed");
        for (uint256 t = 0; t < 2; ++t) {
            address l1 = handler.l1Tokens(t);
            address l2 = bridge.l2TokenOf(l1);
            if (l2 == address(0)) {
                vm.assertEq(handler.deposited(l1), 0, "deposits without a token");
                continue;
            }
            BridgedToken token = BridgedToken(l2);
            vm.assertEq(token.totalSupply(), handler.deposited(l1) - handler.withdrawn(l1), "supply");
            (, uint256[] memory balances) = token.holders(0, type(uint256).max);
            uint256 sum;
            for (uint256 i = 0; i < balances.length; ++i) {
                vm.assertGt(balances[i], 0, "a listed holder has a balance");
                sum += balances[i];
            }
            vm.assertEq(sum, token.totalSupply(), "holder set covers the supply");
        }
    }
}
