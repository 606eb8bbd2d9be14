/**
 * @sovereign-stack/sdk — typed clients for the Sovereign Stack contracts.
 *
 * The module does no I/O at import time: it can be bundled for a browser.
 */
export { SdkInputError } from "./errors.js";
export { parseDeployment, readDeployment, type Deployment, type DeployedContract } from "./deployment.js";
export { connect, CONTRACT_NAMES, type Stack, type StackContracts } from "./clients.js";
export { CONTRACT_FACTORIES, type ContractName } from "./registry.js";
export * as identity from "./identity/index.js";
export * as typechain from "./typechain/index.js";
export * from "./rollup/index.js";
export * as attestation from "./attestation/index.js";
export { AttestationClient, AttestationIndex, SchemaEncoder } from "./attestation/index.js";
