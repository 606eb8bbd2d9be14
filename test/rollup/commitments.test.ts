import { expect } from "chai";
import { DEFAULT_SLA, exitControllerDomain, signCommitment, signVeto, sortSignatures, type Address, type Hex } from "@sovereign-stack/sdk";

import { deployRollup, type Rollup } from "./fixture.ts";

describe("StateCommitment", () => {
  let r: Rollup;
  beforeEach(async () => {
    r = await deployRollup();
    await r.postBatch();
    await r.postBatch();
  });

  async function attempt(data: { index: bigint; batchIndex: bigint; accumulator?: string }, signerCount = 3, deadlineOffset = 3600) {
    const sc = r.stack.contracts.StateCommitment;
    const n = await sc.count();
    const prev = (n === 0n ? "0x" + "00".repeat(32) : (await sc.get(n - 1n)).hash) as Hex;
    const [, , epoch] = await sc.validators();
    const full = {
      index: data.index,
      batchIndex: data.batchIndex,
      accumulator: (data.accumulator ?? (await r.stack.contracts.SequencerInbox.accumulatorOf(data.batchIndex < 2n ? data.batchIndex : 0n))) as Hex,
      l2StateRoot: `0x${"11".repeat(32)}` as Hex,
      exitRoot: `0x${"22".repeat(32)}` as Hex,
      identityRoot: `0x${"33".repeat(32)}` as Hex,
    };
    const ctx = { chainId: BigInt(r.net.chainId), verifyingContract: (await sc.getAddress()) as Address, prevCommitment: prev, validatorEpoch: epoch, deadline: BigInt((await r.now()) + deadlineOffset) };
    const sigs = sortSignatures(await Promise.all(r.validators.slice(0, signerCount).map((v) => signCommitment(v, full, ctx))));
    return sc.commit(full, ctx.deadline, sigs);
  }

  it("accepts M-of-N validator signatures over the EIP-712 commitment", async () => {
    const sc = r.stack.contracts.StateCommitment;
    await expect(attempt({ index: 0n, batchIndex: 0n })).to.emit(sc, "CommitmentSubmitted");
    expect(await sc.count()).to.equal(1n);
  });

  it("rejects fewer than M signatures and expired deadlines", async () => {
    const sc = r.stack.contracts.StateCommitment;
    await expect(attempt({ index: 0n, batchIndex: 0n }, 2)).to.be.revertedWithCustomError(sc, "NotEnoughSignatures");
    await expect(attempt({ index: 0n, batchIndex: 0n }, 3, -10)).to.be.revertedWithCustomError(sc, "SignatureExpired");
  });

  it("must be for an existing batch with the matching accumulator", async () => {
    const sc = r.stack.contracts.StateCommitment;
    await expect(attempt({ index: 0n, batchIndex: 5n })).to.be.revertedWithCustomError(sc, "UnknownBatch");
    await expect(attempt({ index: 0n, batchIndex: 0n, accumulator: "0x" + "99".repeat(32) })).to.be.revertedWithCustomError(sc, "AccumulatorMismatch");
  });

  it("follows the previous commitment: no gaps, no forks", async () => {
    const sc = r.stack.contracts.StateCommitment;
    await expect(attempt({ index: 1n, batchIndex: 0n })).to.be.revertedWithCustomError(sc, "WrongIndex");
    await (await attempt({ index: 0n, batchIndex: 1n })).wait();
    await expect(attempt({ index: 1n, batchIndex: 0n })).to.be.revertedWithCustomError(sc, "NotAfterPrevious");
    await expect(attempt({ index: 0n, batchIndex: 1n })).to.be.revertedWithCustomError(sc, "WrongIndex");
  });

  it("becomes final after finalityDelay", async () => {
    const sc = r.stack.contracts.StateCommitment;
    await r.commit(0n);
    expect((await sc.lastFinalized())[0]).to.equal(false);
    await r.increaseTime(DEFAULT_SLA.finalityDelay);
    const [exists, index] = await sc.lastFinalized();
    expect(exists).to.equal(true);
    expect(index).to.equal(0n);
    expect((await sc.roots(0))[2]).to.equal(true);
  });

  it("the council can veto a pending commitment by threshold, not a final one", async () => {
    const sc = r.stack.contracts.StateCommitment;
    const ec = r.stack.contracts.ExitController;
    await r.commit(0n);
    const hash = (await sc.get(0)).hash;
    const deadline = (await r.now()) + 3600;
    const vetoSigs = async (nonce: bigint, index: bigint, h: string, n = 6, dl = deadline) => {
      const domain = exitControllerDomain(r.net.chainId, await ec.getAddress());
      return sortSignatures(await Promise.all(r.council.slice(0, n).map((m) => signVeto(m, domain, { index, hash: h }, { nonce, deadline: BigInt(dl) }))));
    };
    await expect(ec.veto(0n, hash, 1n, deadline, await vetoSigs(1n, 0n, hash, 5))).to.be.revertedWithCustomError(ec, "NotEnoughSignatures");
    await expect(sc.veto(0n, hash)).to.be.revertedWithCustomError(sc, "NotExitController");
    await expect(ec.veto(0n, hash, 2n, deadline, await vetoSigs(2n, 0n, hash))).to.emit(sc, "CommitmentVetoed").withArgs(0n, hash, 1n);
    expect(await sc.count()).to.equal(0n);
    // a final commitment cannot be vetoed
    await r.commit(1n);
    const h2 = (await sc.get(0)).hash;
    await r.increaseTime(DEFAULT_SLA.finalityDelay + 1n);
    const dl2 = (await r.now()) + 3600;
    await expect(ec.veto(0n, h2, 3n, dl2, await vetoSigs(3n, 0n, h2, 6, dl2))).to.be.revertedWithCustomError(sc, "AlreadyFinal");
  });

  it("a veto sticks: the vetoed commitment and the one built on it cannot be re-submitted from their public calldata", async () => {
    const sc = r.stack.contracts.StateCommitment;
    const ec = r.stack.contracts.ExitController;
    const provider = r.net.ethers.provider;
    const lastTxData = async () => (await provider.getBlock("latest", true))!.prefetchedTransactions[0]!.data;
    await r.commit(0n);
    const firstCall = await lastTxData();
    const hash = (await sc.get(0)).hash;
    await r.commit(1n);
    const secondCall = await lastTxData();
    const deadline = (await r.now()) + 3600;
    const domain = exitControllerDomain(r.net.chainId, await ec.getAddress());
    const sigs = sortSignatures(await Promise.all(r.council.slice(0, 6).map((m) => signVeto(m, domain, { index: 0n, hash }, { nonce: 9n, deadline: BigInt(deadline) }))));
    await expect(ec.veto(0n, hash, 9n, deadline, sigs)).to.emit(sc, "CommitmentVetoed").withArgs(0n, hash, 2n);
    expect(await sc.vetoed(hash)).to.equal(true);
    const scAddress = await sc.getAddress();
    await expect(r.stranger.sendTransaction({ to: scAddress, data: firstCall })).to.be.revertedWithCustomError(sc, "CommitmentWasVetoed").withArgs(hash);
    // the later one named the vetoed hash as its parent: it can never attach again
    await expect(r.stranger.sendTransaction({ to: scAddress, data: secondCall })).to.be.revertedWithCustomError(sc, "WrongIndex");
    // the validators sign a corrected commitment, which is accepted
    await r.commit(0n, { exitRoot: "0x" + "11".repeat(32) });
    expect(await sc.count()).to.equal(1n);
  });
});

describe("SDK commitment signature verifier", () => {
  it("keeps valid member signatures, drops forged, duplicate and outsider ones", async () => {
    const { verifyCommitmentSignatures, signCommitment } = await import("@sovereign-stack/sdk");
    const { Wallet } = await import("ethers");
    const vals = [Wallet.createRandom(), Wallet.createRandom(), Wallet.createRandom()];
    const outsider = Wallet.createRandom();
    const data = { index: 0n, batchIndex: 0n, accumulator: `0x${"01".repeat(32)}` as Hex, l2StateRoot: `0x${"02".repeat(32)}` as Hex, exitRoot: `0x${"03".repeat(32)}` as Hex, identityRoot: `0x${"04".repeat(32)}` as Hex };
    const ctx = { chainId: 31337n, verifyingContract: Wallet.createRandom().address as Address, prevCommitment: `0x${"00".repeat(32)}` as Hex, validatorEpoch: 1n, deadline: 9999999999n };
    const good = await Promise.all(vals.map((v) => signCommitment(v, data, ctx)));
    const forged = { signer: vals[0]!.address, signature: (await signCommitment(vals[1]!, data, ctx)).signature };
    const res = verifyCommitmentSignatures(data, ctx, [good[1]!, forged, good[0]!, good[0]!, await signCommitment(outsider, data, ctx)], { members: vals.map((v) => v.address), threshold: 2n });
    expect(res.valid.map((v) => v.signer)).to.deep.equal([vals[0]!.address, vals[1]!.address].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
    expect(res.rejected.map((r) => r.reason).sort()).to.deep.equal(["duplicate signer", "not a validator", "signature does not verify for this commitment"].sort());
    expect(res.enough).to.equal(true);
  });
});
