/**
 * Operations commands for the hot-standby sequencers (loaded by scripts/chain.ts only when one runs):
 *
 * - `status`: who orders transactions now (the etcd leader key) and who posts to L1 (`SequencerSet.active()`), each
 *   sequencer node's row under `P nodes/<id>`, the log range and what waits for L1, a pending handover request, and
 *   from L1 the ranked list, heartbeats, readiness and the SLA clocks. Each half is read on its own: with etcd down
 *   the L1 half still prints, and the other way round. Exit code 0 only when a leader exists and L1 answers.
 * - `handover`: a planned handover in one command. Checks the target (known, a member, ready on L1, not already
 *   leading), writes the request (`requestHandover`, chain-node/src/ha/keys.ts) and watches until the etcd leader
 *   is the target and `SequencerSet.active()` is its address. The nodes do the work (the leader stops, posts, calls
 *   `SequencerSet.handover`, resigns; the target wins): this command only writes the request and watches.
 *
 * Reads only: no key is loaded and nothing is sent to L1.
 */
import { hostname, userInfo } from "node:os";

import { connect, liveness, readDeployment, type Stack } from "@sovereign-stack/sdk";
import type { Etcd3 } from "etcd3";
import { getAddress, isAddress } from "ethers";
// The etcd and HA modules of the node only (not the package root, which loads the execution engine): a faster start.
import { NODE_ID_PATTERN, haKeys, readHandoverRequest, readMetaNumber, readNodeStatuses, requestHandover, type HandoverRequest, type NodeStatus } from "../../chain-node/src/ha/index.ts";
import { EtcdLeadership, connectEtcd, etcdLogKeys } from "../../chain-node/src/log/index.ts";

import { CliError, JSON_SCHEMA_VERSION, UsageError, describeError, info, toJson } from "../lib/cli.ts";
import { deploymentPath, openRpc, resolveEndpoint } from "../lib/rpc.ts";
import { duration } from "../exit/commands.ts";

/** A node row older than this is shown as stale: the node rewrites it every second while it runs. */
export const STALE_AFTER_MS = 5000;
/** Deadline of each etcd call made by these commands. */
const ETCD_CALL_MS = 1500;
/** Default L1 call timeout of `status` (seconds): an official in an outage should not wait 30 s for a dead L1. */
const STATUS_L1_TIMEOUT = "5";

// ------------------------------------------------------------------------------------------------ flags

/** Options every HA operations command takes. */
export interface HaOpsOptions {
  etcd?: string;
  etcdPrefix?: string;
  network?: string;
  rpcUrl?: string;
  deployment?: string;
  timeout?: string;
  json: boolean;
}

/** `--etcd <urls>` (or env SOVEREIGN_ETCD): comma-separated member URLs like http://127.0.0.1:2379. */
export function etcdEndpoints(raw: string | undefined): string[] {
  const v = raw ?? process.env.SOVEREIGN_ETCD;
  if (v === undefined || v.trim() === "") throw new UsageError("--etcd <urls> is required: the etcd members' client URLs, comma-separated, e.g. http://127.0.0.1:2379 (or set SOVEREIGN_ETCD)");
  const urls = v.split(",").map((u) => u.trim());
  for (const u of urls) {
    if (!/^https?:\/\/[^/\s]+\/?$/.test(u)) throw new UsageError(`--etcd: "${u}" is not an etcd member URL like http://127.0.0.1:2379`);
  }
  return urls.map((u) => u.replace(/\/$/, ""));
}

/** `--etcd-prefix` (or env SOVEREIGN_ETCD_PREFIX), if given. */
export function etcdPrefixFlag(raw: string | undefined): string | undefined {
  const v = raw ?? process.env.SOVEREIGN_ETCD_PREFIX;
  if (v === undefined) return undefined;
  if (v === "" || /\s/.test(v)) throw new UsageError(`--etcd-prefix: must be a non-empty key prefix without spaces, like chain/31338/, got ${JSON.stringify(v)}`);
  return v;
}

/** `--wait <seconds>` of handover: a whole number of seconds in 1..3600. */
export function waitSeconds(raw: string | undefined): number {
  if (raw === undefined) return 60;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 3600) throw new UsageError(`--wait: expected whole seconds in 1..3600, got "${raw}"`);
  return Number(raw);
}

/** `--to` of handover: a node id or an L1 address. */
export function handoverTarget(raw: string | undefined): { kind: "address"; address: string } | { kind: "id"; id: string } {
  if (raw === undefined || raw === "") throw new UsageError("--to <node id or address> is required: the standby that should take over");
  if (/^0x[0-9a-fA-F]{40}$/.test(raw)) {
    if (!isAddress(raw)) throw new UsageError(`--to: ${raw} is not a valid address (bad checksum)`);
    return { kind: "address", address: getAddress(raw) };
  }
  if (!NODE_ID_PATTERN.test(raw)) throw new UsageError(`--to: "${raw}" is neither an address (0x and 40 hex digits) nor a node id (1 to 64 letters, digits, ".", "_" or "-")`);
  return { kind: "id", id: raw };
}

// ------------------------------------------------------------------------------------------------ etcd

/** An etcd client error in one line (gRPC appends a long "Resolution note"). */
function etcdErrorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\.?\s*Resolution note:[\s\S]*$/, "").trim();
}

/**
 * Runs an idempotent etcd call (a read, or a put of the same value) up to `attempts` times. The client sends each
 * call once (connectEtcd turns the `etcd3` retries off for the log's conditional appends), so with one member of
 * three down a call that lands on it fails although the cluster is fine; its circuit breaker then skips that member
 * and the next attempt reaches a live one.
 */
export async function idempotentEtcd<T>(call: () => Promise<T>, attempts = 5): Promise<T> {
  let first: unknown;
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (e) {
      if (e instanceof UsageError || e instanceof NoChainInEtcd) throw e;
      first ??= e;
      // The first error says why (e.g. ECONNREFUSED); later ones only that the client's circuit breaker is open.
      if (i >= attempts) throw first;
      await new Promise((r) => setTimeout(r, 50 * i));
    }
  }
}

/** The end of the key range that starts with `prefix`. */
function prefixEnd(prefix: string): Buffer {
  const b = Buffer.from(prefix);
  b[b.length - 1] = b[b.length - 1]! + 1;
  return b;
}

/**
 * The per-chain prefix: the flag, else the one chain found under `chain/` (the nodes' default `chain/<l2 chain
 * id>/`). Refuses to guess between several chains.
 */
export async function resolvePrefix(client: Etcd3, flag: string | undefined): Promise<string> {
  if (flag !== undefined) return flag;
  const first = await client.kv.range({ key: Buffer.from("chain/"), range_end: prefixEnd("chain/"), limit: "1", keys_only: true }, { deadline: Date.now() + ETCD_CALL_MS });
  const k = first.kvs[0]?.key.toString();
  const m = k === undefined ? null : /^chain\/([^/]+)\//.exec(k);
  if (m === null) throw new NoChainInEtcd("etcd answers but holds no chain under chain/ (no node has written there yet); pass --etcd-prefix <prefix> if the nodes use another one");
  const found = `chain/${m[1]!}/`;
  const other = await client.kv.range({ key: prefixEnd(found), range_end: prefixEnd("chain/"), limit: "1", keys_only: true }, { deadline: Date.now() + ETCD_CALL_MS });
  const o = other.kvs[0] === undefined ? null : /^chain\/([^/]+)\//.exec(other.kvs[0].key.toString());
  if (o !== null) throw new UsageError(`--etcd-prefix: several chains in etcd (${found}, chain/${o[1]!}/, …); say which with --etcd-prefix`);
  return found;
}

/** A node's row as `status` shows it. */
export interface NodeRow extends NodeStatus {
  /** Milliseconds since the node wrote it (by this machine's clock). */
  readonly ageMs: number;
  /** Older than {@link STALE_AFTER_MS}: the node is down or cannot reach etcd. */
  readonly stale: boolean;
}

/** The etcd half of the status. */
export interface EtcdView {
  readonly reachable: true;
  readonly endpoints: readonly string[];
  readonly prefix: string;
  /** The node id the leader key names, or null when nobody leads. */
  readonly leader: string | null;
  readonly nodes: readonly NodeRow[];
  /** Rows that do not parse (named with why), never silently dropped. */
  readonly malformed: readonly { key: string; error: string }[];
  /** The readable log range [first, next), decimal; null when the log was never opened. */
  readonly log: { readonly first: string; readonly next: string } | null;
  /** The highest log seq whose block is in a batch on L1 (decimal), or null before the first batch. */
  readonly posted: string | null;
  /** Log entries not yet in a batch on L1. */
  readonly waitingForL1: string | null;
  /** The L1 block up to which the delayed inbox has been ordered (decimal), or null. */
  readonly l1Cursor: string | null;
  readonly handover: (HandoverRequest & { readonly ageMs: number }) | null;
}

/** A half that could not be read. */
export interface Unreachable {
  readonly reachable: false;
  /** A few words for the headline, e.g. "etcd unreachable". */
  readonly summary: string;
  readonly error: string;
}

/** Thrown when etcd answers but holds no chain to show (no `--etcd-prefix` given and nothing under `chain/`). */
class NoChainInEtcd extends Error {}

async function readDecimal(client: Etcd3, key: string): Promise<bigint | null> {
  return (await readMetaNumber(client, key, ETCD_CALL_MS)) ?? null;
}

/** Reads the etcd half: leader, node rows, log range, posted and L1 cursors, handover request. */
export async function readEtcdView(client: Etcd3, endpoints: readonly string[], prefix: string, nowMs = Date.now()): Promise<EtcdView> {
  const log = etcdLogKeys(prefix);
  const ha = haKeys(prefix);
  const [leader, rows, first, next, posted, l1Cursor, handover] = await Promise.all([
    EtcdLeadership.currentLeader(client, log.leader, ETCD_CALL_MS),
    readNodeStatuses(client, ha, ETCD_CALL_MS),
    readDecimal(client, log.first),
    readDecimal(client, log.next),
    readDecimal(client, ha.posted),
    readDecimal(client, ha.l1Cursor),
    readHandoverRequest(client, ha, ETCD_CALL_MS),
  ]);
  const range = first === null || next === null ? null : { first, next };
  // meta/posted is the highest seq ON L1, so seq posted+1 is the first that waits; before any batch, all of them.
  const waiting = range === null ? null : posted === null ? range.next - range.first : range.next > posted + 1n ? range.next - posted - 1n : 0n;
  return {
    reachable: true,
    endpoints,
    prefix,
    leader: leader ?? null,
    nodes: rows.statuses.map((s) => ({ ...s, ageMs: nowMs - s.updatedAt, stale: nowMs - s.updatedAt > STALE_AFTER_MS })),
    malformed: rows.malformed,
    log: range === null ? null : { first: range.first.toString(), next: range.next.toString() },
    posted: posted?.toString() ?? null,
    waitingForL1: waiting?.toString() ?? null,
    l1Cursor: l1Cursor?.toString() ?? null,
    handover: handover === undefined ? null : { ...handover, ageMs: nowMs - handover.requestedAt },
  };
}

// ------------------------------------------------------------------------------------------------ L1

/** One member of the ranked list, as `status` shows it. */
export interface MemberView {
  readonly rank: number;
  readonly address: string;
  readonly active: boolean;
  /** `SequencerSet.isReady`: a fresh heartbeat naming a sync point of the inbox. */
  readonly ready: boolean;
  /** The last heartbeat (L1 time, seconds) and its age, or null if it never heartbeated. */
  readonly lastHeartbeat: { readonly accumulator: string; readonly at: number; readonly ageSeconds: number } | null;
  /**
   * For a member that is not active: seconds until `claimActive` passes the silence rule (rank × failoverDelay,
   * the primary waits like rank 1), 0 when it already does; null for the active one. Readiness is separate.
   */
  readonly mayClaimInSeconds: number | null;
  readonly mayClaimAt: number | null;
}

/** The L1 half of the status. */
export interface L1View {
  readonly reachable: true;
  readonly rpc: string;
  readonly chainId: number;
  /** The latest L1 block's time. */
  readonly now: number;
  readonly inExit: boolean;
  readonly active: string;
  readonly activeRank: number | null;
  readonly activeSince: number;
  /** `SequencerSet.silentFor()`: seconds since the active sequencer's last sign of life. */
  readonly silentFor: number;
  readonly members: readonly MemberView[];
  readonly sla: { readonly failoverDelay: number; readonly heartbeatWindow: number; readonly maxDowntime: number; readonly maxFinalityDelay: number };
  readonly batchCount: number;
  readonly lastBatchTime: number;
  /** What happens if nothing recovers: the automatic exit trigger (rule and opening time), from `ExitController`. */
  readonly autoExit: { readonly open: boolean; readonly rule: "maxDowntime" | "maxFinalityDelay"; readonly opensAt: number };
}

/** Reads the L1 half from the deployed stack. */
export async function readL1View(stack: Stack, rpc: { host: string; chainId: number }): Promise<L1View> {
  const live = await liveness(stack);
  const set = stack.contracts.SequencerSet;
  const [activeSince, ready] = await Promise.all([set.activeSince(), Promise.all(live.sequencers.map((s) => set.isReady(s.address)))]);
  const now = Number(live.now);
  const members: MemberView[] = live.sequencers.map((s, i) => ({
    rank: Number(s.rank),
    address: s.address,
    active: s.active,
    ready: ready[i]!,
    lastHeartbeat: s.lastHeartbeat === 0n ? null : { accumulator: s.heartbeatAccumulator, at: Number(s.lastHeartbeat), ageSeconds: now - Number(s.lastHeartbeat) },
    mayClaimInSeconds: s.mayClaimAt === null ? null : Math.max(0, Number(s.mayClaimAt) - now),
    mayClaimAt: s.mayClaimAt === null ? null : Number(s.mayClaimAt),
  }));
  return {
    reachable: true,
    rpc: rpc.host,
    chainId: rpc.chainId,
    now,
    inExit: live.inExit,
    active: live.active,
    activeRank: members.find((m) => m.active)?.rank ?? null,
    activeSince: Number(activeSince),
    silentFor: Number(live.activeSilentFor),
    members,
    sla: { failoverDelay: Number(live.sla.failoverDelay), heartbeatWindow: Number(live.sla.heartbeatWindow), maxDowntime: Number(live.sla.maxDowntime), maxFinalityDelay: Number(live.sla.maxFinalityDelay) },
    batchCount: Number(live.batchCount),
    lastBatchTime: Number(live.lastBatchTime),
    autoExit: { open: live.autoTrigger.open, rule: live.autoTrigger.rule, opensAt: Number(live.autoTrigger.opensAt) },
  };
}

/** Opens L1 read-only and connects to the deployed stack (no key). */
export async function openL1(o: HaOpsOptions, log: (line: string) => void): Promise<{ stack: Stack; host: string; chainId: number }> {
  const ep = await resolveEndpoint(o);
  const rpc = await openRpc(ep, log);
  const file = await deploymentPath(o, rpc, rpc.chainId);
  let deployment;
  try {
    deployment = await readDeployment(file);
  } catch (e) {
    throw new CliError(`--deployment ${file}: cannot read the deployment record (${(e as Error).message})`);
  }
  return { stack: await connect(rpc.provider, deployment), host: rpc.host, chainId: rpc.chainId };
}

// ------------------------------------------------------------------------------------------------ status

/** The whole status: each half read on its own, so that one being down does not hide the other. */
export interface HaStatus {
  /** Wall-clock ms of the reading. */
  readonly at: number;
  /** The plain first line for an official: who orders transactions now and who posts to L1. */
  readonly headline: string;
  /** Who orders transactions (the etcd leader's node id), or null if nobody or unknown. */
  readonly orderingNode: string | null;
  /** Who posts batches to L1 (the active sequencer's address), or null if L1 is unreachable. */
  readonly postingAddress: string | null;
  readonly etcd: EtcdView | Unreachable;
  readonly l1: L1View | Unreachable;
  /** 0 when a leader exists and L1 answers, 1 otherwise. */
  readonly exitCode: 0 | 1;
}

const iso = (sec: number): string => new Date(sec * 1000).toISOString().replace(".000Z", "Z");
const short = (a: string): string => `${a.slice(0, 8)}…${a.slice(-4)}`;

/** The node id of `address` among the etcd rows, if any. */
function nodeOf(etcd: EtcdView | Unreachable, address: string): NodeRow | undefined {
  return etcd.reachable ? etcd.nodes.find((n) => n.address.toLowerCase() === address.toLowerCase()) : undefined;
}

/** The first line of the status: who orders transactions now and who posts to L1, in plain words. */
export function headlineOf(etcd: EtcdView | Unreachable, l1: L1View | Unreachable): string {
  let ordering: string;
  if (!etcd.reachable) ordering = `UNKNOWN who orders transactions (${etcd.summary})`;
  else if (etcd.leader === null) ordering = "NOBODY orders transactions (no etcd leader: transactions are refused until a standby is elected, within seconds)";
  else {
    const row = etcd.nodes.find((n) => n.id === etcd.leader);
    ordering = `${etcd.leader}${row === undefined ? "" : ` (${row.address})`} orders transactions`;
  }
  let posting: string;
  if (!l1.reachable) posting = `UNKNOWN who posts to L1 (${l1.summary})`;
  else if (l1.inExit) posting = "NOBODY posts to L1: the rollup is in EXIT mode (frozen; citizens use the escape hatch)";
  else {
    const row = nodeOf(etcd, l1.active);
    posting = `${l1.active}${row === undefined ? "" : ` (${row.id})`} posts batches to L1`;
    if (etcd.reachable && etcd.leader !== null && row !== undefined && row.id !== etcd.leader) {
      const leaderRow = etcd.nodes.find((n) => n.id === etcd.leader);
      const m = leaderRow === undefined ? undefined : l1.members.find((x) => x.address.toLowerCase() === leaderRow.address.toLowerCase());
      posting += `; the leader's batches wait in the log${m?.mayClaimInSeconds == null ? "" : m.mayClaimInSeconds === 0 ? " (it may claim the L1 role now)" : ` (it may claim the L1 role in ${duration(m.mayClaimInSeconds)})`}`;
    }
  }
  if (etcd.reachable && etcd.leader !== null && l1.reachable && !l1.inExit && nodeOf(etcd, l1.active)?.id === etcd.leader) {
    return `NOW: ${ordering} and posts them to L1 (it is the active sequencer).`;
  }
  return `NOW: ${ordering}; ${posting}.`;
}

/** Reads both halves (each failure caught and reported) and computes the headline and exit code. */
export async function collectStatus(o: HaOpsOptions, log: (line: string) => void = () => {}): Promise<HaStatus> {
  const endpoints = etcdEndpoints(o.etcd);
  const prefixFlag = etcdPrefixFlag(o.etcdPrefix);
  const readEtcd = async (): Promise<EtcdView | Unreachable> => {
    const client = connectEtcd({ hosts: endpoints, callTimeoutMs: ETCD_CALL_MS });
    try {
      return await idempotentEtcd(async () => readEtcdView(client, endpoints, await resolvePrefix(client, prefixFlag)));
    } catch (e) {
      if (e instanceof UsageError) throw e;
      if (e instanceof NoChainInEtcd) return { reachable: false, summary: "no chain in etcd", error: e.message };
      return { reachable: false, summary: "etcd unreachable", error: `cannot read etcd at ${endpoints.join(",")}: ${etcdErrorText(e)}` };
    } finally {
      client.close();
    }
  };
  const readL1 = async (): Promise<L1View | Unreachable> => {
    try {
      const { stack, host, chainId } = await openL1({ ...o, timeout: o.timeout ?? STATUS_L1_TIMEOUT }, log);
      return await readL1View(stack, { host, chainId });
    } catch (e) {
      if (e instanceof UsageError) throw e;
      return { reachable: false, summary: "L1 unreachable", error: describeError(e) };
    }
  };
  const [etcd, l1] = await Promise.all([readEtcd(), readL1()]);
  const orderingNode = etcd.reachable ? etcd.leader : null;
  return {
    at: Date.now(),
    headline: headlineOf(etcd, l1),
    orderingNode,
    postingAddress: l1.reachable && !l1.inExit ? l1.active : null,
    etcd,
    l1,
    exitCode: orderingNode !== null && l1.reachable ? 0 : 1,
  };
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => "    " + r.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd());
}

/** The human rendering: the headline first, then the etcd half, then the L1 half. */
export function formatStatus(s: HaStatus): string {
  const out: string[] = [s.headline, ""];
  const e = s.etcd;
  if (!e.reachable) out.push(`etcd: ${e.summary.replace(/^etcd /, "").toUpperCase()}: ${e.error}`, "  (the off-chain half is unknown: is a majority of the etcd members up, and do the nodes run with --etcd?)");
  else {
    out.push(`etcd (${e.endpoints.length} endpoint${e.endpoints.length === 1 ? "" : "s"}, prefix ${e.prefix})`);
    out.push(`  leader: ${e.leader ?? "NONE (nobody orders transactions)"}`);
    out.push(
      e.log === null
        ? "  log: not opened yet (no meta keys)"
        : `  log: entries [${e.log.first}, ${e.log.next}); on L1 up to seq ${e.posted ?? "none yet"}; ${e.waitingForL1} wait${e.waitingForL1 === "1" ? "s" : ""} for L1; delayed inbox ordered up to L1 block ${e.l1Cursor ?? "none yet"}`,
    );
    out.push(e.handover === null ? "  handover request: none" : `  handover request: to ${e.handover.to} by ${e.handover.by}, ${duration(e.handover.ageMs / 1000)} ago (at ${new Date(e.handover.requestedAt).toISOString()})`);
    if (e.nodes.length === 0) out.push("  nodes: none has written its row (no sequencer node runs with --etcd on this prefix)");
    else {
      out.push("  nodes:");
      out.push(
        ...table([
          ["ID", "ROLE", "RANK", "ADDRESS", "APPLIED SEQ", "HEAD BLOCK", "L1 ACTIVE", "L2 RPC", "ROW AGE"],
          ...e.nodes.map((n) => [
            n.id,
            n.role,
            n.rank === null ? "-" : String(n.rank),
            n.address,
            n.appliedSeq,
            n.headBlock,
            n.l1Active ? "yes" : "no",
            n.role === "leader" ? n.rpcUrl : `(${n.rpcUrl}: not served)`,
            n.stale ? `${duration(n.ageMs / 1000)} STALE (down or cut off from etcd)` : `${(n.ageMs / 1000).toFixed(1)}s`,
          ]),
        ]),
      );
    }
    for (const m of e.malformed) out.push(`  MALFORMED ${m.key}: ${m.error}`);
  }
  out.push("");
  const l = s.l1;
  if (!l.reachable) out.push(`L1: ${l.summary.replace(/^L1 /, "").toUpperCase()}: ${l.error}`, "  (the on-chain half is unknown: nobody can post batches or claim the role while L1 is unreachable from here)");
  else {
    out.push(`L1 (chain ${l.chainId} via ${l.rpc}; chain time ${iso(l.now)})${l.inExit ? ": EXIT MODE, the rollup is frozen" : ""}`);
    out.push(`  active: ${l.active}${l.activeRank === null ? "" : ` (rank ${l.activeRank})`} since ${iso(l.activeSince)} (${duration(l.now - l.activeSince)}); silent for ${duration(l.silentFor)}`);
    out.push(`  SLA: a standby of rank k may claim after k × ${duration(l.sla.failoverDelay)} of silence (the primary waits like rank 1), with a heartbeat fresher than ${duration(l.sla.heartbeatWindow)} naming an inbox sync point`);
    out.push(
      ...table([
        ["RANK", "ADDRESS", "NODE", "ROLE", "READY (isReady)", "LAST HEARTBEAT", "MAY CLAIM"],
        ...l.members.map((m) => [
          String(m.rank),
          m.address,
          nodeOf(e, m.address)?.id ?? "-",
          m.active ? "ACTIVE" : m.rank === 0 ? "primary" : "standby",
          m.active ? "n/a (active)" : m.ready ? "ready" : "NOT READY",
          m.lastHeartbeat === null ? "never" : `${short(m.lastHeartbeat.accumulator)} ${duration(m.lastHeartbeat.ageSeconds)} ago`,
          m.mayClaimInSeconds === null ? "-" : m.mayClaimInSeconds === 0 ? (m.ready ? "now" : "now, once ready") : `in ${duration(m.mayClaimInSeconds)}${m.ready ? "" : ", once ready"}`,
        ]),
      ]),
    );
    out.push(
      l.batchCount === 0
        ? `  batches: none yet; the downtime clock started at ${iso(l.lastBatchTime)}`
        : `  batches: ${l.batchCount}; last one ${duration(l.now - l.lastBatchTime)} ago`,
    );
    const a = l.autoExit;
    const rule = a.rule === "maxDowntime" ? `no batch for maxDowntime (${duration(l.sla.maxDowntime)})` : `nothing finalized for maxFinalityDelay (${duration(l.sla.maxFinalityDelay)})`;
    out.push(
      l.inExit
        ? "  SLA: the exit has been triggered; batches and commitments are frozen"
        : a.open
          ? `  SLA BREACHED (${rule}): ANYONE may trigger the exit to L1 now (\`sovereign-exit trigger-auto\`): the chain freezes and citizens escape with their balances`
          : `  SLA: if ${rule} — at ${iso(a.opensAt)}, in ${duration(a.opensAt - l.now)} — anyone may trigger the exit to L1 (\`sovereign-exit trigger-auto\`): the chain freezes and citizens escape with their balances`,
    );
  }
  return out.join("\n");
}

/** The `--json` object of `status`: `{schemaVersion, ok, command, …}` where ok means exit code 0. */
export function statusJson(s: HaStatus): Record<string, unknown> {
  return { schemaVersion: JSON_SCHEMA_VERSION, ok: s.exitCode === 0, command: "status", ...s };
}

/** `npm run chain -- status`: prints the status; returns the exit code (0: a leader exists and L1 answers). */
export async function statusCommand(o: HaOpsOptions): Promise<number> {
  // Progress goes to stderr: the first line on stdout is the headline (or the JSON object).
  const s = await collectStatus(o, (l) => console.error(l));
  console.log(o.json ? toJson(statusJson(s)) : formatStatus(s));
  return s.exitCode;
}

// ------------------------------------------------------------------------------------------------ handover

/** Options of `handover`. */
export interface HandoverOptions extends HaOpsOptions {
  to?: string;
  wait?: string;
  by?: string;
}

/** The target resolved against etcd and L1. */
export interface ResolvedTarget {
  readonly id: string;
  readonly address: string;
  readonly rank: number;
  readonly row: NodeRow;
}

/**
 * Checks `--to` against the node rows and the ranked list; throws a {@link CliError} naming `--to` and why when the
 * handover cannot work: unknown, not a member, no live node row, not ready on L1, or already leader and active.
 */
export function checkTarget(to: ReturnType<typeof handoverTarget>, etcd: EtcdView, l1: L1View): ResolvedTarget {
  const raw = to.kind === "address" ? to.address : to.id;
  const row = to.kind === "id" ? etcd.nodes.find((n) => n.id === to.id) : etcd.nodes.find((n) => n.address.toLowerCase() === to.address.toLowerCase());
  const address = to.kind === "address" ? to.address : row?.address;
  const member = address === undefined ? undefined : l1.members.find((m) => m.address.toLowerCase() === address.toLowerCase());
  const known = etcd.nodes.map((n) => `${n.id} (${n.address})`).join(", ") || "none";
  if (row === undefined && member === undefined) {
    throw new CliError(`--to ${raw}: unknown target: no node row ${etcd.prefix}nodes/${raw} and not a SequencerSet member; nodes in etcd: ${known}`);
  }
  if (member === undefined) {
    throw new CliError(`--to ${raw}: ${address} is not a SequencerSet member (ranked list: ${l1.members.map((m) => m.address).join(", ")}); only a member may take the active role`);
  }
  if (row === undefined) {
    throw new CliError(`--to ${raw}: ${member.address} is a SequencerSet member (rank ${member.rank}) but no sequencer node publishes a row for it under ${etcd.prefix}nodes/: start it with --etcd first; nodes in etcd: ${known}`);
  }
  if (etcd.leader === row.id && member.active) {
    throw new CliError(`--to ${raw}: ${row.id} is already the etcd leader and the active sequencer on L1; nothing to hand over`);
  }
  if (row.stale) {
    throw new CliError(`--to ${raw}: its node row ${etcd.prefix}nodes/${row.id} is ${duration(row.ageMs / 1000)} old: the node is down or cut off from etcd; a handover to it would stop ordering until the request expires (60 s)`);
  }
  // The L1 handover needs a ready target; a target that already holds the L1 role only needs to win the lease.
  if (!member.ready && !member.active) {
    const hb = member.lastHeartbeat === null ? "it never heartbeated" : `its last heartbeat is ${duration(member.lastHeartbeat.ageSeconds)} old (window ${duration(l1.sla.heartbeatWindow)}) or names no inbox sync point`;
    throw new CliError(`--to ${raw}: ${member.address} is not ready on L1 (SequencerSet.isReady is false: ${hb}); wait for its next heartbeat (every --heartbeat-interval of the node, 10 s by default) and retry`);
  }
  return { id: row.id, address: member.address, rank: member.rank, row };
}

/** What a handover achieved (times in wall-clock ms). */
export interface HandoverResult {
  readonly to: string;
  readonly address: string;
  readonly by: string;
  readonly requestedAt: number;
  readonly previousLeader: string | null;
  readonly previousActive: string;
  /** When this command first saw the target in the leader key. */
  readonly electedAt: number;
  /** When this command first saw `SequencerSet.active()` equal the target. */
  readonly activeAt: number;
  /** Request to the target's election (off-chain gap), and to the L1 role (on-chain gap), in ms. */
  readonly offChainGapMs: number;
  readonly onChainGapMs: number;
  /** The `SequencerSet.handover` transaction, if found in the logs since the request. */
  readonly l1Tx: string | null;
  /** Whether the target deleted the request (it does so once it won). */
  readonly requestCleared: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * `npm run chain -- handover`: checks the target, writes the request, and waits until the etcd leader is the target
 * and the L1 active role is its address, printing progress every second; on timeout throws a {@link CliError} that
 * says what happened and that the request stays in place.
 */
export async function runHandover(o: HandoverOptions, log: (line: string) => void): Promise<HandoverResult> {
  const to = handoverTarget(o.to);
  const waitS = waitSeconds(o.wait);
  const endpoints = etcdEndpoints(o.etcd);
  const prefixFlag = etcdPrefixFlag(o.etcdPrefix);
  const by = o.by ?? `${userInfo().username}@${hostname()}`;
  if (by === "" || by.length > 200) throw new UsageError("--by: a non-empty note of at most 200 characters saying who asks");
  const { stack, host, chainId } = await openL1(o, log);
  const client = connectEtcd({ hosts: endpoints, callTimeoutMs: ETCD_CALL_MS });
  try {
    let etcd: EtcdView;
    try {
      etcd = await idempotentEtcd(async () => readEtcdView(client, endpoints, await resolvePrefix(client, prefixFlag)));
    } catch (e) {
      if (e instanceof UsageError) throw e;
      if (e instanceof NoChainInEtcd) throw new CliError(`--etcd-prefix: ${e.message}; no request written`);
      throw new CliError(`--etcd ${endpoints.join(",")}: cannot read etcd (${etcdErrorText(e)}); no request written`);
    }
    const l1 = await readL1View(stack, { host, chainId });
    if (l1.inExit) throw new CliError("the rollup is in exit mode: the active role is frozen, no handover is possible");
    const target = checkTarget(to, etcd, l1);
    if (etcd.leader === null) log(`handover: note: nobody leads now, so nobody will call SequencerSet.handover: ${target.id} can take the lease, and the L1 role only by claimActive after its failover delay`);
    if (etcd.handover !== null) log(`handover: replacing the pending request to ${etcd.handover.to} (by ${etcd.handover.by}, ${duration(etcd.handover.ageMs / 1000)} ago)`);
    const set = stack.contracts.SequencerSet;
    const provider = stack.runner.provider!;
    const fromBlock = await provider.getBlockNumber();
    const keys = haKeys(etcd.prefix);
    const requestedAt = Date.now();
    const request = { to: target.id, requestedAt, by };
    try {
      await idempotentEtcd(() => requestHandover(client, keys, request, ETCD_CALL_MS * 2));
    } catch (e) {
      throw new CliError(`--etcd ${endpoints.join(",")}: could not write the handover request to ${keys.handover} (${etcdErrorText(e)}); it may or may not be there: check with \`status\``);
    }
    log(`handover: requested at ${new Date(requestedAt).toISOString()}: ${etcd.leader ?? "(no leader)"} → ${target.id} (${target.address}, rank ${target.rank}); waiting up to ${waitS} s`);

    const same = (a: string | null | undefined, b: string): boolean => a != null && a.toLowerCase() === b.toLowerCase();
    let electedAt: number | undefined = etcd.leader === target.id ? requestedAt : undefined;
    let activeAt: number | undefined = l1.active.toLowerCase() === target.address.toLowerCase() ? requestedAt : undefined;
    let leader: string | null = etcd.leader;
    let active = l1.active;
    let lastProgress = requestedAt;
    const deadline = requestedAt + waitS * 1000;
    while (electedAt === undefined || activeAt === undefined) {
      if (Date.now() >= deadline) {
        const pending = await idempotentEtcd(() => readHandoverRequest(client, keys, ETCD_CALL_MS)).catch(() => undefined);
        const did = [
          electedAt === undefined ? `the etcd leader is still ${leader ?? "nobody"} (not ${target.id})` : `${target.id} became the etcd leader after ${((electedAt - requestedAt) / 1000).toFixed(1)} s`,
          activeAt === undefined ? `the L1 active sequencer is still ${active} (not ${target.address})` : `${target.address} took the L1 role after ${((activeAt - requestedAt) / 1000).toFixed(1)} s`,
        ];
        throw new CliError(
          `handover to ${target.id} not complete after ${waitS} s: ${did.join("; ")}. ` +
            (pending?.to === target.id
              ? `The request is left in place at ${keys.handover} (the leader may still act on it; standbys do not campaign against it for 60 s after it was made); run \`status\` to follow, or remove it with \`etcdctl del ${keys.handover}\``
              : pending === undefined
                ? "The request is no longer in etcd (the target took it, or it was removed)"
                : `The request at ${keys.handover} now names ${pending.to}: someone replaced it`),
          { to: target.id, address: target.address, requestedAt, electedAt: electedAt ?? null, activeAt: activeAt ?? null, leader, active, requestPending: pending?.to === target.id },
        );
      }
      await sleep(250);
      const now = Date.now();
      try {
        leader = (await EtcdLeadership.currentLeader(client, etcdLogKeys(etcd.prefix).leader, ETCD_CALL_MS)) ?? null;
        if (electedAt === undefined && leader === target.id) electedAt = now;
      } catch (e) {
        if (now - lastProgress >= 1000) log(`handover: etcd did not answer (${(e as Error).message})`);
      }
      try {
        active = getAddress(await set.active());
        if (activeAt === undefined && same(active, target.address)) activeAt = now;
      } catch (e) {
        if (now - lastProgress >= 1000) log(`handover: L1 did not answer (${describeError(e)})`);
      }
      if (now - lastProgress >= 1000) {
        lastProgress = now;
        log(
          `handover: +${((now - requestedAt) / 1000).toFixed(0)} s: etcd leader ${leader ?? "none"}${electedAt === undefined ? "" : " ✓"}; L1 active ${active}${activeAt === undefined ? "" : ` (${target.id}) ✓`}`,
        );
      }
    }
    const events = await set.queryFilter(set.filters.ActiveChanged(undefined, target.address), fromBlock).catch(() => []);
    const pending = await idempotentEtcd(() => readHandoverRequest(client, keys, ETCD_CALL_MS)).catch(() => undefined);
    return {
      to: target.id,
      address: target.address,
      by,
      requestedAt,
      previousLeader: etcd.leader,
      previousActive: l1.active,
      electedAt,
      activeAt,
      offChainGapMs: electedAt - requestedAt,
      onChainGapMs: activeAt - requestedAt,
      l1Tx: events.at(-1)?.transactionHash ?? null,
      requestCleared: pending === undefined,
    };
  } finally {
    client.close();
  }
}

/** The human summary of a finished handover. */
export function formatHandover(r: HandoverResult): string {
  return [
    `handover done: ${r.to} (${r.address}) now orders transactions and posts to L1`,
    `  off-chain gap (request → ${r.to} elected etcd leader): ${(r.offChainGapMs / 1000).toFixed(2)} s (previous leader ${r.previousLeader ?? "none"})`,
    `  on-chain gap (request → SequencerSet.active() = ${r.address}): ${(r.onChainGapMs / 1000).toFixed(2)} s (previous active ${r.previousActive}${r.l1Tx === null ? "" : `; tx ${r.l1Tx}`})`,
    `  (times as observed by this command, polling every 250 ms)${r.requestCleared ? "" : "; note: the request is still in etcd (the target deletes it once it has won)"}`,
  ].join("\n");
}

/** `npm run chain -- handover`. */
export async function handoverCommand(o: HandoverOptions): Promise<void> {
  const r = await runHandover(o, (l) => info(o, l));
  console.log(o.json ? toJson({ schemaVersion: JSON_SCHEMA_VERSION, ok: true, command: "handover", ...r }) : formatHandover(r));
}
