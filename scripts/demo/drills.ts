/**
 * The drills `npm run demo` runs, in order. Each capability adds its drill here.
 */
import type { Stack } from "@sovereign-stack/sdk";
import type { OpenNetwork } from "../lib/network.ts";
import type { Timeline } from "./timeline.ts";
import { attestationDrill } from "./drills/attestation.ts";

export interface DrillContext {
  readonly net: OpenNetwork;
  readonly stack: Stack;
  readonly timeline: Timeline;
}

export interface Drill {
  readonly name: string;
  run(ctx: DrillContext): Promise<void>;
}

export const DRILLS: readonly Drill[] = [attestationDrill];
