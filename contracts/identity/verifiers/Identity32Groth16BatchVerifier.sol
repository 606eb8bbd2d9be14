// GENERATED FILE — do not edit. Produced by `node scripts/batch-verifier.ts` from
// circuits/artifacts/identity_32/identity_32.vkey.json sha256 c3a7d6c9ad6b778664eca83ec831f83d9dfa852ce9ad62e3d181c6f69fc9b1b9.
// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IIdentityGroth16BatchVerifier} from "./IIdentityGroth16BatchVerifier.sol";

/// @title Identity32Groth16BatchVerifier
/// @notice Checks n Groth16 proofs of one circuit (5 public inputs) with one pairing product over a random linear
///         combination: n + 3 pairings, and 7 scalar multiplications of fixed points whatever n is.
/// @dev Coefficients: r_0 = 1, r_i = 1 + keccak256(seed, i) mod (R - 1) with seed = keccak256(n, proofs, inputs).
contract Identity32Groth16BatchVerifier is IIdentityGroth16BatchVerifier {
    /// @inheritdoc IIdentityGroth16BatchVerifier
    uint256 public constant PUBLIC_INPUTS = 5;

    // BN254 scalar field
    uint256 private constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    uint256 private constant ALPHA_X = 20771026863856440112138807691231748041931153038343688578807801891360808728225;
    uint256 private constant ALPHA_Y = 21644981370371385225732054262095423676210452014818489252598435653425054614363;
    uint256 private constant BETA_X1 = 8022317477986594067251793125224077702189079780872473350112944451715805061284;
    uint256 private constant BETA_X2 = 7264667020555748200972979473425215402667026128839864351721708504378802660534;
    uint256 private constant BETA_Y1 = 7367779077265216688615376811501815660340302412123936853221327831389569745988;
    uint256 private constant BETA_Y2 = 11932419993118811670426666021253974166374486212337285686345361831580139675969;
    uint256 private constant GAMMA_X1 = 11559732032986387107991004021392285783925812861821192530917403151452391805634;
    uint256 private constant GAMMA_X2 = 10857046999023057135944570762232829481370756359578518086990519993285655852781;
    uint256 private constant GAMMA_Y1 = 4082367875863433681332203403145435568316851327593401208105741076214120093531;
    uint256 private constant GAMMA_Y2 = 8495653923123431417604973247489272438418190587263600148770280649306958101930;
    uint256 private constant DELTA_X1 = 7429131261631786573710163114291616690076166245416635129208771347360480548914;
    uint256 private constant DELTA_X2 = 10347243018308065983115590740014750430210227141685065188116486337281029620934;
    uint256 private constant DELTA_Y1 = 19955803487703165325376601338232438841841553146648013141318389998646612309155;
    uint256 private constant DELTA_Y2 = 13136287287970875033023505279525257379402692075403745010878038747032303220153;
    uint256 private constant IC0X = 10573890293510179382089169153019027180751727633652338520478014479854555165888;
    uint256 private constant IC0Y = 16885045454731115306465458200472243043156776446010800996277986694632884901615;
    uint256 private constant IC1X = 20310409550605923673531796691950396329607901498885824882070698900523729064306;
    uint256 private constant IC1Y = 15908918944126814376894955019989286028529199270014619659101255497019790618551;
    uint256 private constant IC2X = 11624171602277623411726926315142298770363598983285153434593141807951046373156;
    uint256 private constant IC2Y = 8776269775102497126380213479090078256654071096584509977824851478421008363133;
    uint256 private constant IC3X = 10494929992669451186083136238729094876745576888345094156530384298431264609255;
    uint256 private constant IC3Y = 11077812804542454328174123974662291707204051697433233527129519389318183159195;
    uint256 private constant IC4X = 882812232529564362842287460491881217231968493931994845600953554299391320709;
    uint256 private constant IC4Y = 11496652763086291101948227099195543089201676073623031957128057596360595058763;
    uint256 private constant IC5X = 6996430051029119707553022762107666250094124170945993753748400736229392786938;
    uint256 private constant IC5Y = 14790687920515375698966300836540870995350875263076152572374750316310247675729;

    // Precompile calls get exactly their EIP-1108 price: a malformed point then fails that call alone instead of
    // burning the caller's gas (which needs it to locate the bad proof).
    uint256 private constant EC_ADD_GAS = 150;
    uint256 private constant EC_MUL_GAS = 6000;

    // memory map of {verifyProofs} (it returns from assembly: Solidity's own memory layout is not used afterwards)
    uint256 private constant SC = 0x00; // 0x60 bytes of precompile scratch
    uint256 private constant ACC = 0x80; // running sum (x, y), then a point to add (x, y)
    uint256 private constant SCALARS = 0x100; // s_1..s_5
    uint256 private constant PP = 0x1a0; // pairing input, (n + 3) * 192 bytes

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
            } lt(j, 5) {
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
                let inp := add(inputs.offset, mul(i, 0xa0))
                {
                    let x := calldataload(add(inp, 0x0))
                    ok := and(ok, lt(x, R))
                    mstore(0x100, addmod(mload(0x100), mulmod(ri, x, R), R))
                }
                {
                    let x := calldataload(add(inp, 0x20))
                    ok := and(ok, lt(x, R))
                    mstore(0x120, addmod(mload(0x120), mulmod(ri, x, R), R))
                }
                {
                    let x := calldataload(add(inp, 0x40))
                    ok := and(ok, lt(x, R))
                    mstore(0x140, addmod(mload(0x140), mulmod(ri, x, R), R))
                }
                {
                    let x := calldataload(add(inp, 0x60))
                    ok := and(ok, lt(x, R))
                    mstore(0x160, addmod(mload(0x160), mulmod(ri, x, R), R))
                }
                {
                    let x := calldataload(add(inp, 0x80))
                    ok := and(ok, lt(x, R))
                    mstore(0x180, addmod(mload(0x180), mulmod(ri, x, R), R))
                }
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
            mstore(SC, IC1X)
            mstore(0x20, IC1Y)
            mstore(0x40, mload(0x100))
            ok := and(ok, staticcall(EC_MUL_GAS, 0x07, SC, 0x60, 0xc0, 0x40))
            ok := and(ok, staticcall(EC_ADD_GAS, 0x06, ACC, 0x80, ACC, 0x40))
            mstore(SC, IC2X)
            mstore(0x20, IC2Y)
            mstore(0x40, mload(0x120))
            ok := and(ok, staticcall(EC_MUL_GAS, 0x07, SC, 0x60, 0xc0, 0x40))
            ok := and(ok, staticcall(EC_ADD_GAS, 0x06, ACC, 0x80, ACC, 0x40))
            mstore(SC, IC3X)
            mstore(0x20, IC3Y)
            mstore(0x40, mload(0x140))
            ok := and(ok, staticcall(EC_MUL_GAS, 0x07, SC, 0x60, 0xc0, 0x40))
            ok := and(ok, staticcall(EC_ADD_GAS, 0x06, ACC, 0x80, ACC, 0x40))
            mstore(SC, IC4X)
            mstore(0x20, IC4Y)
            mstore(0x40, mload(0x160))
            ok := and(ok, staticcall(EC_MUL_GAS, 0x07, SC, 0x60, 0xc0, 0x40))
            ok := and(ok, staticcall(EC_ADD_GAS, 0x06, ACC, 0x80, ACC, 0x40))
            mstore(SC, IC5X)
            mstore(0x20, IC5Y)
            mstore(0x40, mload(0x180))
            ok := and(ok, staticcall(EC_MUL_GAS, 0x07, SC, 0x60, 0xc0, 0x40))
            ok := and(ok, staticcall(EC_ADD_GAS, 0x06, ACC, 0x80, ACC, 0x40))
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
