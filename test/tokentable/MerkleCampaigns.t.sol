// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {console} from "hardhat/console.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

import {TestBase} from "../lib/TestBase.sol";
import {TestToken, FeeOnTransferToken} from "../mocks/TestToken.sol";
import {RawDigestWallet} from "../mocks/RawDigestWallet.sol";
import {MockZkIdentityVerifier} from "../mocks/MockZkIdentityVerifier.sol";
import {TestMerkle} from "../lib/TestMerkle.sol";
import {ReentrantReceiver} from "./TTHelpers.sol";
import {MerkleCampaigns} from "../../contracts/tokentable/MerkleCampaigns.sol";
import {IMerkleCampaigns} from "../../contracts/tokentable/IMerkleCampaigns.sol";
import {UnsupportedToken, ValueMismatch} from "../../contracts/tokentable/TokenTransfers.sol";
import {AttestationRegistry} from "../../contracts/attestation/AttestationRegistry.sol";
import {AttestationSchemaRegistry} from "../../contracts/attestation/AttestationSchemaRegistry.sol";
import {IAttestationRegistry} from "../../contracts/attestation/IAttestationRegistry.sol";
import {AttestationRequest, DataLocation, SchemaDefinition} from "../../contracts/interfaces/AttestationTypes.sol";
import {IZkIdentityVerifier} from "../../contracts/identity/IZkIdentityVerifier.sol";

contract MerkleCampaignsTest is TestBase {
    uint256 internal constant T0 = 1_700_000_000;
    uint40 internal constant DEADLINE = uint40(T0 + 90 days);
    uint256 internal constant N = 8;

    MerkleCampaigns internal mc;
    TestToken internal token;
    AttestationSchemaRegistry internal schemas;
    AttestationRegistry internal reg;
    MockZkIdentityVerifier internal zk;
    address internal creator = address(0xC0FFEE);
    uint256 internal alicePk = 0xA11CE;
    address internal alice;

    address[N] internal accounts;
    uint256[N] internal amounts;
    bytes32[] internal leaves;
    bytes32 internal root;

    function setUp() public {
        vm.warp(T0);
        schemas = new AttestationSchemaRegistry();
        reg = new AttestationRegistry(schemas);
        zk = new MockZkIdentityVerifier();
        mc = new MerkleCampaigns(reg, zk);
        token = new TestToken("T", "T");
        token.mint(creator, 1e30);
        vm.prank(creator);
        token.approve(address(mc), type(uint256).max);
        vm.deal(creator, 1e24);
        alice = vm.addr(alicePk);
        for (uint256 i; i < N; ++i) {
            accounts[i] = i == 0 ? alice : address(uint160(0x1000 + i));
            amounts[i] = 100 * (i + 1);
            leaves.push(TestMerkle.distributionLeaf(i, accounts[i], amounts[i]));
        }
        root = TestMerkle.root(leaves);
    }

    function _total() internal view returns (uint256 t) {
        for (uint256 i; i < N; ++i) t += amounts[i];
    }

    function _params(address tok, uint256 funding, uint32 presetId) internal view returns (IMerkleCampaigns.CampaignParams memory) {
        return IMerkleCampaigns.CampaignParams(tok, uint128(funding), root, uint40(T0), DEADLINE, creator, presetId);
    }

    function _campaign() internal returns (uint256) {
        vm.prank(creator);
        return mc.createCampaign(_params(address(token), _total(), 0));
    }

    /// A preset vesting everything linearly over 40 days.
    function _linear40Days() internal returns (uint32) {
        uint32[] memory ends = new uint32[](1);
        uint16[] memory bips = new uint16[](1);
        (ends[0], bips[0]) = (40 days, 10_000);
        return mc.createPreset(ends, bips);
    }

    function _claim(uint256 id, uint256 i) internal returns (uint256) {
        return mc.claim(id, i, accounts[i], amounts[i], TestMerkle.proof(leaves, i));
    }

    // ---- instant claims, bitmap ----

    function test_claim_paysAccount_once() public {
        uint256 id = _campaign();
        _claim(id, 3); // anyone submits
        vm.assertEq(token.balanceOf(accounts[3]), amounts[3], "paid to the account");
        vm.assertTrue(mc.isClaimed(id, 3), "bit set");
        vm.assertFalse(mc.isClaimed(id, 2), "neighbour untouched");
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.AlreadyClaimed.selector, 3));
        _claim(id, 3);
        vm.assertEq(mc.getCampaign(id).paid, amounts[3], "paid recorded");
    }

    /// Claim bits of a pre-warmed bitmap (255 per word, bit 255 spare): whatever words are warmed, every leaf around
    /// the word boundaries is unclaimed until paid, paid once (batch or single), and claiming one never marks another.
    function testFuzz_warmedBitmap_eachLeafOnce(uint256 base, uint8 warmMask, uint8 batchMask) public {
        base = bound(base, 0, 1e15) * 255;
        uint256[6] memory idx = [base, base + 1, base + 254, base + 255, base + 509, base + 510];
        bytes32[] memory ls = new bytes32[](6);
        address[6] memory who;
        uint256 total;
        for (uint256 k; k < 6; ++k) {
            who[k] = address(uint160(0x5000 + k));
            ls[k] = TestMerkle.distributionLeaf(idx[k], who[k], 10 * (k + 1));
            total += 10 * (k + 1);
        }
        IMerkleCampaigns.CampaignParams memory p = _params(address(token), total, 0);
        p.root = TestMerkle.root(ls);
        vm.prank(creator);
        uint256 id = mc.createCampaign(p);
        for (uint256 w; w < 3; ++w) if (warmMask & (1 << w) != 0) mc.warmClaimBitmap(id, base / 255 + w, 1);
        for (uint256 k; k < 6; ++k) {
            vm.assertFalse(mc.isClaimed(id, idx[k]), "a warmed word marks nothing claimed");
            vm.assertEq(mc.claimable(id, idx[k], 10 * (k + 1), block.timestamp), 10 * (k + 1), "claimable in full");
        }
        IMerkleCampaigns.Claim[] memory batch = new IMerkleCampaigns.Claim[](6);
        uint256 n;
        for (uint256 k; k < 6; ++k) {
            if (batchMask & (1 << k) == 0) continue;
            batch[n++] = IMerkleCampaigns.Claim(idx[k], who[k], 10 * (k + 1), TestMerkle.proof(ls, k));
        }
        assembly {
            mstore(batch, n)
        }
        if (n > 0) mc.claimMany(id, batch);
        for (uint256 k; k < 6; ++k) {
            if (batchMask & (1 << k) == 0) mc.claim(id, idx[k], who[k], 10 * (k + 1), TestMerkle.proof(ls, k));
            for (uint256 j; j < 6; ++j) {
                bool paid = j <= k || batchMask & (1 << j) != 0;
                vm.assertEq(mc.isClaimed(id, idx[j]), paid, "exactly the paid leaves are marked");
            }
            vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.AlreadyClaimed.selector, idx[k]));
            mc.claim(id, idx[k], who[k], 10 * (k + 1), TestMerkle.proof(ls, k));
            vm.assertEq(token.balanceOf(who[k]), 10 * (k + 1), "paid once");
        }
        vm.assertEq(mc.getCampaign(id).paid, total, "paid in full, no more");
    }

    function test_warmClaimBitmap_rules() public {
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.UnknownCampaign.selector, 99));
        mc.warmClaimBitmap(99, 0, 1);
        uint32 preset = _linear40Days();
        vm.prank(creator);
        uint256 vested = mc.createCampaign(_params(address(token), _total(), preset));
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.NotAnInstantCampaign.selector, vested));
        mc.warmClaimBitmap(vested, 0, 1);
        uint256 id = _campaign();
        vm.expectEmit();
        emit IMerkleCampaigns.ClaimBitmapWarmed(id, 0, 2);
        vm.prank(address(0xBEEF)); // anyone may pay for it
        mc.warmClaimBitmap(id, 0, 2);
        _claim(id, 3);
        vm.assertTrue(mc.isClaimed(id, 3), "claimed in a warmed word");
        vm.assertFalse(mc.isClaimed(id, 4), "neighbour untouched");
        vm.assertEq(mc.claimBitmapWords(0), uint256(0), "no leaves, no word");
        vm.assertEq(mc.claimBitmapWords(1), uint256(1), "one leaf, one word");
        vm.assertEq(mc.claimBitmapWords(255), uint256(1), "255 leaves fill one word");
        vm.assertEq(mc.claimBitmapWords(256), uint256(2), "the 256th leaf starts a second word");
        vm.assertEq(mc.claimBitmapWords(1 << 26), uint256(263_173), "2^26 leaves");
    }

    function test_claim_invalidProofOrAmountRefused() public {
        uint256 id = _campaign();
        bytes32[] memory p = TestMerkle.proof(leaves, 2);
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.InvalidProof.selector, 2));
        mc.claim(id, 2, accounts[2], amounts[2] + 1, p);
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.InvalidProof.selector, 3));
        mc.claim(id, 3, accounts[2], amounts[2], p);
    }

    function test_claim_window() public {
        vm.prank(creator);
        IMerkleCampaigns.CampaignParams memory p = _params(address(token), _total(), 0);
        p.start = uint40(T0 + 1 days);
        uint256 id = mc.createCampaign(p);
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.ClaimsNotOpen.selector, id));
        _claim(id, 1);
        vm.warp(DEADLINE + 1);
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.ClaimsNotOpen.selector, id));
        _claim(id, 1);
        vm.warp(DEADLINE);
        _claim(id, 1);
    }

    function testFuzz_bitmap_eachIndexOnce(uint256 a, uint256 b) public {
        uint256 id = _campaign();
        a %= N;
        b %= N;
        _claim(id, a);
        if (a == b) vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.AlreadyClaimed.selector, b));
        _claim(id, b);
        for (uint256 i; i < N; ++i) vm.assertEq(mc.isClaimed(id, i), i == a || i == b, "exactly the claimed bits");
    }

    // ---- batches ----

    function _batch(uint256[] memory idx) internal view returns (IMerkleCampaigns.Claim[] memory cs) {
        cs = new IMerkleCampaigns.Claim[](idx.length);
        for (uint256 k; k < idx.length; ++k) {
            uint256 i = idx[k];
            cs[k] = IMerkleCampaigns.Claim(i, accounts[i], amounts[i], TestMerkle.proof(leaves, i));
        }
    }

    function test_claimMany_skipsClaimed_andDuplicates() public {
        uint256 id = _campaign();
        _claim(id, 1);
        uint256[] memory idx = new uint256[](4);
        (idx[0], idx[1], idx[2], idx[3]) = (0, 1, 5, 5);
        uint256 paid = mc.claimMany(id, _batch(idx));
        vm.assertEq(paid, amounts[0] + amounts[5], "skips the claimed leaf and the duplicate");
        vm.assertEq(token.balanceOf(accounts[5]), amounts[5], "paid once");
        vm.assertEq(mc.getCampaign(id).paid, amounts[0] + amounts[1] + amounts[5], "one paid total");
        IMerkleCampaigns.Claim[] memory bad = _batch(idx);
        bad[2].amount += 1;
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.InvalidProof.selector, 5));
        mc.claimMany(id, bad);
    }

    // ---- isolation ----

    function test_isolation_campaignCannotPayBeyondItsFunding() public {
        uint256 rich = _campaign();
        // a second campaign in the same token whose tree promises more than it was funded with
        vm.prank(creator);
        uint256 poor = mc.createCampaign(_params(address(token), amounts[7] - 1, 0));
        vm.assertEq(token.balanceOf(address(mc)), _total() + amounts[7] - 1, "both funded");
        vm.expectRevert(
            abi.encodeWithSelector(IMerkleCampaigns.ExceedsFunding.selector, poor, amounts[7], amounts[7] - 1)
        );
        _claim(poor, 7);
        uint256[] memory idx = new uint256[](1);
        idx[0] = 7;
        vm.expectRevert(
            abi.encodeWithSelector(IMerkleCampaigns.ExceedsFunding.selector, poor, amounts[7], amounts[7] - 1)
        );
        mc.claimMany(poor, _batch(idx));
        _claim(rich, 7); // the rich campaign still pays its own
        vm.assertEq(token.balanceOf(address(mc)), _total() - amounts[7] + amounts[7] - 1, "other funds untouched");
    }

    // ---- clawback ----

    function test_clawback_graceBeforeFirstClaim() public {
        uint256 id = _campaign();
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.NotClawbackAddress.selector, address(this)));
        mc.clawback(id);
        vm.warp(T0 + 7 days - 1);
        vm.prank(creator);
        vm.assertEq(mc.clawback(id), _total(), "all back in grace");
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.ClaimsNotOpen.selector, id));
        _claim(id, 1);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.ClawbackNotAllowed.selector, id));
        mc.clawback(id);
    }

    function test_clawback_refusedAfterFirstClaim_untilDeadline() public {
        uint256 id = _campaign();
        _claim(id, 2);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.ClawbackNotAllowed.selector, id));
        mc.clawback(id);
        vm.warp(T0 + 8 days);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.ClawbackNotAllowed.selector, id));
        mc.clawback(id);
        vm.warp(DEADLINE);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.ClawbackNotAllowed.selector, id));
        mc.clawback(id);
        vm.warp(DEADLINE + 1);
        uint256 before = token.balanceOf(creator);
        vm.prank(creator);
        mc.clawback(id);
        vm.assertEq(token.balanceOf(creator) - before, _total() - amounts[2], "only the unclaimed rest");
        vm.assertEq(token.balanceOf(address(mc)), 0, "empty");
    }

    function test_clawback_refusedAfterGraceWithoutClaims() public {
        uint256 id = _campaign();
        vm.warp(T0 + 7 days);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.ClawbackNotAllowed.selector, id));
        mc.clawback(id);
    }

    // ---- EIP-712 claimTo ----

    function _sig(uint256 pk, uint256 id, uint256 i, address to, uint256 nonce, uint256 dl, address verifying, uint256 chain)
        internal
        view
        returns (bytes memory)
    {
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("TokenTable MerkleCampaigns"),
                keccak256("1"),
                chain,
                verifying
            )
        );
        bytes32 sh = keccak256(abi.encode(mc.CLAIM_TO_TYPEHASH(), id, i, accounts[i], amounts[i], to, nonce, dl));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, MessageHashUtils.toTypedDataHash(domain, sh));
        return abi.encodePacked(r, s, v);
    }

    function test_claimTo_eip712() public {
        uint256 id = _campaign();
        address to = address(0x70);
        uint256 dl = T0 + 1 hours;
        bytes32[] memory p = TestMerkle.proof(leaves, 0);
        // wrong chain
        bytes memory s = _sig(alicePk, id, 0, to, 0, dl, address(mc), block.chainid + 1);
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.BadSignature.selector, alice));
        mc.claimTo(id, 0, alice, amounts[0], p, to, 0, dl, s);
        // wrong contract
        s = _sig(alicePk, id, 0, to, 0, dl, address(0xBEEF), block.chainid);
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.BadSignature.selector, alice));
        mc.claimTo(id, 0, alice, amounts[0], p, to, 0, dl, s);
        // wrong nonce
        s = _sig(alicePk, id, 0, to, 1, dl, address(mc), block.chainid);
        vm.expectRevert(abi.encodeWithSelector(Nonces.InvalidAccountNonce.selector, alice, 0));
        mc.claimTo(id, 0, alice, amounts[0], p, to, 1, dl, s);
        // a different recipient than signed
        s = _sig(alicePk, id, 0, to, 0, dl, address(mc), block.chainid);
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.BadSignature.selector, alice));
        mc.claimTo(id, 0, alice, amounts[0], p, address(0x71), 0, dl, s);
        // expired
        vm.warp(dl + 1);
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.SignatureExpired.selector, dl));
        mc.claimTo(id, 0, alice, amounts[0], p, to, 0, dl, s);
        vm.warp(dl);
        mc.claimTo(id, 0, alice, amounts[0], p, to, 0, dl, s);
        vm.assertEq(token.balanceOf(to), amounts[0], "paid to the signed recipient");
        vm.assertEq(token.balanceOf(alice), 0, "not to the account");
        vm.assertEq(mc.nonces(alice), 1, "nonce used");
        vm.expectRevert(abi.encodeWithSelector(Nonces.InvalidAccountNonce.selector, alice, 1));
        mc.claimTo(id, 0, alice, amounts[0], p, to, 0, dl, s);
    }

    function test_claimTo_erc1271() public {
        RawDigestWallet w = new RawDigestWallet(alice);
        accounts[4] = address(w);
        leaves[4] = TestMerkle.distributionLeaf(4, address(w), amounts[4]);
        root = TestMerkle.root(leaves);
        uint256 id = _campaign();
        address to = address(0x70);
        bytes memory s = _sig(alicePk, id, 4, to, 0, T0 + 1, address(mc), block.chainid);
        mc.claimTo(id, 4, address(w), amounts[4], TestMerkle.proof(leaves, 4), to, 0, T0 + 1, s);
        vm.assertEq(token.balanceOf(to), amounts[4], "contract account signed through ERC-1271");
    }

    // ---- vested campaigns ----

    function test_vested_claimRepeatedlyAsItVests() public {
        uint32 preset = _linear40Days();
        vm.prank(creator);
        uint256 id = mc.createCampaign(_params(address(token), _total(), preset));
        vm.warp(T0 + 10 days);
        vm.assertEq(_claim(id, 3), amounts[3] / 4, "a quarter");
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.NothingToClaim.selector, 3));
        _claim(id, 3);
        vm.warp(T0 + 30 days);
        uint256[] memory idx = new uint256[](2);
        (idx[0], idx[1]) = (3, 4);
        mc.claimMany(id, _batch(idx));
        vm.assertEq(token.balanceOf(accounts[3]), (amounts[3] * 3) / 4, "three quarters");
        vm.warp(T0 + 50 days);
        _claim(id, 3);
        vm.assertEq(token.balanceOf(accounts[3]), amounts[3], "all");
        vm.assertEq(mc.claimedAmount(id, 3), amounts[3], "recorded");
    }

    // ---- native coin, bad tokens, reentrancy ----

    function test_eth_campaign() public {
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(ValueMismatch.selector, _total(), 1));
        mc.createCampaign{value: 1}(_params(address(0), _total(), 0));
        vm.prank(creator);
        uint256 id = mc.createCampaign{value: _total()}(_params(address(0), _total(), 0));
        _claim(id, 6);
        vm.assertEq(accounts[6].balance, amounts[6], "paid in ETH");
    }

    function test_feeOnTransferRejected() public {
        FeeOnTransferToken fee = new FeeOnTransferToken();
        fee.mint(creator, 1e18);
        vm.prank(creator);
        fee.approve(address(mc), type(uint256).max);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(UnsupportedToken.selector, address(fee), 1000, 990));
        mc.createCampaign(_params(address(fee), 1000, 0));
    }

    function test_reentrantReceiver_cannotDoublePay() public {
        ReentrantReceiver r = new ReentrantReceiver();
        accounts[5] = address(r);
        leaves[5] = TestMerkle.distributionLeaf(5, address(r), amounts[5]);
        root = TestMerkle.root(leaves);
        vm.prank(creator);
        uint256 id = mc.createCampaign{value: _total()}(_params(address(0), _total(), 0));
        r.arm(address(mc), abi.encodeCall(IMerkleCampaigns.claim, (id, 5, address(r), amounts[5], TestMerkle.proof(leaves, 5))));
        _claim(id, 5);
        vm.assertTrue(r.reentered(), "re-entered");
        vm.assertFalse(r.reentrySucceeded(), "refused");
        vm.assertEq(address(r).balance, amounts[5], "paid once");
    }

    // ---- attestation gate ----

    function _attest(address attester, bytes32 schema, address subject, uint64 expiry)
        internal
        returns (IMerkleCampaigns.AttestationProof memory a)
    {
        AttestationRequest memory req;
        req.schema = schema;
        req.subject = abi.encodePacked(subject);
        req.expirationTime = expiry;
        req.data = abi.encode(true);
        vm.prank(attester);
        reg.attest(req);
        a = IMerkleCampaigns.AttestationProof(attester, uint64(block.timestamp), expiry, bytes32(0), keccak256(req.data));
    }

    function test_attestationGate() public {
        bytes32 kyc = schemas.register(SchemaDefinition("bool kyc", address(0), true, 0, DataLocation.OnChain, ""), "kyc", "");
        bytes32 other = schemas.register(SchemaDefinition("bool x", address(0), true, 0, DataLocation.OnChain, ""), "x", "");
        address issuer = address(0x155);
        address rogue = address(0x666);
        address[] memory issuers = new address[](1);
        issuers[0] = issuer;
        vm.prank(creator);
        uint256 id = mc.createAttestationCampaign(_params(address(token), _total(), 0), kyc, issuers);
        bytes32[] memory p = TestMerkle.proof(leaves, 1);
        address acct = accounts[1];

        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.WrongGate.selector, id));
        _claim(id, 1);

        IMerkleCampaigns.AttestationProof memory a = _attest(rogue, kyc, acct, 0);
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.AttesterNotAccepted.selector, rogue));
        mc.claimAttested(id, 1, acct, amounts[1], p, a);

        a = _attest(issuer, other, acct, 0); // wrong schema: the uid computed with the campaign's schema is unknown
        vm.expectRevert();
        mc.claimAttested(id, 1, acct, amounts[1], p, a);

        a = _attest(issuer, kyc, accounts[2], 0); // someone else's attestation
        vm.expectRevert();
        mc.claimAttested(id, 1, acct, amounts[1], p, a);

        vm.warp(T0 + 1);
        a = _attest(issuer, kyc, acct, uint64(T0 + 100)); // expires
        vm.warp(T0 + 100);
        vm.expectRevert();
        mc.claimAttested(id, 1, acct, amounts[1], p, a);

        vm.warp(T0 + 200);
        a = _attest(issuer, kyc, acct, 0);
        bytes32 uid = keccak256(abi.encode(kyc, issuer, a.time, a.expirationTime, a.refUID, keccak256(abi.encodePacked(acct)), a.dataHash));
        vm.prank(issuer);
        reg.revoke(uid, "");
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.InvalidAttestation.selector, uid));
        mc.claimAttested(id, 1, acct, amounts[1], p, a);

        vm.warp(T0 + 300);
        a = _attest(issuer, kyc, acct, 0);
        vm.warp(T0 + 301);
        vm.prank(issuer);
        reg.revokeIssuedBefore(kyc, uint64(T0 + 301)); // epoch revocation
        vm.expectRevert();
        mc.claimAttested(id, 1, acct, amounts[1], p, a);

        vm.warp(T0 + 400);
        a = _attest(issuer, kyc, acct, 0);
        mc.claimAttested(id, 1, acct, amounts[1], p, a);
        vm.assertEq(token.balanceOf(acct), amounts[1], "attested account paid");
    }

    // ---- anonymous (ZK) gate ----

    function _zkCampaign(uint128 funding) internal returns (uint256 id) {
        IZkIdentityVerifier.Policy memory pol;
        pol.minAge = 18;
        pol.regions[0] = 7;
        vm.prank(creator);
        id = mc.createZkCampaign(address(token), funding, 50, uint40(T0), DEADLINE, creator, pol);
    }

    function _zkProof(uint256 nullifier, address recipient) internal pure returns (IZkIdentityVerifier.IdentityProof memory p) {
        p.points[0] = 1;
        p.nullifier = nullifier;
        p.message = uint160(recipient);
    }

    function test_zkGate_oncePerPerson() public {
        uint256 id = _zkCampaign(120);
        uint256 id2 = _zkCampaign(120);
        vm.assertTrue(mc.zkScope(id) != mc.zkScope(id2), "scope per campaign");
        vm.assertLt(mc.zkScope(id), 1 << 120, "120-bit scope");
        address bob = address(0xB0B);
        IZkIdentityVerifier.IdentityProof memory p = _zkProof(42, bob);
        mc.claimAnonymous(id, p); // paid to the address the proof is bound to, whoever submits it
        vm.assertEq(token.balanceOf(bob), 50, "fixed amount");
        vm.assertEq(zk.lastScope(), mc.zkScope(id), "scoped nullifier");
        vm.assertEq(zk.lastMinAge(), 18, "policy passed");
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.NullifierAlreadyUsed.selector, 42));
        mc.claimAnonymous(id, p);
        mc.claimAnonymous(id2, p); // the same person in another campaign
        mc.claimAnonymous(id, _zkProof(43, bob));
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.ExceedsFunding.selector, id, 150, 120));
        mc.claimAnonymous(id, _zkProof(44, bob));
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.WrongGate.selector, id));
        mc.claim(id, 0, alice, 1, new bytes32[](0));
        p = _zkProof(45, bob);
        p.message = 1 << 160; // not an address: refused before the verifier is asked
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.RecipientNotAnAddress.selector, 0, 1 << 160));
        mc.claimAnonymous(id2, p);
        p.message = 0;
        vm.expectRevert(abi.encodeWithSelector(IMerkleCampaigns.RecipientNotAnAddress.selector, 0, 0));
        mc.claimAnonymous(id2, p);
    }

    // ---- gas ----

    /// @dev A tree with 128 real leaves under 19 extra levels: every proof has 7 + 19 = 26 hashes (a 2^26 tree).
    function _deepTree(uint256 count) internal returns (bytes32 r, bytes32[][] memory proofs, address[] memory accts) {
        bytes32[] memory ls = new bytes32[](128);
        accts = new address[](128);
        for (uint256 i; i < 128; ++i) {
            accts[i] = address(uint160(0xA0000 + i));
            ls[i] = TestMerkle.distributionLeaf(i, accts[i], 1e18);
        }
        bytes32 sub = TestMerkle.root(ls);
        bytes32[] memory top = new bytes32[](19);
        r = sub;
        for (uint256 k; k < 19; ++k) {
            top[k] = keccak256(abi.encode("sibling", k));
            r = r < top[k] ? keccak256(abi.encode(r, top[k])) : keccak256(abi.encode(top[k], r));
        }
        proofs = new bytes32[][](count);
        for (uint256 i; i < count; ++i) {
            bytes32[] memory low = TestMerkle.proof(ls, i);
            proofs[i] = new bytes32[](26);
            for (uint256 k; k < 7; ++k) proofs[i][k] = low[k];
            for (uint256 k; k < 19; ++k) proofs[i][7 + k] = top[k];
        }
        vm.prank(creator);
        token.mint(creator, 0);
    }

    function test_gas_campaignClaims() public {
        (bytes32 r, bytes32[][] memory proofs, address[] memory accts) = _deepTree(101);
        vm.prank(creator);
        uint256 id = mc.createCampaign(IMerkleCampaigns.CampaignParams(address(token), 200e18, r, uint40(T0), DEADLINE, creator, 0));
        uint256 g = gasleft();
        mc.claim(id, 100, accts[100], 1e18, proofs[100]);
        uint256 single = g - gasleft();
        IMerkleCampaigns.Claim[] memory cs = new IMerkleCampaigns.Claim[](100);
        for (uint256 i; i < 100; ++i) cs[i] = IMerkleCampaigns.Claim(i, accts[i], 1e18, proofs[i]);
        g = gasleft();
        mc.claimMany(id, cs);
        uint256 batch = g - gasleft();
        uint256 calldataGas = 16 * (26 * 32 + 128); // proof + fields per claim, all non-zero bytes (upper bound)
        console.log("campaign single claim, 26-hash proof (execution):", single);
        console.log("  + intrinsic 21000 + calldata <=", 21000 + 16 * (26 * 32 + 4 + 6 * 32));
        console.log("campaign batch of 100, per recipient (execution):", batch / 100);
        console.log("  + calldata per recipient <=", calldataGas);
        vm.assertEq(token.balanceOf(accts[5]), 1e18, "paid");
    }
}
