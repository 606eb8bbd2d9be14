// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TestBase} from "../lib/TestBase.sol";
import {TestToken} from "../mocks/TestToken.sol";
import {TestMerkle} from "../lib/TestMerkle.sol";
import {TestMultiproof} from "./TestMultiproof.sol";
import {MerkleCampaigns} from "../../contracts/tokentable/MerkleCampaigns.sol";
import {IMerkleCampaigns} from "../../contracts/tokentable/IMerkleCampaigns.sol";
import {IAttestationRegistry} from "../../contracts/attestation/IAttestationRegistry.sol";
import {IZkIdentityVerifier} from "../../contracts/identity/IZkIdentityVerifier.sol";

/// @notice Random claims, batch claims, time and clawbacks over several campaigns sharing tokens (two ERC-20s and the
///         native coin), some under-funded for their trees and some vested.
contract IsolationHandler is TestBase {
    uint256 internal constant LEAVES = 8;
    uint256 internal constant CAMPAIGNS = 6;

    MerkleCampaigns public mc;
    address[3] public tokens; // token0, token1, native
    uint256[CAMPAIGNS] public ids;
    address[CAMPAIGNS] public campaignToken;
    bytes32[][CAMPAIGNS] internal leaves;
    /// @dev each campaign's tree in OpenZeppelin's layout, leaves in index order (multiproofs are read from it)
    bytes32[][CAMPAIGNS] internal trees;
    uint256[LEAVES][CAMPAIGNS] internal amounts;
    address[LEAVES] internal accounts;
    mapping(uint256 campaign => mapping(uint256 index => uint256)) public ghostPaid;
    mapping(uint256 campaign => uint256) public ghostCampaignPaid;
    uint256 public calls;

    constructor(MerkleCampaigns mc_, TestToken t0, TestToken t1) payable {
        mc = mc_;
        tokens = [address(t0), address(t1), address(0)];
        for (uint256 i; i < LEAVES; ++i) accounts[i] = address(uint160(0xACC000 + i));
        uint32[] memory ends = new uint32[](1);
        uint16[] memory bips = new uint16[](1);
        (ends[0], bips[0]) = (30 days, 10_000);
        uint32 preset = mc.createPreset(ends, bips);
        t0.mint(address(this), 1e30);
        t1.mint(address(this), 1e30);
        t0.approve(address(mc), type(uint256).max);
        t1.approve(address(mc), type(uint256).max);
        for (uint256 c; c < CAMPAIGNS; ++c) {
            address tok = tokens[c % 3];
            campaignToken[c] = tok;
            uint256 total;
            for (uint256 i; i < LEAVES; ++i) {
                amounts[c][i] = 1e15 * (c + 1) + i * 7;
                total += amounts[c][i];
                leaves[c].push(TestMerkle.distributionLeaf(i, accounts[i], amounts[c][i]));
            }
            // campaigns 4 and 5 promise more than they hold
            uint256 funding = c >= 4 ? total / 2 : total;
            trees[c] = TestMultiproof.build(leaves[c]);
            IMerkleCampaigns.CampaignParams memory p = IMerkleCampaigns.CampaignParams(
                tok,
                uint128(funding),
                trees[c][0],
                uint40(block.timestamp),
                uint40(block.timestamp + 60 days),
                address(this),
                c == 1 || c == 2 ? preset : 0
            );
            ids[c] = mc.createCampaign{value: tok == address(0) ? funding : 0}(p);
        }
    }

    receive() external payable {}

    /// @dev The single proof of leaf i: its path in the index-ordered tree (a perfect tree of 8 pairs its leaves the
    ///      same way TestMerkle does).
    function _proof(uint256 c, uint256 i) internal view returns (bytes32[] memory) {
        bytes32[] memory t = trees[c];
        bytes32[] memory inOrder = new bytes32[](LEAVES);
        for (uint256 k; k < LEAVES; ++k) inOrder[k] = t[t.length - 1 - k];
        return TestMerkle.proof(inOrder, t.length - 1 - TestMultiproof.positionOf(t, leaves[c][i]));
    }

    function claimMultiproof(uint256 c, uint256 mask) external {
        c %= CAMPAIGNS;
        mask %= 1 << LEAVES;
        calls++;
        if (mask == 0) return;
        uint256 n;
        for (uint256 i; i < LEAVES; ++i) if (mask & (1 << i) != 0) n++;
        uint256[] memory positions = new uint256[](n);
        uint256 k;
        for (uint256 i; i < LEAVES; ++i) if (mask & (1 << i) != 0) positions[k++] = TestMultiproof.positionOf(trees[c], leaves[c][i]);
        TestMultiproof.MultiProof memory m = TestMultiproof.multiProof(trees[c], positions);
        IMerkleCampaigns.Leaf[] memory ls = new IMerkleCampaigns.Leaf[](n);
        for (uint256 j; j < n; ++j) {
            for (uint256 i; i < LEAVES; ++i) if (leaves[c][i] == m.leaves[j]) ls[j] = IMerkleCampaigns.Leaf(i, accounts[i], amounts[c][i]);
        }
        uint256[] memory before = new uint256[](n);
        for (uint256 j; j < n; ++j) before[j] = _bal(campaignToken[c], ls[j].account);
        try mc.claimManyMultiproof(ids[c], ls, m.proof, m.proofFlags) returns (uint256 total) {
            ghostCampaignPaid[c] += total;
            for (uint256 j; j < n; ++j) ghostPaid[c][ls[j].index] += _bal(campaignToken[c], ls[j].account) - before[j];
        } catch {}
    }

    function claim(uint256 c, uint256 i) external {
        c %= CAMPAIGNS;
        i %= LEAVES;
        calls++;
        address acct = accounts[i];
        uint256 before = _bal(campaignToken[c], acct);
        try mc.claim(ids[c], i, acct, amounts[c][i], _proof(c, i)) returns (uint256 paid) {
            ghostPaid[c][i] += paid;
            ghostCampaignPaid[c] += paid;
            require(_bal(campaignToken[c], acct) - before == paid, "paid amount mismatch");
        } catch {}
    }

    function claimMany(uint256 c, uint256 mask) external {
        c %= CAMPAIGNS;
        calls++;
        uint256 n;
        for (uint256 i; i < LEAVES; ++i) if (mask & (1 << i) != 0) n++;
        if (n == 0) return;
        IMerkleCampaigns.Claim[] memory cs = new IMerkleCampaigns.Claim[](n);
        uint256 k;
        for (uint256 i; i < LEAVES; ++i) {
            if (mask & (1 << i) == 0) continue;
            cs[k++] = IMerkleCampaigns.Claim(i, accounts[i], amounts[c][i], _proof(c, i));
        }
        uint256[] memory before = new uint256[](n);
        for (uint256 j; j < n; ++j) before[j] = _bal(campaignToken[c], cs[j].account);
        try mc.claimMany(ids[c], cs) returns (uint256 total) {
            ghostCampaignPaid[c] += total;
            for (uint256 j; j < n; ++j) ghostPaid[c][cs[j].index] += _bal(campaignToken[c], cs[j].account) - before[j];
        } catch {}
    }

    function clawback(uint256 c) external {
        c %= CAMPAIGNS;
        calls++;
        try mc.clawback(ids[c]) {} catch {}
    }

    function warp(uint256 dt) external {
        vm.warp(block.timestamp + bound(dt, 1, 20 days));
    }

    function _bal(address tok, address a) internal view returns (uint256) {
        return tok == address(0) ? a.balance : TestToken(tok).balanceOf(a);
    }

    function amountOf(uint256 c, uint256 i) external view returns (uint256) {
        return amounts[c][i];
    }
}

contract CampaignIsolationTest is TestBase {
    IsolationHandler internal handler;
    MerkleCampaigns internal mc;

    function setUp() public {
        vm.warp(1_700_000_000);
        mc = new MerkleCampaigns(IAttestationRegistry(address(0)), IZkIdentityVerifier(address(0)));
        TestToken t0 = new TestToken("A", "A");
        TestToken t1 = new TestToken("B", "B");
        vm.deal(address(this), 1e24);
        handler = new IsolationHandler{value: 1e22}(mc, t0, t1);
        targetContract(address(handler));
    }

    function invariant_campaignsIsolatedAndSolvent() external view {
        uint256[3] memory owed;
        for (uint256 c; c < 6; ++c) {
            IMerkleCampaigns.CampaignView memory v = mc.getCampaign(handler.ids(c));
            vm.assertLe(uint256(v.paid) + v.clawedBack, v.funded, "paid + clawed back <= funded");
            vm.assertEq(v.paid, handler.ghostCampaignPaid(c), "paid matches what recipients received");
            owed[c % 3] += v.funded - v.paid - v.clawedBack;
            for (uint256 i; i < 8; ++i) {
                vm.assertLe(handler.ghostPaid(c, i), handler.amountOf(c, i), "a leaf never pays more than its amount");
            }
        }
        vm.assertEq(TestToken(handler.tokens(0)).balanceOf(address(mc)), owed[0], "token0 balance == sum owed");
        vm.assertEq(TestToken(handler.tokens(1)).balanceOf(address(mc)), owed[1], "token1 balance == sum owed");
        vm.assertEq(address(mc).balance, owed[2], "ETH balance == sum owed");
    }

    /// @dev The handler really moves money: a fixed sequence touching every action, then the invariant.
    function test_handlerSequence_paysAndClawsBack() external {
        handler.warp(10 days - 1);
        for (uint256 c; c < 6; ++c) {
            handler.claim(c, c);
            handler.claimMultiproof(c, 0x0f);
            if (c == 0) vm.assertTrue(mc.isClaimed(handler.ids(0), 3), "the multiproof batch paid leaf 3");
            handler.claimMany(c, 0xff);
        }
        handler.warp(20 days - 1); // bound maps it to 20 days
        handler.warp(20 days - 1); // bound maps it to 20 days
        handler.warp(20 days - 1); // bound maps it to 20 days
        handler.warp(20 days - 1); // bound maps it to 20 days
        for (uint256 c; c < 6; ++c) handler.clawback(c);
        for (uint256 c; c < 6; ++c) {
            vm.assertGt(handler.ghostCampaignPaid(c), 0, "each campaign paid");
            vm.assertTrue(mc.getCampaign(handler.ids(c)).closed, "each clawed back");
        }
        this.invariant_campaignsIsolatedAndSolvent();
        vm.assertEq(address(mc).balance, 0, "all ETH out");
    }
}
