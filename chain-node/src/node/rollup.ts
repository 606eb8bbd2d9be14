/**
 * The L1 contracts a node talks to, taken from a deployment record (`deployments/<network>.json`, the SDK's
 * `Deployment`), and the deployment block where reading L1 starts.
 */
import { deployBlockOf, type Deployment } from "@sovereign-stack/sdk";

/** The rollup's L1 addresses a node needs. */
export interface RollupAddresses {
  readonly delayedInbox: string;
  readonly sequencerInbox: string;
  readonly sequencerSet: string;
  readonly stateCommitment: string;
  /** The earliest deploy block of the inboxes: L1 events of the rollup start there. */
  readonly deployBlock: bigint;
}

/** A deployment record that lacks a rollup contract. */
export class DeploymentRecordError extends Error {
  override readonly name = "DeploymentRecordError";
}

const NEEDED = ["DelayedInbox", "SequencerInbox", "SequencerSet", "StateCommitment"] as const;

/** The rollup's addresses from a deployment record. */
export function rollupAddresses(d: Deployment): RollupAddresses {
  for (const n of NEEDED) if (d.contracts[n] === undefined) throw new DeploymentRecordError(`deployment record (network ${d.network}) has no ${n}: deploy the rollup first (npm run deploy)`);
  const c = d.contracts;
  const blocks = [deployBlockOf(c["DelayedInbox"]!), deployBlockOf(c["SequencerInbox"]!)];
  return {
    delayedInbox: c["DelayedInbox"]!.address,
    sequencerInbox: c["SequencerInbox"]!.address,
    sequencerSet: c["SequencerSet"]!.address,
    stateCommitment: c["StateCommitment"]!.address,
    deployBlock: blocks[0]! < blocks[1]! ? blocks[0]! : blocks[1]!,
  };
}
