/**
 * The contracts the SDK has typed clients for: name → generated typechain factory.
 * The deploy pipeline deploys these under the same names.
 */
export const CONTRACT_FACTORIES = {} as const;

/** A contract name known to the SDK. */
export type ContractName = keyof typeof CONTRACT_FACTORIES;
