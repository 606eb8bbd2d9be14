/**
 * Attestation registry components: schema registry, registry, off-chain anchor and disclosure verifier.
 */
import type { Component } from "../deployer.ts";

export function attestationComponents(): Component[] {
  return [
    { name: "AttestationSchemaRegistry", args: () => [] },
    { name: "AttestationRegistry", args: (ctx) => [ctx.addressOf("AttestationSchemaRegistry")] },
    { name: "AttestationOffchain", args: () => [] },
    { name: "AttestationDisclosureVerifier", args: (ctx) => [ctx.addressOf("AttestationRegistry")] },
  ];
}
