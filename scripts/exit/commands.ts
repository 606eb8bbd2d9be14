/**
 * The government exit tool's logic, shared by the CLI (scripts/exit/cli.ts), the demo drill and the tests.
 */
import { readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";

import {
  checkExitSignatures,
  forceInclude,
  liveness,
  parseExitSignature,
  parseTriggerExit,
  readCouncilSnapshot,
  submitTriggerExit,
  triggerExitAuto,
  triggerExitToJson,
  type ExitSignatureFile,
  type ExitSignatureFileJson,
  type Liveness,
  type SignatureCheck,
  type Stack,
  type TriggerExitPayload,
  type TriggerExitPayloadJson,
} from "@sovereign-stack/sdk";

import { CliError } from "../lib/cli.ts";

export interface CouncilStatus {
  readonly members: readonly string[];
  readonly threshold: number;
  readonly signed: readonly string[];
  readonly missing: readonly string[];
  readonly problems: readonly RejectedFile[];
  readonly payload: TriggerExitPayload | null;
}

export interface StatusReport {
  readonly liveness: Liveness;
  readonly council: CouncilStatus;
}

/** A value with every bigint turned into a JSON number (chain times, blocks and counts fit a safe integer). */
export type Numbers<T> = T extends bigint ? number : T extends readonly (infer U)[] ? Numbers<U>[] : T extends object ? { [K in keyof T]: Numbers<T[K]> } : T;

function numbers<T>(v: T): Numbers<T> {
  if (typeof v === "bigint") return Number(v) as Numbers<T>;
  if (Array.isArray(v)) return v.map(numbers) as Numbers<T>;
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, numbers(x)])) as Numbers<T>;
  return v as Numbers<T>;
}

/** The `--json` form of a status report: chain values as JSON numbers, the payload in its file format (schema 1). */
export function statusJson(r: StatusReport): { liveness: Numbers<Liveness>; council: Omit<CouncilStatus, "payload"> & { payload: TriggerExitPayloadJson | null } } {
  return { liveness: numbers(r.liveness), council: { ...r.council, payload: r.council.payload === null ? null : triggerExitToJson(r.council.payload) } };
}

const iso = (t: number | bigint) => new Date(Number(t) * 1000).toISOString().replace(".000Z", "Z");

/** Human duration, e.g. "1h 05m 03s". */
export function duration(seconds: number | bigint): string {
  const s = Math.max(0, Math.round(Number(seconds)));
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

/** Writes a payload or signature file, in its file form (triggerExitToJson, exitSignatureToJson: no bigint in JSON). */
export async function writeJson(file: string, value: TriggerExitPayloadJson | ExitSignatureFileJson): Promise<void> {
  await writeFile(file, JSON.stringify(value, null, 2) + "\n");
}

/** Checks signatures against the on-chain council (offline for EOA members). */
export async function checkSignatures(stack: Stack, payload: TriggerExitPayload, files: readonly { source: string; file: ExitSignatureFile }[]): Promise<SignatureCheck> {
  const provider = stack.contracts.ExitController.runner?.provider;
  if (provider == null) throw new CliError("the network connection has no provider");
  const snapshot = await readCouncilSnapshot(stack.contracts.ExitController, provider, payload.nonce);
  return checkExitSignatures(payload, files, snapshot);
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
    const role = s.rank === 0n ? "primary  " : `standby ${s.rank}`;
    const ready = s.ready ? "READY" : s.lastHeartbeat === 0n ? "not ready (never heartbeated)" : `not ready (last heartbeat ${duration(l.now - s.lastHeartbeat)} ago${s.heartbeatAccumulator !== l.headAccumulator ? ", behind the head" : ""})`;
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
    l.batchCount === 0n
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

/**
 * Submits a council exit through the SDK (`submitTriggerExit`: the contract's digest, membership and a simulation
 * decide; exactly the threshold is sent); refuses unless enough valid signatures are in.
 */
export async function submitExit(stack: Stack, payload: TriggerExitPayload, chk: SignatureCheck, onSent: OnSent = () => {}): Promise<string> {
  if (!chk.enough) {
    throw new CliError(`only ${chk.valid.length} valid signatures of the ${chk.threshold} needed; still missing: ${chk.missing.join(", ")}`);
  }
  if (await stack.contracts.ExitController.inExit()) throw new CliError("the rollup is already in exit mode: nothing to submit");
  const r = await submitTriggerExit(stack, { payload, signatures: chk.valid }, { onSent });
  return r.hash;
}

/** Fires the automatic trigger through the SDK, or explains when it opens (NotYetError, exit code 3). */
export async function triggerAuto(stack: Stack, onSent: OnSent = () => {}): Promise<string> {
  return (await triggerExitAuto(stack, { onSent })).hash;
}

/** Forces the queue head in through the SDK once its window has passed; before that a NotYetError says when. */
export async function forceIncludeHead(stack: Stack, onSent: OnSent = () => {}): Promise<{ included: bigint; txHash: string }> {
  const r = await forceInclude(stack, undefined, { onSent });
  return { included: r.included, txHash: r.receipt.hash };
}
