// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IIdentityGroth16Verifier
/// @notice The generated Groth16 verifiers of the signature-mode identity circuit (Identity20Groth16Verifier,
///         Identity32Groth16Verifier): exactly the `verifyProof` that `snarkjs zkey export solidityverifier` emits.
/// @dev The generated contracts keep their generated shape (they do not declare this interface); they match it.
interface IIdentityGroth16Verifier {
    /// @notice Whether the Groth16 proof verifies for the public signals [root, nullifier, message, policy, issuerAx].
    /// @param _pA the proof's A point
    /// @param _pB the proof's B point (coordinates in the EVM's order)
    /// @param _pC the proof's C point
    /// @param _pubSignals the circuit's public signals
    /// @return true if the proof verifies
    function verifyProof(
        uint256[2] calldata _pA,
        uint256[2][2] calldata _pB,
        uint256[2] calldata _pC,
        uint256[5] calldata _pubSignals
    ) external view returns (bool);
}

/// @title IIdentityMembershipGroth16Verifier
/// @notice The generated Groth16 verifiers of the membership-mode identity circuit (IdentityMembership20Groth16Verifier,
///         IdentityMembership32Groth16Verifier): exactly the `verifyProof` that snarkjs emits.
/// @dev The generated contracts keep their generated shape (they do not declare this interface); they match it.
interface IIdentityMembershipGroth16Verifier {
    /// @notice Whether the Groth16 proof verifies for the public signals [root, nullifier, message, policy].
    /// @param _pA the proof's A point
    /// @param _pB the proof's B point (coordinates in the EVM's order)
    /// @param _pC the proof's C point
    /// @param _pubSignals the circuit's public signals
    /// @return true if the proof verifies
    function verifyProof(
        uint256[2] calldata _pA,
        uint256[2][2] calldata _pB,
        uint256[2] calldata _pC,
        uint256[4] calldata _pubSignals
    ) external view returns (bool);
}
