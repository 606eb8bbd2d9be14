pragma circom 2.1.5;

include "../identity.circom";

// Membership mode, depth 32.
component main {public [message, policy]} = IdentityMembership(32);
