/**
 * Chain drill: the sovereign chain running end to end (scripts/chain/scenario.ts). It needs a rollup that is not in
 * exit mode (the rollup drill ends in exit mode), so it deploys a fresh stack with the deploy pipeline on a fresh
 * embedded L1. The sequencer and the validators run in this process but read L1 only through its provider, as the
 * separate processes of `npm run chain -- devnet` do through JSON-RPC.
 */
import type { Contract } from "ethers";
import { connect } from "@sovereign-stack/sdk";

import { runChainScenario, type ScenarioReport } from "../../chain/scenario.ts";
import { deployTo, openNetwork } from "../../lib/network.ts";
import { stackComponents } from "../../lib/stack.ts";
import { localRollupSettings } from "../../lib/stack/rollup.ts";
import type { Drill, DrillContext } from "../drills.ts";

export const chainDrill: Drill = {
  name: "chain",
  async run({ timeline }: DrillContext) {
    const net = await openNetwork("hardhat");
    const signers = await net.signers();
    const settings = localRollupSettings(signers.map((s) => s.address));
    const by = (a: string) => signers.find((s) => s.address.toLowerCase() === a.toLowerCase())!;
    const deployment = await timeline.step("a fresh L1 with the stack deployed by the deploy pipeline (the rollup drill left the first one in exit mode)", async () =>
      (await deployTo(net, stackComponents({ rollup: settings, local: true }), { outFile: null })).deployment,
    );
    timeline.note("(this drill's L1 is its own: the L1 block and time in the stamps are the first network's)");
    const stack = await connect(signers[0]!, deployment);
    const [, threshold] = await stack.contracts.StateCommitment.validators();
    const report: ScenarioReport = await runChainScenario(
      {
        provider: net.ethers.provider,
        stack,
        sequencer: by(await stack.contracts.SequencerSet.active()),
        validators: settings.validators.members.slice(0, Number(threshold)).map(by),
        council: settings.council.members.map(by),
        citizens: [signers[16]!, signers[17]!],
        stranger: signers[19]!,
        deployToken: async () => (await net.ethers.deployContract("TestToken", ["Benefit Shilling", "BSH"])) as unknown as Contract,
        increaseTime: (s) => net.connection.networkHelpers.time.increase(Number(s)).then(() => undefined),
      },
      (title, fn) => timeline.step(title, fn),
      (line) => timeline.note(line),
    );

    timeline.section("Chain drill assertions");
    for (const [i, h] of report.validatorHeads.entries()) {
      await timeline.assert(`validator ${i + 1}'s state root derived from L1 equals the sequencer's`, h.stateRoot === report.sequencerStateRootAtBatchEnd, `block ${h.block}`);
    }
    await timeline.assert("the committed state root is the sequencer's", report.committed.l2StateRoot === report.sequencerStateRootAtBatchEnd);
    await timeline.assert("the committed exit and identity roots are the sequencer's", report.committed.exitRoot === report.sequencerRoots.exitRoot && report.committed.identityRoot === report.sequencerRoots.identityRoot);
    await timeline.assert("the stranger's exit root, rebuilt from L1 alone, is the committed one", report.rebuiltExitRoot === report.committed.exitRoot);
    await timeline.assert("payouts stay within deposits", report.paidOut <= report.deposited, `${report.paidOut} paid of ${report.deposited} deposited`);
    await timeline.assert("every deposited token came back out (withdrawal + escapes), once", report.paidOut === report.deposited && report.vaultBalanceAfter === 0n && report.doubleEscapeRefused);
  },
};
