/**
 * TokenTable components of the stack manifest: the shared `MerkleCampaigns` contract (many campaigns, each with
 * its own funds; attestation- and ZK-gated claims through the stack's registry and identity verifier).
 * `TokenVesting` is deployed per programme by the ministry that runs it (its admin and one-way switches are the
 * programme's), not as part of the stack.
 */
import type { Component } from "../deployer.ts";

export function tokentableComponents(): Component[] {
  return [{ name: "MerkleCampaigns", args: (ctx) => [ctx.addressOf("AttestationRegistry"), ctx.addressOf("ZkIdentityVerifier")] }];
}
