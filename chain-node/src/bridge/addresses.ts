/**
 * The L2's fixed addresses. The Solidity side holds the same values (`L2Bridge.SYSTEM_SENDER`); the bridge test
 * checks they agree.
 */

/** The L2 bridge, predeployed in the genesis. */
export const L2_BRIDGE_ADDRESS = "0x5050000000000000000000000000000000000001";
/** The L2 identity registry, predeployed in the genesis. */
export const L2_IDENTITY_REGISTRY_ADDRESS = "0x5050000000000000000000000000000000000002";
/**
 * The sender of deposit system calls (`L2Bridge.SYSTEM_SENDER`). Nobody holds a key for it, and no transaction from a
 * log entry can claim it: the engine makes calls from it only for deposit items, which only the applier creates from
 * DELAYED entries whose L1 message is a Deposit.
 */
export const SYSTEM_SENDER = "0x5050000000000000000000000000000000005e5d";
/** Gas given to each deposit system call (the first deposit of a token also creates its L2 copy: about 1.3M). */
export const DEPOSIT_CALL_GAS = 5_000_000n;
