/**
 * The stack manifest: every contract the project deploys, in dependency order.
 * Each capability adds its components here; `npm run deploy`, the demo and the tests all use it.
 */
import type { Component } from "./deployer.ts";
import { localComponents, rollupComponents, type RollupSettings } from "./stack/rollup.ts";
import { attestationComponents } from "./stack/attestation.ts";
import { identityComponents } from "./stack/identity.ts";
import { tokentableComponents } from "./stack/tokentable.ts";

export interface StackSettings {
  readonly rollup: RollupSettings;
  readonly local: boolean;
  readonly allowWeakCouncil?: boolean;
  readonly warn?: (line: string) => void;
}

/** Builds the manifest for a network. */
export function stackComponents(settings: StackSettings): Component[] {
  const warn = settings.warn ?? ((l: string) => console.warn(l));
  return [
    ...rollupComponents(settings.rollup, { local: settings.local, allowWeakCouncil: settings.allowWeakCouncil ?? false, warn }),
    ...attestationComponents(),
    ...identityComponents(),
    ...tokentableComponents(),
    ...(settings.local ? localComponents() : []),
  ];
}
