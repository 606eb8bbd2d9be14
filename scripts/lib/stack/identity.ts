/**
 * Deploy components of the ZK national identity capability: the generated Groth16 verifier of the identity
 * circuit (depth 20 by default; IDENTITY_CIRCUIT_DEPTH=32 for the production build) and its batch verifier, the issuer registry
 * (owned by governance: IDENTITY_GOVERNANCE if set, else the council's timelock (CouncilTimelock, an
 * OpenZeppelin TimelockController) on a public network, or the deployer on a local one), and the ZkIdentityVerifier that consumers (attestation
 * hooks, TokenTable, benefits) call.
 */
import type { Component } from "../deployer.ts";
import { DeployError } from "../deployer.ts";

/** Circuit builds with a committed ceremony and generated verifier. */
export const IDENTITY_DEPTHS = ["20", "32"] as const;

export function identityComponents(depth: string = process.env.IDENTITY_CIRCUIT_DEPTH ?? "20"): Component[] {
  if (!(IDENTITY_DEPTHS as readonly string[]).includes(depth)) {
    throw new DeployError(`IDENTITY_CIRCUIT_DEPTH=${depth}: choose ${IDENTITY_DEPTHS.join(" or ")} (the circuit builds with a ceremony)`);
  }
  return [
    { name: "IdentityGroth16Verifier", artifact: `Identity${depth}Groth16Verifier`, args: () => [] },
    { name: "IdentityGroth16BatchVerifier", artifact: `Identity${depth}Groth16BatchVerifier`, args: () => [] },
    {
      name: "IdentityRegistry",
      async args(ctx) {
        const governance = process.env.IDENTITY_GOVERNANCE;
        if (governance !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(governance)) {
          throw new DeployError(`IDENTITY_GOVERNANCE=${governance} is not an address`);
        }
        if (governance !== undefined) return [governance];
        // Off local networks the council owns issuer registration, through its timelock (CouncilTimelock).
        return [ctx.local ? await ctx.deployer.getAddress() : ctx.addressOf("CouncilTimelock")];
      },
    },
    {
      name: "ZkIdentityVerifier",
      args: (ctx) => [ctx.addressOf("IdentityGroth16Verifier"), ctx.addressOf("IdentityGroth16BatchVerifier"), ctx.addressOf("IdentityRegistry")],
    },
  ];
}
