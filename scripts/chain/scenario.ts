/**
 * The chain's end-to-end flow on an L1 that holds a freshly deployed stack, shared by the demo's chain drill and
 * `test/chain/e2e.test.ts`:
 *   1. citizens deposit an L1 token into `RollupVault` (delayed messages);
 *   2. on L2 they transact through the sequencer's JSON-RPC with plain ethers (a transfer, a withdrawal);
 *   3. the sequencer's poster posts the sealed blocks to `SequencerInbox` (it holds the active role);
 *   4. three validators derive the chain from L1 alone, sign, and one submits the M-of-N commitment;
 *   5. once final, a citizen's withdrawal is paid on L1 against the committed exit root;
 *   6. the council exits (6 signatures);
 *   7. a stranger derives the state from L1 data alone, rebuilds the exit tree (the escape tools' code path) and the
 *      citizens escape with its proofs.
 * The sequencer and validators read L1 only through `l1.provider`. Each step runs through `step` (the drill's
 * timeline, or a plain runner in the test); what it observed is returned for the caller to assert.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import {
  DirectorySignatureBoard,
  L2_BRIDGE_ADDRESS,
  computeRoots,
  engineBlockOf,
  genesisToJson,
  rollupAddresses,
  startL1SequencerNode,
  startValidatorNode,
  storedHeader,
  type L1SequencerNode,
  type ValidatorNode,
} from "@sovereign-stack/node";
import { buildTriggerExit, connect, signTriggerExit, sortSignatures, type Stack } from "@sovereign-stack/sdk";
import { Contract, JsonRpcProvider, Wallet, id, type Provider, type Signer } from "ethers";

import { devnetGenesis } from "./devnet.ts";
import { escapeProofs, verifiedExitTree } from "./escape.ts";
import { l1DerivedSource } from "./l1-source.ts";

/** The L1 the flow runs on. */
export interface ScenarioL1 {
  readonly provider: Provider;
  /** The stack, connected to any signer (reads, and calls anyone may make). */
  readonly stack: Stack;
  /** The active sequencer's key. */
  readonly sequencer: Signer;
  /** At least the commitment threshold of registered validators: each runs a validator. */
  readonly validators: readonly Signer[];
  /** Council members, at least the exit threshold. */
  readonly council: readonly Signer[];
  /** L1 depositors (two). */
  readonly citizens: readonly Signer[];
  /** Someone with no role: rebuilds the exit tree and relays claims. */
  readonly stranger: Signer;
  /** A fresh mintable ERC-20 (TestToken) on L1. */
  deployToken(): Promise<Contract>;
  increaseTime(seconds: bigint): Promise<void>;
}

/** Runs one step (the drill prints it; the test just runs it). */
export type StepRunner = <T>(title: string, fn: () => Promise<T>) => Promise<T>;

/** What the flow observed. */
export interface ScenarioReport {
  readonly l2RpcUrl: string;
  readonly batchesPosted: number;
  /** Engine block each validator's head is at, with its state root, and the sequencer's root at that block. */
  readonly validatorHeads: readonly { block: bigint; stateRoot: string }[];
  readonly sequencerStateRootAtBatchEnd: string;
  readonly sequencerRoots: { exitRoot: string; identityRoot: string };
  readonly committed: { index: bigint; batchIndex: bigint; l2StateRoot: string; exitRoot: string; identityRoot: string };
  /** The exit root the stranger rebuilt from L1 alone. */
  readonly rebuiltExitRoot: string;
  readonly deposited: bigint;
  readonly paidOut: bigint;
  readonly vaultBalanceAfter: bigint;
  /** A second escape of the same balance reverted. */
  readonly doubleEscapeRefused: boolean;
  readonly l2Balances: Readonly<Record<string, bigint>>;
}

const erc20 = ["function mint(address,uint256)", "function approve(address,uint256) returns (bool)", "function transfer(address,uint256) returns (bool)", "function balanceOf(address) view returns (uint256)"];
const bridge = ["function l2TokenOf(address) view returns (address)", "function withdraw(address token, uint256 amount, address l1Recipient) returns (bytes32)"];

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what}: not reached within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs the flow. Everything it starts is stopped, and its temporary directory removed, before it returns. */
export async function runChainScenario(l1: ScenarioL1, step: StepRunner, note: (line: string) => void = () => undefined): Promise<ScenarioReport> {
  const c = l1.stack.contracts;
  const rollup = rollupAddresses(l1.stack.deployment);
  const dir = mkdtempSync(path.join(tmpdir(), "sovereign-chain-flow-"));
  // L2 keys of the two citizens (throwaway, derived from labels) and the L2 genesis funding them with gas.
  const [alice, bob] = [new Wallet(id("sovereign chain drill: alice")), new Wallet(id("sovereign chain drill: bob"))] as [Wallet, Wallet];
  const genesis = devnetGenesis([alice.address, bob.address], await l1.stranger.getAddress(), BigInt(Math.floor(Date.now() / 1000)) - 60n);
  const genesisFile = path.join(dir, "l2-genesis.json");
  writeFileSync(genesisFile, genesisToJson(genesis));
  let seq: L1SequencerNode | undefined;
  let l2: JsonRpcProvider | undefined;
  const validators: ValidatorNode[] = [];
  try {
    const token = await l1.deployToken();
    const tokenAddr = await token.getAddress();
    const vault = c.RollupVault;
    const vaultAddr = await vault.getAddress();
    const amounts = [1000n, 600n];
    let deposited = 0n;
    await step("1. citizens deposit 1000 and 600 tokens into the L1 vault for their L2 accounts (delayed messages)", async () => {
      for (const [i, citizen] of l1.citizens.slice(0, 2).entries()) {
        const who = await citizen.getAddress();
        await (await (token.connect(l1.stranger) as Contract).getFunction("mint")(who, amounts[i]!)).wait();
        await (await (token.connect(citizen) as Contract).getFunction("approve")(vaultAddr, amounts[i]!)).wait();
        await (await vault.connect(citizen).deposit(tokenAddr, amounts[i]!, [alice, bob][i]!.address)).wait();
        deposited += amounts[i]!;
      }
    });

    seq = await step("the sequencer starts: L2 JSON-RPC, delayed messages read from L1, poster holding the active role", () =>
      startL1SequencerNode({
        node: { dataDir: path.join(dir, "sequencer"), rpcHost: "127.0.0.1", rpcPort: 0, chainId: genesis.chainId, sealIntervalMs: 200, genesisFile },
        l1: l1.provider,
        signer: l1.sequencer,
        rollup,
        postIntervalMs: 0, // posted explicitly below, so the flow is deterministic
        onError: (e) => note(`poster: ${(e as Error).message}`),
      }),
    );
    const s = seq;
    l2 = new JsonRpcProvider(s.node.server.url, undefined, { cacheTimeout: -1, pollingInterval: 100 });
    note(`L2 RPC ${s.node.server.url} (chain ${genesis.chainId})`);
    const l2p = l2;
    const l2Bridge = new Contract(L2_BRIDGE_ADDRESS, bridge, l2p);
    const l2TokenAddr = await until("the deposits credited on L2", 30_000, async () => {
      const a = (await l2Bridge.getFunction("l2TokenOf")(tokenAddr)) as string;
      if (BigInt(a) === 0n) return undefined;
      const bal = (await new Contract(a, erc20, l2p).getFunction("balanceOf")(bob.address)) as bigint;
      return bal === amounts[1] ? a : undefined;
    });
    const l2Token = new Contract(l2TokenAddr, erc20, l2p);
    const withdrawn = 100n;
    const bobL1 = await l1.citizens[1]!.getAddress();
    await step("2. on L2, through the RPC with plain ethers: alice sends bob 250; bob withdraws 100 to his L1 address", async () => {
      const t = await (l2Token.connect(alice.connect(l2p)) as Contract).getFunction("transfer")(bob.address, 250n);
      const r1 = await t.wait();
      const w = await (l2Bridge.connect(bob.connect(l2p)) as Contract).getFunction("withdraw")(tokenAddr, withdrawn, bobL1);
      const r2 = await w.wait();
      if (r1?.status !== 1 || r2?.status !== 1) throw new Error("an L2 transaction failed");
      note(`L2 blocks ${r1.blockNumber} and ${r2.blockNumber}; alice ${await l2Token.getFunction("balanceOf")(alice.address)}, bob ${await l2Token.getFunction("balanceOf")(bob.address)}`);
    });
    const l2Balances = { alice: (await l2Token.getFunction("balanceOf")(alice.address)) as bigint, bob: (await l2Token.getFunction("balanceOf")(bob.address)) as bigint };

    const posted = await step("3. the sequencer stops sealing; its poster posts every sealed block to SequencerInbox", async () => {
      await s.node.sequencer.stop(); // the RPC still answers; no block after this one, so the roots below are comparable
      const out = await s.postNow();
      if (out.length === 0) throw new Error("nothing was posted");
      for (const p of out) if (p.posted) note(`batch ${p.index}: L2 blocks ${p.batch.header.l2BlockStart}..${p.batch.header.l2BlockEnd}, ${p.batch.txCount} txs, ${p.batch.delayedCount} deposits, ${p.batch.data.length} bytes, ${p.gasUsed} L1 gas`);
      return out;
    });
    const batchEnd = engineBlockOf((await c.SequencerInbox.nextL2Block()) - 1n);
    const sequencerStateRootAtBatchEnd = (await storedHeader(s.node.engine, batchEnd)).stateRoot;
    const sequencerRoots = await computeRoots(s.node.engine);

    const [, threshold] = await c.StateCommitment.validators();
    await step(`4. ${l1.validators.length} validators derive the chain from L1 alone and sign; with ${threshold} signatures on the board one of them commits`, async () => {
      const board = new DirectorySignatureBoard(path.join(dir, "board"));
      for (const [i, v] of l1.validators.entries()) validators.push(await startValidatorNode({ dataDir: path.join(dir, `validator-${i + 1}`), genesis, l1: l1.provider, signer: v, rollup, board, stepIntervalMs: 0 }));
      for (const [i, v] of validators.entries()) {
        const st = await v.stepNow();
        note(`validator ${i + 1}: derived ${st.derived.length} batch(es), signed ${st.signed.length}, submitted [${st.submitted.join(", ")}]`);
      }
      if ((await c.StateCommitment.count()) === 0n) throw new Error("no commitment after every validator stepped");
    });
    const [ev] = (await c.StateCommitment.queryFilter(c.StateCommitment.filters.CommitmentSubmitted())).slice(-1);
    const d = ev!.args.data;
    const committed = { index: d.index, batchIndex: d.batchIndex, l2StateRoot: d.l2StateRoot, exitRoot: d.exitRoot, identityRoot: d.identityRoot };
    const validatorHeads = validators.map((v) => ({ block: v.engine.head().number, stateRoot: v.engine.head().stateRoot }));
    for (const v of validators.splice(0)) await v.stop();

    const sla = await c.SlaConfig.getSla();
    await l1.increaseTime(sla.finalityDelay + 1n);
    const strangerStack = await connect(l1.stranger, l1.stack.deployment);
    const source = l1DerivedSource(l1.provider, l1.stack, genesis);
    let paid = 0n;
    await step("5. the commitment is final: bob's withdrawal is paid on L1 against its exit root", async () => {
      const tree = await verifiedExitTree(l1.stack, source);
      const w = (await escapeProofs(l1.stack, tree, bobL1)).withdrawals[0];
      if (w === undefined) throw new Error("bob's withdrawal is not in the exit tree");
      await (await strangerStack.contracts.RollupVault.withdraw(w.commitmentIndex, w.withdrawalId, w.account, w.token, w.amount, [...w.proof])).wait();
      paid += w.amount;
    });

    await step("6. the council exits: 6 of 8 members sign TriggerExit off-line, a stranger submits", async () => {
      const now = (await l1.provider.getBlock("latest"))!.timestamp;
      const payload = buildTriggerExit({ chainId: Number((await l1.provider.getNetwork()).chainId), verifyingContract: await c.ExitController.getAddress(), reason: "chain drill: exit", deadline: now + 3600 });
      const sigs = sortSignatures((await Promise.all(l1.council.slice(0, 6).map((m) => signTriggerExit(m, payload)))).map((f) => ({ signer: f.signer, signature: f.signature })));
      await (await strangerStack.contracts.ExitController.triggerExit(payload.reason, payload.nonce, payload.deadline, sigs)).wait();
      if (!(await c.ExitController.inExit())) throw new Error("not in exit mode");
    });

    let rebuiltExitRoot = "";
    let doubleEscapeRefused = false;
    await step("7. a stranger derives the state from L1 data alone, rebuilds the exit tree, and alice and bob escape with its proofs", async () => {
      const tree = await verifiedExitTree(l1.stack, source);
      rebuiltExitRoot = tree.view.root;
      note(`rebuilt exit root ${tree.view.root} at L2 block ${tree.l2Block} = finalized commitment ${tree.commitment.index}'s`);
      for (const who of [alice.address, bob.address]) {
        const e = (await escapeProofs(l1.stack, tree, who)).escapes[0];
        if (e === undefined) throw new Error(`${who} has no escape leaf`);
        await (await strangerStack.contracts.RollupVault.escape(e.account, e.token, e.amount, [...e.proof])).wait();
        paid += e.amount;
        note(`${who} escaped ${e.amount}`);
      }
      const again = (await escapeProofs(l1.stack, tree, alice.address)).escapes[0]!;
      try {
        await strangerStack.contracts.RollupVault.escape.staticCall(again.account, again.token, again.amount, [...again.proof]);
      } catch {
        doubleEscapeRefused = true;
      }
    });
    return {
      l2RpcUrl: s.node.server.url,
      batchesPosted: posted.filter((p) => p.posted).length,
      validatorHeads,
      sequencerStateRootAtBatchEnd,
      sequencerRoots,
      committed,
      rebuiltExitRoot,
      deposited,
      paidOut: paid,
      vaultBalanceAfter: (await token.getFunction("balanceOf")(vaultAddr)) as bigint,
      doubleEscapeRefused,
      l2Balances,
    };
  } finally {
    l2?.destroy();
    for (const v of validators) await v.stop();
    await seq?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
