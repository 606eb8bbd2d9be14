/**
 * Rollup components of the stack manifest and their deployment settings.
 */
import { readFile } from "node:fs/promises";

import { getAddress, isAddress } from "ethers";
import { DEFAULT_SLA, STAGE1_MIN_COUNCIL, STAGE1_MIN_THRESHOLD_PCT, type SlaParams } from "@sovereign-stack/sdk";

import { DeployError, type Component } from "../deployer.ts";

/** Who runs the rollup. Addresses only: keys never appear here. */
export interface RollupSettings {
  readonly council: { readonly members: readonly string[]; readonly threshold: number };
  readonly timelockDelay: number;
  readonly sequencers: readonly string[];
  readonly validators: { readonly members: readonly string[]; readonly threshold: number };
  readonly sla: SlaParams;
}

/** Default timelock on local networks (a public network needs at least 7 days, enforced on-chain). */
export const LOCAL_TIMELOCK = 3600;
export const PUBLIC_TIMELOCK = 7 * 24 * 3600;

/**
 * Settings for a throwaway local network, from its unlocked test accounts: account 0 deploys,
 * 1–8 are the council (6 of 8), 9–11 the sequencers (primary, standby 1, standby 2), 12–15 validators (3 of 4).
 */
export function localRollupSettings(accounts: readonly string[]): RollupSettings {
  if (accounts.length < 16) throw new DeployError(`the local network has ${accounts.length} accounts; 16 are needed for the default roles`);
  return {
    council: { members: accounts.slice(1, 9), threshold: 6 },
    timelockDelay: LOCAL_TIMELOCK,
    sequencers: accounts.slice(9, 12),
    validators: { members: accounts.slice(12, 16), threshold: 3 },
    sla: DEFAULT_SLA,
  };
}

function addresses(field: string, v: unknown): string[] {
  if (!Array.isArray(v) || v.length === 0) throw new DeployError(`${field} must be a non-empty array of addresses`);
  return v.map((a, i) => {
    if (typeof a !== "string" || !isAddress(a)) throw new DeployError(`${field}[${i}] is not an address: ${String(a)}`);
    return getAddress(a);
  });
}

/** The SLA as JSON numbers, the form a params file gives it in. */
function numericSla(s: SlaParams): Record<keyof SlaParams, number> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Number(v)])) as Record<keyof SlaParams, number>;
}

function positiveInt(field: string, v: unknown): number {
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw new DeployError(`${field} must be a non-negative integer, got ${String(v)}`);
  return v as number;
}

/** Reads settings for a real network from a JSON file (see deployments/params.example.json). */
export async function readRollupSettings(file: string): Promise<RollupSettings> {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  } catch (e) {
    throw new DeployError(`--params ${file}: cannot read it as JSON (${(e as Error).message.split("\n")[0]})`);
  }
  const council = (raw.council ?? {}) as Record<string, unknown>;
  const validators = (raw.validators ?? {}) as Record<string, unknown>;
  const sla = { ...numericSla(DEFAULT_SLA), ...((raw.sla ?? {}) as Record<string, unknown>) } as Record<string, unknown>;
  const slaOut = {} as Record<keyof SlaParams, bigint>;
  for (const k of Object.keys(DEFAULT_SLA) as (keyof SlaParams)[]) slaOut[k] = BigInt(positiveInt(`params.sla.${k}`, sla[k]));
  return {
    council: { members: addresses("params.council.members", council.members), threshold: positiveInt("params.council.threshold", council.threshold) },
    timelockDelay: positiveInt("params.timelockDelay", raw.timelockDelay ?? PUBLIC_TIMELOCK),
    sequencers: addresses("params.sequencers", raw.sequencers),
    validators: { members: addresses("params.validators.members", validators.members), threshold: positiveInt("params.validators.threshold", validators.threshold) },
    sla: slaOut,
  };
}

/**
 * The L2BEAT Stage 1 council floor: at least 8 members and a threshold of at least 75%.
 * Returns the reasons a council falls short (empty when it meets the floor).
 */
export function councilWeaknesses(members: number, threshold: number): string[] {
  const out: string[] = [];
  if (BigInt(members) < STAGE1_MIN_COUNCIL) out.push(`${members} members (Stage 1 needs at least ${STAGE1_MIN_COUNCIL})`);
  if (BigInt(threshold) * 100n < BigInt(members) * STAGE1_MIN_THRESHOLD_PCT) out.push(`threshold ${threshold}/${members} (Stage 1 needs at least ${STAGE1_MIN_THRESHOLD_PCT}%)`);
  return out;
}

/** The rollup's components in dependency order, with one-time wiring. */
export function rollupComponents(s: RollupSettings, opts: { local: boolean; allowWeakCouncil: boolean; warn: (l: string) => void }): Component[] {
  const weak = councilWeaknesses(s.council.members.length, s.council.threshold);
  if (weak.length > 0) {
    if (!opts.local && !opts.allowWeakCouncil) {
      throw new DeployError(
        `the exit council is weaker than L2BEAT Stage 1: ${weak.join("; ")}. Fix params.council, or pass --allow-weak-council if you accept it`,
      );
    }
    if (!opts.local) {
      opts.warn("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
      opts.warn(`!!! WARNING: deploying a council weaker than L2BEAT Stage 1: ${weak.join("; ")}`);
      opts.warn("!!! --allow-weak-council was given. Fewer officials can trigger the exit or change parameters.");
      opts.warn("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
    }
  }
  // JSON numbers in the deployment record's constructorArgs, as before (the SLA values are small).
  const slaTuple = (x: SlaParams) => [x.failoverDelay, x.heartbeatWindow, x.inclusionWindow, x.inclusionWindowBlocks, x.maxDowntime, x.maxFinalityDelay, x.finalityDelay].map(Number);
  // Every address is computed up front (CREATE3 through the StackFactory), so the order is free and every
  // cross reference is an immutable constructor argument.
  return [
    {
      name: "ExitController",
      args: (c) => [
        s.council.members,
        s.council.threshold,
        c.addressOf("SlaConfig"),
        c.addressOf("SequencerInbox"),
        c.addressOf("StateCommitment"),
        c.addressOf("CouncilTimelock"),
      ],
    },
    { name: "CouncilTimelock", args: (c) => [s.timelockDelay, c.addressOf("ExitController")] },
    { name: "SlaConfig", args: (c) => [c.addressOf("CouncilTimelock"), slaTuple(s.sla)] },
    { name: "DelayedInbox", args: (c) => [c.addressOf("ExitController"), c.addressOf("RollupVault")] },
    {
      name: "SequencerSet",
      args: (c) => [c.addressOf("CouncilTimelock"), c.addressOf("SlaConfig"), c.addressOf("ExitController"), c.addressOf("SequencerInbox"), s.sequencers],
    },
    {
      name: "SequencerInbox",
      args: (c) => [c.addressOf("SequencerSet"), c.addressOf("DelayedInbox"), c.addressOf("SlaConfig"), c.addressOf("ExitController")],
    },
    {
      name: "StateCommitment",
      args: (c) => [
        c.addressOf("CouncilTimelock"),
        c.addressOf("SlaConfig"),
        c.addressOf("SequencerInbox"),
        c.addressOf("ExitController"),
        s.validators.members,
        s.validators.threshold,
      ],
    },
    {
      name: "RollupVault",
      args: (c) => [c.addressOf("DelayedInbox"), c.addressOf("StateCommitment"), c.addressOf("ExitController")],
    },
  ];
}

/** Local-only helpers: a mintable token for drills. */
export function localComponents(): Component[] {
  return [{ name: "TestToken", args: () => ["Sovereign Test Shilling", "tSHL"] }];
}
