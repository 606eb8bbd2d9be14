/**
 * Deploy components of the ZK national identity capability: the generated Groth16 verifier of the identity
 * circuit, the issuer registry (owned by governance: the deployer on a local network, or IDENTITY_GOVERNANCE),
 * and the ZkIdentityVerifier that consumers (attestation hooks, TokenTable, benefits) call.
 */
import type { Component } from "../deployer.ts";
import { DeployError } from "../deployer.ts";

export function identityComponents(): Component[] {
  return [
    { name: "Identity20Groth16Verifier", args: () => [] },
    {
      name: "IdentityRegistry",
      async args(ctx) {
        const governance = process.env.IDENTITY_GOVERNANCE;
        if (governance !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(governance)) {
          throw new DeployError(`IDENTITY_GOVERNANCE=${governance} is not an address`);
        }
        if (governance === undefined && !ctx.local) {
          throw new DeployError("set IDENTITY_GOVERNANCE to the governance address that will own the IdentityRegistry");
        }
        return [governance ?? (await ctx.deployer.getAddress())];
      },
    },
    {
      name: "ZkIdentityVerifier",
      args: (ctx) => [ctx.addressOf("Identity20Groth16Verifier"), ctx.addressOf("IdentityRegistry")],
    },
  ];
}
