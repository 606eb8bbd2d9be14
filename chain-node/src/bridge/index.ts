/** The L2 bridge as the node sees it: fixed addresses, deposit system calls, genesis predeploys. */
export { DEPOSIT_CALL_GAS, L2_BRIDGE_ADDRESS, L2_IDENTITY_REGISTRY_ADDRESS, SYSTEM_SENDER } from "./addresses.ts";
export { FINALIZE_DEPOSIT_SELECTOR, depositCalldata } from "./deposit.ts";
export { l2Predeploys, loadL2PredeployCode, type L2PredeployCode } from "./genesis.ts";
