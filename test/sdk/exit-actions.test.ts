/**
 * The exit tool's chain logic as SDK actions: getCouncil, (prepare)submitTriggerExit, (prepare)triggerExitAuto.
 * Every rule is the contract's (triggerExitDigest, isCouncilMember, autoTriggerStatus, a simulation).
 */
import { expect } from "chai";

import {
  ContractRevertedError,
  DEFAULT_SLA,
  InvalidInputError,
  NotYetError,
  checkExitSignatures,
  connect,
  exitControllerDomain,
  getCouncil,
  prepareSubmitTriggerExit,
  prepareTriggerExitAuto,
  readCouncilSnapshot,
  buildOperation,
  signSchedule,
  submitSchedule,
  signTriggerExit,
  submitTriggerExit,
  triggerExitAuto,
  type Address,
} from "@sovereign-stack/sdk";

import { deployRollup, type Rollup } from "../rollup/fixture.ts";

async function thrown(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

describe("SDK exit actions", function () {
  this.timeout(120_000);
  let r: Rollup;
  beforeEach(async () => {
    r = await deployRollup();
  });

  it("getCouncil reads members, threshold and epoch as Address and bigint", async () => {
    const c = await getCouncil(r.stack);
    expect(c.members).to.deep.equal(r.council.map((m) => m.address as Address));
    expect(typeof c.threshold).to.equal("bigint");
    expect(c.epoch).to.equal(1n);
  });

  it("prepareSubmitTriggerExit returns calldata with exactly the threshold of valid signatures, ascending, and reports the rest", async () => {
    const { threshold } = await getCouncil(r.stack);
    const { payload } = await r.exitSignatures(0);
    const files = await Promise.all(r.council.map((m) => signTriggerExit(m, payload)));
    const stranger = await signTriggerExit(r.stranger, payload);
    const call = await prepareSubmitTriggerExit(r.stack, { payload, signatures: [stranger, ...files.reverse(), files[0]!] });
    expect(call.to).to.equal(r.stack.address("ExitController"));
    expect(call.value).to.equal(0n);
    expect(BigInt(call.signatures.length)).to.equal(threshold);
    const signers = call.signatures.map((s) => BigInt(s.signer));
    expect(signers).to.deep.equal([...signers].sort((a, b) => (a < b ? -1 : 1)));
    expect(call.rejected.map((x) => x.reason)).to.include.members(["not a council member", "duplicate: this member already signed"]);
    expect(call.digest).to.equal(await r.stack.contracts.ExitController.triggerExitDigest(payload.reason, payload.nonce, payload.deadline));
    const decoded = r.stack.contracts.ExitController.interface.decodeFunctionData("triggerExit", call.data);
    expect(decoded[0]).to.equal(payload.reason);
    // The calldata works from any sender (e.g. a Safe): send it raw.
    await (await r.stranger.sendTransaction({ to: call.to, data: call.data })).wait();
    expect(await r.stack.contracts.ExitController.inExit()).to.equal(true);
  });

  it("submitTriggerExit sends it and returns the receipt; a second one reverts with the decoded AlreadyInExit", async () => {
    const { payload } = await r.exitSignatures(0);
    const files = await Promise.all(r.council.map((m) => signTriggerExit(m, payload)));
    const res = await submitTriggerExit(r.stack, { payload, signatures: files });
    expect(res.receipt.status).to.equal(1);
    expect(res.hash).to.match(/^0x[0-9a-f]{64}$/);
    const again = await thrown(submitTriggerExit(r.stack, { payload, signatures: files }));
    expect(again).to.be.instanceOf(ContractRevertedError);
    expect((again as ContractRevertedError).errorName).to.equal("AlreadyInExit");
  });

  it("refuses too few signatures, naming who is missing", async () => {
    const { threshold, members } = await getCouncil(r.stack);
    const { payload } = await r.exitSignatures(0);
    const few = await Promise.all(r.council.slice(0, Number(threshold) - 1).map((m) => signTriggerExit(m, payload)));
    const e = await thrown(prepareSubmitTriggerExit(r.stack, { payload, signatures: few }));
    expect(e).to.be.instanceOf(InvalidInputError);
    expect((e as InvalidInputError).field).to.equal("signatures");
    expect((e as InvalidInputError).shortMessage).to.include(members[members.length - 1]!);
  });

  it("a payload whose nonce bit is set by another council action is still accepted (TriggerExit stores no nonce)", async () => {
    const ec = r.stack.contracts.ExitController;
    const nonce = 77n;
    const deadline = (await r.now()) + 3600;
    // Use nonce 77 of the bitmap through a council schedule: the bit is set.
    const domain = exitControllerDomain(r.net.chainId, await ec.getAddress());
    const c = r.stack.contracts;
    const op = buildOperation({ calls: [{ target: r.stack.address("SlaConfig"), data: c.SlaConfig.interface.encodeFunctionData("setSla", [DEFAULT_SLA]) }], delay: await c.CouncilTimelock.getMinDelay() });
    const { threshold } = await getCouncil(r.stack);
    const sigs = await Promise.all(r.council.slice(0, Number(threshold)).map((m) => signSchedule(m, domain, op, { nonce, deadline: BigInt(deadline) })));
    await submitSchedule(r.stack, op, { nonce, deadline: BigInt(deadline) }, sigs);
    expect(await ec.nonceUsed(nonce)).to.equal(true);
    const { payload } = await (async () => {
      const p = (await r.exitSignatures(0, "nonce shared with a cancel")).payload;
      return { payload: { ...p, nonce } };
    })();
    const files = await Promise.all(r.council.map((m) => signTriggerExit(m, payload)));
    const snapshot = await readCouncilSnapshot(ec, r.net.ethers.provider, payload.nonce);
    const chk = await checkExitSignatures(payload, files.map((file, i) => ({ source: `m${i}`, file })), snapshot);
    expect(chk.enough).to.equal(true);
    expect((await submitTriggerExit(r.stack, { payload, signatures: files })).receipt.status).to.equal(1);
  });

  it("triggerExitAuto throws NotYetError with opensAt from autoTriggerStatus while closed, then fires", async () => {
    const [, , opensAt] = await r.stack.contracts.ExitController.autoTriggerStatus();
    const e = await thrown(triggerExitAuto(r.stack));
    expect(e).to.be.instanceOf(NotYetError);
    expect((e as NotYetError).opensAt).to.equal(opensAt);
    expect((e as NotYetError).opensAtBlock).to.equal(undefined);
    await r.increaseTime(DEFAULT_SLA.maxDowntime * 2n);
    const call = await prepareTriggerExitAuto(r.stack);
    expect(call.data).to.equal(r.stack.contracts.ExitController.interface.encodeFunctionData("triggerExitAuto"));
    const res = await triggerExitAuto(r.stack);
    expect(res.receipt.status).to.equal(1);
    expect(await thrown(prepareTriggerExitAuto(r.stack))).to.be.instanceOf(InvalidInputError);
  });

  it("a read-only stack prepares calldata but refuses to send, naming the runner", async () => {
    const readOnly = await connect(r.net.ethers.provider, r.stack.deployment);
    const { payload } = await r.exitSignatures(0);
    const files = await Promise.all(r.council.map((m) => signTriggerExit(m, payload)));
    expect((await prepareSubmitTriggerExit(readOnly, { payload, signatures: files })).data).to.match(/^0x/);
    const e = await thrown(submitTriggerExit(readOnly, { payload, signatures: files }));
    expect(e).to.be.instanceOf(InvalidInputError);
    expect((e as InvalidInputError).field).to.equal("stack.runner");
  });
});
