pragma circom 2.1.5;

include "../identity.circom";

component main {public [issuerAx, message, policy]} = ZkIdentity(20);
