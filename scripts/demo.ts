/**
 * npm run demo — deploys the whole stack to the embedded in-process network and runs every drill,
 * printing a timeline. Exits non-zero if any step fails.
 */
import { Command } from "commander";
import { connect, CONTRACT_NAMES } from "@sovereign-stack/sdk";

import { runMain } from "./lib/cli.ts";
import { deployTo, openNetwork } from "./lib/network.ts";
import { stackComponents } from "./lib/stack.ts";
import { localRollupSettings } from "./lib/stack/rollup.ts";
import { DRILLS } from "./demo/drills.ts";
import { DrillFailure, Timeline } from "./demo/timeline.ts";

const program = new Command()
  .name("demo")
  .description(`Deploy the stack on the embedded network and run the drills: ${DRILLS.map((d) => d.name).join(", ") || "(deploy only)"}`)
  .option("--only <drills...>", "run only these drills")
  .showHelpAfterError();

await runMain("demo", async () => {
  program.parse();
  const { only } = program.opts<{ only?: string[] }>();
  for (const name of only ?? []) {
    if (!DRILLS.some((d) => d.name === name)) throw new DrillFailure(`--only ${name}: no such drill; choose from ${DRILLS.map((d) => d.name).join(", ")}`);
  }
  const net = await openNetwork("hardhat");
  const timeline = new Timeline(net.ethers.provider);
  const signers = await net.signers();
  const rollup = localRollupSettings(signers.map((s) => s.address));
  timeline.section("Deploy the stack (embedded network)");
  const result = await timeline.step("deploy every component in dependency order and check its code", () =>
    deployTo(net, stackComponents({ rollup, local: true }), { outFile: null, log: (l) => timeline.note(l.trim()) }),
  );
  const stack = await timeline.step("connect the typed SDK to the deployment", () => connect(signers[0]!, result.deployment));
  for (const name of CONTRACT_NAMES) {
    if (!stack.has(name)) throw new DrillFailure(`the SDK knows ${name} but the deploy pipeline did not deploy it`);
  }
  for (const drill of DRILLS) {
    if (only !== undefined && !only.includes(drill.name)) continue;
    timeline.section(`Drill: ${drill.name}`);
    await drill.run({ net, stack, timeline, rollup });
  }
  console.log(`\ndemo: all ${timeline.count} steps passed`);
});
