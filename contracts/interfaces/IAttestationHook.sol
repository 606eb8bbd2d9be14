// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Attestation} from "./AttestationTypes.sol";

/// @title IAttestationHook
/// @notice A schema's hook: the registry calls it after recording an attestation or revocation, in the same
///         transaction. Returning false or reverting rejects the operation. Native coin sent with the request is
///         forwarded as `msg.value` (a fee). `hookData` is caller-supplied and not part of the attestation, so a
///         ZK-identity hook can take a proof there and verify it as a condition of attesting. For a delegated
///         attestation the attester's EIP-712 signature covers `hookData` and `value`, so a relayer cannot swap them.
/// @dev The registry is reentrancy-guarded: a hook cannot call back into attest or revoke. Only the registry
///      emits the canonical `Attested`/`Revoked` events; indexers must filter by the registry's address.
interface IAttestationHook {
    /// @notice Called after `attestation` (with id `uid`) has been recorded.
    /// @param uid The attestation id.
    /// @param attestation The full attestation content.
    /// @param caller The account that sent the transaction (the relayer for a delegated attestation).
    /// @param hookData Caller-supplied bytes, e.g. a proof.
    /// @return accepted Whether the hook accepts the attestation.
    function onAttest(
        bytes32 uid,
        Attestation calldata attestation,
        address caller,
        bytes calldata hookData
    ) external payable returns (bool accepted);

    /// @notice Called after attestation `uid` has been revoked.
    /// @param uid The attestation id.
    /// @param schema Its schema.
    /// @param attester Its attester (the revoker).
    /// @param caller The account that sent the transaction.
    /// @param hookData Caller-supplied bytes.
    /// @return accepted Whether the hook accepts the revocation.
    function onRevoke(
        bytes32 uid,
        bytes32 schema,
        address attester,
        address caller,
        bytes calldata hookData
    ) external payable returns (bool accepted);
}
