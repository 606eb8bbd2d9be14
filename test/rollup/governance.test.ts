import { expect } from "chai";
import {
  DEFAULT_SLA,
  buildOperation,
  executeOperation,
  exitControllerDomain,
  getSla,
  operationId,
  signCancel,
  signSchedule,
  sortSignatures,
  submitSchedule,
  type GovernanceOperation,
} from "@sovereign-stack/sdk";

import { deployRollup, type Rollup } from "./fixture.ts";
import { LOCAL_TIMELOCK } from "../../scripts/lib/stack/rollup.ts";

describe("Governance: the recovery window is on-chain, changed only by the council through a timelock", () => {
  let r: Rollup;
  beforeEach(async () => {
    r = await deployRollup();
  });

  /** OpenZeppelin TimelockController operation states. */
  const State = { Unset: 0n, Waiting: 1n, Ready: 2n, Done: 3n };

  async function domain() {
    return exitControllerDomain(r.net.chainId, await r.stack.contracts.ExitController.getAddress());
  }

  async function scheduleSigs(op: GovernanceOperation, nonce: bigint, deadline: number, n = 6) {
    const d = await domain();
    return sortSignatures(await Promise.all(r.council.slice(0, n).map((m) => signSchedule(m, d, op, { nonce, deadline: BigInt(deadline) }))));
  }

  async function cancelSigs(id: string, nonce: bigint, deadline: number, n = 6) {
    const d = await domain();
    return sortSignatures(await Promise.all(r.council.slice(0, n).map((m) => signCancel(m, d, id, { nonce, deadline: BigInt(deadline) }))));
  }

  async function op(target: { getAddress(): Promise<string> }, data: string, salt?: string): Promise<GovernanceOperation> {
    return buildOperation({ calls: [{ target: await target.getAddress(), data }], delay: BigInt(LOCAL_TIMELOCK), salt });
  }

  /** Schedules with 6 council signatures, waits out the timelock and executes (as a stranger). */
  async function govern(o: GovernanceOperation, nonce: bigint) {
    const deadline = (await r.now()) + 3600;
    await submitSchedule(r.stack, o, { nonce, deadline: BigInt(deadline) }, await scheduleSigs(o, nonce, deadline));
    await r.increaseTime(LOCAL_TIMELOCK);
    return executeOperation(r.stack, o);
  }

  it("getSla returns every parameter, at the defaults", async () => {
    expect(await getSla(r.stack)).to.deep.equal(DEFAULT_SLA);
  });

  it("changes the SLA only after the timelock, with council signatures; operation states Unset → Waiting → Ready → Done", async () => {
    const c = r.stack.contracts;
    const sla = { ...DEFAULT_SLA, inclusionWindow: 30 * 60 };
    const o = await op(c.SlaConfig, c.SlaConfig.interface.encodeFunctionData("setSla", [sla]));
    await expect(c.SlaConfig.setSla(sla)).to.be.revertedWithCustomError(c.SlaConfig, "NotGovernor");
    const deadline = (await r.now()) + 3600;
    const id = await operationId(r.stack, o);
    expect(await c.CouncilTimelock.getOperationState(id)).to.equal(State.Unset);
    await expect(submitSchedule(r.stack, o, { nonce: 11n, deadline: BigInt(deadline) }, await scheduleSigs(o, 11n, deadline, 5))).to.be.revertedWithCustomError(c.ExitController, "NotEnoughSignatures");
    const sent = await submitSchedule(r.stack, o, { nonce: 11n, deadline: BigInt(deadline) }, await scheduleSigs(o, 11n, deadline));
    expect(sent.id).to.equal(id);
    expect(await c.CouncilTimelock.getOperationState(id)).to.equal(State.Waiting);
    await expect(executeOperation(r.stack, o)).to.be.revertedWithCustomError(c.CouncilTimelock, "TimelockUnexpectedOperationState");
    await r.increaseTime(LOCAL_TIMELOCK);
    expect(await c.CouncilTimelock.getOperationState(id)).to.equal(State.Ready);
    await expect(c.CouncilTimelock.connect(r.stranger).executeBatch([...o.targets], [...o.values], [...o.payloads], o.predecessor, o.salt)).to.emit(c.SlaConfig, "SlaUpdated");
    expect((await getSla(r.stack)).inclusionWindow).to.equal(30n * 60n);
    expect(await c.CouncilTimelock.getOperationState(id)).to.equal(State.Done);
    await expect(executeOperation(r.stack, o)).to.be.revertedWithCustomError(c.CouncilTimelock, "TimelockUnexpectedOperationState");
  });

  it("a proposal shorter than the timelock's delay is refused, and only the council proposes", async () => {
    const c = r.stack.contracts;
    const o = { ...(await op(c.SlaConfig, c.SlaConfig.interface.encodeFunctionData("setSla", [DEFAULT_SLA]))), delay: BigInt(LOCAL_TIMELOCK - 1) };
    const deadline = (await r.now()) + 3600;
    await expect(submitSchedule(r.stack, o, { nonce: 5n, deadline: BigInt(deadline) }, await scheduleSigs(o, 5n, deadline))).to.be.revertedWithCustomError(c.CouncilTimelock, "TimelockInsufficientDelay");
    await expect(c.CouncilTimelock.connect(r.stranger).scheduleBatch([...o.targets], [...o.values], [...o.payloads], o.predecessor, o.salt, BigInt(LOCAL_TIMELOCK))).to.be.revertedWithCustomError(c.CouncilTimelock, "AccessControlUnauthorizedAccount");
  });

  it("a used nonce cannot be replayed by any council action", async () => {
    const c = r.stack.contracts;
    const ec = c.ExitController;
    const o = await op(c.SlaConfig, c.SlaConfig.interface.encodeFunctionData("setSla", [DEFAULT_SLA]));
    const deadline = (await r.now()) + 3600;
    const sigs = await scheduleSigs(o, 42n, deadline);
    await submitSchedule(r.stack, o, { nonce: 42n, deadline: BigInt(deadline) }, sigs);
    await expect(submitSchedule(r.stack, o, { nonce: 42n, deadline: BigInt(deadline) }, sigs)).to.be.revertedWithCustomError(ec, "NonceUsed").withArgs(42n);
    // the same nonce on another action type is refused too
    const id = await operationId(r.stack, o);
    await expect(ec.cancel(id, 42n, deadline, await cancelSigs(id, 42n, deadline))).to.be.revertedWithCustomError(ec, "NonceUsed").withArgs(42n);
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
    await expect(c.ExitController.setCouncil(r.council.map((m) => m.address), 6)).to.be.revertedWithCustomError(c.ExitController, "NotGovernor");
    await expect(c.StateCommitment.setValidators(r.validators.map((v) => v.address), 3)).to.be.revertedWithCustomError(c.StateCommitment, "NotGovernor");
    const o = await op(c.StateCommitment, c.StateCommitment.interface.encodeFunctionData("setValidators", [r.validators.slice(0, 3).map((v) => v.address), 2]));
    const receipt = await govern(o, 1n);
    expect(receipt.logs.some((l) => c.StateCommitment.interface.parseLog(l)?.name === "ValidatorsChanged")).to.equal(true);
    const [members, threshold, epoch] = await c.StateCommitment.validators();
    expect(members.length).to.equal(3);
    expect(threshold).to.equal(2n);
    expect(epoch).to.equal(2n);
  });

  it("replaces the council through the timelock: the old council loses the exit, the new one holds it", async () => {
    const c = r.stack.contracts;
    const ec = c.ExitController;
    const newCouncil = r.signers.slice(9, 17); // 8 other accounts
    const receipt = await govern(await op(ec, ec.interface.encodeFunctionData("setCouncil", [newCouncil.map((m) => m.address), 7])), 21n);
    expect(receipt.logs.some((l) => ec.interface.parseLog(l)?.name === "CouncilChanged")).to.equal(true);
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

  it("the council can cancel a queued operation: it returns to Unset and can never execute", async () => {
    const c = r.stack.contracts;
    const ec = c.ExitController;
    const o = await op(c.SlaConfig, c.SlaConfig.interface.encodeFunctionData("setSla", [DEFAULT_SLA]));
    const deadline = (await r.now()) + 3600;
    const { id } = await submitSchedule(r.stack, o, { nonce: 3n, deadline: BigInt(deadline) }, await scheduleSigs(o, 3n, deadline));
    await expect(ec.cancel(id, 4n, deadline, await cancelSigs(id, 4n, deadline))).to.emit(c.CouncilTimelock, "Cancelled").withArgs(id);
    expect(await c.CouncilTimelock.getOperationState(id)).to.equal(State.Unset);
    await r.increaseTime(LOCAL_TIMELOCK);
    await expect(executeOperation(r.stack, o)).to.be.revertedWithCustomError(c.CouncilTimelock, "TimelockUnexpectedOperationState");
  });

  it("the timelock's own delay changes only through itself and within bounds", async () => {
    const c = r.stack.contracts;
    const tl = c.CouncilTimelock;
    await expect(tl.updateDelay(7200)).to.be.revertedWithCustomError(tl, "TimelockUnauthorizedCaller");
    await govern(await op(tl, tl.interface.encodeFunctionData("updateDelay", [7200])), 7n);
    expect(await tl.getMinDelay()).to.equal(7200n);
    const tooLong = buildOperation({ calls: [{ target: await tl.getAddress(), data: tl.interface.encodeFunctionData("updateDelay", [31 * 86400]) }], delay: 7200n });
    const deadline = (await r.now()) + 3600;
    await submitSchedule(r.stack, tooLong, { nonce: 8n, deadline: BigInt(deadline) }, await scheduleSigs(tooLong, 8n, deadline));
    await r.increaseTime(7200);
    await expect(executeOperation(r.stack, tooLong)).to.be.revertedWithCustomError(tl, "DelayOutOfBounds");
  });
});
