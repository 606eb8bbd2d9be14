// GENERATED FILE — do not edit. Produced by `node scripts/batch-verifier.ts` from
// circuits/artifacts/identity_20/identity_20.vkey.json sha256 73869c716d6c509bfb629c655b839c9fc10ff04149bcec82f6411884ce5a86ac.
// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IIdentityGroth16BatchVerifier} from "./IIdentityGroth16BatchVerifier.sol";

/// @title Identity20Groth16BatchVerifier
/// @notice Checks n Groth16 proofs of one circuit (5 public inputs) with one pairing product over a random linear
///         combination: n + 3 pairings, and 7 scalar multiplications of fixed points whatever n is.
/// @dev Coefficients: r_0 = 1, r_i = 1 + keccak256(seed, i) mod (R - 1) with seed = keccak256(n, proofs, inputs).
contract Identity20Groth16BatchVerifier is IIdentityGroth16BatchVerifier {
    /// @inheritdoc IIdentityGroth16BatchVerifier
    uint256 public constant PUBLIC_INPUTS = 5;

    // BN254 scalar field
    uint256 private constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    uint256 private constant ALPHA_X = 13078844741349391330267671691466528743287630855993372586448546366406677117270;
    uint256 private constant ALPHA_Y = 5627651600959117330130776759619100568116641990149386786224635208343803793528;
    uint256 private constant BETA_X1 = 14162619897496343728046343223908744919281323235620343366652597535651745320625;
    uint256 private constant BETA_X2 = 11788420421985101997199876356301237699252151359556384547780117738474040924875;
    uint256 private constant BETA_Y1 = 5819629833853300619003542364961200727640272315657190993039921719177653443295;
    uint256 private constant BETA_Y2 = 14527466784307734745767872161584394133684608863663015604588038977977194926458;
    uint256 private constant GAMMA_X1 = 11559732032986387107991004021392285783925812861821192530917403151452391805634;
    uint256 private constant GAMMA_X2 = 10857046999023057135944570762232829481370756359578518086990519993285655852781;
    uint256 private constant GAMMA_Y1 = 4082367875863433681332203403145435568316851327593401208105741076214120093531;
    uint256 private constant GAMMA_Y2 = 8495653923123431417604973247489272438418190587263600148770280649306958101930;
    uint256 private constant DELTA_X1 = 793431013935283952387987653387764988351727241847770694570339350546509912060;
    uint256 private constant DELTA_X2 = 13130360981310586878441367669970812276924151154336517900177970158690975056991;
    uint256 private constant DELTA_Y1 = 6163329960626568369128200316404486533118114285829912700846876133235583455373;
    uint256 private constant DELTA_Y2 = 16822883640223382329962799608508036483469550730628976289101149447877723063983;
    uint256 private constant IC0X = 816276191341078192663890957123571741900480234189222274255940385525389976782;
    uint256 private constant IC0Y = 5483642901021988564178296487416897921505609279809597857330257299045480578279;
    uint256 private constant IC1X = 6456288572316871028863909033786628067111952450071512588908861027810119095125;
    uint256 private constant IC1Y = 8350146804228372740846958285012260810780550170478596734965179974828784608349;
    uint256 private constant IC2X = 10534674127502767445814478246082126883108862939390768749511155740343403288802;
    uint256 private constant IC2Y = 20220644215936978065152844845152087216335415284522811878089278885964981645365;
    uint256 private constant IC3X = 20985450643825836689189117618746006821960207311091813924034934233653264162485;
    uint256 private constant IC3Y = 18280967715137373656203188089619609959870460909456106520637121909498572832478;
    uint256 private constant IC4X = 1839399856853493597925918364648850896734714757126106463831784988381251496412;
    uint256 private constant IC4Y = 19481082567913959692007192847285682891617082450863277463109475446186559436263;
    uint256 private constant IC5X = 7341128184469246313104006816212306783676585231168510604032786797065769029447;
    uint256 private constant IC5Y = 9846608131362394394311383881944628183435066956407381553311101245630520172935;

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
