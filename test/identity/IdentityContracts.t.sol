// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TestBase} from "../lib/TestBase.sol";
import {IdentityRegistry} from "../../contracts/identity/IdentityRegistry.sol";
import {IIdentityRegistry} from "../../contracts/identity/IIdentityRegistry.sol";
import {ZkIdentityVerifier} from "../../contracts/identity/ZkIdentityVerifier.sol";
import {IZkIdentityVerifier} from "../../contracts/identity/IZkIdentityVerifier.sol";
import {
    IIdentityGroth16Verifier,
    IIdentityMembershipGroth16Verifier
} from "../../contracts/identity/verifiers/IIdentityGroth16Verifier.sol";
import {Identity20Groth16Verifier} from "../../contracts/identity/verifiers/Identity20Groth16Verifier.sol";
import {Identity32Groth16Verifier} from "../../contracts/identity/verifiers/Identity32Groth16Verifier.sol";
import {IdentityMembership20Groth16Verifier} from "../../contracts/identity/verifiers/IdentityMembership20Groth16Verifier.sol";
import {IdentityMembership32Groth16Verifier} from "../../contracts/identity/verifiers/IdentityMembership32Groth16Verifier.sol";
import {DateLib} from "../../contracts/identity/DateLib.sol";

/// @dev Stands in for the generated verifier so that the contract rules can be fuzzed without proofs
///      (real proofs are exercised by the mocha tests).
contract MockGroth16 is IIdentityGroth16Verifier {
    bool public answer = true;

    function set(bool a) external {
        answer = a;
    }

    function verifyProof(uint256[2] calldata, uint256[2][2] calldata, uint256[2] calldata, uint256[5] calldata) external view returns (bool) {
        return answer;
    }
}

/// @dev Stands in for the generated membership-mode verifier, and records the inputs the contract assembled.
contract MockMembershipGroth16 is IIdentityMembershipGroth16Verifier {
    bool public answer = true;

    function set(bool a) external {
        answer = a;
    }

    function verifyProof(uint256[2] calldata, uint256[2][2] calldata, uint256[2] calldata, uint256[4] calldata) external view returns (bool) {
        return answer;
    }
}

contract DateHarness {
    function dateOf(uint256 ts) external pure returns (uint256) {
        return DateLib.dateOf(ts);
    }

    function toDays(uint256 d) external pure returns (uint256, bool) {
        return DateLib.toDays(d);
    }
}

contract IdentityContractsTest is TestBase {
    IdentityRegistry internal registry;
    MockGroth16 internal groth;
    MockMembershipGroth16 internal mgroth;
    ZkIdentityVerifier internal verifier;
    DateHarness internal dates;

    address internal constant GOV = address(0x60F);
    address internal constant OPERATOR = address(0x0BE);
    address internal constant OPERATOR_B = address(0x0BB);
    // Baby Jubjub keys: Base8 * 0x5eed1234567890 (issuer A) and Base8 * 0x777 (issuer B)
    uint256 internal constant AX = 17977240355585261826838269565318377091253678305767052451361424584974815473335;
    uint256 internal constant AY = 1701954431731760068050326772401483261688542550671923007021627712921733064555;
    uint256 internal constant BX = 21675327432189688909705622694093115219784960819522965865991630413842831430235;
    uint256 internal constant BY = 12152375075844462083879933030731600442893012397653237388736789613856132754710;
    uint256 internal constant ROOT = 0xABCDEF;
    uint256 internal constant SCOPE = 42;
    uint256 internal constant FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint32 internal issuerId;

    function setUp() public {
        registry = new IdentityRegistry(GOV);
        groth = new MockGroth16();
        mgroth = new MockMembershipGroth16();
        verifier = new ZkIdentityVerifier(groth, mgroth, registry);
        dates = new DateHarness();
        vm.warp(1_780_000_000); // 2026-05-28
        vm.prank(GOV);
        issuerId = registry.registerIssuer(OPERATOR, AX, AY, 1 days, "Civil Registry");
        vm.prank(OPERATOR);
        registry.publishRoot(issuerId, ROOT);
    }

    function _policy() internal pure returns (IZkIdentityVerifier.Policy memory p) {
        p.minAge = 18;
        p.dateToleranceDays = 2;
        p.regions = [uint16(7), 9, 0, 0];
    }

    function _signals(uint256 root, uint256 nullifier, uint256 message, uint256 word) internal pure returns (uint256[5] memory s) {
        s = [root, nullifier, AX, message, word];
    }

    /// @dev The policy word of a signature-mode proof (mode bit 224 set).
    function _signatureWord(uint256 word) internal pure returns (uint256) {
        return word | (1 << 224);
    }

    function _today() internal view returns (uint256) {
        return DateLib.dateOf(block.timestamp);
    }

    function _proof() internal pure returns (uint256[8] memory p) {}

    // ---- registry

    function testFuzz_onlyGovernanceRegisters(address caller) public {
        vm.assume(caller != GOV);
        vm.prank(caller);
        vm.expectRevert();
        registry.registerIssuer(OPERATOR, AX, AY, 1 days, "x");
    }

    function testFuzz_onlyOperatorPublishes(address caller, uint256 root) public {
        vm.assume(caller != OPERATOR);
        root = bound(root, 1, FIELD - 1);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.NotIssuerOperator.selector, issuerId, caller));
        registry.publishRoot(issuerId, root);
    }

    function testFuzz_rootOutsideFieldRejected(uint256 root) public {
        root = bound(root, FIELD, type(uint256).max);
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.RootOutOfField.selector, root));
        registry.publishRoot(issuerId, root);
    }

    function test_duplicateAndZeroRootRejected() public {
        vm.startPrank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.RootAlreadyPublished.selector, issuerId, ROOT));
        registry.publishRoot(issuerId, ROOT);
        vm.expectRevert(IIdentityRegistry.ZeroRoot.selector);
        registry.publishRoot(issuerId, 0);
        vm.stopPrank();
    }

    function testFuzz_rootWindow(uint64 validity, uint256 elapsed, uint256 newRoot) public {
        validity = uint64(bound(validity, 0, registry.MAX_ROOT_VALIDITY()));
        elapsed = bound(elapsed, 0, 200 days);
        newRoot = bound(newRoot, 1, FIELD - 1);
        vm.assume(newRoot != ROOT);
        vm.prank(GOV);
        registry.setRootValidity(issuerId, validity);
        vm.prank(OPERATOR);
        registry.publishRoot(issuerId, newRoot);
        vm.warp(block.timestamp + elapsed);
        vm.assertEq(registry.isRootFresh(issuerId, newRoot), true, "current root is fresh");
        vm.assertEq(registry.isRootFresh(issuerId, ROOT), elapsed < validity, "superseded root fresh only inside the window");
    }

    function testFuzz_validityCapped(uint64 validity) public {
        validity = uint64(bound(validity, uint256(registry.MAX_ROOT_VALIDITY()) + 1, type(uint64).max));
        vm.prank(GOV);
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.RootValidityTooLong.selector, validity));
        registry.setRootValidity(issuerId, validity);
    }

    // ---- verifier

    function test_acceptsThenRejectsReuse() public {
        uint256 word = verifier.policyWord(_policy(), SCOPE, _today());
        uint256[5] memory s = _signals(ROOT, 777, 0xBEEF, word);
        uint256 n = verifier.verify(_proof(), s, SCOPE, 0xBEEF, _policy());
        vm.assertEq(n, 777, "nullifier returned");
        vm.assertTrue(verifier.isNullifierUsed(address(this), SCOPE, 777), "recorded");
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.NullifierAlreadyUsed.selector, 777));
        verifier.verify(_proof(), s, SCOPE, 0xBEEF, _policy());
    }

    function testFuzz_nullifiersNamespacedByConsumer(address other, uint256 nullifier) public {
        vm.assume(other != address(this));
        nullifier = bound(nullifier, 0, FIELD - 1);
        uint256[5] memory s = _signals(ROOT, nullifier, 1, verifier.policyWord(_policy(), SCOPE, _today()));
        vm.prank(other);
        verifier.verify(_proof(), s, SCOPE, 1, _policy());
        vm.assertFalse(verifier.isNullifierUsed(address(this), SCOPE, nullifier), "another consumer's use does not burn ours");
        verifier.verify(_proof(), s, SCOPE, 1, _policy());
    }

    function testFuzz_policyMismatchRejected(uint8 minAge, uint16 region, uint256 scope) public {
        IZkIdentityVerifier.Policy memory p = _policy();
        scope = bound(scope, 0, (1 << 120) - 1);
        vm.assume(minAge != p.minAge || region != p.regions[0] || scope != SCOPE);
        IZkIdentityVerifier.Policy memory q = _policy();
        q.minAge = minAge;
        q.regions[0] = region;
        // the proof was made for policy q and `scope`; the caller demands p and SCOPE
        uint256 word = verifier.policyWord(q, scope, _today());
        uint256 expected = verifier.policyWord(p, SCOPE, _today());
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.PolicyMismatch.selector, expected, word));
        verifier.verify(_proof(), _signals(ROOT, 1, 1, word), SCOPE, 1, p);
    }

    function testFuzz_messageBinding(uint256 message, uint256 other) public {
        vm.assume(message != other);
        uint256 word = verifier.policyWord(_policy(), SCOPE, _today());
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.MessageMismatch.selector, other, message));
        verifier.verify(_proof(), _signals(ROOT, 1, message, word), SCOPE, other, _policy());
    }

    function testFuzz_dateTolerance(uint256 lagDays) public {
        lagDays = bound(lagDays, 0, 30);
        uint256 proofDate = DateLib.dateOf(block.timestamp - lagDays * 1 days);
        uint256 word = verifier.policyWord(_policy(), SCOPE, proofDate);
        if (lagDays > _policy().dateToleranceDays) {
            vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.ProofDateOutOfRange.selector, proofDate, _today()));
        }
        verifier.verify(_proof(), _signals(ROOT, 5, 1, word), SCOPE, 1, _policy());
    }

    function test_futureDateRejected() public {
        uint256 proofDate = DateLib.dateOf(block.timestamp + 3 days);
        uint256 word = verifier.policyWord(_policy(), SCOPE, proofDate);
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.ProofDateOutOfRange.selector, proofDate, _today()));
        verifier.verify(_proof(), _signals(ROOT, 5, 1, word), SCOPE, 1, _policy());
    }

    function testFuzz_unknownRootRejected(uint256 root) public {
        vm.assume(root != ROOT);
        uint256 word = verifier.policyWord(_policy(), SCOPE, _today());
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.UnknownRoot.selector, root));
        verifier.verify(_proof(), _signals(root, 5, 1, word), SCOPE, 1, _policy());
    }

    function test_staleRootRejectedAfterWindow() public {
        vm.prank(OPERATOR);
        registry.publishRoot(issuerId, ROOT + 1);
        uint256 validUntil = block.timestamp + 1 days;
        vm.warp(validUntil);
        uint256 word = verifier.policyWord(_policy(), SCOPE, _today());
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.StaleRoot.selector, ROOT, validUntil));
        verifier.verify(_proof(), _signals(ROOT, 5, 1, word), SCOPE, 1, _policy());
    }

    function test_suspendedIssuerAndKeyMismatchRejected() public {
        uint256 word = verifier.policyWord(_policy(), SCOPE, _today());
        uint256[5] memory s = _signals(ROOT, 5, 1, word);
        s[2] = AX + 1;
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.UnknownIssuerKey.selector, AX + 1));
        verifier.verify(_proof(), s, SCOPE, 1, _policy());
        vm.prank(GOV);
        registry.setIssuerActive(issuerId, false);
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.IssuerInactive.selector, issuerId));
        verifier.verify(_proof(), _signals(ROOT, 5, 1, word), SCOPE, 1, _policy());
    }

    function test_invalidProofRejected() public {
        uint256 word = verifier.policyWord(_policy(), SCOPE, _today());
        // each mode's proof goes to its own circuit's verifier, and only to it
        groth.set(false);
        verifier.verify(_proof(), _signals(ROOT, 5, 1, word), SCOPE, 1, _policy());
        vm.expectRevert(IZkIdentityVerifier.InvalidProof.selector);
        verifier.verify(_proof(), _signals(ROOT, 6, 1, _signatureWord(word)), SCOPE, 1, _policy());
        groth.set(true);
        mgroth.set(false);
        vm.expectRevert(IZkIdentityVerifier.InvalidProof.selector);
        verifier.verify(_proof(), _signals(ROOT, 6, 1, word), SCOPE, 1, _policy());
        verifier.verify(_proof(), _signals(ROOT, 6, 1, _signatureWord(word)), SCOPE, 1, _policy());
    }

    function testFuzz_modeBitsAboveOneRejected(uint256 high) public {
        high = bound(high, 2, type(uint256).max >> 224);
        uint256 word = verifier.policyWord(_policy(), SCOPE, _today());
        uint256 bad = word | (high << 224);
        uint256 expected = word | ((high & 1) << 224);
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.PolicyMismatch.selector, expected, bad));
        verifier.verify(_proof(), _signals(ROOT, 5, 1, bad), SCOPE, 1, _policy());
    }

    function testFuzz_scopeRange(uint256 scope) public {
        scope = bound(scope, 1 << 120, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.ScopeOutOfRange.selector, scope));
        verifier.policyWord(_policy(), scope, _today());
    }

    // ---- roots are per issuer (finding: publishRoot was first-come across all issuers)

    function _registerB() internal returns (uint32 b) {
        vm.prank(GOV);
        b = registry.registerIssuer(OPERATOR_B, BX, BY, 1 days, "Other Registry");
    }

    function test_rootFrontRunByAnotherIssuerNeitherBlocksNorValidates() public {
        uint32 b = _registerB();
        uint256 pending = ROOT + 1; // A's next root, seen in the mempool
        vm.prank(OPERATOR_B);
        registry.publishRoot(b, pending);
        // B's publication does not make the root valid for A
        vm.assertFalse(registry.isRootFresh(issuerId, pending), "not A's root yet");
        vm.assertTrue(registry.isRootFresh(b, pending), "B's root");
        uint256 word = verifier.policyWord(_policy(), SCOPE, _today());
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.UnknownRoot.selector, pending));
        verifier.verify(_proof(), _signals(pending, 5, 1, word), SCOPE, 1, _policy());
        // A publishes its root all the same
        vm.prank(OPERATOR);
        registry.publishRoot(issuerId, pending);
        vm.assertTrue(registry.isRootFresh(issuerId, pending), "A's root now");
        vm.assertEq(registry.issuer(issuerId).currentRoot, pending, "A's current root");
        verifier.verify(_proof(), _signals(pending, 5, 1, word), SCOPE, 1, _policy());
    }

    function test_anotherIssuersRootIsNotValidForThisIssuer() public {
        uint32 b = _registerB();
        vm.prank(OPERATOR_B);
        registry.publishRoot(b, ROOT + 7);
        vm.assertEq(registry.rootInfo(issuerId, ROOT + 7).publishedAt, 0, "not published by A");
        (uint32 id, bool keyCurrent, bool active, bool published, ) = registry.rootStatus(AX, ROOT + 7);
        vm.assertEq(uint256(id), uint256(issuerId), "AX names A");
        vm.assertTrue(keyCurrent && active, "A's current key, active");
        vm.assertFalse(published, "A never published it");
        // B's proofs name B's key; A's root is not B's
        uint256 word = verifier.policyWord(_policy(), SCOPE, _today());
        uint256[5] memory s = _signals(ROOT, 5, 1, word);
        s[2] = BX;
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.UnknownRoot.selector, ROOT));
        verifier.verify(_proof(), s, SCOPE, 1, _policy());
    }

    // ---- issuer keys (suspicion: the proof binds only issuerAx)

    function test_secondIssuerWithSameAxRefused() public {
        // (AX, -AY) is the other Baby Jubjub point with x = AX: a different-looking key that proofs cannot tell apart
        vm.startPrank(GOV);
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.PublicKeyTaken.selector, AX, issuerId));
        registry.registerIssuer(OPERATOR_B, AX, FIELD - AY, 1 days, "Twin");
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.PublicKeyTaken.selector, AX, issuerId));
        registry.registerIssuer(OPERATOR_B, AX, AY, 1 days, "Copy");
        uint32 b = registry.registerIssuer(OPERATOR_B, BX, BY, 1 days, "Other Registry");
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.PublicKeyTaken.selector, AX, issuerId));
        registry.setIssuerKey(b, AX, FIELD - AY);
        vm.stopPrank();
        vm.assertEq(uint256(registry.issuerOfKey(AX)), uint256(issuerId), "AX is A's");
        vm.assertEq(uint256(registry.issuerOfKey(BX)), uint256(b), "BX is B's");
    }

    function test_rotatedKeyStaysReservedAndStopsProving() public {
        vm.prank(GOV);
        registry.setIssuerKey(issuerId, BX, BY);
        // a signature-mode proof under the old key fails
        uint256 membershipWord = verifier.policyWord(_policy(), SCOPE, _today());
        uint256 word = _signatureWord(membershipWord);
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.IssuerKeyMismatch.selector, issuerId));
        verifier.verify(_proof(), _signals(ROOT, 5, 1, word), SCOPE, 1, _policy());
        // a membership-mode proof does not use the key: the issuer's published root still authenticates it
        verifier.verify(_proof(), _signals(ROOT, 4, 1, membershipWord), SCOPE, 1, _policy());
        // and nobody else may take the old key's x
        vm.prank(GOV);
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.PublicKeyTaken.selector, AX, issuerId));
        registry.registerIssuer(OPERATOR_B, AX, AY, 1 days, "Heir");
        // the issuer itself may rotate back
        vm.prank(GOV);
        registry.setIssuerKey(issuerId, AX, FIELD - AY);
        verifier.verify(_proof(), _signals(ROOT, 5, 1, word), SCOPE, 1, _policy());
    }

    function testFuzz_offCurveKeyRejected(uint256 y) public {
        y = bound(y, 0, FIELD - 1);
        vm.assume(y != AY && y != FIELD - AY);
        vm.prank(GOV);
        vm.expectRevert(IIdentityRegistry.InvalidPublicKey.selector);
        registry.registerIssuer(OPERATOR_B, AX, y, 1 days, "x");
    }

    function test_keyOutsideFieldRejected() public {
        vm.startPrank(GOV);
        vm.expectRevert(IIdentityRegistry.InvalidPublicKey.selector);
        registry.registerIssuer(OPERATOR_B, BX + FIELD, BY, 1 days, "x");
        vm.expectRevert(IIdentityRegistry.InvalidPublicKey.selector);
        registry.registerIssuer(OPERATOR_B, BX, BY + FIELD, 1 days, "x");
        vm.expectRevert(IIdentityRegistry.InvalidPublicKey.selector);
        registry.registerIssuer(OPERATOR_B, 0, 1, 1 days, "x"); // the identity point
        vm.stopPrank();
    }

    function test_unknownIssuerKeyRejected() public {
        uint256 word = verifier.policyWord(_policy(), SCOPE, _today());
        uint256[5] memory s = _signals(ROOT, 5, 1, word);
        s[2] = BX;
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.UnknownIssuerKey.selector, BX));
        verifier.verify(_proof(), s, SCOPE, 1, _policy());
    }

    function test_generatedVerifiersMatchTheInterface() public pure {
        vm.assertEq(
            uint256(uint32(IIdentityGroth16Verifier.verifyProof.selector)),
            uint256(uint32(Identity20Groth16Verifier.verifyProof.selector)),
            "depth 20"
        );
        vm.assertEq(
            uint256(uint32(IIdentityGroth16Verifier.verifyProof.selector)),
            uint256(uint32(Identity32Groth16Verifier.verifyProof.selector)),
            "depth 32"
        );
        vm.assertEq(
            uint256(uint32(IIdentityMembershipGroth16Verifier.verifyProof.selector)),
            uint256(uint32(IdentityMembership20Groth16Verifier.verifyProof.selector)),
            "membership, depth 20"
        );
        vm.assertEq(
            uint256(uint32(IIdentityMembershipGroth16Verifier.verifyProof.selector)),
            uint256(uint32(IdentityMembership32Groth16Verifier.verifyProof.selector)),
            "membership, depth 32"
        );
    }

    // ---- dates

    function testFuzz_dateRoundTrip(uint256 day) public view {
        day = bound(day, 0, 2_900_000); // 1970 .. ~9900
        uint256 d = dates.dateOf(day * 1 days);
        (uint256 back, bool valid) = dates.toDays(d);
        vm.assertTrue(valid, "valid date");
        vm.assertEq(back, day, "round trip");
    }

    function test_invalidDates() public view {
        (, bool v1) = dates.toDays(20260230);
        (, bool v2) = dates.toDays(20261301);
        (, bool v3) = dates.toDays(20240229);
        (, bool v4) = dates.toDays(19691231);
        vm.assertFalse(v1, "Feb 30");
        vm.assertFalse(v2, "month 13");
        vm.assertTrue(v3, "leap day");
        vm.assertFalse(v4, "before 1970");
        vm.assertEq(dates.dateOf(1_780_000_000), 20260528, "known date");
    }
}
