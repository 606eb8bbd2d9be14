// GENERATED FILE — do not edit. Produced by `node scripts/batch-verifier.ts` from
// circuits/artifacts/identity_20/identity_20.vkey.json sha256 b3924f15c8c5220dc41b8cb88ea4fb59d2e264c20ddfe978433bfe1201773a2b.
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
    uint256 private constant DELTA_X1 = 6039828940166210209457246830606291580479107202175779012148004738000839252263;
    uint256 private constant DELTA_X2 = 15713605463842739071476886714759501672042742371656706143246287138759299571012;
    uint256 private constant DELTA_Y1 = 5198737155299611602499341715513067821047087547037242671833029287385760884785;
    uint256 private constant DELTA_Y2 = 11275752178177158277072748169069414243186905530541777887559275290099697104611;
    uint256 private constant IC0X = 370571112311226068606299222013280865742146024020061209860729943004055030307;
    uint256 private constant IC0Y = 21860523295315922968836741164068604963203378916402139790072392591535360090132;
    uint256 private constant IC1X = 8538533872579567547406280243120278800229266499727262776313011184355334883320;
    uint256 private constant IC1Y = 1843577799896128508344078024927199543841208421843250068606998733707784098429;
    uint256 private constant IC2X = 15253515799531597836077540225083471943214565193582398229799790234121572793089;
    uint256 private constant IC2Y = 10720466611272451240549674394083285044032720711954021116823140525765643822043;
    uint256 private constant IC3X = 21296493270877566070987760552400435812434165995904115278998815586271924885762;
    uint256 private constant IC3Y = 9273366498057527765366229505931430812038147844479112426199405150957925683;
    uint256 private constant IC4X = 3730415085715894992459631304477818207160816514320939765106444807819134769386;
    uint256 private constant IC4Y = 11484551296840963417279357032911059493307869405239382144525850787282626528690;
    uint256 private constant IC5X = 1331954980331526318078708633511073496594384306373994487175369882101101437309;
    uint256 private constant IC5Y = 11388448772864060745842509267575858108301405236069166372536666898986181028114;

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
