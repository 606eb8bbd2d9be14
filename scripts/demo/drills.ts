/**
 * The drills `npm run demo` runs, in order. Each capability adds its drill here.
 */
import type { Stack } from "@sovereign-stack/sdk";
import type { OpenNetwork } from "../lib/network.ts";
import type { Timeline } from "./timeline.ts";
import type { RollupSettings } from "../lib/stack/rollup.ts";
import { attestationDrill } from "./drills/attestation.ts";
import { identityDrill } from "./drills/identity.ts";
import { tokentableDrill } from "./drills/tokentable.ts";

export interface DrillContext {
  readonly net: OpenNetwork;
  readonly stack: Stack;
  readonly timeline: Timeline;
  /** Who holds which rollup role (addresses of the network's unlocked accounts). */
  readonly rollup: RollupSettings;
}

export interface Drill {
  readonly name: string;
  run(ctx: DrillContext): Promise<void>;
}

import { rollupDrill } from "./drills/rollup.ts";
import { chainDrill } from "./drills/chain.ts";
import { failoverDrill } from "./drills/failover.ts";

export const DRILLS: readonly Drill[] = [rollupDrill, attestationDrill, identityDrill, tokentableDrill, chainDrill, failoverDrill];
