import { expect } from "chai";
import { JsonRpcProvider, Wallet } from "ethers";

import * as sdk from "@sovereign-stack/sdk";
import { SdkInputError, connect, parseDeployment, readDeployment, type Deployment } from "@sovereign-stack/sdk";

import { deployTo, openNetwork } from "../../scripts/lib/network.ts";
import { stackComponents } from "../../scripts/lib/stack.ts";
import { localRollupSettings } from "../../scripts/lib/stack/rollup.ts";

const good = {
  network: "hardhat",
  chainId: 31337,
  gitCommit: "abc",
  solcVersion: "0.8.28",
  contracts: {
    ExitController: { address: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as const, artifact: "ExitController", deployBlock: 1, txHash: `0x${"ab".repeat(32)}`, constructorArgs: [], initCodeHash: `0x${"cd".repeat(32)}` },
  },
} satisfies Deployment;

describe("SDK package", () => {
  it("is imported by its package name and exposes typed clients and helpers", () => {
    expect(sdk.CONTRACT_NAMES).to.include.members(["ExitController", "SequencerInbox", "RollupVault"]);
    expect(typeof sdk.connect).to.equal("function");
    expect(typeof sdk.CONTRACT_FACTORIES.ExitController.connect).to.equal("function");
    expect("typechain" in sdk, "the root no longer exports typechain's factories (bytecode)").to.equal(false);
  });

  it("rejects a bad deployment naming the field", () => {
    const cases: [unknown, RegExp][] = [
      ["not json", /^deployment: is not valid JSON/],
      [[], /^deployment: must be a JSON object/],
      [{ ...good, chainId: 0 }, /^deployment\.chainId: must be a positive integer/],
      [{ ...good, solcVersion: "latest" }, /^deployment\.solcVersion/],
      [{ ...good, contracts: { X: { ...good.contracts.ExitController, address: "0x123" } } }, /^deployment\.contracts\.X\.address: must be a 0x-prefixed 20-byte address/],
      [{ ...good, contracts: { X: { ...good.contracts.ExitController, deployBlock: -1 } } }, /^deployment\.contracts\.X\.deployBlock/],
    ];
    for (const [input, re] of cases) {
      expect(() => parseDeployment(input)).to.throw(SdkInputError, re);
    }
    expect(parseDeployment(JSON.stringify(good)).contracts.ExitController!.deployBlock).to.equal(1);
  });

  it("readDeployment names the missing file and how to create it", async () => {
    let err: unknown;
    try {
      await readDeployment("/nonexistent/deployments/x.json");
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(SdkInputError);
    expect((err as Error).message).to.match(/cannot read .*ENOENT.*npm run deploy/);
  });

  it("refuses a deployment for another chain, and a missing contract with the fix", async () => {
    const net = await openNetwork("hardhat");
    const signers = await net.signers();
    const res = await deployTo(net, stackComponents({ rollup: localRollupSettings(signers.map((s) => s.address)), local: true }), { outFile: null });
    let err: unknown;
    try {
      await connect(signers[0]!, { ...res.deployment, chainId: 1 });
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).to.match(/deployment is for chain 1 .* connected to chain 31337/);
    const partial = { ...res.deployment, contracts: { ExitController: res.deployment.contracts.ExitController! } };
    const stack = await connect(signers[0]!, partial);
    expect(stack.has("SequencerInbox")).to.equal(false);
    expect(() => stack.contracts.SequencerInbox).to.throw(SdkInputError, /deployment\.contracts\.SequencerInbox: is missing .*npm run deploy -- --network hardhat/);
  });

  it("connects read-only without a provider check when asked, doing no I/O until used", async () => {
    const offline = new Wallet(Wallet.createRandom().privateKey, new JsonRpcProvider("http://127.0.0.1:9", 31337, { staticNetwork: true }));
    const stack = await connect(offline, good, { checkChainId: false, verifyCode: false });
    expect(stack.address("ExitController")).to.equal(good.contracts.ExitController.address);
  });
});
