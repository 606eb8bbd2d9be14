/**
 * The contracts the SDK has typed clients for: name → ABI (no bytecode) and the typechain interface type the
 * client is typed by. The deploy pipeline deploys these under the same names.
 */
import { Contract, type ContractRunner } from "ethers";

import {
  attestationDisclosureVerifierAbi,
  attestationOffchainAbi,
  attestationRegistryAbi,
  attestationSchemaRegistryAbi,
  councilTimelockAbi,
  delayedInboxAbi,
  exitControllerAbi,
  identityGroth16VerifierAbi,
  identityRegistryAbi,
  rollupVaultAbi,
  sequencerInboxAbi,
  sequencerSetAbi,
  slaConfigAbi,
  stateCommitmentAbi,
  zkIdentityVerifierAbi,
} from "./abi/index.js";
import { sdkErrorsAbi } from "./abi/errors.js";
import type * as tc from "./typechain/index.js";

/** ABIs of the contracts a deployment record holds, by deployment name. */
export const CONTRACT_ABIS = {
  ExitController: exitControllerAbi,
  CouncilTimelock: councilTimelockAbi,
  SlaConfig: slaConfigAbi,
  DelayedInbox: delayedInboxAbi,
  SequencerSet: sequencerSetAbi,
  SequencerInbox: sequencerInboxAbi,
  StateCommitment: stateCommitmentAbi,
  RollupVault: rollupVaultAbi,
  AttestationSchemaRegistry: attestationSchemaRegistryAbi,
  AttestationRegistry: attestationRegistryAbi,
  AttestationOffchain: attestationOffchainAbi,
  AttestationDisclosureVerifier: attestationDisclosureVerifierAbi,
  /** The identity circuit's generated verifier (depth 20 or 32 build; same ABI). */
  IdentityGroth16Verifier: identityGroth16VerifierAbi,
  IdentityRegistry: identityRegistryAbi,
  ZkIdentityVerifier: zkIdentityVerifierAbi,
} as const;

/** A contract name known to the SDK. */
export type ContractName = keyof typeof CONTRACT_ABIS;

/** The typed ethers client of each contract (typechain's interface types; no factory, no bytecode). */
export interface ContractTypes {
  ExitController: tc.ExitController;
  CouncilTimelock: tc.CouncilTimelock;
  SlaConfig: tc.SlaConfig;
  DelayedInbox: tc.DelayedInbox;
  SequencerSet: tc.SequencerSet;
  SequencerInbox: tc.SequencerInbox;
  StateCommitment: tc.StateCommitment;
  RollupVault: tc.RollupVault;
  AttestationSchemaRegistry: tc.AttestationSchemaRegistry;
  AttestationRegistry: tc.AttestationRegistry;
  AttestationOffchain: tc.AttestationOffchain;
  AttestationDisclosureVerifier: tc.AttestationDisclosureVerifier;
  IdentityGroth16Verifier: tc.Identity20Groth16Verifier;
  IdentityRegistry: tc.IdentityRegistry;
  ZkIdentityVerifier: tc.ZkIdentityVerifier;
}

type Fragment = { readonly type: string; readonly name?: string; readonly inputs?: readonly { readonly type: string }[] };

/**
 * A contract's ABI plus every other deployable contract's custom errors, so that a revert bubbling up from a
 * contract it calls (e.g. `UnknownAttestation` from the registry) decodes too. A name the contract already has is
 * not added again (the rare overloaded name still decodes through `decodeRevert`, which matches by selector).
 */
export function abiWithAllErrors(abi: readonly Fragment[]): Fragment[] {
  // By name, not signature: an added overload (e.g. another contract's `SignatureExpired`) would make the contract's
  // own error ambiguous by name for ethers (`interface.getError("SignatureExpired")`, chai's revertedWithCustomError).
  const names = new Set(abi.filter((f) => f.type === "error").map((f) => f.name));
  const added: Fragment[] = [];
  for (const f of sdkErrorsAbi as readonly Fragment[]) {
    if (names.has(f.name)) continue;
    names.add(f.name);
    added.push(f);
  }
  return [...abi, ...added];
}

/**
 * A typed ethers client for `name` at `address`, built from the ABI alone.
 * @param name the contract's deployment name
 * @param address where it is deployed
 * @param runner a signer (to send transactions) or provider (read-only)
 */
export function contractClient<N extends ContractName>(name: N, address: string, runner: ContractRunner | null): ContractTypes[N] {
  return new Contract(address, abiWithAllErrors(CONTRACT_ABIS[name]), runner) as unknown as ContractTypes[N];
}

/**
 * Pre-v1 name: name → `{ connect(address, runner) }`, typechain-factory shaped but without bytecode.
 * @deprecated use {@link contractClient} or the ABIs from `@sovereign-stack/sdk/abi`.
 */
export const CONTRACT_FACTORIES = Object.fromEntries(
  (Object.keys(CONTRACT_ABIS) as ContractName[]).map((n) => [n, { abi: CONTRACT_ABIS[n], connect: (address: string, runner: ContractRunner | null) => contractClient(n, address, runner) }]),
) as { readonly [N in ContractName]: { readonly abi: (typeof CONTRACT_ABIS)[N]; connect(address: string, runner: ContractRunner | null): ContractTypes[N] } };
