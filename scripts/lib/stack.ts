/**
 * The stack manifest: every contract the project deploys, in dependency order.
 * Each capability adds its components here; `npm run deploy`, the demo and the tests all use it.
 */
import type { Component } from "./deployer.ts";
import { attestationComponents } from "./stack/attestation.ts";

export interface StackSettings {
  /** Reserved for capability settings (council, SLA, validators...). */
  readonly [key: string]: unknown;
}

/** Builds the manifest for a network. */
export function stackComponents(_settings: StackSettings = {}): Component[] {
  return [...attestationComponents()];
}
