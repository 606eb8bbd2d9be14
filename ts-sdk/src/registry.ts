/**
 * The contracts the SDK has typed clients for: name → generated typechain factory.
 * The deploy pipeline deploys these under the same names.
 */
import {
  CouncilTimelock__factory,
  DelayedInbox__factory,
  ExitController__factory,
  RollupVault__factory,
  SequencerInbox__factory,
  SequencerSet__factory,
  SlaConfig__factory,
  StateCommitment__factory,
  AttestationDisclosureVerifier__factory,
  AttestationOffchain__factory,
  AttestationRegistry__factory,
  AttestationSchemaRegistry__factory,
  Identity20Groth16Verifier__factory,
  IdentityRegistry__factory,
  ZkIdentityVerifier__factory,
} from "./typechain/index.js";

export const CONTRACT_FACTORIES = {
  ExitController: ExitController__factory,
  CouncilTimelock: CouncilTimelock__factory,
  SlaConfig: SlaConfig__factory,
  DelayedInbox: DelayedInbox__factory,
  SequencerSet: SequencerSet__factory,
  SequencerInbox: SequencerInbox__factory,
  StateCommitment: StateCommitment__factory,
  RollupVault: RollupVault__factory,
  AttestationSchemaRegistry: AttestationSchemaRegistry__factory,
  AttestationRegistry: AttestationRegistry__factory,
  AttestationOffchain: AttestationOffchain__factory,
  AttestationDisclosureVerifier: AttestationDisclosureVerifier__factory,
  /** The identity circuit's generated verifier (depth 20 or 32 build; same ABI). */
  IdentityGroth16Verifier: Identity20Groth16Verifier__factory,
  IdentityRegistry: IdentityRegistry__factory,
  ZkIdentityVerifier: ZkIdentityVerifier__factory,
} as const;

/** A contract name known to the SDK. */
export type ContractName = keyof typeof CONTRACT_FACTORIES;
