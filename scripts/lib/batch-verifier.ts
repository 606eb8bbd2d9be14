/**
 * Generates a Groth16 *batch* verifier (Solidity) from a snarkjs verification key, for any number of public inputs.
 *
 * n proofs are checked with one pairing product over a random linear combination (n + 3 pairings instead of 4n):
 *
 *   Π e(-r_i·A_i, B_i) · e((Σ r_i)·α, β) · e(Σ_j s_j·IC_j, γ) · e(Σ r_i·C_i, δ) = 1,   s_0 = Σ r_i, s_j = Σ_i r_i·x_ij
 *
 * The public-input terms are aggregated in the scalar field (s_j), so the scalar multiplications over the vk's IC
 * points stay at nPublic + 1 whatever n is. r_0 = 1 and r_i (i > 0) = 1 + keccak256(seed, i) mod (r − 1), where
 * seed = keccak256(n, every proof, every input): a prover cannot choose the coefficients.
 */
import { createHash } from "node:crypto";

/** The parts of a snarkjs `vkey.json` the generator reads. */
export interface Groth16Vkey {
  readonly protocol: string;
  readonly curve: string;
  readonly nPublic: number;
  readonly vk_alpha_1: readonly string[];
  readonly vk_beta_2: readonly (readonly string[])[];
  readonly vk_gamma_2: readonly (readonly string[])[];
  readonly vk_delta_2: readonly (readonly string[])[];
  readonly IC: readonly (readonly string[])[];
}

/** A verification key the generator cannot use. */
export class BatchVerifierInputError extends Error {
  constructor(field: string, reason: string) {
    super(`vkey.${field}: ${reason}`);
    this.name = "BatchVerifierInputError";
  }
}

const DEC = /^[0-9]+$/;

function dec(v: unknown, field: string): string {
  if (typeof v !== "string" || !DEC.test(v)) throw new BatchVerifierInputError(field, "must be a decimal string");
  return v;
}

/** Parses and checks a vkey JSON value (Groth16 on bn128, IC of nPublic + 1 points). */
export function parseVkey(json: unknown): Groth16Vkey {
  if (typeof json !== "object" || json === null) throw new BatchVerifierInputError("", "must be a JSON object");
  const v = json as Partial<Groth16Vkey>;
  if (v.protocol !== "groth16") throw new BatchVerifierInputError("protocol", `must be "groth16", got ${String(v.protocol)}`);
  if (v.curve !== "bn128") throw new BatchVerifierInputError("curve", `must be "bn128", got ${String(v.curve)}`);
  if (!Number.isInteger(v.nPublic) || (v.nPublic ?? 0) < 1) throw new BatchVerifierInputError("nPublic", "must be a positive integer");
  if (!Array.isArray(v.IC) || v.IC.length !== (v.nPublic ?? 0) + 1) throw new BatchVerifierInputError("IC", `must hold nPublic + 1 = ${(v.nPublic ?? 0) + 1} points`);
  for (const [k, g2] of [["vk_beta_2", v.vk_beta_2], ["vk_gamma_2", v.vk_gamma_2], ["vk_delta_2", v.vk_delta_2]] as const) {
    if (!Array.isArray(g2) || g2.length < 2) throw new BatchVerifierInputError(k, "must be a G2 point");
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) dec(g2[i]?.[j], `${k}[${i}][${j}]`);
  }
  dec(v.vk_alpha_1?.[0], "vk_alpha_1[0]");
  dec(v.vk_alpha_1?.[1], "vk_alpha_1[1]");
  v.IC.forEach((p, i) => {
    dec(p[0], `IC[${i}][0]`);
    dec(p[1], `IC[${i}][1]`);
  });
  return v as Groth16Vkey;
}

/** Where the generated source says it came from. */
export interface BatchVerifierSource {
  /** Path of the vkey, as printed in the header (repository-relative). */
  readonly vkeyPath: string;
  /** The vkey file's bytes (their sha256 goes in the header). */
  readonly vkeyBytes: Uint8Array;
}

/** G2 constants in the EVM precompile's order: x imaginary, x real, y imaginary, y real. */
function g2(p: readonly (readonly string[])[]): [string, string, string, string] {
  return [p[0]![1]!, p[0]![0]!, p[1]![1]!, p[1]![0]!];
}

/** The Solidity source of `contractName`, a batch verifier for `vkey`. */
export function generateBatchVerifier(vkey: Groth16Vkey, contractName: string, source: BatchVerifierSource): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(contractName)) throw new BatchVerifierInputError("contractName", `${contractName} is not a Solidity identifier`);
  const n = vkey.nPublic;
  const sha = createHash("sha256").update(source.vkeyBytes).digest("hex");
  const [bx1, bx2, by1, by2] = g2(vkey.vk_beta_2);
  const [gx1, gx2, gy1, gy2] = g2(vkey.vk_gamma_2);
  const [dx1, dx2, dy1, dy2] = g2(vkey.vk_delta_2);
  const ic = vkey.IC.map((p, i) => `    uint256 private constant IC${i}X = ${p[0]};\n    uint256 private constant IC${i}Y = ${p[1]};`).join("\n");
  // Fixed memory map (the function returns from assembly, so Solidity's memory is not needed afterwards):
  // SC scratch for precompile inputs, ACC (running sum x, y; point to add x, y), SCALARS s_1..s_n, then the pairing input.
  const SCALARS = 0x100;
  const PP = SCALARS + 32 * n;
  const hex = (v: number): string => `0x${v.toString(16)}`;
  const accumulate = Array.from({ length: n }, (_, j) => {
    const slot = hex(SCALARS + 32 * j);
    return (
      `                {\n` +
      `                    let x := calldataload(add(inp, ${hex(32 * j)}))\n` +
      `                    ok := and(ok, lt(x, R))\n` +
      `                    mstore(${slot}, addmod(mload(${slot}), mulmod(ri, x, R), R))\n` +
      `                }`
    );
  }).join("\n");
  const msm = Array.from({ length: n }, (_, j) => {
    const k = j + 1;
    return (
      `            mstore(SC, IC${k}X)\n` +
      `            mstore(0x20, IC${k}Y)\n` +
      `            mstore(0x40, mload(${hex(SCALARS + 32 * j)}))\n` +
      `            ok := and(ok, staticcall(EC_MUL_GAS, 0x07, SC, 0x60, 0xc0, 0x40))\n` +
      `            ok := and(ok, staticcall(EC_ADD_GAS, 0x06, ACC, 0x80, ACC, 0x40))`
    );
  }).join("\n");
  return `// GENERATED FILE — do not edit. Produced by \`node scripts/batch-verifier.ts\` from
// ${source.vkeyPath} sha256 ${sha}.
// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IIdentityGroth16BatchVerifier} from "./IIdentityGroth16BatchVerifier.sol";

/// @title ${contractName}
/// @notice Checks n Groth16 proofs of one circuit (${n} public inputs) with one pairing product over a random linear
///         combination: n + 3 pairings, and ${n + 2} scalar multiplications of fixed points whatever n is.
/// @dev Coefficients: r_0 = 1, r_i = 1 + keccak256(seed, i) mod (R - 1) with seed = keccak256(n, proofs, inputs).
contract ${contractName} is IIdentityGroth16BatchVerifier {
    /// @inheritdoc IIdentityGroth16BatchVerifier
    uint256 public constant PUBLIC_INPUTS = ${n};

    // BN254 scalar field
    uint256 private constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    uint256 private constant ALPHA_X = ${vkey.vk_alpha_1[0]};
    uint256 private constant ALPHA_Y = ${vkey.vk_alpha_1[1]};
    uint256 private constant BETA_X1 = ${bx1};
    uint256 private constant BETA_X2 = ${bx2};
    uint256 private constant BETA_Y1 = ${by1};
    uint256 private constant BETA_Y2 = ${by2};
    uint256 private constant GAMMA_X1 = ${gx1};
    uint256 private constant GAMMA_X2 = ${gx2};
    uint256 private constant GAMMA_Y1 = ${gy1};
    uint256 private constant GAMMA_Y2 = ${gy2};
    uint256 private constant DELTA_X1 = ${dx1};
    uint256 private constant DELTA_X2 = ${dx2};
    uint256 private constant DELTA_Y1 = ${dy1};
    uint256 private constant DELTA_Y2 = ${dy2};
${ic}

    // Precompile calls get exactly their EIP-1108 price: a malformed point then fails that call alone instead of
    // burning the caller's gas (which needs it to locate the bad proof).
    uint256 private constant EC_ADD_GAS = 150;
    uint256 private constant EC_MUL_GAS = 6000;

    // memory map of {verifyProofs} (it returns from assembly: Solidity's own memory layout is not used afterwards)
    uint256 private constant SC = 0x00; // 0x60 bytes of precompile scratch
    uint256 private constant ACC = 0x80; // running sum (x, y), then a point to add (x, y)
    uint256 private constant SCALARS = ${hex(SCALARS)}; // s_1..s_${n}
    uint256 private constant PP = ${hex(PP)}; // pairing input, (n + 3) * 192 bytes

    /// @inheritdoc IIdentityGroth16BatchVerifier
    function verifyProofs(uint256[8][] calldata proofs, uint256[] calldata inputs) external view returns (bool) {
        uint256 n = proofs.length;
        if (n == 0) revert EmptyBatch();
        if (inputs.length != n * PUBLIC_INPUTS) revert InputCountMismatch(n * PUBLIC_INPUTS, inputs.length);
        // solhint-disable-next-line no-inline-assembly
        assembly {
            let ok := 1
            // seed = keccak256(n, proofs, inputs), hashed where the pairing input will go
            mstore(PP, n)
            calldatacopy(add(PP, 0x20), proofs.offset, mul(n, 0x100))
            calldatacopy(add(add(PP, 0x20), mul(n, 0x100)), inputs.offset, mul(inputs.length, 0x20))
            let seed := keccak256(PP, add(0x20, add(mul(n, 0x100), mul(inputs.length, 0x20))))
            for {
                let j := 0
            } lt(j, ${n}) {
                j := add(j, 1)
            } {
                mstore(add(SCALARS, mul(j, 0x20)), 0)
            }
            mstore(ACC, 0)
            mstore(add(ACC, 0x20), 0)
            let s0 := 0
            for {
                let i := 0
            } lt(i, n) {
                i := add(i, 1)
            } {
                let ri := 1
                if i {
                    mstore(SC, seed)
                    mstore(0x20, i)
                    ri := add(1, mod(keccak256(SC, 0x40), sub(R, 1)))
                }
                s0 := addmod(s0, ri, R)
                let pr := add(proofs.offset, mul(i, 0x100))
                // pairing slot i: -r_i·A_i, then B_i as given (EVM coordinate order)
                calldatacopy(SC, pr, 0x40)
                mstore(0x40, sub(R, ri))
                ok := and(ok, staticcall(EC_MUL_GAS, 0x07, SC, 0x60, add(PP, mul(i, 0xc0)), 0x40))
                calldatacopy(add(add(PP, mul(i, 0xc0)), 0x40), add(pr, 0x40), 0x80)
                // ACC += r_i·C_i
                calldatacopy(SC, add(pr, 0xc0), 0x40)
                mstore(0x40, ri)
                ok := and(ok, staticcall(EC_MUL_GAS, 0x07, SC, 0x60, 0xc0, 0x40))
                ok := and(ok, staticcall(EC_ADD_GAS, 0x06, ACC, 0x80, ACC, 0x40))
                // s_j += r_i·x_ij; every input must be a field element
                let inp := add(inputs.offset, mul(i, ${hex(32 * n)}))
${accumulate}
            }
            let tail := add(PP, mul(n, 0xc0))
            // slot n + 2: e(Σ r_i·C_i, δ)
            mstore(add(tail, 0x180), mload(ACC))
            mstore(add(tail, 0x1a0), mload(add(ACC, 0x20)))
            mstore(add(tail, 0x1c0), DELTA_X1)
            mstore(add(tail, 0x1e0), DELTA_X2)
            mstore(add(tail, 0x200), DELTA_Y1)
            mstore(add(tail, 0x220), DELTA_Y2)
            // slot n: e((Σ r_i)·α, β)
            mstore(SC, ALPHA_X)
            mstore(0x20, ALPHA_Y)
            mstore(0x40, s0)
            ok := and(ok, staticcall(EC_MUL_GAS, 0x07, SC, 0x60, tail, 0x40))
            mstore(add(tail, 0x40), BETA_X1)
            mstore(add(tail, 0x60), BETA_X2)
            mstore(add(tail, 0x80), BETA_Y1)
            mstore(add(tail, 0xa0), BETA_Y2)
            // slot n + 1: e(s_0·IC_0 + Σ s_j·IC_j, γ)
            mstore(SC, IC0X)
            mstore(0x20, IC0Y)
            mstore(0x40, s0)
            ok := and(ok, staticcall(EC_MUL_GAS, 0x07, SC, 0x60, ACC, 0x40))
${msm}
            mstore(add(tail, 0xc0), mload(ACC))
            mstore(add(tail, 0xe0), mload(add(ACC, 0x20)))
            mstore(add(tail, 0x100), GAMMA_X1)
            mstore(add(tail, 0x120), GAMMA_X2)
            mstore(add(tail, 0x140), GAMMA_Y1)
            mstore(add(tail, 0x160), GAMMA_Y2)
            ok := and(ok, staticcall(add(45000, mul(34000, add(n, 3))), 0x08, PP, mul(add(n, 3), 0xc0), SC, 0x20))
            mstore(SC, and(ok, mload(SC)))
            return(SC, 0x20)
        }
    }
}
`;
}

/**
 * The contract name of the batch verifier of a circuit build: identity_20 → Identity20Groth16BatchVerifier (signature
 * mode), identity_membership_20 → IdentityMembership20Groth16BatchVerifier (membership mode).
 */
export function batchVerifierName(circuit: string): string {
  const m = /^identity_(membership_)?(\d+)$/.exec(circuit);
  if (m === null) {
    throw new BatchVerifierInputError("circuit", `${circuit} is not an identity_<depth> or identity_membership_<depth> build`);
  }
  return `Identity${m[1] === undefined ? "" : "Membership"}${m[2]}Groth16BatchVerifier`;
}
