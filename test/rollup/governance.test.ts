import { expect } from "chai";
import { DEFAULT_SLA, getSla, sortSignatures } from "@sovereign-stack/sdk";

import { deployRollup, type Rollup } from "./fixture.ts";
import { LOCAL_TIMELOCK } from "../../scripts/lib/stack/rollup.ts";

describe("Governance: the recovery window is on-chain, changed only by the council through a timelock", () => {
  let r: Rollup;
  beforeEach(async () => {
    r = await deployRollup();
  });

  async function scheduleSigs(target: string, data: string, nonce: bigint, deadline: number, n = 6) {
    const ec = r.stack.contracts.ExitController;
    const domain = { name: "SovereignExitController", version: "1", chainId: r.net.chainId, verifyingContract: await ec.getAddress() };
    const types = { Schedule: [{ name: "target", type: "address" }, { name: "data", type: "bytes" }, { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" }] };
    return sortSignatures(await Promise.all(r.council.slice(0, n).map(async (m) => ({ signer: m.address, signature: await m.signTypedData(domain, types, { target, data, nonce, deadline }) }))));
  }

  it("getSla returns every parameter, at the defaults", async () => {
    expect(await getSla(r.stack)).to.deep.equal(DEFAULT_SLA);
  });

  it("changes the SLA only after the timelock, with council signatures", async () => {
    const c = r.stack.contracts;
    const sla = { ...DEFAULT_SLA, inclusionWindow: 30 * 60 };
    const data = c.SlaConfig.interface.encodeFunctionData("setSla", [sla]);
    const target = await c.SlaConfig.getAddress();
    await expect(c.SlaConfig.setSla(sla)).to.be.revertedWithCustomError(c.SlaConfig, "NotGovernor");
    const deadline = (await r.now()) + 3600;
    await expect(c.ExitController.schedule(target, data, 11n, deadline, await scheduleSigs(target, data, 11n, deadline, 5))).to.be.revertedWithCustomError(c.ExitController, "NotEnoughSignatures");
    await expect(c.ExitController.schedule(target, data, 11n, deadline, await scheduleSigs(target, data, 11n, deadline))).to.emit(c.ExitController, "OperationScheduled");
    await expect(c.ExitController.execute(target, data, 11n)).to.be.revertedWithCustomError(c.ExitController, "OperationNotReady");
    await r.increaseTime(LOCAL_TIMELOCK);
    await expect(c.ExitController.connect(r.stranger).execute(target, data, 11n)).to.emit(c.SlaConfig, "SlaUpdated");
    expect((await getSla(r.stack)).inclusionWindow).to.equal(30 * 60);
    await expect(c.ExitController.execute(target, data, 11n)).to.be.revertedWithCustomError(c.ExitController, "OperationUnknown");
  });

  it("a used nonce cannot be replayed by any council action", async () => {
    const c = r.stack.contracts;
    const target = await c.SlaConfig.getAddress();
    const data = c.SlaConfig.interface.encodeFunctionData("setSla", [DEFAULT_SLA]);
    const deadline = (await r.now()) + 3600;
    const sigs = await scheduleSigs(target, data, 42n, deadline);
    await (await c.ExitController.schedule(target, data, 42n, deadline, sigs)).wait();
    await expect(c.ExitController.schedule(target, data, 42n, deadline, sigs)).to.be.revertedWithCustomError(c.ExitController, "NonceUsed").withArgs(42n);
    // the same nonce on another action type is refused too
    const ec = c.ExitController;
    const id = await ec.operationId(target, data, 42n);
    const domain = { name: "SovereignExitController", version: "1", chainId: r.net.chainId, verifyingContract: await ec.getAddress() };
    const types = { Cancel: [{ name: "operationId", type: "bytes32" }, { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" }] };
    const cancelSigs = sortSignatures(await Promise.all(r.council.slice(0, 6).map(async (m) => ({ signer: m.address, signature: await m.signTypedData(domain, types, { operationId: id, nonce: 42n, deadline }) }))));
    await expect(ec.cancel(id, 42n, deadline, cancelSigs)).to.be.revertedWithCustomError(ec, "NonceUsed").withArgs(42n);
    expect(await ec.nonceUsed(42n)).to.equal(true);
    expect(await ec.nonceUsed(43n)).to.equal(false);
  });

  it("keeps every parameter inside the compiled bounds", async () => {
    const c = r.stack.contracts;
    const bad = [
      { inclusionWindow: 9 * 60 },
      { inclusionWindow: 24 * 3600 + 1 },
      { failoverDelay: 30 },
      { maxDowntime: 1800 },
      { maxFinalityDelay: DEFAULT_SLA.finalityDelay },
      { inclusionWindowBlocks: 10 },
    ];
    for (const b of bad) {
      await expect(c.SlaConfig.validate({ ...DEFAULT_SLA, ...b })).to.be.revertedWithCustomError(c.SlaConfig, "SlaOutOfBounds");
    }
    await c.SlaConfig.validate(DEFAULT_SLA);
    const { ethers } = r.net;
    const f = await ethers.getContractFactory("SlaConfig");
    await expect(f.deploy(r.deployer.address, { ...DEFAULT_SLA, inclusionWindow: 60 })).to.be.revertedWithCustomError(f, "SlaOutOfBounds");
  });

  it("replaces the council and the validators only through the timelock", async () => {
    const c = r.stack.contracts;
    await expect(c.ExitController.setCouncil(r.council.map((m) => m.address), 6)).to.be.revertedWithCustomError(c.ExitController, "NotSelf");
    await expect(c.StateCommitment.setValidators(r.validators.map((v) => v.address), 3)).to.be.revertedWithCustomError(c.StateCommitment, "NotGovernor");
    const target = await c.StateCommitment.getAddress();
    const data = c.StateCommitment.interface.encodeFunctionData("setValidators", [r.validators.slice(0, 3).map((v) => v.address), 2]);
    const deadline = (await r.now()) + 3600;
    await (await c.ExitController.schedule(target, data, 1n, deadline, await scheduleSigs(target, data, 1n, deadline))).wait();
    await r.increaseTime(LOCAL_TIMELOCK);
    await expect(c.ExitController.execute(target, data, 1n)).to.emit(c.StateCommitment, "ValidatorsChanged");
    const [members, threshold, epoch] = await c.StateCommitment.validators();
    expect(members.length).to.equal(3);
    expect(threshold).to.equal(2n);
    expect(epoch).to.equal(2n);
  });

  it("replaces the council through the timelock: the old council loses the exit, the new one holds it", async () => {
    const c = r.stack.contracts;
    const ec = c.ExitController;
    const target = await ec.getAddress();
    const newCouncil = r.signers.slice(9, 17); // 8 other accounts
    const data = ec.interface.encodeFunctionData("setCouncil", [newCouncil.map((m) => m.address), 7]);
    const deadline = (await r.now()) + 3600;
    await (await ec.schedule(target, data, 21n, deadline, await scheduleSigs(target, data, 21n, deadline))).wait();
    await r.increaseTime(LOCAL_TIMELOCK);
    await expect(ec.execute(target, data, 21n)).to.emit(ec, "CouncilChanged");
    const [members, threshold, epoch] = await ec.council();
    expect(members).to.deep.equal(newCouncil.map((m) => m.address));
    expect([threshold, epoch]).to.deep.equal([7n, 2n]);
    expect(await ec.isCouncilMember(r.council[0]!.address)).to.equal(false);
    const old = await r.exitSignatures(6);
    await expect(ec.triggerExit(old.payload.reason, old.payload.nonce, old.payload.deadline, old.sigs)).to.be.revertedWithCustomError(ec, "NotEnoughSignatures").withArgs(6, 7);
    const { signTriggerExit } = await import("@sovereign-stack/sdk");
    const sigs = sortSignatures(await Promise.all(newCouncil.slice(0, 7).map(async (m) => ({ signer: m.address, signature: (await signTriggerExit(m, old.payload)).signature }))));
    await expect(ec.triggerExit(old.payload.reason, old.payload.nonce, old.payload.deadline, sigs)).to.emit(ec, "ExitTriggered");
  });

  it("the council can cancel a queued operation", async () => {
    const c = r.stack.contracts;
    const ec = c.ExitController;
    const target = await c.SlaConfig.getAddress();
    const data = c.SlaConfig.interface.encodeFunctionData("setSla", [DEFAULT_SLA]);
    const deadline = (await r.now()) + 3600;
    await (await ec.schedule(target, data, 3n, deadline, await scheduleSigs(target, data, 3n, deadline))).wait();
    const id = await ec.operationId(target, data, 3n);
    const domain = { name: "SovereignExitController", version: "1", chainId: r.net.chainId, verifyingContract: await ec.getAddress() };
    const types = { Cancel: [{ name: "operationId", type: "bytes32" }, { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" }] };
    const sigs = sortSignatures(await Promise.all(r.council.slice(0, 6).map(async (m) => ({ signer: m.address, signature: await m.signTypedData(domain, types, { operationId: id, nonce: 4n, deadline }) }))));
    await expect(ec.cancel(id, 4n, deadline, sigs)).to.emit(ec, "OperationCancelled").withArgs(id);
    await r.increaseTime(LOCAL_TIMELOCK);
    await expect(ec.execute(target, data, 3n)).to.be.revertedWithCustomError(ec, "OperationUnknown");
  });
});
