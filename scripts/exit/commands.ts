/**
 * The government exit tool's logic, shared by the CLI (scripts/exit/cli.ts), the demo drill and the tests.
 */
import { readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";

import {
  checkExitSignatures,
  liveness,
  parseExitSignature,
  parseTriggerExit,
  readCouncilSnapshot,
  type ExitSignatureFile,
  type Liveness,
  type SignatureCheck,
  type Stack,
  type TriggerExitPayload,
} from "@sovereign-stack/sdk";

import { CliError, NotYetError } from "../lib/cli.ts";

export interface CouncilStatus {
  readonly members: readonly string[];
  readonly threshold: number;
  readonly signed: readonly string[];
  readonly missing: readonly string[];
  readonly problems: SignatureCheck["problems"];
  readonly payload: TriggerExitPayload | null;
}

export interface StatusReport {
  readonly liveness: Liveness;
  readonly council: CouncilStatus;
}

const iso = (t: number) => new Date(t * 1000).toISOString().replace(".000Z", "Z");

/** Human duration, e.g. "1h 05m 03s". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, "0")}m ${String(r).padStart(2, "0")}s` : m > 0 ? `${m}m ${String(r).padStart(2, "0")}s` : `${r}s`;
}

/** Reads JSON from a file with an error naming the file. */
export async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new CliError(`${what} ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${what} ${file}: not valid JSON (${(e as Error).message})`);
  }
}

/** A signature file that could not be read or parsed: reported with its reason, the others still count. */
export interface RejectedFile {
  readonly source: string;
  readonly signer: string;
  readonly reason: string;
}

/** Reads signature files from paths (directories contribute their *.sig.json files); unreadable or malformed files are rejected, not fatal. */
export async function readSignatureFiles(paths: readonly string[]): Promise<{ files: { source: string; file: ExitSignatureFile }[]; rejected: RejectedFile[] }> {
  const names: string[] = [];
  for (const p of paths) {
    let entries: string[] | null = null;
    try {
      entries = (await readdir(p)).filter((f) => f.endsWith(".sig.json")).sort();
    } catch {
      entries = null;
    }
    if (entries === null) names.push(p);
    else names.push(...entries.map((f) => path.join(p, f)));
  }
  const files: { source: string; file: ExitSignatureFile }[] = [];
  const rejected: RejectedFile[] = [];
  for (const f of names) {
    let raw: unknown;
    try {
      raw = await readJson(f, "signature file");
    } catch (e) {
      rejected.push({ source: f, signer: "?", reason: (e as Error).message.replace(`signature file ${f}: `, "") });
      continue;
    }
    try {
      files.push({ source: f, file: parseExitSignature(raw) });
    } catch (e) {
      const signer = typeof (raw as { signer?: unknown })?.signer === "string" ? (raw as { signer: string }).signer : "?";
      rejected.push({ source: f, signer, reason: `malformed: ${(e as Error).message}` });
    }
  }
  return { files, rejected };
}

/** Loads signature files from paths; directories contribute their *.sig.json files. Throws on the first bad file. */
export async function loadSignatureFiles(paths: readonly string[]): Promise<{ source: string; file: ExitSignatureFile }[]> {
  const { files, rejected } = await readSignatureFiles(paths);
  if (rejected.length > 0) throw new CliError(`signature file ${rejected[0]!.source}: ${rejected[0]!.reason}`);
  return files;
}

/** Loads and validates a payload file. */
export async function loadPayload(file: string): Promise<TriggerExitPayload> {
  const raw = await readJson(file, "payload file");
  try {
    return parseTriggerExit(raw);
  } catch (e) {
    throw new CliError(`payload file ${file}: ${(e as Error).message}`);
  }
}

/** Writes JSON. */
export async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, JSON.stringify(value, null, 2) + "\n");
}

/** Checks signatures against the on-chain council (offline for EOA members). */
export async function checkSignatures(stack: Stack, payload: TriggerExitPayload, files: readonly { source: string; file: ExitSignatureFile }[]): Promise<SignatureCheck> {
  const provider = stack.contracts.ExitController.runner?.provider;
  if (provider == null) throw new CliError("the network connection has no provider");
  const snapshot = await readCouncilSnapshot(stack.contracts.ExitController, provider, payload.nonce);
  return checkExitSignatures(payload, files, snapshot);
}

/**
 * Checks that the record's contracts hold code on this chain: a record from before a chain reset would otherwise
 * fail deep inside a call with BAD_DATA.
 */
export async function assertRecordLive(stack: Stack): Promise<void> {
  const provider = stack.contracts.ExitController.runner?.provider;
  if (provider == null) throw new CliError("the network connection has no provider");
  const entries = Object.entries(stack.deployment.contracts);
  const codes = await Promise.all(entries.map(([, c]) => provider.getCode(c.address)));
  const dead = entries.filter((_e, i) => codes[i] === "0x").map(([name]) => name);
  if (dead.length > 0) {
    throw new CliError(
      `the deployment record names contracts with no code on chain ${stack.deployment.chainId} (${dead.slice(0, 4).join(", ")}${dead.length > 4 ? `, … ${dead.length} in all` : ""}): was the chain reset? redeploy or pass --deployment <file>`,
    );
  }
}

/** Everything `status` prints. */
export async function statusReport(
  stack: Stack,
  payload: TriggerExitPayload | null,
  files: readonly { source: string; file: ExitSignatureFile }[],
  rejected: readonly RejectedFile[] = [],
): Promise<StatusReport> {
  const live = await liveness(stack);
  const [members, threshold] = await stack.contracts.ExitController.council();
  let council: CouncilStatus = { members: [...members], threshold: Number(threshold), signed: [], missing: [...members], problems: [...rejected], payload };
  if (payload !== null) {
    const chk = await checkSignatures(stack, payload, files);
    council = { ...council, signed: chk.valid.map((v) => v.signer), missing: chk.missing, problems: [...rejected, ...chk.problems] };
  }
  return { liveness: live, council };
}

/** The human rendering of a status report. */
export function formatStatus(r: StatusReport, target = "--network <name>"): string {
  const l = r.liveness;
  const out: string[] = [];
  out.push(`MODE: ${l.inExit ? `EXIT (since ${iso(l.exitedAt!)}) — the rollup is frozen; citizens use the escape hatch` : "normal"}`);
  out.push(`chain time ${iso(l.now)}`);
  out.push("");
  out.push(`Active sequencer ${l.active}: silent for ${duration(l.activeSilentFor)} (failover after ${duration(l.sla.failoverDelay)} × rank)`);
  for (const s of l.sequencers) {
    const role = s.rank === 0 ? "primary  " : `standby ${s.rank}`;
    const ready = s.ready ? "READY" : s.lastHeartbeat === 0 ? "not ready (never heartbeated)" : `not ready (last heartbeat ${duration(l.now - s.lastHeartbeat)} ago${s.heartbeatAccumulator !== l.headAccumulator ? ", behind the head" : ""})`;
    const claim = s.active
      ? "ACTIVE"
      : !s.ready
        ? `cannot claim until it heartbeats the current head${s.mayClaimAt! > l.now ? ` (and not before ${iso(s.mayClaimAt!)})` : ""}`
        : s.mayClaimAt! <= l.now
          ? "may claim now"
          : `may claim at ${iso(s.mayClaimAt!)} (in ${duration(s.mayClaimAt! - l.now)})`;
    out.push(`  ${role} ${s.address}  ${ready}; ${claim}`);
  }
  out.push("");
  out.push(
    l.batchCount === 0
      ? `Batches: none yet (genesis); the downtime clock started ${duration(l.now - l.lastBatchTime)} ago (maxDowntime ${duration(l.sla.maxDowntime)})`
      : `Batches: ${l.batchCount}; last sequencer batch ${duration(l.now - l.lastBatchTime)} ago (maxDowntime ${duration(l.sla.maxDowntime)})`,
  );
  if (l.queueHead === null) out.push(`Forced-inclusion queue: empty (window ${duration(l.sla.inclusionWindow)})`);
  else {
    const q = l.queueHead;
    const late = q.age > l.sla.inclusionWindow;
    out.push(
      `Forced-inclusion queue: ${q.pending} pending; head #${q.index} is ${duration(q.age)} old against a window of ${duration(l.sla.inclusionWindow)}${late ? " — SLA BREACHED" : ""}; anyone may force it from ${iso(q.forceableAt)} and L1 block ${q.forceableAtBlock}${late ? ` (\`sovereign-exit force-include ${target}\`)` : ""}`,
    );
  }
  out.push(
    l.lastFinalizedIndex === null
      ? `Last finalized commitment: none yet (genesis); the finality clock started ${duration(l.now - l.lastFinalizedTime)} ago (maxFinalityDelay ${duration(l.sla.maxFinalityDelay)})`
      : `Last finalized commitment: #${l.lastFinalizedIndex}, finalized ${duration(l.now - l.lastFinalizedTime)} ago (maxFinalityDelay ${duration(l.sla.maxFinalityDelay)})`,
  );
  const a = l.autoTrigger;
  out.push(
    a.open
      ? `AUTOMATIC EXIT TRIGGER: OPEN NOW (${a.rule} breached) — anyone may run \`sovereign-exit trigger-auto ${target}\``
      : l.inExit
        ? "Automatic exit trigger: n/a (already in exit mode)"
        : `Automatic exit trigger: closed; opens at ${iso(a.opensAt)} (in ${duration(a.opensAt - l.now)}) on ${a.rule} unless the chain recovers`,
  );
  out.push("");
  const c = r.council;
  out.push(`Exit council: ${c.members.length} members, threshold ${c.threshold}`);
  if (c.payload === null) out.push("  (pass --payload and --sig to see the signatures collected so far)");
  else {
    out.push(`  payload: "${c.payload.reason}" nonce ${c.payload.nonce}, deadline ${iso(c.payload.deadline)}`);
    out.push(`  signed (${c.signed.length}/${c.threshold}): ${c.signed.join(", ") || "none"}`);
    out.push(`  missing: ${c.missing.join(", ") || "none"}`);
  }
  for (const p of c.problems) out.push(`  rejected ${p.source} (${p.signer}): ${p.reason}`);
  return out.join("\n");
}

/** Called once a transaction is sent, before its receipt: progress for the operator. */
export type OnSent = (hash: string) => void;

/** Submits a council exit; refuses unless enough valid signatures are in. */
export async function submitExit(stack: Stack, payload: TriggerExitPayload, chk: SignatureCheck, onSent: OnSent = () => {}): Promise<string> {
  if (!chk.enough) {
    throw new CliError(`only ${chk.valid.length} valid signatures of the ${chk.threshold} needed; still missing: ${chk.missing.join(", ")}`);
  }
  const ec = stack.contracts.ExitController;
  if (await ec.inExit()) throw new CliError("the rollup is already in exit mode: nothing to submit");
  // exactly the threshold: more signatures only cost more gas
  const tx = await ec.triggerExit(payload.reason, payload.nonce, payload.deadline, chk.valid.slice(0, chk.threshold));
  onSent(tx.hash);
  const receipt = await tx.wait();
  if (receipt === null || receipt.status !== 1) throw new CliError(`the exit transaction ${tx.hash} failed`);
  return tx.hash;
}

/** Throws a NotYetError (exit code 3) unless the automatic trigger is open now. */
export async function assertAutoTriggerOpen(stack: Stack): Promise<void> {
  const ec = stack.contracts.ExitController;
  if (await ec.inExit()) throw new CliError("the rollup is already in exit mode");
  const live = await liveness(stack);
  const a = live.autoTrigger;
  if (!a.open) {
    throw new NotYetError(
      `the SLA is not breached: the automatic trigger opens at ${iso(a.opensAt)} (in ${duration(a.opensAt - live.now)}) on ${a.rule} ` +
        `(last batch ${duration(live.now - live.lastBatchTime)} ago, maxDowntime ${duration(live.sla.maxDowntime)}; last finality ${duration(live.now - live.lastFinalizedTime)} ago, maxFinalityDelay ${duration(live.sla.maxFinalityDelay)}). Until then the council path needs ${(await ec.council())[1]} signatures`,
      a.opensAt,
    );
  }
}

/** Fires the automatic trigger, or explains why not and when (NotYetError). */
export async function triggerAuto(stack: Stack, onSent: OnSent = () => {}): Promise<string> {
  await assertAutoTriggerOpen(stack);
  const tx = await stack.contracts.ExitController.triggerExitAuto();
  onSent(tx.hash);
  const receipt = await tx.wait();
  if (receipt === null || receipt.status !== 1) throw new CliError(`the trigger transaction ${tx.hash} failed`);
  return tx.hash;
}

/** Forces the queue head in once its window has passed; before that a NotYetError says when. */
export async function forceIncludeHead(stack: Stack, onSent: OnSent = () => {}): Promise<{ included: number; txHash: string }> {
  const c = stack.contracts;
  if (await c.ExitController.inExit()) throw new CliError("the rollup is in exit mode: the queue is frozen; use the escape hatch");
  const provider = c.DelayedInbox.runner?.provider;
  if (provider == null) throw new CliError("the network connection has no provider");
  const [consumed, count, sla, block] = await Promise.all([c.SequencerInbox.delayedConsumed(), c.DelayedInbox.count(), c.SlaConfig.getSla(), provider.getBlock("latest")]);
  if (block === null) throw new CliError("cannot read the latest block");
  if (count <= consumed) throw new CliError("the forced-inclusion queue is empty: nothing to force");
  // The chain's next block has a later timestamp and number than `latest`.
  const now = BigInt(block.timestamp) + 1n;
  const nextBlock = BigInt(block.number) + 1n;
  const forceable = async (i: bigint): Promise<boolean> => {
    const [ts, bn] = await c.DelayedInbox.messageTime(i);
    return now > ts + sla.inclusionWindow && nextBlock > bn + sla.inclusionWindowBlocks;
  };
  // Queue times and blocks never decrease, so the forceable messages are a prefix: binary search for its end.
  let lo = consumed;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) / 2n;
    if (await forceable(mid)) lo = mid + 1n;
    else hi = mid;
  }
  if (lo === consumed) {
    const [ts, bn] = await c.DelayedInbox.messageTime(consumed);
    const at = Number(ts + sla.inclusionWindow + 1n);
    throw new NotYetError(
      `message ${consumed} is still within its inclusion window: forceable after ${iso(at)} (in ${duration(at - Number(now))}) and L1 block ${bn + sla.inclusionWindowBlocks + 1n}`,
      at,
      Number(bn + sla.inclusionWindowBlocks + 1n),
    );
  }
  const tx = await c.SequencerInbox.forceInclude(lo);
  onSent(tx.hash);
  const receipt = await tx.wait();
  if (receipt === null || receipt.status !== 1) throw new CliError(`the forceInclude transaction ${tx.hash} failed`);
  return { included: Number(lo - consumed), txHash: tx.hash };
}
