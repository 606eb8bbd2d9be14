import { expect } from "chai";
import { Signature, Wallet } from "ethers";
import { DEFAULT_SLA, buildTriggerExit, signTriggerExit, sortSignatures, triggerExitDigest, type Address } from "@sovereign-stack/sdk";

import { deployRollup, MAX_U64, type Rollup } from "./fixture.ts";

const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
const SECP_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

describe("ExitController: who triggers the exit", () => {
  let r: Rollup;
  /** The stack's SLA, inbox, commitments and timelock: the references an ExitController is built with. */
  const refs = async () => {
    const c = r.stack.contracts;
    return Promise.all([c.SlaConfig.getAddress(), c.SequencerInbox.getAddress(), c.StateCommitment.getAddress(), c.CouncilTimelock.getAddress()]);
  };
  beforeEach(async () => {
    r = await deployRollup();
  });

  describe("council path", () => {
    it("enters exit mode with M-of-N EIP-712 signatures, submitted by anyone", async () => {
      const ec = r.stack.contracts.ExitController.connect(r.stranger);
      const { payload, sigs } = await r.exitSignatures(6);
      await expect(ec.triggerExit(payload.reason, payload.nonce, payload.deadline, sigs)).to.emit(ec, "ExitTriggered");
      expect(await ec.inExit()).to.equal(true);
      expect(await ec.exitTrigger()).to.equal(1n);
    });

    it("refuses M-1 signatures", async () => {
      const ec = r.stack.contracts.ExitController;
      const { payload, sigs } = await r.exitSignatures(5);
      await expect(ec.triggerExit(payload.reason, payload.nonce, payload.deadline, sigs)).to.be.revertedWithCustomError(ec, "NotEnoughSignatures").withArgs(5, 6);
    });

    it("refuses unsorted and duplicate signers", async () => {
      const ec = r.stack.contracts.ExitController;
      const { payload, sigs } = await r.exitSignatures(6);
      const unsorted = [sigs[1]!, sigs[0]!, ...sigs.slice(2)];
      await expect(ec.triggerExit(payload.reason, payload.nonce, payload.deadline, unsorted)).to.be.revertedWithCustomError(ec, "SignersNotAscending").withArgs(1);
      const dup = [sigs[0]!, sigs[0]!, ...sigs.slice(1, 5)];
      await expect(ec.triggerExit(payload.reason, payload.nonce, payload.deadline, dup)).to.be.revertedWithCustomError(ec, "SignersNotAscending").withArgs(1);
    });

    it("refuses non-members, a replayed nonce, an expired deadline and a changed reason", async () => {
      const ec = r.stack.contracts.ExitController;
      const { payload, sigs } = await r.exitSignatures(6);
      const outsider = await signTriggerExit(r.stranger, payload);
      const withOutsider = sortSignatures([...sigs.slice(0, 5), { signer: outsider.signer, signature: outsider.signature }]);
      await expect(ec.triggerExit(payload.reason, payload.nonce, payload.deadline, withOutsider)).to.be.revertedWithCustomError(ec, "NotAMember").withArgs(r.stranger.address);
      await expect(ec.triggerExit("another reason", payload.nonce, payload.deadline, sigs)).to.be.revertedWithCustomError(ec, "InvalidSignature");
      const expired = await r.exitSignatures(6, "late", (await r.now()) - 1);
      await expect(ec.triggerExit(expired.payload.reason, expired.payload.nonce, expired.payload.deadline, expired.sigs)).to.be.revertedWithCustomError(ec, "SignatureExpired");
    });

    it("refuses a high-s (malleable) signature", async () => {
      const ec = r.stack.contracts.ExitController;
      const { payload, sigs } = await r.exitSignatures(6);
      const sig = Signature.from(sigs[0]!.signature);
      const highS = "0x" + sig.r.slice(2) + (SECP_N - BigInt(sig.s)).toString(16).padStart(64, "0") + (sig.v === 27 ? "1c" : "1b");
      expect(SECP_N - BigInt(sig.s) > HALF_N).to.equal(true);
      const tampered = [{ signer: sigs[0]!.signer, signature: highS }, ...sigs.slice(1)];
      await expect(ec.triggerExit(payload.reason, payload.nonce, payload.deadline, tampered)).to.be.revertedWithCustomError(ec, "InvalidSignature").withArgs(sigs[0]!.signer);
    });

    it("binds signatures to chain id and verifying contract", async () => {
      const ec = r.stack.contracts.ExitController;
      const good = buildTriggerExit({ chainId: r.net.chainId, verifyingContract: await ec.getAddress(), reason: "x", deadline: (await r.now()) + 999, nonce: 7n });
      const otherChain = { ...good, chainId: 1n };
      const otherContract = { ...good, verifyingContract: Wallet.createRandom().address as Address };
      expect(triggerExitDigest(good)).to.equal(await ec.triggerExitDigest("x", 7n, good.deadline));
      for (const p of [otherChain, otherContract]) {
        const sigs = sortSignatures(await Promise.all(r.council.slice(0, 6).map(async (m) => { const f = await signTriggerExit(m, p); return { signer: f.signer, signature: f.signature }; })));
        await expect(ec.triggerExit("x", 7n, good.deadline, sigs)).to.be.revertedWithCustomError(ec, "InvalidSignature");
      }
    });

    it("accepts an ERC-1271 contract member (a ministry's Safe-like multisig)", async () => {
      const { ethers } = r.net;
      const owners = [Wallet.createRandom(), Wallet.createRandom()].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
      const wallet = await ethers.deployContract("MockMultisig", [owners.map((o) => o.address), 2]);
      // A council with the multisig as member, built directly (governance path is tested elsewhere).
      const members = [await wallet.getAddress(), ...r.council.slice(0, 3).map((m) => m.address)];
      const ec = await ethers.deployContract("ExitController", [members, 3, ...(await refs())]);
      const payload = buildTriggerExit({ chainId: r.net.chainId, verifyingContract: await ec.getAddress(), reason: "ministry safe", deadline: (await r.now()) + 999 });
      const digest = triggerExitDigest(payload);
      const ownerSigs = owners.map((o) => o.signingKey.sign(digest).serialized);
      const multisigSig = "0x" + ownerSigs.map((s) => s.slice(2)).join("");
      const eoaSigs = await Promise.all(r.council.slice(0, 2).map(async (m) => ({ signer: m.address, signature: (await signTriggerExit(m, payload)).signature })));
      const sigs = sortSignatures([{ signer: await wallet.getAddress(), signature: multisigSig }, ...eoaSigs]);
      await expect(ec.triggerExit(payload.reason, payload.nonce, payload.deadline, sigs)).to.emit(ec, "ExitTriggered");
      // a wrong multisig signature is rejected
      const ec2 = await ethers.deployContract("ExitController", [members, 3, ...(await refs())]);
      const p2 = buildTriggerExit({ chainId: r.net.chainId, verifyingContract: await ec2.getAddress(), reason: "x", deadline: (await r.now()) + 999 });
      const bad = sortSignatures([{ signer: await wallet.getAddress(), signature: multisigSig }, ...(await Promise.all(r.council.slice(0, 2).map(async (m) => ({ signer: m.address, signature: (await signTriggerExit(m, p2)).signature }))))]);
      await expect(ec2.triggerExit(p2.reason, p2.nonce, p2.deadline, bad)).to.be.revertedWithCustomError(ec2, "InvalidSignature").withArgs(await wallet.getAddress());
    });

    it("enforces M > N/2 and M >= 2 at construction", async () => {
      const { ethers } = r.net;
      const m = r.council.map((x) => x.address);
      const factory = await ethers.getContractFactory("ExitController");
      const x = await refs();
      await expect(factory.deploy(m.slice(0, 8), 4, ...x)).to.be.revertedWithCustomError(factory, "BadThreshold");
      await expect(factory.deploy(m.slice(0, 2), 1, ...x)).to.be.revertedWithCustomError(factory, "BadThreshold");
      await expect(factory.deploy(m.slice(0, 3), 4, ...x)).to.be.revertedWithCustomError(factory, "BadThreshold");
      await expect(factory.deploy([m[0]!, m[0]!, m[1]!], 2, ...x)).to.be.revertedWithCustomError(factory, "BadMember");
      await factory.deploy(m.slice(0, 8), 5, ...x);
    });
  });

  describe("automatic path", () => {
    it("stays closed until maxDowntime passes without a batch, then anyone may trigger", async () => {
      const ec = r.stack.contracts.ExitController.connect(r.stranger);
      await expect(ec.triggerExitAuto()).to.be.revertedWithCustomError(ec, "SlaNotBreached");
      const [open, , opensAt] = await ec.autoTriggerStatus();
      expect(open).to.equal(false);
      const time = r.net.connection.networkHelpers.time;
      await time.setNextBlockTimestamp(opensAt - 1n);
      await expect(ec.triggerExitAuto({ gasLimit: 500_000 })).to.be.revertedWithCustomError(ec, "SlaNotBreached").withArgs(opensAt);
      await time.setNextBlockTimestamp(opensAt);
      await expect(ec.triggerExitAuto({ gasLimit: 500_000 })).to.emit(ec, "ExitTriggered");
      expect(await ec.exitTrigger()).to.equal(2n); // DowntimeSla
    });

    it("a batch resets the downtime clock", async () => {
      const ec = r.stack.contracts.ExitController;
      await r.increaseTime(DEFAULT_SLA.maxDowntime - 100n);
      await r.postBatch();
      await r.increaseTime(200);
      await expect(ec.triggerExitAuto()).to.be.revertedWithCustomError(ec, "SlaNotBreached");
    });

    it("opens on maxFinalityDelay when batches flow but nothing finalizes", async () => {
      const ec = r.stack.contracts.ExitController;
      const step = 3 * 3600;
      for (let t = 0; t <= DEFAULT_SLA.maxFinalityDelay; t += step) {
        await r.increaseTime(step);
        await r.postBatch();
      }
      const [open, why] = await ec.autoTriggerStatus();
      expect(open).to.equal(true);
      expect(why).to.equal(3n); // FinalitySla
      await expect(ec.triggerExitAuto()).to.emit(ec, "ExitTriggered");
    });
  });

  describe("exit mode", () => {
    it("freezes the inbox, the queue, commitments and the sequencer role, and is final", async () => {
      await r.postBatch();
      const { payload, sigs } = await r.exitSignatures(6);
      const ec = r.stack.contracts.ExitController;
      await (await ec.triggerExit(payload.reason, payload.nonce, payload.deadline, sigs)).wait();
      const c = r.stack.contracts;
      await expect(r.postBatch()).to.be.revertedWithCustomError(c.SequencerInbox, "InExit");
      await expect(c.SequencerInbox.forceInclude(1)).to.be.revertedWithCustomError(c.SequencerInbox, "InExit");
      await expect(c.DelayedInbox.enqueue("0x01")).to.be.revertedWithCustomError(c.DelayedInbox, "InExit");
      await expect(r.commit(0n)).to.be.revertedWithCustomError(c.StateCommitment, "InExit");
      await expect(c.SequencerSet.connect(r.sequencers[1]).claimActive()).to.be.revertedWithCustomError(c.SequencerSet, "InExit");
      const again = await r.exitSignatures(6);
      await expect(ec.triggerExit(again.payload.reason, again.payload.nonce, again.payload.deadline, again.sigs)).to.be.revertedWithCustomError(ec, "AlreadyInExit");
      await r.increaseTime(DEFAULT_SLA.maxDowntime * 2n);
      await expect(ec.triggerExitAuto()).to.be.revertedWithCustomError(ec, "SlaNotBreached");
      expect(await ec.inExit()).to.equal(true);
      void MAX_U64;
    });
  });
});
