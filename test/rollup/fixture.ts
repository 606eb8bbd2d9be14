/**
 * Shared fixture for the rollup tests: the real deploy pipeline on a fresh embedded network, plus helpers
 * that act as the sequencer, the validators and the council would.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { connect, buildTriggerExit, signTriggerExit, signCommitment, sortSignatures, type Address, type Hex, type Stack, type ExitSignatureFile } from "@sovereign-stack/sdk";

import { deployTo, openNetwork, type OpenNetwork } from "../../scripts/lib/network.ts";
import { stackComponents } from "../../scripts/lib/stack.ts";
import { localRollupSettings, type RollupSettings } from "../../scripts/lib/stack/rollup.ts";

export const MAX_U64 = (1n << 64n) - 1n;

export interface Rollup {
  readonly net: OpenNetwork;
  readonly stack: Stack;
  readonly settings: RollupSettings;
  readonly signers: HardhatEthersSigner[];
  readonly deployer: HardhatEthersSigner;
  readonly council: HardhatEthersSigner[];
  readonly sequencers: HardhatEthersSigner[];
  readonly validators: HardhatEthersSigner[];
  readonly citizen: HardhatEthersSigner;
  readonly stranger: HardhatEthersSigner;
  now(): Promise<number>;
  increaseTime(seconds: number | bigint): Promise<void>;
  mine(blocks: number | bigint): Promise<void>;
  /** Posts a batch from `from` (default: the active sequencer) consuming up to `delayedCount` messages. */
  postBatch(opts?: { from?: HardhatEthersSigner; delayedCount?: bigint; data?: string; blocks?: bigint }): Promise<bigint>;
  /** Validators commit `batchIndex` with `signers` (default: first `threshold`). */
  commit(batchIndex: bigint, roots?: { exitRoot?: string; identityRoot?: string; l2StateRoot?: string }, signerCount?: number): Promise<void>;
  /** Signature files from the first `n` council members on one exit payload. */
  exitSignatures(n: number, reason?: string, deadline?: number): Promise<{ payload: ExitSignatureFile["payload"]; sigs: { signer: string; signature: string }[] }>;
  activeSigner(): Promise<HardhatEthersSigner>;
}

export async function deployRollup(): Promise<Rollup> {
  const net = await openNetwork("hardhat");
  const signers = await net.signers();
  const settings = localRollupSettings(signers.map((s) => s.address));
  const result = await deployTo(net, stackComponents({ rollup: settings, local: true }), { outFile: null });
  const stack = await connect(signers[0]!, result.deployment);
  const { networkHelpers } = net.connection;
  const byAddress = (a: string) => signers.find((s) => s.address.toLowerCase() === a.toLowerCase())!;
  const r: Rollup = {
    net,
    stack,
    settings,
    signers,
    deployer: signers[0]!,
    council: settings.council.members.map(byAddress),
    sequencers: settings.sequencers.map(byAddress),
    validators: settings.validators.members.map(byAddress),
    citizen: signers[16]!,
    stranger: signers[17]!,
    async now() {
      return (await net.ethers.provider.getBlock("latest"))!.timestamp;
    },
    async increaseTime(seconds) {
      await networkHelpers.time.increase(Number(seconds));
    },
    async mine(blocks) {
      await networkHelpers.mine(Number(blocks));
    },
    async activeSigner() {
      return byAddress(await stack.contracts.SequencerSet.active());
    },
    async postBatch(opts = {}) {
      const inbox = stack.contracts.SequencerInbox;
      const from = opts.from ?? (await r.activeSigner());
      const start = await inbox.nextL2Block();
      const header = {
        prevAccumulator: await inbox.headAccumulator(),
        delayedCount: opts.delayedCount ?? (await inbox.delayedConsumed()),
        l2BlockStart: start,
        l2BlockEnd: start + (opts.blocks ?? 1n) - 1n,
        minTimestamp: 0n,
        maxTimestamp: MAX_U64,
      };
      await (await inbox.connect(from).appendBatch(opts.data ?? "0x1234", header)).wait();
      return (await inbox.batchCount()) - 1n;
    },
    async commit(batchIndex, roots = {}, signerCount) {
      const sc = stack.contracts.StateCommitment;
      const index = await sc.count();
      const prev = (index === 0n ? "0x" + "00".repeat(32) : (await sc.get(index - 1n)).hash) as Hex;
      const [, threshold, epoch] = await sc.validators();
      const data = {
        index,
        batchIndex,
        accumulator: (await stack.contracts.SequencerInbox.accumulatorOf(batchIndex)) as Hex,
        l2StateRoot: (roots.l2StateRoot ?? "0x" + "11".repeat(32)) as Hex,
        exitRoot: (roots.exitRoot ?? "0x" + "22".repeat(32)) as Hex,
        identityRoot: (roots.identityRoot ?? "0x" + "33".repeat(32)) as Hex,
      };
      const ctx = { chainId: BigInt(net.chainId), verifyingContract: (await sc.getAddress()) as Address, prevCommitment: prev, validatorEpoch: epoch, deadline: BigInt((await r.now()) + 3600) };
      const n = signerCount ?? Number(threshold);
      const sigs = sortSignatures(await Promise.all(r.validators.slice(0, n).map((v) => signCommitment(v, data, ctx))));
      await (await sc.commit(data, ctx.deadline, sigs)).wait();
    },
    async exitSignatures(n, reason = "sequencer outage drill", deadline) {
      const payload = buildTriggerExit({
        chainId: net.chainId,
        verifyingContract: await stack.contracts.ExitController.getAddress(),
        reason,
        deadline: deadline ?? (await r.now()) + 3600,
      });
      const files = await Promise.all(r.council.slice(0, n).map((m) => signTriggerExit(m, payload)));
      return { payload, sigs: sortSignatures(files.map((f) => ({ signer: f.signer, signature: f.signature }))) };
    },
  };
  return r;
}
