pragma circom 2.1.5;

// Sovereign Stack — ZK national identity credential circuit.
//
// Proves, without revealing who the citizen is:
//   * knowledge of an identity secret whose Poseidon commitment is in a credential;
//   * the credential (commitment, birth date, region, expiry) is signed by the issuer (EdDSA-Poseidon, Baby Jubjub);
//   * the credential leaf is in the issuer's registry tree (LeanIMT-compatible, dynamic depth <= MAX_DEPTH);
//   * age >= minAge at currentDate, region in the allowed set, credential not expired at currentDate;
//   * a scoped nullifier Poseidon(scope, secret), and a binding to a public message (e.g. the recipient).
//
// Dates are calendar dates encoded as the integer YYYYMMDD, so "age >= minAge" is exactly
// birthDate + minAge * 10000 <= currentDate (a person born on 29 February comes of age on 1 March).
//
// Public signals, in order: [root, nullifier, issuerAx, message, policy]
//   policy packs the verifier's demands (see docs in the SDK `identity/policy.ts`):
//     bits   0..31   currentDate (YYYYMMDD)
//     bits  32..39   minAge (years)
//     bits  40..103  allowed regions: 4 slots of 16 bits, 0 = unused slot (region codes are 1..65535)
//     bits 104..223  scope (120 bits)
include "poseidon.circom";
include "eddsaposeidon.circom";
include "comparators.circom";
include "bitify.circom";
include "binary-merkle-root.circom";

template ZkIdentity(MAX_DEPTH) {
    var N_REGIONS = 4;

    // ---- private inputs
    signal input secret;
    signal input birthDate;
    signal input region;
    signal input expiry;
    signal input issuerAy;
    signal input sigS;
    signal input sigR8x;
    signal input sigR8y;
    signal input treeDepth;
    signal input leafIndex;
    signal input siblings[MAX_DEPTH];

    // ---- public inputs
    signal input issuerAx;
    signal input message;
    signal input policy;

    // ---- public outputs
    signal output root;
    signal output nullifier;

    // Policy decoding: Num2Bits(224) also range-checks policy < 2^224, so the decoding is unique.
    signal policyBits[224] <== Num2Bits(224)(policy);
    var currentDate = 0;
    for (var i = 0; i < 32; i++) currentDate += policyBits[i] * (1 << i);
    var minAge = 0;
    for (var i = 0; i < 8; i++) minAge += policyBits[32 + i] * (1 << i);
    var regions[N_REGIONS];
    for (var r = 0; r < N_REGIONS; r++) {
        regions[r] = 0;
        for (var i = 0; i < 16; i++) regions[r] += policyBits[40 + 16 * r + i] * (1 << i);
    }
    var scope = 0;
    for (var i = 0; i < 120; i++) scope += policyBits[104 + i] * (1 << i);

    // Identity: commitment = Poseidon(secret).
    signal commitment <== Poseidon(1)([secret]);

    // Credential hash, signed by the issuer; it is also the registry tree leaf.
    signal credential <== Poseidon(4)([commitment, birthDate, region, expiry]);
    EdDSAPoseidonVerifier()(1, issuerAx, issuerAy, sigS, sigR8x, sigR8y, credential);

    // Membership in the issuer's registry tree (LeanIMT: levels without a right sibling are skipped).
    // BinaryMerkleRoot outputs 0 if treeDepth > MAX_DEPTH; the registry never accepts a zero root.
    root <== BinaryMerkleRoot(MAX_DEPTH)(credential, treeDepth, leafIndex, siblings);

    // Range checks on the private dates (the comparators below need bounded operands).
    _ <== Num2Bits(32)(birthDate);
    _ <== Num2Bits(32)(expiry);

    // Age: birthDate + minAge * 10000 <= currentDate.
    signal adult <== LessEqThan(34)([birthDate + minAge * 10000, currentDate]);
    adult === 1;

    // Not expired: currentDate < expiry.
    signal valid <== LessThan(33)([currentDate, expiry]);
    valid === 1;

    // Residency: region != 0 and region is one of the allowed slots.
    signal regionInv <-- region != 0 ? 1 / region : 0;
    region * regionInv === 1;
    signal diffProd[N_REGIONS];
    diffProd[0] <== region - regions[0];
    for (var r = 1; r < N_REGIONS; r++) diffProd[r] <== diffProd[r - 1] * (region - regions[r]);
    diffProd[N_REGIONS - 1] === 0;

    // Scoped nullifier.
    nullifier <== Poseidon(2)([scope, secret]);

    // Binding to the message (recipient): a dummy quadratic constraint keeps it in the proof.
    signal messageSquare <== message * message;
}
