/**
 * connect() checks the deployment record against the chain: a wrong or stale address is named at connect time,
 * not later as BAD_DATA.
 */
import { expect } from "chai";

import { InvalidInputError, connect, type Address, type Deployment } from "@sovereign-stack/sdk";

import { deployRollup, type Rollup } from "../rollup/fixture.ts";

async function thrown(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

function withAddress(dep: Deployment, name: string, address: string): Deployment {
  return { ...dep, contracts: { ...dep.contracts, [name]: { ...dep.contracts[name]!, address: address as Address } } };
}

describe("SDK connect() verifies the deployment", function () {
  this.timeout(120_000);
  let r: Rollup;
  before(async () => {
    r = await deployRollup();
  });

  it("names a contract whose recorded address holds another contract", async () => {
    const dep = withAddress(r.stack.deployment, "ExitController", r.stack.address("SlaConfig"));
    const e = await thrown(connect(r.deployer, dep));
    expect(e).to.be.instanceOf(InvalidInputError);
    expect((e as InvalidInputError).field).to.equal("deployment.contracts.ExitController");
    expect((e as InvalidInputError).shortMessage).to.match(/lacks \d+ of the ExitController functions .*wrong or stale.*npm run deploy -- --network hardhat/);
  });

  it("names a contract whose recorded address holds no code (a reset chain)", async () => {
    const dep = withAddress(r.stack.deployment, "RollupVault", "0x" + "12".repeat(20));
    const e = await thrown(connect(r.deployer, dep));
    expect(e).to.be.instanceOf(InvalidInputError);
    expect((e as InvalidInputError).field).to.equal("deployment.contracts.RollupVault");
    expect((e as InvalidInputError).shortMessage).to.match(/holds no code/);
  });

  it("reads every address's code in one round, and skips it with verifyCode: false", async () => {
    const provider = r.net.ethers.provider;
    const original = provider.getCode.bind(provider);
    let calls = 0;
    let maxInFlight = 0;
    let inFlight = 0;
    provider.getCode = async (...args: Parameters<typeof original>) => {
      calls++;
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        return await original(...args);
      } finally {
        inFlight--;
      }
    };
    try {
      await connect(r.deployer, r.stack.deployment);
      const n = Object.keys(r.stack.deployment.contracts).length;
      expect(calls).to.equal(n);
      expect(maxInFlight, "all eth_getCode calls are issued together").to.equal(n);
      calls = 0;
      const stale = withAddress(r.stack.deployment, "ExitController", r.stack.address("SlaConfig"));
      const stack = await connect(r.deployer, stale, { verifyCode: false });
      expect(calls).to.equal(0);
      expect(stack.address("ExitController")).to.equal(r.stack.address("SlaConfig"));
    } finally {
      provider.getCode = original;
    }
  });

  it("address() is typed Address and takes any recorded name, TestToken included", () => {
    const token: Address = r.stack.address("TestToken");
    expect(token).to.match(/^0x[0-9a-fA-F]{40}$/);
    expect(r.stack.has("TestToken")).to.equal(true);
  });
});
