pragma circom 2.1.5;

// Sovereign Stack — ZK national identity credential circuits, in two modes.
//
// Both modes prove, without revealing who the citizen is:
//   * knowledge of an identity secret whose Poseidon commitment is in a credential;
//   * the credential leaf Poseidon(commitment, birthDate, region, expiry) is in the issuer's registry tree
//     (LeanIMT-compatible, dynamic depth <= MAX_DEPTH), whose root the issuer publishes on-chain;
//   * age >= minAge at currentDate, region in the allowed set, credential not expired at currentDate;
//   * a scoped nullifier Poseidon(scope, secret), and a binding to a public message (e.g. the recipient).
//
// Membership mode (IdentityMembership): nothing more. The published root is the issuer's authentication.
// Signature mode (IdentitySignature): also the issuer's EdDSA-Poseidon (Baby Jubjub) signature over the leaf,
// under the public key x `issuerAx`, so the credential is authentic without trusting the registry tree.
//
// Dates are calendar dates encoded as the integer YYYYMMDD, so "age >= minAge" is exactly
// birthDate + minAge * 10000 <= currentDate (a person born on 29 February comes of age on 1 March).
// birthDate, region and expiry are the issuer's: the issuer enrols (and signs) them only after the SDK checked
// them (valid dates below 2^32, region 1..65535), so the circuit does not range-check them again.
//
// Public signals, in order:
//   membership mode: [root, nullifier, message, policy]
//   signature mode:  [root, nullifier, message, policy, issuerAx]
// `policy` packs the verifier's demands and the mode (see the SDK `identity/policy.ts`):
//     bits   0..31   currentDate (YYYYMMDD)
//     bits  32..39   minAge (years)
//     bits  40..103  allowed regions: 4 slots of 16 bits, 0 = unused slot (region codes are 1..65535)
//     bits 104..223  scope (120 bits)
//     bit  224       mode: 0 membership, 1 signature (each circuit fixes its own)
include "poseidon.circom";
include "eddsaposeidon.circom";
include "comparators.circom";
include "bitify.circom";
include "binary-merkle-root.circom";

// Decodes the policy word of a circuit of mode MODE. Num2Bits(224) range-checks the low part, so the decoding
// is unique and the mode bit is MODE.
template PolicyWord(MODE) {
    var N_REGIONS = 4;
    signal input policy;
    signal output currentDate;
    signal output minAge;
    signal output regions[N_REGIONS];
    signal output scope;

    signal bits[224] <== Num2Bits(224)(policy - MODE * (1 << 224));
    var acc = 0;
    for (var i = 0; i < 32; i++) acc += bits[i] * (1 << i);
    currentDate <== acc;
    acc = 0;
    for (var i = 0; i < 8; i++) acc += bits[32 + i] * (1 << i);
    minAge <== acc;
    for (var r = 0; r < N_REGIONS; r++) {
        acc = 0;
        for (var i = 0; i < 16; i++) acc += bits[40 + 16 * r + i] * (1 << i);
        regions[r] <== acc;
    }
    acc = 0;
    for (var i = 0; i < 120; i++) acc += bits[104 + i] * (1 << i);
    scope <== acc;
}

// What both modes prove. Outputs the credential leaf (for the signature check), the root and the nullifier.
template IdentityCore(MAX_DEPTH, MODE) {
    var N_REGIONS = 4;

    signal input secret;
    signal input birthDate;
    signal input region;
    signal input expiry;
    signal input treeDepth;
    signal input leafIndex;
    signal input siblings[MAX_DEPTH];
    signal input message;
    signal input policy;

    signal output leaf;
    signal output root;
    signal output nullifier;

    component p = PolicyWord(MODE);
    p.policy <== policy;

    // Identity: commitment = Poseidon(secret).
    signal commitment <== Poseidon(1)([secret]);

    // Credential leaf of the issuer's registry tree (and, in signature mode, what the issuer signs).
    leaf <== Poseidon(4)([commitment, birthDate, region, expiry]);

    // Membership (LeanIMT: levels without a right sibling are skipped). BinaryMerkleRoot outputs 0 if
    // treeDepth > MAX_DEPTH; the registry never accepts a zero root.
    root <== BinaryMerkleRoot(MAX_DEPTH)(leaf, treeDepth, leafIndex, siblings);

    // Age: birthDate + minAge * 10000 <= currentDate (operands below 2^33: dates < 2^32, minAge < 2^8).
    signal adult <== LessEqThan(33)([birthDate + p.minAge * 10000, p.currentDate]);
    adult === 1;

    // Not expired: currentDate < expiry (both below 2^32).
    signal valid <== LessThan(32)([p.currentDate, expiry]);
    valid === 1;

    // Residency: region != 0 and region is one of the allowed slots.
    signal regionInv <-- region != 0 ? 1 / region : 0;
    region * regionInv === 1;
    signal diffProd[N_REGIONS];
    diffProd[0] <== region - p.regions[0];
    for (var r = 1; r < N_REGIONS; r++) diffProd[r] <== diffProd[r - 1] * (region - p.regions[r]);
    diffProd[N_REGIONS - 1] === 0;

    // Scoped nullifier.
    nullifier <== Poseidon(2)([p.scope, secret]);

    // Binding to the message (recipient): a dummy quadratic constraint keeps it in the proof.
    signal messageSquare <== message * message;
}

// Membership mode: the registry tree authenticates the credential.
template IdentityMembership(MAX_DEPTH) {
    signal input secret;
    signal input birthDate;
    signal input region;
    signal input expiry;
    signal input treeDepth;
    signal input leafIndex;
    signal input siblings[MAX_DEPTH];

    signal input message;
    signal input policy;

    signal output root;
    signal output nullifier;

    component core = IdentityCore(MAX_DEPTH, 0);
    core.secret <== secret;
    core.birthDate <== birthDate;
    core.region <== region;
    core.expiry <== expiry;
    core.treeDepth <== treeDepth;
    core.leafIndex <== leafIndex;
    core.siblings <== siblings;
    core.message <== message;
    core.policy <== policy;
    root <== core.root;
    nullifier <== core.nullifier;
}

// Signature mode: the issuer's EdDSA-Poseidon signature over the leaf, under the public key x `issuerAx`, too.
template IdentitySignature(MAX_DEPTH) {
    signal input secret;
    signal input birthDate;
    signal input region;
    signal input expiry;
    signal input treeDepth;
    signal input leafIndex;
    signal input siblings[MAX_DEPTH];
    signal input issuerAy;
    signal input sigS;
    signal input sigR8x;
    signal input sigR8y;

    signal input message;
    signal input policy;
    signal input issuerAx;

    signal output root;
    signal output nullifier;

    component core = IdentityCore(MAX_DEPTH, 1);
    core.secret <== secret;
    core.birthDate <== birthDate;
    core.region <== region;
    core.expiry <== expiry;
    core.treeDepth <== treeDepth;
    core.leafIndex <== leafIndex;
    core.siblings <== siblings;
    core.message <== message;
    core.policy <== policy;
    root <== core.root;
    nullifier <== core.nullifier;

    EdDSAPoseidonVerifier()(1, issuerAx, issuerAy, sigS, sigR8x, sigR8y, core.leaf);
}
