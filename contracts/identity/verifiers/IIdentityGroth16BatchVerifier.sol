// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IIdentityGroth16BatchVerifier
/// @notice Generated Groth16 batch verifiers of the identity circuit (Identity20Groth16BatchVerifier,
///         Identity32Groth16BatchVerifier, written by `node scripts/batch-verifier.ts` from each build's vkey): many
///         proofs of one circuit checked with one pairing product over a random linear combination.
interface IIdentityGroth16BatchVerifier {
    /// @notice The batch holds no proof.
    error EmptyBatch();

    /// @notice `inputs` does not hold PUBLIC_INPUTS values per proof.
    /// @param expected proofs.length * PUBLIC_INPUTS
    /// @param actual inputs.length
    error InputCountMismatch(uint256 expected, uint256 actual);

    /// @notice How many public inputs each proof has (the circuit's nPublic).
    /// @return the count
    function PUBLIC_INPUTS() external view returns (uint256);

    /// @notice Whether every proof verifies for its public inputs (false if any does not, or if a point or input is
    ///         malformed). A true answer is wrong with probability below 2^-250 over the hash-derived coefficients.
    /// @param proofs each [a0, a1, b00, b01, b10, b11, c0, c1], B's coordinates in the EVM's order
    /// @param inputs the public inputs of proof i at [i * PUBLIC_INPUTS, (i + 1) * PUBLIC_INPUTS)
    /// @return valid true if all proofs verify
    function verifyProofs(uint256[8][] calldata proofs, uint256[] calldata inputs) external view returns (bool valid);
}
