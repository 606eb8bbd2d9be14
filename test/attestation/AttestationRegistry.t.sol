// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TestBase} from "../lib/TestBase.sol";
import {AttestationRegistry} from "../../contracts/attestation/AttestationRegistry.sol";
import {AttestationSchemaRegistry} from "../../contracts/attestation/AttestationSchemaRegistry.sol";
import {IAttestationRegistry} from "../../contracts/attestation/IAttestationRegistry.sol";
import {IAttestationSchemaRegistry} from "../../contracts/attestation/IAttestationSchemaRegistry.sol";
import {
    AttestationRequest,
    AttestationRecord,
    DataLocation,
    Delegation,
    SchemaDefinition
} from "../../contracts/interfaces/AttestationTypes.sol";
import {MockAttestationHook} from "../mocks/MockAttestationHook.sol";
import {AttestationMockSafe} from "../mocks/AttestationMockSafe.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

contract AttestationRegistryTest is TestBase {
    AttestationSchemaRegistry internal schemas;
    AttestationRegistry internal reg;
    bytes32 internal openSchema;
    uint256 internal constant START = 1_700_000_000;

    function setUp() public {
        vm.warp(START);
        schemas = new AttestationSchemaRegistry();
        reg = new AttestationRegistry(schemas);
        openSchema = _schema("bytes32 payload", address(0), true, 0);
    }

    function _schema(string memory def, address hook, bool revocable, uint32 maxValidity) internal returns (bytes32) {
        return
            schemas.register(SchemaDefinition(def, hook, revocable, maxValidity, DataLocation.OnChain, ""), "n", "d");
    }

    function _req(bytes32 schema, uint64 expiry, bytes32 payload) internal pure returns (AttestationRequest memory r) {
        r.schema = schema;
        r.subject = abi.encodePacked(address(0xBEEF));
        r.expirationTime = expiry;
        r.data = abi.encode(payload);
    }

    // ---- schemas ----

    function test_schemaDuplicateFails() public {
        SchemaDefinition memory d = SchemaDefinition("bytes32 payload", address(0), true, 0, DataLocation.OnChain, "");
        bytes32 uid = schemas.schemaUid(d);
        vm.assertEq(uid, openSchema, "id derives from content");
        vm.expectRevert(abi.encodeWithSelector(IAttestationSchemaRegistry.SchemaAlreadyRegistered.selector, uid));
        schemas.register(d, "other name", "other description");
    }

    function test_schemaOffchainNeedsReference() public {
        vm.expectRevert(IAttestationSchemaRegistry.InvalidDataReference.selector);
        schemas.register(SchemaDefinition("bytes32 h", address(0), true, 0, DataLocation.OffChain, ""), "n", "d");
        bytes32 id = schemas.register(
            SchemaDefinition("bytes32 h", address(0), true, 0, DataLocation.OffChain, "ipfs://bafy"),
            "n",
            "d"
        );
        vm.assertTrue(schemas.getSchema(id).location == DataLocation.OffChain, "location stored");
    }

    // ---- attest / revoke ----

    function test_attestStoresRecordAndIsValid() public {
        bytes32 uid = reg.attest(_req(openSchema, 0, bytes32(uint256(1))));
        AttestationRecord memory rec = reg.getAttestation(uid);
        vm.assertEq(rec.attester, address(this), "attester");
        vm.assertEq(uint256(rec.time), START, "time");
        vm.assertEq(rec.schema, openSchema, "schema");
        vm.assertTrue(reg.isValid(uid), "valid");
        vm.assertFalse(reg.isValid(bytes32(uint256(123))), "unknown is not valid");
    }

    function test_unknownSchemaFails() public {
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.UnknownSchema.selector, bytes32(uint256(7))));
        reg.attest(_req(bytes32(uint256(7)), 0, 0));
    }

    function test_refUIDMustExist() public {
        AttestationRequest memory r = _req(openSchema, 0, 0);
        r.refUID = bytes32(uint256(42));
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.UnknownReference.selector, r.refUID));
        reg.attest(r);
        r.refUID = reg.attest(_req(openSchema, 0, bytes32(uint256(9))));
        reg.attest(r);
    }

    function test_expiredIsNotValid() public {
        bytes32 uid = reg.attest(_req(openSchema, uint64(START + 100), 0));
        vm.assertTrue(reg.isValid(uid), "valid before expiry");
        vm.warp(START + 100);
        vm.assertFalse(reg.isValid(uid), "invalid at expiry");
    }

    function test_revokeAndMultiRevoke() public {
        bytes32 a = reg.attest(_req(openSchema, 0, bytes32(uint256(1))));
        bytes32 b = reg.attest(_req(openSchema, 0, bytes32(uint256(2))));
        bytes32 c = reg.attest(_req(openSchema, 0, bytes32(uint256(3))));
        vm.prank(address(0xBAD));
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.NotAttester.selector, a, address(0xBAD)));
        reg.revoke(a, "");
        reg.revoke(a, "");
        vm.assertFalse(reg.isValid(a), "revoked");
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.AlreadyRevoked.selector, a));
        reg.revoke(a, "");
        bytes32[] memory uids = new bytes32[](2);
        uids[0] = b;
        uids[1] = c;
        reg.multiRevoke(uids);
        vm.assertFalse(reg.isValid(b) || reg.isValid(c), "batch revoked");
    }

    function test_irrevocableSchema() public {
        bytes32 s = _schema("bytes32 payload", address(0), false, 0);
        bytes32 uid = reg.attest(_req(s, 0, 0));
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.NotRevocable.selector, uid));
        reg.revoke(uid, "");
    }

    function test_multiAttestAcrossSchemas() public {
        bytes32 other = _schema("uint256 n", address(0), true, 1 days);
        AttestationRequest[] memory rs = new AttestationRequest[](3);
        rs[0] = _req(openSchema, 0, bytes32(uint256(1)));
        rs[1] = _req(other, uint64(START + 1 hours), bytes32(uint256(2)));
        rs[2] = _req(openSchema, 0, bytes32(uint256(3)));
        bytes32[] memory uids = reg.multiAttest(rs);
        vm.assertEq(reg.getAttestation(uids[1]).schema, other, "second schema");
        vm.assertTrue(reg.isValid(uids[0]) && reg.isValid(uids[1]) && reg.isValid(uids[2]), "all valid");
    }

    function test_duplicateInSameSecondFails() public {
        bytes32 uid = reg.attest(_req(openSchema, 0, 0));
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.AttestationExists.selector, uid));
        reg.attest(_req(openSchema, 0, 0));
    }

    // ---- (F) expiry: only named errors, never a panic ----

    function testFuzz_expiryNamedErrorsOnly(uint64 expiry, uint32 maxValidity, uint40 now_) public {
        now_ = uint40(bound(now_, 1, type(uint40).max));
        vm.warp(now_);
        bytes32 s = _schema("bytes32 fuzzed", address(0), true, maxValidity);
        try reg.attest(_req(s, expiry, 0)) returns (bytes32 uid) {
            if (maxValidity != 0) vm.assertTrue(expiry != 0, "bounded schema needs an expiry");
            if (expiry != 0) {
                vm.assertGt(expiry, now_, "expiry in the future");
                if (maxValidity != 0) vm.assertLe(expiry - now_, maxValidity, "within max validity");
            }
            vm.assertTrue(reg.isValid(uid), "fresh attestation is valid");
        } catch (bytes memory reason) {
            bytes4 sel = bytes4(reason);
            vm.assertTrue(
                sel == IAttestationRegistry.ExpirationRequired.selector ||
                    sel == IAttestationRegistry.ExpirationInPast.selector ||
                    sel == IAttestationRegistry.ExpirationTooLarge.selector ||
                    sel == IAttestationRegistry.ExceedsMaxValidity.selector,
                "only named expiry errors"
            );
        }
    }

    // ---- (F) issuer-epoch revocation ----

    function testFuzz_epochRevocation(uint32 gap1, uint32 gap2, uint64 cut) public {
        uint256 t1 = START + uint256(gap1);
        uint256 t2 = t1 + uint256(bound(gap2, 1, type(uint32).max));
        vm.warp(t1);
        bytes32 a = reg.attest(_req(openSchema, 0, bytes32(uint256(1))));
        bytes32 other = _schema("uint8 x", address(0), true, 0);
        bytes32 o = reg.attest(_req(other, 0, bytes32(uint256(1))));
        vm.prank(address(0xCAFE));
        bytes32 foreign = reg.attest(_req(openSchema, 0, bytes32(uint256(1))));
        vm.warp(t2);
        bytes32 b = reg.attest(_req(openSchema, 0, bytes32(uint256(2))));
        cut = uint64(bound(cut, 1, t2));
        reg.revokeIssuedBefore(openSchema, cut);
        vm.assertEq(uint256(reg.revokedBefore(address(this), openSchema)), cut, "epoch stored");
        vm.assertEq(reg.isValid(a), t1 >= cut, "a follows the cut");
        vm.assertEq(reg.isValid(b), t2 >= cut, "b follows the cut");
        vm.assertTrue(reg.isValid(o), "other schema untouched");
        vm.assertTrue(reg.isValid(foreign), "other issuer untouched");
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.EpochNotIncreasing.selector, cut, cut));
        reg.revokeIssuedBefore(openSchema, cut);
    }

    function test_epochCannotReachFuture() public {
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.EpochInFuture.selector, uint64(START + 1), START));
        reg.revokeIssuedBefore(openSchema, uint64(START + 1));
    }

    // ---- (F) delegation: signer recorded, no replay across nonces, deployments or chains ----

    function _delegation(
        AttestationRegistry target,
        uint256 pk,
        AttestationRequest memory r,
        uint256 nonce
    ) internal view returns (Delegation memory d) {
        d.signer = vm.addr(pk);
        d.nonce = nonce;
        d.deadline = uint64(block.timestamp + 1 hours);
        bytes32 digest = this.digestOf(target, r, d.signer, nonce, d.deadline);
        (uint8 v, bytes32 rr, bytes32 s) = vm.sign(pk, digest);
        d.signature = abi.encodePacked(rr, s, v);
    }

    function digestOf(
        AttestationRegistry target,
        AttestationRequest calldata r,
        address signer,
        uint256 nonce,
        uint64 deadline
    ) external view returns (bytes32) {
        return target.attestDigest(r, signer, nonce, deadline);
    }

    function testFuzz_delegationNoReplay(uint256 pkSeed, uint64 otherChain, bytes32 payload) public {
        uint256 pk = bound(pkSeed, 1, 1e70);
        otherChain = uint64(bound(otherChain, 1, type(uint64).max));
        vm.assume(otherChain != block.chainid);
        AttestationRequest memory r = _req(openSchema, 0, payload);
        Delegation memory d = _delegation(reg, pk, r, 0);
        // another deployment (same schema registry) rejects it
        AttestationRegistry other = new AttestationRegistry(schemas);
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.BadSignature.selector, d.signer));
        other.attestBySig(r, d);
        // another chain rejects it
        uint256 home = block.chainid;
        vm.chainId(otherChain);
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.BadSignature.selector, d.signer));
        reg.attestBySig(r, d);
        vm.chainId(home);
        // the home deployment accepts it once, recording the signer, not the relayer
        vm.prank(address(0x5E1A));
        bytes32 uid = reg.attestBySig(r, d);
        vm.assertEq(reg.getAttestation(uid).attester, d.signer, "signer recorded");
        vm.warp(block.timestamp + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IAttestationRegistry.InvalidAccountNonce.selector, d.signer, uint256(1))
        );
        reg.attestBySig(r, d);
    }

    function test_delegationDeadline() public {
        AttestationRequest memory r = _req(openSchema, 0, 0);
        Delegation memory d = _delegation(reg, 0xA11CE, r, 0);
        vm.warp(d.deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.SignatureExpired.selector, d.deadline));
        reg.attestBySig(r, d);
    }

    function test_delegatedRevokeBySignature() public {
        uint256 pk = 0xB0B;
        AttestationRequest memory r = _req(openSchema, 0, 0);
        bytes32 uid = reg.attestBySig(r, _delegation(reg, pk, r, 0));
        Delegation memory d;
        d.signer = vm.addr(pk);
        d.nonce = 1;
        d.deadline = uint64(block.timestamp + 60);
        (uint8 v, bytes32 rr, bytes32 s) = vm.sign(pk, reg.revokeDigest(uid, d.signer, 1, d.deadline));
        d.signature = abi.encodePacked(rr, s, v);
        reg.revokeBySig(uid, d);
        vm.assertFalse(reg.isValid(uid), "revoked by signature");
    }

    function test_erc1271IssuerDelegation() public {
        uint256 pk1 = 0x1111;
        uint256 pk2 = 0x2222;
        address[] memory owners = new address[](2);
        owners[0] = vm.addr(pk1);
        owners[1] = vm.addr(pk2);
        AttestationMockSafe safe = new AttestationMockSafe(owners, 2);
        AttestationRequest memory r = _req(openSchema, 0, bytes32(uint256(77)));
        Delegation memory d;
        d.signer = address(safe);
        d.deadline = uint64(block.timestamp + 60);
        bytes32 digest = MessageHashUtils.toEthSignedMessageHash(this.digestOf(reg, r, d.signer, 0, d.deadline));
        (uint256 lo, uint256 hi) = owners[0] < owners[1] ? (pk1, pk2) : (pk2, pk1);
        (uint8 v1, bytes32 r1, bytes32 s1) = vm.sign(lo, digest);
        (uint8 v2, bytes32 r2, bytes32 s2) = vm.sign(hi, digest);
        d.signature = abi.encodePacked(r1, s1, v1, r2, s2, v2);
        bytes32 uid = reg.attestBySig(r, d);
        vm.assertEq(reg.getAttestation(uid).attester, address(safe), "the Safe is the attester");
        // one owner alone is not enough
        d.nonce = 1;
        d.signature = abi.encodePacked(r1, s1, v1);
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.BadSignature.selector, address(safe)));
        reg.attestBySig(r, d);
    }

    // ---- (F) regression: the delegated signature covers hookData (a relayer cannot swap a proof or payment) ----

    function test_delegatedHookDataSwapRefused() public {
        MockAttestationHook hook = new MockAttestationHook();
        bytes32 s = _schema("bytes32 payload", address(hook), true, 0);
        // the hook accepts any hookData here: only the signature can stop a swap
        hook.configure(0, true, bytes32(0), false, reg);
        uint256 pk = 0xD00D;
        AttestationRequest memory r = _req(s, 0, bytes32(uint256(5)));
        r.hookData = "issuer's proof";
        Delegation memory d = _delegation(reg, pk, r, 0);
        AttestationRequest memory swapped = _req(s, 0, bytes32(uint256(5)));
        swapped.hookData = "relayer's proof";
        vm.prank(address(0x5E1A));
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.BadSignature.selector, d.signer));
        reg.attestBySig(swapped, d);
        vm.assertEq(hook.attestCalls(), 0, "hook never saw the swapped data");
        vm.prank(address(0x5E1A));
        bytes32 uid = reg.attestBySig(r, d);
        vm.assertEq(reg.getAttestation(uid).attester, d.signer, "honest relay accepted");
        vm.assertEq(hook.attestCalls(), 1, "hook called once");
    }

    function testFuzz_delegatedHookDataBound(bytes memory signed, bytes memory relayed) public {
        vm.assume(keccak256(signed) != keccak256(relayed));
        MockAttestationHook hook = new MockAttestationHook();
        bytes32 s = _schema("bytes32 payload", address(hook), true, 0);
        AttestationRequest memory r = _req(s, 0, keccak256(signed));
        r.hookData = signed;
        Delegation memory d = _delegation(reg, 0xF00D, r, 0);
        r.hookData = relayed;
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.BadSignature.selector, d.signer));
        reg.attestBySig(r, d);
        r.hookData = signed;
        reg.attestBySig(r, d);
        vm.assertEq(reg.nonces(d.signer), 1, "nonce used once");
    }

    // ---- (F) regression: an attester can cancel outstanding delegated signatures without using them ----

    function test_increaseNonceCancelsSignedDelegation() public {
        uint256 pk = 0xCA11;
        address signer = vm.addr(pk);
        AttestationRequest memory r = _req(openSchema, 0, bytes32(uint256(8)));
        Delegation memory d0 = _delegation(reg, pk, r, 0);
        Delegation memory d1 = _delegation(reg, pk, r, 1);
        Delegation memory d2 = _delegation(reg, pk, r, 2);
        vm.expectEmit();
        emit IAttestationRegistry.NonceIncreased(signer, 0, 2);
        vm.prank(signer);
        reg.increaseNonce(2);
        vm.assertEq(reg.nonces(signer), 2, "nonce moved");
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.InvalidAccountNonce.selector, signer, uint256(2)));
        reg.attestBySig(r, d0);
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.InvalidAccountNonce.selector, signer, uint256(2)));
        reg.attestBySig(r, d1);
        bytes32 uid = reg.attestBySig(r, d2);
        vm.assertEq(reg.getAttestation(uid).attester, signer, "the next signature still works");
        vm.prank(signer);
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.InvalidNonceIncrease.selector, uint256(3), 3));
        reg.increaseNonce(3);
    }

    function testFuzz_increaseNonceOrdering(uint256 first, uint256 second) public {
        address signer = address(0xA77E);
        uint256 maxNonce = reg.MAX_NONCE();
        vm.prank(signer);
        try reg.increaseNonce(first) {
            vm.assertTrue(first > 0 && first <= maxNonce, "accepted only forward and bounded");
            vm.assertEq(reg.nonces(signer), first, "stored");
        } catch (bytes memory reason) {
            vm.assertTrue(first == 0 || first > maxNonce, "refused only backward or unbounded");
            vm.assertEq(
                keccak256(reason),
                keccak256(abi.encodeWithSelector(IAttestationRegistry.InvalidNonceIncrease.selector, 0, first)),
                "named error"
            );
            return;
        }
        vm.prank(signer);
        try reg.increaseNonce(second) {
            vm.assertTrue(second > first && second <= maxNonce, "strictly increasing");
            vm.assertEq(reg.nonces(signer), second, "stored");
        } catch (bytes memory reason) {
            vm.assertTrue(second <= first || second > maxNonce, "refused only when not increasing or unbounded");
            vm.assertEq(
                keccak256(reason),
                keccak256(abi.encodeWithSelector(IAttestationRegistry.InvalidNonceIncrease.selector, first, second)),
                "named error"
            );
            vm.assertEq(reg.nonces(signer), first, "unchanged");
        }
    }

    // ---- hooks ----

    function test_hookFeeRejectAndReentrancy() public {
        MockAttestationHook hook = new MockAttestationHook();
        bytes32 s = _schema("bytes32 payload", address(hook), true, 0);
        hook.configure(1 ether, true, keccak256("proof"), false, reg);
        vm.deal(address(this), 10 ether);
        AttestationRequest memory r = _req(s, 0, bytes32(uint256(1)));
        r.value = 1 ether;
        r.hookData = "proof";
        bytes32 uid = reg.attest{value: 1 ether}(r);
        vm.assertEq(address(hook).balance, 1 ether, "fee paid to hook");
        vm.assertEq(hook.attestCalls(), 1, "hook called");
        // wrong proof: rejected
        r.data = abi.encode(bytes32(uint256(2)));
        r.hookData = "forged";
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.HookRejected.selector, address(hook)));
        reg.attest{value: 1 ether}(r);
        // missing fee: rejected
        r.hookData = "proof";
        r.value = 0;
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.HookRejected.selector, address(hook)));
        reg.attest(r);
        // value mismatch
        r.value = 1 ether;
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.ValueMismatch.selector, 1 ether, 0));
        reg.attest(r);
        // re-entering the registry from the hook fails
        hook.configure(0, true, bytes32(0), true, reg);
        r.value = 0;
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        reg.attest(r);
        // revoke calls the hook
        hook.configure(0, true, bytes32(0), false, reg);
        reg.revoke(uid, "");
        vm.assertEq(hook.revokeCalls(), 1, "revoke hook called");
    }

    function test_valueWithoutHookFails() public {
        AttestationRequest memory r = _req(openSchema, 0, 0);
        r.value = 1;
        vm.deal(address(this), 1);
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.ValueWithoutHook.selector, openSchema));
        reg.attest{value: 1}(r);
    }

    function test_schemaHookMustBeContract() public {
        vm.expectRevert(abi.encodeWithSelector(IAttestationSchemaRegistry.HookNotAContract.selector, address(0xB0)));
        _schema("bytes32 payload", address(0xB0), true, 0);
    }

    function test_revokeFeeGoesToHookAndValueNeedsHook() public {
        MockAttestationHook hook = new MockAttestationHook();
        bytes32 s = _schema("bytes32 payload", address(hook), true, 0);
        bytes32 uid = reg.attest(_req(s, 0, 0));
        bytes32 plain = reg.attest(_req(openSchema, 0, 0));
        hook.configure(0.5 ether, true, bytes32(0), false, reg);
        vm.deal(address(this), 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.HookRejected.selector, address(hook)));
        reg.revoke(uid, "");
        reg.revoke{value: 0.5 ether}(uid, "");
        vm.assertEq(address(hook).balance, 0.5 ether, "revocation fee paid");
        vm.assertEq(hook.lastCaller(), address(this), "hook sees the caller");
        vm.expectRevert(abi.encodeWithSelector(IAttestationRegistry.ValueWithoutHook.selector, openSchema));
        reg.revoke{value: 0.5 ether}(plain, "");
    }

    /// @dev (F) batch fees: any msg.value / per-item values give success or a named error, never a panic.
    function testFuzz_multiAttestValuesNamedErrorsOnly(uint256 v1, uint256 v2, uint256 sent) public {
        MockAttestationHook hook = new MockAttestationHook();
        bytes32 s = _schema("bytes32 paid", address(hook), true, 0);
        sent = bound(sent, 0, 100 ether);
        vm.deal(address(this), sent);
        AttestationRequest[] memory rs = new AttestationRequest[](2);
        rs[0] = _req(s, 0, bytes32(uint256(1)));
        rs[1] = _req(s, 0, bytes32(uint256(2)));
        // half the runs split msg.value exactly, so both outcomes are exercised
        if (v2 % 2 == 0) {
            v1 = bound(v1, 0, sent);
            v2 = sent - v1;
        }
        rs[0].value = v1;
        rs[1].value = v2;
        try reg.multiAttest{value: sent}(rs) {
            vm.assertEq(address(hook).balance, sent, "all value reached the hook");
            vm.assertTrue(v1 <= sent && v2 == sent - v1, "values add up to msg.value");
        } catch (bytes memory reason) {
            vm.assertEq(
                bytes32(bytes4(reason)),
                bytes32(IAttestationRegistry.ValueMismatch.selector),
                "only ValueMismatch"
            );
        }
    }
}
