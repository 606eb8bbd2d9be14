pragma circom 2.1.5;

include "../identity.circom";

// Signature mode, depth 32.
component main {public [message, policy, issuerAx]} = IdentitySignature(32);
