/**
 * npm run bench -- rollup
 *
 * Gas of the rollup's L1 operations, measured as the gasUsed of real transactions on the embedded network,
 * sent through the typed SDK clients. Signature-threshold operations (council `triggerExit`, validator
 * `commit`) are set beside Safe 1.4.1 `execTransaction` at the same M of N (6 of 8).
 *
 * The bench deploys its own stack: council 6 of 8 (accounts 1–8), sequencers 9–11, validators 6 of 8
 * (accounts 12–19). Every measured call is a steady-state one: a warm-up call first pays the one-time
 * costs (first batch, first commitment, first Safe nonce, first payout of a token), unless the operation is
 * one-shot by design (`triggerExit`).
 *
 * Reading the numbers:
 * - The embedded network runs a Prague-or-later fork, so EIP-7623's calldata floor (10 gas per calldata token)
 *   applies: a 4 KB batch pays the floor, and the execution cost of consuming delayed messages is hidden
 *   under it. The "execution only" rows show that part (from debug_traceTransaction).
 * - The Safe peer is `execTransaction` of a 0-value call to an EOA, steady state (nonce n → n+1): the pure
 *   cost of an M-of-N authorization. `commit` also stores the commitment (five fresh slots), which the
 *   peer does not; its ratio is an upper bound on the signature-path overhead.
 * - After the table's inputs the suite logs a per-opcode gas profile of every measured transaction.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { Contract, ContractFactory, Interface, TypedDataEncoder, concat, getAddress, keccak256, toUtf8Bytes, type ContractTransactionResponse, type InterfaceAbi, type Signer, type TransactionReceipt } from "ethers";
import {
  DEFAULT_SLA,
  buildTriggerExit,
  connect,
  signCommitment,
  signTriggerExit,
  sortSignatures,
  type CommitmentData,
  type Hex,
  type Stack,
} from "@sovereign-stack/sdk";

import { row, type BenchRow, type BenchSuite } from "../harness.ts";
import { FlatMerkleTree, syntheticEscapeLeaves } from "../lib/exit-tree.ts";
import { deployTo, openNetwork, type OpenNetwork } from "../../scripts/lib/network.ts";
import { stackComponents } from "../../scripts/lib/stack.ts";
import { LOCAL_TIMELOCK, type RollupSettings } from "../../scripts/lib/stack/rollup.ts";
import type { StructLog } from "../lib/tx-gas-breakdown.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const SAFE_ARTIFACTS = path.join(here, "..", "peers", "node_modules", "@safe-global", "safe-contracts", "build", "artifacts", "contracts");

/** M of N for both signature sets, and for the Safe. */
const M = 6;
const N = 8;
/** Batch data size: a typical compressed 4 KB batch (random bytes: compressed data is incompressible). */
const BATCH_BYTES = 4096;
/** Size of an L2 transaction enqueued on L1. */
const L2_TX_BYTES = 200;
/** Exit tree depth: 2^20 leaves. */
const TREE_DEPTH = 20;
/** Two escape claimants' leaf positions: the first escape of a token pays one-time costs, the second is measured. */
const CLAIM_INDICES = [424_242, 1_000_001] as const;
const CLAIM_AMOUNT = 5n * 10n ** 18n;
const EXIT_REASON = "Sequencer unresponsive and the operator unreachable: council triggers the exit";
const PEER = `Safe 1.4.1 execTransaction (${M} of ${N})`;

/**
 * Deterministic pseudo-random bytes (keccak256 in counter mode), so that every run sends the same calldata
 * and reports the same gas. Like compressed batch data, about 1 byte in 256 is zero.
 */
export function benchBytes(label: string, n: number): Uint8Array {
  const out = new Uint8Array(n);
  const seed = keccak256(toUtf8Bytes(`sovereign-stack bench: ${label}`));
  for (let i = 0, block = 0; i < n; block++) {
    const h = Buffer.from(keccak256(concat([seed, "0x" + block.toString(16).padStart(8, "0")])).slice(2), "hex");
    for (let j = 0; j < 32 && i < n; j++) out[i++] = h[j]!;
  }
  return out;
}

const hex32 = (label: string): string => "0x" + Buffer.from(benchBytes(label, 32)).toString("hex");
/** A fixed 128-bit nonce, the size the SDK picks at random. */
const EXIT_NONCE = BigInt(hex32("exit nonce")) >> 128n;
/** A fixed signature deadline (2100-01-01), so that signed calldata does not depend on the clock. */
const DEADLINE = 4_102_444_800;

/** The bench's settings: council 6 of 8 (1–8), sequencers 9–11, validators 6 of 8 (12–19). */
export function benchRollupSettings(accounts: readonly string[]): RollupSettings {
  if (accounts.length < 20) throw new Error(`the embedded network has ${accounts.length} accounts; the rollup bench needs 20`);
  return {
    council: { members: accounts.slice(1, 1 + N), threshold: M },
    timelockDelay: LOCAL_TIMELOCK,
    sequencers: accounts.slice(9, 12),
    validators: { members: accounts.slice(12, 12 + N), threshold: M },
    sla: DEFAULT_SLA,
  };
}

/** Intrinsic calldata gas of `data` (EIP-2028) and the EIP-7623 floor of a call carrying it. */
export function calldataGas(data: string): { standard: number; floor: number } {
  const bytes = Buffer.from(data.replace(/^0x/, ""), "hex");
  let zeros = 0;
  for (const b of bytes) if (b === 0) zeros++;
  const nonzero = bytes.length - zeros;
  return { standard: 21_000 + 4 * zeros + 16 * nonzero, floor: 21_000 + 10 * (zeros + 4 * nonzero) };
}

async function mined(what: string, tx: Promise<ContractTransactionResponse>): Promise<TransactionReceipt> {
  const r = await (await tx).wait();
  if (r === null || r.status !== 1) throw new Error(`${what}: transaction failed`);
  return r;
}

/** Where a transaction's gas goes: per opcode (exclusive: a call counts only its own overhead), plus totals. */
export interface GasProfile {
  readonly gasUsed: number;
  /** 21000 + EIP-2028 calldata gas. */
  readonly intrinsic: number;
  /** The EIP-7623 calldata floor. */
  readonly floor: number;
  /** Gas spent executing code (every depth). */
  readonly execution: number;
  readonly calldataBytes: number;
  readonly byOp: Readonly<Record<string, { gas: number; count: number }>>;
}

/** Profiles a mined transaction with debug_traceTransaction. */
export async function gasProfile(net: OpenNetwork, receipt: TransactionReceipt): Promise<GasProfile> {
  const tx = await net.ethers.provider.getTransaction(receipt.hash);
  if (tx === null) throw new Error("gasProfile: transaction not found");
  const trace = (await net.ethers.provider.send("debug_traceTransaction", [receipt.hash, { disableMemory: true, disableStorage: true }])) as {
    structLogs: StructLog[];
  };
  const logs = trace.structLogs;
  const byOp: Record<string, { gas: number; count: number }> = {};
  let execution = 0;
  for (let i = 0; i < logs.length; i++) {
    const l = logs[i]!;
    const next = logs[i + 1];
    let cost = l.gasCost;
    if (next !== undefined && next.depth === l.depth) {
      cost = l.gas - next.gas;
    } else if (next !== undefined && next.depth > l.depth) {
      let j = i + 1;
      while (j < logs.length && logs[j]!.depth > l.depth) j++;
      const last = logs[j - 1]!;
      const calleeSpent = next.gas - (last.gas - last.gasCost);
      if (j < logs.length) cost = l.gas - logs[j]!.gas - calleeSpent;
    }
    let key = l.op === "SHA3" ? "KECCAK256" : l.op;
    if (l.op === "STATICCALL" && l.stack !== undefined) {
      const target = BigInt(l.stack[l.stack.length - 2] ?? "0");
      if (target === 1n) key = "ecrecover (STATICCALL 0x01)";
      else if (target < 0x100n) key = `precompile 0x${target.toString(16)}`;
    }
    if (l.op === "SLOAD") key += l.gasCost >= 2100 ? " (cold)" : " (warm)";
    if (l.op === "EXTCODESIZE" || l.op === "BALANCE" || l.op === "EXTCODEHASH") key += l.gasCost >= 2600 ? " (cold)" : " (warm)";
    if (/^(PUSH|DUP|SWAP)/.test(l.op)) key = "PUSH/DUP/SWAP";
    const e = (byOp[key] ??= { gas: 0, count: 0 });
    e.gas += cost;
    e.count += 1;
    execution += cost;
  }
  const cd = calldataGas(tx.data);
  return { gasUsed: Number(receipt.gasUsed), intrinsic: cd.standard, floor: cd.floor, execution, calldataBytes: (tx.data.length - 2) / 2, byOp };
}

function formatProfile(name: string, p: GasProfile, top = 12): string[] {
  const lines = Object.entries(p.byOp)
    .sort((a, b) => b[1].gas - a[1].gas)
    .slice(0, top)
    .map(([k, v]) => `    ${k.padEnd(30)} ${String(v.gas).padStart(7)}  x${v.count}`);
  const refund = p.intrinsic + p.execution - p.gasUsed;
  return [
    `gas profile of ${name}: gasUsed ${p.gasUsed} = intrinsic ${p.intrinsic} (21000 + ${p.calldataBytes} B calldata) + execution ${p.execution}` +
      (refund !== 0 ? ` - refund/floor adjustment ${refund}` : "") +
      `; top opcodes (calls exclusive of their callee):`,
    ...lines,
  ];
}

/** Deploys the Safe singleton and proxy factory from the npm package's build artifacts. */
async function deploySafe(deployer: Signer, owners: readonly string[], threshold: number, log: (l: string) => void): Promise<Contract> {
  const read = (rel: string): { abi: InterfaceAbi; bytecode: string } => {
    const file = path.join(SAFE_ARTIFACTS, rel);
    try {
      return JSON.parse(readFileSync(file, "utf8")) as { abi: InterfaceAbi; bytecode: string };
    } catch (e) {
      throw new Error(`cannot read the Safe artifact ${file} (${(e as Error).message.split("\n")[0]}); run \`npm install\` in bench/peers`);
    }
  };
  const safeArt = read("Safe.sol/Safe.json");
  const factoryArt = read("proxies/SafeProxyFactory.sol/SafeProxyFactory.json");
  const singleton = await (await new ContractFactory(safeArt.abi, safeArt.bytecode, deployer).deploy()).waitForDeployment();
  const factory = await (await new ContractFactory(factoryArt.abi, factoryArt.bytecode, deployer).deploy()).waitForDeployment();
  const zero = "0x0000000000000000000000000000000000000000";
  const setup = new Interface(safeArt.abi).encodeFunctionData("setup", [owners, threshold, zero, "0x", zero, zero, 0, zero]);
  const r = await mined("SafeProxyFactory.createProxyWithNonce", factory.getFunction("createProxyWithNonce")(await singleton.getAddress(), setup, 0n));
  const ev = r.logs.map((l) => factory.interface.parseLog(l)).find((x) => x?.name === "ProxyCreation");
  if (ev == null) throw new Error("SafeProxyFactory emitted no ProxyCreation");
  const safe = new Contract(ev.args.proxy as string, safeArt.abi, deployer);
  log(`Safe 1.4.1 proxy ${await safe.getAddress()} (${owners.length} owners, threshold ${threshold}); singleton ${await singleton.getAddress()}`);
  return safe;
}

const SAFE_TX_TYPES = {
  SafeTx: [
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "data", type: "bytes" },
    { name: "operation", type: "uint8" },
    { name: "safeTxGas", type: "uint256" },
    { name: "baseGas", type: "uint256" },
    { name: "gasPrice", type: "uint256" },
    { name: "gasToken", type: "address" },
    { name: "refundReceiver", type: "address" },
    { name: "nonce", type: "uint256" },
  ],
};

/** Executes a 0-value call from the Safe to `to` with `owners.length` owner signatures sorted by owner. */
async function safeExec(safe: Contract, owners: readonly Signer[], to: string, chainId: bigint): Promise<TransactionReceipt> {
  const zero = "0x0000000000000000000000000000000000000000";
  const nonce = (await safe.getFunction("nonce")()) as bigint;
  const message = { to, value: 0n, data: "0x", operation: 0, safeTxGas: 0n, baseGas: 0n, gasPrice: 0n, gasToken: zero, refundReceiver: zero, nonce };
  const domain = { chainId, verifyingContract: await safe.getAddress() };
  const onChain = (await safe.getFunction("getTransactionHash")(to, 0n, "0x", 0, 0n, 0n, 0n, zero, zero, nonce)) as string;
  if (onChain !== TypedDataEncoder.hash(domain, SAFE_TX_TYPES, message)) throw new Error("SafeTx hash mismatch between ethers and the Safe");
  const sigs = sortSignatures(await Promise.all(owners.map(async (o) => ({ signer: await o.getAddress(), signature: await o.signTypedData(domain, SAFE_TX_TYPES, message) }))));
  const packed = concat(sigs.map((s) => s.signature));
  return mined("Safe.execTransaction", safe.getFunction("execTransaction")(to, 0n, "0x", 0, 0n, 0n, 0n, zero, zero, packed));
}

const suite: BenchSuite = {
  name: "rollup",
  description: `gas of batch posts, the delayed inbox, sequencer failover, ${M}-of-${N} commitments and exit, and a 2^${TREE_DEPTH}-leaf escape claim; Safe 1.4.1 as the ${M}-of-${N} peer`,
  async run(log) {
    const started = Date.now();
    const net = await openNetwork("hardhat");
    const helpers = net.connection.networkHelpers;
    const signers = await net.signers();
    const accounts = signers.map((s) => s.address);
    const settings = benchRollupSettings(accounts);
    const [deployer] = signers;
    const council = signers.slice(1, 1 + N);
    const [primary, standby] = [signers[9]!, signers[10]!];
    const validators = signers.slice(12, 12 + N);

    log(`deploying the stack: council ${M} of ${N}, validators ${M} of ${N}, sequencers 3 ...`);
    const { deployment } = await deployTo(net, stackComponents({ rollup: settings, local: true }), { outFile: null });
    const stack: Stack = await connect(deployer!, deployment);
    const c = stack.contracts;
    const token = new Contract(
      deployment.contracts.TestToken!.address,
      ["function mint(address,uint256)", "function approve(address,uint256) returns (bool)"],
      deployer,
    );
    const tokenAddress = getAddress(await token.getAddress());
    const chainId = BigInt(net.chainId);

    const rows: BenchRow[] = [];
    /** Measured transactions whose gas profile is logged at the end. */
    const profiled: [string, TransactionReceipt][] = [];

    // ------------------------------------------------------------ delayed inbox
    // One deposit backing both escape claims (delayed message 0), then 12 L2 transactions.
    const claims = CLAIM_INDICES.map((index, i) => ({ index, account: getAddress("0x" + hex32(`escape claimant ${i}`).slice(26)), amount: CLAIM_AMOUNT }));
    const deposit = CLAIM_AMOUNT * BigInt(claims.length);
    await mined("TestToken.mint", token.getFunction("mint")(accounts[0]!, deposit));
    await mined("TestToken.approve", token.getFunction("approve")(stack.address("RollupVault"), deposit));
    await mined("RollupVault.deposit", c.RollupVault.deposit(tokenAddress, deposit, claims[0]!.account));
    // A second deposit of the same token (the first pays the token's zero-to-non-zero totals): the measured row.
    await mined("TestToken.mint", token.getFunction("mint")(accounts[0]!, 1000n));
    await mined("TestToken.approve", token.getFunction("approve")(stack.address("RollupVault"), 1000n));
    const depositTx = await mined("RollupVault.deposit", c.RollupVault.deposit(tokenAddress, 1000n, claims[1]!.account));
    profiled.push(["RollupVault.deposit", depositTx]);
    rows.push(row("RollupVault.deposit (ERC-20, 2nd deposit of the token)", "gas", depositTx.gasUsed));
    const enqueueGas: bigint[] = [];
    let lastEnqueue: TransactionReceipt | null = null;
    const user = signers[19]!;
    for (let i = 0; i < 12; i++) {
      const r = await mined("DelayedInbox.enqueue", c.DelayedInbox.connect(user).enqueue(benchBytes(`l2 tx ${i}`, L2_TX_BYTES)));
      enqueueGas.push(r.gasUsed);
      lastEnqueue = r;
    }
    log(`DelayedInbox.enqueue (${L2_TX_BYTES} B) gas over 12 calls: min ${enqueueGas.reduce((a, b) => (a < b ? a : b))}, max ${enqueueGas.reduce((a, b) => (a > b ? a : b))}`);
    profiled.push(["DelayedInbox.enqueue", lastEnqueue!]);
    rows.push(row(`DelayedInbox.enqueue (${L2_TX_BYTES} B L2 tx)`, "gas", enqueueGas[enqueueGas.length - 1]!));

    // ------------------------------------------------------------ sequencer heartbeats (first beats: warm-up)

    // ------------------------------------------------------------ batch posts
    const inbox = c.SequencerInbox.connect(primary);
    // The same 4 KB for every batch, so that the rows differ only by the delayed messages consumed.
    const batchData = benchBytes("batch data", BATCH_BYTES);
    const postBatch = async (k: number) => {
      const [head, consumed, start] = await Promise.all([inbox.headAccumulator(), inbox.delayedConsumed(), inbox.nextL2Block()]);
      const data = batchData;
      const header = { prevAccumulator: head, delayedCount: consumed + BigInt(k), l2BlockStart: start, l2BlockEnd: start + 9n, minTimestamp: 0n, maxTimestamp: 2n ** 64n - 1n };
      return mined(`appendBatch k=${k}`, inbox.appendBatch(data, header));
    };
    await postBatch(2); // warm-up: first batch (consumes the two deposits)
    // First heartbeats (fresh slots) are warm-up too; the measured one later is a renewal naming a new head.
    await mined("SequencerSet.heartbeat", c.SequencerSet.connect(primary).heartbeat(await c.SequencerInbox.headAccumulator()));
    await mined("SequencerSet.heartbeat", c.SequencerSet.connect(standby).heartbeat(await c.SequencerInbox.headAccumulator()));
    const execRows: BenchRow[] = [];
    for (const k of [0, 1, 10]) {
      const r = await postBatch(k);
      const p = await gasProfile(net, r);
      log(
        `appendBatch k=${k}: gasUsed ${p.gasUsed}; calldata ${p.calldataBytes} B; intrinsic ${p.intrinsic} + execution ${p.execution} = ${p.intrinsic + p.execution}` +
          `; EIP-7623 floor ${p.floor}${p.gasUsed === p.floor ? " (the floor applies: execution is hidden under it)" : ""}`,
      );
      rows.push(row(`SequencerInbox.appendBatch (${BATCH_BYTES / 1024} KB data, ${k} delayed msgs)`, "gas", r.gasUsed));
      execRows.push(row(`SequencerInbox.appendBatch execution only, excl. calldata (${k} delayed msgs)`, "gas", p.execution));
    }
    rows.push(...execRows);

    // ------------------------------------------------------------ forced inclusion after the SLA window
    const sla = await c.SlaConfig.getSla();
    await helpers.time.increase(Number(sla.inclusionWindow) + 1);
    await helpers.mine(Number(sla.inclusionWindowBlocks) + 1);
    const available = await c.DelayedInbox.count();
    const consumedBefore = await c.SequencerInbox.delayedConsumed();
    if (available - consumedBefore !== 1n) throw new Error(`expected exactly 1 message left to force, found ${available - consumedBefore}`);
    const forced = await mined("forceInclude", c.SequencerInbox.connect(user).forceInclude(available));
    profiled.push(["SequencerInbox.forceInclude", forced]);
    rows.push(row("SequencerInbox.forceInclude (1 msg, past the SLA window)", "gas", forced.gasUsed));

    // ------------------------------------------------------------ heartbeat and failover
    const hb = await mined("heartbeat", c.SequencerSet.connect(standby).heartbeat(await c.SequencerInbox.headAccumulator()));
    profiled.push(["SequencerSet.heartbeat", hb]);
    rows.push(row("SequencerSet.heartbeat (renewal, new head)", "gas", hb.gasUsed));
    const claim = await mined("claimActive", c.SequencerSet.connect(standby).claimActive());
    if (getAddress(await c.SequencerSet.active()) !== getAddress(standby.address)) throw new Error("claimActive did not move the active role");
    profiled.push(["SequencerSet.claimActive", claim]);
    rows.push(row("SequencerSet.claimActive (rank-1 standby failover)", "gas", claim.gasUsed));

    // ------------------------------------------------------------ Safe peer
    log(`deploying Safe 1.4.1 (singleton + proxy factory from @safe-global/safe-contracts build artifacts) ...`);
    const safe = await deploySafe(deployer!, settings.council.members, M, log);
    const safeSigners = council.slice(0, M);
    const safeTarget = accounts[18]!;
    const safeFirst = await safeExec(safe, safeSigners, safeTarget, chainId);
    const safeTx = await safeExec(safe, safeSigners, safeTarget, chainId);
    log(`Safe execTransaction (${M} of ${N}, 0-value call to an EOA): first (nonce 0→1) ${safeFirst.gasUsed}, steady state ${safeTx.gasUsed}`);
    const safeGas = safeTx.gasUsed;

    // ------------------------------------------------------------ the 2^20-leaf exit tree
    const leafCount = 1 << TREE_DEPTH;
    log(`building a 2^${TREE_DEPTH}-leaf exit tree (${leafCount} balances, StandardMerkleTree leaves) ...`);
    const t0 = Date.now();
    const leaves = syntheticEscapeLeaves(leafCount, tokenAddress, claims, (d, t) =>
      log(`  leaves ${d}/${t} (${((Date.now() - t0) / 1000).toFixed(1)} s)`),
    );
    const claimLeaves = claims.map((cl) => leaves[cl.index]!);
    const tree = new FlatMerkleTree(leaves, {
      keep: claimLeaves,
      progress: (d, t) => log(`  nodes ${d}/${t} (${((Date.now() - t0) / 1000).toFixed(1)} s)`),
    });
    const proofs = claimLeaves.map((l) => tree.proof(l));
    log(`exit root ${tree.root}, proofs of ${proofs[0]!.length} hashes, built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // ------------------------------------------------------------ state commitments (6 of 8 validators)
    const sc = c.StateCommitment;
    const commitNext = async (exitRoot: Hex) => {
      const [n, batches, vals] = await Promise.all([sc.count(), c.SequencerInbox.batchCount(), sc.validators()]);
      const batchIndex = batches - 1n;
      const prev = (n === 0n ? "0x" + "00".repeat(32) : (await sc.get(n - 1n)).hash) as Hex;
      const data: CommitmentData = {
        index: n,
        batchIndex: n === 0n ? 0n : batchIndex,
        accumulator: (await c.SequencerInbox.accumulatorOf(n === 0n ? 0n : batchIndex)) as Hex,
        l2StateRoot: hex32(`l2 state root ${n}`) as Hex,
        exitRoot,
        identityRoot: hex32(`identity root ${n}`) as Hex,
      };
      const deadline = BigInt(DEADLINE);
      const ctx = { chainId, verifyingContract: stack.address("StateCommitment"), prevCommitment: prev, validatorEpoch: vals[2], deadline };
      const sigs = sortSignatures(await Promise.all(validators.slice(0, M).map((v) => signCommitment(v, data, ctx))));
      return mined("StateCommitment.commit", sc.commit(data, deadline, sigs));
    };
    await commitNext(("0x" + "11".repeat(32)) as Hex); // warm-up: the first commitment
    const commit = await commitNext(tree.root as Hex);
    rows.push(row(`StateCommitment.commit (${M} of ${N} validators)`, "gas", commit.gasUsed, safeGas, PEER));

    // ------------------------------------------------------------ finality, then the council's exit (6 of 8)
    await helpers.time.increase(Number(sla.finalityDelay) + 1);
    await helpers.mine();
    const payload = buildTriggerExit({ chainId, verifyingContract: stack.address("ExitController"), reason: EXIT_REASON, nonce: EXIT_NONCE, deadline: DEADLINE });
    const exitSigs = sortSignatures(await Promise.all(council.slice(0, M).map((m) => signTriggerExit(m, payload)))).map((s) => ({ signer: s.signer, signature: s.signature }));
    const exit = await mined("ExitController.triggerExit", c.ExitController.triggerExit(payload.reason, BigInt(payload.nonce), BigInt(payload.deadline), exitSigs));
    if (!(await c.ExitController.inExit())) throw new Error("triggerExit did not enter exit mode");
    rows.push(row(`ExitController.triggerExit (${M} of ${N} council)`, "gas", exit.gasUsed, safeGas, PEER));

    // ------------------------------------------------------------ escape claim against the 2^20-leaf root
    const [exists, finalIndex] = await sc.lastFinalized();
    if (!exists || finalIndex !== 1n) throw new Error(`the big-tree commitment is not the last finalized one (exists=${exists}, index=${finalIndex})`);
    const escapes: TransactionReceipt[] = [];
    for (const [i, cl] of claims.entries()) {
      escapes.push(await mined("RollupVault.escape", c.RollupVault.escape(cl.account, tokenAddress, cl.amount, proofs[i]!)));
    }
    const esc = escapes[1]!;
    log(`RollupVault.escape: first of the token ${escapes[0]!.gasUsed} (pays totalPaidOut 0→non-zero), second ${esc.gasUsed} (measured)`);
    profiled.push(["RollupVault.escape", esc]);
    rows.push(row(`RollupVault.escape (2^${TREE_DEPTH}-leaf exit root, ${proofs[1]!.length}-hash proof, 2nd claim of the token)`, "gas", esc.gasUsed));

    // ------------------------------------------------------------ where the gas goes: ours vs Safe
    for (const [name, r] of [["ExitController.triggerExit", exit] as const, ["StateCommitment.commit", commit] as const, ["Safe.execTransaction", safeTx] as const]) {
      for (const l of formatProfile(name, await gasProfile(net, r))) log(l);
    }
    for (const [name, r] of profiled) for (const l of formatProfile(name, await gasProfile(net, r), 6)) log(l);
    log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return rows;
  },
};

export default suite;
