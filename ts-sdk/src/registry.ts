/**
 * The contracts the SDK has typed clients for: name → generated typechain factory.
 * The deploy pipeline deploys these under the same names.
 */
import { Identity20Groth16Verifier__factory, IdentityRegistry__factory, ZkIdentityVerifier__factory } from "./typechain/index.js";

export const CONTRACT_FACTORIES = {
  /** The identity circuit's generated verifier (depth 20 or 32 build; same ABI). */
  IdentityGroth16Verifier: Identity20Groth16Verifier__factory,
  IdentityRegistry: IdentityRegistry__factory,
  ZkIdentityVerifier: ZkIdentityVerifier__factory,
} as const;

/** A contract name known to the SDK. */
export type ContractName = keyof typeof CONTRACT_FACTORIES;
