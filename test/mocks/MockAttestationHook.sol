// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAttestationRegistry} from "../../contracts/attestation/IAttestationRegistry.sol";
import {IAttestationHook} from "../../contracts/interfaces/IAttestationHook.sol";
import {Attestation} from "../../contracts/interfaces/AttestationTypes.sol";

/// @title MockAttestationHook
/// @notice Test hook: charges a fee, can reject, can require a "proof" in hookData (a stand-in for a ZK verifier:
///         keccak256(hookData) must equal a commitment), can try to re-enter the registry, and emits a look-alike event.
contract MockAttestationHook is IAttestationHook {
    /// @notice A look-alike of the registry's event; indexers must ignore it because it comes from the hook.
    event Attested(bytes32 indexed uid, bytes32 indexed schema, address indexed attester);
    /// @notice Settings changed.
    event Configured(uint256 fee, bool accept, bytes32 proofCommitment, bool reenter);

    /// @notice Native coin required per call.
    uint256 public fee;
    /// @notice Whether to accept.
    bool public accept = true;
    /// @notice Required keccak256 of hookData (0 = none).
    bytes32 public proofCommitment;
    /// @notice Whether to try re-entering the registry.
    bool public reenter;
    /// @notice Registry to re-enter.
    IAttestationRegistry public registry;
    /// @notice Calls seen.
    uint256 public attestCalls;
    /// @notice Calls seen.
    uint256 public revokeCalls;
    /// @notice Last attester seen.
    address public lastAttester;
    /// @notice Last caller seen.
    address public lastCaller;

    /// @notice Sets the behaviour.
    /// @param fee_ Fee.
    /// @param accept_ Accept.
    /// @param proofCommitment_ Required hookData hash.
    /// @param reenter_ Re-enter.
    /// @param registry_ Registry to re-enter.
    function configure(
        uint256 fee_,
        bool accept_,
        bytes32 proofCommitment_,
        bool reenter_,
        IAttestationRegistry registry_
    ) external {
        fee = fee_;
        accept = accept_;
        proofCommitment = proofCommitment_;
        reenter = reenter_;
        registry = registry_;
        emit Configured(fee_, accept_, proofCommitment_, reenter_);
    }

    /// @inheritdoc IAttestationHook
    function onAttest(
        bytes32 uid,
        Attestation calldata attestation,
        address caller,
        bytes calldata hookData
    ) external payable returns (bool) {
        if (reenter) registry.revokeIssuedBefore(attestation.schema, 1);
        if (msg.value < fee) return false;
        if (proofCommitment != bytes32(0) && keccak256(hookData) != proofCommitment) return false;
        attestCalls++;
        lastAttester = attestation.attester;
        lastCaller = caller;
        emit Attested(uid, attestation.schema, attestation.attester);
        return accept;
    }

    /// @inheritdoc IAttestationHook
    function onRevoke(
        bytes32,
        bytes32 schema,
        address attester,
        address caller,
        bytes calldata
    ) external payable returns (bool) {
        if (reenter) registry.revokeIssuedBefore(schema, 1);
        if (msg.value < fee) return false;
        revokeCalls++;
        lastAttester = attester;
        lastCaller = caller;
        return accept;
    }
}
