pragma circom 2.1.5;

include "../identity.circom";

// Membership mode, depth 20.
component main {public [message, policy]} = IdentityMembership(20);
