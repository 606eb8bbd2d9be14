/**
 * The contracts the SDK has typed clients for: name → generated typechain factory.
 * The deploy pipeline deploys these under the same names.
 */
import {
  AttestationDisclosureVerifier__factory,
  AttestationOffchain__factory,
  AttestationRegistry__factory,
  AttestationSchemaRegistry__factory,
} from "./typechain/index.js";

export const CONTRACT_FACTORIES = {
  AttestationSchemaRegistry: AttestationSchemaRegistry__factory,
  AttestationRegistry: AttestationRegistry__factory,
  AttestationOffchain: AttestationOffchain__factory,
  AttestationDisclosureVerifier: AttestationDisclosureVerifier__factory,
} as const;

/** A contract name known to the SDK. */
export type ContractName = keyof typeof CONTRACT_FACTORIES;
