// GENERATED FILE — do not edit. Produced by `node scripts/batch-verifier.ts` from
// circuits/artifacts/identity_32/identity_32.vkey.json sha256 8364aedd8e90018594ad004de7f0fffc61e23966de270c948c656e52379c4681.
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
    uint256 private constant DELTA_X1 = 13600130465567270650276862029655852109323050403167843705289782315870553445649;
    uint256 private constant DELTA_X2 = 6204594315300455349471819638008327594597111373408198870546311923759164532958;
    uint256 private constant DELTA_Y1 = 6519357071967690890614568710265804918141015458818255395102778180733857141525;
    uint256 private constant DELTA_Y2 = 2277842399018709911019758478420197169213293537640480590455902259275539211908;
    uint256 private constant IC0X = 1856934623797912610224419707253606444851899798849985051964814694800701336511;
    uint256 private constant IC0Y = 7844494935287518346778518361489127383372114946580514380407040246243641161852;
    uint256 private constant IC1X = 1399035713583166988200397323476008621887644237153639975326968971643299667170;
    uint256 private constant IC1Y = 19378677135040603355390087510883499429629532807813008886145128690121526191760;
    uint256 private constant IC2X = 21552999323034958096260932081456633171911942396064150053592068532983152524475;
    uint256 private constant IC2Y = 268694983544208169257424469296608476533087083235704560821224055944459393554;
    uint256 private constant IC3X = 6251120256661129324673459701079874466920270210446496956228198052342885848580;
    uint256 private constant IC3Y = 12967530171797210939812237266900460718110773387397765393623635765825308784616;
    uint256 private constant IC4X = 19690290354192906728458598707417418807749024660413933602663032094819133045177;
    uint256 private constant IC4Y = 5005092840356708626452536832355258754000987715077056790409797231680728165921;
    uint256 private constant IC5X = 20796377797036600977740199281753570575093291285637589946336317551022343929555;
    uint256 private constant IC5Y = 6013266571026683179381518124552029976890124389272525674852917641729301308743;

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
