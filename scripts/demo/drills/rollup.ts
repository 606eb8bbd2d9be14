/**
 * Rollup drill: the three government questions answered live on the embedded network.
 * Primary posts → falls silent → unready standby refused → ready standby claims → forced inclusion by a
 * stranger → validators commit → council of 8 signs the exit with 6 (the CLI's code path) → citizens escape.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ExitTree, connect, liveness, signCommitment, signTriggerExit, sortSignatures, buildTriggerExit, forceInclude, refundableDeposits, refundDeposit, wrapError, NotYetError, triggerExitToJson, exitSignatureToJson, type Address, type Hex, type Stack } from "@sovereign-stack/sdk";

import type { Drill, DrillContext } from "../drills.ts";
import { expectRevert } from "../timeline.ts";
import { checkSignatures, duration, forceIncludeHead, loadSignatureFiles, submitExit, writeJson } from "../../exit/commands.ts";

const MAX_U64 = (1n << 64n) - 1n;

async function clocks(stack: Stack): Promise<string> {
  const l = await liveness(stack);
  const q = l.queueHead === null ? "queue empty" : `queue head age ${duration(l.queueHead.age)}/${duration(l.sla.inclusionWindow)}`;
  const a = l.inExit ? "EXIT MODE" : l.autoTrigger.open ? "auto-exit OPEN" : `auto-exit in ${duration(l.autoTrigger.opensAt - l.now)}`;
  return `SLA clocks: active silent ${duration(l.activeSilentFor)} (failover ${duration(l.sla.failoverDelay)}×rank) | ${q} | ${l.lastFinalizedIndex === null ? "no finalized commitment yet" : "finalized #" + l.lastFinalizedIndex}, finality clock ${duration(l.now - l.lastFinalizedTime)}/${duration(l.sla.maxFinalityDelay)} | ${a}`;
}

export const rollupDrill: Drill = {
  name: "rollup",
  async run({ net, stack, timeline, rollup }: DrillContext) {
    const c = stack.contracts;
    const signers = await net.signers();
    const by = (a: string) => signers.find((s) => s.address.toLowerCase() === a.toLowerCase())!;
    const [primary, standby1, standby2] = rollup.sequencers.map(by) as [HardhatEthersSigner, HardhatEthersSigner, HardhatEthersSigner];
    const council = rollup.council.members.map(by);
    const validators = rollup.validators.members.map(by);
    const citizens = [signers[16]!, signers[17]!, signers[18]!];
    const stranger = signers[19]!;
    const strangerStack = await connect(stranger, stack.deployment); // the same stack, acting as a stranger
    const time = net.connection.networkHelpers.time;
    const mine = (n: number) => net.connection.networkHelpers.mine(n);
    const note = async () => timeline.note(await clocks(stack));
    const sla = await c.SlaConfig.getSla();

    const postBatch = async (from: HardhatEthersSigner, data: string) => {
      const start = await c.SequencerInbox.nextL2Block();
      const header = { prevAccumulator: await c.SequencerInbox.headAccumulator(), delayedCount: await c.DelayedInbox.count(), l2BlockStart: start, l2BlockEnd: start, minTimestamp: 0n, maxTimestamp: MAX_U64 };
      await (await c.SequencerInbox.connect(from).appendBatch(data, header)).wait();
    };

    // A mock L2 ledger: what the L2 credits from deposits.
    const token = await net.ethers.deployContract("TestToken", ["Benefit Shilling", "BSH"]);
    const tokenAddr = await token.getAddress();
    const ledger = new Map<string, bigint>();
    let deposited = 0n;
    await timeline.step("citizens deposit benefit tokens into the L1 vault (each becomes a delayed message)", async () => {
      for (const [i, citizen] of citizens.entries()) {
        const amount = BigInt(1000 * (i + 1));
        await (await token.getFunction("mint")(citizen.address, amount)).wait();
        await (await (token.connect(citizen) as typeof token).getFunction("approve")(await c.RollupVault.getAddress(), amount)).wait();
        await (await c.RollupVault.connect(citizen).deposit(tokenAddr, amount, citizen.address)).wait();
        ledger.set(citizen.address, amount);
        deposited += amount;
      }
    });

    timeline.section("1. The primary posts batches");
    await timeline.step("primary posts batch 0 (consumes the 3 deposit messages)", () => postBatch(primary, "0x01"));
    await (await c.SequencerSet.connect(standby1).heartbeat(await c.SequencerInbox.headAccumulator())).wait();
    await timeline.step("primary posts batch 1", () => postBatch(primary, "0x02"));
    await note();

    timeline.section("2. The primary falls silent");
    await time.increase(Number(sla.failoverDelay) + 30);
    await note();

    timeline.section("3. The unready standby's claim is refused");
    await timeline.step("standby 1 (rank 1, last heartbeat names an old head) claims → refused NotReady", async () => {
      await expectRevert(c.SequencerSet.connect(standby1).claimActive(), "NotReady");
    });

    timeline.section("4. The ready standby claims after the failover delay");
    await timeline.step("standby 2 heartbeats the current head (proof of readiness)", async () => {
      await (await c.SequencerSet.connect(standby2).heartbeat(await c.SequencerInbox.headAccumulator())).wait();
    });
    await time.increase(Number(sla.failoverDelay) + 1);
    await timeline.step(`standby 2 (rank 2) claims after ${duration(2 * Number(sla.failoverDelay))} of silence`, async () => {
      await (await c.SequencerSet.connect(standby2).claimActive()).wait();
      if ((await c.SequencerSet.active()) !== standby2.address) throw new Error("standby 2 is not active");
    });
    await timeline.step("the replaced primary's batch reverts (fencing)", async () => {
      await expectRevert(postBatch(primary, "0x03"), "NotActiveSequencer");
    });
    await timeline.step("standby 2 posts batch 2", () => postBatch(standby2, "0x04"));
    await note();

    timeline.section("5. Forced inclusion: a citizen's transaction the sequencer ignores");
    await timeline.step("a citizen enqueues an L2 transaction on L1", async () => {
      await (await c.DelayedInbox.connect(citizens[0]!).enqueue("0xf00d")).wait();
    });
    await note();
    await timeline.step("a stranger tries to force it too early → refused with the time it opens", async () => {
      try {
        await forceInclude(strangerStack);
      } catch (e) {
        const err = wrapError(e);
        if (!(err instanceof NotYetError)) throw err;
        timeline.note(`refused (NotYetError): opens at ${new Date(Number(err.opensAt) * 1000).toISOString()}, L1 block ${String(err.opensAtBlock)}`);
        return;
      }
      throw new Error("forced inside the window");
    });
    await time.increase(Number(sla.inclusionWindow) + 1);
    await mine(Number(sla.inclusionWindowBlocks) + 1);
    await note();
    await timeline.step("the SLA has passed: the stranger force-includes it (npm run exit -- force-include)", async () => {
      const r = await forceIncludeHead(strangerStack);
      timeline.note(`forced ${r.included} message(s) in, tx ${r.txHash.slice(0, 18)}…`);
    });

    const queuedBeforeCommit = await c.DelayedInbox.count();

    timeline.section("6. The validators commit");
    const tree = new ExitTree([...ledger].map(([account, amount]) => ({ account: account as Address, token: tokenAddr as Address, amount })));
    await timeline.step(`3 of 4 validators sign the commitment of the last batch (exit root over ${ledger.size} balances)`, async () => {
      const batchIndex = (await c.SequencerInbox.batchCount()) - 1n;
      const [, , epoch] = await c.StateCommitment.validators();
      const data = { index: await c.StateCommitment.count(), batchIndex, accumulator: (await c.SequencerInbox.accumulatorOf(batchIndex)) as Hex, l2StateRoot: ("0x" + "5a".repeat(32)) as Hex, exitRoot: tree.root, identityRoot: ("0x" + "1d".repeat(32)) as Hex };
      const now = (await net.ethers.provider.getBlock("latest"))!.timestamp;
      const ctx = { chainId: BigInt(net.chainId), verifyingContract: (await c.StateCommitment.getAddress()) as Address, prevCommitment: ("0x" + "00".repeat(32)) as Hex, validatorEpoch: epoch, deadline: BigInt(now + 3600) };
      const sigs = sortSignatures(await Promise.all(validators.slice(0, 3).map((v) => signCommitment(v, data, ctx))));
      await (await c.StateCommitment.commit(data, ctx.deadline, sigs)).wait();
    });
    await time.increase(Number(sla.finalityDelay) + 1);
    const lateDepositor = citizens[1]!;
    const lateAmount = 500n;
    await timeline.step("a citizen deposits after the last commitment (no finalized state covers it)", async () => {
      await (await token.getFunction("mint")(lateDepositor.address, lateAmount)).wait();
      await (await (token.connect(lateDepositor) as typeof token).getFunction("approve")(await c.RollupVault.getAddress(), lateAmount)).wait();
      await (await c.RollupVault.connect(lateDepositor).deposit(tokenAddr, lateAmount, lateDepositor.address)).wait();
      deposited += lateAmount;
    });
    await note();

    timeline.section("7. The council of 8 signs the exit with 6 signatures (the CLI's code path)");
    const dir = await mkdtemp(path.join(tmpdir(), "sovereign-exit-"));
    try {
      const now = (await net.ethers.provider.getBlock("latest"))!.timestamp;
      const payload = buildTriggerExit({ chainId: net.chainId, verifyingContract: await c.ExitController.getAddress(), reason: "drill: national datacentre outage", deadline: now + 24 * 3600 });
      await writeJson(path.join(dir, "payload.json"), triggerExitToJson(payload));
      await timeline.step("6 officials sign the payload off-line (npm run exit -- sign --payload payload.json)", async () => {
        for (const m of council.slice(0, 6)) await writeJson(path.join(dir, `${m.address}.sig.json`), exitSignatureToJson(await signTriggerExit(m, payload)));
      });
      await timeline.step("a relayer checks them against the on-chain council and submits (npm run exit -- submit)", async () => {
        const files = await loadSignatureFiles([dir]);
        const chk = await checkSignatures(strangerStack, payload, files);
        timeline.note(`valid ${chk.valid.length}/${chk.threshold}; missing ${chk.missing.length}: ${chk.missing.join(", ")}`);
        await submitExit(strangerStack, payload, chk);
        if (!(await c.ExitController.inExit())) throw new Error("not in exit mode");
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await note();

    timeline.section("8. Citizens escape-claim on L1");
    let paid = 0n;
    for (const citizen of citizens) {
      const amount = ledger.get(citizen.address)!;
      await timeline.step(`${citizen.address.slice(0, 10)}… escapes ${amount} BSH with a Merkle proof`, async () => {
        await (await c.RollupVault.connect(citizen).escape(citizen.address, tokenAddr, amount, tree.escapeProof(citizen.address, tokenAddr))).wait();
        paid += amount;
      });
    }
    await timeline.step("the late deposit, not in the escape root, is refunded to its depositor (RollupVault.refundDeposit)", async () => {
      const open = await refundableDeposits(strangerStack);
      if (open.length !== 1 || open[0]!.from !== lateDepositor.address || open[0]!.amount !== lateAmount) {
        throw new Error(`expected one refundable deposit of ${lateAmount}, got ${open.length}`);
      }
      await refundDeposit(strangerStack, open[0]!);
      paid += lateAmount;
    });
    let doublePaid = true;
    await timeline.step("a second escape of the same balance is refused (AlreadyPaid)", async () => {
      const first = citizens[0]!;
      await expectRevert(c.RollupVault.connect(first).escape(first.address, tokenAddr, ledger.get(first.address)!, tree.escapeProof(first.address, tokenAddr)), "AlreadyPaid");
      doublePaid = false;
    });

    timeline.section("Drill assertions");
    await timeline.assert("every message queued before the commitment was included", (await c.SequencerInbox.delayedConsumed()) === queuedBeforeCommit, `${await c.SequencerInbox.delayedConsumed()}/${queuedBeforeCommit}`);
    await timeline.assert("payouts are at most the deposits", (await c.RollupVault.totalPaidOut(tokenAddr)) <= (await c.RollupVault.totalDeposited(tokenAddr)) && paid <= deposited, `${paid} paid of ${deposited} deposited`);
    await timeline.assert("no claim was paid twice", !doublePaid);
    await timeline.assert("every deposit was recovered, by escape or by refund", paid === deposited, `${paid} of ${deposited}`);
  },
};
