// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {console} from "hardhat/console.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {TestBase} from "../lib/TestBase.sol";
import {TestToken, FeeOnTransferToken, ReentrantToken} from "../mocks/TestToken.sol";
import {ReentrantReceiver, EthRefuser} from "./TTHelpers.sol";
import {TokenVesting} from "../../contracts/tokentable/TokenVesting.sol";
import {ITokenVesting} from "../../contracts/tokentable/ITokenVesting.sol";
import {IVestingPresets} from "../../contracts/tokentable/IVestingPresets.sol";
import {UnsupportedToken, ValueMismatch, PaymentFailed} from "../../contracts/tokentable/TokenTransfers.sol";
import {ZeroAddress} from "../../contracts/libraries/Errors.sol";

contract TokenVestingTest is TestBase {
    uint256 internal constant T0 = 1_700_000_000;
    uint32 internal constant CLIFF = 365 days;
    uint32 internal constant LINEAR = 3 * 365 days;

    TokenVesting internal v;
    TestToken internal token;
    uint32 internal cliffLinear; // 1y cliff releasing 25%, then 3y linear
    address internal admin = address(0xA11CE);
    address internal treasury = address(0x7EA5);
    address internal alice = address(0xA1);
    address internal bob = address(0xB0B);
    address internal delegate = address(0xDE1E);

    function setUp() public {
        vm.warp(T0);
        v = new TokenVesting(admin, true, true);
        token = new TestToken("T", "T");
        token.mint(admin, 1e30);
        vm.prank(admin);
        token.approve(address(v), type(uint256).max);
        cliffLinear = _cliffPreset(v);
        vm.deal(admin, 1e24);
    }

    function _cliffPreset(TokenVesting t) internal returns (uint32) {
        uint32[] memory ends = new uint32[](3);
        uint16[] memory bips = new uint16[](3);
        (ends[0], ends[1], ends[2]) = (CLIFF - 1, CLIFF, CLIFF + LINEAR);
        (bips[0], bips[1], bips[2]) = (0, 2_500, 7_500);
        return t.createPreset(ends, bips);
    }

    function _one(address b, uint128 amount, bool revocable) internal returns (uint256 id) {
        address[] memory bs = new address[](1);
        uint128[] memory as_ = new uint128[](1);
        (bs[0], as_[0]) = (b, amount);
        vm.prank(admin);
        id = v.createSchedules(address(token), cliffLinear, uint40(T0), revocable, treasury, bs, as_);
    }

    function _ids(uint256 a) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](1);
        ids[0] = a;
    }

    // ---- presets ----

    function test_preset_createdOnceAndReadBack() public {
        uint32[] memory ends = new uint32[](3);
        uint16[] memory bips = new uint16[](3);
        (ends[0], ends[1], ends[2]) = (CLIFF - 1, CLIFF, CLIFF + LINEAR);
        (bips[0], bips[1], bips[2]) = (0, 2_500, 7_500);
        vm.assertEq(v.createPreset(ends, bips), cliffLinear, "same content, same id");
        vm.assertEq(v.presetCount(), 1, "one preset");
        vm.assertEq(v.presetIdOf(ends, bips), cliffLinear, "lookup");
        (uint32[] memory e, uint16[] memory b) = v.getPreset(cliffLinear);
        vm.assertEq(e[2], CLIFF + LINEAR, "end");
        vm.assertEq(b[1], 2_500, "bips");
        bips[2] = 2_500; // sums to 5,000
        vm.expectRevert(abi.encodeWithSelector(IVestingPresets.BipsSumNot10000.selector, 5_000));
        v.createPreset(ends, bips);
    }

    function test_create_unknownPresetRefused() public {
        address[] memory bs = new address[](1);
        uint128[] memory as_ = new uint128[](1);
        (bs[0], as_[0]) = (alice, 1);
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IVestingPresets.UnknownPreset.selector, 7));
        v.createSchedules(address(token), 7, uint40(T0), false, address(0), bs, as_);
    }

    // ---- creation ----

    function test_createBatch_pullsExactSum() public {
        address[] memory bs = new address[](3);
        uint128[] memory as_ = new uint128[](3);
        (bs[0], bs[1], bs[2]) = (alice, bob, delegate);
        (as_[0], as_[1], as_[2]) = (100, 200, 300);
        vm.prank(admin);
        uint256 first = v.createSchedules(address(token), cliffLinear, uint40(T0), false, address(0), bs, as_);
        vm.assertEq(first, 1, "first id");
        vm.assertEq(v.scheduleCount(), 3, "count");
        vm.assertEq(token.balanceOf(address(v)), 600, "funded exactly");
        ITokenVesting.ScheduleView memory s = v.getSchedule(2);
        vm.assertEq(s.beneficiary, bob, "beneficiary");
        vm.assertEq(s.total, 200, "total");
        vm.assertEq(s.treasury, address(0), "no treasury when irrevocable");
    }

    function test_create_onlyAdmin() public {
        address[] memory bs = new address[](1);
        uint128[] memory as_ = new uint128[](1);
        (bs[0], as_[0]) = (alice, 1);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        v.createSchedules(address(token), cliffLinear, uint40(T0), false, address(0), bs, as_);
    }

    function test_create_revocableNeedsTreasury() public {
        address[] memory bs = new address[](1);
        uint128[] memory as_ = new uint128[](1);
        (bs[0], as_[0]) = (alice, 1);
        vm.prank(admin);
        vm.expectRevert(ZeroAddress.selector);
        v.createSchedules(address(token), cliffLinear, uint40(T0), true, address(0), bs, as_);
    }

    function test_create_feeOnTransferRejected() public {
        FeeOnTransferToken fee = new FeeOnTransferToken();
        fee.mint(admin, 1e18);
        vm.prank(admin);
        fee.approve(address(v), type(uint256).max);
        address[] memory bs = new address[](1);
        uint128[] memory as_ = new uint128[](1);
        (bs[0], as_[0]) = (alice, 1000);
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(UnsupportedToken.selector, address(fee), 1000, 990));
        v.createSchedules(address(fee), cliffLinear, uint40(T0), false, address(0), bs, as_);
    }

    function test_create_eth_valueMustEqualSum() public {
        address[] memory bs = new address[](2);
        uint128[] memory as_ = new uint128[](2);
        (bs[0], bs[1]) = (alice, bob);
        (as_[0], as_[1]) = (1 ether, 2 ether);
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(ValueMismatch.selector, 3 ether, 2 ether));
        v.createSchedules{value: 2 ether}(address(0), cliffLinear, uint40(T0), false, address(0), bs, as_);
        vm.prank(admin);
        v.createSchedules{value: 3 ether}(address(0), cliffLinear, uint40(T0), false, address(0), bs, as_);
        vm.assertEq(address(v).balance, 3 ether, "held");
        vm.warp(T0 + CLIFF + LINEAR);
        vm.prank(bob);
        v.claim(2);
        vm.assertEq(bob.balance, 2 ether, "bob paid in ETH");
        // ERC-20 batches refuse ETH
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(ValueMismatch.selector, 0, 1));
        v.createSchedules{value: 1}(address(token), cliffLinear, uint40(T0), false, address(0), bs, as_);
    }

    // ---- vesting and claims ----

    function test_cliffLinear_claimableOverTime() public {
        uint256 id = _one(alice, 4_000, false);
        vm.assertEq(v.claimable(id, T0 + CLIFF - 1), 0, "nothing before the cliff");
        vm.assertEq(v.claimable(id, T0 + CLIFF), 1_000, "25% at the cliff");
        vm.assertEq(v.claimable(id, T0 + CLIFF + LINEAR / 2), 2_500, "half of the linear part");
        vm.assertEq(v.claimable(id, T0 + CLIFF + LINEAR), 4_000, "all at the end");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ITokenVesting.NothingToClaim.selector, id));
        v.claim(id);
        vm.warp(T0 + CLIFF + LINEAR / 2);
        vm.prank(alice);
        vm.assertEq(v.claim(id), 2_500, "claimed");
        vm.assertEq(v.claimable(id, block.timestamp), 0, "nothing left now");
        vm.assertEq(v.claimable(id, T0 + CLIFF + LINEAR), 1_500, "rest later");
    }

    function test_claim_onlyBeneficiary_claimTo() public {
        uint256 id = _one(alice, 4_000, false);
        vm.warp(T0 + CLIFF);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(ITokenVesting.NotBeneficiary.selector, id, bob));
        v.claim(id);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(ITokenVesting.NotBeneficiary.selector, id, bob));
        v.claimTo(id, bob);
        vm.prank(alice);
        v.claimTo(id, bob);
        vm.assertEq(token.balanceOf(bob), 1_000, "paid to the chosen address");
    }

    function test_claimMany_byDelegate_paidToBeneficiary() public {
        uint256 a = _one(alice, 4_000, false);
        uint256 b = _one(bob, 8_000, false);
        uint256[] memory ids = new uint256[](2);
        (ids[0], ids[1]) = (a, b);
        vm.warp(T0 + CLIFF);
        vm.prank(delegate);
        vm.expectRevert(abi.encodeWithSelector(ITokenVesting.NotBeneficiaryOrDelegate.selector, a, delegate));
        v.claimMany(ids);
        vm.prank(alice);
        v.setDelegate(delegate, true);
        vm.prank(bob);
        v.setDelegate(delegate, true);
        vm.prank(delegate);
        vm.assertEq(v.claimMany(ids), 3_000, "batch total");
        vm.assertEq(token.balanceOf(alice), 1_000, "alice paid");
        vm.assertEq(token.balanceOf(bob), 2_000, "bob paid");
        vm.assertEq(token.balanceOf(delegate), 0, "delegate gets nothing");
        vm.prank(bob);
        v.setDelegate(delegate, false);
        vm.warp(T0 + CLIFF + LINEAR);
        vm.prank(delegate);
        vm.expectRevert(abi.encodeWithSelector(ITokenVesting.NotBeneficiaryOrDelegate.selector, b, delegate));
        v.claimMany(ids);
    }

    // ---- cancel ----

    function test_cancel_unvestedToTreasury_vestedStaysClaimable() public {
        uint256 id = _one(alice, 4_000, true);
        vm.warp(T0 + CLIFF + LINEAR / 2);
        vm.prank(admin);
        v.cancel(_ids(id));
        vm.assertEq(token.balanceOf(treasury), 1_500, "unvested returned");
        vm.warp(T0 + 10 * CLIFF);
        vm.assertEq(v.claimable(id, block.timestamp), 2_500, "vested frozen, not growing");
        vm.prank(alice);
        v.claim(id);
        vm.assertEq(token.balanceOf(alice), 2_500, "vested paid");
        vm.assertEq(token.balanceOf(address(v)), 0, "nothing left");
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(ITokenVesting.AlreadyCancelled.selector, id));
        v.cancel(_ids(id));
    }

    function test_cancel_irrevocableRefused_andOnlyAdmin() public {
        uint256 id = _one(alice, 4_000, false);
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(ITokenVesting.NotRevocable.selector, id));
        v.cancel(_ids(id));
        uint256 r = _one(alice, 4_000, true);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        v.cancel(_ids(r));
    }

    function test_cancel_eth() public {
        address[] memory bs = new address[](1);
        uint128[] memory as_ = new uint128[](1);
        (bs[0], as_[0]) = (alice, 4 ether);
        vm.prank(admin);
        uint256 id = v.createSchedules{value: 4 ether}(address(0), cliffLinear, uint40(T0), true, treasury, bs, as_);
        vm.warp(T0 + CLIFF);
        vm.prank(admin);
        v.cancel(_ids(id));
        vm.assertEq(treasury.balance, 3 ether, "treasury got the unvested ETH");
        vm.prank(alice);
        v.claim(id);
        vm.assertEq(alice.balance, 1 ether, "alice got the vested ETH");
    }

    function testFuzz_claimCancelConservation(uint128 total, uint32 tClaim, uint32 tCancel, uint32 tLate) public {
        total = uint128(bound(total, 1, 1e30));
        uint256 id = _one(alice, total, true);
        uint256 a = bound(tClaim, 0, CLIFF + LINEAR + 10);
        uint256 b = bound(tCancel, a, CLIFF + LINEAR + 10);
        vm.warp(T0 + a);
        if (v.claimable(id, block.timestamp) > 0) {
            vm.prank(alice);
            v.claim(id);
        }
        vm.warp(T0 + b);
        vm.prank(admin);
        v.cancel(_ids(id));
        vm.warp(T0 + b + tLate);
        if (v.claimable(id, block.timestamp) > 0) {
            vm.prank(alice);
            v.claim(id);
        }
        vm.assertEq(token.balanceOf(alice) + token.balanceOf(treasury), total, "beneficiary + treasury == total");
        vm.assertEq(token.balanceOf(address(v)), 0, "nothing stuck");
    }

    // ---- one-way switches ----

    function test_switches_onlyTurnOff() public {
        vm.assertFalse(v.isUnruggable(), "cancel enabled");
        vm.prank(admin);
        v.disableCancellation();
        vm.assertTrue(v.isUnruggable(), "unruggable");
        uint256 id = _one(alice, 4_000, true);
        vm.prank(admin);
        vm.expectRevert(ITokenVesting.CancellationIsDisabled.selector);
        v.cancel(_ids(id));
        vm.prank(admin);
        v.disableCreation();
        vm.assertFalse(v.creationEnabled(), "creation off");
        address[] memory bs = new address[](1);
        uint128[] memory as_ = new uint128[](1);
        (bs[0], as_[0]) = (alice, 1);
        vm.prank(admin);
        vm.expectRevert(ITokenVesting.CreationIsDisabled.selector);
        v.createSchedules(address(token), cliffLinear, uint40(T0), false, address(0), bs, as_);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        v.disableCreation();
        // deployed unruggable from the start
        TokenVesting u = new TokenVesting(admin, true, false);
        vm.assertTrue(u.isUnruggable(), "unruggable at deployment");
        vm.assertFalse(u.cancellationEnabled(), "no cancel");
    }

    // ---- reentrancy ----

    function test_reentrantToken_cannotDoublePay() public {
        ReentrantToken rt = new ReentrantToken();
        rt.mint(admin, 1e18);
        vm.prank(admin);
        rt.approve(address(v), type(uint256).max);
        address[] memory bs = new address[](1);
        uint128[] memory as_ = new uint128[](1);
        (bs[0], as_[0]) = (address(rt), 4_000); // the token itself is the beneficiary so its re-entry is authorised
        vm.prank(admin);
        uint256 id = v.createSchedules(address(rt), cliffLinear, uint40(T0), false, address(0), bs, as_);
        vm.warp(T0 + CLIFF + LINEAR);
        rt.arm(address(v), abi.encodeCall(ITokenVesting.claim, (id)));
        vm.prank(address(rt));
        v.claim(id);
        vm.assertTrue(rt.reentered(), "re-entered");
        vm.assertFalse(rt.reentrySucceeded(), "re-entry refused");
        vm.assertEq(rt.balanceOf(address(rt)), 4_000, "paid once");
    }

    function test_reentrantEthReceiver_cannotDoublePay() public {
        ReentrantReceiver r = new ReentrantReceiver();
        address[] memory bs = new address[](1);
        uint128[] memory as_ = new uint128[](1);
        (bs[0], as_[0]) = (address(r), 4 ether);
        vm.prank(admin);
        uint256 id = v.createSchedules{value: 4 ether}(address(0), cliffLinear, uint40(T0), false, address(0), bs, as_);
        vm.warp(T0 + CLIFF);
        r.arm(address(v), abi.encodeCall(ITokenVesting.claimMany, (_ids(id))));
        vm.prank(address(r));
        v.claim(id);
        vm.assertTrue(r.reentered(), "re-entered");
        vm.assertFalse(r.reentrySucceeded(), "re-entry refused");
        vm.assertEq(address(r).balance, 1 ether, "paid once");
    }

    function test_ethRefuser_revertsClaim() public {
        EthRefuser r = new EthRefuser();
        address[] memory bs = new address[](1);
        uint128[] memory as_ = new uint128[](1);
        (bs[0], as_[0]) = (address(r), 4 ether);
        vm.prank(admin);
        uint256 id = v.createSchedules{value: 4 ether}(address(0), cliffLinear, uint40(T0), false, address(0), bs, as_);
        vm.warp(T0 + CLIFF);
        vm.prank(address(r));
        vm.expectRevert(abi.encodeWithSelector(PaymentFailed.selector, address(r), 1 ether));
        v.claim(id);
    }

    // ---- gas ----

    function test_gas_vesting() public {
        uint256 g = gasleft();
        uint256 id = _one(alice, 4_000, false);
        uint256 createIrrevocable = g - gasleft();
        g = gasleft();
        uint256 rid = _one(bob, 4_000, true);
        uint256 createRevocable = g - gasleft();
        vm.warp(T0 + CLIFF + 100 days);
        vm.prank(alice);
        g = gasleft();
        v.claim(id);
        uint256 claimFirst = g - gasleft();
        vm.warp(T0 + CLIFF + 200 days);
        vm.prank(alice);
        g = gasleft();
        v.claim(id);
        uint256 claimLater = g - gasleft();
        vm.prank(admin);
        uint256[] memory ids = _ids(rid);
        g = gasleft();
        v.cancel(ids);
        uint256 cancelGas = g - gasleft();
        // batch of 100
        address[] memory bs = new address[](100);
        uint128[] memory as_ = new uint128[](100);
        for (uint256 i; i < 100; ++i) (bs[i], as_[i]) = (address(uint160(0x1000 + i)), 1_000);
        vm.prank(admin);
        g = gasleft();
        v.createSchedules(address(token), cliffLinear, uint40(T0), false, address(0), bs, as_);
        uint256 batch100 = g - gasleft();
        console.log("vesting create 1 (cliff+linear, irrevocable):", createIrrevocable);
        console.log("vesting create 1 (revocable):", createRevocable);
        console.log("vesting create batch of 100, per schedule:", batch100 / 100);
        console.log("vesting claim (first):", claimFirst);
        console.log("vesting claim (later):", claimLater);
        console.log("vesting cancel:", cancelGas);
    }
}
