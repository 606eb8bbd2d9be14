/**
 * The invariants of the HA chain after a chaos scenario (ARCHITECTURE.md, "Invariants every change must keep"),
 * checked from the outside: the whole log read from etcd (read-only), the chain read from the leader's L2 RPC, the
 * batches and commitments read from L1, and what the load and the validators reported.
 *
 * 1. Every acknowledged transaction is in the log exactly once, and executed exactly once in the chain, in log
 *    order: each chain block's log transactions are, in order, the TX entries its SEAL closed minus the ones the
 *    engine skipped. "At its acknowledged position": an acknowledgement received before another request was sent
 *    is ordered before that request's transaction (real-time order), and each client's acknowledgements are in
 *    nonce order.
 * 2. No raw transaction is twice in the log, no transaction hash twice in the chain.
 * 3. The L1 batches are a prefix of the log: contiguous from L2 block 0, each batch's decoded blocks equal the
 *    log's blocks (timestamps, transactions, delayed markers).
 * 4. For every committed batch, the validators' roots equal the sequencer's (the `l2StateRoot` of
 *    `StateCommitment` and every validator's derived root equal the chain's state root at the batch's last block).
 *
 * `settle` brings a cluster to the point where these are worth checking: the load stopped, the leader's chain
 * holds every acknowledged transaction, and (optionally) the leader holds the active role on L1 (advancing L1
 * time past its failover delay when it does not), its batches are posted and the validators committed them.
 */
import { hexlify, keccak256 } from "ethers";
import {
  EtcdLog,
  L1Reader,
  decodeBatch,
  engineBlockOf,
  initialCursor,
  l2BlockOf,
  planBlocks,
  rollupAddresses,
  type ApplierState,
  type L1Batch,
  type SequencedEntry,
} from "@sovereign-stack/node";
import { IStateCommitment__factory } from "@sovereign-stack/sdk/typechain";
import type { Etcd3 } from "etcd3";

import type { HaCluster, HaNode } from "./ha-cluster.ts";
import type { HaLoad, LoadAck } from "./ha-load.ts";

/** One block the log decides. */
export interface LogBlock {
  /** Engine block number. */
  readonly number: bigint;
  readonly timestamp: bigint;
  /** Items in order: a transaction (hash, raw hex) or a delayed message. */
  readonly items: readonly ({ readonly kind: "tx"; readonly hash: string; readonly raw: string } | { readonly kind: "delayed" })[];
}

/** The log, read whole and planned into blocks. */
export interface PlannedLog {
  readonly firstSeq: bigint;
  readonly nextSeq: bigint;
  /** Log position of every TX entry's hash (the first, if twice). */
  readonly txSeq: ReadonlyMap<string, bigint>;
  /** Hashes of raw transactions that are in the log more than once. */
  readonly duplicates: readonly string[];
  readonly blocks: readonly LogBlock[];
  /** Entries the applier skipped (bad seals, out-of-order delayed). */
  readonly skipped: number;
  readonly txEntries: number;
}

/** A chain block as the leader's RPC serves it. */
interface ChainBlock {
  readonly number: bigint;
  readonly timestamp: bigint;
  readonly stateRoot: string;
  readonly txs: readonly string[];
}

/** What {@link checkHaInvariants} found. */
export interface HaCheckReport {
  /** Every broken invariant, one line each (empty when all hold). */
  readonly violations: string[];
  /** Acknowledged transactions missing from the log or the chain (a subset of the violations, counted). */
  readonly lostAcks: number;
  readonly acked: number;
  readonly unknown: number;
  readonly logEntries: bigint;
  readonly txEntries: number;
  readonly sealedBlocks: number;
  readonly chainHead: bigint;
  readonly l1Batches: number;
  /** Engine block up to which L1 holds batches (0: none). */
  readonly postedThroughBlock: bigint;
  readonly commitments: number;
  readonly derivedRootsChecked: number;
}

/** Reads every entry of the log under `prefix` (read-only: no leadership). */
export async function readWholeLog(client: Etcd3, prefix: string): Promise<{ firstSeq: bigint; nextSeq: bigint; entries: SequencedEntry[] }> {
  const log = await EtcdLog.open({ client, prefix });
  try {
    const { firstSeq, nextSeq } = await log.head();
    const entries: SequencedEntry[] = [];
    for (let from = firstSeq; from < nextSeq; ) {
      const page = await log.read(from, nextSeq, 1024);
      if (page.length === 0) throw new Error(`log read from ${from} to ${nextSeq} returned nothing (pruned while reading?)`);
      entries.push(...page);
      from = page[page.length - 1]!.seq + 1n;
    }
    return { firstSeq, nextSeq, entries };
  } finally {
    await log.close();
  }
}

/** Plans the log's blocks from genesis, with the applier's own rule (`planBlocks`). */
export function planLog(read: { firstSeq: bigint; nextSeq: bigint; entries: readonly SequencedEntry[] }, genesisTimestamp: bigint): PlannedLog {
  const txSeq = new Map<string, bigint>();
  const duplicates: string[] = [];
  let txEntries = 0;
  for (const { seq, entry } of read.entries) {
    if (entry.kind !== "tx") continue;
    txEntries++;
    const h = keccak256(entry.raw);
    if (txSeq.has(h)) duplicates.push(h);
    else txSeq.set(h, seq);
  }
  // A delayed message's payload is on L1; here it only matters THAT the block holds one: a marker per index.
  const markers = new Set<Uint8Array>();
  const marker = (): Uint8Array => {
    const m = new Uint8Array(0);
    markers.add(m);
    return m;
  };
  const start: ApplierState = { nextBlock: 1n, lastTimestamp: genesisTimestamp, delayedNext: 0n, nextSeq: read.firstSeq, open: [] };
  const plan = read.firstSeq === 0n ? planBlocks(start, read.entries, marker) : { blocks: [], skipped: [] };
  const blocks: LogBlock[] = plan.blocks.map((b) => ({
    number: b.number,
    timestamp: b.timestamp,
    items: b.txs.map((it) => {
      if (!(it instanceof Uint8Array) || markers.has(it)) return { kind: "delayed" as const };
      return { kind: "tx" as const, hash: keccak256(it), raw: hexlify(it) };
    }),
  }));
  return { firstSeq: read.firstSeq, nextSeq: read.nextSeq, txSeq, duplicates, blocks, skipped: plan.skipped.length, txEntries };
}

/** JSON-RPC batch call; throws on a transport error or an error answer. */
async function rpcBatch<T>(url: string, calls: { method: string; params: unknown[] }[]): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < calls.length; i += 200) {
    const chunk = calls.slice(i, i + 200);
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(chunk.map((c, k) => ({ jsonrpc: "2.0", id: i + k, ...c }))), signal: AbortSignal.timeout(30_000) });
    const answers = (await res.json()) as { id: number; result?: T; error?: { message: string } }[];
    if (!Array.isArray(answers)) throw new Error(`${url}: a batch call was not answered with a batch: ${JSON.stringify(answers).slice(0, 200)}`);
    answers.sort((a, b) => a.id - b.id);
    for (const a of answers) {
      if (a.error !== undefined || a.result === undefined) throw new Error(`${url}: ${chunk[a.id - i]?.method}: ${a.error?.message ?? "no result"}`);
      out.push(a.result);
    }
  }
  return out;
}

/** The leader's chain blocks 1..head. */
async function readChain(url: string): Promise<ChainBlock[]> {
  const [head] = await rpcBatch<string>(url, [{ method: "eth_blockNumber", params: [] }]);
  const n = Number(BigInt(head!));
  const raw = await rpcBatch<{ number: string; timestamp: string; stateRoot: string; transactions: string[] }>(
    url,
    Array.from({ length: n }, (_, i) => ({ method: "eth_getBlockByNumber", params: ["0x" + (i + 1).toString(16), false] })),
  );
  return raw.map((b) => ({ number: BigInt(b.number), timestamp: BigInt(b.timestamp), stateRoot: b.stateRoot.toLowerCase(), txs: b.transactions.map((t) => t.toLowerCase()) }));
}

/** Checks the invariants; see the module comment. Never throws for a broken invariant: it is listed in the report. */
export async function checkHaInvariants(cluster: HaCluster, load: Pick<HaLoad, "acks" | "unknowns">): Promise<HaCheckReport> {
  const v: string[] = [];
  const leader = await cluster.waitForLeader();
  // Read in the order things happen, so that each later read covers the earlier ones: L1 holds only blocks the
  // poster had applied, the leader applies only sealed blocks, and the log holds every sealed block.
  const rollup = rollupAddresses(cluster.deployment);
  const sc = IStateCommitment__factory.connect(cluster.address("StateCommitment"), cluster.l1);
  const events = await sc.queryFilter(sc.filters.CommitmentSubmitted(), Number(rollup.deployBlock));
  const reader = new L1Reader({ provider: cluster.l1, delayedInbox: rollup.delayedInbox, sequencerInbox: rollup.sequencerInbox });
  const { batches } = await reader.poll(initialCursor(rollup.deployBlock));
  const chain = await readChain(leader.rpcUrl);
  const read = await readWholeLog(cluster.etcdClient, cluster.prefix);
  const log = planLog(read, cluster.genesisTimestamp);
  if (log.firstSeq !== 0n) v.push(`the log was pruned up to seq ${log.firstSeq - 1n}: the check needs it whole (keep the L1 time advanced under finalityDelay)`);
  for (const h of log.duplicates) v.push(`raw transaction ${h} is in the log more than once`);
  const acks = load.acks;

  // 1. Acknowledged: in the log, at its real-time position.
  let lost = 0;
  const lostHashes = new Set<string>();
  const byHash = new Map<string, LoadAck>();
  for (const a of acks) {
    const h = a.hash.toLowerCase();
    if (byHash.has(h)) v.push(`transaction ${h} acknowledged twice (client ${a.client}, nonce ${a.nonce})`);
    byHash.set(h, a);
    if (!log.txSeq.has(h)) {
      v.push(`acknowledged transaction ${h} (client ${a.client}, nonce ${a.nonce}, acked at ${new Date(a.ackedAt).toISOString()} by ${a.url}) is not in the log`);
      lostHashes.add(h);
    }
  }
  const inLog = acks.filter((a) => log.txSeq.has(a.hash.toLowerCase())).sort((x, y) => (log.txSeq.get(x.hash.toLowerCase())! < log.txSeq.get(y.hash.toLowerCase())! ? -1 : 1));
  let latestSent: LoadAck | undefined;
  for (const a of inLog) {
    // Every transaction ordered before `a` must have been sent before `a` was acknowledged.
    if (latestSent !== undefined && latestSent.sentAt > a.ackedAt) {
      v.push(`transaction ${a.hash} was acknowledged at ${a.ackedAt} yet ordered after ${latestSent.hash}, which was only sent at ${latestSent.sentAt}`);
    }
    if (latestSent === undefined || a.sentAt > latestSent.sentAt) latestSent = a;
  }
  const perClient = new Map<number, LoadAck[]>();
  for (const a of acks) perClient.set(a.client, [...(perClient.get(a.client) ?? []), a]);
  for (const [c, list] of perClient) {
    const seqs = list.filter((a) => log.txSeq.has(a.hash.toLowerCase())).sort((x, y) => x.nonce - y.nonce).map((a) => log.txSeq.get(a.hash.toLowerCase())!);
    for (let i = 1; i < seqs.length; i++) if (seqs[i]! <= seqs[i - 1]!) v.push(`client ${c}: a later nonce is ordered at seq ${seqs[i]} before an earlier one at ${seqs[i - 1]}`);
  }

  // 1 and 2. The chain executes the log's blocks, each acknowledged transaction exactly once.
  const executed = new Map<string, bigint>();
  for (const b of chain) {
    for (const h of b.txs) {
      if (executed.has(h)) v.push(`transaction ${h} executed twice (blocks ${executed.get(h)} and ${b.number})`);
      executed.set(h, b.number);
    }
  }
  for (const b of chain) {
    const planned = log.blocks[Number(b.number) - 1];
    if (planned === undefined) {
      v.push(`chain block ${b.number} is not sealed in the log (the log seals ${log.blocks.length} blocks)`);
      continue;
    }
    if (planned.timestamp !== b.timestamp) v.push(`block ${b.number}: chain timestamp ${b.timestamp}, log seal ${planned.timestamp}`);
    const logTxs = planned.items.filter((i) => i.kind === "tx").map((i) => i.hash);
    const delayed = planned.items.length - logTxs.length;
    let k = 0;
    let system = 0;
    for (const h of b.txs) {
      if (!log.txSeq.has(h)) {
        system++;
        continue;
      }
      while (k < logTxs.length && logTxs[k] !== h) k++;
      if (k === logTxs.length) v.push(`block ${b.number}: transaction ${h} is not among (or out of the order of) the TX entries its seal closed`);
      else k++;
    }
    if (system > delayed) v.push(`block ${b.number}: ${system} transactions that are not log TX entries, but only ${delayed} delayed messages`);
  }
  const chainHead = chain.length === 0 ? 0n : chain[chain.length - 1]!.number;
  for (const a of acks) {
    const h = a.hash.toLowerCase();
    if (!executed.has(h)) {
      const seq = log.txSeq.get(h);
      const where = seq === undefined ? "" : ` (log seq ${seq}; chain head ${chainHead})`;
      v.push(`acknowledged transaction ${h} (client ${a.client}, nonce ${a.nonce}) is not executed in the leader's chain${where}`);
      lostHashes.add(h);
    }
  }
  lost = lostHashes.size;
  // An unknown transaction was answered "nonce too low": its nonce is spent, and only these bytes ever carried it.
  for (const u of load.unknowns) {
    const h = u.hash.toLowerCase();
    if (!executed.has(h)) v.push(`transaction ${h} (client ${u.client}, nonce ${u.nonce}) was answered "${u.reason}" but is not executed in the chain: its nonce was spent by something else`);
  }

  // 3. L1 batches: a prefix of the log.
  let nextL2 = 0n;
  const batchEnd = new Map<bigint, bigint>();
  for (const b of batches) {
    if (b.l2BlockStart !== nextL2) v.push(`L1 batch ${b.index} starts at L2 block ${b.l2BlockStart}, ${nextL2} expected (not contiguous)`);
    nextL2 = b.l2BlockEnd + 1n;
    batchEnd.set(b.index, engineBlockOf(b.l2BlockEnd));
    v.push(...compareBatch(b, log));
  }
  const postedThroughBlock = engineBlockOf(nextL2 - 1n);
  if (postedThroughBlock > BigInt(log.blocks.length)) v.push(`L1 holds blocks up to ${postedThroughBlock}, the log seals only ${log.blocks.length}`);

  // 4. Committed and derived roots equal the sequencer's.
  const rootAt = (engineBlock: bigint): string | undefined => chain[Number(engineBlock) - 1]?.stateRoot;
  for (const ev of events) {
    const d = ev.args.data;
    const end = batchEnd.get(d.batchIndex);
    const ours = end === undefined ? undefined : rootAt(end);
    if (ours === undefined) v.push(`commitment ${ev.args.index} covers batch ${d.batchIndex}, whose last block the leader's chain does not hold`);
    else if (d.l2StateRoot.toLowerCase() !== ours) v.push(`commitment ${ev.args.index} (batch ${d.batchIndex}, block ${end}): l2StateRoot ${d.l2StateRoot}, the sequencer's ${ours}`);
  }
  let derivedRootsChecked = 0;
  for (const d of cluster.derived) {
    const end = batchEnd.get(d.lastBatch);
    const ours = end === undefined ? undefined : rootAt(end);
    if (ours === undefined) continue;
    derivedRootsChecked++;
    if (d.stateRoot.toLowerCase() !== ours) v.push(`validator ${d.validator} derived state root ${d.stateRoot} through batch ${d.lastBatch} (block ${end}); the sequencer's is ${ours}`);
  }
  return {
    violations: v,
    lostAcks: lost,
    acked: acks.length,
    unknown: load.unknowns.length,
    logEntries: log.nextSeq - log.firstSeq,
    txEntries: log.txEntries,
    sealedBlocks: log.blocks.length,
    chainHead,
    l1Batches: batches.length,
    postedThroughBlock: nextL2 === 0n ? 0n : postedThroughBlock,
    commitments: events.length,
    derivedRootsChecked,
  };
}

/** The violations of one L1 batch against the log's blocks. */
function compareBatch(b: L1Batch, log: PlannedLog): string[] {
  if (b.kind !== 0) return [`L1 batch ${b.index} is a forced batch: the chaos load never forces one`];
  if (b.data === null) return [`L1 batch ${b.index}: its data is not a direct appendBatch call whose hash matches`];
  const decoded = decodeBatch(b.data);
  if (!decoded.ok) return [`L1 batch ${b.index}: undecodable (${decoded.error.message})`];
  const out: string[] = [];
  const first = engineBlockOf(b.l2BlockStart);
  if (BigInt(decoded.blocks.length) !== b.l2BlockEnd - b.l2BlockStart + 1n) out.push(`L1 batch ${b.index}: ${decoded.blocks.length} blocks for L2 blocks ${b.l2BlockStart}..${b.l2BlockEnd}`);
  decoded.blocks.forEach((blk, k) => {
    const n = first + BigInt(k);
    const planned = log.blocks[Number(n) - 1];
    if (planned === undefined) {
      out.push(`L1 batch ${b.index}: block ${n} is not sealed in the log`);
      return;
    }
    if (blk.timestamp !== planned.timestamp) out.push(`L1 batch ${b.index}: block ${n} timestamp ${blk.timestamp}, log ${planned.timestamp}`);
    const a = blk.items.map((i) => (i.kind === "tx" ? keccak256(i.raw) : "delayed"));
    const p = planned.items.map((i) => (i.kind === "tx" ? i.hash : "delayed"));
    if (a.join(",") !== p.join(",")) out.push(`L1 batch ${b.index}: block ${n} holds [${a.length} items] that differ from the log's [${p.length} items]`);
  });
  return out;
}

/** Options of {@link settle}. */
export interface SettleOptions {
  /** Make the leader hold the active role (advancing L1 time if needed), wait for its batches and the validators' commitment (default true). */
  readonly onL1?: boolean;
  readonly timeoutMs?: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/**
 * Waits until the leader's chain executed every acknowledged transaction in the log and, with `onL1`, until the
 * leader holds the active role on L1 (advancing L1 time by its rank's failover delay when it does not), L1 holds
 * the batch with the last acknowledged transaction and the validators committed it. The load must be stopped.
 * Returns the leader, and how L1 time was advanced.
 */
export async function settle(cluster: HaCluster, load: Pick<HaLoad, "acks">, o: SettleOptions = {}): Promise<{ leader: HaNode; advancedSeconds: number }> {
  const end = Date.now() + (o.timeoutMs ?? 90_000);
  const say = o.log ?? (() => undefined);
  let leader = await cluster.waitForLeader({ timeoutMs: o.timeoutMs ?? 90_000 });
  const log = planLog(await readWholeLog(cluster.etcdClient, cluster.prefix), cluster.genesisTimestamp);
  const ackedSeqs = load.acks.map((a) => log.txSeq.get(a.hash.toLowerCase())).filter((s): s is bigint => s !== undefined);
  const lastHash = ackedSeqs.length === 0 ? undefined : load.acks.find((a) => log.txSeq.get(a.hash.toLowerCase()) === ackedSeqs.reduce((m, s) => (s > m ? s : m)))!.hash.toLowerCase();
  // The sealed block holding the last acknowledged transaction (the leader seals on its interval).
  let target = 0n;
  while (lastHash !== undefined) {
    const fresh = planLog(await readWholeLog(cluster.etcdClient, cluster.prefix), cluster.genesisTimestamp);
    const blk = fresh.blocks.find((b) => b.items.some((i) => i.kind === "tx" && i.hash === lastHash));
    if (blk !== undefined) {
      target = blk.number;
      break;
    }
    if (Date.now() > end) throw new Error(`settle: the last acknowledged transaction ${lastHash} is not sealed in a block`);
    await sleep(200);
  }
  for (;;) {
    // A leader may step down meanwhile: then ask the next one.
    const head = await rpcBatch<string>(leader.rpcUrl, [{ method: "eth_blockNumber", params: [] }]).then(
      ([h]) => BigInt(h!),
      () => undefined,
    );
    if (head !== undefined && head >= target) break;
    if (Date.now() > end) throw new Error(`settle: the leader ${leader.id} executed up to block ${head ?? "?"}, not ${target}`);
    if (head === undefined) leader = await cluster.waitForLeader({ timeoutMs: Math.max(1000, end - Date.now()) });
    await sleep(100);
  }
  let advancedSeconds = 0;
  if (o.onL1 ?? true) {
    advancedSeconds = await ensureLeaderActive(cluster, leader, { timeoutMs: Math.max(1000, end - Date.now()), log: say });
    for (;;) {
      const next = await cluster.nextL2BlockOnL1();
      if (target === 0n || next > l2BlockOf(target)) break;
      if (Date.now() > end) throw new Error(`settle: L1 holds L2 blocks below ${next}, not yet block ${target} (engine numbering) with the last acknowledged transaction`);
      await sleep(250);
    }
    if (target > 0n) {
      const rollup = rollupAddresses(cluster.deployment);
      const reader = new L1Reader({ provider: cluster.l1, delayedInbox: rollup.delayedInbox, sequencerInbox: rollup.sequencerInbox });
      const { batches } = await reader.poll(initialCursor(rollup.deployBlock));
      const holding = batches.find((b) => engineBlockOf(b.l2BlockStart) <= target && target <= engineBlockOf(b.l2BlockEnd));
      if (holding === undefined) throw new Error(`settle: no L1 batch holds block ${target}`);
      for (;;) {
        const c = await cluster.committedThroughBatch();
        if (c >= holding.index) break;
        if (Date.now() > end) throw new Error(`settle: the validators committed through batch ${c}, not batch ${holding.index} with the last acknowledged transaction`);
        await sleep(250);
      }
    }
  }
  return { leader, advancedSeconds };
}

/**
 * Makes `leader` hold the active role on L1: if it does not, advances L1 time past the silence its rank must wait
 * (rank × failoverDelay, the primary like rank 1, plus 5 s) and waits for its own `claimActive()`. Returns the
 * seconds L1 time was advanced (0 if it already held the role).
 */
export async function ensureLeaderActive(cluster: HaCluster, leader: HaNode, o: { timeoutMs?: number; log?: (line: string) => void } = {}): Promise<number> {
  const active = await cluster.activeNode();
  if (active?.id === leader.id) return 0;
  const seconds = Number(await cluster.failoverDelay()) * Math.max(1, leader.index) + 5;
  o.log?.(`${leader.id} leads but ${active?.id ?? (await cluster.activeOnL1())} holds the active role on L1: advancing L1 time by ${seconds} s`);
  await cluster.increaseL1Time(seconds);
  await cluster.waitForActive(leader.id, o.timeoutMs ?? 60_000);
  return seconds;
}

/** A one-line summary of a report, for logs. */
export function summarize(r: HaCheckReport): string {
  return (
    `${r.acked} acknowledged (${r.unknown} unknown), ${r.lostAcks} lost; log ${r.logEntries} entries (${r.txEntries} txs) sealing ${r.sealedBlocks} blocks; ` +
    `chain head ${r.chainHead}; ${r.l1Batches} L1 batches through block ${r.postedThroughBlock}; ${r.commitments} commitments; ${r.derivedRootsChecked} derived roots checked; ${r.violations.length} violations`
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

