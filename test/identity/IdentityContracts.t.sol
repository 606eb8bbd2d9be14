// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TestBase} from "../lib/TestBase.sol";
import {IdentityRegistry} from "../../contracts/identity/IdentityRegistry.sol";
import {IIdentityRegistry} from "../../contracts/identity/IIdentityRegistry.sol";
import {ZkIdentityVerifier} from "../../contracts/identity/ZkIdentityVerifier.sol";
import {OnePersonBenefit} from "../../contracts/identity/OnePersonBenefit.sol";
import {IOnePersonBenefit} from "../../contracts/identity/IOnePersonBenefit.sol";
import {IZkIdentityVerifier} from "../../contracts/identity/IZkIdentityVerifier.sol";
import {
    IIdentityGroth16Verifier,
    IIdentityMembershipGroth16Verifier
} from "../../contracts/identity/verifiers/IIdentityGroth16Verifier.sol";
import {IIdentityGroth16BatchVerifier} from "../../contracts/identity/verifiers/IIdentityGroth16BatchVerifier.sol";
import {Identity20Groth16Verifier} from "../../contracts/identity/verifiers/Identity20Groth16Verifier.sol";
import {Identity32Groth16Verifier} from "../../contracts/identity/verifiers/Identity32Groth16Verifier.sol";
import {IdentityMembership20Groth16Verifier} from "../../contracts/identity/verifiers/IdentityMembership20Groth16Verifier.sol";
import {IdentityMembership32Groth16Verifier} from "../../contracts/identity/verifiers/IdentityMembership32Groth16Verifier.sol";
import {DateLib} from "../../contracts/identity/DateLib.sol";
import {IStateCommitment} from "../../contracts/rollup/IStateCommitment.sol";
import {TestMerkle} from "../lib/TestMerkle.sol";

/// @dev Stands in for the generated verifiers of both modes so that the contract rules can be fuzzed without proofs
///      (real proofs are exercised by the mocha tests); the test deploys one per mode.
///      A proof whose points[0] is BAD is forged; `acceptOnly` makes it accept one statement word only (ps[3], the
///      policy word with the mode bit: the statement the "proof" was made for).
contract MockGroth16 is IIdentityGroth16Verifier, IIdentityMembershipGroth16Verifier {
    uint256 public constant BAD = 0xBAD;
    bool public answer = true;
    bool public down;
    uint256 public onlyWord;

    error VerifierDown();

    function set(bool a) external {
        answer = a;
    }

    /// @dev Makes every call revert with {VerifierDown} (a verifier that fails, e.g. out of gas).
    function setDown(bool d) external {
        down = d;
    }

    function acceptOnly(uint256 word) external {
        onlyWord = word;
    }

    function verifyProof(
        uint256[2] calldata a,
        uint256[2][2] calldata,
        uint256[2] calldata,
        uint256[5] calldata ps
    ) external view returns (bool) {
        return _accepts(a[0], ps[3]);
    }

    function verifyProof(
        uint256[2] calldata a,
        uint256[2][2] calldata,
        uint256[2] calldata,
        uint256[4] calldata ps
    ) external view returns (bool) {
        return _accepts(a[0], ps[3]);
    }

    function _accepts(uint256 a0, uint256 word) private view returns (bool) {
        if (down) revert VerifierDown();
        return answer && a0 != BAD && (onlyWord == 0 || word == onlyWord);
    }
}

/// @dev The batch counterpart of {MockGroth16}: false if any proof's points[0] is BAD; checks the input count.
contract MockBatchGroth16 is IIdentityGroth16BatchVerifier {
    uint256 public immutable PUBLIC_INPUTS;

    constructor(uint256 publicInputs) {
        PUBLIC_INPUTS = publicInputs;
    }

    function verifyProofs(uint256[8][] calldata proofs, uint256[] calldata inputs) external view returns (bool) {
        uint256 expected = proofs.length * PUBLIC_INPUTS;
        if (inputs.length != expected) revert InputCountMismatch(expected, inputs.length);
        for (uint256 i = 0; i < proofs.length; i++) if (proofs[i][0] == 0xBAD) return false;
        return true;
    }
}

/// @dev The two reads IdentityRegistry makes of the rollup's StateCommitment, settable.
contract MockCommitments {
    struct C {
        bytes32 identityRoot;
        bool finalized;
    }
    C[] public list;

    function push(bytes32 identityRoot, bool finalized) external returns (uint256) {
        list.push(C(identityRoot, finalized));
        return list.length - 1;
    }

    function finalize(uint256 index) external {
        list[index].finalized = true;
    }

    function roots(uint256 index) external view returns (bytes32, bytes32, bool) {
        return (bytes32(0), list[index].identityRoot, list[index].finalized);
    }

    function lastFinalized() external view returns (bool, uint256) {
        for (uint256 i = list.length; i > 0; i--) if (list[i - 1].finalized) return (true, i - 1);
        return (false, 0);
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
    MockGroth16 internal mgroth;
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
        registry = new IdentityRegistry(GOV, IStateCommitment(address(0)));
        groth = new MockGroth16();
        mgroth = new MockGroth16();
        verifier = new ZkIdentityVerifier(groth, mgroth, new MockBatchGroth16(5), new MockBatchGroth16(4), registry);
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

    function _ip(
        uint256 root,
        uint256 nullifier,
        uint256 message,
        uint256 date
    ) internal pure returns (IZkIdentityVerifier.IdentityProof memory p) {
        p.root = root;
        p.nullifier = nullifier;
        p.issuerAx = AX;
        p.message = message;
        p.date = uint32(date);
    }

    /// @dev A signature-mode proof ({_ip} makes membership-mode ones).
    function _sp(
        uint256 root,
        uint256 nullifier,
        uint256 message,
        uint256 date
    ) internal pure returns (IZkIdentityVerifier.IdentityProof memory p) {
        p = _ip(root, nullifier, message, date);
        p.mode = 1;
    }

    /// @dev The policy word of a signature-mode proof (mode bit 224 set).
    function _signatureWord(uint256 word) internal pure returns (uint256) {
        return word | (1 << 224);
    }

    function _today() internal view returns (uint256) {
        return DateLib.dateOf(block.timestamp);
    }

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
        uint256 today = _today();
        IZkIdentityVerifier.IdentityProof memory s = _ip(ROOT, 777, 0xBEEF, today);
        uint256 n = verifier.validateProof(s, SCOPE, 0xBEEF, _policy());
        vm.assertEq(n, 777, "nullifier returned");
        vm.assertTrue(verifier.isNullifierUsed(address(this), SCOPE, 777), "recorded");
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.NullifierAlreadyUsed.selector, 777));
        verifier.validateProof(s, SCOPE, 0xBEEF, _policy());
    }

    function testFuzz_nullifiersNamespacedByConsumer(address other, uint256 nullifier) public {
        vm.assume(other != address(this));
        nullifier = bound(nullifier, 0, FIELD - 1);
        IZkIdentityVerifier.IdentityProof memory s = _ip(ROOT, nullifier, 1, _today());
        vm.prank(other);
        verifier.validateProof(s, SCOPE, 1, _policy());
        vm.assertFalse(verifier.isNullifierUsed(address(this), SCOPE, nullifier), "another consumer's use does not burn ours");
        verifier.validateProof(s, SCOPE, 1, _policy());
    }

    function testFuzz_statementHoldsTheCallersPolicyAndScope(uint8 minAge, uint16 region, uint256 scope) public {
        IZkIdentityVerifier.Policy memory p = _policy();
        scope = bound(scope, 0, (1 << 120) - 1);
        vm.assume(minAge != p.minAge || region != p.regions[0] || scope != SCOPE);
        IZkIdentityVerifier.Policy memory q = _policy();
        q.minAge = minAge;
        q.regions[0] = region;
        // the proof was made for policy q and `scope` (the mock accepts only that statement); the caller demands p
        mgroth.acceptOnly(verifier.policyWord(q, scope, _today()));
        vm.expectRevert(IZkIdentityVerifier.InvalidProof.selector);
        verifier.validateProof(_ip(ROOT, 1, 1, _today()), SCOPE, 1, p);
        verifier.validateProof(_ip(ROOT, 1, 1, _today()), scope, 1, q);
    }

    function testFuzz_messageBinding(uint256 message, uint256 other) public {
        vm.assume(message != other);
        uint256 today = _today();
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.MessageMismatch.selector, other, message));
        verifier.validateProof(_ip(ROOT, 1, message, today), SCOPE, other, _policy());
    }

    function testFuzz_dateTolerance(uint256 lagDays) public {
        lagDays = bound(lagDays, 0, 30);
        uint256 proofDate = DateLib.dateOf(block.timestamp - lagDays * 1 days);
        if (lagDays > _policy().dateToleranceDays) {
            vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.ProofDateOutOfRange.selector, proofDate, _today()));
        }
        verifier.validateProof(_ip(ROOT, 5, 1, proofDate), SCOPE, 1, _policy());
    }

    function test_futureDateRejected() public {
        uint256 proofDate = DateLib.dateOf(block.timestamp + 3 days);
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.ProofDateOutOfRange.selector, proofDate, _today()));
        verifier.validateProof(_ip(ROOT, 5, 1, proofDate), SCOPE, 1, _policy());
    }

    function testFuzz_unknownRootRejected(uint256 root) public {
        root = bound(root, 0, FIELD - 1);
        vm.assume(root != ROOT);
        uint256 today = _today();
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.UnknownRoot.selector, root));
        verifier.validateProof(_ip(root, 5, 1, today), SCOPE, 1, _policy());
    }

    function test_staleRootRejectedAfterWindow() public {
        vm.prank(OPERATOR);
        registry.publishRoot(issuerId, ROOT + 1);
        uint256 validUntil = block.timestamp + 1 days;
        vm.warp(validUntil);
        uint256 today = _today();
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.StaleRoot.selector, ROOT, validUntil));
        verifier.validateProof(_ip(ROOT, 5, 1, today), SCOPE, 1, _policy());
    }

    function test_suspendedIssuerAndKeyMismatchRejected() public {
        uint256 today = _today();
        IZkIdentityVerifier.IdentityProof memory s = _ip(ROOT, 5, 1, today);
        s.issuerAx = AX + 1;
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.UnknownIssuerKey.selector, AX + 1));
        verifier.validateProof(s, SCOPE, 1, _policy());
        vm.prank(GOV);
        registry.setIssuerActive(issuerId, false);
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.IssuerInactive.selector, issuerId));
        verifier.validateProof(_ip(ROOT, 5, 1, today), SCOPE, 1, _policy());
    }

    function test_invalidProofRejected() public {
        uint256 today = _today();
        // each mode's proof goes to its own circuit's verifier, and only to it
        groth.set(false);
        verifier.validateProof(_ip(ROOT, 5, 1, today), SCOPE, 1, _policy());
        vm.expectRevert(IZkIdentityVerifier.InvalidProof.selector);
        verifier.validateProof(_sp(ROOT, 6, 1, today), SCOPE, 1, _policy());
        groth.set(true);
        mgroth.set(false);
        vm.expectRevert(IZkIdentityVerifier.InvalidProof.selector);
        verifier.validateProof(_ip(ROOT, 6, 1, today), SCOPE, 1, _policy());
        verifier.validateProof(_sp(ROOT, 6, 1, today), SCOPE, 1, _policy());
    }

    /// The verifier is called with the points straight from calldata: a verifier's revert is passed on as it is, and
    /// a verifier address without code ("true" never comes back) is an invalid proof; nothing is recorded either way.
    function test_verifierRevertPassedOnAndNoCodeIsInvalid() public {
        uint256 today = _today();
        mgroth.setDown(true);
        vm.expectRevert(MockGroth16.VerifierDown.selector);
        verifier.validateProof(_ip(ROOT, 5, 1, today), SCOPE, 1, _policy());
        vm.assertFalse(verifier.isNullifierUsed(address(this), SCOPE, 5), "nothing recorded");
        ZkIdentityVerifier noCode = new ZkIdentityVerifier(
            groth,
            IIdentityMembershipGroth16Verifier(address(0xC0DE)),
            new MockBatchGroth16(5),
            new MockBatchGroth16(4),
            registry
        );
        vm.expectRevert(IZkIdentityVerifier.InvalidProof.selector);
        noCode.validateProof(_ip(ROOT, 5, 1, today), SCOPE, 1, _policy());
        vm.assertFalse(noCode.isNullifierUsed(address(this), SCOPE, 5), "nothing recorded");
    }

    /// A proof made in one mode never verifies as the other: the mode is bit 224 of the statement the contract builds.
    function testFuzz_modeIsPartOfTheStatement(bool signature) public {
        uint256 word = verifier.policyWord(_policy(), SCOPE, _today());
        // the "proof" was made for membership (or signature) mode: each mock accepts only that statement word
        mgroth.acceptOnly(signature ? _signatureWord(word) : word);
        groth.acceptOnly(signature ? _signatureWord(word) : word);
        IZkIdentityVerifier.IdentityProof memory p = _ip(ROOT, 5, 1, _today());
        p.mode = signature ? 0 : 1; // claimed as the other mode
        vm.expectRevert(IZkIdentityVerifier.InvalidProof.selector);
        verifier.validateProof(p, SCOPE, 1, _policy());
        p.mode = signature ? 1 : 0;
        verifier.validateProof(p, SCOPE, 1, _policy());
    }

    /// Both modes give a person the same nullifier for a scope: switching modes cannot use it twice.
    function testFuzz_switchingModesCannotReuseANullifier(uint256 nullifier, bool signatureFirst) public {
        nullifier = bound(nullifier, 0, FIELD - 1);
        uint256 today = _today();
        IZkIdentityVerifier.IdentityProof memory first = signatureFirst
            ? _sp(ROOT, nullifier, 1, today)
            : _ip(ROOT, nullifier, 1, today);
        IZkIdentityVerifier.IdentityProof memory second = signatureFirst
            ? _ip(ROOT, nullifier, 2, today)
            : _sp(ROOT, nullifier, 2, today);
        verifier.validateProof(first, SCOPE, 1, _policy());
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.NullifierAlreadyUsed.selector, nullifier));
        verifier.validateProof(second, SCOPE, 2, _policy());
        IZkIdentityVerifier.IdentityProof[] memory b = new IZkIdentityVerifier.IdentityProof[](1);
        b[0] = second;
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.NullifierAlreadyUsed.selector, nullifier));
        verifier.validateProofs(b, SCOPE, _policy());
    }

    function testFuzz_unknownModeRejected(uint8 mode) public {
        mode = uint8(bound(mode, 2, type(uint8).max));
        IZkIdentityVerifier.IdentityProof memory p = _ip(ROOT, 5, 1, _today());
        p.mode = mode;
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.UnknownMode.selector, mode));
        verifier.validateProof(p, SCOPE, 1, _policy());
        IZkIdentityVerifier.IdentityProof[] memory b = new IZkIdentityVerifier.IdentityProof[](1);
        b[0] = p;
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.UnknownMode.selector, mode));
        verifier.validateProofs(b, SCOPE, _policy());
    }

    function testFuzz_scopeRange(uint256 scope) public {
        scope = bound(scope, 1 << 120, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.ScopeOutOfRange.selector, scope));
        verifier.policyWord(_policy(), scope, _today());
    }

    // ---- batches

    function _batch(uint256 n, uint256 firstNullifier) internal view returns (IZkIdentityVerifier.IdentityProof[] memory b) {
        b = new IZkIdentityVerifier.IdentityProof[](n);
        for (uint256 i = 0; i < n; i++) b[i] = _ip(ROOT, firstNullifier + i, 0x1000 + i, _today());
    }

    function testFuzz_batchRecordsEveryNullifier(uint256 n) public {
        n = bound(n, 1, 20);
        IZkIdentityVerifier.IdentityProof[] memory b = _batch(n, 100);
        verifier.validateProofs(b, SCOPE, _policy());
        for (uint256 i = 0; i < n; i++) vm.assertTrue(verifier.isNullifierUsed(address(this), SCOPE, 100 + i), "recorded");
        vm.assertFalse(verifier.isNullifierUsed(address(this), SCOPE, 100 + n), "only the batch's");
        // each proof of the batch is now spent, alone or in another batch
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.NullifierAlreadyUsed.selector, 100 + n - 1));
        verifier.validateProof(b[n - 1], SCOPE, b[n - 1].message, _policy());
    }

    function testFuzz_batchForgedProofNamedAndNothingRecorded(uint256 n, uint256 bad, bool signature) public {
        n = bound(n, 1, 16);
        bad = bound(bad, 0, n - 1);
        IZkIdentityVerifier.IdentityProof[] memory b = _batch(n, 200);
        if (signature) for (uint256 i = 0; i < n; i++) b[i].mode = 1;
        b[bad].points[0] = groth.BAD();
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.InvalidProofAt.selector, bad));
        verifier.validateProofs(b, SCOPE, _policy());
        for (uint256 i = 0; i < n; i++) vm.assertFalse(verifier.isNullifierUsed(address(this), SCOPE, 200 + i), "none");
    }

    function testFuzz_batchFirstForgedProofNamed(uint256 a, uint256 c) public {
        a = bound(a, 0, 9);
        c = bound(c, 0, 9);
        IZkIdentityVerifier.IdentityProof[] memory b = _batch(10, 300);
        b[a].points[0] = groth.BAD();
        b[c].points[0] = groth.BAD();
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.InvalidProofAt.selector, a < c ? a : c));
        verifier.validateProofs(b, SCOPE, _policy());
    }

    function testFuzz_batchRepeatedNullifierRefused(uint256 n, uint256 i, uint256 j) public {
        n = bound(n, 2, 12);
        i = bound(i, 0, n - 1);
        j = bound(j, 0, n - 1);
        vm.assume(i != j);
        IZkIdentityVerifier.IdentityProof[] memory b = _batch(n, 400);
        b[j].nullifier = b[i].nullifier;
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.NullifierAlreadyUsed.selector, b[i].nullifier));
        verifier.validateProofs(b, SCOPE, _policy());
    }

    /// A batch is of one mode (each mode has its own batch verifier); the first proof of another mode is named.
    function testFuzz_batchOfMixedModesRefused(uint256 n, uint256 at, bool signature) public {
        n = bound(n, 2, 12);
        at = bound(at, 1, n - 1);
        IZkIdentityVerifier.IdentityProof[] memory b = _batch(n, 700);
        uint8 mode = signature ? 1 : 0;
        for (uint256 i = 0; i < n; i++) b[i].mode = i < at ? mode : 1 - mode;
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.MixedModeBatch.selector, at, mode, 1 - mode));
        verifier.validateProofs(b, SCOPE, _policy());
        for (uint256 i = at; i < n; i++) b[i].mode = mode;
        verifier.validateProofs(b, SCOPE, _policy());
        vm.assertTrue(verifier.isNullifierUsed(address(this), SCOPE, 700 + n - 1), "a one-mode batch passes");
    }

    function test_batchRefusesANullifierUsedBefore() public {
        verifier.validateProof(_ip(ROOT, 402, 1, _today()), SCOPE, 1, _policy());
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.NullifierAlreadyUsed.selector, 402));
        verifier.validateProofs(_batch(4, 400), SCOPE, _policy());
        vm.expectRevert(IZkIdentityVerifier.EmptyBatch.selector);
        verifier.validateProofs(_batch(0, 400), SCOPE, _policy());
    }

    /// Every proof's root is checked even though the registry is asked once per run of equal (issuer, root).
    function testFuzz_batchChecksEveryRoot(uint256 mask, uint256 n) public {
        n = bound(n, 1, 12);
        mask = bound(mask, 0, (1 << n) - 1);
        IZkIdentityVerifier.IdentityProof[] memory b = _batch(n, 500);
        uint256 firstUnknown = n;
        for (uint256 i = 0; i < n; i++) {
            if (mask & (1 << i) != 0) {
                b[i].root = ROOT + 1; // never published
                if (firstUnknown == n) firstUnknown = i;
            }
        }
        if (firstUnknown < n) vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.UnknownRoot.selector, ROOT + 1));
        verifier.validateProofs(b, SCOPE, _policy());
    }

    function test_batchChecksEachProofsIssuer() public {
        uint32 b2 = _registerB();
        vm.prank(OPERATOR_B);
        registry.publishRoot(b2, ROOT + 9);
        IZkIdentityVerifier.IdentityProof[] memory b = _batch(3, 600);
        b[1].issuerAx = BX; // same root value, another issuer: B never published ROOT
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.UnknownRoot.selector, ROOT));
        verifier.validateProofs(b, SCOPE, _policy());
        b[1].root = ROOT + 9;
        verifier.validateProofs(b, SCOPE, _policy());
    }

    function testFuzz_valuesOutsideTheFieldRefused(uint256 v, uint256 which) public {
        v = bound(v, FIELD, type(uint256).max);
        which = bound(which, 0, 3);
        IZkIdentityVerifier.IdentityProof memory p = _ip(ROOT, 5, 1, _today());
        if (which == 0) p.nullifier = v;
        else if (which == 1) p.root = v;
        else if (which == 2) p.issuerAx = v;
        else p.message = v;
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.ValueOutOfField.selector, v));
        verifier.validateProof(p, SCOPE, p.message, _policy());
    }

    // ---- OnePersonBenefit

    function _benefit(uint256 funds) internal returns (OnePersonBenefit b) {
        b = new OnePersonBenefit(verifier, SCOPE, 1 ether, _policy());
        vm.deal(address(b), funds);
    }

    function testFuzz_claimManyPaysEachRecipientOnce(uint256 n) public {
        n = bound(n, 1, 12);
        OnePersonBenefit b = _benefit(n * 1 ether);
        IZkIdentityVerifier.IdentityProof[] memory proofs = _batch(n, 700);
        b.claimMany(proofs);
        for (uint256 i = 0; i < n; i++) vm.assertEq(address(uint160(0x1000 + i)).balance, 1 ether, "paid");
        vm.assertEq(address(b).balance, 0, "all paid out");
        vm.deal(address(b), n * 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.NullifierAlreadyUsed.selector, 700));
        b.claimMany(proofs);
    }

    function test_claimManyKeepsARefusedPaymentForItsRecipient() public {
        OnePersonBenefit b = _benefit(3 ether);
        Refuser refuser = new Refuser();
        IZkIdentityVerifier.IdentityProof[] memory proofs = _batch(2, 800);
        proofs[1].message = uint160(address(refuser));
        b.claimMany(proofs);
        vm.assertEq(address(uint160(0x1000)).balance, 1 ether, "first paid");
        vm.assertEq(b.owed(address(refuser)), 1 ether, "kept");
        vm.assertEq(b.totalOwed(), 1 ether, "total kept");
        // the kept amount is not available to other claims
        vm.expectRevert(abi.encodeWithSelector(IOnePersonBenefit.InsufficientFunds.selector, 2 ether, 1 ether));
        b.claimMany(_batch(2, 900));
        vm.expectRevert(abi.encodeWithSelector(IOnePersonBenefit.PaymentFailed.selector, address(refuser)));
        refuser.withdraw(b);
        refuser.setAccept(true);
        refuser.withdraw(b);
        vm.assertEq(address(refuser).balance, 1 ether, "withdrawn");
        vm.assertEq(b.totalOwed(), 0, "nothing kept");
        vm.expectRevert(abi.encodeWithSelector(IOnePersonBenefit.NothingOwed.selector, address(refuser)));
        refuser.withdraw(b);
    }

    function testFuzz_claimManyRefusesAMessageThatIsNoAddress(uint256 message, uint256 at) public {
        at = bound(at, 0, 3);
        vm.assume(message == 0 || message > type(uint160).max);
        OnePersonBenefit b = _benefit(4 ether);
        IZkIdentityVerifier.IdentityProof[] memory proofs = _batch(4, 1000);
        proofs[at].message = message;
        vm.expectRevert(abi.encodeWithSelector(IOnePersonBenefit.MessageNotAnAddress.selector, at, message));
        b.claimMany(proofs);
    }

    function test_claimChecksFundsAndRecipient() public {
        OnePersonBenefit b = _benefit(0.5 ether);
        IZkIdentityVerifier.IdentityProof memory p = _ip(ROOT, 1100, 0x1000, _today());
        vm.expectRevert(abi.encodeWithSelector(IOnePersonBenefit.InsufficientFunds.selector, 1 ether, 0.5 ether));
        b.claim(address(0x1000), p);
        vm.expectRevert(IOnePersonBenefit.ZeroRecipient.selector);
        b.claim(address(0), p);
        vm.deal(address(b), 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.MessageMismatch.selector, 0x2000, 0x1000));
        b.claim(address(0x2000), p);
        b.claim(address(0x1000), p);
        vm.assertEq(address(0x1000).balance, 1 ether, "paid");
    }

    // ---- identity outlives the chain: roots imported from finalized commitments

    function _leaf(uint32 id, uint256 root) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(id, root))));
    }

    /// A commitment whose identity root holds (issuerId, root) beside two other issuers' leaves.
    function _commit(MockCommitments sc, uint256 root, bool finalized) internal returns (uint256 index, bytes32[] memory proof) {
        bytes32[] memory leaves = new bytes32[](3);
        leaves[0] = _leaf(issuerId + 1, 0x111);
        leaves[1] = _leaf(issuerId, root);
        leaves[2] = _leaf(issuerId + 2, 0x222);
        index = sc.push(TestMerkle.root(leaves), finalized);
        proof = TestMerkle.proof(leaves, 1);
    }

    function _rollupRegistry() internal returns (IdentityRegistry r, MockCommitments sc) {
        sc = new MockCommitments();
        r = new IdentityRegistry(GOV, IStateCommitment(address(sc)));
        vm.prank(GOV);
        r.registerIssuer(OPERATOR, AX, AY, 1 days, "Civil Registry");
    }

    function test_importNeedsARollup() public {
        vm.expectRevert(IIdentityRegistry.NoStateCommitment.selector);
        registry.importRootFromCommitment(0, issuerId, ROOT, new bytes32[](0));
    }

    function testFuzz_importOnlyWhatTheLatestFinalizedCommitmentHolds(uint256 root, uint256 other) public {
        root = bound(root, 1, FIELD - 1);
        other = bound(other, 1, FIELD - 1);
        vm.assume(root != other);
        (IdentityRegistry r, MockCommitments sc) = _rollupRegistry();
        (uint256 c0, bytes32[] memory p0) = _commit(sc, root, false);
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.CommitmentNotFinalized.selector, c0));
        r.importRootFromCommitment(c0, issuerId, root, p0);
        sc.finalize(c0);
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.NotInIdentityRoot.selector, c0, issuerId, other));
        r.importRootFromCommitment(c0, issuerId, other, p0);
        vm.prank(GOV);
        uint32 b = r.registerIssuer(OPERATOR_B, BX, BY, 1 days, "Other Registry");
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.NotInIdentityRoot.selector, c0, b, root));
        r.importRootFromCommitment(c0, b, root, p0); // the leaf names its issuer
        (uint256 c1, bytes32[] memory p1) = _commit(sc, other, true);
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.NotLatestFinalizedCommitment.selector, c0, c1));
        r.importRootFromCommitment(c0, issuerId, root, p0); // an older commitment may hold revoked credentials
        r.importRootFromCommitment(c1, issuerId, other, p1);
        vm.assertEq(r.issuer(issuerId).currentRoot, other, "imported root is current");
        (bool imported, uint256 from) = r.importedFrom(issuerId, other);
        vm.assertTrue(imported && from == c1, "imported from c1");
        r.importRootFromCommitment(c1, issuerId, other, p1); // idempotent
    }

    /// A root imported from the latest finalized commitment never expires (after an exit that commitment is frozen);
    /// a root imported from an older one, or published, expires once superseded and its window passes.
    function testFuzz_latestFinalizedRootOutlivesItsWindow(uint256 elapsed, uint256 r1, uint256 r2, uint256 r3) public {
        elapsed = bound(elapsed, 1 days, 3650 days);
        r1 = bound(r1, 1, FIELD - 1);
        r2 = bound(r2, 1, FIELD - 1);
        r3 = bound(r3, 1, FIELD - 1);
        vm.assume(r1 != r2 && r2 != r3 && r1 != r3);
        (IdentityRegistry r, MockCommitments sc) = _rollupRegistry();
        _importNew(r, sc, r1);
        _importNew(r, sc, r2);
        // the issuer also publishes on L1 directly (e.g. after the exit): r2 is superseded but stays the final L2 root
        vm.prank(OPERATOR);
        r.publishRoot(issuerId, r3);
        vm.warp(block.timestamp + elapsed);
        vm.assertFalse(r.isRootFresh(issuerId, r1), "older import expired");
        vm.assertTrue(r.isRootFresh(issuerId, r2), "latest finalized import never expires");
        vm.assertTrue(r.isRootFresh(issuerId, r3), "current root");
        (, , , bool published, uint256 validUntil) = r.rootStatus(AX, r2);
        vm.assertTrue(published && validUntil == 0, "rootStatus agrees");
        // a newer finalized commitment moves the rule on: r2 then expires like any superseded root
        _importNew(r, sc, r3);
        vm.assertFalse(r.isRootFresh(issuerId, r2), "no longer the latest");
        // and a root the issuer replaced cannot come back through an import
        (uint256 c, bytes32[] memory p) = _commit(sc, r1, true);
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.RootAlreadyPublished.selector, issuerId, r1));
        r.importRootFromCommitment(c, issuerId, r1, p);
    }

    function _importNew(IdentityRegistry r, MockCommitments sc, uint256 root) internal {
        (uint256 c, bytes32[] memory p) = _commit(sc, root, true);
        r.importRootFromCommitment(c, issuerId, root, p);
    }

    function test_importChecksTheRootAndTheIssuer() public {
        (IdentityRegistry r, MockCommitments sc) = _rollupRegistry();
        (uint256 c0, bytes32[] memory p0) = _commit(sc, 0, true);
        vm.expectRevert(IIdentityRegistry.ZeroRoot.selector);
        r.importRootFromCommitment(c0, issuerId, 0, p0);
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.UnknownIssuer.selector, issuerId + 1));
        r.importRootFromCommitment(c0, issuerId + 1, 0x111, p0);
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
        uint256 today = _today();
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.UnknownRoot.selector, pending));
        verifier.validateProof(_ip(pending, 5, 1, today), SCOPE, 1, _policy());
        // A publishes its root all the same
        vm.prank(OPERATOR);
        registry.publishRoot(issuerId, pending);
        vm.assertTrue(registry.isRootFresh(issuerId, pending), "A's root now");
        vm.assertEq(registry.issuer(issuerId).currentRoot, pending, "A's current root");
        verifier.validateProof(_ip(pending, 5, 1, today), SCOPE, 1, _policy());
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
        uint256 today = _today();
        IZkIdentityVerifier.IdentityProof memory s = _ip(ROOT, 5, 1, today);
        s.issuerAx = BX;
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.UnknownRoot.selector, ROOT));
        verifier.validateProof(s, SCOPE, 1, _policy());
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
        uint256 today = _today();
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.IssuerKeyMismatch.selector, issuerId));
        verifier.validateProof(_sp(ROOT, 5, 1, today), SCOPE, 1, _policy());
        // a membership-mode proof does not use the key: the issuer's published root still authenticates it
        verifier.validateProof(_ip(ROOT, 4, 1, today), SCOPE, 1, _policy());
        // and nobody else may take the old key's x
        vm.prank(GOV);
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.PublicKeyTaken.selector, AX, issuerId));
        registry.registerIssuer(OPERATOR_B, AX, AY, 1 days, "Heir");
        // the issuer itself may rotate back
        vm.prank(GOV);
        registry.setIssuerKey(issuerId, AX, FIELD - AY);
        verifier.validateProof(_ip(ROOT, 5, 1, today), SCOPE, 1, _policy());
    }

    /// Registers issuer B and gives the four keys the issuer-state fuzz tests follow, with their y: A's, a third key
    /// for A ((-x, y) is on Baby Jubjub too), B's, and FIELD - BX, which stays nobody's.
    function _issuerFuzzSetup() private returns (uint32 b, uint256[4] memory xs, uint256[4] memory ys) {
        b = _registerB();
        xs = [AX, FIELD - AX, BX, FIELD - BX];
        ys = [AY, AY, BY, BY];
    }

    /// One random change of the issuers' state, chosen by `r` among the first `kinds` of: rotate issuer A's key among
    /// `xs[0..1]`, suspend or reactivate A, suspend or reactivate B, publish a new root of A, let up to 2 days pass,
    /// publish a new root of B. Returns the next unused root.
    function _randomIssuerChange(
        uint256 r,
        uint256 kinds,
        uint32 b,
        uint256[4] memory xs,
        uint256[4] memory ys,
        uint256 nextRoot
    ) private returns (uint256) {
        uint256 op = r % kinds;
        uint256 pick = (r >> 8) % 2;
        vm.startPrank(GOV);
        if (op == 0) registry.setIssuerKey(issuerId, xs[pick], ys[pick]);
        else if (op == 1) registry.setIssuerActive(issuerId, pick == 0);
        else if (op == 2) registry.setIssuerActive(b, pick == 0);
        vm.stopPrank();
        if (op == 3) {
            vm.prank(OPERATOR);
            registry.publishRoot(issuerId, nextRoot++);
        } else if (op == 4) {
            vm.warp(block.timestamp + ((r >> 8) % 2 days));
        } else if (op == 5) {
            vm.prank(OPERATOR_B);
            registry.publishRoot(b, nextRoot++);
        }
        return nextRoot;
    }

    /// The one-call root checks agree with `isRootFresh` of the key's issuer, for every key an issuer ever held and for
    /// unknown keys, whatever the order of suspensions, reactivations, rotations, new roots and elapsed time:
    /// membership mode's `isKeyRootFresh` (any key of the issuer) and signature mode's `isCurrentKeyRootFresh` (the
    /// issuer's current key only). Both read the live (current key, current root) pair first, so this also checks that
    /// every change of key, root or `active` flag keeps that pair right.
    function testFuzz_keyRootFreshFollowsIssuerState(uint256 seed) public {
        (uint32 b, uint256[4] memory xs, uint256[4] memory ys) = _issuerFuzzSetup();
        uint256 nextRoot = ROOT + 1;
        for (uint256 step = 0; step < 12; ++step) {
            nextRoot = _randomIssuerChange(uint256(keccak256(abi.encode(seed, step))), 5, b, xs, ys, nextRoot);
            for (uint256 k = 0; k < 4; ++k) {
                uint32 holder = registry.issuerOfKey(xs[k]);
                for (uint256 root = ROOT; root <= nextRoot; ++root) {
                    bool expected = holder != 0 && registry.isRootFresh(holder, root);
                    vm.assertEq(registry.isKeyRootFresh(xs[k], root), expected, "one-call check agrees");
                    bool keyCurrent = holder != 0 && registry.issuer(holder).pubKeyAx == xs[k];
                    vm.assertEq(
                        registry.isCurrentKeyRootFresh(xs[k], root),
                        expected && keyCurrent,
                        "signature-mode one-call check agrees"
                    );
                }
            }
        }
        vm.assertEq(uint256(registry.issuerOfKey(FIELD - BX)), 0, "never claimed");
    }

    /// The verifier accepts a proof's key and root exactly when the registry's full state says so, in either mode,
    /// whatever the order of rotations, suspensions, new roots of either issuer and elapsed time: membership mode for
    /// any key its issuer ever held, signature mode for the issuer's current key only. The one-slot fast path of the
    /// common case never lets more through.
    function testFuzz_verifierRootCheckFollowsIssuerState(uint256 seed) public {
        (uint32 b, uint256[4] memory xs, uint256[4] memory ys) = _issuerFuzzSetup();
        uint256 nextRoot = ROOT + 1;
        for (uint256 step = 0; step < 8; ++step) {
            nextRoot = _randomIssuerChange(uint256(keccak256(abi.encode(seed, step))), 6, b, xs, ys, nextRoot);
            _assertVerifierFollowsRegistry(xs, nextRoot);
        }
    }

    /// @dev For every key of `xs`, root below `nextRoot` and mode: the verifier's answer is the registry's full state.
    function _assertVerifierFollowsRegistry(uint256[4] memory xs, uint256 nextRoot) internal view {
        uint256 today = _today();
        for (uint256 k = 0; k < 4; ++k) {
            uint32 holder = registry.issuerOfKey(xs[k]);
            bool keyCurrent = holder != 0 && registry.issuer(holder).pubKeyAx == xs[k];
            for (uint256 root = ROOT; root < nextRoot; ++root) {
                bool fresh = holder != 0 && registry.isRootFresh(holder, root);
                for (uint8 mode = 0; mode < 2; ++mode) {
                    IZkIdentityVerifier.IdentityProof memory p = _ip(root, 5, 1, today);
                    p.issuerAx = xs[k];
                    p.mode = mode;
                    bool accepted;
                    try verifier.verifyProof(address(this), p, SCOPE, 1, _policy()) {
                        accepted = true;
                    } catch {
                        accepted = false;
                    }
                    vm.assertEq(accepted, fresh && (mode == 0 || keyCurrent), "verifier agrees with the registry");
                }
            }
        }
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
        uint256 today = _today();
        IZkIdentityVerifier.IdentityProof memory s = _ip(ROOT, 5, 1, today);
        s.issuerAx = BX;
        vm.expectRevert(abi.encodeWithSelector(IZkIdentityVerifier.UnknownIssuerKey.selector, BX));
        verifier.validateProof(s, SCOPE, 1, _policy());
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

    /// `toDays` accepts exactly the real calendar dates of 1970..9999: those whose day count maps back to the same
    /// (year, month, day) through the civil-from-days algorithm (the round trip it used to run on every call).
    function testFuzz_toDaysAcceptsExactlyRealDates(uint256 y, uint256 m, uint256 d) public view {
        y = bound(y, 1960, 10_010);
        m = bound(m, 0, 13);
        d = bound(d, 0, 32);
        (uint256 days_, bool valid) = dates.toDays(y * 10000 + m * 100 + d);
        bool real = false;
        if (y >= 1970 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
            (uint256 y2, uint256 m2, uint256 d2) = DateLib.civilFromDays(DateLib.daysFromCivil(y, m, d));
            real = y2 == y && m2 == m && d2 == d;
        }
        vm.assertEq(valid, real, "valid exactly for real dates");
        if (valid) vm.assertEq(days_, DateLib.daysFromCivil(y, m, d), "day count");
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

/// @dev A recipient that refuses payments until told otherwise.
contract Refuser {
    bool public accept;

    function setAccept(bool a) external {
        accept = a;
    }

    function withdraw(IOnePersonBenefit b) external {
        b.withdrawOwed();
    }

    receive() external payable {
        require(accept, "refused");
    }
}
