import { expect } from "chai";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { connect, CONTRACT_NAMES, parseDeployment } from "@sovereign-stack/sdk";

import { DeployError, codeMatches, deployStack, type Component } from "../../scripts/lib/deployer.ts";
import { deployTo, openNetwork, SOLC_VERSION, hre } from "../../scripts/lib/network.ts";
import { stackComponents } from "../../scripts/lib/stack.ts";
import { councilWeaknesses, localRollupSettings, readRollupSettings, rollupComponents } from "../../scripts/lib/stack/rollup.ts";

async function tmpFile(): Promise<string> {
  return path.join(await mkdtemp(path.join(tmpdir(), "sov-deploy-")), "hardhat.json");
}

describe("deploy pipeline", () => {
  it("deploys every component in order, records it, and the SDK connects to every contract", async () => {
    const net = await openNetwork("hardhat");
    const signers = await net.signers();
    const out = await tmpFile();
    const components = stackComponents({ rollup: localRollupSettings(signers.map((s) => s.address)), local: true });
    const res = await deployTo(net, components, { outFile: out });
    expect(res.deployed).to.deep.equal(components.map((c) => c.name));
    const record = parseDeployment(await readFile(out, "utf8"));
    expect(record.chainId).to.equal(31337);
    expect(record.solcVersion).to.equal(SOLC_VERSION);
    expect(record.gitCommit).to.match(/^([0-9a-f]{40}(-dirty)?|unknown)$/);
    for (const c of components) {
      const e = record.contracts[c.name]!;
      expect(await net.ethers.provider.getCode(e.address)).to.not.equal("0x");
      expect(e.deployBlock).to.be.greaterThan(0);
    }
    const stack = await connect(signers[0]!, out);
    for (const name of CONTRACT_NAMES) expect(stack.has(name), name).to.equal(true);
    expect(await stack.contracts.ExitController.inExit()).to.equal(false);
    // the wiring happened
    expect(await stack.contracts.SequencerSet.inbox()).to.equal(record.contracts.SequencerInbox!.address);
    expect(await stack.contracts.DelayedInbox.depositor()).to.equal(record.contracts.RollupVault!.address);
  });

  it("skips what is already deployed with identical bytecode on a re-run", async () => {
    const net = await openNetwork("hardhat");
    const signers = await net.signers();
    const out = await tmpFile();
    const components = stackComponents({ rollup: localRollupSettings(signers.map((s) => s.address)), local: true });
    await deployTo(net, components, { outFile: out });
    const before = await readFile(out, "utf8");
    const again = await deployTo(net, components, { outFile: out });
    expect(again.deployed).to.deep.equal([]);
    expect(again.skipped).to.deep.equal(components.map((c) => c.name));
    expect(JSON.parse(await readFile(out, "utf8")).contracts).to.deep.equal(JSON.parse(before).contracts);
  });

  it("refuses to redeploy a changed contract without --force, and redeploys it with --force", async () => {
    const net = await openNetwork("hardhat");
    const out = await tmpFile();
    const v1: Component[] = [{ name: "Token", artifact: "TestToken", args: () => ["A", "A"] }];
    const v2: Component[] = [{ name: "Token", artifact: "TestToken", args: () => ["B", "B"] }];
    const first = await deployTo(net, v1, { outFile: out });
    let err: unknown;
    try {
      await deployTo(net, v2, { outFile: out });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(DeployError);
    expect((err as Error).message).to.match(/Token changed since deployed .* re-run with --force to redeploy the stack at new addresses/);
    const forced = await deployTo(net, v2, { outFile: out, force: true });
    expect(forced.deployed).to.deep.equal(["Token"]);
    expect(forced.deployment.contracts.Token!.address).to.not.equal(first.deployment.contracts.Token!.address);
  });

  it("computes every address up front: components hold each other as immutables, in any order", async () => {
    const net = await openNetwork("hardhat");
    const signers = await net.signers();
    const res = await deployTo(net, stackComponents({ rollup: localRollupSettings(signers.map((s) => s.address)), local: true }), { outFile: null });
    const stack = await connect(signers[0]!, res.deployment);
    const a = (n: Parameters<typeof stack.address>[0]) => stack.address(n);
    // references that point both ways, fixed at construction
    expect(await stack.contracts.SequencerSet.inbox()).to.equal(a("SequencerInbox"));
    expect(await stack.contracts.SequencerInbox.sequencerSet()).to.equal(a("SequencerSet"));
    expect(await stack.contracts.ExitController.timelock()).to.equal(a("CouncilTimelock"));
    expect(await stack.contracts.CouncilTimelock.hasRole(await stack.contracts.CouncilTimelock.PROPOSER_ROLE(), a("ExitController"))).to.equal(true);
    expect(await stack.contracts.DelayedInbox.depositor()).to.equal(a("RollupVault"));
    expect(await stack.contracts.SlaConfig.governor()).to.equal(a("CouncilTimelock"));
    expect(res.deployment.deploymentSalt).to.match(/^0x[0-9a-f]{64}$/);
    expect(res.deployment.contracts.StackFactory).to.not.equal(undefined);
  });

  it("reports a stale record on a public network instead of silently redeploying", async () => {
    const net = await openNetwork("hardhat");
    const [deployer] = await net.signers();
    const out = await tmpFile();
    const components: Component[] = [{ name: "Token", artifact: "TestToken", args: () => ["A", "A"] }];
    const opts = {
      network: "remote",
      deployer: deployer!,
      provider: net.ethers.provider,
      readArtifact: (n: string) => hre.artifacts.readArtifact(n),
      components,
      local: false,
      solcVersion: SOLC_VERSION,
      gitCommit: "test",
      outFile: out,
    };
    const first = await deployStack(opts);
    const record = JSON.parse(await readFile(out, "utf8")) as { contracts: Record<string, { address: string }> };
    record.contracts.StackFactory!.address = "0x000000000000000000000000000000000000dEaD"; // as after a chain reset
    await writeFile(out, JSON.stringify(record));
    let err: unknown;
    try {
      await deployStack(opts);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(DeployError);
    expect((err as Error).message).to.match(/StackFactory at 0x000000000000000000000000000000000000dEaD, but that address holds no code .* the record is stale/);
    expect(first.deployed).to.deep.equal(["Token"]);
  });

  it("refuses a corrupt deployment record and says what to do", async () => {
    const out = await tmpFile();
    await writeFile(out, "{ not json");
    const net = await openNetwork("hardhat");
    let err: unknown;
    try {
      await deployTo(net, [], { outFile: out });
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).to.match(/is not a valid deployment record/);
  });

  it("checks runtime code against the artifact, immutables masked", async () => {
    const net = await openNetwork("hardhat");
    const signers = await net.signers();
    const res = await deployTo(net, stackComponents({ rollup: localRollupSettings(signers.map((s) => s.address)), local: true }), { outFile: null });
    const artifact = await hre.artifacts.readArtifact("SequencerInbox");
    const code = await net.ethers.provider.getCode(res.deployment.contracts.SequencerInbox!.address);
    expect(code).to.not.equal(artifact.deployedBytecode); // immutables differ
    expect(codeMatches(code, artifact)).to.equal(true);
    const other = await net.ethers.provider.getCode(res.deployment.contracts.DelayedInbox!.address);
    expect(codeMatches(other, artifact)).to.equal(false);
  });

  it("refuses a council below L2BEAT Stage 1 off local networks unless explicitly allowed", async () => {
    const net = await openNetwork("hardhat");
    const accounts = (await net.signers()).map((s) => s.address);
    const weak = { ...localRollupSettings(accounts), council: { members: accounts.slice(1, 6), threshold: 3 } };
    expect(councilWeaknesses(5, 3)).to.have.length(2);
    expect(councilWeaknesses(8, 6)).to.deep.equal([]);
    expect(() => rollupComponents(weak, { local: false, allowWeakCouncil: false, warn: () => {} })).to.throw(DeployError, /weaker than L2BEAT Stage 1.*--allow-weak-council/);
    const warnings: string[] = [];
    rollupComponents(weak, { local: false, allowWeakCouncil: true, warn: (l) => warnings.push(l) });
    expect(warnings.join("\n")).to.match(/WARNING: deploying a council weaker than L2BEAT Stage 1/);
    expect(() => rollupComponents(weak, { local: true, allowWeakCouncil: false, warn: () => {} })).to.not.throw();
  });

  it("reads --params files and names the bad field", async () => {
    const good = JSON.parse(await readFile(path.join(import.meta.dirname, "../../deployments/params.example.json"), "utf8")) as Record<string, unknown>;
    const settings = await readRollupSettings(path.join(import.meta.dirname, "../../deployments/params.example.json"));
    expect(settings.council.members).to.have.length(8);
    expect(settings.timelockDelay).to.equal(604800);
    const cases: [unknown, RegExp][] = [
      [{ ...good, council: { members: ["0x12"], threshold: 1 } }, /params\.council\.members\[0\] is not an address/],
      [{ ...good, sequencers: [] }, /params\.sequencers must be a non-empty array of addresses/],
      [{ ...good, sla: { inclusionWindow: -5 } }, /params\.sla\.inclusionWindow must be a non-negative integer/],
      [{ ...good, validators: { members: (good.validators as { members: string[] }).members, threshold: "3" } }, /params\.validators\.threshold must be a non-negative integer/],
    ];
    for (const [content, re] of cases) {
      const file = await tmpFile();
      await writeFile(file, JSON.stringify(content));
      let err: unknown;
      try {
        await readRollupSettings(file);
      } catch (e) {
        err = e;
      }
      expect(err, String(re)).to.be.instanceOf(DeployError);
      expect((err as Error).message).to.match(re);
    }
    let missing: unknown;
    try {
      await readRollupSettings("/nonexistent/params.json");
    } catch (e) {
      missing = e;
    }
    expect((missing as Error).message).to.match(/--params \/nonexistent\/params\.json: cannot read it as JSON/);
  });

  it("opens only configured networks and names the fix", async () => {
    let err: unknown;
    try {
      await openNetwork("mainnet-typo");
    } catch (e) {
      err = e;
    }
    // only the names an operator may use: not Hardhat's internal "default" and "node"
    expect((err as Error).message).to.match(/--network mainnet-typo does not exist; choose one of: mainnet, sepolia, holesky, remote, localhost, hardhat \(/);
    expect((err as Error).message).to.not.match(/\bdefault\b|\bnode\b/);
  });
});
