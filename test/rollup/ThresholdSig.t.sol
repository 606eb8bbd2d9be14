// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {RollupFixture} from "./RollupFixture.sol";
import {IStateCommitment} from "../../contracts/rollup/IStateCommitment.sol";
import {ThresholdSig} from "../../contracts/libraries/ThresholdSig.sol";
import {ExitController} from "../../contracts/rollup/ExitController.sol";
import {IExitController} from "../../contracts/rollup/IExitController.sol";
import {CouncilTimelock} from "../../contracts/rollup/CouncilTimelock.sol";
import {StateCommitment} from "../../contracts/rollup/StateCommitment.sol";
import {RawDigestWallet} from "../mocks/RawDigestWallet.sol";

/// @notice Exposes the library over an arbitrary member set.
contract ThresholdSigHarness {
    mapping(address => bool) internal isMember;
    uint256 public threshold;

    constructor(address[] memory members, uint256 threshold_) {
        for (uint256 i = 0; i < members.length; ++i) isMember[members[i]] = true;
        threshold = threshold_;
    }

    function verify(bytes32 digest, ThresholdSig.Signature[] calldata sigs) external view {
        ThresholdSig.verify(digest, sigs, threshold, isMember);
    }

    function checkDeadline(uint256 deadline) external view {
        ThresholdSig.checkDeadline(deadline);
    }
}

/// @notice Rule 8: signatures cannot be replayed across chains, contracts or nonces; duplicate, unsorted,
///         high-s and expired signatures are rejected.
contract ThresholdSigTest is RollupFixture {
    function _exitSigs(
        uint256 nonce,
        uint256 deadline,
        uint256 mask
    ) private view returns (ThresholdSig.Signature[] memory) {
        return councilSigs(msig, ec.triggerExitDigest("r", nonce, deadline), mask);
    }

    function _mask(uint8 m) private pure returns (uint256) {
        uint256 mask = m & 0x1f;
        // at least the threshold
        for (uint256 i = 0; popcount(mask) < COUNCIL_THRESHOLD; ++i) mask |= 1 << i;
        return mask;
    }

    function testFuzz_rejectsReplayAcrossChains(uint64 otherChain, uint8 m) external {
        vm.assume(otherChain != block.chainid && otherChain != 0);
        uint256 deadline = block.timestamp + 1 hours;
        ThresholdSig.Signature[] memory sigs = _exitSigs(1, deadline, _mask(m));
        vm.chainId(otherChain);
        vm.expectRevert(abi.encodeWithSelector(ThresholdSig.InvalidSignature.selector, sigs[0].signer));
        ec.triggerExit("r", 1, deadline, sigs);
        vm.chainId(31337);
        ec.triggerExit("r", 1, deadline, sigs);
        vm.assertTrue(ec.inExit(), "valid on the signed chain");
    }

    function testFuzz_rejectsReplayAcrossContracts(uint8 m, uint256 salt) external {
        uint256 deadline = block.timestamp + 1 hours;
        // the same council and references, a different controller (address): the digest's domain differs
        salt;
        ExitController other = new ExitController(councilMembers, COUNCIL_THRESHOLD, slaConfig, inbox, sc, timelock);
        ThresholdSig.Signature[] memory sigs = _exitSigs(1, deadline, _mask(m));
        vm.expectRevert(abi.encodeWithSelector(ThresholdSig.InvalidSignature.selector, sigs[0].signer));
        other.triggerExit("r", 1, deadline, sigs);
        vm.assertFalse(other.inExit(), "other");
    }

    function testFuzz_rejectsReplayAcrossNonces(uint256 nonce, uint256 otherNonce, uint8 m) external {
        vm.assume(nonce != otherNonce);
        uint256 deadline = block.timestamp + 1 hours;
        // schedule (not exit) so the controller stays usable after the first use
        IExitController.Operation memory op = operation(
            address(timelock),
            abi.encodeCall(CouncilTimelock.updateDelay, (2 hours))
        );
        ThresholdSig.Signature[] memory sigs = councilSigs(msig, ec.scheduleDigest(op, nonce, deadline), _mask(m));
        ec.schedule(op, nonce, deadline, sigs);
        vm.assertTrue(ec.nonceUsed(nonce), "nonce used");
        vm.expectRevert(abi.encodeWithSelector(IExitController.NonceUsed.selector, nonce));
        ec.schedule(op, nonce, deadline, sigs);
        vm.expectRevert(abi.encodeWithSelector(ThresholdSig.InvalidSignature.selector, sigs[0].signer));
        ec.schedule(op, otherNonce, deadline, sigs);
    }

    /// @dev Different action types share the nonce space but never a digest: an exit signature is not a veto or schedule.
    function testFuzz_rejectsCrossTypeReplay(uint256 nonce, uint8 m) external {
        uint256 deadline = block.timestamp + 1 hours;
        ThresholdSig.Signature[] memory sigs = _exitSigs(nonce, deadline, _mask(m));
        IExitController.Operation memory op = operation(address(timelock), "");
        vm.expectRevert(abi.encodeWithSelector(ThresholdSig.InvalidSignature.selector, sigs[0].signer));
        ec.schedule(op, nonce, deadline, sigs);
    }

    function testFuzz_rejectsDuplicateSigner(uint8 m, uint8 dupSeed) external {
        uint256 deadline = block.timestamp + 1 hours;
        ThresholdSig.Signature[] memory base = _exitSigs(1, deadline, _mask(m));
        uint256 d = bound(dupSeed, 0, base.length - 1);
        ThresholdSig.Signature[] memory sigs = new ThresholdSig.Signature[](base.length + 1);
        for (uint256 i = 0; i <= d; ++i) sigs[i] = base[i];
        sigs[d + 1] = base[d]; // the same member again, right after itself
        for (uint256 i = d + 1; i < base.length; ++i) sigs[i + 1] = base[i];
        vm.expectRevert(abi.encodeWithSelector(ThresholdSig.SignersNotAscending.selector, d + 1));
        ec.triggerExit("r", 1, deadline, sigs);
    }

    function testFuzz_rejectsUnsorted(uint8 m, uint8 aSeed, uint8 bSeed) external {
        uint256 deadline = block.timestamp + 1 hours;
        ThresholdSig.Signature[] memory sigs = _exitSigs(1, deadline, _mask(m));
        uint256 a = bound(aSeed, 0, sigs.length - 1);
        uint256 b = bound(bSeed, 0, sigs.length - 1);
        vm.assume(a != b);
        if (a > b) (a, b) = (b, a);
        (sigs[a], sigs[b]) = (sigs[b], sigs[a]);
        // the first out-of-order position is a + 1 (or b if they are adjacent)
        vm.expectRevert(abi.encodeWithSelector(ThresholdSig.SignersNotAscending.selector, a + 1));
        ec.triggerExit("r", 1, deadline, sigs);
    }

    /// @dev A high-s twin still ecrecovers to the member, yet is rejected.
    function testFuzz_rejectsHighS(uint8 m, uint8 victimSeed) external {
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 digest = ec.triggerExitDigest("r", 1, deadline);
        ThresholdSig.Signature[] memory sigs = councilSigs(msig, digest, _mask(m));
        uint256 v = bound(victimSeed, 0, sigs.length - 1);
        if (sigs[v].signer == address(msig)) v = v == 0 ? 1 : v - 1; // pick an EOA
        bytes memory twin = malleate(sigs[v].signature);
        (bytes32 r, bytes32 s, uint8 vv) = _split(twin);
        vm.assertEq(ecrecover(digest, vv, r, s), sigs[v].signer, "twin recovers to the member");
        vm.assertGt(uint256(s), SECP256K1_N / 2, "twin is high-s");
        sigs[v].signature = twin;
        vm.expectRevert(abi.encodeWithSelector(ThresholdSig.InvalidSignature.selector, sigs[v].signer));
        ec.triggerExit("r", 1, deadline, sigs);
    }

    function testFuzz_rejectsExpired(uint32 deadlineAgo, uint32 slack) external {
        uint256 now_ = block.timestamp;
        bool expired = deadlineAgo % 2 == 0;
        uint256 deadline = expired ? now_ - bound(deadlineAgo, 1, 365 days) : now_ + bound(slack, 0, 365 days);
        ThresholdSig.Signature[] memory sigs = _exitSigs(1, deadline, 0x7);
        if (expired) vm.expectRevert(abi.encodeWithSelector(ThresholdSig.SignatureExpired.selector, deadline, now_));
        ec.triggerExit("r", 1, deadline, sigs);
        vm.assertEq(ec.inExit(), !expired, "inExit");
    }

    function testFuzz_commitRejectsExpired(uint32 late) external {
        appendBatch("a");
        IStateCommitment.CommitmentData memory c = commitmentData(0, bytes32(0));
        uint256 deadline = block.timestamp + 1 hours;
        ThresholdSig.Signature[] memory sigs = validatorSigs(sc.commitmentDigest(c, deadline), 0x7);
        uint256 t = deadline + bound(late, 1, 30 days);
        vm.warp(t);
        vm.expectRevert(abi.encodeWithSelector(ThresholdSig.SignatureExpired.selector, deadline, t));
        sc.commit(c, deadline, sigs);
    }

    /// @dev Validator signatures bind the committee epoch: after a committee change (even to the same keys), old signatures fail.
    function testFuzz_commitRejectsReplayAcrossEpochs(uint8 m) external {
        appendBatch("a");
        IStateCommitment.CommitmentData memory c = commitmentData(0, bytes32(0));
        uint256 deadline = block.timestamp + 1 hours;
        uint256 mask = (m & 0xf) | 0x7;
        ThresholdSig.Signature[] memory sigs = validatorSigs(sc.commitmentDigest(c, deadline), mask);
        vm.prank(address(timelock));
        sc.setValidators(validatorMembers, VALIDATOR_THRESHOLD);
        vm.expectRevert(abi.encodeWithSelector(ThresholdSig.InvalidSignature.selector, sigs[0].signer));
        sc.commit(c, deadline, sigs);
        sc.commit(c, deadline, validatorSigs(sc.commitmentDigest(c, deadline), mask));
        vm.assertEq(sc.count(), 1, "fresh signatures accepted");
    }

    /// @dev Library over arbitrary key sets: verify passes iff >= threshold sorted, distinct, valid member signatures.
    function testFuzz_libraryOverRandomSets(
        uint8 nSeed,
        uint8 tSeed,
        uint16 signMask,
        uint8 corruptSeed,
        bytes32 digest
    ) external {
        uint256 n = bound(nSeed, 1, 10);
        uint256 threshold = bound(tSeed, 1, n);
        address[] memory members = new address[](n);
        for (uint256 i = 0; i < n; ++i) members[i] = vm.addr(0xBEEF00 + i);
        ThresholdSigHarness h = new ThresholdSigHarness(members, threshold);
        uint256 mask = signMask & ((1 << n) - 1);
        uint256 k = popcount(mask);
        ThresholdSig.Signature[] memory sigs = new ThresholdSig.Signature[](k);
        uint256 j;
        for (uint256 i = 0; i < n; ++i) {
            if (mask & (1 << i) != 0) sigs[j++] = ThresholdSig.Signature(members[i], ecdsa(0xBEEF00 + i, digest));
        }
        sigs = sortSigs(sigs);
        bool corrupt = k > 0 && corruptSeed % 3 == 0;
        uint256 c = k == 0 ? 0 : bound(corruptSeed, 0, k - 1);
        if (corrupt) sigs[c].signature = ecdsa(0xBAD, digest);
        if (k < threshold) {
            vm.expectRevert(abi.encodeWithSelector(ThresholdSig.NotEnoughSignatures.selector, k, threshold));
        } else if (corrupt) {
            vm.expectRevert(abi.encodeWithSelector(ThresholdSig.InvalidSignature.selector, sigs[c].signer));
        }
        h.verify(digest, sigs);
    }

    // ------------------------------------------------------------------ contract signer double count (finding 6)

    /// @dev A council of the fixture's 5 members plus a raw-digest wallet owned by `owner`, threshold 4 of 6.
    function _councilWithWallet(address owner) private returns (ExitController c, RawDigestWallet w) {
        w = new RawDigestWallet(owner);
        address[] memory members = new address[](COUNCIL_SIZE + 1);
        for (uint256 i = 0; i < COUNCIL_SIZE; ++i) members[i] = councilMembers[i];
        members[COUNCIL_SIZE] = address(w);
        c = new ExitController(members, 4, slaConfig, inbox, sc, timelock);
    }

    /// @dev Council EOAs 0..2 plus `extra` signing `digest`, sorted.
    function _threePlus(bytes32 digest, ThresholdSig.Signature memory extra)
        private
        pure
        returns (ThresholdSig.Signature[] memory sigs)
    {
        sigs = new ThresholdSig.Signature[](4);
        for (uint256 i = 0; i < 3; ++i) sigs[i] = ThresholdSig.Signature(vm.addr(councilPk(i)), ecdsa(councilPk(i), digest));
        sigs[3] = extra;
        return sortSigs(sigs);
    }

    /// @dev Member 0's key signs once as itself and once through the wallet it owns: refused, so one key cannot
    ///      count twice. On the old library the wallet's ERC-1271 check passed and 3 keys met a threshold of 4.
    function test_contractSignerAcceptingAnotherMembersKeyIsRefused() external {
        address owner0 = vm.addr(councilPk(0));
        (ExitController c, RawDigestWallet w) = _councilWithWallet(owner0);
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 d = c.triggerExitDigest("double", 1, deadline);
        // the wallet really does accept this signature on its own
        vm.assertEq(w.isValidSignature(d, ecdsa(councilPk(0), d)), bytes4(0x1626ba7e), "wallet accepts owner sig");
        ThresholdSig.Signature[] memory sigs = _threePlus(d, ThresholdSig.Signature(address(w), ecdsa(councilPk(0), d)));
        vm.expectRevert(
            abi.encodeWithSelector(ThresholdSig.SignerControlsAnotherMember.selector, address(w), owner0)
        );
        c.triggerExit("double", 1, deadline, sigs);
        vm.assertFalse(c.inExit(), "double count let the exit through");

        // the Safe-like multisig (whose signature is not a plain member signature) still counts
        c.triggerExit("double", 1, deadline, _threePlus(d, councilSig(msig, COUNCIL_EOAS, d)));
        vm.assertTrue(c.inExit(), "multisig counted");
    }

    /// @dev The same wallet owned by a key that is not a council member is an ordinary contract signer and counts.
    function test_contractSignerOwnedByOutsiderCounts() external {
        uint256 outsiderPk = 0x0075_1DE5;
        (ExitController c, RawDigestWallet w) = _councilWithWallet(vm.addr(outsiderPk));
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 d = c.triggerExitDigest("ok", 1, deadline);
        c.triggerExit("ok", 1, deadline, _threePlus(d, ThresholdSig.Signature(address(w), ecdsa(outsiderPk, d))));
        vm.assertTrue(c.inExit(), "wallet counted");
    }

    /// @dev The library directly: a 2-of-2 set {key, wallet(key)} cannot be satisfied by the one key.
    function testFuzz_libraryRefusesWalletOfAnotherMember(bytes32 digest, uint256 pkSeed) external {
        uint256 pk = bound(pkSeed, 1, 1e40);
        address key = vm.addr(pk);
        RawDigestWallet w = new RawDigestWallet(key);
        address[] memory members = new address[](2);
        members[0] = key;
        members[1] = address(w);
        ThresholdSigHarness h = new ThresholdSigHarness(members, 2);
        ThresholdSig.Signature[] memory sigs = new ThresholdSig.Signature[](2);
        sigs[0] = ThresholdSig.Signature(key, ecdsa(pk, digest));
        sigs[1] = ThresholdSig.Signature(address(w), ecdsa(pk, digest));
        sigs = sortSigs(sigs);
        vm.expectRevert(abi.encodeWithSelector(ThresholdSig.SignerControlsAnotherMember.selector, address(w), key));
        h.verify(digest, sigs);
    }

    /// @dev The high-s twin of the owner's signature (rejected by OpenZeppelin's ECDSA, accepted by a raw-ecrecover
    ///      wallet) must not sneak the owner's key in twice either.
    function testFuzz_highSTwinOfMemberSignatureRefused(bytes32 digest, uint256 pkSeed) external {
        uint256 pk = bound(pkSeed, 1, 1e40);
        address key = vm.addr(pk);
        RawDigestWallet w = new RawDigestWallet(key);
        address[] memory members = new address[](2);
        members[0] = key;
        members[1] = address(w);
        ThresholdSigHarness h = new ThresholdSigHarness(members, 2);
        bytes memory twin = malleate(ecdsa(pk, digest));
        vm.assertEq(w.isValidSignature(digest, twin), bytes4(0x1626ba7e), "the wallet accepts the high-s twin");
        ThresholdSig.Signature[] memory sigs = new ThresholdSig.Signature[](2);
        sigs[0] = ThresholdSig.Signature(key, ecdsa(pk, digest));
        sigs[1] = ThresholdSig.Signature(address(w), twin);
        sigs = sortSigs(sigs);
        vm.expectRevert(abi.encodeWithSelector(ThresholdSig.SignerControlsAnotherMember.selector, address(w), key));
        h.verify(digest, sigs);
    }

    function _split(bytes memory sig) private pure returns (bytes32 r, bytes32 s, uint8 v) {
        assembly {
            r := mload(add(sig, 32))
            s := mload(add(sig, 64))
            v := byte(0, mload(add(sig, 96)))
        }
    }
}
