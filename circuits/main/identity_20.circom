pragma circom 2.1.5;

include "../identity.circom";

// Signature mode, depth 20.
component main {public [message, policy, issuerAx]} = IdentitySignature(20);
