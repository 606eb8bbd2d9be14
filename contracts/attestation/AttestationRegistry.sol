// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IAttestationHook} from "../interfaces/IAttestationHook.sol";
import {IAttestationRegistry} from "./IAttestationRegistry.sol";
import {IAttestationSchemaRegistry} from "./IAttestationSchemaRegistry.sol";
import {
    Attestation,
    AttestationRecord,
    AttestationRequest,
    Delegation,
    Schema
} from "../interfaces/AttestationTypes.sol";
import {AttestationLib} from "./AttestationLib.sol";
import {AttestationSignatures} from "./AttestationSignatures.sol";

/// @title AttestationRegistry
/// @notice Attest, revoke, epoch-revoke and validate attestations. Storage per attestation is two slots
///         (attester, time, expiry, flags | schema); subject, link and data live in the `Attested` event and are
///         committed in the uid. There is no on-chain index: indexers build it from events.
contract AttestationRegistry is IAttestationRegistry, AttestationSignatures, ReentrancyGuardTransient {
    uint8 internal constant FLAG_REVOCABLE = 1;
    uint8 internal constant FLAG_REVOKED = 2;
    uint8 internal constant FLAG_HOOK = 4;

    /// @inheritdoc IAttestationRegistry
    IAttestationSchemaRegistry public immutable schemaRegistry;

    mapping(bytes32 uid => AttestationRecord) private _records;
    mapping(address attester => mapping(bytes32 schema => uint64 before)) private _epochs;

    /// @notice Deploys a registry reading schemas from `schemaRegistry_`.
    /// @param schemaRegistry_ The schema registry.
    constructor(IAttestationSchemaRegistry schemaRegistry_) {
        schemaRegistry = schemaRegistry_;
    }

    /// @inheritdoc IAttestationRegistry
    function attest(AttestationRequest calldata request) external payable nonReentrant returns (bytes32 uid) {
        if (msg.value != request.value) revert ValueMismatch(request.value, msg.value);
        Schema memory s = _schema(request.schema);
        uid = _record(request, msg.sender, s);
        _afterAttest(uid, request, msg.sender, s);
    }

    /// @inheritdoc IAttestationRegistry
    function multiAttest(
        AttestationRequest[] calldata requests
    ) external payable nonReentrant returns (bytes32[] memory uids) {
        uint256 n = requests.length;
        if (n == 0) revert EmptyBatch();
        uids = new bytes32[](n);
        uint256 remaining = msg.value;
        bool anyHook;
        bytes32 cachedId;
        Schema memory s;
        // Effects first: every record and event, then the hooks.
        for (uint256 i; i < n; ++i) {
            AttestationRequest calldata r = requests[i];
            if (i == 0 || r.schema != cachedId) {
                s = _schema(r.schema);
                cachedId = r.schema;
            }
            if (r.value > remaining) revert ValueMismatch(r.value, remaining);
            remaining -= r.value;
            uids[i] = _record(r, msg.sender, s);
            anyHook = anyHook || s.hook != address(0);
            if (s.hook == address(0) && r.value != 0) revert ValueWithoutHook(r.schema);
        }
        if (remaining != 0) revert ValueMismatch(msg.value - remaining, msg.value);
        if (!anyHook) return uids;
        for (uint256 i; i < n; ++i) {
            AttestationRequest calldata r = requests[i];
            if (r.schema != cachedId) {
                s = _schema(r.schema);
                cachedId = r.schema;
            }
            _afterAttest(uids[i], r, msg.sender, s);
        }
    }

    /// @inheritdoc IAttestationRegistry
    function attestBySig(
        AttestationRequest calldata request,
        Delegation calldata delegation
    ) external payable nonReentrant returns (bytes32 uid) {
        if (msg.value != request.value) revert ValueMismatch(request.value, msg.value);
        _checkDelegation(attestDigest(request, delegation.signer, delegation.nonce, delegation.deadline), delegation);
        Schema memory s = _schema(request.schema);
        uid = _record(request, delegation.signer, s);
        _afterAttest(uid, request, msg.sender, s);
    }

    /// @inheritdoc IAttestationRegistry
    function revoke(bytes32 uid, bytes calldata hookData) external payable nonReentrant {
        _revoke(uid, msg.sender, msg.value, hookData);
    }

    /// @inheritdoc IAttestationRegistry
    function multiRevoke(bytes32[] calldata uids) external nonReentrant {
        uint256 n = uids.length;
        if (n == 0) revert EmptyBatch();
        for (uint256 i; i < n; ++i) _revoke(uids[i], msg.sender, 0, "");
    }

    /// @inheritdoc IAttestationRegistry
    function revokeBySig(bytes32 uid, Delegation calldata delegation) external payable nonReentrant {
        _checkDelegation(revokeDigest(uid, delegation.signer, delegation.nonce, delegation.deadline), delegation);
        _revoke(uid, delegation.signer, msg.value, "");
    }

    /// @inheritdoc IAttestationRegistry
    function revokeIssuedBefore(bytes32 schema, uint64 before) external nonReentrant {
        if (before > block.timestamp) revert EpochInFuture(before, block.timestamp);
        uint64 current = _epochs[msg.sender][schema];
        if (before <= current) revert EpochNotIncreasing(current, before);
        _epochs[msg.sender][schema] = before;
        emit EpochRevoked(msg.sender, schema, before);
    }

    /// @inheritdoc IAttestationRegistry
    function isValid(bytes32 uid) external view returns (bool) {
        AttestationRecord storage rec = _records[uid];
        address attester = rec.attester;
        if (attester == address(0) || rec.flags & FLAG_REVOKED != 0) return false;
        uint40 expiry = rec.expirationTime;
        if (expiry != 0 && expiry <= block.timestamp) return false;
        return rec.time >= _epochs[attester][rec.schema];
    }

    /// @inheritdoc IAttestationRegistry
    function getAttestation(bytes32 uid) external view returns (AttestationRecord memory) {
        return _records[uid];
    }

    /// @inheritdoc IAttestationRegistry
    function revokedBefore(address attester, bytes32 schema) external view returns (uint64) {
        return _epochs[attester][schema];
    }

    function _schema(bytes32 id) private view returns (Schema memory s) {
        s = schemaRegistry.getSchema(id);
        if (!s.registered) revert UnknownSchema(id);
    }

    /// @dev Checks the expiry against the schema; only named errors, no arithmetic can panic.
    function _checkExpiry(bytes32 schema, uint64 expiry, uint32 maxValidity) private view {
        if (expiry == 0) {
            if (maxValidity != 0) revert ExpirationRequired(schema);
            return;
        }
        if (expiry <= block.timestamp) revert ExpirationInPast(expiry, block.timestamp);
        if (expiry > type(uint40).max) revert ExpirationTooLarge(expiry);
        // expiry > block.timestamp here, so the subtraction cannot underflow.
        if (maxValidity != 0 && expiry - block.timestamp > maxValidity) {
            revert ExceedsMaxValidity(expiry, block.timestamp + maxValidity);
        }
    }

    /// @dev Checks and stores one attestation and emits its event. No external call.
    function _record(AttestationRequest calldata r, address attester, Schema memory s) private returns (bytes32 uid) {
        _checkExpiry(r.schema, r.expirationTime, s.maxValidity);
        if (r.refUID != bytes32(0) && _records[r.refUID].attester == address(0)) revert UnknownReference(r.refUID);
        uid = AttestationLib.uid(
            r.schema,
            attester,
            uint64(block.timestamp),
            r.expirationTime,
            r.refUID,
            r.subject,
            r.data
        );
        AttestationRecord storage rec = _records[uid];
        if (rec.attester != address(0)) revert AttestationExists(uid);
        rec.attester = attester;
        rec.time = uint40(block.timestamp);
        rec.expirationTime = uint40(r.expirationTime);
        rec.flags = (s.revocable ? FLAG_REVOCABLE : 0) | (s.hook != address(0) ? FLAG_HOOK : 0);
        rec.schema = r.schema;
        _emitAttested(uid, r, attester);
    }

    function _emitAttested(bytes32 uid, AttestationRequest calldata r, address attester) private {
        emit Attested(uid, r.schema, attester, r.subject, uint64(block.timestamp), r.expirationTime, r.refUID, r.data);
    }

    /// @dev Calls the schema's hook (interaction after effects), or refuses value without one.
    function _afterAttest(bytes32 uid, AttestationRequest calldata r, address caller, Schema memory s) private {
        if (s.hook == address(0)) {
            if (r.value != 0) revert ValueWithoutHook(r.schema);
            return;
        }
        Attestation memory a = Attestation(
            r.schema,
            _records[uid].attester,
            uint64(block.timestamp),
            r.expirationTime,
            r.refUID,
            r.subject,
            r.data
        );
        if (!IAttestationHook(s.hook).onAttest{value: r.value}(uid, a, caller, r.hookData)) revert HookRejected(s.hook);
    }

    function _revoke(bytes32 uid, address revoker, uint256 value, bytes memory hookData) private {
        AttestationRecord storage rec = _records[uid];
        address attester = rec.attester;
        uint8 flags = rec.flags;
        if (attester == address(0)) revert UnknownAttestation(uid);
        if (attester != revoker) revert NotAttester(uid, revoker);
        if (flags & FLAG_REVOCABLE == 0) revert NotRevocable(uid);
        if (flags & FLAG_REVOKED != 0) revert AlreadyRevoked(uid);
        rec.flags = flags | FLAG_REVOKED;
        emit Revoked(uid, attester, uint64(block.timestamp));
        if (flags & FLAG_HOOK == 0) {
            if (value != 0) revert ValueWithoutHook(rec.schema);
            return;
        }
        bytes32 schema = rec.schema;
        address hook = _schema(schema).hook;
        if (!IAttestationHook(hook).onRevoke{value: value}(uid, schema, attester, msg.sender, hookData)) {
            revert HookRejected(hook);
        }
    }
}
