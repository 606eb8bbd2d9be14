// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TestBase} from "../lib/TestBase.sol";
import {TestToken} from "../mocks/TestToken.sol";
import {TestMerkle} from "../lib/TestMerkle.sol";
import {TestMultiproof} from "./TestMultiproof.sol";
import {StatementBoundVerifier} from "./TTHelpers.sol";
import {MerkleCampaigns} from "../../contracts/tokentable/MerkleCampaigns.sol";
import {IMerkleCampaigns} from "../../contracts/tokentable/IMerkleCampaigns.sol";
import {IAttestationRegistry} from "../../contracts/attestation/IAttestationRegistry.sol";
import {IZkIdentityVerifier} from "../../contracts/identity/IZkIdentityVerifier.sol";

/// @notice The relayer batch paths of MerkleCampaigns: the shared-multiproof batch (`claimManyMultiproof`) and the
///         anonymous batch (`claimAnonymousMany`), with fuzzed money and ordering rules.
contract CampaignBatchesTest is TestBase {
    uint256 internal constant T0 = 1_700_000_000;
    uint40 internal constant DEADLINE = uint40(T0 + 90 days);
    uint256 internal constant N = 16;
    uint128 internal constant PER_CLAIM = 50;

    MerkleCampaigns internal mc;
    TestToken internal token;
    StatementBoundVerifier internal zk;
    address internal creator = address(0xC0FFEE);

    address[N] internal accounts;
    uint256[N] internal amounts;
    bytes32[] internal leafHashes;
    bytes32[] internal tree;
    uint256 internal total;

    function setUp() public {
        vm.warp(T0);
        zk = new StatementBoundVerifier();
        mc = new MerkleCampaigns(IAttestationRegistry(address(0)), zk);
        token = new TestToken("T", "T");
        token.mint(creator, 1e30);
        vm.prank(creator);
        token.approve(address(mc), type(uint256).max);
        for (uint256 i; i < N; ++i) {
            accounts[i] = address(uint160(0xBEEF00 + i));
            amounts[i] = 1000 + 37 * i;
            total += amounts[i];
            leafHashes.push(TestMerkle.distributionLeaf(i, accounts[i], amounts[i]));
        }
        tree = TestMultiproof.build(leafHashes);
    }

    // ---------------------------------------------------------------- multiproof batch

    function _listCampaign(uint256 funding, uint32 presetId) internal returns (uint256) {
        vm.prank(creator);
        return mc.createCampaign(IMerkleCampaigns.CampaignParams(address(token), uint128(funding), tree[0], uint40(T0), DEADLINE, creator, presetId));
    }

    /// @dev The leaf indices whose bit is set in `mask` (at least one).
    function _pick(uint256 mask) internal pure returns (uint256[] memory idx) {
        mask = mask % (1 << N);
        if (mask == 0) mask = 1;
        uint256 k;
        for (uint256 i; i < N; ++i) if (mask & (1 << i) != 0) k++;
        idx = new uint256[](k);
        k = 0;
        for (uint256 i; i < N; ++i) if (mask & (1 << i) != 0) idx[k++] = i;
    }

    /// @dev The batch of leaves `idx` in the order the multiproof gives them (ascending index), and the multiproof.
    function _batch(uint256[] memory idx) internal view returns (IMerkleCampaigns.Leaf[] memory leaves, TestMultiproof.MultiProof memory m) {
        uint256[] memory positions = new uint256[](idx.length);
        for (uint256 i; i < idx.length; ++i) positions[i] = TestMultiproof.positionOf(tree, leafHashes[idx[i]]);
        m = TestMultiproof.multiProof(tree, positions);
        leaves = new IMerkleCampaigns.Leaf[](idx.length);
        for (uint256 j; j < m.leaves.length; ++j) {
            for (uint256 i; i < N; ++i) {
                if (leafHashes[i] == m.leaves[j]) leaves[j] = IMerkleCampaigns.Leaf(i, accounts[i], amounts[i]);
            }
        }
    }

    function _sum(uint256[] memory idx) internal view returns (uint256 s) {
        for (uint256 i; i < idx.length; ++i) s += amounts[idx[i]];
    }

    function _assertNobodyPaid() internal view {
        for (uint256 i; i < N; ++i) vm.assertEq(token.balanceOf(accounts[i]), 0, "nobody paid");
    }

    function testFuzz_multiproof_paysEveryLeafOnce(uint256 mask) public {
        uint256 id = _listCampaign(total, 0);
        uint256[] memory idx = _pick(mask);
        (IMerkleCampaigns.Leaf[] memory leaves, TestMultiproof.MultiProof memory m) = _batch(idx);
        uint256 paid = mc.claimManyMultiproof(id, leaves, m.proof, m.proofFlags);
        vm.assertEq(paid, _sum(idx), "returns the total");
        uint256 k;
        for (uint256 i; i < N; ++i) {
            bool chosen = k < idx.length && idx[k] == i;
            if (chosen) k++;
            vm.assertEq(token.balanceOf(accounts[i]), chosen ? amounts[i] : 0, "each chosen leaf paid its amount, no other");
            vm.assertEq(mc.isClaimed(id, i), chosen, "claim bitmap");
        }
        vm.assertEq(mc.getCampaign(id).paid, _sum(idx), "campaign accounting");
        // the same batch again pays nothing (every leaf skipped), and the single path refuses each leaf
        vm.assertEq(mc.claimManyMultiproof(id, leaves, m.proof, m.proofFlags), 0, "second batch pays nothing");
        vm.assertEq(mc.getCampaign(id).paid, _sum(idx), "paid unchanged");
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.AlreadyClaimed.selector, leaves[0].index));
        mc.claim(id, leaves[0].index, leaves[0].account, leaves[0].amount, TestMerkle.proof(_treeLeaves(), _treePosition(leaves[0].index)));
    }

    /// @dev The leaves in index order (what TestMerkle's pairing gives the same root for, in a perfect tree).
    function _treeLeaves() internal view returns (bytes32[] memory s) {
        uint256 n = (tree.length + 1) / 2;
        s = new bytes32[](n);
        for (uint256 i; i < n; ++i) s[i] = tree[tree.length - 1 - i];
    }

    function _treePosition(uint256 index) internal view returns (uint256) {
        return tree.length - 1 - TestMultiproof.positionOf(tree, leafHashes[index]);
    }

    function test_multiproof_singleProofOfIndexOrderedTreeMatchesRoot() public view {
        bytes32[] memory s = _treeLeaves();
        vm.assertEq(TestMerkle.root(s), tree[0], "the index-ordered perfect tree has the same root either way");
        for (uint256 i; i < N; ++i) vm.assertEq(s[i], leafHashes[i], "leaf i at tree[len - 1 - i]");
    }

    function testFuzz_multiproof_claimedIndexSkipped(uint256 mask, uint256 pick) public {
        uint256 id = _listCampaign(total, 0);
        uint256[] memory idx = _pick(mask);
        uint256 j = idx[pick % idx.length];
        mc.claim(id, j, accounts[j], amounts[j], TestMerkle.proof(_treeLeaves(), _treePosition(j)));
        (IMerkleCampaigns.Leaf[] memory leaves, TestMultiproof.MultiProof memory m) = _batch(idx);
        uint256 paid = mc.claimManyMultiproof(id, leaves, m.proof, m.proofFlags);
        vm.assertEq(paid, _sum(idx) - amounts[j], "the claimed leaf is skipped, the rest paid");
        vm.assertEq(token.balanceOf(accounts[j]), amounts[j], "never paid twice");
        vm.assertEq(mc.getCampaign(id).paid, _sum(idx), "campaign paid = each leaf once");
    }

    function testFuzz_multiproof_forgedLeafRefused(uint256 mask, uint256 pick, uint256 delta, uint8 field) public {
        uint256 id = _listCampaign(total * 2, 0);
        uint256[] memory idx = _pick(mask);
        (IMerkleCampaigns.Leaf[] memory leaves, TestMultiproof.MultiProof memory m) = _batch(idx);
        uint256 p = pick % leaves.length;
        delta = bound(delta, 1, 1e18);
        if (field % 3 == 0) leaves[p].amount += delta;
        else if (field % 3 == 1) leaves[p].account = address(uint160(leaves[p].account) ^ uint160(delta));
        else leaves[p].index += N + delta; // above every real index: no repeat, so the order rule passes
        // the forger keeps the leaves in index order, as the contract demands
        _sortByIndex(leaves);
        vm.expectRevert(IMerkleCampaigns.InvalidMultiproof.selector);
        mc.claimManyMultiproof(id, leaves, m.proof, m.proofFlags);
        _assertNobodyPaid();
    }

    function testFuzz_multiproof_duplicateLeafRefused(uint256 mask, uint256 pick) public {
        uint256 id = _listCampaign(total * 2, 0);
        (IMerkleCampaigns.Leaf[] memory leaves, TestMultiproof.MultiProof memory m) = _batch(_pick(mask));
        uint256 p = pick % leaves.length;
        IMerkleCampaigns.Leaf[] memory dup = new IMerkleCampaigns.Leaf[](leaves.length + 1);
        for (uint256 i; i <= p; ++i) dup[i] = leaves[i];
        dup[p + 1] = leaves[p];
        for (uint256 i = p + 1; i < leaves.length; ++i) dup[i + 1] = leaves[i];
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.LeavesNotInIndexOrder.selector, p + 1));
        mc.claimManyMultiproof(id, dup, m.proof, m.proofFlags);
        _assertNobodyPaid();
    }

    function testFuzz_multiproof_outOfOrderLeafRefused(uint256 mask, uint256 pick) public {
        uint256 id = _listCampaign(total, 0);
        uint256[] memory idx = _pick(mask);
        if (idx.length < 2) idx = _pick(3);
        (IMerkleCampaigns.Leaf[] memory leaves, TestMultiproof.MultiProof memory m) = _batch(idx);
        uint256 p = pick % (leaves.length - 1);
        (leaves[p], leaves[p + 1]) = (leaves[p + 1], leaves[p]);
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.LeavesNotInIndexOrder.selector, p + 1));
        mc.claimManyMultiproof(id, leaves, m.proof, m.proofFlags);
        _assertNobodyPaid();
    }

    function testFuzz_multiproof_tamperedProofRefused(uint256 mask, uint256 pick, bytes32 junk) public {
        uint256 id = _listCampaign(total, 0);
        uint256[] memory idx = _pick(mask);
        if (idx.length == N) idx = _pick(1); // the whole tree needs no sibling: nothing to tamper with
        (IMerkleCampaigns.Leaf[] memory leaves, TestMultiproof.MultiProof memory m) = _batch(idx);
        uint256 p = pick % m.proof.length;
        vm.assume(junk != m.proof[p]);
        m.proof[p] = junk;
        vm.expectRevert(IMerkleCampaigns.InvalidMultiproof.selector);
        mc.claimManyMultiproof(id, leaves, m.proof, m.proofFlags);
        _assertNobodyPaid();
    }

    function test_multiproof_rulesOfTheCampaign() public {
        uint256[] memory idx = _pick(0xff);
        (IMerkleCampaigns.Leaf[] memory leaves, TestMultiproof.MultiProof memory m) = _batch(idx);
        // funding: a campaign funded below its batch pays nothing at all
        uint256 poor = _listCampaign(_sum(idx) - 1, 0);
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.ExceedsFunding.selector, poor, _sum(idx), _sum(idx) - 1));
        mc.claimManyMultiproof(poor, leaves, m.proof, m.proofFlags);
        // malformed multiproof (lengths), empty batch
        uint256 id = _listCampaign(total, 0);
        bool[] memory shortFlags = new bool[](m.proofFlags.length - 1);
        vm.expectRevert();
        mc.claimManyMultiproof(id, leaves, m.proof, shortFlags);
        vm.expectRevert(abi.encodeWithSignature("LengthMismatch()"));
        mc.claimManyMultiproof(id, new IMerkleCampaigns.Leaf[](0), new bytes32[](1), new bool[](0));
        // window: before the start and after the deadline
        vm.prank(creator);
        uint256 later = mc.createCampaign(IMerkleCampaigns.CampaignParams(address(token), uint128(total), tree[0], uint40(T0 + 1 days), DEADLINE, creator, 0));
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.ClaimsNotOpen.selector, later));
        mc.claimManyMultiproof(later, leaves, m.proof, m.proofFlags);
        vm.warp(uint256(DEADLINE) + 1);
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.ClaimsNotOpen.selector, id));
        mc.claimManyMultiproof(id, leaves, m.proof, m.proofFlags);
        // clawback after the deadline returns everything, then the campaign is closed to batches too
        vm.prank(creator);
        vm.assertEq(mc.clawback(id), total, "clawback of the unclaimed rest");
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.ClaimsNotOpen.selector, id));
        mc.claimManyMultiproof(id, leaves, m.proof, m.proofFlags);
    }

    function test_multiproof_vestedCampaignPaysAsItVests() public {
        uint32[] memory ends = new uint32[](2);
        uint16[] memory bips = new uint16[](2);
        (ends[0], bips[0]) = (10 days, 5000);
        (ends[1], bips[1]) = (20 days, 5000);
        uint32 preset = mc.createPreset(ends, bips);
        uint256 id = _listCampaign(total, preset);
        uint256[] memory idx = _pick(0xf0f0);
        (IMerkleCampaigns.Leaf[] memory leaves, TestMultiproof.MultiProof memory m) = _batch(idx);
        vm.warp(T0 + 10 days);
        uint256 first = mc.claimManyMultiproof(id, leaves, m.proof, m.proofFlags);
        vm.warp(T0 + 30 days);
        uint256 second = mc.claimManyMultiproof(id, leaves, m.proof, m.proofFlags);
        vm.assertEq(first + second, _sum(idx), "the whole amount over time, never more");
        vm.assertGt(first, 0, "half at the first step");
        vm.assertEq(mc.claimManyMultiproof(id, leaves, m.proof, m.proofFlags), 0, "nothing more");
        for (uint256 i; i < idx.length; ++i) vm.assertEq(token.balanceOf(accounts[idx[i]]), amounts[idx[i]], "each leaf its amount");
    }

    function _sortByIndex(IMerkleCampaigns.Leaf[] memory ls) internal pure {
        for (uint256 i = 1; i < ls.length; ++i) {
            IMerkleCampaigns.Leaf memory x = ls[i];
            uint256 j = i;
            while (j > 0 && ls[j - 1].index > x.index) {
                ls[j] = ls[j - 1];
                --j;
            }
            ls[j] = x;
        }
    }

    // ---------------------------------------------------------------- anonymous batch

    function _policy(uint8 minAge) internal pure returns (IZkIdentityVerifier.Policy memory p) {
        p.minAge = minAge;
        p.dateToleranceDays = 2;
        p.regions[0] = 7;
    }

    function _zkCampaign(uint128 funding, uint8 minAge) internal returns (uint256 id) {
        vm.prank(creator);
        id = mc.createZkCampaign(address(token), funding, PER_CLAIM, uint40(T0), DEADLINE, creator, _policy(minAge));
    }

    function _recipient(uint256 i) internal pure returns (address) {
        return address(uint160(0xD00D00 + i));
    }

    /// @dev `n` valid proofs for campaign `id` (policy minAge 18), nullifiers base..base+n-1.
    function _proofs(uint256 id, uint256 n, uint256 base) internal view returns (IZkIdentityVerifier.IdentityProof[] memory ps) {
        ps = new IZkIdentityVerifier.IdentityProof[](n);
        for (uint256 i; i < n; ++i) ps[i] = zk.proofFor(_policy(18), mc.zkScope(id), base + i, _recipient(i));
    }

    function _assertNoRecipientPaid(uint256 n) internal view {
        for (uint256 i; i < n; ++i) vm.assertEq(token.balanceOf(_recipient(i)), 0, "nobody paid");
    }

    function testFuzz_anonymousMany_paysEachPersonOnce(uint8 size) public {
        uint256 n = bound(size, 1, 24);
        uint256 id = _zkCampaign(PER_CLAIM * 30, 18);
        IZkIdentityVerifier.IdentityProof[] memory ps = _proofs(id, n, 1000);
        vm.assertEq(mc.claimAnonymousMany(id, ps), PER_CLAIM * n, "total");
        vm.assertEq(zk.batches(), 1, "one batch verification for the lot");
        for (uint256 i; i < n; ++i) {
            vm.assertEq(token.balanceOf(_recipient(i)), PER_CLAIM, "each recipient paid the fixed amount");
            vm.assertTrue(zk.isNullifierUsed(address(mc), mc.zkScope(id), 1000 + i), "nullifier recorded");
        }
        vm.assertEq(mc.getCampaign(id).paid, PER_CLAIM * n, "campaign accounting");
    }

    function testFuzz_anonymousMany_repeatWithinBatchRefused(uint8 size, uint256 a, uint256 b) public {
        uint256 n = bound(size, 2, 16);
        uint256 id = _zkCampaign(PER_CLAIM * 30, 18);
        IZkIdentityVerifier.IdentityProof[] memory ps = _proofs(id, n, 1000);
        (a, b) = (a % n, b % n);
        if (a == b) b = (a + 1) % n;
        // the same person twice in one batch (their proof for another recipient)
        ps[b] = zk.proofFor(_policy(18), mc.zkScope(id), ps[a].nullifier, _recipient(b));
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.NullifierAlreadyUsed.selector, ps[a].nullifier));
        mc.claimAnonymousMany(id, ps);
        _assertNoRecipientPaid(n);
        vm.assertEq(mc.getCampaign(id).paid, 0, "nothing debited");
    }

    function testFuzz_anonymousMany_repeatAcrossBatchesAndPathsRefused(uint8 size, uint256 pick, bool firstBySingle) public {
        uint256 n = bound(size, 1, 12);
        uint256 id = _zkCampaign(PER_CLAIM * 40, 18);
        IZkIdentityVerifier.IdentityProof[] memory ps = _proofs(id, n, 5000);
        uint256 p = pick % n;
        if (firstBySingle) {
            mc.claimAnonymous(id, ps[p]);
        } else {
            IZkIdentityVerifier.IdentityProof[] memory one = new IZkIdentityVerifier.IdentityProof[](1);
            one[0] = ps[p];
            mc.claimAnonymousMany(id, one);
        }
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.NullifierAlreadyUsed.selector, ps[p].nullifier));
        mc.claimAnonymousMany(id, ps);
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.NullifierAlreadyUsed.selector, ps[p].nullifier));
        mc.claimAnonymous(id, ps[p]);
        vm.assertEq(mc.getCampaign(id).paid, PER_CLAIM, "one payment for that person");
        vm.assertEq(token.balanceOf(_recipient(p)), PER_CLAIM, "paid once");
    }

    function testFuzz_anonymousMany_wrongScopeRefusedAtItsIndex(uint8 size, uint256 pick) public {
        uint256 n = bound(size, 1, 12);
        uint256 id = _zkCampaign(PER_CLAIM * 20, 18);
        uint256 other = _zkCampaign(PER_CLAIM * 20, 18); // same policy, another scope
        IZkIdentityVerifier.IdentityProof[] memory ps = _proofs(id, n, 1);
        uint256 p = pick % n;
        ps[p] = zk.proofFor(_policy(18), mc.zkScope(other), 777, _recipient(p));
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.InvalidProofAt.selector, p));
        mc.claimAnonymousMany(id, ps);
        _assertNoRecipientPaid(n);
        vm.assertEq(mc.getCampaign(id).paid, 0, "nothing debited");
    }

    function testFuzz_anonymousMany_wrongPolicyRefusedAtItsIndex(uint8 size, uint256 pick, uint8 minAge) public {
        vm.assume(minAge != 18);
        uint256 n = bound(size, 1, 12);
        uint256 id = _zkCampaign(PER_CLAIM * 20, 18);
        IZkIdentityVerifier.IdentityProof[] memory ps = _proofs(id, n, 1);
        uint256 p = pick % n;
        ps[p] = zk.proofFor(_policy(minAge), mc.zkScope(id), 777, _recipient(p)); // proves a weaker (or other) policy
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.InvalidProofAt.selector, p));
        mc.claimAnonymousMany(id, ps);
        _assertNoRecipientPaid(n);
    }

    function testFuzz_anonymousMany_neverBeyondFunding(uint8 size, uint8 claimsFunded) public {
        uint256 n = bound(size, 1, 20);
        uint256 funded = bound(claimsFunded, 1, 20);
        uint256 id = _zkCampaign(uint128(PER_CLAIM * funded), 18);
        IZkIdentityVerifier.IdentityProof[] memory ps = _proofs(id, n, 1);
        if (n > funded) {
            vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.ExceedsFunding.selector, id, PER_CLAIM * n, PER_CLAIM * funded));
            mc.claimAnonymousMany(id, ps);
            _assertNoRecipientPaid(n);
        } else {
            mc.claimAnonymousMany(id, ps);
        }
        IMerkleCampaigns.CampaignView memory v = mc.getCampaign(id);
        vm.assertLe(v.paid, v.funded, "paid <= funded");
        vm.assertEq(token.balanceOf(address(mc)), v.funded - v.paid, "contract holds exactly what is owed");
    }

    function test_anonymousMany_inputsAndGate() public {
        uint256 id = _zkCampaign(PER_CLAIM * 10, 18);
        IZkIdentityVerifier.IdentityProof[] memory ps = _proofs(id, 3, 1);
        ps[2].message = uint256(1) << 160;
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.RecipientNotAnAddress.selector, 2, uint256(1) << 160));
        mc.claimAnonymousMany(id, ps);
        vm.expectRevert(abi.encodeWithSignature("LengthMismatch()"));
        mc.claimAnonymousMany(id, new IZkIdentityVerifier.IdentityProof[](0));
        uint256 list = _listCampaign(total, 0);
        ps = _proofs(id, 1, 1);
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.WrongGate.selector, list));
        mc.claimAnonymousMany(list, ps);
        vm.warp(uint256(DEADLINE) + 1);
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.ClaimsNotOpen.selector, id));
        mc.claimAnonymousMany(id, ps);
    }
}
