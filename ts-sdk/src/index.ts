/**
 * @sovereign-stack/sdk — typed clients for the Sovereign Stack contracts.
 *
 * The root export is browser-safe: no I/O at import time, no `node:` built-in, no contract bytecode. In Node, the
 * root also re-exports `@sovereign-stack/sdk/node` (reading deployment files). Subpaths: `./rollup`,
 * `./attestation`, `./identity`, `./distribution`, `./abi` (ABIs `as const`), `./node`, and `./typechain` (Node tooling and tests:
 * typechain factories with bytecode).
 */
export {
  BaseError,
  ContractRevertedError,
  InvalidInputError,
  NotYetError,
  RpcError,
  SDK_ERRORS_DOCS,
  SdkInputError,
  TransactionFailedError,
  decodeRevert,
  wrapError,
  type BaseErrorParameters,
} from "./errors.js";
export type { Address, Hex, PreparedCall } from "./types.js";
export { parseDeployment, chainIdOf, deployBlockOf, type Deployment, type DeployedContract } from "./deployment.js";
export { connect, codeMismatch, CONTRACT_NAMES, type ConnectOptions, type Stack, type StackContracts } from "./clients.js";
export { CONTRACT_ABIS, CONTRACT_FACTORIES, abiWithAllErrors, contractClient, type ContractName, type ContractTypes } from "./registry.js";
export * as identity from "./identity/index.js";
export * from "./rollup/index.js";
export * as attestation from "./attestation/index.js";
export { AttestationClient, AttestationIndex, SchemaEncoder } from "./attestation/index.js";
export * as distribution from "./distribution/index.js";
export { DistributionTree, distributionLeaf, vestedAmount } from "./distribution/index.js";
