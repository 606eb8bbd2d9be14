/**
 * Deploy components of the ZK national identity capability: the generated Groth16 verifiers and batch verifiers of
 * the identity circuit's two modes, signature and membership (depth 20 by default; IDENTITY_CIRCUIT_DEPTH=32 for the
 * production builds), the issuer registry
 * (owned by governance: IDENTITY_GOVERNANCE if set, else the council's timelock (CouncilTimelock, an
 * OpenZeppelin TimelockController) on a public network, or the deployer on a local one; it follows the rollup's
 * StateCommitment when the manifest has one), and the ZkIdentityVerifier that consumers (attestation
 * hooks, TokenTable, benefits) call.
 */
import { ZeroAddress } from "ethers";

import type { Component, DeployContext } from "../deployer.ts";
import { DeployError } from "../deployer.ts";

/**
 * The rollup's StateCommitment when the manifest deploys one (the registry then imports issuers' roots from its
 * finalized identity roots, so identity outlives the chain), else the zero address (identity alone).
 */
function stateCommitmentOf(ctx: DeployContext): string {
  try {
    return ctx.addressOf("StateCommitment");
  } catch (e) {
    if (e instanceof DeployError) return ZeroAddress;
    throw e;
  }
}

/** Circuit builds with a committed ceremony and generated verifier. */
export const IDENTITY_DEPTHS = ["20", "32"] as const;

export function identityComponents(depth: string = process.env.IDENTITY_CIRCUIT_DEPTH ?? "20"): Component[] {
  if (!(IDENTITY_DEPTHS as readonly string[]).includes(depth)) {
    throw new DeployError(`IDENTITY_CIRCUIT_DEPTH=${depth}: choose ${IDENTITY_DEPTHS.join(" or ")} (the circuit builds with a ceremony)`);
  }
  return [
    { name: "IdentityGroth16Verifier", artifact: `Identity${depth}Groth16Verifier`, args: () => [] },
    { name: "IdentityMembershipGroth16Verifier", artifact: `IdentityMembership${depth}Groth16Verifier`, args: () => [] },
    { name: "IdentityGroth16BatchVerifier", artifact: `Identity${depth}Groth16BatchVerifier`, args: () => [] },
    { name: "IdentityMembershipGroth16BatchVerifier", artifact: `IdentityMembership${depth}Groth16BatchVerifier`, args: () => [] },
    {
      name: "IdentityRegistry",
      async args(ctx) {
        const governance = process.env.IDENTITY_GOVERNANCE;
        if (governance !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(governance)) {
          throw new DeployError(`IDENTITY_GOVERNANCE=${governance} is not an address`);
        }
        // Off local networks the council owns issuer registration, through its timelock (CouncilTimelock).
        const owner = governance ?? (ctx.local ? await ctx.deployer.getAddress() : ctx.addressOf("CouncilTimelock"));
        return [owner, stateCommitmentOf(ctx)];
      },
    },
    {
      name: "ZkIdentityVerifier",
      args: (ctx) => [
        ctx.addressOf("IdentityGroth16Verifier"),
        ctx.addressOf("IdentityMembershipGroth16Verifier"),
        ctx.addressOf("IdentityGroth16BatchVerifier"),
        ctx.addressOf("IdentityMembershipGroth16BatchVerifier"),
        ctx.addressOf("IdentityRegistry"),
      ],
    },
  ];
}
